package bot

import (
	"context"
	"slices"
	"time"
)

// A moderator may link followers who are one person (the same customer on
// Telegram and on Instagram). Each profile keeps the keys of the others
// (Follower.Linked), so a reply reads their interests and history together
// while consent, opt-outs and blocks stay with each channel's profile.

// maxLinked bounds a person's profiles: one per channel is the usual case.
const maxLinked = 8

// LinkFollowers links two followers as one person; each one's other links
// join too.
func (s *Actions) LinkFollowers(ctx context.Context, actor Actor, a, b FollowerKey) error {
	if a == b {
		return Errorf(EINVALID, "link: a follower is linked to another one")
	}
	return s.do(ctx, actor, "follower.link", "follower:"+a.String(), []Role{RoleModerator}, func(tx *actTx) (change, error) {
		group := []FollowerKey{}
		var profiles []*Follower
		for _, k := range []FollowerKey{a, b} {
			f, err := tx.Follower(k)
			if err != nil {
				return change{}, err
			}
			for _, m := range append([]FollowerKey{k}, f.Linked...) {
				if !slices.Contains(group, m) {
					group = append(group, m)
				}
			}
		}
		if len(group) > maxLinked {
			return change{}, Errorf(EINVALID, "link: a person has at most %d profiles", maxLinked)
		}
		for _, k := range group {
			f, err := tx.Follower(k)
			if ErrorCode(err) == ENOTFOUND {
				continue // erased since it was linked
			} else if err != nil {
				return change{}, err
			}
			profiles = append(profiles, f)
		}
		for _, f := range profiles {
			f.Linked = slices.DeleteFunc(slices.Clone(group), func(k FollowerKey) bool { return k == f.Key })
			if err := tx.PutFollower(f); err != nil {
				return change{}, err
			}
		}
		return change{after: map[string]any{"person": group}}, nil
	})
}

// UnlinkFollower takes a follower out of the person they were linked into.
func (s *Actions) UnlinkFollower(ctx context.Context, actor Actor, k FollowerKey) error {
	return s.do(ctx, actor, "follower.unlink", "follower:"+k.String(), []Role{RoleModerator}, func(tx *actTx) (change, error) {
		f, err := tx.Follower(k)
		if err != nil {
			return change{}, err
		}
		before := slices.Clone(f.Linked)
		for _, m := range f.Linked {
			o, err := tx.Follower(m)
			if ErrorCode(err) == ENOTFOUND {
				continue
			} else if err != nil {
				return change{}, err
			}
			o.Linked = slices.DeleteFunc(o.Linked, func(x FollowerKey) bool { return x == k })
			if err := tx.PutFollower(o); err != nil {
				return change{}, err
			}
		}
		f.Linked = nil
		return change{before: map[string]any{"linked": before}}, tx.PutFollower(f)
	})
}

// SetFollowerTZ records a follower's time zone (an IANA name such as
// "Europe/Berlin"; "" for the default, Asia/Tehran): campaigns reach them
// inside their send window there.
func (s *Actions) SetFollowerTZ(ctx context.Context, actor Actor, k FollowerKey, tz string) error {
	if tz != "" {
		if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
			return Errorf(EINVALID, "tz: %q is not a time zone name such as \"Asia/Tehran\" or \"Europe/Berlin\"", tz)
		}
	}
	return s.do(ctx, actor, "follower.tz", "follower:"+k.String(), []Role{RoleModerator, RolePR}, func(tx *actTx) (change, error) {
		f, err := tx.Follower(k)
		if err != nil {
			return change{}, err
		}
		before := map[string]string{"tz": f.TZ}
		f.TZ = tz
		return change{before: before, after: map[string]string{"tz": tz}}, tx.PutFollower(f)
	})
}

// Person is a follower with the profiles linked to them.
type Person struct {
	Follower *Follower   `json:"follower"`
	Linked   []*Follower `json:"linked,omitempty"`
}

// Person reads a follower's profile with the profiles linked to it. It
// shows profiles, so it takes a role that works with followers.
func (s *Actions) Person(ctx context.Context, actor Actor, k FollowerKey) (*Person, error) {
	if err := s.may(actor, "see followers", RoleModerator, RolePR, RoleSafety); err != nil {
		return nil, err
	}
	var p Person
	err := s.e.store.View(ctx, func(tx Tx) error {
		var err error
		if p.Follower, err = tx.Follower(k); err != nil {
			return err
		}
		p.Linked, err = linkedOf(tx, p.Follower)
		return err
	})
	return &p, err
}

// linkedOf loads the profiles linked to f (those erased since are left out).
func linkedOf(tx FollowerStore, f *Follower) ([]*Follower, error) {
	var out []*Follower
	for _, k := range f.Linked {
		o, err := tx.Follower(k)
		if ErrorCode(err) == ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// together is the profile a reply reads for a linked person: f with the
// interests, messages and first contact of the linked profiles folded in.
// It is never stored; consent and blocks stay f's own.
func together(f *Follower, linked []*Follower) *Follower {
	if len(linked) == 0 {
		return f
	}
	m := *f
	m.Interests = map[string]int{}
	m.InterestSeen = map[string]time.Time{}
	for _, p := range append([]*Follower{f}, linked...) {
		for k, n := range p.Interests {
			m.Interests[k] += n
		}
		for k, t := range p.InterestSeen {
			if t.After(m.InterestSeen[k]) {
				m.InterestSeen[k] = t
			}
		}
		if p != f {
			m.Messages += p.Messages
			if !p.FirstSeen.IsZero() && (m.FirstSeen.IsZero() || p.FirstSeen.Before(m.FirstSeen)) {
				m.FirstSeen = p.FirstSeen
			}
			if m.Name == "" {
				m.Name = p.Name
			}
		}
	}
	return &m
}

// personOf loads the profiles linked to f and whether any of the person's
// profiles has an open side-effect case: then nothing is offered to them
// on any channel.
func personOf(tx Tx, f *Follower) (linked []*Follower, openCase bool, err error) {
	if openCase, err = HasOpenCase(tx, f.Key); err != nil || len(f.Linked) == 0 {
		return nil, openCase, err
	}
	if linked, err = linkedOf(tx, f); err != nil {
		return nil, false, err
	}
	for _, l := range linked {
		if openCase {
			break
		}
		if openCase, err = HasOpenCase(tx, l.Key); err != nil {
			return nil, false, err
		}
	}
	return linked, openCase, nil
}
