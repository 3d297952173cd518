package telegramtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"engagebot/internal/wait"
)

// sendPoll's limits in the Bot API's method list (10.1): a question of
// 1-300 characters, 1-12 options of 1-100 characters.
const (
	maxPollQuestion = 300
	minPollOptions  = 1
	maxPollOptions  = 12
	maxPollOption   = 100
)

// SentPoll is a native poll the fake accepted (sendPoll).
type SentPoll struct {
	ChatRef     string // chat_id as the adapter sent it
	ChatID      int64
	ChatType    string
	PollID      string // what the returned Message's poll.id said
	Question    string
	Options     []string
	IsAnonymous bool // is_anonymous as sent; Telegram's default is true
	ReplyTo     int  // reply_parameters.message_id; 0 when not a reply
	MessageID   int
	At          time.Time
}

// Polls lists the polls the fake accepted, in order.
func (s *Server) Polls() []SentPoll {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.polls)
	for i := range out {
		out[i].Options = slices.Clone(out[i].Options)
	}
	return out
}

// WaitPolls waits up to d for at least n accepted polls.
func (s *Server) WaitPolls(t testing.TB, n int, d time.Duration) []SentPoll {
	t.Helper()
	return wait.Len(t, d, "telegramtest: polls sent", n, s.Polls)
}

// Voted is the update Telegram sends when from votes for the options (0-based)
// of poll pollID, which the fake sent; no options withdraws the vote.
// Telegram sends it only for non-anonymous polls, so the test fails for
// an anonymous or unknown poll. Deliver or Enqueue it like any update.
func (s *Server) Voted(pollID string, from User, options ...int) *Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.pollByID[pollID]
	if !ok {
		s.t.Errorf("telegramtest: Voted: no poll %q was sent", pollID)
		return &Update{PollAnswer: &PollAnswer{PollID: pollID, User: &from, OptionIDs: options}}
	}
	p := s.polls[i]
	if p.IsAnonymous {
		s.t.Errorf("telegramtest: Voted: poll %q is anonymous; Telegram sends no poll_answer for it", pollID)
	}
	a := &PollAnswer{PollID: pollID, User: &from, OptionIDs: []int{}, OptionPersistentIDs: []string{}}
	for _, o := range options {
		if o < 0 || o >= len(p.Options) {
			s.t.Errorf("telegramtest: Voted: poll %q has no option %d", pollID, o)
		}
		a.OptionIDs = append(a.OptionIDs, o)
		a.OptionPersistentIDs = append(a.OptionPersistentIDs, strconv.Itoa(o))
	}
	return &Update{PollAnswer: a}
}

// PollState is a "poll" update: the poll's state (here as sent, with no
// votes), which Telegram sends for the bot's polls when asked for it.
func (s *Server) PollState(pollID string) *Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.pollByID[pollID]
	if !ok {
		s.t.Errorf("telegramtest: PollState: no poll %q was sent", pollID)
		return &Update{Poll: &Poll{ID: pollID, Type: "regular", Options: []PollOption{}}}
	}
	return &Update{Poll: wirePoll(s.polls[i])}
}

func wirePoll(p SentPoll) *Poll {
	out := &Poll{ID: p.PollID, Question: p.Question, IsAnonymous: p.IsAnonymous, Type: "regular", AllowsRevoting: true, Options: []PollOption{}}
	for i, o := range p.Options {
		out.Options = append(out.Options, PollOption{PersistentID: strconv.Itoa(i), Text: o})
	}
	return out
}

func (s *Server) sendPoll(p map[string]any, call *Call) (int, []byte) {
	bad := func(desc string) (int, []byte) {
		call.Error = desc
		return http.StatusBadRequest, mustJSON(apiResponse{ErrorCode: 400, Description: "Bad Request: " + desc})
	}
	ref := str(p["chat_id"])
	question := str(p["question"])
	switch n := len(utf16Units(question)); {
	case strings.TrimSpace(question) == "":
		return bad("poll question must be non-empty")
	case n > maxPollQuestion:
		return bad("poll question length must not exceed 300")
	}
	var opts []struct {
		Text *string `json:"text"`
	}
	if err := decodeJSONField(p["options"], &opts); err != nil {
		return bad("can't parse options JSON object")
	}
	if len(opts) < minPollOptions || len(opts) > maxPollOptions {
		return bad("poll must have 1-12 options")
	}
	options := make([]string, 0, len(opts))
	for _, o := range opts {
		if o.Text == nil || strings.TrimSpace(*o.Text) == "" {
			return bad("poll options must be non-empty")
		}
		if len(utf16Units(*o.Text)) > maxPollOption {
			return bad("poll options length must not exceed 100")
		}
		options = append(options, *o.Text)
	}
	anonymous := true
	if v := str(p["is_anonymous"]); v != "" {
		anonymous = v == "true"
	}
	var rp struct {
		MessageID int `json:"message_id"`
	}
	if err := decodeJSONField(p["reply_parameters"], &rp); err != nil {
		return bad("can't parse reply parameters: " + err.Error())
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, found := s.resolveChatLocked(ref)
	if !found {
		return bad("chat not found")
	}
	if chat.Type == "channel" && !anonymous {
		return bad("non-anonymous polls can't be sent to channel chats")
	}
	if status, body, ok := s.admitLocked(chat, now, call); !ok {
		return status, body
	}
	s.msgIDs[chat.ID]++
	s.nextPoll++
	sp := SentPoll{
		ChatRef: ref, ChatID: chat.ID, ChatType: chat.Type, PollID: strconv.FormatInt(s.nextPoll, 10),
		Question: question, Options: options, IsAnonymous: anonymous, ReplyTo: rp.MessageID,
		MessageID: s.msgIDs[chat.ID], At: now,
	}
	s.pollByID[sp.PollID] = len(s.polls)
	s.polls = append(s.polls, sp)
	msg := Message{MessageID: sp.MessageID, From: &s.Bot, Chat: chat, Date: now.Unix(), Poll: wirePoll(sp)}
	if rp.MessageID != 0 {
		msg.ReplyToMessage = &Message{MessageID: rp.MessageID, Chat: chat, Date: now.Unix()}
	}
	return http.StatusOK, mustJSON(apiResponse{OK: true, Result: msg})
}
