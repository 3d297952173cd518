package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"engagebot/bot"
)

// A segment's page: for pr an edit form holding the segment as kept and a
// delete that asks first, in Persian and English; others see neither. The
// form changes the segment through the action and comes back to the page;
// a refused form comes back as typed with its problem; a refused delete
// comes back to the segment with the campaign named.
func TestPages_SegmentEditAndDelete(t *testing.T) {
	st := newCampaignStaff(t, campaignActions{Actions: &Actions{}})
	a := st.do(t, request{method: "GET", path: "/segments/1", token: "ebt_pr"})
	if a.status != http.StatusOK {
		t.Fatalf("segment = %d:\n%s", a.status, a.body)
	}
	wantAll(t, "pr's segment", a.body, `action="/segments/1/edit"`, `id="edit-segment"`, "ویرایش بخش", `name="name" value="fa"`,
		`<option value="fa" selected>`, `name="min_mood"`, `id="delete-segment"`, `action="/segments/1/delete"`,
		`name="back" value="/segments/1"`, "این بخش برای همیشه حذف شود؟", "بله، حذف شود")
	st.auth.roles["sara"] = []bot.Role{bot.RolePR}
	a = st.do(t, request{method: "GET", path: "/segments/1", cookie: signedIn(t, st)})
	wantAll(t, "pr's English segment", a.body, "Edit segment", "Save changes", "Delete this segment for good?", "Yes, delete it")
	for _, token := range []string{"ebt_moderator", "ebt_viewer", "ebt_safety"} {
		a := st.do(t, request{method: "GET", path: "/segments/1", token: token})
		wantNone(t, token+"'s segment", a.body, `id="edit-segment"`, `action="/segments/1/edit"`, `id="delete-segment"`)
	}

	for _, tc := range []struct {
		name     string
		token    string
		path     string
		form     url.Values
		status   int
		location string
		// call is the action the fake records; "" is none.
		call string
		// page is what the answer's page says.
		page []string
	}{
		{name: "Edit", token: "ebt_pr", path: "/segments/1/edit",
			form:   url.Values{"name": {"tg fa"}, "platform": {"telegram"}, "lang": {"fa"}, "min_mood": {"-0٫5"}, "inactive_for": {"30d"}},
			status: http.StatusSeeOther, location: "/segments/1?done=done_segment_edit", call: "token-pr segment.edit(1 tg fa telegram/fa) ./"},
		{name: "EditBadMood", token: "ebt_pr", path: "/segments/1/edit", form: url.Values{"name": {"kept as typed"}, "min_mood": {"2"}},
			status: http.StatusBadRequest, page: []string{`role="alert"`, "min_mood", `value="kept as typed"`, `name="min_mood" dir="ltr" size="5" placeholder="-1 … 1" value="2"`}},
		{name: "EditBadLang", token: "ebt_pr", path: "/segments/1/edit", form: url.Values{"name": {"x"}, "lang": {"de"}},
			status: http.StatusBadRequest, page: []string{`role="alert"`, "rule.lang"}},
		{name: "EditNoName", token: "ebt_pr", path: "/segments/1/edit", form: url.Values{"lang": {"fa"}},
			status: http.StatusBadRequest, page: []string{`role="alert"`, "a segment needs a name"}},
		{name: "EditUnknown", token: "ebt_pr", path: "/segments/9/edit", form: url.Values{"name": {"x"}}, status: http.StatusNotFound},
		{name: "EditViewer", token: "ebt_viewer", path: "/segments/1/edit", form: url.Values{"name": {"x"}}, status: http.StatusForbidden},
		{name: "Delete", token: "ebt_pr", path: "/segments/1/delete", form: url.Values{"back": {"/segments/1"}},
			status: http.StatusSeeOther, location: "/segments?done=done_segment_delete", call: "token-pr segment.delete(1) ./"},
		{name: "DeleteInUse", token: "ebt_pr", path: "/segments/4/delete", form: url.Values{"back": {"/segments/4"}},
			status: http.StatusSeeOther, location: "/segments/4?problem=" + url.QueryEscape(`segment 4 "fa": campaign 9 "spring" (draft) targets it; cancel the campaign or let it finish first`)},
		{name: "DeleteElsewhere", token: "ebt_pr", path: "/segments/4/delete", form: url.Values{"back": {"https://evil.example/"}},
			status: http.StatusSeeOther, location: "/?problem=" + url.QueryEscape(`segment 4 "fa": campaign 9 "spring" (draft) targets it; cancel the campaign or let it finish first`)},
		{name: "DeleteViewer", token: "ebt_viewer", path: "/segments/1/delete", status: http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(st.actions.took())
			a := st.do(t, request{method: "POST", path: tc.path, token: tc.token, form: tc.form})
			if a.status != tc.status {
				t.Fatalf("POST %s = %d, want %d:\n%s", tc.path, a.status, tc.status, a.body)
			}
			if got := a.header.Get("Location"); got != tc.location {
				t.Errorf("went to %q, want %q", got, tc.location)
			}
			wantAll(t, tc.name, a.body, tc.page...)
			got := st.actions.took()[before:]
			if tc.call == "" && len(got) > 0 || tc.call != "" && !slices.Equal(got, []string{tc.call}) {
				t.Errorf("actions %q, want %q", got, tc.call)
			}
		})
	}

	// Where the edit leads: the segment, saying it changed.
	a = st.do(t, request{method: "GET", path: "/segments/1?done=done_segment_edit", token: "ebt_pr"})
	wantAll(t, "after the edit", a.body, `<p class="notice" role="status">بخش تغییر کرد.</p>`)
	// A refused delete's problem is said on the segment's page.
	a = st.do(t, request{method: "GET", path: "/segments/1?problem=" + url.QueryEscape(`campaign 9 "spring" (draft) targets it`), token: "ebt_pr"})
	if !strings.Contains(a.body, `role="alert"`) || !strings.Contains(a.body, "spring") {
		t.Errorf("the refused delete's problem is not on the page:\n%s", a.body)
	}
}

// A refused edit form is drawn at its POST-only address; the language
// switch on it goes back to the segment's page the form was on.
func TestPages_SegmentRefusedFormLinksBack(t *testing.T) {
	st := newCampaignStaff(t, campaignActions{Actions: &Actions{}})
	a := st.do(t, request{method: "POST", path: "/segments/1/edit", token: "ebt_pr", form: url.Values{"lang": {"fa"}},
		header: map[string]string{"Referer": st.ts.URL + "/segments/1"}})
	if a.status != http.StatusBadRequest {
		t.Fatalf("refused edit = %d, want 400", a.status)
	}
	wantAll(t, "the refused form", a.body, `name="back" value="/segments/1"`)
	wantNone(t, "the refused form", a.body, `name="back" value="/segments/1/edit"`)

	// A form that names its page in a back field needs no Referer.
	a = st.do(t, request{method: "POST", path: "/segments/1/edit", token: "ebt_pr", form: url.Values{"lang": {"fa"}, "back": {"/segments/1"}}})
	if a.status != http.StatusBadRequest {
		t.Fatalf("refused edit = %d, want 400", a.status)
	}
	wantAll(t, "the refused form with its back", a.body, `name="back" value="/segments/1"`)
	wantNone(t, "the refused form with its back", a.body, `name="back" value="/segments/1/edit"`)
}
