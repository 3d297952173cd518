package bot

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// LabelOverride is a person's sentiment label for one inbound message,
// kept beside the machine's: the message's analysis and its sentiment
// record keep the machine's label and score, and the sentiment series
// counts the message under the person's label.
type LabelOverride struct {
	Thread ThreadKey `json:"thread"`
	// Message is the message's Seq in its thread, MessageID its platform
	// id (which its sentiment record carries).
	Message   uint64      `json:"message"`
	MessageID string      `json:"message_id,omitempty"`
	Follower  FollowerKey `json:"follower"`
	// Label is the person's: SentimentPositive, SentimentNeutral or
	// SentimentNegative.
	Label string `json:"label"`
	// Machine is what the analyzer said, for the dashboard to show beside.
	Machine Sentiment `json:"machine"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// LabelStore is the sentiment overrides' part of a transaction.
type LabelStore interface {
	// SetLabel keeps o for its message, replacing an earlier override,
	// and moves the message's sentiment record in the series counts from
	// the label it was counted under (the machine's, or the earlier
	// override's) to o.Label, keeping its score. ENOTFOUND when the
	// message has no sentiment record.
	SetLabel(o *LabelOverride) error
	// Labels lists a thread's overrides by message seq.
	Labels(k ThreadKey) ([]*LabelOverride, error)
	// DeleteFollowerLabels removes the overrides of a follower's messages,
	// moving their counts back to the machine's labels, and returns how
	// many (erasure, before the sentiment records go).
	DeleteFollowerLabels(k FollowerKey) (int, error)
}

var sentimentLabels = []string{SentimentPositive, SentimentNeutral, SentimentNegative}

// CorrectSentiment sets a person's sentiment label on an inbound message
// of a thread (seq is the message's Seq). The machine's label and score
// stay on the message and its sentiment record; the figures count the
// person's label from now on.
func (s *Actions) CorrectSentiment(ctx context.Context, actor Actor, k ThreadKey, seq uint64, label string) error {
	if !slices.Contains(sentimentLabels, label) {
		return Errorf(EINVALID, "label: want pos, neu or neg, got %q", label)
	}
	target := fmt.Sprintf("message:%s/%d", k, seq)
	return s.do(ctx, actor, "sentiment.correct", target, []Role{RoleModerator}, func(tx *actTx) (change, error) {
		msgs, err := tx.Messages(k, seq-1, 1)
		if err != nil {
			return change{}, err
		}
		if len(msgs) == 0 || msgs[0].Seq != seq {
			return change{}, Errorf(ENOTFOUND, "message %d of thread %s not found", seq, k)
		}
		m := msgs[0]
		if m.Direction != DirIn || m.Analysis == nil {
			return change{}, Errorf(EINVALID, "message %d: only an analysed inbound message has a sentiment", seq)
		}
		before := map[string]string{"label": m.Analysis.Sentiment.Label, "by": "machine"}
		labels, err := tx.Labels(k)
		if err != nil {
			return change{}, err
		}
		for _, o := range labels {
			if o.Message == seq {
				before = map[string]string{"label": o.Label, "by": o.By}
			}
		}
		o := &LabelOverride{Thread: k, Message: seq, MessageID: m.PlatformID, Follower: m.Follower, Label: label,
			Machine: m.Analysis.Sentiment, By: actor.Name, At: s.e.now()}
		if err := tx.SetLabel(o); err != nil {
			return change{}, err
		}
		return change{before: before, after: map[string]string{"label": label, "by": actor.Name}}, nil
	})
}

// Labels returns a thread's sentiment overrides by message seq, for
// showing a person's label beside the machine's on each message.
func (s *Actions) Labels(ctx context.Context, actor Actor, k ThreadKey) (map[uint64]*LabelOverride, error) {
	if err := s.may(actor, "see labels", RoleModerator, RoleSafety, RolePR, RoleViewer); err != nil {
		return nil, err
	}
	out := map[uint64]*LabelOverride{}
	err := s.e.store.View(ctx, func(tx Tx) error {
		list, err := tx.Labels(k)
		for _, o := range list {
			out[o.Message] = o
		}
		return err
	})
	return out, err
}
