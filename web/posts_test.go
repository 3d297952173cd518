package web_test

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestPosts_API(t *testing.T) {
	st := newStaff(t, "https://brand.example")
	// at in either calendar, and RFC 3339, reach the action as one instant.
	for i, at := range []string{`"2026-12-02T09:30:00+03:30"`, `"1405-09-11 09:30"`, `"2026-12-02 09:30"`, `"۱۴۰۵/۰۹/۱۱ ۰۹:۳۰"`} {
		body := `{"text":"t` + string(rune('a'+i)) + `","targets":[{"account":"telegram.support","chat":"@brand"}],"at":` + at + `}`
		a := st.do(t, request{method: "POST", path: "/api/v1/posts", token: "ebt_pr", body: body})
		var v struct{ ID int }
		if a.status != 201 || json.Unmarshal([]byte(a.body), &v) != nil || v.ID == 0 {
			t.Fatalf("%d: create = %d %s", i, a.status, a.body)
		}
	}
	took := st.actions.took()
	for i, want := range []string{"ta", "tb", "tc", "td"} {
		if c := "token-pr post.create(" + want + " at 2026-12-02T06:00:00Z) ./"; !slices.Contains(took, c) {
			t.Errorf("%d: actions %q lack %q", i, took, c)
		}
	}
	for i, tc := range []struct{ body, want string }{
		{`{"text":"x","targets":[],"at":"1404-12-30 10:00"}`, "at: "},
		{`{"text":"x","targets":[],"at":"soon"}`, "at: "},
		{`{"text":"x","targets":[],"tz":"Mars/Olympus"}`, "tz: "},
		{`{"text":"x","targets":[],"lateness":"a while"}`, "lateness: "},
		{`{"text":"x","colour":"red"}`, "colour"},
	} {
		a := st.do(t, request{method: "POST", path: "/api/v1/posts", token: "ebt_pr", body: tc.body})
		if a.status != 400 || !strings.Contains(a.body, tc.want) {
			t.Errorf("%d: %s = %d %s, want 400 naming %q", i, tc.body, a.status, a.body, tc.want)
		}
	}

	// The post answers its state and slots, per account.
	a := st.do(t, request{method: "GET", path: "/api/v1/posts/1", token: "ebt_viewer"})
	var p struct {
		State string
		Slots []struct {
			At       string
			Jalali   string
			Accounts map[string]struct {
				State, PlatformID, URL string `json:",omitempty"`
			}
		}
	}
	if err := json.Unmarshal([]byte(a.body), &p); err != nil || a.status != 200 {
		t.Fatalf("GET post = %d %s", a.status, a.body)
	}
	var raw struct {
		Slots []struct {
			Accounts map[string]map[string]string `json:"accounts"`
		} `json:"slots"`
	}
	json.Unmarshal([]byte(a.body), &raw)
	if p.State != "failed" || len(p.Slots) != 1 || p.Slots[0].At != "2026-12-02T06:00:00Z" || p.Slots[0].Jalali != "1405-09-11 09:30" {
		t.Errorf("post %+v", p)
	}
	if tg := raw.Slots[0].Accounts["telegram.support"]; tg["state"] != "published" || tg["platform_id"] != "77" || tg["url"] != "https://t.me/brand/77" {
		t.Errorf("telegram target %v", tg)
	}
	if x := raw.Slots[0].Accounts["x.brand"]; x["state"] != "failed" || x["error"] == "" {
		t.Errorf("x target %v", x)
	}
	for i, q := range []string{"from=2026-12-01&to=2026-12-03", "from=1405-09-10&to=1405-09-12&state=failed", "account=x.brand"} {
		var l struct{ Posts []struct{ ID int } }
		a := st.do(t, request{method: "GET", path: "/api/v1/posts?" + q, token: "ebt_viewer"})
		if json.Unmarshal([]byte(a.body), &l); a.status != 200 || len(l.Posts) != 1 {
			t.Errorf("%d: list %s = %d %s, want the post", i, q, a.status, a.body)
		}
	}
	for i, q := range []string{"from=2026-12-03&to=2026-12-04", "state=draft"} {
		var l struct{ Posts []struct{ ID int } }
		a := st.do(t, request{method: "GET", path: "/api/v1/posts?" + q, token: "ebt_viewer"})
		if json.Unmarshal([]byte(a.body), &l); a.status != 200 || len(l.Posts) != 0 {
			t.Errorf("%d: list %s = %d %s, want none", i, q, a.status, a.body)
		}
	}
	if a := st.do(t, request{method: "GET", path: "/api/v1/posts?state=lost", token: "ebt_viewer"}); a.status != 400 || !strings.Contains(a.body, "state: ") {
		t.Errorf("a bad state = %d %s", a.status, a.body)
	}
	if a := st.do(t, request{method: "GET", path: "/api/v1/posts/abc", token: "ebt_viewer"}); a.status != 400 {
		t.Errorf("a bad id = %d", a.status)
	}
	if a := st.do(t, request{method: "GET", path: "/api/v1/posts/9", token: "ebt_viewer"}); a.status != 404 {
		t.Errorf("a missing post = %d", a.status)
	}
}

func TestUploads(t *testing.T) {
	st := newStaff(t, "https://brand.example/")
	a := st.do(t, request{method: "POST", path: "/api/v1/uploads", token: "ebt_pr", body: `{"image":"` + pngBase64 + `"}`})
	var up struct{ Name, Type, URL string }
	if err := json.Unmarshal([]byte(a.body), &up); err != nil || a.status != 201 || up.Type != "image/png" {
		t.Fatalf("upload = %d %s", a.status, a.body)
	}
	if want := "https://brand.example/media/" + up.Name; up.URL != want {
		t.Errorf("url %q, want %q", up.URL, want)
	}
	// Served without sign-in, the same bytes.
	got := st.do(t, request{method: "GET", path: "/media/" + up.Name})
	png, _ := base64.StdEncoding.DecodeString(pngBase64)
	if got.status != 200 || got.body != string(png) || got.header.Get("Content-Type") != "image/png" {
		t.Errorf("GET media = %d %q %q", got.status, got.header.Get("Content-Type"), got.body)
	}
	for i, tc := range []struct {
		body   string
		status int
	}{
		{`{"image":"` + base64.StdEncoding.EncodeToString([]byte("<html>not an image</html>")) + `"}`, 400},
		{`{"image":""}`, 400},
		{`{"image":"%%%"}`, 400},
	} {
		if a := st.do(t, request{method: "POST", path: "/api/v1/uploads", token: "ebt_pr", body: tc.body}); a.status != tc.status {
			t.Errorf("%d: upload = %d %s, want %d", i, a.status, a.body, tc.status)
		}
	}
	for _, name := range []string{"..%2F..%2Fetc%2Fpasswd", strings.Repeat("0", 64) + ".png", "x.jpg"} {
		if a := st.do(t, request{method: "GET", path: "/media/" + name}); a.status != 404 {
			t.Errorf("GET /media/%s = %d, want 404", name, a.status)
		}
	}
}

func TestHours(t *testing.T) {
	st := newStaff(t, "")
	a := st.do(t, request{method: "GET", path: "/api/v1/schedule/hours?account=telegram.support&weeks=2", token: "ebt_viewer"})
	var v struct {
		Platform  string
		Messages  int
		Suggested []struct{ Hour, Messages, Days int }
		ByHour    []struct{ Hour, Messages int } `json:"by_hour"`
	}
	if err := json.Unmarshal([]byte(a.body), &v); err != nil || a.status != 200 {
		t.Fatalf("hours = %d %s", a.status, a.body)
	}
	// The fake store has one message in every hour of the 14 days, and
	// one more in the first: 08:00 UTC is 11:30 in Tehran, so hour 11.
	if v.Platform != "telegram" || v.Messages != 14*24+1 || len(v.ByHour) != 24 || len(v.Suggested) != 3 ||
		v.Suggested[0].Hour != 11 || v.Suggested[0].Messages != 15 || v.Suggested[0].Days != 14 || v.Suggested[1].Messages != 14 {
		t.Errorf("hours %+v", v)
	}
	for _, q := range []string{"", "platform=telegram&weeks=13", "account=support", "platform=x&account=telegram.support"} {
		if a := st.do(t, request{method: "GET", path: "/api/v1/schedule/hours?" + q, token: "ebt_viewer"}); a.status != 400 {
			t.Errorf("hours?%s = %d, want 400", q, a.status)
		}
	}
}
