package storetest

import (
	"testing"
	"time"

	"engagebot/bot"
)

func testUser(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.User("sara")
			wantCode(t, err, bot.ENOTFOUND)
			list, err := tx.Users()
			if len(list) != 0 {
				t.Errorf("a new store lists %d users", len(list))
			}
			return err
		})
		sara := &bot.User{Name: "sara", Roles: []bot.Role{bot.RoleModerator, bot.RoleSafety}, PasswordHash: "$h$sara", Created: base, CreatedBy: "cli"}
		ali := &bot.User{Name: "ali", Roles: []bot.Role{bot.RoleAdmin}, PasswordHash: "$h$ali", Created: day(1), CreatedBy: "sara"}
		mustUpdate(t, s, func(tx bot.Tx) error {
			if err := tx.PutUser(sara); err != nil {
				return err
			}
			return tx.PutUser(ali)
		})
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.User("sara")
			if err != nil {
				return err
			}
			equal(t, "sara", got, sara)
			list, err := tx.Users()
			equal(t, "users by name", ids(list, func(u *bot.User) string { return u.Name }), []string{"ali", "sara"})
			return err
		})
		changed := *sara
		changed.Roles = []bot.Role{bot.RoleViewer}
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutUser(&changed) })
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.User("sara")
			if err == nil {
				equal(t, "sara replaced", got, &changed)
			}
			return err
		})
	})

	t.Run("Invalid", func(t *testing.T) {
		s := open(t)
		err := s.Update(t.Context(), func(tx bot.Tx) error { return tx.PutUser(&bot.User{PasswordHash: "x"}) })
		wantCode(t, err, bot.EINVALID)
	})

	t.Run("ReadOnlyRefused", func(t *testing.T) {
		s := open(t)
		if err := s.View(t.Context(), func(tx bot.Tx) error { return tx.PutUser(&bot.User{Name: "sara"}) }); err == nil {
			t.Fatal("PutUser in a read-only transaction succeeded")
		}
	})
}

func testSession(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Session("h1")
			wantCode(t, err, bot.ENOTFOUND)
			return nil
		})
		old := &bot.Session{Hash: "h1", User: "sara", Created: base, Expires: base.Add(time.Hour)}
		fresh := &bot.Session{Hash: "h2", User: "sara", Created: day(1), Expires: day(1).Add(time.Hour)}
		atEdge := &bot.Session{Hash: "h3", User: "reza", Created: base, Expires: day(1)}
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, x := range []*bot.Session{old, fresh, atEdge} {
				if err := tx.PutSession(x); err != nil {
					return err
				}
			}
			return nil
		})
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Session("h2")
			if err == nil {
				equal(t, "session h2", got, fresh)
			}
			return err
		})
		var n int
		mustUpdate(t, s, func(tx bot.Tx) (err error) {
			n, err = tx.DeleteExpiredSessions(day(1))
			return err
		})
		if n != 2 {
			t.Errorf("DeleteExpiredSessions = %d, want 2 (h1 expired, h3 expires then, h2 not yet)", n)
		}
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Session("h1")
			wantCode(t, err, bot.ENOTFOUND)
			_, err = tx.Session("h3")
			wantCode(t, err, bot.ENOTFOUND)
			_, err = tx.Session("h2")
			return err
		})
		mustUpdate(t, s, func(tx bot.Tx) error {
			if err := tx.DeleteSession("h2"); err != nil {
				return err
			}
			return tx.DeleteSession("missing")
		})
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Session("h2")
			wantCode(t, err, bot.ENOTFOUND)
			return nil
		})
	})

	t.Run("NothingToExpire", func(t *testing.T) {
		s := open(t)
		mustUpdate(t, s, func(tx bot.Tx) error {
			n, err := tx.DeleteExpiredSessions(day(1))
			if n != 0 {
				t.Errorf("DeleteExpiredSessions on a new store = %d", n)
			}
			return err
		})
	})

	t.Run("Invalid", func(t *testing.T) {
		s := open(t)
		err := s.Update(t.Context(), func(tx bot.Tx) error { return tx.PutSession(&bot.Session{User: "sara"}) })
		wantCode(t, err, bot.EINVALID)
	})

	t.Run("ReadOnlyRefused", func(t *testing.T) {
		s := open(t)
		for name, fn := range map[string]func(tx bot.Tx) error{
			"PutSession":    func(tx bot.Tx) error { return tx.PutSession(&bot.Session{Hash: "h", User: "sara"}) },
			"DeleteSession": func(tx bot.Tx) error { return tx.DeleteSession("h") },
			"DeleteExpired": func(tx bot.Tx) error { _, err := tx.DeleteExpiredSessions(base); return err },
		} {
			if err := s.View(t.Context(), fn); err == nil {
				t.Errorf("%s in a read-only transaction succeeded", name)
			}
		}
	})
}

func testToken(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Token("h1")
			wantCode(t, err, bot.ENOTFOUND)
			list, err := tx.Tokens()
			if len(list) != 0 {
				t.Errorf("a new store lists %d tokens", len(list))
			}
			return err
		})
		a := &bot.APIToken{Hash: "h1", Name: "reports", Roles: []bot.Role{bot.RoleViewer}, Created: base, CreatedBy: "cli"}
		b := &bot.APIToken{Hash: "h2", Name: "crm", Roles: []bot.Role{bot.RoleModerator}, Created: day(1), CreatedBy: "ali"}
		mustUpdate(t, s, func(tx bot.Tx) error {
			if err := tx.PutToken(b); err != nil {
				return err
			}
			return tx.PutToken(a)
		})
		used := *a
		used.LastUsed = day(2)
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutToken(&used) })
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Token("h1")
			if err != nil {
				return err
			}
			equal(t, "token h1 after use", got, &used)
			list, err := tx.Tokens()
			equal(t, "tokens by hash", ids(list, func(t *bot.APIToken) string { return t.Name }), []string{"reports", "crm"})
			return err
		})
		mustUpdate(t, s, func(tx bot.Tx) error {
			if err := tx.DeleteToken("h1"); err != nil {
				return err
			}
			return tx.DeleteToken("missing")
		})
		mustView(t, s, func(tx bot.Tx) error {
			_, err := tx.Token("h1")
			wantCode(t, err, bot.ENOTFOUND)
			list, err := tx.Tokens()
			equal(t, "tokens after a revoke", ids(list, func(t *bot.APIToken) string { return t.Name }), []string{"crm"})
			return err
		})
	})

	t.Run("Invalid", func(t *testing.T) {
		s := open(t)
		err := s.Update(t.Context(), func(tx bot.Tx) error { return tx.PutToken(&bot.APIToken{Name: "crm"}) })
		wantCode(t, err, bot.EINVALID)
	})

	t.Run("ReadOnlyRefused", func(t *testing.T) {
		s := open(t)
		if err := s.View(t.Context(), func(tx bot.Tx) error { return tx.PutToken(&bot.APIToken{Hash: "h", Name: "crm"}) }); err == nil {
			t.Fatal("PutToken in a read-only transaction succeeded")
		}
		if err := s.View(t.Context(), func(tx bot.Tx) error { return tx.DeleteToken("h") }); err == nil {
			t.Fatal("DeleteToken in a read-only transaction succeeded")
		}
	})
}
