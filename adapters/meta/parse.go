package meta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"engagebot/bot"
)

// Extra keys set on events and read back when answering.
const (
	ExtraPageID    = "page_id"    // the Page or Instagram account that received it
	ExtraCommentID = "comment_id" // the comment answered
	ExtraParentID  = "parent_id"  // the comment a reply-comment sits under
	ExtraMediaID   = "media_id"   // the Instagram media or Facebook post commented on
	ExtraMention   = "mention"    // "true" on mentions: replies go to /mentions
)

// envelope is Meta's webhook body: {"object": ..., "entry": [...]}.
type envelope struct {
	Object string  `json:"object"`
	Entry  []entry `json:"entry"`
}

type entry struct {
	ID        string      `json:"id"`
	Messaging []messaging `json:"messaging"`
	Changes   []change    `json:"changes"`
	// Standby events belong to another app under the handover protocol:
	// not ours to answer, so they are not read.
}

type messaging struct {
	Sender    party     `json:"sender"`
	Recipient party     `json:"recipient"`
	Timestamp flexTime  `json:"timestamp"`
	Message   *message  `json:"message"`
	Postback  *postback `json:"postback"`
	Edit      *struct {
		MID     string `json:"mid"`
		Text    string `json:"text"`
		NumEdit int    `json:"num_edit"`
	} `json:"message_edit"`
}

type party struct {
	ID      string `json:"id"`
	UserRef string `json:"user_ref"`
}

func (p party) id() string {
	if p.ID != "" {
		return p.ID
	}
	return p.UserRef
}

type message struct {
	MID        string `json:"mid"`
	Text       string `json:"text"`
	IsEcho     bool   `json:"is_echo"`
	IsDeleted  bool   `json:"is_deleted"`
	QuickReply *struct {
		Payload string `json:"payload"`
	} `json:"quick_reply"`
	ReplyTo *struct {
		MID string `json:"mid"`
	} `json:"reply_to"`
	Attachments []struct {
		Type string `json:"type"`
	} `json:"attachments"`
}

type postback struct {
	MID     string `json:"mid"`
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

type change struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

// commentValue covers Instagram "comments"/"live_comments", Facebook
// "feed" comments and "mentions"; each fills its own subset.
type commentValue struct {
	ID        string `json:"id"`
	CommentID string `json:"comment_id"`
	From      struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
	} `json:"from"`
	Text  string `json:"text"`
	Media struct {
		ID string `json:"id"`
	} `json:"media"`
	MediaID     string   `json:"media_id"`
	ParentID    string   `json:"parent_id"`
	Item        string   `json:"item"`
	Verb        string   `json:"verb"`
	PostID      string   `json:"post_id"`
	Message     string   `json:"message"`
	CreatedTime flexTime `json:"created_time"`
}

// flexTime decodes the timestamps Meta writes as milliseconds, seconds, a
// numeric string or an RFC 3339 string, depending on the event and page.
type flexTime struct{ time.Time }

func (t *flexTime) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "" || s == "null" {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e12 { // milliseconds
			t.Time = time.UnixMilli(n).UTC()
		} else {
			t.Time = time.Unix(n, 0).UTC()
		}
		return nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700"} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	// An unreadable time is no reason to lose the message.
	return nil
}

// ParseWebhook turns a webhook body into events for account of platform.
// ownID is our Page or Instagram account id: echoes and comments written
// by it are dropped. Events without an answerable meaning (reads,
// deliveries, reactions, referrals, likes) are dropped too, and so are
// entries for another Page or account than ownID. It returns an
// error only when the body is not a Meta webhook envelope.
func ParseWebhook(platform, account, ownID string, body []byte) ([]bot.Event, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("meta: parse webhook: %w", err)
	}
	if env.Object == "" {
		return nil, fmt.Errorf("meta: parse webhook: no object")
	}
	base := bot.Event{Platform: platform, Account: account}
	var events []bot.Event
	for _, en := range env.Entry {
		if en.ID != "" && ownID != "" && en.ID != ownID {
			// Another Page or account of the same app shares the callback
			// URL: its entries are not ours.
			continue
		}
		page := en.ID
		if page == "" {
			page = ownID
		}
		own := func(id string) bool { return id == "" || id == page || id == ownID }
		for _, m := range en.Messaging {
			if e, ok := messagingEvent(base, page, m, own); ok {
				events = append(events, e)
			}
		}
		for _, c := range en.Changes {
			if e, ok := changeEvent(base, page, c, own); ok {
				events = append(events, e)
			}
		}
	}
	return events, nil
}

func messagingEvent(e bot.Event, page string, m messaging, own func(string) bool) (bot.Event, bool) {
	from := m.Sender.id()
	if own(from) {
		return e, false
	}
	e.Chat, e.ChatType, e.Addressed = from, bot.ChatPrivate, true
	e.From = bot.Sender{ID: from}
	e.SentAt = m.Timestamp.Time
	e.Extra = map[string]string{ExtraPageID: page}
	switch {
	case m.Message != nil:
		msg := m.Message
		if msg.IsEcho || msg.IsDeleted || msg.MID == "" {
			return e, false
		}
		e.ID, e.Kind, e.Text = msg.MID, bot.EventMessage, msg.Text
		if msg.QuickReply != nil && msg.QuickReply.Payload != "" {
			e.Kind, e.Data = bot.EventCallback, msg.QuickReply.Payload
		}
		if msg.ReplyTo != nil {
			e.ReplyTo = msg.ReplyTo.MID
		}
		if len(msg.Attachments) > 0 {
			e.Extra["attachment"] = msg.Attachments[0].Type
		}
	case m.Postback != nil:
		pb := m.Postback
		e.ID, e.Kind, e.Data, e.Text = pb.MID, bot.EventCallback, pb.Payload, pb.Title
		if e.ID == "" {
			// Postbacks may lack an id; sender and time name them stably.
			e.ID = "postback:" + from + ":" + strconv.FormatInt(m.Timestamp.UnixMilli(), 10)
		}
	case m.Edit != nil && m.Edit.MID != "":
		e.ID = "edit:" + m.Edit.MID + ":" + strconv.Itoa(m.Edit.NumEdit)
		e.Kind, e.Text, e.ReplyTo = bot.EventEdit, m.Edit.Text, m.Edit.MID
	default:
		return e, false
	}
	return e, true
}

func changeEvent(e bot.Event, page string, c change, own func(string) bool) (bot.Event, bool) {
	if c.Field == "messaging_postbacks" || c.Field == "messages" {
		// The newest Messenger pages wrap messaging events as changes.
		var m messaging
		if json.Unmarshal(c.Value, &m) != nil {
			return e, false
		}
		return messagingEvent(e, page, m, own)
	}
	var v commentValue
	if json.Unmarshal(c.Value, &v) != nil {
		return e, false
	}
	e.ChatType, e.Addressed = bot.ChatPublic, true
	e.Extra = map[string]string{ExtraPageID: page}
	switch c.Field {
	case "comments", "live_comments": // Instagram
		id := firstOf(v.ID, v.CommentID)
		if id == "" || own(v.From.ID) {
			return e, false
		}
		e.ID, e.Kind, e.Text = id, bot.EventComment, v.Text
		e.Chat = firstOf(v.Media.ID, id)
		e.From = bot.Sender{ID: v.From.ID, Username: v.From.Username, Name: v.From.Name}
		e.ReplyTo = v.ParentID
		setExtra(e.Extra, ExtraCommentID, id, ExtraMediaID, v.Media.ID, ExtraParentID, v.ParentID)
	case "feed": // Facebook Page
		if v.Item != "comment" || v.Verb != "add" || v.CommentID == "" || own(v.From.ID) {
			return e, false
		}
		e.ID, e.Kind, e.Text = v.CommentID, bot.EventComment, v.Message
		e.Chat = firstOf(v.PostID, v.CommentID)
		e.From = bot.Sender{ID: v.From.ID, Name: v.From.Name}
		e.SentAt = v.CreatedTime.Time
		parent := v.ParentID
		if parent == v.PostID {
			parent = "" // a top-level comment: its parent is the post
		}
		e.ReplyTo = parent
		setExtra(e.Extra, ExtraCommentID, v.CommentID, ExtraMediaID, v.PostID, ExtraParentID, parent)
	case "mentions": // Instagram with Facebook Login: ids only, no text
		media := firstOf(v.MediaID, v.Media.ID)
		id := firstOf(v.CommentID, media)
		if id == "" {
			return e, false
		}
		e.ID, e.Kind, e.Chat = id, bot.EventMention, firstOf(media, id)
		setExtra(e.Extra, ExtraCommentID, v.CommentID, ExtraMediaID, media, ExtraMention, "true")
	default:
		return e, false
	}
	return e, true
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// setExtra sets key/value pairs whose value is not empty.
func setExtra(m map[string]string, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			m[kv[i]] = kv[i+1]
		}
	}
}
