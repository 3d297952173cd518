package bot

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// EraseStore is what erasure needs beyond the other nouns' parts.
type EraseStore interface {
	// FollowerThreads lists the threads a follower is the follower of or
	// has messages in, in key order.
	FollowerThreads(k FollowerKey) ([]ThreadKey, error)
}

// FollowerExport is everything held about one follower, for a request to
// see it.
type FollowerExport struct {
	Follower  *Follower          `json:"follower,omitempty"`
	Threads   []ThreadExport     `json:"threads"`
	Sentiment []*SentimentRecord `json:"sentiment"`
	Flags     []*Flag            `json:"flags"`
	Cases     []*Case            `json:"cases"`
	Outbox    []*Outbound        `json:"outbox"`
}

// ThreadExport is one thread with the follower's part of it: all of a
// private thread, the follower's own messages and the replies to them in
// a shared one.
type ThreadExport struct {
	Thread   *Thread          `json:"thread"`
	Messages []*Message       `json:"messages"`
	Labels   []*LabelOverride `json:"labels,omitempty"`
}

// followerData gathers the follower's data in tx.
func followerData(tx Tx, k FollowerKey) (*FollowerExport, error) {
	x := &FollowerExport{Threads: []ThreadExport{}, Sentiment: []*SentimentRecord{}, Flags: []*Flag{}, Cases: []*Case{}, Outbox: []*Outbound{}}
	f, err := tx.Follower(k)
	switch {
	case err == nil:
		x.Follower = f
	case ErrorCode(err) != ENOTFOUND:
		return nil, err
	}
	keys, err := tx.FollowerThreads(k)
	if err != nil {
		return nil, err
	}
	for _, tk := range keys {
		th, err := tx.Thread(tk)
		if ErrorCode(err) == ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		whole := th.Follower == k
		msgs, err := tx.Messages(tk, 0, 0)
		if err != nil {
			return nil, err
		}
		te := ThreadExport{Thread: th, Messages: []*Message{}}
		theirs := map[string]bool{} // platform ids of their messages
		for _, m := range msgs {
			if !whole && m.Follower != k {
				continue
			}
			te.Messages = append(te.Messages, m)
			if m.Direction == DirIn && m.PlatformID != "" {
				theirs[m.PlatformID] = true
			}
			if m.Outbound != 0 {
				o, err := tx.Outbound(m.Outbound)
				if err == nil {
					x.Outbox = append(x.Outbox, o)
				} else if ErrorCode(err) != ENOTFOUND {
					return nil, err
				}
			}
		}
		labels, err := tx.Labels(tk)
		if err != nil {
			return nil, err
		}
		for _, l := range labels {
			if whole || l.Follower == k {
				te.Labels = append(te.Labels, l)
			}
		}
		x.Threads = append(x.Threads, te)
		flags, err := tx.Flags(FlagFilter{Thread: &tk})
		if err != nil {
			return nil, err
		}
		for _, fl := range flags {
			// A delivery flag names no follower: it is theirs when it is
			// about the reply to one of their messages.
			if whole || fl.Follower == k || (fl.Follower == FollowerKey{} && theirs[fl.MessageID]) {
				x.Flags = append(x.Flags, fl)
			}
		}
	}
	if x.Sentiment, err = tx.SentimentByFollower(k, minTime, maxTime, 0); err != nil {
		return nil, err
	}
	if x.Sentiment == nil {
		x.Sentiment = []*SentimentRecord{}
	}
	cases, err := tx.Cases(CaseFilter{Follower: &k})
	if err != nil {
		return nil, err
	}
	x.Cases = append(x.Cases, cases...)
	return x, nil
}

// ExportFollower returns everything held about a follower: profile,
// threads with their messages, sentiment records, flags, safety cases and
// the texts sent to them. ENOTFOUND when nothing is held. The export is
// audited (not its content).
func (s *Actions) ExportFollower(ctx context.Context, actor Actor, k FollowerKey) (*FollowerExport, error) {
	if k.Platform == "" || k.UserID == "" {
		return nil, Errorf(EINVALID, "follower: platform and user id required")
	}
	target, err := s.followerTarget(ctx, actor, k)
	if err != nil {
		return nil, err
	}
	var x *FollowerExport
	err = s.do(ctx, actor, "follower.export", target, []Role{RoleAdmin}, func(tx *actTx) (change, error) {
		var err error
		if x, err = followerData(tx, k); err != nil {
			return change{}, err
		}
		if x.Follower == nil && len(x.Threads) == 0 && len(x.Sentiment) == 0 && len(x.Cases) == 0 {
			return change{}, Errorf(ENOTFOUND, "nothing is held about follower %s", k)
		}
		return change{after: map[string]int{"threads": len(x.Threads), "sentiment": len(x.Sentiment),
			"flags": len(x.Flags), "cases": len(x.Cases), "outbox": len(x.Outbox)}}, nil
	})
	return x, err
}

// EraseResult says what an erasure removed and what it kept.
type EraseResult struct {
	// Pseudonym replaces the follower's id where a legal record keeps
	// them; the audit log names the erasure by it.
	Pseudonym string `json:"pseudonym"`
	Threads   int    `json:"threads"`
	Messages  int    `json:"messages"`
	Sentiment int    `json:"sentiment"`
	Labels    int    `json:"labels"`
	Flags     int    `json:"flags"`
	Outbox    int    `json:"outbox"`
	// CasesDeleted counts dismissed cases removed; CasesKept lists the
	// confirmed ones kept, pseudonymized, as legal records.
	CasesDeleted int      `json:"cases_deleted"`
	CasesKept    []uint64 `json:"cases_kept,omitempty"`
	// Note says in words what was kept, for the person who asked.
	Note string `json:"note,omitempty"`
}

// pseudonymKeyMeta names the meta value holding the pseudonyms' key.
const pseudonymKeyMeta = "pseudonym_key"

// pseudonymizer makes stable pseudonyms: a keyed hash, so the same id
// always gives the same pseudonym in this store, and nobody without the
// store's key can go back from a pseudonym by hashing candidate ids.
type pseudonymizer struct{ key []byte }

func loadPseudonymizer(tx Tx) (*pseudonymizer, error) {
	v, err := tx.Meta(pseudonymKeyMeta)
	if ErrorCode(err) == ENOTFOUND {
		b := make([]byte, 32)
		rand.Read(b)
		v = hex.EncodeToString(b)
		err = tx.PutMeta(pseudonymKeyMeta, v)
	}
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) == 0 {
		return nil, Errorf(EINTERNAL, "the stored pseudonym key is damaged")
	}
	return &pseudonymizer{key: key}, nil
}

// of returns "anon-" and 32 hex digits for a (kind, platform, id).
func (p *pseudonymizer) of(kind, platform, id string) string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(kind + "\x00" + platform + "\x00" + id))
	return "anon-" + hex.EncodeToString(m.Sum(nil)[:16])
}

func (p *pseudonymizer) follower(k FollowerKey) FollowerKey {
	return FollowerKey{Platform: k.Platform, UserID: p.of("user", k.Platform, k.UserID)}
}

// thread pseudonymizes a private thread's chat, which names the person;
// a shared thread (a group, a post) keeps its key.
func (p *pseudonymizer) thread(k ThreadKey, private bool) ThreadKey {
	if private {
		k.Chat = p.of("chat", k.Platform+"."+k.Account, k.Chat)
	}
	return k
}

// EraseFollower erases a follower everywhere: profile, messages (and the
// private threads), sentiment records and overrides, the texts of the
// flags and of the outbox items sent to them, and their safety cases,
// except a confirmed case, which is a legal record: it stays with the
// follower's identity replaced by a pseudonym, and the result says so.
// Erasure waits (ECONFLICT) while a case is still open, so a report is
// not lost before the safety team has assessed it, and while a message of
// theirs is still being processed or one to them is being sent. Replies
// still waiting to be sent are failed, so nothing more reaches them. The
// audit entry names the follower by the pseudonym and holds counts, never
// text; note is the admin's own (a ticket number), so it should not
// repeat the follower's data.
func (s *Actions) EraseFollower(ctx context.Context, actor Actor, k FollowerKey, note string) (*EraseResult, error) {
	if k.Platform == "" || k.UserID == "" {
		return nil, Errorf(EINVALID, "follower: platform and user id required")
	}
	var res *EraseResult
	target, err := s.followerTarget(ctx, actor, k)
	if err != nil {
		return nil, err
	}
	err = s.do(ctx, actor, "follower.erase", target, []Role{RoleAdmin}, func(tx *actTx) (change, error) {
		var err error
		res, err = eraseFollower(tx, k)
		if err != nil {
			return change{}, err
		}
		return change{after: res, note: note}, nil
	})
	return res, err
}

// followerTarget names a follower in the audit log of the actions on
// their data by the pseudonym, so the log, which is never changed, keeps
// no id of a follower who is later erased. Its key must exist before the
// action starts; making it is harmless on its own.
func (s *Actions) followerTarget(ctx context.Context, actor Actor, k FollowerKey) (string, error) {
	if err := s.may(actor, "manage followers' data", RoleAdmin); err != nil {
		return "", err
	}
	var target string
	err := s.e.store.Update(ctx, func(tx Tx) error {
		p, err := loadPseudonymizer(tx)
		if err != nil {
			return err
		}
		target = "follower:" + p.follower(k).String()
		return nil
	})
	return target, err
}

func eraseFollower(tx Tx, k FollowerKey) (*EraseResult, error) {
	items, err := tx.Inbox(0, 0)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.Event.FollowerKey() == k {
			return nil, Errorf(ECONFLICT, "a message of follower %s is still being processed; try again in a moment", k)
		}
	}
	x, err := followerData(tx, k)
	if err != nil {
		return nil, err
	}
	for _, o := range x.Outbox {
		if o.State == OutSending {
			// Its outcome will be written back with the text; after
			// that it can be scrubbed.
			return nil, Errorf(ECONFLICT, "a message to follower %s is being sent; try again in a moment", k)
		}
	}
	for _, c := range x.Cases {
		if c.Status == CaseOpen {
			return nil, Errorf(ECONFLICT, "safety case %d of follower %s is open: it must be confirmed or dismissed before erasure", c.ID, k)
		}
	}
	p, err := loadPseudonymizer(tx)
	if err != nil {
		return nil, err
	}
	pk := p.follower(k)
	res := &EraseResult{Pseudonym: pk.String(), Threads: len(x.Threads), Sentiment: len(x.Sentiment)}
	private := map[ThreadKey]bool{}
	for _, te := range x.Threads {
		private[te.Thread.Key] = te.Thread.Follower == k && (te.Thread.ChatType == ChatPrivate || te.Thread.ChatType == "")
		res.Messages += len(te.Messages)
	}
	if res.Labels, err = tx.DeleteFollowerLabels(k); err != nil {
		return nil, err
	}
	for _, fl := range x.Flags {
		fl.Text, fl.Follower, fl.Thread = "", pk, p.thread(fl.Thread, private[fl.Thread])
		if err := tx.PutFlag(fl); err != nil {
			return nil, err
		}
		res.Flags++
	}
	for _, o := range x.Outbox {
		o.Text, o.Buttons, o.MediaURL, o.Extra = "", nil, "", nil
		o.Recipient = pk.UserID
		if o.State == OutPending {
			// Nothing more may reach a person who asked to be forgotten.
			// The dispatcher holds the item under its chat until it finds
			// it no longer pending, so the chat stays.
			o.State, o.LastError = OutFailed, "follower erased"
		} else {
			if o.State == OutUnknown {
				// Not for a person to send again: there is nothing left.
				o.State, o.LastError = OutFailed, "follower erased"
			}
			tk := ThreadKey{Platform: o.Platform, Account: o.Account, Chat: o.Chat}
			o.Chat = p.thread(tk, private[tk]).Chat
		}
		if err := tx.PutOutbound(o); err != nil {
			return nil, err
		}
		res.Outbox++
	}
	for _, c := range x.Cases {
		if c.Status != CaseConfirmed {
			if err := tx.DeleteCase(c.ID); err != nil {
				return nil, err
			}
			res.CasesDeleted++
			continue
		}
		c.Follower, c.FollowerName, c.Thread, c.Pseudonymized = pk, "", p.thread(c.Thread, private[c.Thread]), true
		if err := tx.PutCase(c); err != nil {
			return nil, err
		}
		res.CasesKept = append(res.CasesKept, c.ID)
	}
	if err := pseudonymizeAlerts(tx, p, private); err != nil {
		return nil, err
	}
	if err := tx.DeleteFollower(k); err != nil {
		return nil, err
	}
	if len(res.CasesKept) > 0 {
		res.Note = "confirmed safety cases are legal records: they were kept, with the follower's identity replaced by the pseudonym"
	}
	return res, nil
}

// pseudonymizeAlerts replaces the erased private threads in alerts' thread
// lists.
func pseudonymizeAlerts(tx Tx, p *pseudonymizer, private map[ThreadKey]bool) error {
	alerts, err := tx.Alerts(AlertFilter{})
	if err != nil {
		return err
	}
	for _, a := range alerts {
		changed := false
		for i, tk := range a.Threads {
			if private[tk] {
				a.Threads[i], changed = p.thread(tk, true), true
			}
		}
		if changed {
			if err := tx.PutAlert(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// minTime and maxTime bound "all of time" for the time-ranged listings.
var (
	minTime = time.Unix(-1<<40, 0)
	maxTime = time.Unix(1<<40, 0)
)
