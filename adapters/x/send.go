package x

import (
	"context"
	"errors"
	"fmt"
	"net/url"
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
		id, err = a.dm(ctx, firstOf(o.Recipient, o.Chat), o.Text)
	case o.Kind == bot.OutPrivateReply:
		// A public mention answered privately: a DM to its author.
		id, err = a.dm(ctx, o.Recipient, o.Text)
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

// dm sends a direct message to participant.
func (a *Adapter) dm(ctx context.Context, participant, text string) (string, error) {
	if participant == "" {
		return "", &bot.SendError{Kind: bot.SendPermanent, Code: "no_recipient", Err: errors.New("x: DM without a recipient")}
	}
	var res struct {
		Data struct {
			EventID string `json:"dm_event_id"`
		} `json:"data"`
	}
	path := "/2/dm_conversations/with/" + url.PathEscape(participant) + "/messages"
	if err := a.call(ctx, famDM, "POST", path, nil, map[string]string{"text": text}, &res); err != nil {
		return "", err
	}
	return res.Data.EventID, nil
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
