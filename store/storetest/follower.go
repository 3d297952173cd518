package storetest

import (
	"fmt"
	"testing"
	"time"

	"engagebot/bot"
)

func follower(platform, id string) *bot.Follower {
	return &bot.Follower{
		Key:       bot.FollowerKey{Platform: platform, UserID: id},
		Name:      "Sara " + id,
		Username:  "sara" + id,
		Lang:      bot.LangFa,
		FirstSeen: base,
		LastSeen:  base.Add(time.Hour),
		Messages:  3,
		Mood:      -0.25,
		Interests: map[string]int{"vitamins": 2, "skin": 1},
		Muted:     true, // kept like every other field
	}
}

func followerKeys(list []*bot.Follower) []string {
	return ids(list, func(f *bot.Follower) string { return f.Key.String() })
}

func testFollower(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		f := follower("telegram", "1")
		f.SetConsent(bot.ConsentGiven, base.Add(time.Minute))
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutFollower(f) })
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Follower(f.Key)
			equal(t, "follower", got, f)
			return err
		})
	})

	t.Run("Replace", func(t *testing.T) {
		s := open(t)
		f := follower("telegram", "1")
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutFollower(f) })
		f.Mood, f.Interests = 0.5, nil
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutFollower(f) })
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Follower(f.Key)
			equal(t, "follower", got, f)
			list, _ := tx.Followers(bot.FollowerFilter{})
			equal(t, "followers", len(list), 1)
			return err
		})
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutFollower(follower("telegram", "1")) })
		mustView(t, s, func(tx bot.Tx) error {
			// Same user id on another platform is another person.
			_, err := tx.Follower(bot.FollowerKey{Platform: "x", UserID: "1"})
			wantCode(t, err, bot.ENOTFOUND)
			return nil
		})
	})

	t.Run("ErrKeyRequired", func(t *testing.T) {
		s := open(t)
		err := s.Update(t.Context(), func(tx bot.Tx) error { return tx.PutFollower(follower("telegram", "")) })
		wantCode(t, err, bot.EINVALID)
	})

	t.Run("Filter", func(t *testing.T) {
		s := open(t)
		given, revoked := bot.ConsentGiven, bot.ConsentRevoked
		unknown := bot.ConsentUnknown
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, f := range []*bot.Follower{
				{Key: bot.FollowerKey{Platform: "x", UserID: "9"}, Lang: bot.LangEn},
				{Key: bot.FollowerKey{Platform: "telegram", UserID: "2"}, Lang: bot.LangEn, Consent: given},
				{Key: bot.FollowerKey{Platform: "telegram", UserID: "10"}, Lang: bot.LangFa, Consent: revoked},
				{Key: bot.FollowerKey{Platform: "telegram", UserID: "1"}, Lang: bot.LangFa, Consent: given},
				{Key: bot.FollowerKey{Platform: "tele", UserID: "1"}, Lang: bot.LangFa},
				{Key: bot.FollowerKey{Platform: "rubika", UserID: "5"}, Lang: bot.LangFa},
			} {
				if err := tx.PutFollower(f); err != nil {
					return err
				}
			}
			return nil
		})
		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				filter bot.FollowerFilter
				want   []string
			}{
				{bot.FollowerFilter{}, []string{"rubika:5", "tele:1", "telegram:1", "telegram:10", "telegram:2", "x:9"}},
				{bot.FollowerFilter{Platform: "telegram"}, []string{"telegram:1", "telegram:10", "telegram:2"}},
				{bot.FollowerFilter{Platform: "tele"}, []string{"tele:1"}},
				{bot.FollowerFilter{Platform: "facebook"}, []string{}},
				{bot.FollowerFilter{Lang: bot.LangFa}, []string{"rubika:5", "tele:1", "telegram:1", "telegram:10"}},
				{bot.FollowerFilter{Consent: &given}, []string{"telegram:1", "telegram:2"}},
				{bot.FollowerFilter{Consent: &unknown}, []string{"rubika:5", "tele:1", "x:9"}},
				{bot.FollowerFilter{Platform: "telegram", Lang: bot.LangFa, Consent: &given}, []string{"telegram:1"}},
				{bot.FollowerFilter{Limit: 2}, []string{"rubika:5", "tele:1"}},
				{bot.FollowerFilter{Lang: bot.LangFa, Limit: 3}, []string{"rubika:5", "tele:1", "telegram:1"}},
				{bot.FollowerFilter{After: bot.FollowerKey{Platform: "telegram", UserID: "1"}}, []string{"telegram:10", "telegram:2", "x:9"}},
				{bot.FollowerFilter{After: bot.FollowerKey{Platform: "telegram", UserID: "10"}, Limit: 1}, []string{"telegram:2"}},
				// After a key that is not stored continues after where it would be.
				{bot.FollowerFilter{After: bot.FollowerKey{Platform: "telegram", UserID: "15"}}, []string{"telegram:2", "x:9"}},
				{bot.FollowerFilter{Platform: "telegram", After: bot.FollowerKey{Platform: "tele", UserID: "1"}}, []string{"telegram:1", "telegram:10", "telegram:2"}},
				{bot.FollowerFilter{Platform: "telegram", After: bot.FollowerKey{Platform: "telegram", UserID: "2"}}, []string{}},
				{bot.FollowerFilter{Lang: bot.LangFa, After: bot.FollowerKey{Platform: "tele", UserID: "1"}}, []string{"telegram:1", "telegram:10"}},
				{bot.FollowerFilter{Lang: bot.LangFa, Consent: &given}, []string{"telegram:1"}},
				{bot.FollowerFilter{Lang: bot.LangEn, Consent: &unknown}, []string{"x:9"}},
				{bot.FollowerFilter{Platform: "telegram", Consent: &revoked}, []string{"telegram:10"}},
				{bot.FollowerFilter{Platform: "x", Lang: bot.LangFa}, []string{}},
				{bot.FollowerFilter{Consent: &unknown, After: bot.FollowerKey{Platform: "tele", UserID: "1"}, Limit: 1}, []string{"x:9"}},
			} {
				got, err := tx.Followers(tc.filter)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("case %d: Followers(%+v)", i, tc.filter), followerKeys(got), tc.want)
			}
			return nil
		})
	})

	// A profile that changes language or consent, or is erased, is found
	// by its new values only.
	t.Run("FilterAfterChange", func(t *testing.T) {
		s := open(t)
		given, revoked := bot.ConsentGiven, bot.ConsentRevoked
		a, b := follower("telegram", "1"), follower("telegram", "2")
		mustUpdate(t, s, func(tx bot.Tx) error {
			a.SetConsent(bot.ConsentGiven, base)
			if err := tx.PutFollower(a); err != nil {
				return err
			}
			b.SetConsent(bot.ConsentGiven, base)
			return tx.PutFollower(b)
		})
		mustUpdate(t, s, func(tx bot.Tx) error {
			a.Lang = bot.LangEn
			a.SetConsent(bot.ConsentRevoked, base.Add(time.Hour))
			if err := tx.PutFollower(a); err != nil {
				return err
			}
			return tx.DeleteFollower(b.Key)
		})
		mustView(t, s, func(tx bot.Tx) error {
			for i, tc := range []struct {
				filter bot.FollowerFilter
				want   []string
			}{
				{bot.FollowerFilter{Lang: bot.LangFa}, []string{}},
				{bot.FollowerFilter{Lang: bot.LangEn}, []string{"telegram:1"}},
				{bot.FollowerFilter{Consent: &given}, []string{}},
				{bot.FollowerFilter{Consent: &revoked}, []string{"telegram:1"}},
				{bot.FollowerFilter{}, []string{"telegram:1"}},
			} {
				got, err := tx.Followers(tc.filter)
				if err != nil {
					return err
				}
				equal(t, fmt.Sprintf("case %d: Followers(%+v)", i, tc.filter), followerKeys(got), tc.want)
			}
			return nil
		})
	})
}

func testDeleteFollower(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		a, b := follower("telegram", "1"), follower("telegram", "2")
		ta := thread("telegram", "support", "1", a.Key)
		tb := thread("telegram", "support", "2", b.Key)
		group := thread("telegram", "support", "group", a.Key)
		group.ChatType = bot.ChatGroup
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, f := range []*bot.Follower{a, b} {
				if err := tx.PutFollower(f); err != nil {
					return err
				}
			}
			for _, th := range []*bot.Thread{ta, tb, group} {
				if err := tx.PutThread(th); err != nil {
					return err
				}
			}
			for _, m := range []*bot.Message{
				message(ta.Key, a.Key, "hello", base),
				outMessage(ta.Key, a.Key, "hi Sara", base.Add(time.Second)),
				message(tb.Key, b.Key, "hello", base),
				message(group.Key, a.Key, "a in group", base),
				message(group.Key, b.Key, "b in group", base.Add(time.Second)),
			} {
				if err := tx.AddMessage(m); err != nil {
					return err
				}
			}
			for _, r := range []*bot.SentimentRecord{
				sentiment("telegram", a.Key, base),
				sentiment("telegram", b.Key, base.Add(time.Hour)),
				sentiment("telegram", a.Key, base.Add(2*time.Hour)),
			} {
				if err := tx.AddSentiment(r); err != nil {
					return err
				}
			}
			return nil
		})
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.DeleteFollower(a.Key) })
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Follower(a.Key)
			wantCode(t, err, bot.ENOTFOUND)
			_, err = tx.Thread(ta.Key)
			wantCode(t, err, bot.ENOTFOUND)
			msgs, _ := tx.Messages(ta.Key, 0, 0)
			equal(t, "a's private messages", len(msgs), 0)
			msgs, _ = tx.Messages(group.Key, 0, 0)
			equal(t, "group messages", ids(msgs, func(m *bot.Message) string { return m.Text }), []string{"b in group"})
			recs, _ := tx.SentimentByFollower(a.Key, day(-1), day(1), 0)
			equal(t, "a's sentiment", len(recs), 0)
			for _, p := range []string{"", "telegram"} {
				recs, _ = tx.SentimentByDay(p, day(-1), day(1), 0)
				equal(t, "sentiment by day "+p, followerOf(recs), []string{"telegram:2"})
			}
			// b is untouched.
			if _, err := tx.Follower(b.Key); err != nil {
				return err
			}
			if _, err := tx.Thread(tb.Key); err != nil {
				return err
			}
			msgs, _ = tx.Messages(tb.Key, 0, 0)
			equal(t, "b's messages", len(msgs), 1)
			recs, _ = tx.SentimentByFollower(b.Key, day(-1), day(1), 0)
			equal(t, "b's sentiment", len(recs), 1)
			return nil
		})
	})

	t.Run("Unknown", func(t *testing.T) {
		s := open(t)
		mustUpdate(t, s, func(tx bot.Tx) error {
			return tx.DeleteFollower(bot.FollowerKey{Platform: "telegram", UserID: "404"})
		})
	})

	t.Run("ThreadChangedFollower", func(t *testing.T) {
		s := open(t)
		a, b := bot.FollowerKey{Platform: "telegram", UserID: "1"}, bot.FollowerKey{Platform: "telegram", UserID: "2"}
		th := thread("telegram", "support", "shared", a)
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutThread(th) })
		th.Follower = b
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutThread(th) })
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.DeleteFollower(a) })
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Thread(th.Key)
			return err
		})
	})
}

func followerOf(recs []*bot.SentimentRecord) []string {
	return ids(recs, func(r *bot.SentimentRecord) string { return r.Follower.String() })
}
