package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"engagebot/bot"
)

func postIDs(list []*bot.Post) []string {
	return ids(list, func(p *bot.Post) string { return fmt.Sprint(p.ID) })
}

func slotIDs(list []*bot.Slot) []string {
	return ids(list, func(s *bot.Slot) string { return fmt.Sprintf("%d@%s", s.Post, s.At.Format(time.RFC3339)) })
}

func newPost(account string, next time.Time, state bot.PostState) *bot.Post {
	return &bot.Post{
		Text: "flu season: wash your hands", Targets: []bot.PostTarget{{Account: account, Chat: "@brand"}},
		At: next, State: state, Version: 1, Author: "sara", Next: next, Created: base, Updated: base,
		Variants:  map[string]string{"x": "wash your hands"},
		Approvals: []bot.Approval{{By: "reza", At: base, Version: 1, Note: "medical ok"}},
	}
}

func testPost(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("AddGetPut", func(t *testing.T) {
		s := open(t)
		p := newPost("telegram.support", day(1), bot.PostApproved)
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.AddPost(p) })
		if p.ID == 0 {
			t.Fatal("AddPost left the id 0")
		}
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Post(p.ID)
			if err == nil && !reflect.DeepEqual(got, p) {
				t.Errorf("Post = %+v, want %+v", got, p)
			}
			return err
		})
		p.State, p.Version = bot.PostAwaiting, 2
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutPost(p) })
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Post(p.ID)
			if err == nil && (got.State != bot.PostAwaiting || got.Version != 2) {
				t.Errorf("after PutPost: %+v", got)
			}
			if _, err := tx.Post(p.ID + 100); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Errorf("Post of a missing id: %v, want ENOTFOUND", err)
			}
			return err
		})
		err := s.Update(t.Context(), func(tx bot.Tx) error { return tx.PutPost(&bot.Post{ID: 999}) })
		if bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("PutPost of a missing post: %v, want ENOTFOUND", err)
		}
	})

	t.Run("Filter", func(t *testing.T) {
		s := open(t)
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, p := range []*bot.Post{
				newPost("telegram.support", day(1), bot.PostApproved),
				newPost("x.brand", day(2), bot.PostDraft),
				newPost("telegram.support", time.Time{}, bot.PostCancelled),
				newPost("x.brand", day(3), bot.PostApproved),
			} {
				if err := tx.AddPost(p); err != nil {
					return err
				}
			}
			return nil
		})
		for i, tc := range []struct {
			f    bot.PostFilter
			want []string
		}{
			{bot.PostFilter{}, []string{"1", "2", "3", "4"}},
			{bot.PostFilter{State: bot.PostApproved}, []string{"1", "4"}},
			{bot.PostFilter{Account: "x.brand"}, []string{"2", "4"}},
			{bot.PostFilter{Account: "x.brand", State: bot.PostApproved}, []string{"4"}},
			{bot.PostFilter{After: 2}, []string{"3", "4"}},
			{bot.PostFilter{Limit: 3, After: 1}, []string{"2", "3", "4"}},
			{bot.PostFilter{Limit: 1, Account: "telegram.support", After: 1}, []string{"3"}},
		} {
			mustView(t, s, func(tx bot.Tx) error {
				got, err := tx.Posts(tc.f)
				if g := postIDs(got); !reflect.DeepEqual(g, tc.want) {
					t.Errorf("%d: Posts(%+v) = %v, want %v", i, tc.f, g, tc.want)
				}
				return err
			})
		}
	})

	t.Run("Due", func(t *testing.T) {
		s := open(t)
		var ps []*bot.Post
		mustUpdate(t, s, func(tx bot.Tx) error {
			ps = nil
			for _, next := range []time.Time{day(3), day(1), {}, day(2), day(1)} {
				p := newPost("telegram.support", next, bot.PostScheduled)
				if err := tx.AddPost(p); err != nil {
					return err
				}
				ps = append(ps, p)
			}
			return nil
		})
		due := func(at time.Time, limit int) []string {
			var got []*bot.Post
			mustView(t, s, func(tx bot.Tx) (err error) {
				got, err = tx.DuePosts(at, limit)
				return err
			})
			return postIDs(got)
		}
		for i, tc := range []struct {
			at    time.Time
			limit int
			want  []string
		}{
			{day(0), 0, []string{}},
			{day(1), 0, []string{"2", "5"}},
			{day(2).Add(-time.Nanosecond), 0, []string{"2", "5"}},
			{day(2), 0, []string{"2", "5", "4"}},
			{day(9), 2, []string{"2", "5"}},
			{day(9), 0, []string{"2", "5", "4", "1"}},
		} {
			if got := due(tc.at, tc.limit); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%d: DuePosts(%s, %d) = %v, want %v", i, tc.at, tc.limit, got, tc.want)
			}
		}
		// Moving Next moves the index entry; clearing it takes the post out.
		mustUpdate(t, s, func(tx bot.Tx) error {
			ps[1].Next = day(5)
			if err := tx.PutPost(ps[1]); err != nil {
				return err
			}
			ps[4].Next = time.Time{}
			return tx.PutPost(ps[4])
		})
		if got, want := due(day(9), 0), []string{"4", "1", "2"}; !reflect.DeepEqual(got, want) {
			t.Errorf("after moving: DuePosts = %v, want %v", got, want)
		}
		if got := due(day(2), 0); !reflect.DeepEqual(got, []string{"4"}) {
			t.Errorf("after moving: DuePosts(day 2) = %v, want [4]", got)
		}
	})

	t.Run("Rollback", func(t *testing.T) {
		s := open(t)
		err := s.Update(t.Context(), func(tx bot.Tx) error {
			if err := tx.AddPost(newPost("telegram.support", day(1), bot.PostApproved)); err != nil {
				return err
			}
			if err := tx.PutSlot(&bot.Slot{Post: 1, At: day(1), Targets: []bot.SlotTarget{{Account: "telegram.support", State: bot.SlotQueued}}}); err != nil {
				return err
			}
			return errRollback
		})
		if err == nil {
			t.Fatal("Update returned nil for a failed fn")
		}
		mustView(t, s, func(tx bot.Tx) error {
			ps, err := tx.Posts(bot.PostFilter{})
			if len(ps) != 0 {
				t.Errorf("a rolled back post is stored: %v", postIDs(ps))
			}
			due, _ := tx.DuePosts(day(9), 0)
			open, _ := tx.OpenSlots(0, time.Time{}, 0)
			if len(due) != 0 || len(open) != 0 {
				t.Errorf("a rolled back post left index entries: due %v, open %v", postIDs(due), slotIDs(open))
			}
			return err
		})
	})
}

func testSlot(t *testing.T, open func(t *testing.T) bot.Store) {
	slot := func(post uint64, at time.Time, st bot.SlotState) *bot.Slot {
		return &bot.Slot{Post: post, At: at, Version: 1, Fired: at, Updated: at, Targets: []bot.SlotTarget{
			{Account: "telegram.support", Chat: "@brand", State: bot.SlotPublished, Outbound: 3, PlatformID: "77", URL: "https://t.me/brand/77"},
			{Account: "x.brand", State: st, Outbound: 4},
		}}
	}
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		mustView(t, s, func(tx bot.Tx) error {
			if _, err := tx.Slot(1, day(1)); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Errorf("Slot in a new store: %v, want ENOTFOUND", err)
			}
			got, err := tx.Slots(1)
			if len(got) != 0 {
				t.Errorf("Slots in a new store: %v", slotIDs(got))
			}
			return err
		})
		a := slot(1, day(2), bot.SlotQueued)
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, sl := range []*bot.Slot{a, slot(1, day(1), bot.SlotFailed), slot(2, day(1).Add(time.Hour), bot.SlotQueued), slot(3, day(0), bot.SlotPublished)} {
				if err := tx.PutSlot(sl); err != nil {
					return err
				}
			}
			return nil
		})
		mustView(t, s, func(tx bot.Tx) error {
			got, err := tx.Slot(1, day(2))
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, a) {
				t.Errorf("Slot = %+v, want %+v", got, a)
			}
			list, err := tx.Slots(1)
			if g, want := slotIDs(list), slotIDs([]*bot.Slot{slot(1, day(1), ""), a}); !reflect.DeepEqual(g, want) {
				t.Errorf("Slots(1) = %v, want %v", g, want)
			}
			return err
		})
		for i, tc := range []struct {
			f    bot.SlotFilter
			want []string
		}{
			{bot.SlotFilter{}, []string{"3@2025-03-20T00:00:00Z", "1@2025-03-21T00:00:00Z", "2@2025-03-21T01:00:00Z", "1@2025-03-22T00:00:00Z"}},
			{bot.SlotFilter{From: day(1), To: day(2)}, []string{"1@2025-03-21T00:00:00Z", "2@2025-03-21T01:00:00Z"}},
			{bot.SlotFilter{From: day(1).Add(time.Minute), Limit: 1}, []string{"2@2025-03-21T01:00:00Z"}},
			{bot.SlotFilter{From: day(3)}, []string{}},
		} {
			mustView(t, s, func(tx bot.Tx) error {
				got, err := tx.SlotsBetween(tc.f)
				if g := slotIDs(got); !reflect.DeepEqual(g, tc.want) {
					t.Errorf("%d: SlotsBetween(%+v) = %v, want %v", i, tc.f, g, tc.want)
				}
				return err
			})
		}
	})

	t.Run("Open", func(t *testing.T) {
		s := open(t)
		a, b, c := slot(1, day(2), bot.SlotQueued), slot(1, day(1), bot.SlotQueued), slot(2, day(0), bot.SlotQueued)
		mustUpdate(t, s, func(tx bot.Tx) error {
			for _, sl := range []*bot.Slot{a, b, c, slot(3, day(0), bot.SlotUnknown)} {
				if err := tx.PutSlot(sl); err != nil {
					return err
				}
			}
			return nil
		})
		openSlots := func(afterPost uint64, afterAt time.Time, limit int) []string {
			var got []*bot.Slot
			mustView(t, s, func(tx bot.Tx) (err error) {
				got, err = tx.OpenSlots(afterPost, afterAt, limit)
				return err
			})
			return slotIDs(got)
		}
		all := slotIDs([]*bot.Slot{b, a, c})
		if got := openSlots(0, time.Time{}, 0); !reflect.DeepEqual(got, all) {
			t.Errorf("OpenSlots = %v, want %v", got, all)
		}
		if got := openSlots(1, day(1), 1); !reflect.DeepEqual(got, all[1:2]) {
			t.Errorf("OpenSlots after the first, limit 1 = %v, want %v", got, all[1:2])
		}
		// A slot whose targets all have an outcome leaves the open index.
		a.Targets[1].State = bot.SlotPublished
		mustUpdate(t, s, func(tx bot.Tx) error { return tx.PutSlot(a) })
		if got, want := openSlots(0, time.Time{}, 0), slotIDs([]*bot.Slot{b, c}); !reflect.DeepEqual(got, want) {
			t.Errorf("after settling: OpenSlots = %v, want %v", got, want)
		}
	})
}
