package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Rule selects followers by their profile. Every field that is set must
// match (an empty rule matches everyone); a list field matches when the
// follower has every value in it.
type Rule struct {
	Platform string `json:"platform,omitempty"`
	Lang     string `json:"lang,omitempty"`
	// Interests the follower wrote about, all of them.
	Interests []string `json:"interests,omitempty"`
	// Trend of the mood: rising, falling or steady (Follower.Trend).
	Trend string `json:"trend,omitempty"`
	// MinMood and MaxMood bound the mood, in [-1, 1].
	MinMood *float64 `json:"min_mood,omitempty"`
	MaxMood *float64 `json:"max_mood,omitempty"`
	// LastContactWithin keeps followers who wrote within this long
	// ("72h", "30d"); InactiveFor those who have not written for it.
	LastContactWithin Duration `json:"last_contact_within,omitzero"`
	InactiveFor       Duration `json:"inactive_for,omitzero"`
	// MinMessages and MaxMessages bound how many messages they wrote
	// (MaxMessages 0 is no bound).
	MinMessages int `json:"min_messages,omitempty"`
	MaxMessages int `json:"max_messages,omitempty"`
	// Consent is given, revoked or unknown.
	Consent *Consent `json:"consent,omitempty"`
	// OpenCase keeps followers with (true) or without (false) an open
	// side-effect case.
	OpenCase *bool `json:"open_case,omitempty"`
}

// Duration is a time.Duration written as a string: Go's "90m", "72h", or
// a number of days "30d".
type Duration time.Duration

// MarshalJSON writes the duration as Go writes it.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "30d" or a Go duration.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return Errorf(EINVALID, "a duration is a string such as \"72h\" or \"30d\"")
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// ParseDuration reads "30d" or a Go duration ("72h", "90m").
func ParseDuration(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 36500 {
			return 0, Errorf(EINVALID, "duration %q: want a number of days such as \"30d\"", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, Errorf(EINVALID, "duration %q: want such as \"72h\" or \"30d\"", s)
	}
	return v, nil
}

// ParseRule reads a rule from JSON, refusing fields it does not know, so
// that a misspelt field is an error and not a rule that matches everyone.
func ParseRule(b []byte) (Rule, error) {
	var r Rule
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		if e, ok := err.(*Error); ok {
			return r, Errorf(EINVALID, "rule: %s", e.Message)
		}
		return r, Errorf(EINVALID, "rule: %v", err)
	}
	return r, r.Validate()
}

// Validate checks a rule, naming the field at fault.
func (r Rule) Validate() error {
	switch {
	case r.Platform != "" && !slices.Contains(knownPlatforms, r.Platform):
		return Errorf(EINVALID, "rule.platform: unknown platform %q", r.Platform)
	case r.Lang != "" && r.Lang != LangFa && r.Lang != LangEn:
		return Errorf(EINVALID, "rule.lang: want fa or en, got %q", r.Lang)
	case r.Trend != "" && r.Trend != TrendRising && r.Trend != TrendFalling && r.Trend != TrendSteady:
		return Errorf(EINVALID, "rule.trend: want rising, falling or steady, got %q", r.Trend)
	case r.MinMood != nil && (*r.MinMood < -1 || *r.MinMood > 1), r.MaxMood != nil && (*r.MaxMood < -1 || *r.MaxMood > 1):
		return Errorf(EINVALID, "rule.min_mood, rule.max_mood: a mood lies in [-1, 1]")
	case r.MinMessages < 0 || r.MaxMessages < 0:
		return Errorf(EINVALID, "rule.min_messages, rule.max_messages: not negative")
	case r.MaxMessages > 0 && r.MaxMessages < r.MinMessages:
		return Errorf(EINVALID, "rule.max_messages: below min_messages")
	case r.Consent != nil && *r.Consent != ConsentGiven && *r.Consent != ConsentRevoked && *r.Consent != "unknown":
		return Errorf(EINVALID, "rule.consent: want given, revoked or unknown, got %q", *r.Consent)
	}
	for _, i := range r.Interests {
		if strings.TrimSpace(i) == "" {
			return Errorf(EINVALID, "rule.interests: an empty interest")
		}
	}
	return nil
}

// consent is the rule's consent as the store's filter reads it.
func (r Rule) consent() *Consent {
	if r.Consent == nil {
		return nil
	}
	c := *r.Consent
	if c == "unknown" {
		c = ConsentUnknown
	}
	return &c
}

// Match reports whether a follower matches the rule at now; openCase says
// whether the follower has an open side-effect case (HasOpenCase).
func (r Rule) Match(f *Follower, openCase bool, now time.Time) bool {
	switch {
	case r.Platform != "" && f.Key.Platform != r.Platform,
		r.Lang != "" && f.Lang != r.Lang,
		r.Consent != nil && f.Consent != *r.consent(),
		r.OpenCase != nil && openCase != *r.OpenCase,
		f.Messages < r.MinMessages,
		r.MaxMessages > 0 && f.Messages > r.MaxMessages,
		r.MinMood != nil && f.Mood < *r.MinMood,
		r.MaxMood != nil && f.Mood > *r.MaxMood,
		r.LastContactWithin > 0 && now.Sub(f.LastSeen) > time.Duration(r.LastContactWithin),
		r.InactiveFor > 0 && now.Sub(f.LastSeen) < time.Duration(r.InactiveFor),
		r.Trend != "" && f.Trend() != r.Trend:
		return false
	}
	for _, i := range r.Interests {
		if f.Interests[i] == 0 {
			return false
		}
	}
	return true
}

// Segment is a named rule PR staff keep; who matches is computed when
// asked, never stored, so it follows the profiles.
type Segment struct {
	// ID is store-assigned: a decimal number as a string.
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Rule    Rule      `json:"rule"`
	Author  string    `json:"author"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Validate checks a segment as staff wrote it.
func (s *Segment) Validate() error {
	name := strings.TrimSpace(s.Name)
	switch {
	case name == "":
		return Errorf(EINVALID, "name: a segment needs a name")
	case !utf8.ValidString(name) || utf8.RuneCountInString(name) > 100:
		return Errorf(EINVALID, "name: at most 100 characters of valid UTF-8")
	}
	return s.Rule.Validate()
}

// SegmentStore is the segments' part of a transaction.
type SegmentStore interface {
	// AddSegment assigns s.ID and stores it.
	AddSegment(s *Segment) error
	// Segment returns a segment by id; ENOTFOUND when there is none.
	Segment(id string) (*Segment, error)
	// PutSegment stores a changed segment; it must exist.
	PutSegment(s *Segment) error
	// DeleteSegment removes a segment; ENOTFOUND when there is none.
	DeleteSegment(id string) error
	// Segments lists every segment by id.
	Segments() ([]*Segment, error)
}

// HasOpenCase reports whether a follower has an open side-effect case.
func HasOpenCase(tx CaseStore, k FollowerKey) (bool, error) {
	cases, err := tx.Cases(CaseFilter{Follower: &k})
	if err != nil {
		return false, err
	}
	for _, c := range cases {
		if c.Status == CaseOpen {
			return true, nil
		}
	}
	return false, nil
}

// segmentPage is how many profiles one read transaction of a segment
// walk takes: small enough not to pin the store's pages for long.
const segmentPage = 4096

// EachInSegment calls fn with every follower the rule matches at now, in
// key order, until fn returns false. The store's indexed filters
// (platform, language, consent) choose the candidates; the rest of the
// rule is matched on each. It reads in pages of their own transactions,
// so a long walk never holds the store; a profile changed during the
// walk is seen as it was when its page was read. Campaigns and surveys
// walk their recipients with it.
func (e *Engine) EachInSegment(ctx context.Context, r Rule, now time.Time, fn func(f *Follower) bool) error {
	if err := r.Validate(); err != nil {
		return err
	}
	var open map[FollowerKey]bool
	filter := FollowerFilter{Platform: r.Platform, Lang: r.Lang, Consent: r.consent(), Limit: segmentPage}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var page []*Follower
		err := e.store.View(ctx, func(tx Tx) error {
			if r.OpenCase != nil && open == nil {
				open = map[FollowerKey]bool{}
				cases, err := tx.Cases(CaseFilter{Status: CaseOpen})
				if err != nil {
					return err
				}
				for _, c := range cases {
					open[c.Follower] = true
				}
			}
			var err error
			page, err = tx.Followers(filter)
			return err
		})
		if err != nil {
			return fmt.Errorf("segment: %w", err)
		}
		for _, f := range page {
			if r.Match(f, open[f.Key], now) && !fn(f) {
				return nil
			}
		}
		if len(page) < segmentPage {
			return nil
		}
		filter.After = page[len(page)-1].Key
	}
}

// EachReachable is EachInSegment over the followers of the rule who may
// receive campaigns and surveys (Follower.Reachable): those who opted in.
// A rule that asks for another consent state reaches nobody. Every sender
// to a segment walks it through here, so an opted-out follower is never a
// recipient.
func (e *Engine) EachReachable(ctx context.Context, r Rule, now time.Time, fn func(f *Follower) bool) error {
	if r.Consent != nil && *r.Consent != ConsentGiven {
		return r.Validate()
	}
	given := ConsentGiven
	r.Consent = &given
	return e.EachInSegment(ctx, r, now, func(f *Follower) bool {
		return !f.Reachable() || fn(f)
	})
}

// refreshSegments reads the segments for segmentsOf now, after a change;
// the campaign runner reads them every second too.
func (e *Engine) refreshSegments(ctx context.Context) {
	if err := e.loadSegments(ctx); err != nil {
		e.log.Warn("segments: read", "err", err)
	}
}

// loadSegments reads the segments into segs. Reads and stores take
// turns, so the last stored is the last read.
func (e *Engine) loadSegments(ctx context.Context) error {
	e.segsMu.Lock()
	defer e.segsMu.Unlock()
	var segs []*Segment
	if err := e.store.View(ctx, func(tx Tx) (err error) {
		segs, err = tx.Segments()
		return err
	}); err != nil {
		return err
	}
	e.segs.Store(&segs)
	return nil
}

// segmentsOf names the segments a follower is in now, for templates
// written for a segment; the segments are those the runner read last
// (within a second).
func (e *Engine) segmentsOf(f *Follower, openCase bool, now time.Time) []string {
	p := e.segs.Load()
	if p == nil {
		return nil
	}
	var out []string
	for _, s := range *p {
		if s.Rule.Match(f, openCase, now) {
			out = append(out, s.Name)
		}
	}
	return out
}

// SegmentCount is how many followers a rule matches, with the first of
// them as a sample.
type SegmentCount struct {
	Count  int         `json:"count"`
	Sample []*Follower `json:"sample,omitempty"`
}

// CountSegment counts the followers a rule matches now and keeps up to
// sample of them.
func (e *Engine) CountSegment(ctx context.Context, r Rule, sample int) (SegmentCount, error) {
	var out SegmentCount
	err := e.EachInSegment(ctx, r, e.now(), func(f *Follower) bool {
		out.Count++
		if len(out.Sample) < sample {
			out.Sample = append(out.Sample, f)
		}
		return true
	})
	return out, err
}

// SegmentView is a segment with who matches it now.
type SegmentView struct {
	*Segment
	SegmentCount
}

func segmentTarget(id string) string { return "segment:" + id }

// CreateSegment stores a new segment and counts it.
func (s *Actions) CreateSegment(ctx context.Context, actor Actor, seg *Segment) (SegmentView, error) {
	seg.Name = strings.TrimSpace(seg.Name)
	if err := seg.Validate(); err != nil {
		return SegmentView{}, err
	}
	err := s.do(ctx, actor, "segment.create", "segment", []Role{RolePR}, func(tx *actTx) (change, error) {
		now := s.e.now()
		seg.Author, seg.Created, seg.Updated = actor.Name, now, now
		if err := tx.AddSegment(seg); err != nil {
			return change{}, err
		}
		return change{after: seg}, nil
	})
	if err != nil {
		return SegmentView{}, err
	}
	s.e.refreshSegments(ctx) // the replies' segments
	c, err := s.e.CountSegment(ctx, seg.Rule, 0)
	return SegmentView{Segment: seg, SegmentCount: c}, err
}

// EditSegment changes a segment's name and rule.
func (s *Actions) EditSegment(ctx context.Context, actor Actor, id string, name string, r Rule) (SegmentView, error) {
	seg := &Segment{ID: id, Name: strings.TrimSpace(name), Rule: r}
	if err := seg.Validate(); err != nil {
		return SegmentView{}, err
	}
	err := s.do(ctx, actor, "segment.edit", segmentTarget(id), []Role{RolePR}, func(tx *actTx) (change, error) {
		old, err := tx.Segment(id)
		if err != nil {
			return change{}, err
		}
		x := *old
		x.Name, x.Rule, x.Updated = seg.Name, r, s.e.now()
		*seg = x
		return change{before: old, after: seg}, tx.PutSegment(seg)
	})
	if err != nil {
		return SegmentView{}, err
	}
	s.e.refreshSegments(ctx) // the replies' segments
	c, err := s.e.CountSegment(ctx, seg.Rule, 0)
	return SegmentView{Segment: seg, SegmentCount: c}, err
}

// DeleteSegment removes a segment. A segment that a campaign still
// targets (draft, running or paused) is refused with ECONFLICT naming the
// campaigns: a draft could no longer start, and staff reading a running
// campaign would find its segment gone. Cancelling the campaign, or its
// ending, frees the segment.
func (s *Actions) DeleteSegment(ctx context.Context, actor Actor, id string) error {
	err := s.do(ctx, actor, "segment.delete", segmentTarget(id), []Role{RolePR}, func(tx *actTx) (change, error) {
		old, err := tx.Segment(id)
		if err != nil {
			return change{}, err
		}
		if err := segmentInUse(tx, old); err != nil {
			return change{}, err
		}
		return change{before: old}, tx.DeleteSegment(id)
	})
	if err == nil {
		s.e.refreshSegments(ctx) // the replies' segments
	}
	return err
}

// segmentInUse refuses a segment that a draft, running or paused
// campaign targets, naming each such campaign.
func segmentInUse(tx Tx, seg *Segment) error {
	cs, err := tx.Campaigns()
	if err != nil {
		return err
	}
	var users []string
	for _, c := range cs {
		if c.Segment == seg.ID && slices.Contains([]CampaignState{CampaignDraft, CampaignRunning, CampaignPaused}, c.State) {
			users = append(users, fmt.Sprintf("%s %q (%s)", c.ID, c.Name, c.State))
		}
	}
	switch len(users) {
	case 0:
		return nil
	case 1:
		return Errorf(ECONFLICT, "segment %s %q: campaign %s targets it; cancel the campaign or let it finish first",
			seg.ID, seg.Name, users[0])
	}
	return Errorf(ECONFLICT, "segment %s %q: campaigns %s target it; cancel them or let them finish first",
		seg.ID, seg.Name, strings.Join(users, ", "))
}

// Segments lists the segments, each with its count now.
func (s *Actions) Segments(ctx context.Context, actor Actor) ([]SegmentView, error) {
	if err := s.may(actor, "see segments", Roles...); err != nil {
		return nil, err
	}
	var segs []*Segment
	if err := s.e.store.View(ctx, func(tx Tx) (err error) {
		segs, err = tx.Segments()
		return err
	}); err != nil {
		return nil, err
	}
	out := make([]SegmentView, 0, len(segs))
	for _, seg := range segs {
		c, err := s.e.CountSegment(ctx, seg.Rule, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, SegmentView{Segment: seg, SegmentCount: c})
	}
	return out, nil
}

// Segment reads one segment with its count and up to sample matching
// followers. The sample shows profiles, so it takes a role that works with
// followers (pr, moderator); others see the count only.
func (s *Actions) Segment(ctx context.Context, actor Actor, id string, sample int) (SegmentView, error) {
	if err := s.may(actor, "see segments", Roles...); err != nil {
		return SegmentView{}, err
	}
	if !actor.Can(RolePR, RoleModerator) {
		sample = 0
	}
	var seg *Segment
	if err := s.e.store.View(ctx, func(tx Tx) (err error) {
		seg, err = tx.Segment(id)
		return err
	}); err != nil {
		return SegmentView{}, err
	}
	c, err := s.e.CountSegment(ctx, seg.Rule, sample)
	return SegmentView{Segment: seg, SegmentCount: c}, err
}

// PreviewSegment counts a rule that is not kept, with up to sample
// matching followers: staff see who a rule matches while writing it.
func (s *Actions) PreviewSegment(ctx context.Context, actor Actor, r Rule, sample int) (SegmentCount, error) {
	if err := s.may(actor, "preview segments", RolePR); err != nil {
		return SegmentCount{}, err
	}
	return s.e.CountSegment(ctx, r, sample)
}
