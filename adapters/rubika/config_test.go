package rubika

import (
	"errors"
	"slices"
	"testing"

	"engagebot/bot"
)

func TestConfigDefaults(t *testing.T) {
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
	if !slices.Equal(c.WebhookTypes, EndpointTypes) {
		t.Errorf("webhook_types default = %v", c.WebhookTypes)
	}
}

func TestConfigValidate(t *testing.T) {
	for i, tc := range []struct {
		edit func(*Config)
		key  string
	}{
		{func(c *Config) { c.APIBase = "/v3" }, "api_base"},
		{func(c *Config) { c.Token = "a/b" }, "token"},
		{func(c *Config) { c.Mode = "push" }, "mode"},
		{func(c *Config) { c.WebhookSecret = "short-secret" }, "webhook_secret"},
		{func(c *Config) { c.WebhookSecret = "has a space in it but is long enough!!" }, "webhook_secret"},
		{func(c *Config) { c.WebhookSecretIn = "header" }, "webhook_secret_in"},
		{func(c *Config) { c.WebhookTypes = []string{"ReceiveEverything"} }, "webhook_types"},
		{func(c *Config) { c.WebhookTypes = nil }, "webhook_types"},
		{func(c *Config) { c.PollInterval = 0 }, "poll_interval"},
		{func(c *Config) { c.PollLimit = 0 }, "poll_limit"},
		{func(c *Config) { c.RateLimitedWait = 0 }, "rate_limited_wait"},
		{func(c *Config) { c.Username = "@x" }, "username"},
	} {
		c := NewConfig()
		c.Token, c.WebhookSecret = "TOKEN", "0123456789abcdef0123456789abcdef"
		tc.edit(c)
		var fe *bot.FieldError
		if err := c.Validate(); !errors.As(err, &fe) || fe.Key != tc.key {
			t.Errorf("%d: err = %v, want a FieldError for %s", i, err, tc.key)
		}
	}
}
