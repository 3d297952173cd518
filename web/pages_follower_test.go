package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"engagebot/bot"
	"engagebot/web"
)

// followerActions are the fake actions with a fuller profile: sara,
// named, with interests, consent given through an account, a time zone
// of her own and two linked profiles; lonely has no links and no
// interests.
type followerActions struct {
	*Actions
	lonely bool
}

var _ web.FollowerActions = followerActions{}

func (a followerActions) Person(_ context.Context, actor bot.Actor, k bot.FollowerKey) (*bot.Person, error) {
	if k.UserID == "nobody" {
		return nil, bot.Errorf(bot.ENOTFOUND, "follower %s not found", k)
	}
	f := &bot.Follower{Key: k, Name: "سارا", Lang: "fa", Messages: 12, Mood: -0.25, MoodSlow: 0.3, Consent: bot.ConsentGiven,
		ConsentAt: t0, ConsentVia: "telegram.support", TZ: "Asia/Kabul", Muted: true, LastSeen: t0,
		Interests: map[string]int{"diabetes": 5, "skin": 2, "nikavit": 7}}
	if a.lonely {
		return &bot.Person{Follower: &bot.Follower{Key: k}}, nil
	}
	return &bot.Person{Follower: f, Linked: []*bot.Follower{
		{Key: bot.FollowerKey{Platform: "instagram", UserID: "9"}, Name: "sara.k", Consent: bot.ConsentRevoked, Messages: 3},
		{Key: bot.FollowerKey{Platform: "x", UserID: "a/b"}},
	}}, nil
}

func newFollowerStaff(t *testing.T, acts followerActions) *staff {
	t.Helper()
	st := &staff{auth: newAuth(), actions: acts.Actions}
	st.srv = web.New(web.Options{Engine: &Core{}, Version: "v-test", Auth: st.auth, Data: newData(),
		Actions: acts, Passwords: hasher{}, UploadDir: t.TempDir()})
	st.ts = httptest.NewServer(st.srv.Handler())
	t.Cleanup(st.ts.Close)
	return st
}

func TestPages_FollowerProfile(t *testing.T) {
	st := newFollowerStaff(t, followerActions{Actions: &Actions{}})
	for i, tc := range []struct {
		token     string
		want, not []string
	}{
		{"ebt_moderator", []string{`lang="fa" dir="rtl"`, "نمایهٔ دنبال‌کننده", "<bdi>سارا</bdi>", `id="muted"`, `<dd id="messages">۱۲</dd>`,
			"-۰٫۲۵", "رو به بدتر", `data-consent="given"`, `<bdi dir="ltr">telegram.support</bdi>`, `<bdi dir="ltr">Asia/Kabul</bdi>`,
			`data-interest="nikavit"`, `href="/followers/instagram/9"`, `href="/followers/x/a%2Fb"`, "پس گرفته",
			`action="/followers/telegram/u1/link"`, `id="unlink"`, `id="tz-form"`, `value="Asia/Kabul"`, `<option value="Europe/Berlin" >`},
			[]string{"fol_", `id="linked-empty"`}},
		// PR staff set the time zone but do not link.
		{"ebt_pr", []string{`id="tz-form"`}, []string{`id="link-form"`, `id="unlink"`}},
		// Safety staff only see.
		{"ebt_safety", []string{`id="profile"`}, []string{`id="link-form"`, `id="tz-form"`}},
	} {
		a := st.do(t, request{method: "GET", path: "/followers/telegram/u1", token: tc.token})
		if a.status != 200 {
			t.Fatalf("Test %d: = %d:\n%s", i, a.status, a.body)
		}
		wantAll(t, tc.token+"'s follower page", a.body, tc.want...)
		wantNone(t, tc.token+"'s follower page", a.body, tc.not...)
		// Interests, the most written of first.
		if i == 0 && !(strings.Index(a.body, `data-interest="nikavit"`) < strings.Index(a.body, `data-interest="diabetes"`) &&
			strings.Index(a.body, `data-interest="diabetes"`) < strings.Index(a.body, `data-interest="skin"`)) {
			t.Errorf("interests are not by count")
		}
	}
	// In English for sara, who chose it.
	a := st.do(t, request{method: "GET", path: "/followers/telegram/u1", cookie: signedIn(t, st)})
	wantAll(t, "the English follower page", a.body, `lang="en" dir="ltr"`, "Linked profiles", "falling", `<dd id="messages">12</dd>`, "withdrawn")
	if a := st.do(t, request{method: "GET", path: "/followers/telegram/nobody", token: "ebt_moderator"}); a.status != http.StatusNotFound {
		t.Errorf("a follower not found = %d, want 404", a.status)
	}
	if a := st.do(t, request{method: "GET", path: "/followers/telegram/u1", token: "ebt_viewer"}); a.status != http.StatusForbidden {
		t.Errorf("a viewer = %d, want 403", a.status)
	}
}

func TestPages_FollowerEmpty(t *testing.T) {
	st := newFollowerStaff(t, followerActions{Actions: &Actions{}, lonely: true})
	a := st.do(t, request{method: "GET", path: "/followers/telegram/u1", token: "ebt_moderator"})
	wantAll(t, "a lonely follower", a.body, `id="linked-empty"`, "هنوز علاقه‌ای ثبت نشده است.", `data-consent="unknown"`, `<option value="Asia/Tehran" selected>`)
	wantNone(t, "a lonely follower", a.body, `id="unlink"`, `id="muted"`)
}

// The forms reach their actions and come back to the page.
func TestPages_FollowerForms(t *testing.T) {
	acts := followerActions{Actions: &Actions{}}
	st := newFollowerStaff(t, acts)
	for i, tc := range []struct {
		path string
		form url.Values
		took string // "" for refused
	}{
		{"/followers/telegram/u1/link", url.Values{"platform": {"instagram"}, "user_id": {"9"}}, "follower.link(telegram:u1 instagram:9)"},
		{"/followers/telegram/u1/link", url.Values{"platform": {"instagram"}}, ""},
		{"/followers/telegram/u1/unlink", nil, "follower.unlink(telegram:u1)"},
		{"/followers/telegram/u1/tz", url.Values{"tz": {"Europe/Berlin"}}, "follower.tz(Europe/Berlin)"},
		{"/followers/telegram/u1/tz", url.Values{"tz": {"Asia/Tehran"}, "tz_other": {"Asia/Kabul"}}, "follower.tz(Asia/Kabul)"},
	} {
		before := len(acts.took())
		a := st.do(t, request{method: "POST", path: tc.path, token: "ebt_moderator", form: tc.form})
		got := acts.took()[before:]
		loc := a.header.Get("Location")
		if a.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/followers/telegram/u1?") {
			t.Errorf("Test %d: = %d to %q", i, a.status, loc)
		}
		if tc.took == "" {
			if len(got) != 0 || !strings.Contains(loc, "problem=") {
				t.Errorf("Test %d: took %v, to %q; want refused", i, got, loc)
			}
			continue
		}
		if len(got) != 1 || !strings.Contains(got[0], tc.took) || !strings.Contains(loc, "done=") {
			t.Errorf("Test %d: took %v to %q, want %s", i, got, loc, tc.took)
		}
	}
}

// The thread page links the follower for those who may see profiles;
// its resolve form asks the satisfaction question when ticked, for a
// private thread only.
func TestPages_ThreadFollowerAndCSAT(t *testing.T) {
	data := newData()
	group := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "-100"}
	data.threads[group] = &bot.Thread{Key: group, ChatType: bot.ChatGroup, Follower: sara, Mode: bot.ModeBot, Created: t0}
	st := &staff{auth: newAuth(), actions: &Actions{}}
	st.srv = web.New(web.Options{Engine: &Core{}, Version: "v-test", Auth: st.auth, Data: data, Actions: st.actions, Passwords: hasher{}, UploadDir: t.TempDir()})
	st.ts = httptest.NewServer(st.srv.Handler())
	t.Cleanup(st.ts.Close)

	id := web.ThreadID(thread)
	a := st.do(t, request{method: "GET", path: "/threads/" + id, token: "ebt_moderator"})
	wantAll(t, "the thread page", a.body, `<a href="/followers/telegram/u1" id="follower-link">`, `id="resolve-csat"`, "پرسیدن میزان رضایت")
	a = st.do(t, request{method: "GET", path: "/threads/" + id, token: "ebt_viewer"})
	wantNone(t, "the thread page for a viewer", a.body, `id="follower-link"`)
	a = st.do(t, request{method: "GET", path: "/threads/" + web.ThreadID(group), token: "ebt_moderator"})
	wantNone(t, "a group thread", a.body, `id="resolve-csat"`)

	for i, tc := range []struct {
		form url.Values
		want []string
		done string
	}{
		{url.Values{"note": {"ok"}}, []string{"resolve(ok)"}, "done_resolve"},
		{url.Values{"note": {"ok"}, "csat": {"1"}}, []string{"resolve(ok)", "csat()"}, "done_resolve_csat"},
	} {
		before := len(st.actions.took())
		a := st.do(t, request{method: "POST", path: "/threads/" + id + "/resolve", token: "ebt_moderator", form: tc.form})
		got := st.actions.took()[before:]
		if len(got) != len(tc.want) || a.status != http.StatusSeeOther || !strings.Contains(a.header.Get("Location"), "done="+tc.done) {
			t.Errorf("Test %d: took %v, to %q; want %v", i, got, a.header.Get("Location"), tc.want)
			continue
		}
		for j, w := range tc.want {
			if !strings.Contains(got[j], w) {
				t.Errorf("Test %d: took %v, want %v", i, got, tc.want)
			}
		}
	}
}
