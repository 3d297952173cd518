package bot

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CampaignKind is what a campaign sends: a message, a survey question, or
// an invitation to an event.
type CampaignKind string

const (
	CampaignMessage CampaignKind = "message"
	CampaignSurvey  CampaignKind = "survey"
	CampaignEvent   CampaignKind = "event"
)

// CampaignState is where a campaign is: draft -> running <-> paused ->
// done, or cancelled from any state before done.
type CampaignState string

const (
	CampaignDraft     CampaignState = "draft"
	CampaignRunning   CampaignState = "running"
	CampaignPaused    CampaignState = "paused"
	CampaignDone      CampaignState = "done"
	CampaignCancelled CampaignState = "cancelled"
)

// Variant is one version of a campaign's message (A/B): an inline
// template text or a named template.
type Variant struct {
	Name     string `json:"name"`
	Text     string `json:"text,omitempty"`
	Template string `json:"template,omitempty"`
}

// Survey is a campaign's question. On Telegram and Rubika it goes out as
// a native poll; elsewhere as numbered choices with buttons, and a
// follower may also answer with the number.
type Survey struct {
	Question string   `json:"question"`
	Options  []string `json:"options"`
}

// CampaignEventInfo is what an event invitation says; followers answer yes
// or no, and those who said yes get a reminder Remind before At.
type CampaignEventInfo struct {
	Title  string    `json:"title"`
	At     time.Time `json:"at"`
	Place  string    `json:"place,omitempty"`
	Link   string    `json:"link,omitempty"`
	Remind Duration  `json:"remind,omitzero"`
}

// Progress counts a campaign's recipients; the counts add up to the
// recipients targeted. Pending are those not yet sent (waiting for their
// send window or in the outbox); Failed includes items whose delivery is
// unknown, which wait for a person.
type Progress struct {
	Targeted int            `json:"targeted"`
	Sent     int            `json:"sent"`
	Failed   int            `json:"failed"`
	Pending  int            `json:"pending"`
	Skipped  map[string]int `json:"skipped"`
}

// VariantStats compare the variants of a campaign: how many received it,
// replied within ReplyWindow, opted out, and the mean sentiment of the
// replies.
type VariantStats struct {
	Sent      int     `json:"sent"`
	Replies   int     `json:"replies"`
	OptOuts   int     `json:"opt_outs"`
	Sentiment float64 `json:"sentiment_sum"`
	// ReplyRate, OptOutRate and MeanSentiment are derived when read.
	ReplyRate     float64 `json:"reply_rate"`
	OptOutRate    float64 `json:"opt_out_rate"`
	MeanSentiment float64 `json:"mean_sentiment"`
}

// ReplyWindow is how long after a campaign message a follower's message
// counts as a reply to it.
const ReplyWindow = 72 * time.Hour

// Campaign is a personalized send to a segment.
type Campaign struct {
	// ID is store-assigned: a decimal number as a string.
	ID   string       `json:"id"`
	Name string       `json:"name"`
	Kind CampaignKind `json:"kind"`
	// Segment is the id of the segment whose followers are targeted;
	// only those on the platforms of Accounts are.
	Segment string `json:"segment"`
	// Rule is the segment's rule as it was when the campaign started.
	Rule Rule `json:"rule"`
	// Accounts are the accounts it sends from ("telegram.support").
	Accounts []string `json:"accounts"`
	// Text is an inline template, Template a named one; Variants, when
	// given, replace both for A/B tests.
	Text     string    `json:"text,omitempty"`
	Template string    `json:"template,omitempty"`
	Variants []Variant `json:"variants,omitempty"`
	// Window is the daily send window in each follower's time zone,
	// "08:00-21:00" by default.
	Window string             `json:"window"`
	Survey *Survey            `json:"survey,omitempty"`
	Event  *CampaignEventInfo `json:"event,omitempty"`
	// Data is passed to the template as .Data.
	Data map[string]string `json:"data,omitempty"`

	State    CampaignState `json:"state"`
	Progress Progress      `json:"progress"`
	// Stats are per variant, by name.
	Stats map[string]*VariantStats `json:"stats,omitempty"`
	// Answers count survey answers (or event yes/no) per option.
	Answers []int `json:"answers,omitempty"`

	// Listed is set once every recipient is recorded; Cursor is the last
	// follower listed, from which a restart continues.
	Listed bool        `json:"listed,omitempty"`
	Cursor FollowerKey `json:"cursor,omitzero"`
	// Queued counts recipients whose item is in the outbox, not settled.
	Queued int `json:"queued"`
	// Standing marks a survey that never ends (the CSAT question that
	// may follow a resolved thread).
	Standing bool `json:"standing,omitempty"`
	Reminded bool `json:"reminded,omitempty"`

	Author   string    `json:"author"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
}

// DefaultWindow is the send window of a campaign that names none: no
// messages at night.
const DefaultWindow = "08:00-21:00"

// Window is a daily span of local time, [From, To) in minutes after
// midnight; To before From wraps past midnight.
type Window struct{ From, To int }

// ParseWindow reads "HH:MM-HH:MM".
func ParseWindow(s string) (Window, error) {
	from, to, ok := strings.Cut(strings.TrimSpace(s), "-")
	var w Window
	var err1, err2 error
	w.From, err1 = clockMinutes(from)
	w.To, err2 = clockMinutes(to)
	if !ok || err1 != nil || err2 != nil || w.From == w.To {
		return Window{}, Errorf(EINVALID, "window: want \"HH:MM-HH:MM\" such as %q, got %q", DefaultWindow, s)
	}
	return w, nil
}

func clockMinutes(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return hh*60 + mm, nil
}

// Contains reports whether t, read in its own location, is in the window.
func (w Window) Contains(t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	if w.From < w.To {
		return m >= w.From && m < w.To
	}
	return m >= w.From || m < w.To
}

// Next is t when it is in the window, else the window's next opening.
func (w Window) Next(t time.Time) time.Time {
	if w.Contains(t) {
		return t
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	open := day.Add(time.Duration(w.From) * time.Minute)
	if !open.After(t) {
		open = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, t.Location()).Add(time.Duration(w.From) * time.Minute)
	}
	return open
}

// variants are the campaign's variants: the given ones, or one named "A"
// of Text and Template.
func (c *Campaign) variants() []Variant {
	if len(c.Variants) > 0 {
		return c.Variants
	}
	return []Variant{{Name: "A", Text: c.Text, Template: c.Template}}
}

// VariantFor assigns a follower one variant, the same on every call: a
// hash of the campaign and the follower, so a restart assigns the same.
func (c *Campaign) VariantFor(k FollowerKey) Variant {
	vs := c.variants()
	h := fnv.New32a()
	h.Write([]byte(c.ID + "\x00" + k.String()))
	return vs[int(h.Sum32()%uint32(len(vs)))]
}

// Options are the answers a recipient may give: the survey's options, or
// yes and no for an event.
func (c *Campaign) Options() []string {
	switch {
	case c.Survey != nil:
		return c.Survey.Options
	case c.Kind == CampaignEvent:
		return []string{"yes", "no"}
	}
	return nil
}

// Validate checks a campaign as staff wrote it, naming the field at fault.
func (c *Campaign) Validate() error {
	name := strings.TrimSpace(c.Name)
	switch {
	case name == "":
		return Errorf(EINVALID, "name: a campaign needs a name")
	case !utf8.ValidString(c.Name) || utf8.RuneCountInString(name) > 200:
		return Errorf(EINVALID, "name: at most 200 characters of valid UTF-8")
	case c.Segment == "":
		return Errorf(EINVALID, "segment: the id of the segment to send to is required")
	case len(c.Accounts) == 0:
		return Errorf(EINVALID, "accounts: at least one account, such as \"telegram.support\"")
	}
	platforms := map[string]bool{}
	for _, a := range c.Accounts {
		p, _, ok := SplitAccountKey(a)
		if !ok {
			return Errorf(EINVALID, "accounts: %q is not <platform>.<account>", a)
		}
		if platforms[p] {
			return Errorf(EINVALID, "accounts: two accounts of %s; a follower is reached through one", p)
		}
		platforms[p] = true
	}
	switch c.Kind {
	case CampaignMessage:
	case CampaignSurvey:
		if c.Survey == nil {
			return Errorf(EINVALID, "survey: a survey campaign needs a question and options")
		}
		if err := c.Survey.validate(); err != nil {
			return err
		}
	case CampaignEvent:
		if c.Event == nil || strings.TrimSpace(c.Event.Title) == "" || c.Event.At.IsZero() {
			return Errorf(EINVALID, "event: an event campaign needs a title and a time (at)")
		}
	default:
		return Errorf(EINVALID, "kind: want message, survey or event, got %q", c.Kind)
	}
	if c.Kind != CampaignSurvey && c.Survey != nil {
		return Errorf(EINVALID, "survey: only for kind survey")
	}
	if _, err := ParseWindow(c.Window); err != nil {
		return err
	}
	names := map[string]bool{}
	for i, v := range c.Variants {
		switch {
		case strings.TrimSpace(v.Name) == "":
			return Errorf(EINVALID, "variants[%d].name: a variant needs a name", i)
		case names[v.Name]:
			return Errorf(EINVALID, "variants[%d].name: %q twice", i, v.Name)
		case v.Text == "" && v.Template == "":
			return Errorf(EINVALID, "variants[%d]: a text or a template", i)
		}
		names[v.Name] = true
	}
	if len(c.Variants) == 0 && c.Text == "" && c.Template == "" && c.Kind == CampaignMessage {
		return Errorf(EINVALID, "text: a message campaign needs a text or a template")
	}
	return nil
}

func (s *Survey) validate() error {
	switch {
	case strings.TrimSpace(s.Question) == "" || utf8.RuneCountInString(s.Question) > 300:
		return Errorf(EINVALID, "survey.question: 1 to 300 characters")
	case len(s.Options) < 2 || len(s.Options) > 10:
		return Errorf(EINVALID, "survey.options: 2 to 10 options")
	}
	for i, o := range s.Options {
		if strings.TrimSpace(o) == "" || utf8.RuneCountInString(o) > 100 {
			return Errorf(EINVALID, "survey.options[%d]: 1 to 100 characters", i)
		}
	}
	return nil
}

// RecipientState is one recipient's way through a campaign:
// pending -> queued -> sent | failed, or skipped with a reason.
type RecipientState string

const (
	RecipientPending RecipientState = "pending"
	RecipientQueued  RecipientState = "queued"
	RecipientSent    RecipientState = "sent"
	RecipientFailed  RecipientState = "failed"
	RecipientSkipped RecipientState = "skipped"
)

// Reasons a recipient is skipped.
const (
	SkipNoConsent    = "no_consent"
	SkipOptedOut     = "opted_out"
	SkipBlocked      = "blocked"
	SkipOpenCase     = "open_case"
	SkipNotStarted   = "not_started"        // Telegram, Rubika, web chat: never wrote to the bot in private
	SkipNoDM         = "dm_not_allowed"     // X: no DM conversation with us
	SkipMetaWindow   = "outside_24h_window" // Meta: no message within the messaging window
	SkipRefused      = "platform_refused"   // the adapter says the platform would refuse it
	SkipRenderFailed = "render_failed"
	SkipCancelled    = "cancelled"
)

// Recipient is one follower targeted by a campaign.
type Recipient struct {
	Campaign string      `json:"campaign"`
	Follower FollowerKey `json:"follower"`
	Variant  string      `json:"variant"`
	// Account and Chat are where the message goes: the follower's private
	// chat with the account.
	Account string         `json:"account,omitempty"`
	Chat    string         `json:"chat,omitempty"`
	State   RecipientState `json:"state"`
	Reason  string         `json:"reason,omitempty"`
	// Due is when a pending recipient may be sent to: now, or the opening
	// of their send window.
	Due      time.Time `json:"due,omitzero"`
	Outbound uint64    `json:"outbound,omitempty"`
	SentAt   time.Time `json:"sent_at,omitzero"`
	// Replied and OptedOut are set by the follower's first message and
	// opt-out within ReplyWindow of SentAt.
	Replied   bool    `json:"replied,omitempty"`
	Sentiment float64 `json:"sentiment,omitempty"`
	OptedOut  bool    `json:"opted_out,omitempty"`
	// Answer is the chosen option's index + 1 (0: none yet).
	Answer     int       `json:"answer,omitempty"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	Reminded   bool      `json:"reminded,omitempty"`
}

// CampaignStore is the campaigns' part of a transaction.
type CampaignStore interface {
	// AddCampaign assigns c.ID and stores it.
	AddCampaign(c *Campaign) error
	// Campaign returns a campaign by id; ENOTFOUND when there is none.
	Campaign(id string) (*Campaign, error)
	PutCampaign(c *Campaign) error
	// Campaigns lists every campaign by id.
	Campaigns() ([]*Campaign, error)
	// PutRecipient stores a recipient, keeping the index of pending
	// recipients by Due in step.
	PutRecipient(r *Recipient) error
	// Recipient returns one; ENOTFOUND when the follower is not one.
	Recipient(campaign string, f FollowerKey) (*Recipient, error)
	// Recipients lists a campaign's recipients in follower order after a key.
	Recipients(campaign string, after FollowerKey, limit int) ([]*Recipient, error)
	// DueRecipients lists pending recipients with Due at or before until,
	// earliest first.
	DueRecipients(campaign string, until time.Time, limit int) ([]*Recipient, error)
	// PutPollRef records which campaign a native poll (by its platform id)
	// belongs to; PollRef reads it (ENOTFOUND when unknown).
	PutPollRef(platform, pollID, campaign string) error
	PollRef(platform, pollID string) (string, error)
	// SetLastCampaign records the campaign that last reached a follower;
	// LastCampaign reads it ("" when none).
	SetLastCampaign(f FollowerKey, campaign string, at time.Time) error
	LastCampaign(f FollowerKey) (campaign string, at time.Time, err error)
}

// count moves a recipient's count from its old state (nil: new) to its new
// one, keeping Progress adding up to Targeted.
func (c *Campaign) count(old, r *Recipient) {
	if c.Progress.Skipped == nil {
		c.Progress.Skipped = map[string]int{}
	}
	if old == nil {
		c.Progress.Targeted++
	} else {
		c.tally(old, -1)
	}
	c.tally(r, +1)
}

func (c *Campaign) tally(r *Recipient, n int) {
	switch r.State {
	case RecipientPending:
		c.Progress.Pending += n
	case RecipientQueued:
		c.Progress.Pending += n
		c.Queued += n
	case RecipientSent:
		c.Progress.Sent += n
	case RecipientFailed:
		c.Progress.Failed += n
	case RecipientSkipped:
		c.Progress.Skipped[r.Reason] += n
		if c.Progress.Skipped[r.Reason] == 0 {
			delete(c.Progress.Skipped, r.Reason)
		}
	}
}

// stats returns the variant's stats, made on first use.
func (c *Campaign) stats(variant string) *VariantStats {
	if c.Stats == nil {
		c.Stats = map[string]*VariantStats{}
	}
	s := c.Stats[variant]
	if s == nil {
		s = &VariantStats{}
		c.Stats[variant] = s
	}
	return s
}

// derive fills the rates of the variant stats for a reader.
func (c *Campaign) derive() {
	for _, s := range c.Stats {
		s.ReplyRate, s.OptOutRate, s.MeanSentiment = 0, 0, 0
		if s.Sent > 0 {
			s.ReplyRate = float64(s.Replies) / float64(s.Sent)
			s.OptOutRate = float64(s.OptOuts) / float64(s.Sent)
		}
		if s.Replies > 0 {
			s.MeanSentiment = s.Sentiment / float64(s.Replies)
		}
	}
}

// accountFor is the campaign's account on a platform.
func (c *Campaign) accountFor(platform string) (string, bool) {
	i := slices.IndexFunc(c.Accounts, func(a string) bool {
		p, _, _ := SplitAccountKey(a)
		return p == platform
	})
	if i < 0 {
		return "", false
	}
	return c.Accounts[i], true
}

// campaignSource is the outbox Source of a campaign's items.
func campaignSource(id string) string { return "campaign:" + id }

// campaignOf reads the campaign id of an outbox Source.
func campaignOf(source string) (string, bool) {
	return strings.CutPrefix(source, "campaign:")
}

func campaignTarget(id string) string { return "campaign:" + id }
