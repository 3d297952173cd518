package bot_test

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"path"
	"strings"
	"testing"
)

// allow is what a package may import: engagebot packages by pattern (paths
// without "engagebot/"; "a/*" is one level below a, "a/..." a and any
// depth below, "."
// the package itself, "./*" its children, "..." everything) and outside
// modules by module path.
type allow struct {
	pkgs    []string
	modules []string
}

// rule is one row of the import allow-list. Rows are tried in order and
// the first whose pkg pattern matches a package is its rule, so specific
// rows come before the wildcard row of their family. A package's tests may
// import what its code may, plus tests (and the shared test helpers).
type rule struct {
	pkg   string
	code  allow
	tests allow
	why   string
}

// testHelpers are the helper packages every package's tests may use.
var testHelpers = []string{"internal/wait", "internal/testenv", "internal/browser"}

// fakeImports are what a platform fake (adapters/<platform>/<platform>test)
// may import: test support, on top of bot.
var fakeImports = append([]string{"bot", "adapters/adaptertest", "adapters/internal/fakeplatform"}, testHelpers...)

// importRules follows the "may import" column of the design's layout table:
// every arrow points into bot, siblings never import each other. A package
// no row matches breaks the build of this test: add its row here when the
// package is added.
var importRules = []rule{
	{pkg: "bot", why: "bot imports the standard library only",
		// The benchmarks measure the whole pipeline on the real store
		// beside raw bbolt.
		tests: allow{pkgs: []string{"analyze", "templates", "store/bolt"}, modules: []string{"go.etcd.io/bbolt"}}},
	{pkg: "analyze", why: "analyze imports only bot and its language data",
		code: allow{pkgs: []string{"bot"}, modules: []string{"golang.org/x/text", "github.com/jonreiter/govader"}}},
	{pkg: "templates", why: "templates imports only bot and the jalali calendar",
		code: allow{pkgs: []string{"bot", "jalali"}}},
	{pkg: "jalali", why: "jalali imports the standard library only"},
	{pkg: "config", why: "config imports only bot and the YAML decoder",
		code: allow{pkgs: []string{"bot"}, modules: []string{"go.yaml.in/yaml/v3"}}},

	{pkg: "store/storetest", why: "the store conformance suite imports only bot",
		code: allow{pkgs: []string{"bot"}}},
	{pkg: "store/bolt", why: "a store imports only bot and its engine; its tests run the conformance suite",
		code:  allow{pkgs: []string{"bot"}, modules: []string{"go.etcd.io/bbolt"}},
		tests: allow{pkgs: []string{"store/storetest"}}},

	{pkg: "adapters/adaptertest", why: "the adapter conformance suite imports only bot and the test helpers",
		code: allow{pkgs: append([]string{"bot"}, testHelpers...)}},
	{pkg: "adapters/all", why: "the adapter list imports only bot and the adapters",
		code: allow{pkgs: []string{"bot", "adapters/*"}}},
	{pkg: "adapters/internal/*", why: "code shared by adapters imports only bot",
		code: allow{pkgs: []string{"bot"}}},
	{pkg: "adapters/telegram", why: "an adapter imports only bot, adapters/internal and its platform's client library: never another adapter, the store or the web",
		code:  allow{pkgs: []string{"bot", "adapters/internal/*"}, modules: []string{"github.com/go-telegram-bot-api/telegram-bot-api/v5"}},
		tests: allow{pkgs: []string{"./*", "adapters/adaptertest"}}},
	{pkg: "adapters/x", why: "an adapter imports only bot, adapters/internal and its platform's client library: never another adapter, the store or the web",
		code:  allow{pkgs: []string{"bot", "adapters/internal/*"}, modules: []string{"github.com/dghubble/go-twitter", "github.com/dghubble/oauth1"}},
		tests: allow{pkgs: []string{"./*", "adapters/adaptertest"}}},
	{pkg: "adapters/webchat", why: "an adapter imports only bot and adapters/internal: never another adapter, the store or the web",
		code: allow{pkgs: []string{"bot", "adapters/internal/*"}},
		// The browser test drives the page in headless Chromium.
		tests: allow{pkgs: []string{"./*", "adapters/adaptertest"}, modules: []string{"github.com/chromedp/chromedp"}}},
	{pkg: "adapters/*", why: "an adapter imports only bot and adapters/internal: never another adapter, the store or the web",
		code:  allow{pkgs: []string{"bot", "adapters/internal/*"}},
		tests: allow{pkgs: []string{"./*", "adapters/adaptertest"}}},
	{pkg: "adapters/telegram/telegramtest", why: "a platform fake imports only bot, the conformance suite, the shared fake plumbing and the test helpers",
		code: allow{pkgs: fakeImports},
		// Its tests check the fake against the client library the adapter uses.
		tests: allow{modules: []string{"github.com/go-telegram-bot-api/telegram-bot-api/v5"}}},
	{pkg: "adapters/x/xtest", why: "a platform fake imports only bot, the conformance suite, the shared fake plumbing, the test helpers, the signing library and the OpenAPI checker",
		code: allow{pkgs: fakeImports,
			modules: []string{"github.com/dghubble/oauth1", "github.com/getkin/kin-openapi"}}},
	{pkg: "adapters/*/*", why: "a platform fake imports only bot, the conformance suite, the shared fake plumbing and the test helpers",
		code: allow{pkgs: fakeImports}},

	{pkg: "schedule", why: "the scheduler imports only bot and the cron parser; its tests run it on the real store and read Solar Hijri dates",
		code:  allow{pkgs: []string{"bot"}, modules: []string{"github.com/robfig/cron/v3"}},
		tests: allow{pkgs: []string{"store/bolt", "jalali"}}},
	{pkg: "web/...", why: "the web imports only bot, jalali and the metrics library: never the store or an adapter",
		code: allow{pkgs: []string{"bot", "jalali"}, modules: []string{"github.com/prometheus/client_golang"}},
		// Its tests check the OpenAPI document it serves.
		tests: allow{modules: []string{"github.com/getkin/kin-openapi"}}},
	{pkg: "password", why: "the password hasher imports only bot and the argon2id of golang.org/x/crypto",
		code: allow{pkgs: []string{"bot"}, modules: []string{"golang.org/x/crypto"}}},

	{pkg: "notify", why: "the alert notifiers import only bot; their tests use the Telegram fake and the real store",
		code:  allow{pkgs: []string{"bot"}},
		tests: allow{pkgs: []string{"adapters/telegram/telegramtest", "store/bolt"}}},

	{pkg: "internal/wait", why: "a test helper imports the standard library only"},
	{pkg: "internal/testenv", why: "a test helper imports the standard library only"},
	{pkg: "internal/browser", why: "the browser tests' helper imports chromedp and testenv",
		code: allow{pkgs: []string{"internal/testenv"}, modules: []string{"github.com/chromedp/chromedp"}}},

	{pkg: "cmd/engagebot", why: "main builds and wires everything",
		code: allow{pkgs: []string{"..."}, modules: []string{"..."}}},
}

// goPackage is what go list says about one package.
type goPackage struct {
	ImportPath   string
	Doc          string
	GoFiles      []string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// listPackages lists every package of the module.
func listPackages(t *testing.T) []goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-e", "-json=ImportPath,Doc,GoFiles,Imports,TestImports,XTestImports", "engagebot/...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []goPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 2 {
		t.Fatalf("go list found %d packages: not run from inside the module?", len(pkgs))
	}
	return pkgs
}

// TestImportRules enforces the layout's one-way data flow as an
// allow-list: every package must have a rule, and every import of its code
// and of its tests must be allowed by it.
func TestImportRules(t *testing.T) {
	for _, p := range listPackages(t) {
		for _, imp := range p.Imports {
			if reason := checkImport(importRules, p.ImportPath, imp, false); reason != "" {
				t.Errorf("%s imports %s: %s", p.ImportPath, imp, reason)
			}
		}
		for _, imp := range append(p.TestImports, p.XTestImports...) {
			if reason := checkImport(importRules, p.ImportPath, imp, true); reason != "" {
				t.Errorf("%s tests import %s: %s", p.ImportPath, imp, reason)
			}
		}
	}
}

// checkImport says why from may not import imp ("" when it may). test is
// true for an import of from's test files.
func checkImport(rules []rule, from, imp string, test bool) string {
	self, ok := strings.CutPrefix(from, "engagebot/")
	if !ok && from != "engagebot" {
		return "not a package of this module"
	}
	var r *rule
	for i := range rules {
		if matchPattern(rules[i].pkg, self) {
			r = &rules[i]
			break
		}
	}
	if r == nil {
		return "engagebot/" + self + " has no rule in the import allow-list (bot/deps_test.go): add one following design.md's \"may import\" column"
	}
	allowed := r.code
	if test {
		allowed = allow{
			pkgs:    append(append(append([]string{"."}, r.code.pkgs...), r.tests.pkgs...), testHelpers...),
			modules: append(append([]string(nil), r.code.modules...), r.tests.modules...),
		}
	}
	if own, ok := strings.CutPrefix(imp, "engagebot/"); ok {
		for _, pat := range allowed.pkgs {
			if matchPattern(relativeTo(self, pat), own) {
				return ""
			}
		}
		return r.why
	}
	if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
		return "" // the standard library
	}
	for _, m := range allowed.modules {
		if m == "..." || imp == m || strings.HasPrefix(imp, m+"/") {
			return ""
		}
	}
	return r.why
}

// relativeTo resolves "." and "./..." patterns against the package path.
func relativeTo(self, pat string) string {
	if pat == "." {
		return self
	}
	if rest, ok := strings.CutPrefix(pat, "./"); ok {
		return self + "/" + rest
	}
	return pat
}

// matchPattern reports whether the package path p matches pat: "*" is one
// path element, a trailing "/..." the prefix and any depth below (as in go
// list), "..." alone everything.
func matchPattern(pat, p string) bool {
	if pat == "..." {
		return true
	}
	if prefix, ok := strings.CutSuffix(pat, "/..."); ok {
		return p == prefix || strings.HasPrefix(p, prefix+"/")
	}
	ok, err := path.Match(pat, p)
	return ok && err == nil
}

// TestCheckImport shows the rule refusing the imports the layout forbids,
// allowing the ones it needs, and refusing a package it has no rule for.
func TestCheckImport(t *testing.T) {
	for i, tc := range []struct {
		from, imp string
		test      bool
		allowed   bool
		reason    string // part of the refusal
	}{
		// Refused.
		{from: "engagebot/bot", imp: "engagebot/store/bolt", reason: "standard library only"},
		{from: "engagebot/adapters/telegram", imp: "engagebot/store/bolt", reason: "never another adapter, the store or the web"},
		{from: "engagebot/adapters/telegram", imp: "engagebot/web", reason: "client library"},
		{from: "engagebot/adapters/telegram", imp: "engagebot/adapters/rubika", reason: "client library"},
		{from: "engagebot/adapters/telegram", imp: "github.com/dghubble/oauth1", reason: "client library"},
		{from: "engagebot/adapters/meta", imp: "engagebot/adapters/telegram", reason: "never another adapter"},
		{from: "engagebot/adapters/meta", imp: "engagebot/adapters/telegram/telegramtest", test: true, reason: "never another adapter"},
		{from: "engagebot/adapters/telegram/telegramtest", imp: "engagebot/store/bolt", reason: "platform fake"},
		{from: "engagebot/adapters/telegram", imp: "engagebot/store/bolt", test: true, reason: "never another adapter, the store or the web"},
		{from: "engagebot/adapters/rubika", imp: "engagebot/web", test: true, reason: "never another adapter, the store or the web"},
		{from: "engagebot/adapters/adaptertest", imp: "engagebot/adapters/telegram", reason: "only bot"},
		{from: "engagebot/adapters/all", imp: "engagebot/web", reason: "only bot and the adapters"},
		{from: "engagebot/adapters/all", imp: "engagebot/store/bolt", reason: "only bot and the adapters"},
		{from: "engagebot/adapters/internal/webhook", imp: "engagebot/adapters/telegram", reason: "only bot"},
		{from: "engagebot/jalali", imp: "engagebot/bot", reason: "standard library only"},
		{from: "engagebot/jalali", imp: "engagebot/bot", test: true, reason: "standard library only"},
		{from: "engagebot/templates", imp: "engagebot/analyze", reason: "bot and the jalali calendar"},
		{from: "engagebot/analyze", imp: "engagebot/templates", reason: "only bot"},
		{from: "engagebot/config", imp: "engagebot/adapters/telegram", reason: "only bot"},
		{from: "engagebot/store/bolt", imp: "engagebot/store/storetest", reason: "a store imports only bot"},
		{from: "engagebot/store/storetest", imp: "engagebot/store/bolt", reason: "only bot"},
		{from: "engagebot/store/bolt", imp: "engagebot/store/postgres", reason: "a store imports only bot"},
		{from: "engagebot/store/bolt", imp: "engagebot/adapters/telegram", test: true, reason: "a store imports only bot"},
		{from: "engagebot/store/bolt", imp: "github.com/jackc/pgx/v5", reason: "its engine"},
		{from: "engagebot/web", imp: "engagebot/store/bolt", reason: "never the store"},
		{from: "engagebot/web/api", imp: "engagebot/store/bolt", reason: "never the store"},
		{from: "engagebot/web/api", imp: "engagebot/adapters/telegram", reason: "never the store or an adapter"},
		{from: "engagebot/internal/wait", imp: "engagebot/bot", reason: "standard library only"},
		{from: "engagebot/unlisted", imp: "engagebot/bot", reason: "has no rule"},
		{from: "engagebot/unlisted", imp: "fmt", reason: "has no rule"},
		{from: "engagebot/store/postgres", imp: "engagebot/bot", reason: "has no rule"},
		{from: "engagebot/bot", imp: "github.com/prometheus/client_golang/prometheus", reason: "standard library only"},

		// Allowed.
		{from: "engagebot/bot", imp: "context", allowed: true},
		{from: "engagebot/bot", imp: "engagebot/store/bolt", test: true, allowed: true},
		{from: "engagebot/adapters/telegram", imp: "engagebot/adapters/internal/poll", allowed: true},
		{from: "engagebot/adapters/telegram", imp: "github.com/go-telegram-bot-api/telegram-bot-api/v5", allowed: true},
		{from: "engagebot/adapters/telegram", imp: "engagebot/adapters/telegram/telegramtest", test: true, allowed: true},
		{from: "engagebot/adapters/meta", imp: "engagebot/adapters/meta/metatest", test: true, allowed: true},
		{from: "engagebot/adapters/meta", imp: "engagebot/adapters/adaptertest", test: true, allowed: true},
		{from: "engagebot/adapters/x/xtest", imp: "github.com/getkin/kin-openapi/openapi3filter", allowed: true},
		{from: "engagebot/adapters/all", imp: "engagebot/adapters/webchat", allowed: true},
		{from: "engagebot/store/bolt", imp: "engagebot/store/storetest", test: true, allowed: true},
		{from: "engagebot/store/bolt", imp: "go.etcd.io/bbolt/errors", allowed: true},
		{from: "engagebot/templates", imp: "engagebot/jalali", allowed: true},
		{from: "engagebot/web", imp: "engagebot/internal/wait", test: true, allowed: true},
		{from: "engagebot/web/api", imp: "engagebot/jalali", allowed: true},
		{from: "engagebot/cmd/engagebot", imp: "engagebot/store/bolt", allowed: true},
	} {
		reason := checkImport(importRules, tc.from, tc.imp, tc.test)
		switch {
		case tc.allowed && reason != "":
			t.Errorf("%d: %s -> %s (test %v) refused (%s), want allowed", i, tc.from, tc.imp, tc.test, reason)
		case !tc.allowed && reason == "":
			t.Errorf("%d: %s -> %s (test %v) allowed, want refused", i, tc.from, tc.imp, tc.test)
		case !tc.allowed && !strings.Contains(reason, tc.reason):
			t.Errorf("%d: %s -> %s refused with %q, want it to say %q", i, tc.from, tc.imp, reason, tc.reason)
		}
	}
}
