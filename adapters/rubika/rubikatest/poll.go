package rubikatest

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"engagebot/internal/wait"
)

// SentPoll is a poll the fake accepted (sendPoll).
type SentPoll struct {
	ChatID    string
	Question  string
	Options   []string
	MessageID string // the poll message's id, which votes name
	At        time.Time
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
	return wait.Len(t, d, "rubikatest: polls sent", n, s.Polls)
}

// Voted is the update the fake sends when the follower of the poll's
// private chat votes for option (from 0; -1 withdraws the vote) in poll
// msgID, which the fake sent. Deliver or Enqueue it like any update.
//
// [UNCONFIRMED] How Rubika tells a bot of a vote is not documented. This
// follows the adapter's reading of platforms.md: an UpdatedMessage of the
// poll message (sent by the bot) in the poll's chat, whose
// poll_status.selection_index is the voter's choice, with the counts of
// a chat that has one voter.
func (s *Server) Voted(msgID string, option int) *Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.pollByID[msgID]
	if !ok {
		s.t.Errorf("rubikatest: Voted: no poll %q was sent", msgID)
		return &Update{Type: "UpdatedMessage", UpdatedMessage: &Message{MessageID: msgID, SenderType: "Bot", SenderID: s.BotID,
			Poll: &Poll{Options: []string{}, PollStatus: PollStatus{State: "Open", SelectionIndex: option, PercentVoteOptions: []int{}}}}}
	}
	p := s.polls[i]
	if option < -1 || option >= len(p.Options) {
		s.t.Errorf("rubikatest: Voted: poll %q has no option %d", msgID, option)
	}
	status := PollStatus{State: "Open", SelectionIndex: option, PercentVoteOptions: make([]int, len(p.Options))}
	if option >= 0 && option < len(p.Options) {
		status.PercentVoteOptions[option] = 100
		status.TotalVote = 1
	}
	return &Update{Type: "UpdatedMessage", ChatID: p.ChatID, UpdatedMessage: &Message{
		MessageID: p.MessageID, SenderType: "Bot", SenderID: s.BotID,
		Poll: &Poll{Question: p.Question, Options: slices.Clone(p.Options), PollStatus: status},
	}}
}

// sendPoll takes a poll. Rubika's limits on polls are not known: the fake
// refuses only an empty question, no options and empty options.
func (s *Server) sendPoll(body map[string]any) (string, string, any, map[string]string) {
	chat, question := str(body["chat_id"]), str(body["question"])
	if chat == "" || !strings.ContainsAny(chat[:1], "bgcu") {
		return "INVALID_INPUT", "chat not found", nil, nil
	}
	if strings.TrimSpace(question) == "" {
		return "INVALID_INPUT", "question is empty", nil, nil
	}
	raw, _ := body["options"].([]any) // checkFields made them strings
	if len(raw) == 0 {
		return "INVALID_INPUT", "options are empty", nil, nil
	}
	options := make([]string, 0, len(raw))
	for _, o := range raw {
		if strings.TrimSpace(str(o)) == "" {
			return "INVALID_INPUT", "an option is empty", nil, nil
		}
		options = append(options, str(o))
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.admitLocked(chat, now) {
		return "TOO_REQUESTS", "", nil, nil
	}
	s.msgSeq++
	id := strconv.FormatInt(s.msgSeq, 10)
	s.pollByID[id] = len(s.polls)
	s.polls = append(s.polls, SentPoll{ChatID: chat, Question: question, Options: options, MessageID: id, At: now})
	return "OK", "", map[string]any{"message_id": id}, nil
}
