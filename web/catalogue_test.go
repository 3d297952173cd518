package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"engagebot/bot"
)

// The fake's catalogue and segment actions: each change is recorded.

func (a *Actions) CatalogueItems(_ context.Context, actor bot.Actor, f bot.CatalogueFilter) ([]*bot.CatalogueItem, error) {
	return []*bot.CatalogueItem{{ID: "diabetes-guide", Kind: bot.ItemArticle, Title: map[string]string{"fa": "راهنما"}, Version: 1}}, nil
}

func (a *Actions) CatalogueItem(_ context.Context, actor bot.Actor, id string) (*bot.CatalogueItem, error) {
	if id != "diabetes-guide" {
		return nil, bot.Errorf(bot.ENOTFOUND, "catalogue item %q not found", id)
	}
	return &bot.CatalogueItem{ID: id, Kind: bot.ItemArticle, Title: map[string]string{"fa": "راهنما"}, Version: 1}, nil
}

func (a *Actions) AddCatalogueItem(_ context.Context, actor bot.Actor, c *bot.CatalogueItem) error {
	if err := c.Validate(); err != nil {
		return err
	}
	a.record(actor, fmt.Sprintf("catalogue.add(%s from=%s)", c.ID, c.From.Format("2006-01-02T15:04Z07:00")), bot.ThreadKey{})
	return nil
}

func (a *Actions) EditCatalogueItem(_ context.Context, actor bot.Actor, c *bot.CatalogueItem) error {
	if err := c.Validate(); err != nil {
		return err
	}
	a.record(actor, "catalogue.edit("+c.ID+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) RemoveCatalogueItem(_ context.Context, actor bot.Actor, id string) error {
	a.record(actor, "catalogue.remove("+id+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) ImportCatalogue(_ context.Context, actor bot.Actor, items []*bot.CatalogueItem) (bot.ImportResult, error) {
	var res bot.ImportResult
	for _, c := range items {
		res.Added = append(res.Added, c.ID)
	}
	a.record(actor, "catalogue.import("+strings.Join(res.Added, ",")+")", bot.ThreadKey{})
	return res, nil
}

func (a *Actions) Segments(_ context.Context, actor bot.Actor) ([]bot.SegmentView, error) {
	return []bot.SegmentView{{Segment: &bot.Segment{ID: "1", Name: "fa"}, SegmentCount: bot.SegmentCount{Count: 3}}}, nil
}

func (a *Actions) Segment(_ context.Context, actor bot.Actor, id string, sample int) (bot.SegmentView, error) {
	if id != "1" {
		return bot.SegmentView{}, bot.Errorf(bot.ENOTFOUND, "segment %q not found", id)
	}
	v := bot.SegmentView{Segment: &bot.Segment{ID: id, Name: "fa", Rule: bot.Rule{Lang: "fa"}}, SegmentCount: bot.SegmentCount{Count: 3}}
	for i := range min(sample, 3) {
		v.Sample = append(v.Sample, &bot.Follower{Key: bot.FollowerKey{Platform: "telegram", UserID: fmt.Sprint(i)}, Lang: "fa"})
	}
	return v, nil
}

func (a *Actions) CreateSegment(_ context.Context, actor bot.Actor, seg *bot.Segment) (bot.SegmentView, error) {
	if err := seg.Validate(); err != nil {
		return bot.SegmentView{}, err
	}
	seg.ID = "2"
	a.record(actor, fmt.Sprintf("segment.create(%s %s/%s)", seg.Name, seg.Rule.Platform, seg.Rule.Lang), bot.ThreadKey{})
	return bot.SegmentView{Segment: seg, SegmentCount: bot.SegmentCount{Count: 5}}, nil
}

// The fake keeps segments "1" and "4"; "4" is the segment of the draft
// campaign 9, which a delete is refused for, as the service refuses it.
func knownSegment(id string) error {
	if id != "1" && id != "4" {
		return bot.Errorf(bot.ENOTFOUND, "segment %q not found", id)
	}
	return nil
}

func (a *Actions) EditSegment(_ context.Context, actor bot.Actor, id, name string, r bot.Rule) (bot.SegmentView, error) {
	seg := &bot.Segment{ID: id, Name: strings.TrimSpace(name), Rule: r}
	if err := seg.Validate(); err != nil {
		return bot.SegmentView{}, err
	}
	if err := knownSegment(id); err != nil {
		return bot.SegmentView{}, err
	}
	a.record(actor, fmt.Sprintf("segment.edit(%s %s %s/%s)", id, seg.Name, r.Platform, r.Lang), bot.ThreadKey{})
	return bot.SegmentView{Segment: seg, SegmentCount: bot.SegmentCount{Count: 2}}, nil
}

func (a *Actions) DeleteSegment(_ context.Context, actor bot.Actor, id string) error {
	if err := knownSegment(id); err != nil {
		return err
	}
	if id == "4" {
		return bot.Errorf(bot.ECONFLICT, `segment 4 "fa": campaign 9 "spring" (draft) targets it; cancel the campaign or let it finish first`)
	}
	a.record(actor, "segment.delete("+id+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) PreviewSegment(_ context.Context, actor bot.Actor, r bot.Rule, sample int) (bot.SegmentCount, error) {
	a.record(actor, "segment.preview("+r.Lang+")", bot.ThreadKey{})
	return bot.SegmentCount{Count: 1, Sample: []*bot.Follower{{Key: sara, Lang: r.Lang}}}, nil
}

// The contract: POST /api/v1/segments with a name and a rule answers the
// segment with its id and count; a rule with a field it does not know is
// refused, not read as "everyone".
func TestSegments_CreateAndSample(t *testing.T) {
	st := newStaff(t, "")
	a := st.do(t, request{method: "POST", path: "/api/v1/segments", token: "ebt_pr",
		body: `{"name": "diabetes, telegram, fa", "rule": {"platform": "telegram", "lang": "fa", "interests": ["diabetes"]}}`})
	if a.status != http.StatusCreated {
		t.Fatalf("create = %d %s", a.status, a.body)
	}
	var seg struct {
		ID    string         `json:"id"`
		Count *int           `json:"count"`
		Rule  map[string]any `json:"rule"`
	}
	if err := json.Unmarshal([]byte(a.body), &seg); err != nil || seg.ID != "2" || seg.Count == nil || *seg.Count != 5 || seg.Rule["platform"] != "telegram" {
		t.Errorf("create answered %s (%v)", a.body, err)
	}
	for i, body := range []string{
		`{"name": "x", "rule": {"platfrom": "telegram"}}`,
		`{"name": "x", "rule": {"lang": "de"}}`,
		`{"name": "", "rule": {}}`,
		`{"name": "x", "rule": {"last_contact_within": "soon"}}`,
	} {
		if a := st.do(t, request{method: "POST", path: "/api/v1/segments", token: "ebt_pr", body: body}); a.status != http.StatusBadRequest {
			t.Errorf("Test %d: %s = %d %s, want 400", i, body, a.status, a.body)
		}
	}
	a = st.do(t, request{method: "GET", path: "/api/v1/segments/1?sample=2", token: "ebt_pr"})
	var got struct {
		Count  int `json:"count"`
		Sample []struct {
			UserID string `json:"user_id"`
			Trend  string `json:"trend"`
			TZ     string `json:"tz"`
		} `json:"sample"`
	}
	if err := json.Unmarshal([]byte(a.body), &got); err != nil || got.Count != 3 || len(got.Sample) != 2 || got.Sample[0].TZ != bot.DefaultTZ || got.Sample[0].Trend != bot.TrendSteady {
		t.Errorf("sample = %d %s (%v)", a.status, a.body, err)
	}
	for _, q := range []string{"-1", "101", "x"} {
		if a := st.do(t, request{method: "GET", path: "/api/v1/segments/1?sample=" + q, token: "ebt_pr"}); a.status != http.StatusBadRequest {
			t.Errorf("sample=%s = %d, want 400", q, a.status)
		}
	}
	if a := st.do(t, request{method: "GET", path: "/api/v1/segments/9", token: "ebt_pr"}); a.status != http.StatusNotFound {
		t.Errorf("a missing segment = %d, want 404", a.status)
	}
}

func TestCatalogue_AddValidates(t *testing.T) {
	st := newStaff(t, "")
	a := st.do(t, request{method: "POST", path: "/api/v1/catalogue", token: "ebt_pr",
		body: `{"id": "winter", "kind": "offer", "title": {"fa": "زمستان"}, "from": "1405-10-01"}`})
	if a.status != http.StatusCreated {
		t.Fatalf("add = %d %s", a.status, a.body)
	}
	// 1405-10-01 is 22 December 2026, midnight in Tehran.
	if got := st.actions.took(); !strings.Contains(got[len(got)-1], "catalogue.add(winter from=2026-12-21T20:30Z)") {
		t.Errorf("recorded %v", got)
	}
	for i, body := range []string{
		`{"id": "Bad Id", "kind": "offer", "title": {"fa": "x"}}`,
		`{"id": "a", "kind": "coupon", "title": {"fa": "x"}}`,
		`{"id": "a", "kind": "offer", "title": {"fa": "x"}, "from": "tomorrow"}`,
		`{"id": "a", "kind": "offer", "title": {"fa": "x"}, "version": 9}`,
		`{"id": "a", "kind": "offer", "title": {"fa": "x"}, "url": "ftp://x"}`,
	} {
		if a := st.do(t, request{method: "POST", path: "/api/v1/catalogue", token: "ebt_pr", body: body}); a.status != http.StatusBadRequest {
			t.Errorf("Test %d: %s = %d %s, want 400", i, body, a.status, a.body)
		}
	}
	if a := st.do(t, request{method: "PUT", path: "/api/v1/catalogue/diabetes-guide", token: "ebt_pr",
		body: `{"id": "other", "kind": "article", "title": {"fa": "x"}}`}); a.status != http.StatusBadRequest {
		t.Errorf("an edit that changes the id = %d, want 400", a.status)
	}
}
