// Package browser starts headless Chromium for the project's browser
// tests (Debian's chromium package, driven through chromedp), so that the
// web chat's and the dashboard's tests start it alike.
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"engagebot/internal/testenv"
)

// Path finds the browser: $CHROMIUM, else Debian's /usr/bin/chromium,
// else chromium on the PATH.
func Path() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		return "", errors.New("no /usr/bin/chromium and none on the PATH (apt-get install chromium)")
	}
	return p, nil
}

// New starts headless Chromium with a window of width x height and a new
// empty profile, and returns a chromedp context that ends after timeout.
// The browser is ended, and waited for, when t ends. Without Chromium the
// test fails in CI and is skipped elsewhere (testenv.Need).
//
// The flags keep Chromium off the network (this machine has none but its
// own) and working as root in a container.
func New(t testing.TB, width, height int, timeout time.Duration) context.Context {
	t.Helper()
	chrome, err := Path()
	testenv.Need(t, "Chromium", err)
	ctx, ok := start(t, chrome, width, height, timeout)
	if !ok {
		t.Fatal("browser: could not start Chromium")
	}
	return ctx
}

// Try is New for a benchmark that measures the browser when there is
// one: it reports false, and starts nothing, without Chromium.
func Try(t testing.TB, width, height int, timeout time.Duration) (context.Context, bool) {
	t.Helper()
	chrome, err := Path()
	if err != nil {
		return nil, false
	}
	return start(t, chrome, width, height, timeout)
}

func start(t testing.TB, chrome string, width, height int, timeout time.Duration) (context.Context, bool) {
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// /dev/shm is small in containers; Chromium crashes when it fills.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	// Cancelling the allocator ends the browser and waits for it.
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelTimeout)
	return ctx, true
}

// Screenshots is the folder a test saves its screenshots in:
// $ENGAGEBOT_SCREENSHOTS when set, else a folder under the test's
// temporary folder, whose path it logs.
func Screenshots(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ENGAGEBOT_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "screenshots")
		t.Logf("screenshots in %s", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
