// Package config loads config.yaml: it expands ${VAR} references from the
// environment, decodes every section into typed structs (each adapter's
// account section into the adapter's own config type) and validates it,
// naming the key and the reason for every mistake.
package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"engagebot/bot"
)

// Config is the whole service configuration.
type Config struct {
	Server    Server    `yaml:"server"`
	Data      Data      `yaml:"data"`
	Log       Log       `yaml:"log"`
	Bot       Bot       `yaml:"bot"`
	Templates Templates `yaml:"templates"`
	Analyze   Analyze   `yaml:"analyze"`
	Brand     bot.Brand `yaml:"brand"`
	Alerts    Alerts    `yaml:"alerts"`
	Schedule  Schedule  `yaml:"schedule"`
	// Accounts are in file order.
	Accounts []Account `yaml:"-"`
}

// Server is the HTTP server.
type Server struct {
	// Listen is the address to serve on.
	Listen string `yaml:"listen"`
	// PublicURL is how platforms reach this server (https://bot.example.com);
	// used when registering webhooks, and by the staff sign-in: an https one
	// makes the session cookie Secure, and its origin is the service's own
	// for the cross-site refusal.
	PublicURL string `yaml:"public_url"`
	// MaxBodyBytes limits every request body.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// ShutdownTimeout bounds the drain on SIGTERM.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
}

// Data is where state lives.
type Data struct {
	// Dir holds the bbolt file engagebot.db.
	Dir string `yaml:"dir"`
	// Retention is how long messages are kept; 0 keeps them forever.
	Retention time.Duration `yaml:"retention"`
}

// Log is logging.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// Bot tunes the conversation core.
type Bot struct {
	DefaultLang string `yaml:"default_lang"`
	Workers     int    `yaml:"workers"`
	// Send tunes retries of failed sends.
	RetryBase   time.Duration `yaml:"retry_base"`
	RetryMax    time.Duration `yaml:"retry_max"`
	MaxAttempts int           `yaml:"max_attempts"`
	SendTimeout time.Duration `yaml:"send_timeout"`
}

// Templates is where reply templates come from.
type Templates struct {
	// Dir overrides and extends the built-in templates; empty uses only those.
	Dir string `yaml:"dir"`
}

// Analyze tunes language understanding.
type Analyze struct {
	// Vocabulary is a brand vocabulary file extending the built-in one.
	Vocabulary string `yaml:"vocabulary"`
	// Model is a sentiment model file written by `engagebot analyze
	// train`; empty for none. Validate checks that it can be read; its
	// format and checksum are checked when the analyzer loads it, which
	// check-config does too, so a bad file is a config error naming it.
	Model string `yaml:"model"`
	// Retrain is how often the running service trains the model again on
	// the moderators' corrections and the imported examples, as PR
	// staff's Train does; the model it replaces becomes the previous one.
	// Empty (the default) never retrains on its own.
	Retrain Period `yaml:"retrain"`
}

// minRetrain is the shortest analyze.retrain: each training replaces the
// model a rollback returns to.
const minRetrain = time.Minute

// Period is a duration that may be left empty for none: "24h", "30m",
// or "" (and "0") for never.
type Period time.Duration

// UnmarshalText reads a period; the reason of a bad one says how to write it.
func (p *Period) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		*p = 0
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("invalid duration %q: write it like \"24h\" or \"30m\", or leave it empty for never", s)
	}
	*p = Period(d)
	return nil
}

// Duration is the period as a time.Duration, 0 for none.
func (p Period) Duration() time.Duration { return time.Duration(p) }

// Enabled values of an account.
const (
	EnabledAuto  = "auto"
	EnabledTrue  = "true"
	EnabledFalse = "false"
)

// Account is one platform account.
type Account struct {
	Key      string // "<platform>.<name>"
	Platform string
	Name     string
	Enabled  string
	Factory  bot.Factory
	Config   bot.AccountConfig
	// Skip says why an account will not run (disabled, or secrets not set
	// with enabled: auto); empty when it runs.
	Skip string
}

// KeyError is a config mistake: the full key and the reason.
type KeyError struct {
	Key    string
	Reason string
}

func (e *KeyError) Error() string { return e.Key + ": " + e.Reason }

// Default returns the defaults every file starts from.
func Default() *Config {
	return &Config{
		Server:   Server{Listen: "127.0.0.1:8080", MaxBodyBytes: 1 << 20, ShutdownTimeout: 20 * time.Second},
		Data:     Data{Dir: "data", Retention: 0},
		Log:      Log{Level: "info", Format: "text"},
		Bot:      Bot{DefaultLang: "fa", Workers: 8, RetryBase: time.Second, RetryMax: 5 * time.Minute, MaxAttempts: 8, SendTimeout: 30 * time.Second},
		Brand:    bot.Brand{Name: map[string]string{"fa": "نیکان دارو", "en": "Nikan Daru"}},
		Alerts:   defaultAlerts(),
		Schedule: defaultSchedule(),
	}
}

// Load reads and validates a config file. getenv resolves ${VAR}.
func Load(path string, factories []bot.Factory, getenv func(string) string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(b, factories, getenv)
	if err != nil {
		return nil, fmt.Errorf("config %s:\n%w", path, err)
	}
	return c, nil
}

// Parse decodes and validates config YAML. All mistakes are reported
// together, one per line.
func Parse(b []byte, factories []bot.Factory, getenv func(string) string) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	c := Default()
	if len(doc.Content) == 0 {
		return c, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("the file must be a mapping of sections (server:, accounts:, ...)")
	}
	refs := newEnvRefs()
	expandEnv(root, "", getenv, refs)

	// Split off accounts: their schema depends on the platform.
	var accounts *yaml.Node
	rest := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "accounts" {
			accounts = root.Content[i+1]
			continue
		}
		rest.Content = append(rest.Content, root.Content[i], root.Content[i+1])
	}
	var errs []error
	if err := decodeStrict(rest, c, ""); err != nil {
		errs = append(errs, err)
	}
	if accounts != nil {
		accs, err := decodeAccounts(accounts, factories, refs)
		c.Accounts = accs
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := c.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := joinErrs(errs); err != nil {
		return nil, err
	}
	return c, nil
}

func decodeAccounts(n *yaml.Node, factories []bot.Factory, refs *envRefs) ([]Account, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, &KeyError{Key: "accounts", Reason: "must be a mapping of \"<platform>.<name>\" to settings"}
	}
	byPlatform := map[string]bot.Factory{}
	for _, f := range factories {
		for _, p := range f.Platforms {
			byPlatform[p] = f
		}
	}
	var out []Account
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, body := n.Content[i].Value, n.Content[i+1]
		path := "accounts." + key
		platform, name, ok := bot.SplitAccountKey(key)
		if !ok {
			errs = append(errs, &KeyError{Key: path, Reason: "account keys are \"<platform>.<name>\", e.g. telegram.support"})
			continue
		}
		f, ok := byPlatform[platform]
		if !ok {
			errs = append(errs, &KeyError{Key: path, Reason: fmt.Sprintf("unknown platform %q (known: %s)", platform, strings.Join(knownPlatforms(byPlatform), ", "))})
			continue
		}
		acc := Account{Key: key, Platform: platform, Name: name, Enabled: EnabledAuto, Factory: f, Config: f.NewConfig(platform)}
		if body.Kind == yaml.ScalarNode && body.Tag == "!!null" {
			body = &yaml.Node{Kind: yaml.MappingNode}
		}
		if body.Kind != yaml.MappingNode {
			errs = append(errs, &KeyError{Key: path, Reason: "must be a mapping of settings"})
			continue
		}
		// Strip the common key "enabled"; the rest is the adapter's.
		own := &yaml.Node{Kind: yaml.MappingNode}
		for j := 0; j+1 < len(body.Content); j += 2 {
			if body.Content[j].Value == "enabled" {
				v := strings.ToLower(body.Content[j+1].Value)
				if v != EnabledAuto && v != EnabledTrue && v != EnabledFalse {
					errs = append(errs, &KeyError{Key: path + ".enabled", Reason: fmt.Sprintf("must be true, false or auto, got %q", body.Content[j+1].Value)})
				}
				acc.Enabled = v
				continue
			}
			own.Content = append(own.Content, body.Content[j], body.Content[j+1])
		}
		if err := decodeStrict(own, acc.Config, path); err != nil {
			errs = append(errs, err)
			continue
		}
		missing := acc.Config.MissingSecrets()
		switch {
		case acc.Enabled == EnabledFalse:
			acc.Skip = "disabled in config"
		case len(missing) > 0 && acc.Enabled == EnabledTrue:
			for _, m := range missing {
				errs = append(errs, &KeyError{Key: path + "." + m, Reason: "required secret is empty" + refs.hint(path+"."+m)})
			}
		case len(missing) > 0:
			var parts []string
			for _, m := range missing {
				parts = append(parts, m+refs.hint(path+"."+m))
			}
			acc.Skip = "secrets not set: " + strings.Join(parts, ", ")
		}
		// Every account's settings are checked, running or not: a skip is
		// for secrets the environment has not given yet, never for a
		// mistake in the file. Values the environment left empty are not
		// mistakes of an account that does not run either; they are named
		// with the variable to set once it does.
		var waiting []string
		for _, ke := range keyErrs(path, acc.Config.Validate()) {
			key := strings.TrimPrefix(ke.Key, path+".")
			switch {
			case slices.Contains(missing, key):
				// reported above as a missing secret
			case refs.empty[ke.Key] && acc.Skip != "":
				waiting = append(waiting, key+refs.hint(ke.Key))
			default:
				if refs.empty[ke.Key] {
					ke.Reason += refs.hint(ke.Key)
				}
				errs = append(errs, ke)
			}
		}
		if len(waiting) > 0 {
			acc.Skip += "; also empty: " + strings.Join(waiting, ", ")
		}
		out = append(out, acc)
	}
	return out, joinErrs(errs)
}

func knownPlatforms(m map[string]bot.Factory) []string {
	var out []string
	for p := range m {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// keyErrs turns an adapter's *bot.FieldError(s) into *KeyError(s) with
// the account's path in front; nil for nil.
func keyErrs(path string, err error) []*KeyError {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*KeyError
		for _, e := range j.Unwrap() {
			out = append(out, keyErrs(path, e)...)
		}
		return out
	}
	var fe *bot.FieldError
	if errors.As(err, &fe) {
		return []*KeyError{{Key: path + "." + fe.Key, Reason: fe.Reason}}
	}
	return []*KeyError{{Key: path, Reason: err.Error()}}
}

func (c *Config) validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Server.Listen); err != nil {
		errs = append(errs, &KeyError{Key: "server.listen", Reason: fmt.Sprintf("must be host:port, e.g. 127.0.0.1:8080 (%v)", err)})
	}
	if c.Server.PublicURL != "" && !strings.HasPrefix(c.Server.PublicURL, "https://") && !strings.HasPrefix(c.Server.PublicURL, "http://") {
		errs = append(errs, &KeyError{Key: "server.public_url", Reason: "must start with https://"})
	}
	if c.Server.MaxBodyBytes <= 0 {
		errs = append(errs, &KeyError{Key: "server.max_body_bytes", Reason: "must be positive"})
	}
	if c.Data.Dir == "" {
		errs = append(errs, &KeyError{Key: "data.dir", Reason: "required"})
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		errs = append(errs, &KeyError{Key: "log.level", Reason: fmt.Sprintf("must be debug, info, warn or error, got %q", c.Log.Level)})
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		errs = append(errs, &KeyError{Key: "log.format", Reason: fmt.Sprintf("must be text or json, got %q", c.Log.Format)})
	}
	if c.Bot.DefaultLang != bot.LangFa && c.Bot.DefaultLang != bot.LangEn {
		errs = append(errs, &KeyError{Key: "bot.default_lang", Reason: fmt.Sprintf("must be fa or en, got %q", c.Bot.DefaultLang)})
	}
	if c.Bot.Workers < 1 || c.Bot.Workers > 1024 {
		errs = append(errs, &KeyError{Key: "bot.workers", Reason: "must be between 1 and 1024"})
	}
	if c.Bot.MaxAttempts < 1 {
		errs = append(errs, &KeyError{Key: "bot.max_attempts", Reason: "must be at least 1"})
	}
	if w := c.Brand.Website; w != "" && !strings.HasPrefix(w, "https://") && !strings.HasPrefix(w, "http://") {
		errs = append(errs, &KeyError{Key: "brand.website", Reason: "must be an absolute http(s) URL"})
	}
	errs = append(errs, c.Alerts.validate()...)
	errs = append(errs, c.Schedule.validate()...)
	if c.Templates.Dir != "" {
		errs = append(errs, checkTemplateDir(c.Templates.Dir)...)
	}
	if c.Analyze.Vocabulary != "" {
		if f, err := os.Open(c.Analyze.Vocabulary); err != nil {
			errs = append(errs, &KeyError{Key: "analyze.vocabulary", Reason: fmt.Sprintf("cannot read file: %v", err)})
		} else {
			f.Close()
		}
	}
	if c.Analyze.Model != "" {
		if err := checkModel(c.Analyze.Model); err != nil {
			errs = append(errs, &KeyError{Key: "analyze.model", Reason: err.Error()})
		}
	}
	if d := c.Analyze.Retrain.Duration(); d > 0 && d < minRetrain {
		errs = append(errs, &KeyError{Key: "analyze.retrain", Reason: "must be at least 1m, or empty for never"})
	}
	return joinErrs(errs)
}

// languages are the languages replies are written in: the folders a
// template folder may have.
var languages = []string{bot.LangFa, bot.LangEn}

// checkTemplateDir reads a template folder. Its folders are languages; one
// that is not (a typo, "farsi", a language engagebot does not answer in)
// would never be used, so it is a mistake rather than silently ignored.
func checkTemplateDir(dir string) []error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []error{&KeyError{Key: "templates.dir", Reason: fmt.Sprintf("cannot read folder: %v", err)}}
	}
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || slices.Contains(languages, e.Name()) {
			continue
		}
		errs = append(errs, &KeyError{Key: "templates.dir", Reason: fmt.Sprintf("folder %q is not a language replies are written in (want %s)",
			filepath.Join(dir, e.Name()), strings.Join(languages, ", "))})
	}
	return errs
}

// joinErrs flattens nested joins so each mistake prints on its own line.
func joinErrs(errs []error) error {
	var flat []error
	for _, e := range errs {
		if e == nil {
			continue
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			flat = append(flat, j.Unwrap()...)
			continue
		}
		flat = append(flat, e)
	}
	return errors.Join(flat...)
}

// checkModel reports a model file that cannot be read or is empty.
func checkModel(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot read file: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	switch {
	case err != nil:
		return fmt.Errorf("cannot read file: %v", err)
	case st.IsDir():
		return fmt.Errorf("%s is a folder, want a model file", path)
	case st.Size() == 0:
		return fmt.Errorf("%s is empty, want a model file", path)
	}
	return nil
}
