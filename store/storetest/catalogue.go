package storetest

import (
	"reflect"
	"testing"

	"engagebot/bot"
)

func testCatalogue(t *testing.T, open func(t *testing.T) bot.Store) {
	s := open(t)
	items := []*bot.CatalogueItem{
		{ID: "zinkofer", Kind: bot.ItemProduct, Title: map[string]string{"en": "Zinkofer"}, Terms: []string{"zinkofer"}, Version: 1, Created: day(0), Updated: day(0)},
		{ID: "diabetes-guide", Kind: bot.ItemArticle, Title: map[string]string{"fa": "diabetes"}, Tags: []string{"diabetes"}, Version: 1, Created: day(1), Updated: day(1)},
		{ID: "spring", Kind: bot.ItemOffer, Title: map[string]string{"en": "Spring"}, From: day(2), Until: day(9), Version: 1, Created: day(2), Updated: day(2)},
	}
	mustView(t, s, func(tx bot.Tx) error {
		if _, err := tx.CatalogueItem("zinkofer"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("CatalogueItem on an empty store: %v, want ENOTFOUND", err)
		}
		if got, err := tx.CatalogueItems(bot.CatalogueFilter{}); err != nil || len(got) != 0 {
			t.Errorf("CatalogueItems on an empty store = %v, %v", got, err)
		}
		return nil
	})
	mustUpdate(t, s, func(tx bot.Tx) error {
		for _, c := range items {
			if err := tx.PutCatalogueItem(c); err != nil {
				return err
			}
		}
		return nil
	})
	mustView(t, s, func(tx bot.Tx) error {
		got, err := tx.CatalogueItem("spring")
		if err != nil || !reflect.DeepEqual(got, items[2]) {
			t.Errorf("CatalogueItem = %+v, %v; want %+v", got, err, items[2])
		}
		for _, tc := range []struct {
			filter bot.CatalogueFilter
			want   []string
		}{
			{bot.CatalogueFilter{}, []string{"diabetes-guide", "spring", "zinkofer"}},
			{bot.CatalogueFilter{Kind: bot.ItemProduct}, []string{"zinkofer"}},
			{bot.CatalogueFilter{After: "diabetes-guide"}, []string{"spring", "zinkofer"}},
			{bot.CatalogueFilter{Limit: 1}, []string{"diabetes-guide"}},
		} {
			list, err := tx.CatalogueItems(tc.filter)
			if err != nil {
				return err
			}
			var ids []string
			for _, c := range list {
				ids = append(ids, c.ID)
			}
			if !reflect.DeepEqual(ids, tc.want) {
				t.Errorf("CatalogueItems(%+v) = %v, want %v", tc.filter, ids, tc.want)
			}
		}
		return nil
	})
	mustUpdate(t, s, func(tx bot.Tx) error {
		c := *items[0]
		c.Version, c.Tags = 2, []string{"iron"}
		if err := tx.PutCatalogueItem(&c); err != nil {
			return err
		}
		if err := tx.DeleteCatalogueItem("spring"); err != nil {
			return err
		}
		if err := tx.DeleteCatalogueItem("spring"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("second DeleteCatalogueItem: %v, want ENOTFOUND", err)
		}
		return nil
	})
	mustView(t, s, func(tx bot.Tx) error {
		got, err := tx.CatalogueItem("zinkofer")
		if err != nil || got.Version != 2 || !reflect.DeepEqual(got.Tags, []string{"iron"}) {
			t.Errorf("after replace: %+v, %v", got, err)
		}
		if _, err := tx.CatalogueItem("spring"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("after delete: %v, want ENOTFOUND", err)
		}
		return nil
	})
	if err := s.View(t.Context(), func(tx bot.Tx) error { return tx.PutCatalogueItem(items[0]) }); err == nil {
		t.Error("PutCatalogueItem in a read-only transaction succeeded")
	}
}

func testSegment(t *testing.T, open func(t *testing.T) bot.Store) {
	s := open(t)
	lang := &bot.Segment{Name: "persian", Rule: bot.Rule{Lang: "fa"}, Author: "pr", Created: day(0), Updated: day(0)}
	dia := &bot.Segment{Name: "diabetes", Rule: bot.Rule{Interests: []string{"diabetes"}, MinMessages: 2}, Author: "pr", Created: day(1), Updated: day(1)}
	mustUpdate(t, s, func(tx bot.Tx) error {
		if err := tx.AddSegment(lang); err != nil {
			return err
		}
		return tx.AddSegment(dia)
	})
	if lang.ID == "" || dia.ID == "" || lang.ID == dia.ID {
		t.Fatalf("ids %q and %q: want two different ids", lang.ID, dia.ID)
	}
	mustView(t, s, func(tx bot.Tx) error {
		got, err := tx.Segment(dia.ID)
		if err != nil || !reflect.DeepEqual(got, dia) {
			t.Errorf("Segment = %+v, %v; want %+v", got, err, dia)
		}
		for _, id := range []string{"", "x", "999", "01"} {
			if _, err := tx.Segment(id); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Errorf("Segment(%q): %v, want ENOTFOUND", id, err)
			}
		}
		list, err := tx.Segments()
		if err != nil || len(list) != 2 || list[0].ID != lang.ID || list[1].ID != dia.ID {
			t.Errorf("Segments = %v, %v; want in creation order", list, err)
		}
		return nil
	})
	mustUpdate(t, s, func(tx bot.Tx) error {
		x := *lang
		x.Name = "farsi"
		if err := tx.PutSegment(&x); err != nil {
			return err
		}
		if err := tx.PutSegment(&bot.Segment{ID: "999", Name: "ghost"}); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("PutSegment of a missing one: %v, want ENOTFOUND", err)
		}
		return tx.DeleteSegment(dia.ID)
	})
	mustView(t, s, func(tx bot.Tx) error {
		list, err := tx.Segments()
		if err != nil || len(list) != 1 || list[0].Name != "farsi" {
			t.Errorf("after edit and delete: %v, %v", list, err)
		}
		return nil
	})
}
