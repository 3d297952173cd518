package x

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dghubble/go-twitter/twitter"

	"engagebot/bot"
)

// Extra keys set on events.
const (
	ExtraConversationID = "conversation_id"
)

// activity is the Account Activity envelope: the subscribed user and one
// event array. Items are decoded one by one so a single odd item does not
// lose the others.
type activity struct {
	ForUserID  string                `json:"for_user_id"`
	Tweets     []json.RawMessage     `json:"tweet_create_events"`
	DMs        []json.RawMessage     `json:"direct_message_events"`
	Users      map[string]activityDM `json:"users"`
	HasBlocked string                `json:"user_has_blocked"`
}

// activityDM is an entry of the DM "users" map, where ids are strings
// (twitter.User's int64 id would not decode).
type activityDM struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	ScreenName string `json:"screen_name"`
}

// ParseActivity turns an Account Activity delivery into events for
// account, whose user id is userID. Mentions of and replies to the user
// become public mentions, DMs to it private messages; our own tweets and
// DMs, retweets, deliveries for another user and other activity (likes,
// follows, typing) are dropped. It returns an error only when the body is
// not an Account Activity envelope.
func ParseActivity(account, userID string, body []byte) ([]bot.Event, error) {
	var env activity
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("x: parse activity: %w", err)
	}
	if env.ForUserID == "" {
		return nil, fmt.Errorf("x: parse activity: no for_user_id")
	}
	if env.ForUserID != userID {
		return nil, nil
	}
	var events []bot.Event
	for _, raw := range env.Tweets {
		var tw twitter.Tweet
		if json.Unmarshal(raw, &tw) != nil {
			continue
		}
		if e, ok := tweetEvent(account, userID, &tw); ok {
			events = append(events, e)
		}
	}
	for _, raw := range env.DMs {
		var dm twitter.DirectMessageEvent
		if json.Unmarshal(raw, &dm) != nil {
			continue
		}
		if e, ok := dmEvent(account, userID, &dm, env.Users); ok {
			events = append(events, e)
		}
	}
	return events, nil
}

func tweetEvent(account, userID string, tw *twitter.Tweet) (bot.Event, bool) {
	if tw.IDStr == "" || tw.User == nil || tw.User.IDStr == "" || tw.User.IDStr == userID || tw.RetweetedStatus != nil {
		return bot.Event{}, false
	}
	text, entities := tw.Text, tw.Entities
	if tw.FullText != "" {
		text = tw.FullText
	}
	if tw.ExtendedTweet != nil && tw.ExtendedTweet.FullText != "" {
		text = tw.ExtendedTweet.FullText
		if tw.ExtendedTweet.Entities != nil {
			entities = tw.ExtendedTweet.Entities
		}
	}
	addressed := tw.InReplyToUserIDStr == userID
	if entities != nil {
		for _, m := range entities.UserMentions {
			addressed = addressed || m.IDStr == userID
		}
	}
	if !addressed {
		return bot.Event{}, false
	}
	e := bot.Event{Platform: bot.PlatformX, Account: account, ID: tw.IDStr, Kind: bot.EventMention,
		Chat: tw.IDStr, ChatType: bot.ChatPublic, Addressed: true, Text: text,
		ReplyTo: tw.InReplyToStatusIDStr,
		From:    bot.Sender{ID: tw.User.IDStr, Name: tw.User.Name, Username: tw.User.ScreenName}}
	if at, err := tw.CreatedAtTime(); err == nil {
		e.SentAt = at.UTC()
	}
	return e, true
}

func dmEvent(account, userID string, dm *twitter.DirectMessageEvent, users map[string]activityDM) (bot.Event, bool) {
	if dm.Type != "message_create" || dm.ID == "" || dm.Message == nil || dm.Message.Data == nil {
		return bot.Event{}, false
	}
	from := dm.Message.SenderID
	if from == "" || from == userID {
		return bot.Event{}, false // our own sends are echoed
	}
	u := users[from]
	e := bot.Event{Platform: bot.PlatformX, Account: account, ID: dm.ID, Kind: bot.EventMessage,
		Chat: from, ChatType: bot.ChatPrivate, Addressed: true, Text: dm.Message.Data.Text,
		From: bot.Sender{ID: from, Name: u.Name, Username: u.ScreenName}}
	if ms, err := strconv.ParseInt(dm.CreatedAt, 10, 64); err == nil {
		e.SentAt = time.UnixMilli(ms).UTC()
	}
	return e, true
}

// CRC answers X's challenge: "sha256=" and the base64 HMAC-SHA256 of the
// crc_token keyed with the consumer secret.
func CRC(consumerSecret, crcToken string) string {
	return sign(consumerSecret, []byte(crcToken))
}

// Sign is the x-twitter-webhooks-signature of a delivery body.
func Sign(consumerSecret string, body []byte) string { return sign(consumerSecret, body) }

func sign(secret string, msg []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(msg)
	return "sha256=" + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// ValidSignature reports, in constant time, whether header is the
// x-twitter-webhooks-signature of body. An empty secret never validates.
func ValidSignature(consumerSecret string, body []byte, header string) bool {
	b64, ok := strings.CutPrefix(header, "sha256=")
	if !ok || consumerSecret == "" {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(consumerSecret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}
