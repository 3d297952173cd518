package bot_test

import (
	"strings"
	"testing"

	"engagebot/bot"
)

type cfgA struct{ n int }

func (*cfgA) Validate() error          { return nil }
func (*cfgA) MissingSecrets() []string { return nil }

type cfgB struct{}

func (*cfgB) Validate() error          { return nil }
func (*cfgB) MissingSecrets() []string { return nil }

// TestNewFactory: New receives the config NewConfig made, as its own type,
// and a config of another type is an error naming the account, not a panic.
func TestNewFactory(t *testing.T) {
	var got *cfgA
	f := bot.NewFactory([]string{"p"}, func(string) *cfgA { return &cfgA{n: 7} },
		func(platform, name string, c *cfgA, _ bot.AdapterDeps) (bot.Adapter, error) {
			got = c
			return nil, nil
		})
	cfg := f.NewConfig("p")
	if _, err := f.New("p", "main", cfg, bot.AdapterDeps{}); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.n != 7 {
		t.Fatalf("build got %+v, want the config NewConfig made", got)
	}
	_, err := f.New("p", "main", &cfgB{}, bot.AdapterDeps{})
	if err == nil || !strings.Contains(err.Error(), "p.main") || !strings.Contains(err.Error(), "*bot_test.cfgA") {
		t.Fatalf("err %v, want one naming p.main and the wanted type", err)
	}
}
