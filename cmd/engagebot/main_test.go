package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"engagebot/adapters/all"
	"engagebot/config"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheckConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badTemplates := filepath.Join(dir, "tmpl")
	os.MkdirAll(filepath.Join(badTemplates, "fa"), 0o755)
	os.WriteFile(filepath.Join(badTemplates, "fa", "reply.greeting.tmpl"), []byte("{{if}}"), 0o600)
	strayLanguage := filepath.Join(dir, "stray")
	os.MkdirAll(filepath.Join(strayLanguage, "fa"), 0o755)
	os.MkdirAll(filepath.Join(strayLanguage, "farsi"), 0o755)

	for i, tc := range []struct {
		name     string
		config   string
		wantCode int
		want     []string
	}{
		{"sample", "", 0, []string{"ok", "webchat.default"}},
		{"unknown key", "server:\n  listen: 127.0.0.1:1\n  colour: blue\n", 1, []string{"server.colour: unknown key"}},
		{"wrong type", "bot:\n  workers: eight\n", 1, []string{"bot.workers: must be a whole number"}},
		{"bad duration", "server:\n  shutdown_timeout: forever\n", 1, []string{"server.shutdown_timeout: invalid duration"}},
		{"unreadable template folder", "templates:\n  dir: " + filepath.Join(dir, "nope") + "\n", 1, []string{"templates.dir: cannot read folder"}},
		{"broken template", "templates:\n  dir: " + badTemplates + "\n", 1, []string{"templates.dir", "reply.greeting.tmpl"}},
		{"webchat value", "accounts:\n  webchat.default:\n    poll_timeout: 10m\n", 1, []string{"accounts.webchat.default.poll_timeout"}},
		{"not yaml", "server: [", 1, []string{"not valid YAML"}},
		{"settings of an account skipped for its secrets", "accounts:\n  telegram.support:\n    token: ${ENGAGEBOT_TEST_UNSET_TOKEN}\n    mode: hook\n", 1,
			[]string{"accounts.telegram.support.mode: must be \"webhook\" or \"polling\""}},
		{"template folder of an unknown language", "templates:\n  dir: " + strayLanguage + "\n", 1, []string{"templates.dir: folder", "farsi"}},
	} {
		path := filepath.Join("..", "..", "config.yaml")
		if tc.config != "" {
			path = write(tc.name+".yaml", tc.config)
		}
		code, stdout, stderr := runCLI(t, "", "check-config", "-config", path)
		if code != tc.wantCode {
			t.Errorf("%d %s: exit %d, want %d\n%s%s", i, tc.name, code, tc.wantCode, stdout, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stdout+stderr, w) {
				t.Errorf("%d %s: output lacks %q:\n%s%s", i, tc.name, w, stdout, stderr)
			}
		}
	}
}

// TestSample_OneBrand: the sample config describes the brand whose
// catalogue is built in, so what a person tries in the web chat about the
// sample brand's products is understood, and its contacts are of one site.
func TestSample_OneBrand(t *testing.T) {
	cfg, err := config.Load(filepath.Join("..", "..", "config.yaml"), all.Factories(), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	an, err := newAnalyzer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b := cfg.Brand
	var found bool
	for _, p := range an.Products() {
		if p.Canonical == b.Name["en"] {
			found = true
			if p.Names["fa"] != b.Name["fa"] {
				t.Errorf("brand.name.fa = %q, the catalogue's Persian name of %s is %q", b.Name["fa"], p.Canonical, p.Names["fa"])
			}
		}
	}
	if !found {
		t.Errorf("brand.name.en = %q is not in the built-in catalogue", b.Name["en"])
	}
	for _, text := range []string{"is " + b.Name["en"] + "'s Calcifort D safe for kids?", "کلسیفورت " + b.Name["fa"] + " برای بچه خوبه؟"} {
		a, err := an.Analyze(context.Background(), text, "")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(a.Products, "Calcifort D") {
			t.Errorf("%q: products %v, want the sample brand's Calcifort D", text, a.Products)
		}
	}
	site, err := url.Parse(b.Website)
	if err != nil || site.Hostname() == "" {
		t.Fatalf("brand.website = %q: %v", b.Website, err)
	}
	if _, domain, _ := strings.Cut(b.SafetyEmail, "@"); domain != site.Hostname() {
		t.Errorf("brand.safety_email %q is not of the brand's site %s", b.SafetyEmail, site.Hostname())
	}
	if b.SupportPhone == "" || b.SafetyPhone == "" || b.SupportPhone == b.SafetyPhone {
		t.Errorf("support_phone %q and safety_phone %q: want two numbers", b.SupportPhone, b.SafetyPhone)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "version")
	if code != 0 || !strings.HasPrefix(stdout, "engagebot ") {
		t.Fatalf("version: %d %q", code, stdout)
	}
}

func TestUnknownCommand(t *testing.T) {
	code, _, stderr := runCLI(t, "", "frobnicate")
	if code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Fatalf("unknown command: %d %q", code, stderr)
	}
}

// TestErrorsReadOnce: a failing command prints one line a person can read,
// the program name once and no error code.
func TestErrorsReadOnce(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.tsv")
	if err := os.WriteFile(bad, []byte("only-one-column\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "", "analyze", "--eval", bad)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	want := `engagebot: eval: line 1: header must have text and label columns, got "only-one-column"` + "\n"
	if stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
}

func TestAnalyzeCommand(t *testing.T) {
	code, stdout, stderr := runCLI(t, "سلام\nthis syrup gave my son a rash\n\n", "analyze")
	if code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("analyze wrote %d lines for 3 inputs:\n%s", len(lines), stdout)
	}
	if !strings.Contains(lines[0], `"lang":"fa"`) || !strings.Contains(lines[1], `"adverse_event"`) {
		t.Errorf("analyze output:\n%s", stdout)
	}
}
