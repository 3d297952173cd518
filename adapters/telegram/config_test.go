package telegram

import (
	"errors"
	"slices"
	"testing"
	"time"

	"engagebot/bot"
)

func TestConfigDefaultsAreValid(t *testing.T) {
	c := NewConfig()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if got, want := c.MissingSecrets(), []string{"token", "webhook_secret"}; !slices.Equal(got, want) {
		t.Errorf("MissingSecrets = %v, want %v", got, want)
	}
	c.Mode = ModePolling
	if got, want := c.MissingSecrets(), []string{"token"}; !slices.Equal(got, want) {
		t.Errorf("polling MissingSecrets = %v, want %v", got, want)
	}
}

func TestConfigValidate(t *testing.T) {
	for i, tc := range []struct {
		edit func(*Config)
		key  string
	}{
		{func(c *Config) { c.APIBase = "api.telegram.org" }, "api_base"},
		{func(c *Config) { c.Token = "no-colon" }, "token"},
		{func(c *Config) { c.Token = "abc:def" }, "token"},
		{func(c *Config) { c.Mode = "push" }, "mode"},
		{func(c *Config) { c.WebhookSecret = "short" }, "webhook_secret"},
		{func(c *Config) { c.WebhookSecret = "has spaces in it, sixteen+" }, "webhook_secret"},
		{func(c *Config) { c.WebhookMaxConnections = 101 }, "webhook_max_connections"},
		{func(c *Config) { c.Mode, c.PollTimeout, c.PollInterval = ModePolling, 0, 0 }, "poll_interval"},
		{func(c *Config) { c.PollLimit = 0 }, "poll_limit"},
		{func(c *Config) { c.RequestTimeout = 0 }, "request_timeout"},
		{func(c *Config) { c.Username = "@bot" }, "username"},
	} {
		c := NewConfig()
		c.Token, c.WebhookSecret = "123:abc", "0123456789abcdef"
		tc.edit(c)
		err := c.Validate()
		var fe *bot.FieldError
		if !errors.As(err, &fe) || fe.Key != tc.key {
			t.Errorf("%d: err = %v, want a FieldError for %s", i, err, tc.key)
		}
	}
}

// TestRateParse checks the rates config.yaml takes (the config package
// decodes them with bot.Rate's UnmarshalText; a bad one is reported under
// its key, see cmd/engagebot's TestTelegram_BadRateNamesItsKey).
func TestRateParse(t *testing.T) {
	for i, tc := range []struct {
		in   string
		want bot.Rate
		bad  bool
	}{
		{"30/s", bot.Rate{Count: 30, Per: time.Second}, false},
		{"20/m", bot.Rate{Count: 20, Per: time.Minute}, false},
		{"100/90s", bot.Rate{Count: 100, Per: 90 * time.Second}, false},
		{" 2 / 1s ", bot.Rate{Count: 2, Per: time.Second}, false},
		{"0", bot.Rate{}, false},
		{"", bot.Rate{}, true},
		{"30", bot.Rate{}, true},
		{"x/s", bot.Rate{}, true},
		{"3/0s", bot.Rate{}, true},
		{"3/fortnight", bot.Rate{}, true},
	} {
		var got bot.Rate
		err := got.UnmarshalText([]byte(tc.in))
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("%d: %q = %+v, %v; want %+v bad=%v", i, tc.in, got, err, tc.want, tc.bad)
		}
	}
}
