package meta

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"engagebot/bot"
)

// Send delivers one outbound item. It is safe for concurrent use.
func (a *Adapter) Send(ctx context.Context, o *bot.Outbound) (bot.Delivery, error) {
	if err := a.brake(); err != nil {
		return bot.Delivery{}, err
	}
	var (
		id  string
		err error
	)
	switch {
	case o.Kind == bot.OutPrivateReply:
		id, err = a.privateReply(ctx, o)
	case o.Kind == bot.OutHide:
		id, err = a.hide(ctx, o)
	case o.Kind == bot.OutPost:
		id, err = a.post(ctx, o)
	case o.Kind == bot.OutReply && o.ChatType == bot.ChatPublic:
		if a.cfg.CommentReplies == "private" {
			id, err = a.privateReply(ctx, o)
		} else {
			id, err = a.commentReply(ctx, o, o.Text)
		}
	case (o.Kind == bot.OutReply || o.Kind == bot.OutDirect) && o.ChatType != bot.ChatPublic:
		id, err = a.sendDM(ctx, o)
	default:
		err = permanent("unsupported", fmt.Errorf("meta: %s in a %s chat is not supported", o.Kind, o.ChatType))
	}
	if err != nil {
		return bot.Delivery{}, err
	}
	return bot.Delivery{PlatformID: id}, nil
}

// sendMessage is the Send API body.
type sendMessage struct {
	Recipient     sendRecipient `json:"recipient"`
	MessagingType string        `json:"messaging_type,omitempty"`
	Tag           string        `json:"tag,omitempty"`
	Message       sendContent   `json:"message"`
}

type sendRecipient struct {
	ID        string `json:"id,omitempty"`
	CommentID string `json:"comment_id,omitempty"`
}

type sendContent struct {
	Text         string       `json:"text"`
	QuickReplies []quickReply `json:"quick_replies,omitempty"`
}

type quickReply struct {
	ContentType string `json:"content_type"`
	Title       string `json:"title"`
	Payload     string `json:"payload"`
}

type sendResult struct {
	RecipientID string `json:"recipient_id"`
	MessageID   string `json:"message_id"`
}

// sendDM answers in a DM conversation, inside the messaging window or with
// the configured tag; otherwise it fails permanently with code
// "outside_window" and says why.
func (a *Adapter) sendDM(ctx context.Context, o *bot.Outbound) (string, error) {
	to := firstOf(o.Recipient, o.Chat)
	msg := sendMessage{Recipient: sendRecipient{ID: to}, Message: content(o)}
	var err error
	if msg.MessagingType, msg.Tag, err = a.dmMode(o, a.now()); err != nil {
		return "", err
	}
	var res sendResult
	if err := a.call(ctx, "POST", a.accountPath()+"/messages", nil, msg, &res); err != nil {
		return "", err
	}
	return res.MessageID, nil
}

// dmMode is how a DM may go out at now: inside the messaging window, with
// the configured tag after it, or not at all ("outside_window", and why).
func (a *Adapter) dmMode(o *bot.Outbound, now time.Time) (messagingType, tag string, err error) {
	since := now.Sub(o.LastInbound)
	switch {
	case !o.LastInbound.IsZero() && since <= a.cfg.MessagingWindow:
		if a.platform == bot.PlatformFacebook {
			// Instagram's examples send no messaging_type; Messenger needs it.
			if o.Kind == bot.OutDirect {
				return "UPDATE", "", nil
			}
			return "RESPONSE", "", nil
		}
		return "", "", nil
	case a.cfg.MessageTag != "" && !o.LastInbound.IsZero() && since <= a.cfg.TagWindow:
		return "MESSAGE_TAG", a.cfg.MessageTag, nil
	}
	return "", "", permanent("outside_window", windowReason(o.LastInbound, a.cfg))
}

// CheckSend tells before an item is queued that Meta will refuse it: a DM
// outside the messaging window without a tag that allows it. A person's
// reply is then refused at once, with the reason, instead of failing in
// the outbox.
func (a *Adapter) CheckSend(o *bot.Outbound, now time.Time) error {
	if (o.Kind == bot.OutReply || o.Kind == bot.OutDirect) && o.ChatType != bot.ChatPublic {
		if _, _, err := a.dmMode(o, now); err != nil {
			return errors.Unwrap(err)
		}
	}
	return nil
}

func windowReason(last time.Time, c Config) error {
	if last.IsZero() {
		return fmt.Errorf("meta: the follower has not written in this conversation, so Meta allows no message")
	}
	closed := last.Add(c.MessagingWindow).UTC().Format(time.RFC3339)
	if c.MessageTag == "" {
		return fmt.Errorf("meta: the %s messaging window closed at %s and no message_tag is configured", c.MessagingWindow, closed)
	}
	return fmt.Errorf("meta: the %s messaging window closed at %s and the %s tag allows only %s", c.MessagingWindow, closed, c.MessageTag, c.TagWindow)
}

// content is the message of o: its text, data buttons as quick replies
// and link buttons as lines of text (quick replies cannot open links).
func content(o *bot.Outbound) sendContent {
	c := sendContent{Text: o.Text}
	for _, row := range o.Buttons {
		for _, b := range row {
			switch {
			case b.URL != "":
				c.Text += "\n" + b.Text + ": " + b.URL
			case b.Data != "" && len(c.QuickReplies) < 13: // Meta's maximum
				c.QuickReplies = append(c.QuickReplies, quickReply{ContentType: "text", Title: b.Text, Payload: b.Data})
			}
		}
	}
	return c
}

// commentID is the comment o answers.
func commentID(o *bot.Outbound) string { return firstOf(o.ReplyTo, o.Extra[ExtraCommentID]) }

// commentReply answers a comment publicly.
func (a *Adapter) commentReply(ctx context.Context, o *bot.Outbound, text string) (string, error) {
	id := commentID(o)
	if id == "" {
		return "", permanent("no_comment", errors.New("meta: comment reply without a comment id"))
	}
	var res struct {
		ID string `json:"id"`
	}
	var err error
	switch {
	case a.platform == bot.PlatformInstagram && o.Extra[ExtraMention] == "true":
		// A mention on someone else's media is answered through our account.
		err = a.call(ctx, "POST", a.accountPath()+"/mentions", nil, map[string]string{
			"comment_id": o.Extra[ExtraCommentID], "media_id": o.Extra[ExtraMediaID], "message": text}, &res)
	case a.platform == bot.PlatformInstagram:
		// Instagram threads one level deep: a reply to a reply goes under
		// the top-level comment.
		target := id
		if p := o.Extra[ExtraParentID]; p != "" && id == o.Extra[ExtraCommentID] {
			target = p
		}
		err = a.call(ctx, "POST", seg(target)+"/replies", nil, map[string]string{"message": text}, &res)
	default:
		err = a.call(ctx, "POST", seg(id)+"/comments", nil, map[string]string{"message": text}, &res)
	}
	if err != nil {
		return "", err
	}
	return res.ID, nil
}

// privateReply sends the one DM Meta allows in answer to a comment, then
// the public notice when one is configured.
func (a *Adapter) privateReply(ctx context.Context, o *bot.Outbound) (string, error) {
	id := commentID(o)
	if id == "" {
		return "", permanent("no_comment", errors.New("meta: private reply without a comment id"))
	}
	msg := sendMessage{Recipient: sendRecipient{CommentID: id}, Message: content(o)}
	if a.platform == bot.PlatformFacebook {
		msg.MessagingType = "RESPONSE"
	}
	var res sendResult
	if err := a.call(ctx, "POST", a.accountPath()+"/messages", nil, msg, &res); err != nil {
		return "", err
	}
	if a.cfg.PrivateReplyNotice != "" {
		// The private reply is out: a failed notice must not make the
		// dispatcher send it again, so it is only logged.
		if _, err := a.commentReply(ctx, o, a.cfg.PrivateReplyNotice); err != nil {
			a.log.Warn("public notice after a private reply failed", "comment", id, "err", err)
		}
	}
	return res.MessageID, nil
}

// hide hides a comment at a moderator's request.
func (a *Adapter) hide(ctx context.Context, o *bot.Outbound) (string, error) {
	id := commentID(o)
	if id == "" {
		return "", permanent("no_comment", errors.New("meta: hide without a comment id"))
	}
	param := "is_hidden"
	if a.platform == bot.PlatformInstagram {
		param = "hide"
	}
	var res struct {
		Success bool `json:"success"`
	}
	if err := a.call(ctx, "POST", seg(id), map[string]string{param: "true"}, nil, &res); err != nil {
		return "", err
	}
	if !res.Success {
		return "", &bot.SendError{Kind: bot.SendTemporary, Code: "not_hidden", Err: errors.New("meta: hide answered without success")}
	}
	return id, nil
}

// post publishes to the Page feed (a photo post when MediaURL is set) or,
// on Instagram, an image post: a media container, then media_publish.
func (a *Adapter) post(ctx context.Context, o *bot.Outbound) (string, error) {
	var res struct {
		ID     string `json:"id"`
		PostID string `json:"post_id"`
	}
	if a.platform == bot.PlatformInstagram {
		if o.MediaURL == "" {
			return "", permanent("media_required", errors.New("meta: an Instagram post needs an image (media_url)"))
		}
		if err := a.call(ctx, "POST", a.accountPath()+"/media", nil,
			map[string]string{"image_url": o.MediaURL, "caption": o.Text}, &res); err != nil {
			return "", err
		}
		container := res.ID
		if err := a.call(ctx, "POST", a.accountPath()+"/media_publish", nil,
			map[string]string{"creation_id": container}, &res); err != nil {
			return "", err
		}
		return res.ID, nil
	}
	var err error
	if o.MediaURL != "" {
		err = a.call(ctx, "POST", a.accountPath()+"/photos", nil, map[string]string{"url": o.MediaURL, "caption": o.Text}, &res)
	} else {
		err = a.call(ctx, "POST", a.accountPath()+"/feed", nil, map[string]string{"message": o.Text}, &res)
	}
	if err != nil {
		return "", err
	}
	return firstOf(res.PostID, res.ID), nil
}

func (a *Adapter) accountPath() string { return seg(a.cfg.AccountID) }

// seg escapes one path segment: ids come from payloads and must not add
// path elements.
func seg(s string) string { return url.PathEscape(s) }

func permanent(code string, err error) *bot.SendError {
	return &bot.SendError{Kind: bot.SendPermanent, Code: code, Err: err}
}
