package bot

import "time"

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
}

// Consent states.
type Consent string

const (
	ConsentUnknown Consent = ""
	ConsentGiven   Consent = "given"
	ConsentRevoked Consent = "revoked"
)

// moodWeight is the weight of the newest message in Mood.
const moodWeight = 0.3

// Observe folds one analysed inbound message into the profile.
func (f *Follower) Observe(e *Event, a Analysis, at time.Time) {
	if f.FirstSeen.IsZero() {
		f.FirstSeen = at
	}
	f.LastSeen = at
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
		f.Mood = a.Sentiment.Score
	} else {
		f.Mood = (1-moodWeight)*f.Mood + moodWeight*a.Sentiment.Score
	}
	for _, t := range append(append([]string(nil), a.Products...), a.Topics...) {
		if f.Interests == nil {
			f.Interests = map[string]int{}
		}
		f.Interests[t]++
	}
}

// SetConsent records a consent change.
func (f *Follower) SetConsent(c Consent, at time.Time) {
	f.Consent, f.ConsentAt = c, at
}

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
