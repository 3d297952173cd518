package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/web"
)

// The fake actions also do what the dashboard asks beyond the API, so
// its pages are served in these tests.

var _ web.PageActions = (*Actions)(nil)

// theCase is the fake's one safety case: the side-effect report of
// thread, received at t0.
func theCase() *bot.Case {
	return &bot.Case{ID: 1, Flag: 3, Kind: bot.SignalAdverseEvent, Queue: bot.CaseQueueSafety, Severity: bot.SeverityCritical, Product: "ویتامین D", Effect: "سرگیجه", Follower: sara, Thread: thread,
		MessageID: "m1", Text: "بعد از قرص سرگیجه گرفتم", Lang: "fa", Aware: t0, Created: t0,
		Status: bot.CaseOpen, Serious: bot.SeriousUnknown}
}

func (a *Actions) CorrectSentiment(_ context.Context, actor bot.Actor, k bot.ThreadKey, seq uint64, label string) error {
	if label != bot.SentimentPositive && label != bot.SentimentNeutral && label != bot.SentimentNegative {
		return bot.Errorf(bot.EINVALID, "label: want pos, neu or neg")
	}
	a.record(actor, "label("+strconv.FormatUint(seq, 10)+"="+label+")", k)
	return nil
}

func (a *Actions) Cases(_ context.Context, actor bot.Actor, f bot.CaseFilter) ([]*bot.Case, error) {
	if !actor.Can(bot.RoleSafety) {
		return nil, bot.Errorf(bot.EFORBIDDEN, "%s may not list cases", actor.Name)
	}
	return []*bot.Case{theCase()}, nil
}

func (a *Actions) ConfirmCase(_ context.Context, actor bot.Actor, id uint64, note string) error {
	a.record(actor, "confirm("+note+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) DismissCase(_ context.Context, actor bot.Actor, id uint64, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return bot.Errorf(bot.EINVALID, "reason: a dismissal needs its reason")
	}
	a.record(actor, "dismiss("+reason+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) MarkSerious(_ context.Context, actor bot.Actor, id uint64, serious bool, note string) error {
	a.record(actor, "serious("+strconv.FormatBool(serious)+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) ExportCases(_ context.Context, actor bot.Actor, ids ...uint64) ([]bot.CaseReport, error) {
	a.record(actor, "export", bot.ThreadKey{})
	return []bot.CaseReport{bot.NewCaseReport(theCase(), t0)}, nil
}

func (a *Actions) Alerts(_ context.Context, actor bot.Actor, f bot.AlertFilter) ([]*bot.Alert, error) {
	return []*bot.Alert{{ID: 1, Platform: "telegram", Status: bot.AlertActive, Negative: 40, Usual: 4, Factor: 10,
		Threads: []bot.ThreadKey{thread}, Raised: t0}}, nil
}

func (a *Actions) ExportFollower(_ context.Context, actor bot.Actor, k bot.FollowerKey) (*bot.FollowerExport, error) {
	a.record(actor, "exportfollower("+k.String()+")", bot.ThreadKey{})
	return &bot.FollowerExport{Follower: &bot.Follower{Key: k}}, nil
}

func (a *Actions) EraseFollower(_ context.Context, actor bot.Actor, k bot.FollowerKey, note string) (*bot.EraseResult, error) {
	a.record(actor, "erase("+k.String()+")", bot.ThreadKey{})
	return &bot.EraseResult{Pseudonym: "p-1234", Threads: 1, Messages: 2, CasesKept: []uint64{1}, Note: "case 1 kept"}, nil
}

func (a *Actions) Assign(_ context.Context, actor bot.Actor, k bot.ThreadKey, to string) error {
	if to != "sara" {
		return bot.Errorf(bot.EINVALID, "to: no moderator %q", to)
	}
	a.record(actor, "assign("+to+")", k)
	return nil
}

func (a *Actions) MarkOutboundSent(_ context.Context, actor bot.Actor, id uint64, note string) error {
	a.record(actor, "sent("+strconv.FormatUint(id, 10)+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) ResendOutbound(_ context.Context, actor bot.Actor, id uint64, note string) error {
	a.record(actor, "resend("+strconv.FormatUint(id, 10)+")", bot.ThreadKey{})
	return nil
}

// The fake outbox: one reply to thread whose delivery is unknown, one
// failed in another chat.
func (t dataTx) Outbox(state bot.OutState, after uint64, limit int) ([]*bot.Outbound, error) {
	items := []*bot.Outbound{
		{ID: 9, Platform: thread.Platform, Account: thread.Account, Chat: thread.Chat, Text: "پاسخ شاید رسیده", State: bot.OutUnknown,
			LastError: "interrupted while sending; it may have been delivered", Updated: t0},
		{ID: 10, Platform: other.Platform, Account: other.Account, Chat: other.Chat, Text: "failed reply", State: bot.OutFailed, Updated: t0},
	}
	var out []*bot.Outbound
	for _, o := range items {
		if o.State == state && o.ID > after {
			out = append(out, o)
		}
	}
	return out, nil
}

// The fake store's sentiment: every bucket holds one positive message,
// and the first also the thread's message under its override's label.
func (t dataTx) SentimentSeries(platform string, from, to time.Time, step bot.Step) ([]bot.SentimentBucket, error) {
	var out []bot.SentimentBucket
	for at := from; at.Before(to); at = step.Next(at) {
		out = append(out, bot.SentimentBucket{Start: at, Positive: 1, Volume: 1})
	}
	if len(out) > 0 {
		out[0].Neutral, out[0].Volume = len(t.d.labels), out[0].Volume+len(t.d.labels)
	}
	return out, nil
}

func (t dataTx) SentimentByDay(platform string, from, to time.Time, limit int) ([]*bot.SentimentRecord, error) {
	return []*bot.SentimentRecord{
		{Platform: "telegram", Account: "support", Thread: thread, MessageID: "m1", Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.6},
			Intent: "complaint", Signals: []string{"adverse_event"}, At: from},
		{Platform: "telegram", Account: "sales", Thread: bot.ThreadKey{Platform: "telegram", Account: "sales", Chat: "9"}, MessageID: "m9",
			Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.8}, At: from.Add(time.Minute)},
	}, nil
}

// signedIn signs sara in and returns her cookie.
func signedIn(t *testing.T, st *staff) *http.Cookie {
	t.Helper()
	a := signIn(t, st, "sara", "sara's long password")
	for _, c := range (&http.Response{Header: a.header}).Cookies() {
		if c.Name == web.SessionCookie {
			return c
		}
	}
	t.Fatalf("sign-in = %d, no session cookie", a.status)
	return nil
}

var persianDigit = regexp.MustCompile(`[۰-۹]`)

func TestPages_LoginForm(t *testing.T) {
	st := newStaff(t, "")
	a := st.do(t, request{method: "GET", path: "/login?next=%2Fsafety"})
	if a.status != 200 || !strings.Contains(a.body, `dir="rtl"`) || !strings.Contains(a.body, `name="next" value="/safety"`) || !strings.Contains(a.body, "ورود") {
		t.Fatalf("GET /login = %d, want the Persian form coming back to /safety:\n%s", a.status, a.body)
	}
	browser := map[string]string{"Accept": "text/html,application/xhtml+xml"}
	for i, tc := range []struct {
		form   url.Values
		header map[string]string
		status int
		page   string // "" for the JSON answer
	}{
		{url.Values{"name": {"sara"}, "password": {"wrong one"}}, browser, 401, "نام کاربری یا گذرواژه درست نیست."},
		{url.Values{"name": {"sara"}, "password": {"wrong one"}}, nil, 401, ""},
		{url.Values{"name": {"sara"}, "password": {""}}, browser, 401, "نام کاربری"},
	} {
		a := st.do(t, request{method: "POST", path: "/login", form: tc.form, header: tc.header})
		if a.status != tc.status {
			t.Errorf("%d: POST /login = %d, want %d", i, a.status, tc.status)
		}
		if tc.page == "" {
			errorBody(t, "JSON sign-in", a)
		} else if !strings.Contains(a.body, tc.page) || !strings.Contains(a.body, `id="login"`) {
			t.Errorf("%d: the form again saying %q, got %s", i, tc.page, a.body)
		}
	}
	// The throttle answers a page too, and keeps Retry-After.
	for range 5 {
		st.do(t, request{method: "POST", path: "/login", form: url.Values{"name": {"sara"}, "password": {"again wrong"}}, header: browser})
	}
	a = st.do(t, request{method: "POST", path: "/login?lang=en", form: url.Values{"name": {"sara"}, "password": {"sara's long password"}}, header: browser})
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") == "" || !strings.Contains(a.body, "Too many failed sign-ins") {
		t.Errorf("throttled browser sign-in = %d Retry-After %q %s", a.status, a.header.Get("Retry-After"), a.body)
	}
}

func TestPages_QueueInOrderAndPersian(t *testing.T) {
	st := newStaff(t, "")
	// A token is not a user: its pages are in Persian, the default.
	c := request{token: "ebt_moderator"}
	a := st.do(t, request{method: "GET", path: "/queue", token: c.token})
	if a.status != 200 || !strings.Contains(a.body, `lang="fa" dir="rtl"`) {
		t.Fatalf("queue = %d:\n%s", a.status, a.body)
	}
	var ids []string
	for _, m := range regexp.MustCompile(`data-flag="(\d+)"`).FindAllStringSubmatch(a.body, -1) {
		ids = append(ids, m[1])
	}
	// As the API orders them: critical first (self-harm then the side
	// effect, oldest first), then high, then medium; the closed one not.
	if want := []string{"5", "3", "4", "2", "1"}; !slices.Equal(ids, want) {
		t.Errorf("queue order %v, want %v", ids, want)
	}
	if !strings.Contains(a.body, "عارضهٔ دارویی") || !persianDigit.MatchString(a.body) || !strings.Contains(a.body, `<bdi dir="ltr">2026-03-01 11:00</bdi>`) {
		t.Errorf("queue: want Persian reasons, Persian digits and the Gregorian date isolated beside the Solar Hijri")
	}
	a = st.do(t, request{method: "GET", path: "/queue?reason=legal_threat", token: c.token})
	if n := strings.Count(a.body, "data-flag="); n != 2 {
		t.Errorf("filtered by reason: %d flags, want 2", n)
	}

	// The page polls the API's answer for the same flags.
	m := regexp.MustCompile(`data-api="([^"]+)"`).FindStringSubmatch(a.body)
	if m == nil || !strings.Contains(a.body, `src="/static/queue.js"`) {
		t.Fatalf("the queue page does not poll for new flags")
	}
	var l flagList
	decode(t, st.do(t, request{method: "GET", path: strings.ReplaceAll(m[1], "&amp;", "&"), token: c.token}), &l)
	if got := l.ids(); !slices.Equal(got, []uint64{4, 2}) {
		t.Errorf("the polled API answers %v, want the page's flags 4, 2", got)
	}
}

func TestPages_EnglishForAUserWhoChoseIt(t *testing.T) {
	st := newStaff(t, "")
	c := signedIn(t, st)
	a := st.do(t, request{method: "GET", path: "/queue", cookie: c})
	if !strings.Contains(a.body, `lang="en" dir="ltr"`) || !strings.Contains(a.body, "side effect") || persianDigit.MatchString(a.body) {
		t.Errorf("sara chose English; the queue is not in it")
	}
	a = st.do(t, request{method: "POST", path: "/lang", cookie: c, form: url.Values{"lang": {"en"}, "back": {"/queue"}}})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/queue" {
		t.Fatalf("POST /lang = %d to %q", a.status, a.header.Get("Location"))
	}
	if got := st.actions.took(); !slices.Contains(got, "sara lang(en) ./") {
		t.Errorf("the language went through SetUserLang: %v", got)
	}
	// The cross-site refusal holds for pages too.
	a = st.do(t, request{method: "POST", path: "/lang", cookie: c, form: url.Values{"lang": {"en"}}, header: map[string]string{"Sec-Fetch-Site": "cross-site"}})
	if a.status != http.StatusForbidden {
		t.Errorf("cross-site POST /lang = %d, want 403", a.status)
	}
}

func TestPages_ThreadAndItsButtons(t *testing.T) {
	st := newStaff(t, "")
	c := signedIn(t, st)
	id := web.ThreadID(thread)
	a := st.do(t, request{method: "GET", path: "/threads/" + id, cookie: c})
	if !strings.Contains(a.body, `data-outbound="9" data-state="unknown"`) || strings.Contains(a.body, "failed reply") {
		t.Errorf("the thread page must show its own unknown delivery, and only its own")
	}
	for _, want := range []string{"بعد از قرص سرگیجه گرفتم", "متاسفیم", `data-label="neu"`, `action="/threads/` + id + `/release"`, `id="reply-text"`, "corrected by"} {
		if !strings.Contains(a.body, want) {
			t.Errorf("thread page lacks %q", want)
		}
	}
	for i, tc := range []struct {
		what string
		form url.Values
		call string
		done string
	}{
		{"takeover", nil, "sara takeover " + thread.String(), "done_takeover"},
		{"reply", url.Values{"text": {"سلام، همکار ما تماس می‌گیرد"}}, "sara reply(سلام، همکار ما تماس می‌گیرد) " + thread.String(), "done_reply"},
		{"label", url.Values{"seq": {"1"}, "label": {"neg"}}, "sara label(1=neg) " + thread.String(), "done_label"},
		{"resolve", url.Values{"note": {"case opened"}}, "sara resolve(case opened) " + thread.String(), "done_resolve"},
		{"reply", url.Values{"text": {"  "}}, "", "problem="},
		{"label", url.Values{"seq": {"x"}, "label": {"neg"}}, "", "problem="},
		{"assign", url.Values{"to": {"sara"}}, "sara assign(sara) " + thread.String(), "done_assign"},
		{"assign", url.Values{"to": {"nobody"}}, "", "problem="},
		{"outbound/9", url.Values{"do": {"sent"}}, "sara sent(9) ./", "done_outbound_sent"},
		{"outbound/9", url.Values{"do": {"resend"}}, "sara resend(9) ./", "done_outbound_resend"},
		{"outbound/9", url.Values{"do": {"burn"}}, "", "problem="},
	} {
		before := len(st.actions.took())
		a := st.do(t, request{method: "POST", path: "/threads/" + id + "/" + tc.what, cookie: c, form: tc.form})
		loc := a.header.Get("Location")
		if a.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/threads/"+id+"?") || !strings.Contains(loc, tc.done) {
			t.Errorf("%d: %s = %d to %q, want back to the thread with %s", i, tc.what, a.status, loc, tc.done)
		}
		got := st.actions.took()[before:]
		if tc.call == "" && len(got) != 0 || tc.call != "" && !slices.Equal(got, []string{tc.call}) {
			t.Errorf("%d: %s called %v, want %q", i, tc.what, got, tc.call)
		}
	}
	// What went wrong is shown on the page it sends back to.
	a = st.do(t, request{method: "GET", path: "/threads/" + id + "?problem=" + url.QueryEscape("text: a reply needs text"), cookie: c})
	if !strings.Contains(a.body, `role="alert"`) || !strings.Contains(a.body, "text: a reply needs text") {
		t.Errorf("the problem is not on the page")
	}
	if a := st.do(t, request{method: "GET", path: "/threads/not-an-id", cookie: c}); a.status != http.StatusBadRequest || !strings.Contains(a.header.Get("Content-Type"), "text/html") {
		t.Errorf("a bad thread id = %d %s, want a 400 page", a.status, a.header.Get("Content-Type"))
	}
}

func TestPages_SafetyClockAndExport(t *testing.T) {
	st := newStaff(t, "")
	*st.now = t0.Add(5 * 24 * time.Hour)
	a := st.do(t, request{method: "GET", path: "/safety", token: "ebt_safety"})
	if a.status != 200 || !strings.Contains(a.body, `data-days="10"`) || !strings.Contains(a.body, "ویتامین D") || !strings.Contains(a.body, "۱۰ روز مانده") {
		t.Fatalf("safety queue = %d, want the case with 10 days left:\n%s", a.status, a.body)
	}
	if !strings.Contains(a.body, `data-severity="critical"`) || !strings.Contains(a.body, "عارضهٔ دارویی") {
		t.Errorf("the case does not show its kind and its critical severity")
	}
	for i, tc := range []struct {
		form url.Values
		call string
	}{
		{url.Values{"do": {"serious"}}, "token-safety serious(true) ./"},
		{url.Values{"do": {"dismiss"}, "note": {"duplicate of case 7"}}, "token-safety dismiss(duplicate of case 7) ./"},
		{url.Values{"do": {"dismiss"}}, ""},
		{url.Values{"do": {"burn"}}, ""},
	} {
		before := len(st.actions.took())
		a := st.do(t, request{method: "POST", path: "/safety/cases/1", token: "ebt_safety", form: tc.form})
		got := st.actions.took()[before:]
		if a.status != http.StatusSeeOther || (tc.call == "") != strings.Contains(a.header.Get("Location"), "problem=") {
			t.Errorf("%d: = %d to %q", i, a.status, a.header.Get("Location"))
		}
		if tc.call == "" && len(got) != 0 || tc.call != "" && !slices.Equal(got, []string{tc.call}) {
			t.Errorf("%d: called %v, want %q", i, got, tc.call)
		}
	}
	a = st.do(t, request{method: "GET", path: "/safety/export?format=csv&id=1", token: "ebt_safety"})
	if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/csv") || !strings.Contains(a.header.Get("Content-Disposition"), ".csv") || !strings.Contains(a.body, "سرگیجه") {
		t.Errorf("CSV export = %d %v %s", a.status, a.header, a.body)
	}
	a = st.do(t, request{method: "GET", path: "/safety/export?format=json", token: "ebt_safety"})
	var j struct{ Reports []json.RawMessage }
	if err := json.Unmarshal([]byte(a.body), &j); a.status != 200 || err != nil || len(j.Reports) != 1 {
		t.Errorf("JSON export = %d %v %s", a.status, err, a.body)
	}
	if a := st.do(t, request{method: "GET", path: "/safety/export?id=x", token: "ebt_safety"}); a.status != http.StatusBadRequest {
		t.Errorf("a bad id = %d, want 400", a.status)
	}
}

func TestPages_ChartsCountOverrides(t *testing.T) {
	st := newStaff(t, "")
	a := st.do(t, request{method: "GET", path: "/charts", token: "ebt_pr"})
	if a.status != 200 || strings.Count(a.body, `<g class="bar"`) != 30+48 {
		t.Fatalf("charts = %d with %d bars, want 30 days and 48 hours", a.status, strings.Count(a.body, `<g class="bar"`))
	}
	// 30 days of one positive each, and the override as neutral.
	if !strings.Contains(a.body, `data-pos="30" data-neu="1" data-neg="0" data-volume="31"`) {
		t.Errorf("totals do not count the override:\n%s", a.body)
	}
	a = st.do(t, request{method: "GET", path: "/charts/export?from=2026-03-01&to=2026-03-03&platform=telegram", token: "ebt_pr"})
	lines := strings.Split(strings.TrimSpace(a.body), "\n")
	if a.status != 200 || len(lines) != 4 || lines[0] != "day,platform,positive,neutral,negative,volume,mean_score" || !strings.Contains(lines[1], ",telegram,1,1,0,2,") {
		t.Errorf("CSV of three days = %d %q", a.status, lines)
	}
	if a := st.do(t, request{method: "GET", path: "/charts/export?from=2026-03-05&to=2026-03-01", token: "ebt_pr"}); a.status != http.StatusBadRequest {
		t.Errorf("a period ending before it starts = %d, want 400", a.status)
	}
	// One account's series is counted from its records, with the
	// person's label in place of the machine's.
	a = st.do(t, request{method: "GET", path: "/charts?account=telegram.support", token: "ebt_pr"})
	if !strings.Contains(a.body, `id="totals" data-pos="0" data-neu="1" data-neg="0" data-volume="1"`) {
		t.Errorf("telegram.support's totals: want its one message under the person's neutral:\n%s", a.body)
	}
	a = st.do(t, request{method: "GET", path: "/charts/export?from=2026-03-01&to=2026-03-01&account=sales&platform=telegram", token: "ebt_pr"})
	if lines := strings.Split(strings.TrimSpace(a.body), "\n"); len(lines) != 2 || !strings.Contains(lines[1], ",sales,0,0,1,1,") {
		t.Errorf("one account's CSV = %q", lines)
	}
	a = st.do(t, request{method: "GET", path: "/alerts", token: "ebt_pr"})
	if !strings.Contains(a.body, `href="/threads/`+web.ThreadID(thread)+`"`) {
		t.Errorf("the alert does not link its thread:\n%s", a.body)
	}
}

func TestPages_AdminErasesWithTheNotice(t *testing.T) {
	st := newStaff(t, "")
	a := st.do(t, request{method: "POST", path: "/admin/followers/erase", token: "ebt_admin", form: url.Values{"platform": {"telegram"}, "user": {"u1"}, "confirm": {"u2"}}})
	if !strings.Contains(a.header.Get("Location"), "problem=") || slices.ContainsFunc(st.actions.took(), func(c string) bool { return strings.Contains(c, "erase(") }) {
		t.Fatalf("an erasure without the id typed again went ahead: %q", a.header.Get("Location"))
	}
	a = st.do(t, request{method: "POST", path: "/admin/followers/erase", token: "ebt_admin", form: url.Values{"platform": {"telegram"}, "user": {"u1"}, "confirm": {"u1"}}})
	a = st.do(t, request{method: "GET", path: a.header.Get("Location"), token: "ebt_admin"})
	if !strings.Contains(a.body, "p-1234") || !strings.Contains(a.body, "نام مستعار") || !strings.Contains(a.body, "#1") {
		t.Errorf("the page after erasure does not say what was kept:\n%s", a.body)
	}
	a = st.do(t, request{method: "POST", path: "/admin/followers/export", token: "ebt_admin", form: url.Values{"platform": {"telegram"}, "user": {"u1"}}})
	if a.status != 200 || !strings.Contains(a.header.Get("Content-Disposition"), "follower-telegram_u1.json") {
		t.Errorf("follower export = %d %v", a.status, a.header)
	}
	for _, p := range []string{"/admin/users", "/admin/tokens", "/admin/audit"} {
		if a := st.do(t, request{method: "GET", path: p, token: "ebt_admin"}); a.status != 200 || strings.Contains(a.body, "$fake$") {
			t.Errorf("%s = %d", p, a.status)
		}
	}
}

// Every text has both languages.
func TestPages_EveryTextInBothLanguages(t *testing.T) {
	fa, en := web.Words(bot.LangFa), web.Words(bot.LangEn)
	for k := range fa {
		if _, ok := en[k]; !ok {
			t.Errorf("%q has no English", k)
		}
	}
	for k := range en {
		if _, ok := fa[k]; !ok {
			t.Errorf("%q has no Persian", k)
		}
	}
}

// A number, an e-mail or a link in Persian text keeps its order: each is
// isolated left to right, and the text is escaped.
func TestPages_IsolatesLeftToRight(t *testing.T) {
	for i, tc := range []struct{ in, want string }{
		{"شماره من 0912-000-0000 است", `شماره من <bdi dir="ltr">0912-000-0000</bdi> است`},
		{"به a.b@example.com یا https://example.com/x?y=1 بنویسید", `به <bdi dir="ltr">a.b@example.com</bdi> یا <bdi dir="ltr">https://example.com/x?y=1</bdi> بنویسید`},
		{`<script>alert(1)</script>`, `&lt;script&gt;alert(<bdi dir="ltr">1</bdi>)&lt;/script&gt;`},
		{"بدون عدد", "بدون عدد"},
	} {
		if got := string(web.Isolate(tc.in)); got != tc.want {
			t.Errorf("%d: %q, want %q", i, got, tc.want)
		}
	}
}

// /dashboard sends each person to the page of their work, and a page a
// role may not use says so, in the page's language.
func TestPages_HomeByRoleAndRefusal(t *testing.T) {
	st := newStaff(t, "")
	for _, tc := range []struct{ token, to string }{
		{"ebt_moderator", "/queue"}, {"ebt_safety", "/safety"}, {"ebt_pr", "/charts"}, {"ebt_viewer", "/queue"}, {"ebt_admin", "/queue"},
	} {
		if a := st.do(t, request{method: "GET", path: "/dashboard", token: tc.token}); a.status != http.StatusSeeOther || a.header.Get("Location") != tc.to {
			t.Errorf("%s: /dashboard = %d to %q, want %s", tc.token, a.status, a.header.Get("Location"), tc.to)
		}
	}
	a := st.do(t, request{method: "GET", path: "/safety", token: "ebt_viewer"})
	if a.status != http.StatusForbidden || !strings.Contains(a.body, "اجازه ندارید") || !strings.Contains(a.body, "token-viewer may not use GET /safety") {
		t.Errorf("a viewer on /safety = %d:\n%s", a.status, a.body)
	}
}
