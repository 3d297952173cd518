package bolt

import (
	"bytes"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// Followers are stored by fkey, and indexed by (lang, fkey) in
// followers_by_lang (only when the language is known) and by (consent,
// fkey) in followers_by_consent, with empty values. The platform is the
// first part of fkey, so every filter is a range scan: one index, or the
// intersection of both walked side by side, since both are in fkey order.

// Follower returns a follower's profile.
func (t *Tx) Follower(k bot.FollowerKey) (*bot.Follower, error) {
	fk := followerKey(k)
	v := t.bucket(bucketFollowers).Get(fk)
	if v == nil {
		return nil, notFound("follower %s not found", k)
	}
	f, err := decodeFollower(fk, v)
	if err != nil {
		return nil, fmt.Errorf("bolt: follower %s: %w", k, err)
	}
	return f, nil
}

func followerIndexKeys(fk []byte, f *bot.Follower) (byLang, byConsent []byte) {
	if f.Lang != "" {
		byLang = join(stringKey(f.Lang), fk)
	}
	return byLang, join(stringKey(string(f.Consent)), fk)
}

// PutFollower creates or replaces a follower's profile and keeps its
// index entries in step.
func (t *Tx) PutFollower(f *bot.Follower) error {
	if err := t.writable("put follower"); err != nil {
		return err
	}
	if err := validFollowerKey(f.Key); err != nil {
		return err
	}
	if err := t.putFollower(followerKey(f.Key), f); err != nil {
		return fmt.Errorf("bolt: put follower %s: %w", f.Key, err)
	}
	return nil
}

func (t *Tx) putFollower(fk []byte, f *bot.Follower) error {
	followers := t.bucket(bucketFollowers)
	newLang, newConsent := followerIndexKeys(fk, f)
	if v := followers.Get(fk); v != nil {
		old, err := decodeFollower(fk, v)
		if err != nil {
			return err
		}
		if err := t.deleteFollowerIndex(fk, old, newLang, newConsent); err != nil {
			return err
		}
	}
	if newLang != nil {
		if err := t.bucket(bucketFollowersLang).Put(newLang, nil); err != nil {
			return err
		}
	}
	if err := t.bucket(bucketFollowersConsent).Put(newConsent, nil); err != nil {
		return err
	}
	return followers.Put(fk, encodeFollower(f))
}

// deleteFollowerIndex removes old's index entries other than the keep ones.
func (t *Tx) deleteFollowerIndex(fk []byte, old *bot.Follower, keepLang, keepConsent []byte) error {
	oldLang, oldConsent := followerIndexKeys(fk, old)
	if oldLang != nil && !bytes.Equal(oldLang, keepLang) {
		if err := t.bucket(bucketFollowersLang).Delete(oldLang); err != nil {
			return err
		}
	}
	if !bytes.Equal(oldConsent, keepConsent) {
		return t.bucket(bucketFollowersConsent).Delete(oldConsent)
	}
	return nil
}

// Followers lists profiles in (platform, user id) order. Each filter is a
// range scan: of the profiles for a platform alone, of an index for a
// language or consent state, or of both indexes side by side for both.
func (t *Tx) Followers(filter bot.FollowerFilter) ([]*bot.Follower, error) {
	var platform []byte // fkey prefix
	if filter.Platform != "" {
		platform = stringKey(filter.Platform)
	}
	var after []byte
	if filter.After != (bot.FollowerKey{}) {
		after = followerKey(filter.After)
	}
	// Each source is an index bucket whose keys are a fixed prefix then
	// the fkey.
	type source struct {
		b      *bbolt.Bucket
		prefix []byte
	}
	var srcs []source
	if filter.Lang != "" {
		srcs = append(srcs, source{t.bucket(bucketFollowersLang), stringKey(filter.Lang)})
	}
	if filter.Consent != nil {
		srcs = append(srcs, source{t.bucket(bucketFollowersConsent), stringKey(string(*filter.Consent))})
	}
	followers := t.bucket(bucketFollowers)
	var list []*bot.Follower
	add := func(fk, v []byte) (bool, error) {
		f, err := decodeFollower(fk, v)
		if err != nil {
			return false, err
		}
		list = append(list, f)
		return !full(filter.Limit, len(list)), nil
	}
	if len(srcs) == 0 {
		err := scan(followers, platform, after, add)
		if err != nil {
			return nil, fmt.Errorf("bolt: followers: %w", err)
		}
		return list, nil
	}
	// Walk the sources together: each seeks to the largest fkey any of
	// them is at, until all agree (a leapfrog join).
	cursors := make([]*bbolt.Cursor, len(srcs))
	for i, s := range srcs {
		cursors[i] = s.b.Cursor()
	}
	target := platform
	if after != nil && bytes.Compare(after, target) >= 0 {
		target = append(bytes.Clone(after), 0) // just past after
	}
	for {
		agreed := 0
		for i := 0; agreed < len(srcs); i = (i + 1) % len(srcs) {
			p := srcs[i].prefix
			k, _ := cursors[i].Seek(join(p, target))
			if k == nil || !bytes.HasPrefix(k, p) || !bytes.HasPrefix(k[len(p):], platform) {
				return list, nil
			}
			if fk := k[len(p):]; bytes.Equal(fk, target) {
				agreed++
			} else {
				target, agreed = bytes.Clone(fk), 1
			}
		}
		v := followers.Get(target)
		if v == nil {
			return nil, fmt.Errorf("bolt: followers: index entry for missing profile %x", target)
		}
		more, err := add(target, v)
		if err != nil {
			return nil, fmt.Errorf("bolt: followers: %w", err)
		}
		if !more {
			return list, nil
		}
		target = append(target, 0)
	}
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
	if v := t.bucket(bucketFollowers).Get(fk); v != nil {
		old, err := decodeFollower(fk, v)
		if err != nil {
			return fmt.Errorf("bolt: delete follower %s: %w", k, err)
		}
		if err := t.deleteFollowerIndex(fk, old, nil, nil); err != nil {
			return fmt.Errorf("bolt: delete follower %s: %w", k, err)
		}
		if err := t.bucket(bucketFollowers).Delete(fk); err != nil {
			return fmt.Errorf("bolt: delete follower %s: %w", k, err)
		}
	}
	if err := t.deleteFollowerMessages(fk); err != nil {
		return fmt.Errorf("bolt: delete follower %s: messages: %w", k, err)
	}
	if err := t.deleteFollowerThreads(fk); err != nil {
		return fmt.Errorf("bolt: delete follower %s: threads: %w", k, err)
	}
	if err := t.deleteFollowerSentiment(k); err != nil {
		return fmt.Errorf("bolt: delete follower %s: sentiment: %w", k, err)
	}
	if err := t.deleteFollowerCampaigns(k); err != nil {
		return fmt.Errorf("bolt: delete follower %s: campaigns: %w", k, err)
	}
	return nil
}

// deleteFollowerMessages deletes the messages listed under the follower in
// messages_by_follower, whose keys end with the message key.
func (t *Tx) deleteFollowerMessages(fk []byte) error {
	idx, msgs := t.bucket(bucketMessagesFollower), t.bucket(bucketMessages)
	for _, k := range keysWithPrefix(idx, fk) {
		mk := k[len(fk):]
		if v := msgs.Get(mk); v != nil {
			if err := t.deleteMessage(mk, v); err != nil {
				return err
			}
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
		if err := idx.Delete(k); err != nil {
			return err
		}
		v := threads.Get(tk)
		if v == nil {
			continue
		}
		th, err := decodeThread(tk, v)
		if err != nil {
			return err
		}
		if th.ChatType != bot.ChatPrivate && th.ChatType != "" {
			th.Follower = bot.FollowerKey{}
			if err := threads.Put(tk, encodeThread(th)); err != nil {
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
