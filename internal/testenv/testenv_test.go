package testenv_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"engagebot/internal/testenv"
)

// recordTB records a skip or a failure instead of ending the test.
type recordTB struct {
	testing.TB
	skipped, failed string
}

func (r *recordTB) Helper()                           {}
func (r *recordTB) Skipf(format string, args ...any)  { r.skipped = fmt.Sprintf(format, args...) }
func (r *recordTB) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestNeed(t *testing.T) {
	missing := errors.New("open ../shared/specs/x.json: no such file or directory")
	for i, tc := range []struct {
		ci          string
		err         error
		wantSkip    bool
		wantFailure bool
	}{
		{ci: "", err: missing, wantSkip: true},
		{ci: "false", err: missing, wantSkip: true},
		{ci: "true", err: missing, wantFailure: true},
		{ci: "1", err: missing, wantFailure: true},
		{ci: "true", err: nil},
		{ci: "", err: nil},
	} {
		t.Setenv("CI", tc.ci)
		r := &recordTB{TB: t}
		testenv.Need(r, "X's OpenAPI document", tc.err)
		if got := r.skipped != ""; got != tc.wantSkip {
			t.Errorf("%d CI=%q err=%v: skipped %q, want skipped=%v", i, tc.ci, tc.err, r.skipped, tc.wantSkip)
		}
		if got := r.failed != ""; got != tc.wantFailure {
			t.Errorf("%d CI=%q err=%v: failed %q, want failed=%v", i, tc.ci, tc.err, r.failed, tc.wantFailure)
		}
		for _, msg := range []string{r.skipped, r.failed} {
			if msg != "" && (!strings.Contains(msg, "X's OpenAPI document") || !strings.Contains(msg, "no such file")) {
				t.Errorf("%d: message %q does not name what is missing and why", i, msg)
			}
		}
	}
}
