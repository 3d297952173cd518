package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"engagebot/bot"
	"engagebot/config"
)

// Secret is the one secret of the fake adapter configs (exported, as the
// decoder reads only exported fields, inline ones too).
type Secret struct {
	Token string `yaml:"token"`
}

func (c *Secret) MissingSecrets() []string {
	if c.Token == "" {
		return []string{"token"}
	}
	return nil
}

// fakeConfig is an adapter config with one secret.
type fakeConfig struct {
	Secret  `yaml:",inline"`
	APIBase string        `yaml:"api_base"`
	Every   time.Duration `yaml:"every"`
	Limit   int           `yaml:"limit"`
}

func (c *fakeConfig) Validate() error {
	if !strings.HasPrefix(c.APIBase, "http") {
		return &bot.FieldError{Key: "api_base", Reason: "must be an absolute http(s) URL"}
	}
	return nil
}

// idConfig is an adapter config with a secret and a required id that has
// no default, like a page id.
type idConfig struct {
	Secret    `yaml:",inline"`
	AccountID string `yaml:"account_id"`
}

func (c *idConfig) Validate() error {
	if c.AccountID == "" {
		return &bot.FieldError{Key: "account_id", Reason: "required"}
	}
	return nil
}

var factories = []bot.Factory{{
	Platforms: []string{"telegram"},
	NewConfig: func(string) bot.AccountConfig { return &fakeConfig{APIBase: "https://api.example", Limit: 1} },
}, {
	Platforms: []string{"instagram"},
	NewConfig: func(string) bot.AccountConfig { return &idConfig{} },
}}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParse(t *testing.T) {
	c, err := config.Parse([]byte(`
server: {listen: "127.0.0.1:9000", public_url: "${PUBLIC_URL}"}
bot: {workers: "${WORKERS:-3}", retry_max: 2m}
accounts:
  telegram.support:
    token: ${TG_TOKEN}
    every: 90s
  telegram.sales:
    token: ${TG_SALES}
  telegram.off:
    enabled: false
`), factories, env(map[string]string{"PUBLIC_URL": "https://bot.example", "TG_TOKEN": "123:abc"}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Server.Listen, "127.0.0.1:9000"; got != want {
		t.Errorf("listen = %q, want %q", got, want)
	}
	if got, want := c.Server.PublicURL, "https://bot.example"; got != want {
		t.Errorf("public_url = %q, want %q", got, want)
	}
	if got, want := c.Bot.Workers, 3; got != want {
		t.Errorf("workers = %d, want the default from ${WORKERS:-3}", got)
	}
	if got, want := c.Bot.RetryMax, 2*time.Minute; got != want {
		t.Errorf("retry_max = %v, want %v", got, want)
	}
	if got, want := len(c.Accounts), 3; got != want {
		t.Fatalf("accounts = %d, want %d", got, want)
	}
	sup := c.Accounts[0]
	if sup.Key != "telegram.support" || sup.Skip != "" || sup.Config.(*fakeConfig).Token != "123:abc" || sup.Config.(*fakeConfig).Every != 90*time.Second {
		t.Errorf("support = %+v %+v", sup, sup.Config)
	}
	if sales := c.Accounts[1]; !strings.Contains(sales.Skip, "TG_SALES") {
		t.Errorf("sales skip = %q, want the missing variable named", sales.Skip)
	}
	if off := c.Accounts[2]; off.Skip == "" {
		t.Errorf("disabled account not skipped")
	}
}

func TestParse_Errors(t *testing.T) {
	tmpl := t.TempDir()
	unreadable := filepath.Join(tmpl, "missing")
	for i, tc := range []struct {
		name, yaml string
		wantKey    string
		wantReason string
	}{
		{"unknown key", "server: {listne: x}", "server.listne", `unknown key (did you mean "listen"?)`},
		{"unknown section", "sever: {}", "sever", "unknown key"},
		{"wrong type", "bot: {workers: many}", "bot.workers", "must be a whole number"},
		{"bad duration", "server: {shutdown_timeout: 20}", "server.shutdown_timeout", "invalid duration"},
		{"bad duration word", "bot: {retry_max: soon}", "bot.retry_max", "invalid duration"},
		{"missing secret of an enabled account", "accounts: {telegram.support: {enabled: true, token: '${TG}'}}", "accounts.telegram.support.token", "required secret is empty (set TG)"},
		{"unknown account key", "accounts: {telegram.support: {tokn: x}}", "accounts.telegram.support.tokn", `did you mean "token"`},
		{"adapter validation", "accounts: {telegram.support: {token: x, api_base: ftp}}", "accounts.telegram.support.api_base", "absolute http(s) URL"},
		{"adapter wrong type", "accounts: {telegram.support: {token: x, limit: lots}}", "accounts.telegram.support.limit", "whole number"},
		{"unknown platform", "accounts: {myspace.main: {}}", "accounts.myspace.main", "unknown platform"},
		{"bad account key", "accounts: {telegram: {}}", "accounts.telegram", "<platform>.<name>"},
		{"bad enabled", "accounts: {telegram.a: {enabled: maybe}}", "accounts.telegram.a.enabled", "true, false or auto"},
		{"unreadable template folder", "templates: {dir: " + unreadable + "}", "templates.dir", "cannot read folder"},
		{"bad language", "bot: {default_lang: de}", "bot.default_lang", "fa or en"},
		{"bad listen", "server: {listen: nope}", "server.listen", "host:port"},
		{"settings of an account skipped for its secrets", "accounts: {telegram.support: {token: '${TG}', api_base: ftp}}", "accounts.telegram.support.api_base", "absolute http(s) URL"},
		{"settings of a disabled account", "accounts: {telegram.off: {enabled: false, api_base: ftp}}", "accounts.telegram.off.api_base", "absolute http(s) URL"},
		{"a running account's value left empty by the environment", "accounts: {instagram.brand: {token: x, account_id: '${IG_ID}'}}", "accounts.instagram.brand.account_id", "required (set IG_ID)"},
		{"a skipped account's value written empty", "accounts: {instagram.brand: {token: '${IG_TOKEN}', account_id: ''}}", "accounts.instagram.brand.account_id", "required"},
		{"template folder of an unknown language", "templates: {dir: " + tmplOf(t, "fa", "farsi") + "}", "templates.dir", `farsi" is not a language`},
		{"template folder of a language replies are not written in", "templates: {dir: " + tmplOf(t, "de") + "}", "templates.dir", "(want fa, en)"},
	} {
		_, err := config.Parse([]byte(tc.yaml), factories, env(nil))
		if err == nil {
			t.Errorf("%d %s: no error", i, tc.name)
			continue
		}
		var ke *config.KeyError
		found := false
		for _, e := range unjoin(err) {
			if errors.As(e, &ke) && ke.Key == tc.wantKey && strings.Contains(ke.Reason, tc.wantReason) {
				found = true
			}
		}
		if !found {
			t.Errorf("%d %s: error %q, want key %s with %q", i, tc.name, err, tc.wantKey, tc.wantReason)
		}
	}
}

// tmplOf makes a template folder with the given subfolders.
func tmplOf(t *testing.T, folders ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range folders {
		if err := os.Mkdir(filepath.Join(dir, f), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestParse_Accepts(t *testing.T) {
	tmpl := tmplOf(t, "fa", "en", ".git")
	if err := os.WriteFile(filepath.Join(tmpl, "README"), []byte("our overrides"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		name, yaml string
		skip       string // part of the one account's Skip, "" when it runs
	}{
		{"template folder of fa and en beside a file and a hidden folder", "templates: {dir: " + tmpl + "}", ""},
		{"a skipped account's value the environment left empty", "accounts: {instagram.brand: {token: '${IG_TOKEN}', account_id: '${IG_ID}'}}", "secrets not set: token (set IG_TOKEN); also empty: account_id (set IG_ID)"},
		{"a skipped account names its secrets", "accounts: {telegram.support: {token: '${TG}'}}", "secrets not set: token (set TG)"},
		{"a running account", "accounts: {telegram.support: {token: x}}", ""},
	} {
		c, err := config.Parse([]byte(tc.yaml), factories, env(nil))
		if err != nil {
			t.Errorf("%d %s: %v", i, tc.name, err)
			continue
		}
		var skip string
		if len(c.Accounts) == 1 {
			skip = c.Accounts[0].Skip
		}
		if (tc.skip == "") != (skip == "") || !strings.Contains(skip, tc.skip) {
			t.Errorf("%d %s: skip %q, want %q", i, tc.name, skip, tc.skip)
		}
	}
}

func TestParse_AllMistakesAtOnce(t *testing.T) {
	_, err := config.Parse([]byte("server: {listne: x}\nbot: {workers: many}\n"), factories, env(nil))
	if n := len(unjoin(err)); n != 2 {
		t.Fatalf("got %d errors (%v), want both mistakes reported", n, err)
	}
}

func TestLoad_NamesTheFile(t *testing.T) {
	_, err := config.Load(filepath.Join(t.TempDir(), "nope.yaml"), factories, env(nil))
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want not-exist", err)
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
