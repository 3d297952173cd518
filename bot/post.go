package bot

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PostState is where a post is on its way out:
// draft -> awaiting_approval -> approved -> scheduled -> published |
// failed | missed, or cancelled from any state before its end. An edit
// after approval sends it back to awaiting_approval.
type PostState string

const (
	PostDraft     PostState = "draft"
	PostAwaiting  PostState = "awaiting_approval"
	PostApproved  PostState = "approved"
	PostScheduled PostState = "scheduled"
	PostPublished PostState = "published"
	PostFailed    PostState = "failed"
	PostMissed    PostState = "missed"
	PostCancelled PostState = "cancelled"
)

// PostStates lists every state, for validation of filters.
var PostStates = []PostState{PostDraft, PostAwaiting, PostApproved, PostScheduled, PostPublished, PostFailed, PostMissed, PostCancelled}

// Live reports whether the scheduler may still fire the post's slots.
func (s PostState) Live() bool { return s == PostApproved || s == PostScheduled }

// Ended reports whether nothing more happens to the post.
func (s PostState) Ended() bool {
	return s == PostPublished || s == PostFailed || s == PostMissed || s == PostCancelled
}

// PostTarget is one place a post goes: an account ("telegram.support")
// and, where the platform needs it, the chat (a Telegram or Rubika
// channel; X, Facebook Pages and Instagram post to the account itself).
type PostTarget struct {
	Account string `json:"account"`
	Chat    string `json:"chat,omitempty"`
}

// Approval is one sign-off: who, when, of which version, and what they
// noted (a medical or legal review).
type Approval struct {
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Version int       `json:"version"`
	Note    string    `json:"note,omitempty"`
}

// PostNotice is something the author is told about their post (a slot
// missed while the service was down, a publish that needs a person).
type PostNotice struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Post is something the brand publishes, once (At) or on a recurring
// cron spec (Cron, read in TZ), to one or more accounts.
type Post struct {
	ID   uint64 `json:"id"` // store-assigned, increasing
	Text string `json:"text"`
	// ImageURL is the image the post carries: a link given by the author,
	// or the public address of an uploaded image.
	ImageURL string `json:"image_url,omitempty"`
	// Variants are texts per platform ("x", "instagram") used instead of
	// Text there: a shorter tweet, Instagram's hashtags.
	Variants map[string]string `json:"variants,omitempty"`
	Targets  []PostTarget      `json:"targets"`
	At       time.Time         `json:"at,omitzero"`
	Cron     string            `json:"cron,omitempty"`
	TZ       string            `json:"tz,omitempty"`
	// Lateness is how late a slot missed while the service was down may
	// still go out; 0 is the configured default.
	Lateness time.Duration `json:"lateness,omitempty"`

	State   PostState `json:"state"`
	Version int       `json:"version"` // 1 at creation, +1 at each edit
	Author  string    `json:"author"`
	// Approvals are the sign-offs of the current version; earlier ones
	// stay in the audit log.
	Approvals []Approval   `json:"approvals,omitempty"`
	Notices   []PostNotice `json:"notices,omitempty"`
	// Next is the time of the next slot the scheduler fires; zero when
	// there is none (not approved, ended, or a one-off already fired).
	Next    time.Time `json:"next,omitzero"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// TextFor is the text the post has on a platform.
func (p *Post) TextFor(platform string) string {
	if v := p.Variants[platform]; v != "" {
		return v
	}
	return p.Text
}

// Recurring reports whether the post fires on a cron spec.
func (p *Post) Recurring() bool { return p.Cron != "" }

// PostContent is what a platform is asked to publish for one target.
type PostContent struct {
	Text     string
	ImageURL string
}

// SlotState is one account's outcome of a slot:
// queued -> published | failed | unknown, or missed when the slot came
// too late. Unknown waits for a person: it may have gone out.
type SlotState string

const (
	SlotQueued    SlotState = "queued"
	SlotPublished SlotState = "published"
	SlotFailed    SlotState = "failed"
	SlotUnknown   SlotState = "unknown"
	SlotMissed    SlotState = "missed"
)

// Final reports whether nothing more happens without a person.
func (s SlotState) Final() bool { return s != SlotQueued }

// SlotTarget is one account's part of a slot.
type SlotTarget struct {
	Account string    `json:"account"`
	Chat    string    `json:"chat,omitempty"`
	State   SlotState `json:"state"`
	// Outbound is the outbox item that publishes it (0 when missed).
	Outbound   uint64 `json:"outbound,omitempty"`
	PlatformID string `json:"platform_id,omitempty"`
	URL        string `json:"url,omitempty"`
	Error      string `json:"error,omitempty"`
	// Retries counts retries by hand; each is a new outbox item.
	Retries int `json:"retries,omitempty"`
}

// Slot is one firing of a post, keyed by (post, slot time): made once,
// so a restart neither loses nor repeats it.
type Slot struct {
	Post    uint64       `json:"post"`
	At      time.Time    `json:"at"`
	Version int          `json:"version"`
	Fired   time.Time    `json:"fired"` // when the scheduler made it
	Targets []SlotTarget `json:"targets"`
	Updated time.Time    `json:"updated"`
}

// Open reports whether a target of the slot still waits for its outcome.
func (s *Slot) Open() bool {
	return slices.ContainsFunc(s.Targets, func(t SlotTarget) bool { return !t.State.Final() })
}

// State sums up the targets: queued while any waits, else published when
// all went out, missed when all were missed, failed otherwise (a person
// looks at the targets).
func (s *Slot) State() SlotState {
	all := func(st SlotState) bool {
		return !slices.ContainsFunc(s.Targets, func(t SlotTarget) bool { return t.State != st })
	}
	switch {
	case s.Open():
		return SlotQueued
	case all(SlotPublished):
		return SlotPublished
	case all(SlotMissed):
		return SlotMissed
	case slices.ContainsFunc(s.Targets, func(t SlotTarget) bool { return t.State == SlotUnknown }):
		return SlotUnknown
	}
	return SlotFailed
}

// SlotKey is the outbox idempotency key of one target of a slot: post,
// slot time and account, so firing a slot twice queues nothing twice.
func SlotKey(post uint64, at time.Time, account, chat string, retry int) string {
	k := "post:" + strconv.FormatUint(post, 10) + "/" + strconv.FormatInt(at.UnixNano(), 10) + "/" + account + "/" + chat
	if retry > 0 {
		k += "/retry" + strconv.Itoa(retry)
	}
	return k
}

// PostFilter selects posts. A post matches From/To when its At, its Next
// or one of its slots falls in [From, To); the store matches by state
// and account, the caller by time.
type PostFilter struct {
	State   PostState
	Account string
	After   uint64 // ids above
	Limit   int
}

// SlotFilter selects slots by slot time in [From, To).
type SlotFilter struct {
	From, To time.Time
	Limit    int
}

// PostStore is the posts' part of a transaction.
type PostStore interface {
	// AddPost assigns p.ID and stores it.
	AddPost(p *Post) error
	// Post returns one post, ENOTFOUND when there is none.
	Post(id uint64) (*Post, error)
	// PutPost stores a changed post and keeps the due index on p.Next.
	PutPost(p *Post) error
	// Posts lists posts by id.
	Posts(f PostFilter) ([]*Post, error)
	// DuePosts lists posts whose Next is set and not after t, earliest
	// first: a scan of the due index.
	DuePosts(t time.Time, limit int) ([]*Post, error)
}

// SlotStore is the slots' part of a transaction.
type SlotStore interface {
	// PutSlot stores a slot under (s.Post, s.At), made or changed.
	PutSlot(s *Slot) error
	// Slot returns one slot, ENOTFOUND when there is none.
	Slot(post uint64, at time.Time) (*Slot, error)
	// Slots lists a post's slots by time.
	Slots(post uint64) ([]*Slot, error)
	// SlotsBetween lists slots of every post by time.
	SlotsBetween(f SlotFilter) ([]*Slot, error)
	// OpenSlots lists slots with a target whose outcome is not known yet,
	// by (post, time), after the given slot (zero values: from the start).
	OpenSlots(afterPost uint64, afterAt time.Time, limit int) ([]*Slot, error)
}

// Clocks reads schedules; the schedule package implements it on cron
// specs, which bot cannot parse itself.
type Clocks interface {
	// Next is the first fire time of spec, read in loc, strictly after t.
	Next(spec string, loc *time.Location, after time.Time) (time.Time, error)
}

// PostChecker is an adapter that checks a post's content against its
// platform's rules before it is scheduled (X's length limit under its
// counting), so a post is refused when it is made, not when it fires.
// The error names the field ("text: ...").
type PostChecker interface {
	CheckPost(c PostContent) error
}

// PostFinder is an adapter that can look for a post among the account's
// recent posts, matched by text, to settle a publish whose outcome is
// unknown without publishing it twice.
type PostFinder interface {
	// FindPost returns the platform id of a post in chat with this text
	// made since the given time, "" when there is none.
	FindPost(ctx context.Context, chat, text string, since time.Time) (string, error)
}

// PostLinker is an adapter that can tell the public link of a post.
type PostLinker interface {
	PostURL(chat, platformID string) string
}

// PostPolicy is how posts are approved and scheduled (config's schedule
// section).
type PostPolicy struct {
	// Approvals is how many people other than the author sign a version
	// off before it is scheduled: 1 or 2 (default 1).
	Approvals int
	// NoteRequired makes each approval carry a sign-off note.
	NoteRequired bool
	// Lateness is how late a missed slot may still go out (default 15m).
	Lateness time.Duration
	// TZ is the time zone of cron specs given without one (default
	// Asia/Tehran).
	TZ string
	// Clocks parses cron specs; without it recurring posts are refused.
	Clocks Clocks
	// Now is the scheduler's time, which a post's times are checked
	// against (default: the engine's clock).
	Now func() time.Time
}

// SetPostPolicy sets how posts are approved and scheduled. Call it before
// Run.
func (e *Engine) SetPostPolicy(p PostPolicy) {
	if p.Approvals <= 0 {
		p.Approvals = 1
	}
	if p.Lateness <= 0 {
		p.Lateness = 15 * time.Minute
	}
	if p.TZ == "" {
		p.TZ = "Asia/Tehran"
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.posts = p
}

// PostPolicy returns the policy in use.
func (e *Engine) PostPolicy() PostPolicy {
	e.mu.RLock()
	defer e.mu.RUnlock()
	p := e.posts
	if p.Approvals <= 0 {
		p.Approvals = 1
	}
	if p.Lateness <= 0 {
		p.Lateness = 15 * time.Minute
	}
	if p.TZ == "" {
		p.TZ = "Asia/Tehran"
	}
	return p
}

// Post limits.
const (
	maxPostRunes = 4096
	maxTargets   = 50
	maxNoteRunes = 1000
)

// PostDraft is what a person gives to make or edit a post.
type PostInput struct {
	Text     string
	ImageURL string
	Variants map[string]string
	Targets  []PostTarget
	At       time.Time
	Cron     string
	TZ       string
	Lateness time.Duration
}

// checkPost validates a post as it would be stored: every mistake names
// its field, and nothing is stored until all pass.
func (e *Engine) checkPost(in *PostInput, now time.Time) (next time.Time, err error) {
	pol := e.PostPolicy()
	in.Text = strings.TrimSpace(in.Text)
	switch {
	case in.Text == "":
		return next, Errorf(EINVALID, "text: a post needs text")
	case !utf8.ValidString(in.Text):
		return next, Errorf(EINVALID, "text: not valid UTF-8")
	case utf8.RuneCountInString(in.Text) > maxPostRunes:
		return next, Errorf(EINVALID, "text: at most %d characters", maxPostRunes)
	}
	if in.ImageURL != "" {
		u, err := url.Parse(in.ImageURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return next, Errorf(EINVALID, "image_url: want an http(s) address, got %q", in.ImageURL)
		}
	}
	for pl, v := range in.Variants {
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxPostRunes {
			return next, Errorf(EINVALID, "variants.%s: at most %d characters of valid UTF-8", pl, maxPostRunes)
		}
	}
	if len(in.Targets) == 0 {
		return next, Errorf(EINVALID, "targets: a post needs at least one account")
	}
	if len(in.Targets) > maxTargets {
		return next, Errorf(EINVALID, "targets: at most %d", maxTargets)
	}
	seen := map[PostTarget]bool{}
	for i, t := range in.Targets {
		field := fmt.Sprintf("targets[%d]", i)
		a, ok := e.Adapter(t.Account)
		if !ok {
			return next, Errorf(EINVALID, "%s.account: unknown account %q", field, t.Account)
		}
		if seen[t] {
			return next, Errorf(EINVALID, "%s: %s is a target twice", field, t.Account)
		}
		seen[t] = true
		platform := a.Platform()
		if (platform == "telegram" || platform == "rubika") && t.Chat == "" {
			return next, Errorf(EINVALID, "%s.chat: a %s post needs the channel it goes to", field, platform)
		}
		c := PostContent{Text: in.Text, ImageURL: in.ImageURL}
		if v := in.Variants[platform]; v != "" {
			c.Text = v
		}
		if platform == "instagram" && c.ImageURL == "" {
			return next, Errorf(EINVALID, "image_url: %s: Instagram publishes only posts with an image", t.Account)
		}
		if ch, ok := a.(PostChecker); ok {
			if err := ch.CheckPost(c); err != nil {
				return next, Errorf(EINVALID, "%s (%s)", err.Error(), t.Account)
			}
		}
	}
	if in.Lateness < 0 {
		return next, Errorf(EINVALID, "lateness: must not be negative")
	}
	switch {
	case in.Cron != "" && !in.At.IsZero():
		return next, Errorf(EINVALID, "at: give either at or cron, not both")
	case in.Cron != "":
		if in.TZ == "" {
			in.TZ = pol.TZ
		}
		loc, err := time.LoadLocation(in.TZ)
		if err != nil {
			return next, Errorf(EINVALID, "tz: unknown time zone %q", in.TZ)
		}
		if pol.Clocks == nil {
			return next, Errorf(EINVALID, "cron: recurring posts are not set up")
		}
		next, err = pol.Clocks.Next(in.Cron, loc, now)
		if err != nil {
			return next, Errorf(EINVALID, "cron: %v", err)
		}
		if next.IsZero() {
			return next, Errorf(EINVALID, "cron: %q never fires", in.Cron)
		}
	case in.At.IsZero():
		return next, Errorf(EINVALID, "at: a post needs a time (at) or a recurring spec (cron)")
	case !in.At.After(now):
		return next, Errorf(EINVALID, "at: %s is in the past", in.At.Format(time.RFC3339))
	default:
		if in.TZ != "" {
			if _, err := time.LoadLocation(in.TZ); err != nil {
				return next, Errorf(EINVALID, "tz: unknown time zone %q", in.TZ)
			}
		}
		next = in.At
	}
	return next, nil
}

func (in *PostInput) applyTo(p *Post) {
	p.Text, p.ImageURL, p.Variants = in.Text, in.ImageURL, in.Variants
	p.Targets, p.Cron, p.TZ, p.Lateness = in.Targets, in.Cron, in.TZ, in.Lateness
	p.At = time.Time{}
	if !in.At.IsZero() {
		p.At = in.At.UTC()
	}
}

// postView is what the audit log keeps of a post.
type postView struct {
	State     PostState    `json:"state"`
	Version   int          `json:"version"`
	Text      string       `json:"text,omitempty"`
	Targets   []PostTarget `json:"targets,omitempty"`
	At        time.Time    `json:"at,omitzero"`
	Cron      string       `json:"cron,omitempty"`
	Approvals int          `json:"approvals"`
}

func viewOf(p *Post, full bool) postView {
	v := postView{State: p.State, Version: p.Version, Approvals: len(p.Approvals)}
	if full {
		v.Text, v.Targets, v.At, v.Cron = p.Text, p.Targets, p.At, p.Cron
	}
	return v
}

func postTarget(id uint64) string { return "post:" + strconv.FormatUint(id, 10) }

var prRoles = []Role{RolePR}

// CreatePost makes a draft post in the actor's name.
func (s *Actions) CreatePost(ctx context.Context, actor Actor, in PostInput) (*Post, error) {
	if _, err := s.e.checkPost(&in, s.e.postNow()); err != nil {
		return nil, fmt.Errorf("post.create: %w", err)
	}
	now := s.e.now()
	p := &Post{State: PostDraft, Version: 1, Author: actor.Name, Created: now.UTC(), Updated: now.UTC()}
	in.applyTo(p)
	err := s.do(ctx, actor, "post.create", "post", prRoles, func(tx *actTx) (change, error) {
		if err := tx.AddPost(p); err != nil {
			return change{}, err
		}
		return change{after: viewOf(p, true)}, nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// postAction loads a post, runs fn on it and stores it, in one action.
func (s *Actions) postAction(ctx context.Context, actor Actor, action string, id uint64, roles []Role, fn func(tx *actTx, p *Post) (string, error)) (*Post, error) {
	var out *Post
	err := s.do(ctx, actor, action, postTarget(id), roles, func(tx *actTx) (change, error) {
		p, err := tx.Post(id)
		if err != nil {
			return change{}, err
		}
		before := viewOf(p, false)
		note, err := fn(tx, p)
		if err != nil {
			return change{}, err
		}
		p.Updated = s.e.now().UTC()
		if err := tx.PutPost(p); err != nil {
			return change{}, err
		}
		out = p
		return change{before: before, after: viewOf(p, action == "post.edit"), note: note}, nil
	})
	return out, err
}

// EditPost changes a post that has not ended. An approved or scheduled
// post goes back for approval: the sign-offs were of the old version.
func (s *Actions) EditPost(ctx context.Context, actor Actor, id uint64, in PostInput) (*Post, error) {
	if _, err := s.e.checkPost(&in, s.e.postNow()); err != nil {
		return nil, fmt.Errorf("post.edit: %w", err)
	}
	return s.postAction(ctx, actor, "post.edit", id, prRoles, func(tx *actTx, p *Post) (string, error) {
		if p.State.Ended() {
			return "", Errorf(ECONFLICT, "post %d is %s: it can no longer change", id, p.State)
		}
		if p.State == PostScheduled && p.Recurring() {
			if slots, err := tx.Slots(id); err != nil {
				return "", err
			} else if len(slots) > 0 && p.Cron != in.Cron {
				// Slots already made keep their times; a new spec starts a new post.
				return "", Errorf(ECONFLICT, "cron: post %d has fired already; cancel it and make a new one", id)
			}
		}
		in.applyTo(p)
		p.Version++
		p.Approvals = nil
		p.Next = time.Time{}
		if p.State != PostDraft {
			p.State = PostAwaiting
		}
		return "", nil
	})
}

// SubmitPost asks for approval of a draft.
func (s *Actions) SubmitPost(ctx context.Context, actor Actor, id uint64) (*Post, error) {
	return s.postAction(ctx, actor, "post.submit", id, prRoles, func(tx *actTx, p *Post) (string, error) {
		if p.State != PostDraft {
			return "", Errorf(ECONFLICT, "post %d is %s, not a draft", id, p.State)
		}
		p.State = PostAwaiting
		return "", nil
	})
}

// ApprovePost signs the current version off. The author may not; with
// the approvals the policy asks for, the post is approved and the
// scheduler takes it. The note is kept with the approval and in the audit
// log, which so shows who approved which version.
func (s *Actions) ApprovePost(ctx context.Context, actor Actor, id uint64, note string) (*Post, error) {
	note = strings.TrimSpace(note)
	pol := s.e.PostPolicy()
	switch {
	case pol.NoteRequired && note == "":
		return nil, Errorf(EINVALID, "note: a sign-off note is required (medical, legal)")
	case utf8.RuneCountInString(note) > maxNoteRunes || !utf8.ValidString(note):
		return nil, Errorf(EINVALID, "note: at most %d characters of valid UTF-8", maxNoteRunes)
	}
	return s.postAction(ctx, actor, "post.approve", id, prRoles, func(tx *actTx, p *Post) (string, error) {
		if p.State != PostAwaiting {
			return "", Errorf(ECONFLICT, "post %d is %s, not awaiting approval", id, p.State)
		}
		if p.Author == actor.Name {
			return "", Errorf(EFORBIDDEN, "approver: %s wrote post %d; someone else approves it", actor.Name, id)
		}
		if slices.ContainsFunc(p.Approvals, func(a Approval) bool { return a.By == actor.Name }) {
			return "", Errorf(ECONFLICT, "approver: %s approved version %d already", actor.Name, p.Version)
		}
		now := s.e.now().UTC()
		p.Approvals = append(p.Approvals, Approval{By: actor.Name, At: now, Version: p.Version, Note: note})
		if len(p.Approvals) < pol.Approvals {
			return note, nil
		}
		next, err := s.e.firstSlot(p, s.e.postNow())
		if err != nil {
			return "", err
		}
		p.State, p.Next = PostApproved, next
		return note, nil
	})
}

// postNow is the time posts are checked against: the scheduler's.
func (e *Engine) postNow() time.Time {
	if n := e.PostPolicy().Now; n != nil {
		return n()
	}
	return e.now()
}

// firstSlot is the first slot of an approved post: its At, or its cron
// spec's next fire time.
func (e *Engine) firstSlot(p *Post, now time.Time) (time.Time, error) {
	if !p.Recurring() {
		// Approved after its time, it keeps it: the scheduler decides
		// late or missed.
		return p.At, nil
	}
	pol := e.PostPolicy()
	loc, err := time.LoadLocation(p.TZ)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "tz: unknown time zone %q", p.TZ)
	}
	if pol.Clocks == nil {
		return time.Time{}, Errorf(EINVALID, "cron: recurring posts are not set up")
	}
	next, err := pol.Clocks.Next(p.Cron, loc, now)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "cron: %v", err)
	}
	return next.UTC(), nil
}

// CancelPost stops a post: no slot of it fires any more. Slots already
// fired keep their outcome.
func (s *Actions) CancelPost(ctx context.Context, actor Actor, id uint64, note string) (*Post, error) {
	return s.postAction(ctx, actor, "post.cancel", id, prRoles, func(tx *actTx, p *Post) (string, error) {
		if p.State.Ended() {
			return "", Errorf(ECONFLICT, "post %d is %s already", id, p.State)
		}
		p.State, p.Next = PostCancelled, time.Time{}
		return note, nil
	})
}

// RetrySlot publishes one target of a slot again, by hand, as a new
// outbox item: for a failed one, or an unknown one a person checked did
// not go out.
func (s *Actions) RetrySlot(ctx context.Context, actor Actor, id uint64, at time.Time, account string) (*Slot, error) {
	var out *Slot
	err := s.do(ctx, actor, "post.retry", postTarget(id), prRoles, func(tx *actTx) (change, error) {
		p, err := tx.Post(id)
		if err != nil {
			return change{}, err
		}
		sl, err := tx.Slot(id, at)
		if err != nil {
			return change{}, err
		}
		i := slices.IndexFunc(sl.Targets, func(t SlotTarget) bool { return t.Account == account })
		if i < 0 {
			return change{}, Errorf(ENOTFOUND, "account: the slot has no target %q", account)
		}
		t := &sl.Targets[i]
		if t.State != SlotFailed && t.State != SlotUnknown {
			return change{}, Errorf(ECONFLICT, "slot target %s is %s: only a failed or unknown one is retried", account, t.State)
		}
		a, ok := s.e.Adapter(account)
		if !ok {
			return change{}, Errorf(EINVALID, "account: unknown account %q", account)
		}
		before := map[string]any{"at": at, "account": account, "state": t.State}
		t.Retries++
		o := slotOutbound(p, sl.At, a, t.Chat, t.Retries)
		if err := tx.enqueue(o); err != nil {
			return change{}, err
		}
		t.State, t.Outbound, t.Error = SlotQueued, o.ID, ""
		sl.Updated = s.e.now().UTC()
		if err := tx.PutSlot(sl); err != nil {
			return change{}, err
		}
		if p.State == PostFailed || p.State == PostPublished {
			p.State = PostScheduled
			if err := tx.PutPost(p); err != nil {
				return change{}, err
			}
		}
		out = sl
		return change{before: before, after: map[string]any{"outbound": o.ID, "retry": t.Retries}}, nil
	})
	return out, err
}

func slotOutbound(p *Post, at time.Time, a Adapter, chat string, retry int) *Outbound {
	account := AccountKey(a.Platform(), a.Account())
	return &Outbound{
		Platform: a.Platform(), Account: a.Account(), Chat: chat, ChatType: ChatChannel,
		Kind: OutPost, Text: p.TextFor(a.Platform()), MediaURL: p.ImageURL,
		Key: SlotKey(p.ID, at, account, chat, retry), Source: "schedule:" + strconv.FormatUint(p.ID, 10),
	}
}

// FireSlot makes the slot (post, at) of a live post whose Next is at:
// its outbox items, or, when missed, its targets marked missed and the
// author told; and moves the post's Next to next (zero: no more slots).
// All of it is one transaction, and the outbox items are keyed by post,
// slot time and account, so firing twice (a restart between) makes
// nothing twice. A post no longer live, or whose Next moved, is left as
// it is and FireSlot returns nil.
func (e *Engine) FireSlot(ctx context.Context, id uint64, at, next time.Time, missed bool) (*Slot, error) {
	var (
		out    *Slot
		queued []*Outbound
	)
	now := e.now().UTC()
	err := e.store.Update(ctx, func(tx Tx) error {
		out, queued = nil, nil
		p, err := tx.Post(id)
		if err != nil {
			return err
		}
		if !p.State.Live() || !p.Next.Equal(at) {
			return nil
		}
		sl, err := tx.Slot(id, at)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			sl = &Slot{Post: id, At: at.UTC(), Version: p.Version, Fired: now, Updated: now}
			for _, t := range p.Targets {
				st := SlotTarget{Account: t.Account, Chat: t.Chat, State: SlotMissed}
				a, ok := e.Adapter(t.Account)
				switch {
				case missed:
					st.Error = "the slot's time passed while the service was down"
				case !ok:
					st.State, st.Error = SlotFailed, "the account is not configured"
				default:
					o := slotOutbound(p, sl.At, a, t.Chat, 0)
					created, err := tx.Enqueue(o)
					if err != nil {
						return err
					}
					if created {
						queued = append(queued, o)
					}
					st.State, st.Outbound = SlotQueued, o.ID
				}
				sl.Targets = append(sl.Targets, st)
			}
			if err := tx.PutSlot(sl); err != nil {
				return err
			}
			if missed {
				p.Notices = append(p.Notices, PostNotice{At: now,
					Text: fmt.Sprintf("the slot of %s was missed: the service was down past its lateness", sl.At.Format(time.RFC3339))})
			}
		case err != nil:
			return err
		}
		out = sl
		if p.State == PostApproved {
			p.State = PostScheduled
		}
		p.Next, p.Updated = next.UTC(), now
		if next.IsZero() {
			p.Next = time.Time{}
		}
		if !p.Recurring() && !sl.Open() {
			p.State = endState(sl.State())
		}
		return tx.PutPost(p)
	})
	if err != nil {
		return nil, fmt.Errorf("fire slot of post %d: %w", id, err)
	}
	for _, o := range queued {
		e.disp.add(o)
	}
	if out != nil && missed {
		e.log.Warn("post slot missed", "post", id, "at", at)
	}
	return out, nil
}

func endState(s SlotState) PostState {
	switch s {
	case SlotPublished:
		return PostPublished
	case SlotMissed:
		return PostMissed
	}
	return PostFailed
}

// unknownCheck is a target whose publish has an unknown outcome, to look
// for among the account's recent posts.
type unknownCheck struct {
	i          int
	finder     PostFinder
	chat, text string
	found      string
	err        error
}

// SettleSlot takes the outcomes of a slot's outbox items into its
// targets: published with the platform's id and link, failed with why.
// A publish whose outcome is unknown is never sent again by itself: where
// the adapter can list the account's recent posts it looks for the text
// there (found: published; not found: failed, for a person to retry),
// otherwise the target stays unknown for a person, and the author is
// told. A one-off post ends with its slot.
func (e *Engine) SettleSlot(ctx context.Context, id uint64, at time.Time) (*Slot, error) {
	var (
		sl     *Slot
		checks []*unknownCheck
	)
	err := e.store.View(ctx, func(tx Tx) error {
		checks = nil
		p, err := tx.Post(id)
		if err != nil {
			return err
		}
		if sl, err = tx.Slot(id, at); err != nil {
			return err
		}
		for i, t := range sl.Targets {
			if t.State != SlotQueued || t.Outbound == 0 {
				continue
			}
			o, err := tx.Outbound(t.Outbound)
			if err != nil {
				return err
			}
			a, _ := e.Adapter(t.Account)
			if f, ok := a.(PostFinder); ok && o.State == OutUnknown {
				checks = append(checks, &unknownCheck{i: i, finder: f, chat: t.Chat, text: p.TextFor(a.Platform())})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("settle slot of post %d: %w", id, err)
	}
	if !sl.Open() {
		return sl, nil
	}
	for _, c := range checks {
		// Outside the transaction: a platform call must not hold the store.
		c.found, c.err = c.finder.FindPost(ctx, c.chat, c.text, sl.Fired.Add(-time.Minute))
	}
	now := e.now().UTC()
	err = e.store.Update(ctx, func(tx Tx) error {
		p, err := tx.Post(id)
		if err != nil {
			return err
		}
		if sl, err = tx.Slot(id, at); err != nil {
			return err
		}
		changed := false
		for i := range sl.Targets {
			t := &sl.Targets[i]
			if t.State != SlotQueued || t.Outbound == 0 {
				continue
			}
			o, err := tx.Outbound(t.Outbound)
			if err != nil {
				return err
			}
			a, _ := e.Adapter(t.Account)
			switch o.State {
			case OutSent:
				t.State, t.PlatformID = SlotPublished, o.PlatformID
				if l, ok := a.(PostLinker); ok && o.PlatformID != "" {
					t.URL = l.PostURL(t.Chat, o.PlatformID)
				}
			case OutFailed:
				t.State, t.Error = SlotFailed, o.LastError
			case OutUnknown:
				i := slices.IndexFunc(checks, func(c *unknownCheck) bool { return c.i == i })
				if _, ok := a.(PostFinder); ok && i < 0 {
					continue // it became unknown after the look: the next pass checks
				}
				switch {
				case i >= 0 && checks[i].err == nil && checks[i].found != "":
					t.State, t.PlatformID = SlotPublished, checks[i].found
					if l, ok := a.(PostLinker); ok {
						t.URL = l.PostURL(t.Chat, t.PlatformID)
					}
					o.State, o.PlatformID, o.Updated = OutSent, checks[i].found, now
					o.LastError = "found among the account's recent posts"
					if err := tx.PutOutbound(o); err != nil {
						return err
					}
				case i >= 0 && checks[i].err == nil:
					t.State, t.Error = SlotFailed, "the publish was interrupted and the post is not among the account's recent posts: retry it by hand"
				default:
					t.State, t.Error = SlotUnknown, "the publish was interrupted and the platform cannot be checked: it may have gone out; a person decides"
					if i >= 0 {
						t.Error = "the publish was interrupted and checking the platform failed: a person decides"
					}
				}
			default:
				continue
			}
			changed = true
		}
		if !changed {
			return nil
		}
		sl.Updated = now
		if err := tx.PutSlot(sl); err != nil {
			return err
		}
		if !sl.Open() {
			if st := sl.State(); st == SlotFailed || st == SlotUnknown {
				p.Notices = append(p.Notices, PostNotice{At: now,
					Text: fmt.Sprintf("the slot of %s did not go out everywhere: see its targets", sl.At.Format(time.RFC3339))})
			}
			if !p.Recurring() && p.Next.IsZero() && p.State == PostScheduled {
				p.State = endState(sl.State())
			}
		}
		p.Updated = now
		return tx.PutPost(p)
	})
	if err != nil {
		return nil, fmt.Errorf("settle slot of post %d: %w", id, err)
	}
	return sl, nil
}
