package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"engagebot/bot"
	"engagebot/web"
)

// campaignActions are the fake actions with campaigns of every kind and
// state: "7" is a running A/B message campaign with its variants'
// figures, "8" an event, "9" a draft; the fake's own "1" (a running
// survey) stays.
type campaignActions struct {
	*Actions
	// none lists no campaigns and no segments: the empty state.
	none bool
	// state, when set, is every campaign's state.
	state bot.CampaignState
	// refuse refuses every start, as the service does a campaign that
	// is not a draft.
	refuse bool
}

func (a campaignActions) StartCampaign(ctx context.Context, actor bot.Actor, id string) (*bot.Campaign, error) {
	if a.refuse {
		return nil, bot.Errorf(bot.ECONFLICT, "campaign %s is running: only a draft starts", id)
	}
	return a.Actions.StartCampaign(ctx, actor, id)
}

var _ web.CampaignActions = campaignActions{}

func (a campaignActions) campaigns() []*bot.Campaign {
	ab := &bot.Campaign{ID: "7", Name: "winter offer", Kind: bot.CampaignMessage, Segment: "1", Accounts: []string{"telegram.support", "rubika.main"},
		Window: bot.DefaultWindow, State: bot.CampaignRunning, Author: "pari", Created: t0, Started: t0,
		Variants: []bot.Variant{{Name: "A", Text: "سلام {{.Name}}"}, {Name: "B", Text: "درود {{.Name}}، پیشنهاد زمستان"}},
		Progress: bot.Progress{Targeted: 100, Sent: 78, Failed: 2, Pending: 10, Skipped: map[string]int{bot.SkipOptedOut: 6, bot.SkipMetaWindow: 4}},
		Stats: map[string]*bot.VariantStats{
			"A": {Sent: 40, Replies: 10, OptOuts: 2, Sentiment: 3, ReplyRate: 0.25, OptOutRate: 0.05, MeanSentiment: 0.3},
			"B": {Sent: 38, Replies: 19, OptOuts: 1, Sentiment: -1.9, ReplyRate: 0.5, OptOutRate: 1.0 / 38, MeanSentiment: -0.1},
		}}
	event := &bot.Campaign{ID: "8", Name: "pharmacy day", Kind: bot.CampaignEvent, Segment: "1", Accounts: []string{"telegram.support"},
		Window: bot.DefaultWindow, State: bot.CampaignDone, Author: "pari", Created: t0.Add(-48 * 3600e9),
		Event:    &bot.CampaignEventInfo{Title: "روز داروخانه", At: t0.Add(72 * 3600e9), Place: "تهران", Link: "https://example.com/day", Remind: bot.Duration(24 * 3600e9)},
		Answers:  []int{12, 3},
		Progress: bot.Progress{Targeted: 20, Sent: 18, Skipped: map[string]int{bot.SkipNotStarted: 2}}}
	draft := &bot.Campaign{ID: "9", Name: "spring", Kind: bot.CampaignMessage, Segment: "1", Accounts: []string{"telegram.support"},
		Text: "سلام", Window: bot.DefaultWindow, State: bot.CampaignDraft, Author: "pari", Created: t0.Add(3600e9), Progress: bot.Progress{Skipped: map[string]int{}}}
	out := []*bot.Campaign{ab, event, draft, fakeCampaign("1")}
	if a.state != "" {
		for _, c := range out {
			c.State = a.state
		}
	}
	return out
}

func (a campaignActions) Campaigns(_ context.Context, actor bot.Actor) ([]*bot.Campaign, error) {
	if a.none {
		return nil, nil
	}
	return a.campaigns(), nil
}

func (a campaignActions) Campaign(_ context.Context, actor bot.Actor, id string) (*bot.Campaign, error) {
	for _, c := range a.campaigns() {
		if c.ID == id {
			return c, nil
		}
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "campaign %q not found", id)
}

func (a campaignActions) Segments(ctx context.Context, actor bot.Actor) ([]bot.SegmentView, error) {
	if a.none {
		return nil, nil
	}
	return a.Actions.Segments(ctx, actor)
}

func (a campaignActions) DryRunCampaign(_ context.Context, actor bot.Actor, id string, n int) ([]bot.DryRunItem, error) {
	out := []bot.DryRunItem{
		{Follower: sara, Name: "سارا", Lang: "fa", Account: "telegram.support", Variant: "A", Text: "سلام سارا، شمارهٔ ما 021-8888 است"},
		{Follower: bot.FollowerKey{Platform: "telegram", UserID: "u3"}, Lang: "en", Account: "telegram.support", Variant: "B", Text: "Hello Sam, the winter offer"},
		{Follower: bot.FollowerKey{Platform: "telegram", UserID: "u4"}, Variant: "A", Skip: bot.SkipOptedOut},
	}
	return out[:min(n, len(out))], nil
}

// newCampaignStaff is newStaff with acts for actions and the accounts
// the server knows.
func newCampaignStaff(t *testing.T, acts campaignActions, accounts ...string) *staff {
	t.Helper()
	st := &staff{auth: newAuth(), actions: acts.Actions}
	core := &Core{}
	for _, a := range accounts {
		core.accounts = append(core.accounts, bot.AccountStatus{Account: a, State: bot.AccountOK})
	}
	st.srv = web.New(web.Options{Engine: core, Version: "v-test", Auth: st.auth, Data: newData(),
		Actions: acts, Passwords: hasher{}, UploadDir: t.TempDir()})
	st.ts = httptest.NewServer(st.srv.Handler())
	t.Cleanup(st.ts.Close)
	return st
}

func wantAll(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func wantNone(t *testing.T, what, body string, not ...string) {
	t.Helper()
	for _, w := range not {
		if strings.Contains(body, w) {
			t.Errorf("%s shows %q", what, w)
		}
	}
}

// The A/B campaign's page in Persian: progress adding up, skip reasons
// by name, the variants' rates with the numbers behind them, and the
// script that keeps the numbers up to date while it runs.
func TestPages_CampaignFigures(t *testing.T) {
	st := newCampaignStaff(t, campaignActions{Actions: &Actions{}})
	a := st.do(t, request{method: "GET", path: "/campaigns/7", token: "ebt_pr"})
	if a.status != 200 || !strings.Contains(a.body, `lang="fa" dir="rtl"`) {
		t.Fatalf("campaign page = %d:\n%s", a.status, a.body)
	}
	wantAll(t, "the Persian campaign page", a.body,
		`data-count="targeted">۱۰۰<`, `data-count="sent">۷۸<`, `data-count="failed">۲<`, `data-count="pending">۱۰<`, `data-count="skipped">۱۰<`,
		`<th scope="row">لغو دریافت کرده</th><td data-skip="opted_out">۶</td>`,
		`<th scope="row">بیرون از بازهٔ ۲۴ ساعتهٔ متا</th><td data-skip="outside_24h_window">۴</td>`,
		// The bar: 78, 2, 10 and 10 of 100, side by side.
		`data-bar="sent" x="0.00" width="78.00"`, `data-bar="failed" x="78.00" width="2.00"`,
		`data-bar="pending" x="80.00" width="10.00"`, `data-bar="skipped" x="90.00" width="10.00"`,
		// The variants: A 10 of 40 replied, B 19 of 38; opt-outs 2 of 40 and 1 of 38.
		`<tr data-variant="A" data-reply-rate="0.25" data-opt-out-rate="0.05">`, `۲۵٫۰٪ <span class="alt">(۱۰/۴۰)</span>`, `۵٫۰٪ <span class="alt">(۲/۴۰)</span>`,
		`<tr data-variant="B" data-reply-rate="0.50"`, `۵۰٫۰٪ <span class="alt">(۱۹/۳۸)</span>`, `۲٫۶٪ <span class="alt">(۱/۳۸)</span>`,
		`<bdi dir="ltr">۰٫۳۰</bdi>`, `<bdi dir="ltr">-۰٫۱۰</bdi>`,
		`id="campaign-live" data-api="/api/v1/campaigns/7" data-state="running"`, "<script>", `fetch(api`,
		"در حال ارسال", `<bdi dir="ltr">telegram.support</bdi>`, `datetime="2026-03-01T`, "۱۴۰۴", // Solar Hijri beside Gregorian
		`href="/campaigns" id="nav-campaigns"`,
	)
	// The counts add up to those targeted.
	if got := sumCounts(t, a.body); got != 100 {
		t.Errorf("sent, failed, pending and skipped add up to %d, want the 100 targeted", got)
	}
	// In English.
	st.auth.roles["sara"] = []bot.Role{bot.RolePR}
	a = st.do(t, request{method: "GET", path: "/campaigns/7", cookie: signedInAs(t, st)})
	wantAll(t, "the English campaign page", a.body, `lang="en" dir="ltr"`, `data-count="sent">78<`,
		`<th scope="row">opted out</th><td data-skip="opted_out">6</td>`, `<th scope="row">outside Meta&#39;s 24-hour window</th>`,
		`25.0% <span class="alt">(10/40)</span>`, `50.0% <span class="alt">(19/38)</span>`, `<bdi dir="ltr">0.30</bdi>`, "Variants compared", "running")
	if got := sumCounts(t, a.body); got != 100 {
		t.Errorf("English: the counts add up to %d, want 100", got)
	}
}

// sumCounts adds the page's sent, failed, pending and skipped.
func sumCounts(t *testing.T, body string) int {
	t.Helper()
	sum := 0
	for _, k := range []string{"sent", "failed", "pending", "skipped"} {
		m := regexp.MustCompile(`data-count="` + k + `">([0-9۰-۹]+)<`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no %s count on the page", k)
		}
		n := 0
		for _, r := range m[1] {
			if r >= '۰' && r <= '۹' {
				r = '0' + (r - '۰')
			}
			n = n*10 + int(r-'0')
		}
		sum += n
	}
	return sum
}

// A survey's answers per option with their share; an event's yes and no,
// with the attendees' export for PR staff.
func TestPages_CampaignAnswers(t *testing.T) {
	st := newCampaignStaff(t, campaignActions{Actions: &Actions{}})
	a := st.do(t, request{method: "GET", path: "/campaigns/1", token: "ebt_viewer"})
	wantAll(t, "the survey's page", a.body, "پاسخ‌های نظرسنجی", `<strong>ok?</strong>`,
		`<td data-answer="0">۳</td>`, `<meter min="0" max="4" value="3" data-meter="0">`, `<span data-pct="0">۷۵٪</span>`,
		`<td data-answer="1">۱</td>`, `<span data-pct="1">۲۵٪</span>`, `id="campaign-readonly"`)
	wantNone(t, "a viewer's survey page", a.body, `id="campaign-actions"`, `id="attendees"`)

	a = st.do(t, request{method: "GET", path: "/campaigns/8", token: "ebt_pr"})
	wantAll(t, "the event's page", a.body, "پاسخ به دعوت", `dir="auto">بله</th>`, `dir="auto">خیر</th>`, `<td data-answer="0">۱۲</td>`, `۸۰٪`,
		`id="attendees" href="/api/v1/campaigns/8/recipients?answer=1&amp;format=csv"`,
		`<bdi>روز داروخانه</bdi>`, `<bdi dir="ltr">https://example.com/day</bdi>`, "۱ روز", "ربات را آغاز نکرده")
	// Done: nothing to press, nothing to poll.
	wantNone(t, "a done campaign's page", a.body, `id="campaign-actions"`, `id="campaign-live"`, "<script>")
	if a := st.do(t, request{method: "GET", path: "/campaigns/8", token: "ebt_moderator"}); strings.Contains(a.body, `id="attendees"`) {
		t.Errorf("a moderator is offered the attendees' export, which is PR's")
	}
	if a := st.do(t, request{method: "GET", path: "/campaigns/404", token: "ebt_pr"}); a.status != http.StatusNotFound {
		t.Errorf("a missing campaign = %d, want 404", a.status)
	}
}

// Each state shows its own buttons, and only to PR staff.
func TestPages_CampaignButtonsByState(t *testing.T) {
	for i, tc := range []struct {
		state bot.CampaignState
		want  []string
	}{
		{bot.CampaignDraft, []string{"dry-run", "start", "cancel"}},
		{bot.CampaignRunning, []string{"pause", "cancel"}},
		{bot.CampaignPaused, []string{"resume", "cancel"}},
		{bot.CampaignDone, nil},
		{bot.CampaignCancelled, nil},
	} {
		st := newCampaignStaff(t, campaignActions{Actions: &Actions{}, state: tc.state})
		for _, who := range []string{"ebt_pr", "ebt_admin", "ebt_moderator", "ebt_viewer"} {
			a := st.do(t, request{method: "GET", path: "/campaigns/7", token: who})
			if a.status != 200 {
				t.Fatalf("Test %d: %s = %d", i, who, a.status)
			}
			got := []string{}
			for _, m := range regexp.MustCompile(`action="/campaigns/7/([a-z-]+)"`).FindAllStringSubmatch(a.body, -1) {
				got = append(got, m[1])
			}
			want := tc.want
			if who == "ebt_moderator" || who == "ebt_viewer" {
				want = nil
			}
			if !slices.Equal(got, append([]string{}, want...)) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("Test %d: %s as %s has buttons %v, want %v", i, tc.state, who, got, want)
			}
		}
		live := strings.Contains(st.do(t, request{method: "GET", path: "/campaigns/7", token: "ebt_viewer"}).body, `id="campaign-live"`)
		if want := tc.state == bot.CampaignRunning || tc.state == bot.CampaignPaused; live != want {
			t.Errorf("Test %d: %s polls %v, want %v", i, tc.state, live, want)
		}
	}
}

// Start, Pause and Cancel reach the campaigns' actions and come back to
// the page with the outcome; a viewer and a moderator are refused and
// change nothing.
func TestPages_CampaignPresses(t *testing.T) {
	st := newCampaignStaff(t, campaignActions{Actions: &Actions{}})
	for _, path := range []string{"/campaigns/7/start", "/campaigns/7/pause", "/campaigns/7/cancel", "/campaigns/7/dry-run", "/campaigns"} {
		for _, who := range []string{"ebt_viewer", "ebt_moderator", "ebt_safety"} {
			a := st.do(t, request{method: "POST", path: path, token: who, form: url.Values{"name": {"x"}}})
			if a.status != http.StatusForbidden || !strings.Contains(a.body, "اجازه ندارید") {
				t.Errorf("%s as %s = %d, want the refusal page", path, who, a.status)
			}
		}
	}
	if got := st.actions.took(); len(got) != 0 {
		t.Fatalf("refused presses reached the actions: %v", got)
	}
	for _, what := range []string{"start", "pause", "resume", "cancel"} {
		before := len(st.actions.took())
		a := st.do(t, request{method: "POST", path: "/campaigns/7/" + what, token: "ebt_pr"})
		if loc := a.header.Get("Location"); a.status != http.StatusSeeOther || loc != "/campaigns/7?done=done_campaign_"+what {
			t.Errorf("%s = %d to %q, want back to the campaign with its outcome", what, a.status, loc)
		}
		if got, want := st.actions.took()[before:], []string{"token-pr campaign." + what + "(7) ./"}; !slices.Equal(got, want) {
			t.Errorf("%s called %v, want %v", what, got, want)
		}
	}
	a := st.do(t, request{method: "GET", path: "/campaigns/7?done=done_campaign_pause", token: "ebt_pr"})
	wantAll(t, "the page after Pause", a.body, `role="status">کمپین مکث کرد.`)
	// A refused move comes back with its problem.
	st2 := newCampaignStaff(t, campaignActions{Actions: &Actions{}, refuse: true})
	a = st2.do(t, request{method: "POST", path: "/campaigns/7/start", token: "ebt_pr"})
	if loc := a.header.Get("Location"); a.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/campaigns/7?problem=") {
		t.Errorf("a refused start = %d to %q, want back with its problem", a.status, loc)
	}
	a = st2.do(t, request{method: "GET", path: "/campaigns/7?problem=campaign+7+is+running%3A+only+a+draft+starts", token: "ebt_pr"})
	wantAll(t, "the page after a refused start", a.body, `role="alert"><bdi>campaign 7 is running: only a draft starts</bdi>`)
}

// A dry run shows what each sample follower would receive, in the
// campaign's page, and sends nothing.
func TestPages_CampaignDryRun(t *testing.T) {
	st := newCampaignStaff(t, campaignActions{Actions: &Actions{}})
	a := st.do(t, request{method: "POST", path: "/campaigns/9/dry-run", token: "ebt_pr"})
	if a.status != 200 {
		t.Fatalf("dry run = %d:\n%s", a.status, a.body)
	}
	wantAll(t, "the dry run", a.body, `id="dry-run"`, `data-follower="telegram:u1"`, `<bdi>سارا</bdi>`,
		`سلام سارا، شمارهٔ ما <bdi dir="ltr">021-8888</bdi> است`, "Hello Sam, the winter offer",
		`<bdi dir="ltr">B</bdi>`, "کنار گذاشته می‌شد: <bdi>لغو دریافت کرده</bdi>", `data-campaign="9" data-state="draft"`)
	if got := st.actions.took(); len(got) != 0 {
		t.Errorf("a dry run changed something: %v", got)
	}
}

// The list: each campaign with its kind, state, bar and counts, newest
// first; the form offers the segments and the configured accounts; the
// empty state says there are none.
func TestPages_CampaignList(t *testing.T) {
	st := newCampaignStaff(t, campaignActions{Actions: &Actions{}}, "telegram.support", "rubika.main")
	a := st.do(t, request{method: "GET", path: "/campaigns", token: "ebt_pr"})
	if a.status != 200 {
		t.Fatalf("campaigns = %d:\n%s", a.status, a.body)
	}
	wantAll(t, "the campaigns", a.body, `<tr data-campaign="7" data-state="running">`, `<a href="/campaigns/7"><bdi>winter offer</bdi></a>`,
		"فرستاده ۷۸ · ناموفق ۲ · در انتظار ۱۰ · کنار گذاشته ۱۰ / ۱۰۰", "نظرسنجی", "دعوت به رویداد", "پیش‌نویس", "پایان‌یافته",
		`id="new-campaign"`, `<option value="1" >fa (۳)</option>`,
		`<input type="checkbox" name="account" value="telegram.support" >`, `value="rubika.main"`, `name="window" dir="ltr" size="12" value="08:00-21:00"`,
		`name="text_b"`, `name="question"`, `name="options"`, `name="title"`, `name="at"`, `name="remind"`)
	order := regexp.MustCompile(`data-campaign="(\d+)"`).FindAllStringSubmatch(a.body, -1)
	if len(order) != 4 || order[0][1] != "9" || order[1][1] != "7" {
		t.Errorf("campaigns in order %v, want the newest (9) first", order)
	}
	// A viewer sees the list without the form.
	a = st.do(t, request{method: "GET", path: "/campaigns", token: "ebt_viewer"})
	wantAll(t, "a viewer's campaigns", a.body, `data-campaign="7"`, `id="campaigns-readonly"`)
	wantNone(t, "a viewer's campaigns", a.body, `id="new-campaign"`)
	// Empty, without known accounts: the accounts are typed.
	empty := newCampaignStaff(t, campaignActions{Actions: &Actions{}, none: true})
	a = empty.do(t, request{method: "GET", path: "/campaigns", token: "ebt_pr"})
	wantAll(t, "no campaigns", a.body, `id="campaigns-empty"`, "هنوز کمپینی نیست.", `name="accounts"`, `name="segment" id="segment"`, `href="/segments"`)
	wantNone(t, "no campaigns", a.body, `id="campaigns"`, `type="checkbox" name="account"`)
}

// Creating a campaign from the form: an A/B test of two texts, a survey
// with its options one per line, an event at a Solar Hijri time; a
// refused form comes back as typed, with its problem.
func TestPages_CampaignCreate(t *testing.T) {
	st := newCampaignStaff(t, campaignActions{Actions: &Actions{}}, "telegram.support", "rubika.main")
	for i, tc := range []struct {
		form url.Values
		call string
	}{
		{url.Values{"name": {"winter"}, "kind": {"message"}, "segment": {"1"}, "account": {"telegram.support", "rubika.main"}, "text": {"سلام"}, "text_b": {"درود"}},
			"token-pr campaign.create(winter 1 rubika.main,telegram.support) ./"},
		{url.Values{"name": {"poll"}, "kind": {"survey"}, "segment": {"1"}, "accounts": {"telegram.support"}, "question": {"خوب بود؟"}, "options": {"بله\r\nنه\r\n\r\n"}},
			"token-pr campaign.create(poll 1 telegram.support) ./"},
		{url.Values{"name": {"day"}, "kind": {"event"}, "segment": {"1"}, "account": {"telegram.support"}, "title": {"روز داروخانه"}, "at": {"1405-01-10 18:00"}, "remind": {"1d"}},
			"token-pr campaign.create(day 1 telegram.support) ./"},
	} {
		before := len(st.actions.took())
		a := st.do(t, request{method: "POST", path: "/campaigns", token: "ebt_pr", form: tc.form})
		if loc := a.header.Get("Location"); a.status != http.StatusSeeOther || loc != "/campaigns/2?done=done_campaign_create" {
			t.Errorf("Test %d: create = %d to %q\n%s", i, a.status, loc, a.body)
		}
		if got := st.actions.took()[before:]; !slices.Equal(got, []string{tc.call}) {
			t.Errorf("Test %d: create called %v, want %q", i, got, tc.call)
		}
	}
	for i, tc := range []struct {
		form    url.Values
		problem string
	}{
		{url.Values{"name": {"late"}, "segment": {"1"}, "account": {"telegram.support"}, "text": {"hi"}, "window": {"late"}}, "window"},
		{url.Values{"name": {"poll"}, "kind": {"survey"}, "segment": {"1"}, "account": {"telegram.support"}, "question": {"q"}, "options": {"only one"}}, "survey.options"},
		{url.Values{"name": {"day"}, "kind": {"event"}, "segment": {"1"}, "account": {"telegram.support"}, "title": {"t"}, "at": {"soon"}}, "event.at"},
		{url.Values{"name": {"nobody"}, "segment": {"1"}, "text": {"hi"}}, "accounts"},
	} {
		a := st.do(t, request{method: "POST", path: "/campaigns", token: "ebt_pr", form: tc.form})
		if a.status != http.StatusBadRequest || !strings.Contains(a.body, `role="alert"`) || !strings.Contains(a.body, tc.problem) {
			t.Errorf("Test %d: a bad campaign = %d, want the form again saying %q:\n%s", i, a.status, tc.problem, a.body)
		}
		if !strings.Contains(a.body, `value="`+tc.form.Get("name")+`"`) {
			t.Errorf("Test %d: the form came back without its name", i)
		}
	}
}

// The segments: each with its rule in words and its count; the form
// previews a rule with a sample before keeping it, creates and deletes.
func TestPages_Segments(t *testing.T) {
	st := newCampaignStaff(t, campaignActions{Actions: &Actions{}})
	a := st.do(t, request{method: "GET", path: "/segments", token: "ebt_pr"})
	if a.status != 200 {
		t.Fatalf("segments = %d:\n%s", a.status, a.body)
	}
	wantAll(t, "the segments", a.body, `<tr data-segment="1">`, `<a href="/segments/1"><bdi>fa</bdi></a>`, `data-count="3">۳<`,
		"همهٔ دنبال‌کنندگان", `action="/segments/1/delete"`, `<details class="confirm"><summary>حذف</summary>`, "این بخش برای همیشه حذف شود؟", `id="new-segment"`, `formaction="/segments/preview"`, `href="/segments" id="nav-segments"`)

	a = st.do(t, request{method: "POST", path: "/segments/preview", token: "ebt_pr",
		form: url.Values{"name": {"diabetes"}, "lang": {"fa"}, "interests": {"diabetes، پوست"}, "open_case": {"no"}, "min_messages": {"2"}, "last_contact_within": {"30d"}}})
	if a.status != 200 {
		t.Fatalf("preview = %d:\n%s", a.status, a.body)
	}
	wantAll(t, "the preview", a.body, `id="preview" data-count="1"`, `<span class="term">زبان</span>: <bdi>فارسی</bdi>`,
		`<span class="term">علاقه‌ها</span>: <bdi>diabetes، پوست</bdi>`, `<span class="term">پروندهٔ عارضهٔ باز</span>: <bdi>خیر</bdi>`,
		`<span class="term">آخرین پیام در</span>: <bdi>۳۰ روز</bdi>`, `<span class="term">کمترین شمار پیام</span>: <bdi>۲</bdi>`,
		`data-follower="telegram:u1"`, `value="diabetes"`, `value="diabetes، پوست"`, `<option value="fa" selected>`)
	if got := st.actions.took(); !slices.Equal(got, []string{"token-pr segment.preview(fa) ./"}) {
		t.Errorf("preview called %v", got)
	}
	a = st.do(t, request{method: "POST", path: "/segments/preview", token: "ebt_pr", form: url.Values{"min_messages": {"many"}}})
	if a.status != http.StatusBadRequest || !strings.Contains(a.body, "min_messages") || !strings.Contains(a.body, `value="many"`) {
		t.Errorf("a bad preview = %d, want the form again with its problem", a.status)
	}

	a = st.do(t, request{method: "POST", path: "/segments", token: "ebt_pr", form: url.Values{"name": {"tg fa"}, "platform": {"telegram"}, "lang": {"fa"}}})
	if loc := a.header.Get("Location"); a.status != http.StatusSeeOther || loc != "/segments/2?done=done_segment_create" {
		t.Errorf("create = %d to %q", a.status, loc)
	}
	a = st.do(t, request{method: "POST", path: "/segments", token: "ebt_pr", form: url.Values{"name": {""}, "lang": {"de"}}})
	if a.status != http.StatusBadRequest || !strings.Contains(a.body, `role="alert"`) {
		t.Errorf("a bad segment = %d, want the form again with its problem", a.status)
	}
	a = st.do(t, request{method: "POST", path: "/segments/1/delete", token: "ebt_pr"})
	if loc := a.header.Get("Location"); loc != "/segments?done=done_segment_delete" {
		t.Errorf("delete went to %q", loc)
	}
	if got := st.actions.took(); !slices.Contains(got, "token-pr segment.create(tg fa telegram/fa) ./") || !slices.Contains(got, "token-pr segment.delete(1) ./") {
		t.Errorf("actions %v, want the create and the delete", got)
	}

	// A viewer sees the segments without the form or the buttons.
	a = st.do(t, request{method: "GET", path: "/segments", token: "ebt_viewer"})
	wantAll(t, "a viewer's segments", a.body, `data-segment="1"`, `id="segments-readonly"`)
	wantNone(t, "a viewer's segments", a.body, `id="new-segment"`, `action="/segments/1/delete"`)
	if a := st.do(t, request{method: "POST", path: "/segments/preview", token: "ebt_viewer", form: url.Values{"lang": {"fa"}}}); a.status != http.StatusForbidden {
		t.Errorf("a viewer's preview = %d, want 403", a.status)
	}
	// None yet.
	empty := newCampaignStaff(t, campaignActions{Actions: &Actions{}, none: true})
	wantAll(t, "no segments", empty.do(t, request{method: "GET", path: "/segments", token: "ebt_pr"}).body, `id="segments-empty"`)
}

// One segment with its count and a sample, in English too.
func TestPages_Segment(t *testing.T) {
	st := newCampaignStaff(t, campaignActions{Actions: &Actions{}})
	a := st.do(t, request{method: "GET", path: "/segments/1", token: "ebt_moderator"})
	if a.status != 200 {
		t.Fatalf("segment = %d:\n%s", a.status, a.body)
	}
	wantAll(t, "the segment", a.body, `id="segment" data-segment="1" data-count="3"`, `<span class="term">زبان</span>: <bdi>فارسی</bdi>`,
		`data-follower="telegram:0"`, `data-follower="telegram:2"`, "پایدار", "نامعلوم")
	st.auth.roles["sara"] = []bot.Role{bot.RolePR}
	a = st.do(t, request{method: "GET", path: "/segments/1", cookie: signedIn(t, st)})
	wantAll(t, "the English segment", a.body, `lang="en"`, `<span class="term">Language</span>: <bdi>فارسی</bdi>`, "Followers now", "steady", `action="/segments/1/delete"`)
	if a := st.do(t, request{method: "GET", path: "/segments/9", token: "ebt_pr"}); a.status != http.StatusNotFound {
		t.Errorf("a missing segment = %d, want 404", a.status)
	}
}
