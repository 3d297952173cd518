package poll

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"engagebot/bot"
)

func TestBackoffSteps(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Wait returns at once; only the steps are checked
	var b Backoff
	var got []time.Duration
	for range 9 {
		b.Wait(ctx, 0)
		got = append(got, b.next)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute, time.Minute}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("steps after each wait %v, want %v", got, want)
		}
	}
	b.Wait(ctx, 3*time.Second) // the platform's wait leaves the steps alone
	if b.next != time.Minute {
		t.Errorf("a given wait moved the back-off to %v", b.next)
	}
	b.Reset()
	if b.Wait(ctx, 0); b.next != time.Second {
		t.Errorf("after Reset the next step is %v, want 1s", b.next)
	}
}

type inbox struct {
	fails int
	calls int
}

func (in *inbox) Accept(context.Context, []bot.Event, *bot.Cursor) error { return nil }

func (in *inbox) Cursor(_ context.Context, key string) (string, error) {
	in.calls++
	if in.calls <= in.fails {
		return "", errors.New("busy")
	}
	return key + "@42", nil
}

func TestReadCursor(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	in := &inbox{fails: 1}
	if v, ok := ReadCursor(context.Background(), in, "k", log); !ok || v != "k@42" || in.calls != 2 {
		t.Errorf("ReadCursor = %q, %v after %d calls", v, ok, in.calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := ReadCursor(ctx, &inbox{fails: 100}, "k", log); ok {
		t.Errorf("ReadCursor returned ok after the context ended")
	}
}
