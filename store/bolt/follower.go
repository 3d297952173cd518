package bolt

import (
	"encoding/json"
	"fmt"

	"engagebot/bot"
)

// Follower returns a follower's profile.
func (t *Tx) Follower(k bot.FollowerKey) (*bot.Follower, error) {
	var f bot.Follower
	if ok, err := getJSON(t.bucket(bucketFollowers), followerKey(k), &f); err != nil {
		return nil, fmt.Errorf("bolt: follower %s: %w", k, err)
	} else if !ok {
		return nil, notFound("follower %s not found", k)
	}
	return &f, nil
}

// PutFollower creates or replaces a follower's profile.
func (t *Tx) PutFollower(f *bot.Follower) error {
	if err := t.writable("put follower"); err != nil {
		return err
	}
	if err := validFollowerKey(f.Key); err != nil {
		return err
	}
	if err := putJSON(t.bucket(bucketFollowers), followerKey(f.Key), f); err != nil {
		return fmt.Errorf("bolt: put follower %s: %w", f.Key, err)
	}
	return nil
}

// Followers lists profiles in (platform, user id) order. A platform filter
// is a range scan; language and consent are checked on each profile.
func (t *Tx) Followers(filter bot.FollowerFilter) ([]*bot.Follower, error) {
	var prefix, after []byte
	if filter.Platform != "" {
		prefix = stringKey(filter.Platform)
	}
	if filter.After != (bot.FollowerKey{}) {
		after = followerKey(filter.After)
	}
	var list []*bot.Follower
	err := scan(t.bucket(bucketFollowers), prefix, after, func(_, v []byte) (bool, error) {
		var f bot.Follower
		if err := json.Unmarshal(v, &f); err != nil {
			return false, err
		}
		if (filter.Lang == "" || f.Lang == filter.Lang) &&
			(filter.Consent == nil || f.Consent == *filter.Consent) {
			list = append(list, &f)
		}
		return !full(filter.Limit, len(list)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: followers: %w", err)
	}
	return list, nil
}

// DeleteFollower erases a follower: the profile, every message they wrote
// or received (any thread), the private threads they are the follower of
// with all those threads' messages, and their sentiment records. A shared
// thread (group, channel, public) they are the follower of keeps the other
// people's messages and loses its link to them. Erasing an unknown
// follower is not an error, and erases whatever data is left of them.
func (t *Tx) DeleteFollower(k bot.FollowerKey) error {
	if err := t.writable("delete follower"); err != nil {
		return err
	}
	if err := validFollowerKey(k); err != nil {
		return err
	}
	fk := followerKey(k)
	if err := t.bucket(bucketFollowers).Delete(fk); err != nil {
		return fmt.Errorf("bolt: delete follower %s: %w", k, err)
	}
	if err := t.deleteFollowerMessages(fk); err != nil {
		return fmt.Errorf("bolt: delete follower %s: messages: %w", k, err)
	}
	if err := t.deleteFollowerThreads(fk); err != nil {
		return fmt.Errorf("bolt: delete follower %s: threads: %w", k, err)
	}
	if err := t.deleteFollowerSentiment(fk); err != nil {
		return fmt.Errorf("bolt: delete follower %s: sentiment: %w", k, err)
	}
	return nil
}

// deleteFollowerMessages deletes the messages listed under the follower in
// messages_by_follower, whose keys end with the message key.
func (t *Tx) deleteFollowerMessages(fk []byte) error {
	idx, msgs := t.bucket(bucketMessagesFollower), t.bucket(bucketMessages)
	for _, k := range keysWithPrefix(idx, fk) {
		if err := msgs.Delete(k[len(fk):]); err != nil {
			return err
		}
		if err := idx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) deleteFollowerThreads(fk []byte) error {
	idx, threads := t.bucket(bucketThreadsFollower), t.bucket(bucketThreads)
	for _, k := range keysWithPrefix(idx, fk) {
		tk := k[len(fk):]
		var th bot.Thread
		ok, err := getJSON(threads, tk, &th)
		if err != nil {
			return err
		}
		if err := idx.Delete(k); err != nil {
			return err
		}
		if !ok {
			continue
		}
		if th.ChatType != bot.ChatPrivate && th.ChatType != "" {
			th.Follower = bot.FollowerKey{}
			if err := putJSON(threads, tk, &th); err != nil {
				return err
			}
			continue
		}
		if err := t.deleteThreadMessages(tk); err != nil {
			return err
		}
		if err := threads.Delete(tk); err != nil {
			return err
		}
	}
	return nil
}

// deleteThreadMessages deletes all messages of a thread and their entries
// in messages_by_follower.
func (t *Tx) deleteThreadMessages(tk []byte) error {
	msgs := t.bucket(bucketMessages)
	for _, k := range keysWithPrefix(msgs, tk) {
		if err := t.deleteMessage(k, msgs.Get(k)); err != nil {
			return err
		}
	}
	return nil
}
