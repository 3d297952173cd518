package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"engagebot/bot"
	"engagebot/web"
)

func TestPages_ModelFiguresAndCurve(t *testing.T) {
	st := newStaff(t, "")
	a := st.do(t, request{method: "GET", path: "/model", token: "ebt_pr"})
	if a.status != 200 || !strings.Contains(a.body, `lang="fa" dir="rtl"`) {
		t.Fatalf("model page = %d:\n%s", a.status, a.body)
	}
	for _, want := range []string{
		`id="model-current" data-examples="40" data-accuracy="0.85" data-macro-f1="0.80"`,
		"۸۵٫۰٪", // the accuracy, in Persian digits
		`<tr data-label="pos">`, `<tr data-label="neg">`, `<tr data-label="neu">`,
		"pari",                  // who trained it
		`datetime="2026-12-01T`, // when
		`<svg viewBox="0 0 720 240"`, `<polyline class="line acc" points="`,
		`<g class="point" data-examples="10" data-accuracy="0.60">`, `<g class="point" data-examples="40" data-accuracy="0.85">`,
		`id="curve-table"`, `<tr data-examples="10"><th scope="row">۱۰</th><td>۶۰٫۰٪</td>`,
		`action="/model/train"`, `action="/model/rollback"`,
		`href="/model" id="nav-model"`,
		"brand.tsv",
	} {
		if !strings.Contains(a.body, want) {
			t.Errorf("the model page lacks %q", want)
		}
	}
	// The points rise with the accuracy: y is smaller for the better figure.
	m := regexp.MustCompile(`points="([\d.]+),([\d.]+) ([\d.]+),([\d.]+)"`).FindStringSubmatch(a.body)
	if m == nil || !(m[2] > m[4]) || !(m[1] < m[3]) {
		t.Errorf("accuracy line %v: want two points, the second right of and above the first", m)
	}
	// The previous model is known only as kept.
	if !strings.Contains(a.body, "مدل پیشین نگه داشته شده است") {
		t.Errorf("the page does not say a previous model is kept")
	}
	// In English, with the previous model's figures.
	st2 := newModelStaff(t, withPrevious)
	a = st2.do(t, request{method: "GET", path: "/model", cookie: signedInAs(t, st2)})
	if !strings.Contains(a.body, `lang="en" dir="ltr"`) || !strings.Contains(a.body, "85.0%") || !strings.Contains(a.body, "72.0%") || !strings.Contains(a.body, "Previous model") {
		t.Errorf("the English page with a previous model:\n%s", a.body)
	}
}

func TestPages_ModelEmpty(t *testing.T) {
	st := newModelStaff(t, bot.ModelStatus{})
	a := st.do(t, request{method: "GET", path: "/model", token: "ebt_pr"})
	if a.status != 200 || !strings.Contains(a.body, `id="model-none"`) || !strings.Contains(a.body, "هنوز مدلی آموزش ندیده است") {
		t.Fatalf("the empty model page = %d:\n%s", a.status, a.body)
	}
	for _, not := range []string{`id="model-current"`, "<svg", `action="/model/rollback"`} {
		if strings.Contains(a.body, not) {
			t.Errorf("the empty page shows %q", not)
		}
	}
	if !strings.Contains(a.body, `action="/model/train"`) || !strings.Contains(a.body, "مدل پیشینی نیست") {
		t.Errorf("the empty page must offer training and say there is no previous model")
	}
}

// A moderator sees the figures without the buttons; a viewer sees neither
// and cannot press Train; PR staff's buttons are the audited actions.
func TestPages_ModelButtons(t *testing.T) {
	st := newStaff(t, "")
	a := st.do(t, request{method: "GET", path: "/model", token: "ebt_moderator"})
	if a.status != 200 || strings.Contains(a.body, `action="/model/train"`) || !strings.Contains(a.body, `id="model-readonly"`) {
		t.Errorf("a moderator's model page = %d, want figures without the buttons", a.status)
	}
	for _, path := range []string{"/model", "/model/train", "/model/rollback"} {
		method := "POST"
		if path == "/model" {
			method = "GET"
		}
		if a := st.do(t, request{method: method, path: path, token: "ebt_viewer"}); a.status != http.StatusForbidden {
			t.Errorf("a viewer's %s %s = %d, want 403", method, path, a.status)
		}
	}
	if a := st.do(t, request{method: "POST", path: "/model/train", token: "ebt_moderator"}); a.status != http.StatusForbidden {
		t.Errorf("a moderator's Train = %d, want 403", a.status)
	}
	if got := st.actions.took(); len(got) != 0 {
		t.Fatalf("refused presses reached the actions: %v", got)
	}
	for _, tc := range []struct{ path, call, done string }{
		{"/model/train", "token-pr model.train ./", "done=done_model_train"},
		{"/model/rollback", "token-pr model.rollback ./", "done=done_model_rollback"},
	} {
		before := len(st.actions.took())
		a := st.do(t, request{method: "POST", path: tc.path, token: "ebt_pr"})
		if loc := a.header.Get("Location"); a.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/model?") || !strings.Contains(loc, tc.done) {
			t.Errorf("%s = %d to %q, want back to /model with %s", tc.path, a.status, loc, tc.done)
		}
		if got := st.actions.took()[before:]; !slices.Equal(got, []string{tc.call}) {
			t.Errorf("%s called %v, want %q", tc.path, got, tc.call)
		}
	}
	a = st.do(t, request{method: "GET", path: "/model?done=done_model_train", token: "ebt_pr"})
	if !strings.Contains(a.body, `role="status">مدل آموزش دید و در کار است.`) {
		t.Errorf("the outcome of Train is not on the page")
	}
	// A refused training (too few examples) is said on the page.
	st3 := newModelStaff(t, bot.ModelStatus{})
	a = st3.do(t, request{method: "POST", path: "/model/train", token: "ebt_pr"})
	if loc := a.header.Get("Location"); !strings.Contains(loc, "problem=") {
		t.Errorf("a failed training went back to %q, want its problem", loc)
	}
}

// withPrevious is the fake's model with the previous one's figures.
var withPrevious = func() bot.ModelStatus {
	m := fakeModel
	m.PreviousModel = &bot.ModelStatus{Trained: fakeModel.Trained.AddDate(0, 0, -7), By: "reza", Examples: 20, Folds: 5, Accuracy: 0.72, MacroF1: 0.7}
	return m
}()

// modelActions are the fake actions with another model in use; with none,
// a training is refused for want of examples, as the service does.
type modelActions struct {
	*Actions
	model bot.ModelStatus
}

func (a modelActions) ModelStatus(context.Context, bot.Actor) (bot.ModelStatus, error) {
	return a.model, nil
}

func (a modelActions) TrainModel(ctx context.Context, actor bot.Actor) (bot.ModelStatus, error) {
	if a.model.Examples == 0 {
		return bot.ModelStatus{}, bot.Errorf(bot.EINVALID, "train: 0 labelled examples, at least 10 needed")
	}
	return a.Actions.TrainModel(ctx, actor)
}

var _ web.ModelActions = modelActions{}

// newModelStaff is newStaff with m as the model in use.
func newModelStaff(t *testing.T, m bot.ModelStatus) *staff {
	t.Helper()
	st := &staff{auth: newAuth(), actions: &Actions{}}
	st.srv = web.New(web.Options{Engine: &Core{}, Version: "v-test", Auth: st.auth, Data: newData(),
		Actions: modelActions{st.actions, m}, Passwords: hasher{}, UploadDir: t.TempDir()})
	st.ts = httptest.NewServer(st.srv.Handler())
	t.Cleanup(st.ts.Close)
	return st
}

// signedInAs signs sara in, giving her the PR role for the model's page.
func signedInAs(t *testing.T, st *staff) *http.Cookie {
	t.Helper()
	st.auth.roles["sara"] = []bot.Role{bot.RolePR}
	return signedIn(t, st)
}
