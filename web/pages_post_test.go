package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// A post's page: its text, accounts, time in both calendars and state,
// each account's outcome of its slot (sent with the platform's id and
// link, failed with the error), the retry button of the failed account
// for PR only, in Persian right to left and in English.
func TestPages_Post(t *testing.T) {
	st := newStaff(t, "")
	for i, tc := range []struct {
		rq        request
		want, not []string
	}{
		{request{method: "GET", path: "/posts/1", token: "ebt_pr"}, []string{`lang="fa" dir="rtl"`, "پست زمان‌بندی‌شده", `data-post="1" data-state="failed"`,
			"flu season: wash your hands", `data-target="telegram.support"`, `data-target="x.brand"`, "@brand",
			"یک‌باره", "۱۱ آذر ۱۴۰۵", "2026-12-02 09:30", "Asia/Tehran", `data-approval="reza"`, "medical: ok",
			`data-slot="2026-12-02T06:00:00Z" data-state="failed"`,
			`data-account="telegram.support" data-outcome="published"`, "ارسال شد", `href="https://t.me/brand/77"`, ">77</a>",
			`data-account="x.brand" data-outcome="failed"`, "send permanent (403)",
			`action="/posts/1/retry"`, `name="at" value="2026-12-02T06:00:00Z"`, `data-retry="x.brand"`, `id="coming-empty"`},
			// An ended post has no state buttons; a sent account no retry.
			[]string{"post_", `id="post-actions"`, `data-retry="telegram.support"`, `id="post-readonly"`}},
		{request{method: "GET", path: "/posts/1", token: "ebt_viewer"}, []string{"ارسال شد", "send permanent (403)", `id="post-readonly"`},
			[]string{`action="/posts/1/retry"`, "data-retry", `method="post" action="/posts/`}},
		{request{method: "GET", path: "/posts/1", cookie: signedIn(t, st)}, []string{`lang="en" dir="ltr"`, "Scheduled post", "once",
			"2026-12-02 09:30", "11 Azar 1405", ">sent<", ">failed<", "send permanent (403)", `id="post-readonly"`},
			[]string{"post_", "data-retry"}},
	} {
		a := st.do(t, tc.rq)
		if a.status != 200 {
			t.Fatalf("Test %d: %s = %d:\n%s", i, tc.rq.path, a.status, a.body)
		}
		wantAll(t, tc.rq.path, a.body, tc.want...)
		wantNone(t, tc.rq.path, a.body, tc.not...)
	}
	for path, status := range map[string]int{"/posts/9": http.StatusNotFound, "/posts/abc": http.StatusBadRequest} {
		a := st.do(t, request{method: "GET", path: path, token: "ebt_pr"})
		if a.status != status || !strings.Contains(a.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s = %d %s, want a %d page", path, a.status, a.header.Get("Content-Type"), status)
		}
	}
	if a := st.do(t, request{method: "GET", path: "/posts/1"}); a.status != http.StatusSeeOther {
		t.Errorf("a post's page without a session = %d, want 303 to the sign-in", a.status)
	}

	// Retry calls the action with the slot and account, and comes back.
	a := st.do(t, request{method: "POST", path: "/posts/1/retry", token: "ebt_pr", form: url.Values{"at": {"2026-12-02T06:00:00Z"}, "account": {"x.brand"}}})
	if loc := a.header.Get("Location"); a.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/posts/1?done=done_post_retry") {
		t.Errorf("retry = %d to %q, want 303 back to the post", a.status, loc)
	}
	if !slices.Contains(st.actions.took(), "token-pr post.retry(1 2026-12-02T06:00:00Z x.brand) ./") {
		t.Errorf("retry reached %v", st.actions.took())
	}
	a = st.do(t, request{method: "POST", path: "/posts/1/retry", token: "ebt_pr", form: url.Values{"account": {"x.brand"}}})
	if loc := a.header.Get("Location"); !strings.Contains(loc, "problem=") {
		t.Errorf("retry without its slot went to %q, want the problem said", loc)
	}
}

// A recurring post that is scheduled: its rule, its slots to come read
// through the engine's clocks, and the cancel button for PR only.
func TestPages_PostRecurring(t *testing.T) {
	now := time.Date(2026, 12, 15, 8, 0, 0, 0, time.UTC)
	st := newCalendarStaff(t, now, true)
	a := st.do(t, request{method: "GET", path: "/posts/2", token: "ebt_pr"})
	wantAll(t, "a recurring post", a.body, "tip of the day", "تکرارشونده", `id="post-cron">0 0 9 * * *</code>`, "زمان‌بندی‌شده",
		`data-at="2026-12-16T05:30:00Z"`, `data-at="2026-12-20T05:30:00Z"`, "۲۵ آذر ۱۴۰۵", `id="slots-empty"`,
		`action="/posts/2/cancel"`, `id="do-post-cancel"`)
	wantNone(t, "a recurring post", a.body, "post_", `data-at="2026-12-21T05:30:00Z"`, `id="do-post-approve"`, `id="do-post-submit"`)
	if n := strings.Count(a.body, `class="coming"`); n != 5 {
		t.Errorf("%d slots to come, want 5", n)
	}
	for _, tok := range []string{"ebt_viewer", "ebt_moderator", "ebt_safety"} {
		a := st.do(t, request{method: "GET", path: "/posts/2", token: tok})
		wantAll(t, tok, a.body, `id="post-readonly"`, `data-at="2026-12-16T05:30:00Z"`)
		wantNone(t, tok, a.body, `action="/posts/2/cancel"`, "do-post-")
	}
	a = st.do(t, request{method: "POST", path: "/posts/2/cancel", token: "ebt_pr", form: url.Values{"note": {"withdrawn"}}})
	if a.status != http.StatusSeeOther || !slices.Contains(st.actions.took(), "token-pr post.cancel(2 withdrawn) ./") {
		t.Errorf("cancel = %d, reached %v", a.status, st.actions.took())
	}
}
