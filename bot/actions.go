package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a staff member may do. A user or token holds one or more.
type Role string

const (
	// RoleAdmin manages users, tokens and followers' data, and may do
	// everything the other roles may.
	RoleAdmin Role = "admin"
	// RolePR schedules posts and runs campaigns, surveys and events.
	RolePR Role = "pr"
	// RoleModerator works flagged threads: take over, reply, resolve.
	RoleModerator Role = "moderator"
	// RoleSafety works side-effect reports.
	RoleSafety Role = "safety"
	// RoleViewer reads and changes nothing.
	RoleViewer Role = "viewer"
)

// Roles lists every role, for validation and help texts.
var Roles = []Role{RoleAdmin, RolePR, RoleModerator, RoleSafety, RoleViewer}

// ParseRoles reads "moderator,safety" into roles, refusing unknown ones.
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	for _, p := range strings.Split(s, ",") {
		r := Role(strings.TrimSpace(p))
		if !slices.Contains(Roles, r) {
			return nil, Errorf(EINVALID, "unknown role %q (roles: admin, pr, moderator, safety, viewer)", p)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Actor is the person (or API token) an action is done by.
type Actor struct {
	Name  string
	Roles []Role
}

// Can reports whether the actor holds one of roles; an admin holds all.
func (a Actor) Can(roles ...Role) bool {
	if slices.Contains(a.Roles, RoleAdmin) {
		return true
	}
	for _, r := range roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

// Actions is the one way people change things: the dashboard, the JSON
// API, the CLI and the scheduler all call it. Each action checks the
// actor's roles and what it needs, and writes its audit entry in the same
// transaction as the change, so there is no change without its entry.
type Actions struct{ e *Engine }

// Actions returns the engine's service for people's actions.
func (e *Engine) Actions() *Actions { return &Actions{e: e} }

// maxReplyRunes bounds a reply typed by a person.
const maxReplyRunes = 4096

// actTx is a transaction as an action sees it: it may queue outbound items,
// which go to the dispatcher once the transaction commits.
type actTx struct {
	Tx
	out []*Outbound
}

func (t *actTx) enqueue(o *Outbound) error {
	created, err := t.Tx.Enqueue(o)
	if err == nil && created {
		t.out = append(t.out, o)
	}
	return err
}

// change is what an action did, for its audit entry.
type change struct {
	before, after any
	note          string
}

// do runs one action: the role check, then fn and the audit entry in one
// transaction, then hands any queued outbound items to the dispatcher.
func (s *Actions) do(ctx context.Context, actor Actor, action, target string, roles []Role, fn func(tx *actTx) (change, error)) error {
	if actor.Name == "" {
		return Errorf(EUNAUTHORIZED, "an action needs the person who does it")
	}
	if !actor.Can(roles...) {
		return Errorf(EFORBIDDEN, "%s may not %s", actor.Name, strings.ReplaceAll(action, ".", " "))
	}
	var queued []*Outbound
	err := s.e.store.Update(ctx, func(tx Tx) error {
		at := &actTx{Tx: tx}
		c, err := fn(at)
		if err != nil {
			return err
		}
		entry := &AuditEntry{At: s.e.now(), Actor: actor.Name, Action: action, Target: target, Note: c.note}
		if entry.Before, err = auditJSON(c.before); err != nil {
			return err
		}
		if entry.After, err = auditJSON(c.after); err != nil {
			return err
		}
		queued = at.out
		return tx.AddAudit(entry)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	for _, o := range queued {
		s.e.disp.add(o)
	}
	return nil
}

func auditJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: %w", err)
	}
	return string(b), nil
}

// threadState is what thread actions change, as the audit log shows it.
type threadState struct {
	Mode      string `json:"mode"`
	Moderator string `json:"moderator,omitempty"`
}

func stateOf(t *Thread) threadState { return threadState{Mode: t.Mode, Moderator: t.Moderator} }

func threadTarget(k ThreadKey) string { return "thread:" + k.String() }

// TakeOver gives a thread to the actor: the bot stops replying in it
// until it is released.
func (s *Actions) TakeOver(ctx context.Context, actor Actor, k ThreadKey) error {
	return s.do(ctx, actor, "thread.takeover", threadTarget(k), []Role{RoleModerator}, func(tx *actTx) (change, error) {
		t, err := tx.Thread(k)
		if err != nil {
			return change{}, err
		}
		before := stateOf(t)
		t.Mode, t.Moderator = ModeHuman, actor.Name
		return change{before: before, after: stateOf(t)}, tx.PutThread(t)
	})
}

// Release gives a thread back to the bot.
func (s *Actions) Release(ctx context.Context, actor Actor, k ThreadKey) error {
	return s.do(ctx, actor, "thread.release", threadTarget(k), []Role{RoleModerator}, func(tx *actTx) (change, error) {
		t, err := tx.Thread(k)
		if err != nil {
			return change{}, err
		}
		before := stateOf(t)
		t.Mode, t.Moderator = ModeBot, ""
		return change{before: before, after: stateOf(t)}, tx.PutThread(t)
	})
}

// Resolve closes every open flag of a thread and gives it back to the bot.
func (s *Actions) Resolve(ctx context.Context, actor Actor, k ThreadKey, note string) error {
	return s.do(ctx, actor, "thread.resolve", threadTarget(k), []Role{RoleModerator, RoleSafety}, func(tx *actTx) (change, error) {
		t, err := tx.Thread(k)
		if err != nil {
			return change{}, err
		}
		flags, err := tx.Flags(FlagFilter{Status: FlagOpen, Thread: &k})
		if err != nil {
			return change{}, err
		}
		var closed []uint64
		for _, f := range flags {
			if err := closeFlag(tx, f, actor, s.e.now()); err != nil {
				return change{}, err
			}
			closed = append(closed, f.ID)
		}
		before := stateOf(t)
		t.Mode, t.Moderator, t.Flagged = ModeBot, "", SeverityNone
		if err := tx.PutThread(t); err != nil {
			return change{}, err
		}
		return change{before: before, after: map[string]any{"thread": stateOf(t), "flags_closed": closed}, note: note}, nil
	})
}

// CloseFlag closes one flag, with what the person decided.
func (s *Actions) CloseFlag(ctx context.Context, actor Actor, id uint64, note string) error {
	return s.do(ctx, actor, "flag.close", fmt.Sprintf("flag:%d", id), []Role{RoleModerator, RoleSafety}, func(tx *actTx) (change, error) {
		f, err := tx.Flag(id)
		if err != nil {
			return change{}, err
		}
		if f.Status == FlagClosed {
			return change{}, Errorf(ECONFLICT, "flag %d is closed already", id)
		}
		return change{before: map[string]string{"status": f.Status}, after: map[string]string{"status": FlagClosed}, note: note},
			closeFlag(tx, f, actor, s.e.now())
	})
}

func closeFlag(tx FlagStore, f *Flag, actor Actor, now time.Time) error {
	f.Status, f.ClosedBy, f.Closed = FlagClosed, actor.Name, now
	return tx.PutFlag(f)
}

// Reply sends text into a thread in the actor's name, through the outbox
// with its rate limits and exactly-once rules; the thread keeps it as an
// outbound message. It does not take the thread over.
func (s *Actions) Reply(ctx context.Context, actor Actor, k ThreadKey, text string) (*Outbound, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return nil, Errorf(EINVALID, "text: a reply needs text")
	case !utf8.ValidString(text):
		return nil, Errorf(EINVALID, "text: not valid UTF-8")
	case utf8.RuneCountInString(text) > maxReplyRunes:
		return nil, Errorf(EINVALID, "text: at most %d characters", maxReplyRunes)
	}
	var sent *Outbound
	err := s.do(ctx, actor, "thread.reply", threadTarget(k), []Role{RoleModerator, RoleSafety}, func(tx *actTx) (change, error) {
		t, err := tx.Thread(k)
		if err != nil {
			return change{}, err
		}
		o := &Outbound{
			Platform: k.Platform, Account: k.Account, Chat: k.Chat, ChatType: t.ChatType,
			Kind: OutReply, Recipient: t.Follower.UserID, Text: text, LastInbound: t.LastInbound,
			Source: "moderator:" + actor.Name,
		}
		if t.ChatType == ChatPublic {
			// A public conversation is a comment's: answer the last one.
			if o.ReplyTo, err = lastInboundID(tx, k); err != nil {
				return change{}, err
			}
		}
		now := s.e.now()
		if a, ok := s.e.Adapter(k.Platform + "." + k.Account); ok {
			if c, ok := a.(SendChecker); ok {
				if err := c.CheckSend(o, now); err != nil {
					return change{}, Errorf(ECONFLICT, "this reply cannot be sent: %v", err)
				}
			}
		}
		if err := tx.enqueue(o); err != nil {
			return change{}, err
		}
		m := &Message{Thread: k, Direction: DirOut, Kind: EventMessage, Follower: t.Follower, Author: actor.Name, Text: text, Outbound: o.ID, At: now}
		if err := tx.AddMessage(m); err != nil {
			return change{}, err
		}
		t.Messages++
		t.LastMessage = now
		if err := tx.PutThread(t); err != nil {
			return change{}, err
		}
		sent = o
		return change{after: map[string]any{"outbound": o.ID, "text": text}}, nil
	})
	return sent, err
}

// AddNote keeps a private note in a thread for the staff: it is shown
// with the conversation and never sent.
func (s *Actions) AddNote(ctx context.Context, actor Actor, k ThreadKey, text string) error {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return Errorf(EINVALID, "text: a note needs text")
	case !utf8.ValidString(text):
		return Errorf(EINVALID, "text: not valid UTF-8")
	case utf8.RuneCountInString(text) > maxReplyRunes:
		return Errorf(EINVALID, "text: at most %d characters", maxReplyRunes)
	}
	return s.do(ctx, actor, "thread.note", threadTarget(k), []Role{RoleModerator, RoleSafety}, func(tx *actTx) (change, error) {
		t, err := tx.Thread(k)
		if err != nil {
			return change{}, err
		}
		m := &Message{Thread: k, Direction: DirNote, Kind: EventMessage, Follower: t.Follower, Author: actor.Name, Text: text, At: s.e.now()}
		if err := tx.AddMessage(m); err != nil {
			return change{}, err
		}
		return change{after: map[string]any{"note": m.Seq}}, nil
	})
}

// Mute stops (or, with on false, restarts) the bot's automatic replies to
// a follower; block also leaves them out of every campaign, survey and
// event. Their messages are still stored and flagged either way.
func (s *Actions) Mute(ctx context.Context, actor Actor, k FollowerKey, mute, block bool, note string) error {
	return s.do(ctx, actor, "follower.mute", "follower:"+k.String(), []Role{RoleModerator}, func(tx *actTx) (change, error) {
		f, err := tx.Follower(k)
		if err != nil {
			return change{}, err
		}
		before := map[string]bool{"muted": f.Muted, "blocked": f.Blocked}
		f.Muted, f.Blocked = mute || block, block
		return change{before: before, after: map[string]bool{"muted": f.Muted, "blocked": f.Blocked}, note: note}, tx.PutFollower(f)
	})
}

// lastInboundID is the platform id of the newest message the follower
// wrote in a thread.
func lastInboundID(tx MessageStore, k ThreadKey) (string, error) {
	msgs, err := tx.Messages(k, 0, 0)
	if err != nil {
		return "", err
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Direction == DirIn && msgs[i].PlatformID != "" {
			return msgs[i].PlatformID, nil
		}
	}
	return "", Errorf(EINVALID, "the thread has no message to answer")
}

// SetConsent records a follower's consent as a person was told it (on the
// phone, in a shop), with the channel it came through.
func (s *Actions) SetConsent(ctx context.Context, actor Actor, k FollowerKey, c Consent, note string) error {
	if c != ConsentGiven && c != ConsentRevoked {
		return Errorf(EINVALID, "consent: want given or revoked, got %q", c)
	}
	return s.do(ctx, actor, "follower.consent", "follower:"+k.String(), []Role{RoleModerator}, func(tx *actTx) (change, error) {
		f, err := tx.Follower(k)
		if err != nil {
			return change{}, err
		}
		before := map[string]any{"consent": f.Consent}
		f.Consent, f.ConsentAt = c, s.e.now()
		return change{before: before, after: map[string]any{"consent": f.Consent}, note: note}, tx.PutFollower(f)
	})
}

// Assign gives a thread to a person who works threads (a moderator or an
// admin): it is taken over in their name, so the bot stops replying in it
// until it is released. A moderator may assign to themselves or another.
func (s *Actions) Assign(ctx context.Context, actor Actor, k ThreadKey, to string) error {
	to = strings.TrimSpace(to)
	if to == "" {
		return Errorf(EINVALID, "to: the person to assign the thread to")
	}
	return s.do(ctx, actor, "thread.assign", threadTarget(k), []Role{RoleModerator}, func(tx *actTx) (change, error) {
		u, err := tx.User(to)
		if ErrorCode(err) == ENOTFOUND {
			return change{}, Errorf(EINVALID, "to: no user %q", to)
		} else if err != nil {
			return change{}, err
		}
		if !(Actor{Name: u.Name, Roles: u.Roles}).Can(RoleModerator) {
			return change{}, Errorf(EINVALID, "to: %s does not work threads (not a moderator)", to)
		}
		t, err := tx.Thread(k)
		if err != nil {
			return change{}, err
		}
		before := stateOf(t)
		t.Mode, t.Moderator = ModeHuman, u.Name
		return change{before: before, after: stateOf(t)}, tx.PutThread(t)
	})
}

// outboundTarget names an outbox item in the audit log.
func outboundTarget(id uint64) string { return fmt.Sprintf("outbound:%d", id) }

// undecided is whether a person must decide about an outbox item: it may
// have reached the platform (unknown) or gave up (failed).
func undecided(o *Outbound) bool { return o.State == OutUnknown || o.State == OutFailed }

// MarkOutboundSent records that an item whose delivery was unknown did
// reach the platform (a person saw it there), so it is never sent again.
func (s *Actions) MarkOutboundSent(ctx context.Context, actor Actor, id uint64, note string) error {
	var from OutState
	err := s.do(ctx, actor, "outbound.mark_sent", outboundTarget(id), []Role{RoleModerator}, func(tx *actTx) (change, error) {
		o, err := tx.Outbound(id)
		if err != nil {
			return change{}, err
		}
		if o.State != OutUnknown {
			return change{}, Errorf(ECONFLICT, "outbound %d is %s, not unknown", id, o.State)
		}
		from = o.State
		o.State, o.Updated = OutSent, s.e.now()
		return change{before: map[string]OutState{"state": from}, after: map[string]OutState{"state": o.State}, note: note}, s.e.putOutbound(tx, o, o.Updated)
	})
	if err == nil {
		s.e.disp.move(from, "")
	}
	return err
}

// ResendOutbound sends an unknown or failed item again, through the
// outbox with its limits: a person decided that it did not arrive.
func (s *Actions) ResendOutbound(ctx context.Context, actor Actor, id uint64, note string) error {
	var from OutState
	err := s.do(ctx, actor, "outbound.resend", outboundTarget(id), []Role{RoleModerator}, func(tx *actTx) (change, error) {
		o, err := tx.Outbound(id)
		if err != nil {
			return change{}, err
		}
		if !undecided(o) {
			return change{}, Errorf(ECONFLICT, "outbound %d is %s: only an unknown or failed item is sent again", id, o.State)
		}
		from = o.State
		o.State, o.Attempts, o.NotBefore, o.LastError, o.Updated = OutPending, 0, time.Time{}, "", s.e.now()
		if err := s.e.putOutbound(tx, o, o.Updated); err != nil {
			return change{}, err
		}
		// Handed to the dispatcher once the change is committed.
		tx.out = append(tx.out, o)
		return change{before: map[string]OutState{"state": from}, after: map[string]OutState{"state": o.State}, note: note}, nil
	})
	if err == nil {
		s.e.disp.move(from, "")
	}
	return err
}
