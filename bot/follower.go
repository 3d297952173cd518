package bot

import (
	"cmp"
	"slices"
	"time"
)

// FollowerKey identifies a follower on one platform.
type FollowerKey struct {
	Platform string `json:"platform"`
	UserID   string `json:"user_id"`
}

// String returns "<platform>:<user id>".
func (k FollowerKey) String() string { return k.Platform + ":" + k.UserID }

// Follower is what we know of one person: the profile that personalises
// replies and campaigns.
type Follower struct {
	Key      FollowerKey `json:"key"`
	Name     string      `json:"name,omitempty"`
	Username string      `json:"username,omitempty"`
	// Lang is the language the follower writes in most recently.
	Lang      string    `json:"lang,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Messages  int       `json:"messages"`
	// Mood is an exponentially weighted average of message sentiment in
	// [-1, 1]; recent messages weigh more, so it follows a change of heart.
	Mood float64 `json:"mood"`
	// Interests counts topics and products the follower wrote about.
	Interests map[string]int `json:"interests,omitempty"`
	// Consent is whether the follower may receive campaigns and surveys.
	Consent   Consent   `json:"consent"`
	ConsentAt time.Time `json:"consent_at,omitzero"`
	// ConsentVia is the channel consent was given or withdrawn through:
	// an account ("telegram.support") for words the follower wrote, or
	// "staff:<name>" for a change a person recorded.
	ConsentVia string `json:"consent_via,omitempty"`
	// MoodSlow is a slower average of the same sentiment (moodSlowWeight):
	// Mood against it gives the trend, so one bad message after many good
	// ones reads as falling before the average itself turns negative.
	MoodSlow float64 `json:"mood_slow,omitempty"`
	// InterestSeen is when each interest was last written about.
	InterestSeen map[string]time.Time `json:"interest_seen,omitempty"`
	// TZ is the follower's time zone (an IANA name); "" is DefaultTZ.
	TZ string `json:"tz,omitempty"`
	// Muted: a moderator stopped the bot's automatic replies to this
	// follower (spam, abuse). Their messages are still stored, analysed and
	// flagged: a side-effect report must still reach the safety staff.
	Muted bool `json:"muted,omitempty"`
	// Blocked: muted, and left out of every campaign, survey and event.
	Blocked bool `json:"blocked,omitempty"`
	// Chats are the follower's private conversations with our accounts:
	// where a campaign can reach them, and when they last wrote there
	// (Meta allows messages only within a window after that).
	Chats []PrivateChat `json:"chats,omitempty"`
	// Linked are the other profiles of the same person, linked by a
	// moderator (see LinkFollowers).
	Linked []FollowerKey `json:"linked,omitempty"`
}

// PrivateChat is a follower's private conversation with one account.
type PrivateChat struct {
	Account string    `json:"account"` // "<platform>.<account>"
	Chat    string    `json:"chat"`
	At      time.Time `json:"at"`
}

// Chat returns the follower's private chat with an account.
func (f *Follower) Chat(account string) (PrivateChat, bool) {
	for _, c := range f.Chats {
		if c.Account == account {
			return c, true
		}
	}
	return PrivateChat{}, false
}

// DefaultTZ is the time zone of a follower who has not told theirs.
const DefaultTZ = "Asia/Tehran"

// Trend directions of a follower's mood.
const (
	TrendRising  = "rising"
	TrendFalling = "falling"
	TrendSteady  = "steady"
)

// trendBand is how far the fast mood must move from the slow one to count
// as a change: sentiment scores jitter by about 0.1 between neutral
// messages.
const trendBand = 0.15

// Trend is the direction of the follower's mood: the fast average against
// the slow one. A follower with fewer than two messages is steady.
func (f *Follower) Trend() string {
	switch d := f.Mood - f.MoodSlow; {
	case f.Messages < 2:
		return TrendSteady
	case d >= trendBand:
		return TrendRising
	case d <= -trendBand:
		return TrendFalling
	}
	return TrendSteady
}

// TurnedNegative reports a follower whose recent messages are negative:
// the mood is below zero and falling, or clearly negative.
func (f *Follower) TurnedNegative() bool {
	return f.Messages > 1 && (f.Mood <= -0.25 || (f.Mood < 0 && f.Trend() == TrendFalling))
}

// Location is the follower's time zone, DefaultTZ when unset or unknown.
func (f *Follower) Location() *time.Location {
	for _, name := range []string{f.TZ, DefaultTZ} {
		if name == "" {
			continue
		}
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.FixedZone("+0330", 3*3600+1800) // Tehran without a zone database
}

// TopInterests lists the follower's interests, most written about first,
// the more recent first among equal counts, then by name.
func (f *Follower) TopInterests() []string {
	out := make([]string, 0, len(f.Interests))
	for k := range f.Interests {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b string) int {
		if c := cmp.Compare(f.Interests[b], f.Interests[a]); c != 0 {
			return c
		}
		if c := f.InterestSeen[b].Compare(f.InterestSeen[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return out
}

// Consent states.
type Consent string

const (
	ConsentUnknown Consent = ""
	ConsentGiven   Consent = "given"
	ConsentRevoked Consent = "revoked"
)

// moodWeight is the weight of the newest message in Mood, and
// moodSlowWeight in MoodSlow.
const (
	moodWeight     = 0.3
	moodSlowWeight = 0.1
)

// Observe folds one analysed inbound message into the profile.
func (f *Follower) Observe(e *Event, a Analysis, at time.Time) {
	if f.FirstSeen.IsZero() {
		f.FirstSeen = at
	}
	f.LastSeen = at
	if e.ChatType == ChatPrivate && e.Chat != "" {
		acct := e.AccountKey()
		i := slices.IndexFunc(f.Chats, func(c PrivateChat) bool { return c.Account == acct })
		if i < 0 {
			f.Chats = append(f.Chats, PrivateChat{Account: acct})
			i = len(f.Chats) - 1
		}
		f.Chats[i].Chat, f.Chats[i].At = e.Chat, at
	}
	if e.From.Name != "" {
		f.Name = e.From.Name
	}
	if e.From.Username != "" {
		f.Username = e.From.Username
	}
	if e.Text == "" {
		return
	}
	f.Messages++
	if a.Lang == LangFa || a.Lang == LangEn {
		f.Lang = a.Lang
	}
	if f.Messages == 1 {
		f.Mood, f.MoodSlow = a.Sentiment.Score, a.Sentiment.Score
	} else {
		f.Mood = (1-moodWeight)*f.Mood + moodWeight*a.Sentiment.Score
		f.MoodSlow = (1-moodSlowWeight)*f.MoodSlow + moodSlowWeight*a.Sentiment.Score
	}
	seen := map[string]bool{}
	for _, t := range append(append([]string(nil), a.Products...), a.Topics...) {
		if seen[t] {
			continue // once per message, however often it names it
		}
		seen[t] = true
		if f.Interests == nil {
			f.Interests = map[string]int{}
		}
		if f.InterestSeen == nil {
			f.InterestSeen = map[string]time.Time{}
		}
		f.Interests[t]++
		f.InterestSeen[t] = at
	}
}

// SetConsent records a consent change.
func (f *Follower) SetConsent(c Consent, at time.Time) {
	f.Consent, f.ConsentAt = c, at
}

// SetConsentVia records a consent change with the channel it came through.
func (f *Follower) SetConsentVia(c Consent, at time.Time, via string) {
	f.Consent, f.ConsentAt, f.ConsentVia = c, at, via
}

// Reachable reports whether campaigns and surveys may go to the follower:
// only to those who opted in and were not blocked. Campaigns, surveys and segments that send
// all ask this one question.
func (f *Follower) Reachable() bool { return f.Consent == ConsentGiven && !f.Blocked }

// FollowerStore is the followers' part of a transaction.
type FollowerStore interface {
	Follower(k FollowerKey) (*Follower, error)
	PutFollower(f *Follower) error
	Followers(filter FollowerFilter) ([]*Follower, error)
	// DeleteFollower erases a follower's profile, messages and sentiment
	// records (erasure on request).
	DeleteFollower(k FollowerKey) error
}

// FollowerFilter selects followers. Zero fields match all.
type FollowerFilter struct {
	Platform string
	Lang     string
	// Consent selects by consent state when not nil.
	Consent *Consent
	// After continues a listing after this key.
	After FollowerKey
	Limit int
}
