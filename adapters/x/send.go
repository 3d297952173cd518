package x

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"engagebot/bot"
)

// Send delivers one outbound item. It is safe for concurrent use.
func (a *Adapter) Send(ctx context.Context, o *bot.Outbound) (bot.Delivery, error) {
	var (
		id  string
		err error
	)
	switch {
	case o.Kind == bot.OutPost:
		id, err = a.thread(ctx, o, "")
	case o.Kind == bot.OutReply && o.ChatType == bot.ChatPublic:
		to := firstOf(o.ReplyTo, o.Chat)
		id, err = a.thread(ctx, o, to)
	case (o.Kind == bot.OutReply || o.Kind == bot.OutDirect) && o.ChatType == bot.ChatPrivate:
		id, err = a.dm(ctx, o, firstOf(o.Recipient, o.Chat))
	case o.Kind == bot.OutPrivateReply:
		// A public mention answered privately: a DM to its author.
		id, err = a.dm(ctx, o, o.Recipient)
	case o.Kind == bot.OutHide:
		id, err = a.hide(ctx, firstOf(o.ReplyTo, o.Chat))
	default:
		err = &bot.SendError{Kind: bot.SendPermanent, Code: "unsupported",
			Err: fmt.Errorf("x: %s in a %s chat is not supported", o.Kind, o.ChatType)}
	}
	if err != nil {
		return bot.Delivery{}, err
	}
	return bot.Delivery{PlatformID: id}, nil
}

type tweetBody struct {
	Text  string     `json:"text"`
	Reply *replyBody `json:"reply,omitempty"`
}

type replyBody struct {
	InReplyTo string `json:"in_reply_to_tweet_id"`
}

// parts is the text of o as posts: one when it fits, else a thread or one
// shortened post.
func (a *Adapter) parts(o *bot.Outbound) []string {
	text := o.Text
	if o.MediaURL != "" {
		// Media upload is not part of the v2 calls used; the link shows it.
		text += "\n" + o.MediaURL
	}
	limit, counting := a.cfg.MaxTweetLength, a.cfg.Counting
	if a.cfg.LongReplies == "shorten" {
		return []string{Shorten(text, limit, counting)}
	}
	parts := Split(text, limit, counting)
	if n := a.cfg.MaxThreadParts; len(parts) > n {
		rest := strings.Join(parts[n-1:], " ")
		parts = append(parts[:n-1:n-1], Shorten(rest, limit, counting))
	}
	return parts
}

// thread posts o's parts, the first replying to replyTo (none when empty)
// and each next one to the previous. Parts already posted by an earlier
// attempt of the same item are not posted again.
func (a *Adapter) thread(ctx context.Context, o *bot.Outbound, replyTo string) (string, error) {
	parts := a.parts(o)
	if parts[0] == "" {
		return "", &bot.SendError{Kind: bot.SendPermanent, Code: "empty", Err: errors.New("x: empty post")}
	}
	a.mu.Lock()
	done := append([]string(nil), a.progress[o.ID]...)
	a.mu.Unlock()
	if len(done) > 0 {
		replyTo = done[len(done)-1]
	}
	for i := len(done); i < len(parts); i++ {
		body := tweetBody{Text: parts[i]}
		if replyTo != "" {
			body.Reply = &replyBody{InReplyTo: replyTo}
		}
		var res struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		err := a.call(ctx, famTweets, "POST", "/2/tweets", nil, body, &res)
		if isDuplicate(err) {
			// Another follower got the same answer lately: the same words
			// with a reference of this item go through, once.
			body.Text = vary(parts[i], o, a.cfg.MaxTweetLength, a.cfg.Counting)
			err = a.call(ctx, famTweets, "POST", "/2/tweets", nil, body, &res)
		}
		if err == nil && res.Data.ID == "" {
			err = &bot.SendError{Kind: bot.SendUnknown, Code: "no_id", Err: errors.New("x: post created without an id")}
		}
		if err != nil {
			a.mu.Lock()
			if len(done) > 0 && o.ID != 0 && bot.SendErrorOf(err).Kind != bot.SendPermanent {
				a.progress[o.ID] = done // a retry resumes after the posted parts
			} else {
				delete(a.progress, o.ID)
			}
			a.mu.Unlock()
			return "", err
		}
		replyTo = res.Data.ID
		done = append(done, replyTo)
	}
	a.mu.Lock()
	delete(a.progress, o.ID)
	a.mu.Unlock()
	return replyTo, nil
}

// dm sends o's text as a direct message to participant.
func (a *Adapter) dm(ctx context.Context, o *bot.Outbound, participant string) (string, error) {
	if participant == "" {
		return "", &bot.SendError{Kind: bot.SendPermanent, Code: "no_recipient", Err: errors.New("x: DM without a recipient")}
	}
	var res struct {
		Data struct {
			EventID string `json:"dm_event_id"`
		} `json:"data"`
	}
	path := "/2/dm_conversations/with/" + url.PathEscape(participant) + "/messages"
	err := a.call(ctx, famDM, "POST", path, nil, map[string]string{"text": o.Text}, &res)
	if isDuplicate(err) {
		err = a.call(ctx, famDM, "POST", path, nil, map[string]string{"text": vary(o.Text, o, maxDMLength, "characters")}, &res)
	}
	if err != nil {
		return "", err
	}
	return res.Data.EventID, nil
}

// maxDMLength is X's limit on a DM's text, in characters.
const maxDMLength = 10000

// isDuplicate reports whether X refused a text as a repeat of a recent one.
func isDuplicate(err error) bool {
	return err != nil && bot.SendErrorOf(err).Code == codeDuplicate
}

// vary makes text differ from the same answer given to someone else: it
// appends a reference to o that people can quote to staff (o's id, or a
// random one for an item the store has not numbered), shortening the text
// when the reference would not fit within limit, counted as X counts.
func vary(text string, o *bot.Outbound, limit int, counting string) string {
	ref := strconv.FormatUint(o.ID, 36)
	if o.ID == 0 {
		var b [4]byte
		_, _ = rand.Read(b[:])
		ref = strconv.FormatUint(uint64(binary.BigEndian.Uint32(b[:])), 36)
	}
	suffix := " (ref " + ref + ")"
	if Length(text+suffix, counting) > limit {
		text = Shorten(text, limit-Length(suffix, counting), counting)
	}
	return text + suffix
}

// hide hides a reply to one of our posts.
func (a *Adapter) hide(ctx context.Context, tweetID string) (string, error) {
	if tweetID == "" {
		return "", &bot.SendError{Kind: bot.SendPermanent, Code: "no_post", Err: errors.New("x: hide without a post id")}
	}
	var res struct {
		Data struct {
			Hidden bool `json:"hidden"`
		} `json:"data"`
	}
	if err := a.call(ctx, famHide, "PUT", "/2/tweets/"+url.PathEscape(tweetID)+"/hidden", nil, map[string]bool{"hidden": true}, &res); err != nil {
		return "", err
	}
	if !res.Data.Hidden {
		return "", &bot.SendError{Kind: bot.SendPermanent, Code: "not_hidden", Err: errors.New("x: hide answered hidden=false")}
	}
	return tweetID, nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
