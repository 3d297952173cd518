// Package testenv tells tests what their environment demands: in
// continuous integration nothing may go unchecked because a file beside
// the checkout is missing, while on a developer's machine such a test is
// skipped with the reason.
package testenv

import (
	"os"
	"strconv"
	"testing"
)

// CI reports whether the tests run in continuous integration: the CI
// variable is set to true (or 1), as CI services set it.
func CI() bool {
	v, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && v
}

// Need stops a test that cannot do its job without what (a spec, a data
// set) when err, the error of loading it, is not nil: it fails the test in
// CI and skips it elsewhere.
func Need(t testing.TB, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if CI() {
		t.Fatalf("%s is required in CI (CI=%s): %v", what, os.Getenv("CI"), err)
		return
	}
	t.Skipf("%s is not available, so this is not checked: %v", what, err)
}
