// Package storetest is the conformance suite every bot.Store passes.
//
// A store package calls Run and RunDurable from its tests:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) bot.Store { return MustOpenDB(t) })
//	}
//
// Times in the suite are UTC without monotonic readings, and strings are
// plain ASCII, so a store that round-trips values through JSON or SQL
// compares equal.
package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"engagebot/bot"
)

// Run runs the suite. open returns a new, empty store for one subtest and
// arranges for it to be closed when the test ends (t.Cleanup). Subtests may
// run in parallel with each other, each on its own store.
func Run(t *testing.T, open func(t *testing.T) bot.Store) {
	for _, g := range []struct {
		name string
		run  func(t *testing.T, open func(t *testing.T) bot.Store)
	}{
		{"Accept", testAccept},
		{"Inbox", testInbox},
		{"Update", testUpdate},
		{"View", testView},
		{"Follower", testFollower},
		{"DeleteFollower", testDeleteFollower},
		{"Thread", testThread},
		{"Messages", testMessages},
		{"PurgeMessages", testPurgeMessages},
		{"PurgeAfterErasure", testPurgeAfterErasure},
		{"PruneDedupe", testPruneDedupe},
		{"Sentiment", testSentiment},
		{"SentimentSeries", testSentimentSeries},
		{"Flag", testFlag},
		{"FlagQueue", testFlagQueue},
		{"Outbox", testOutbox},
		{"Meta", testMeta},
		{"Audit", testAudit},
		{"Case", testCase},
		{"Label", testLabel},
		{"Alert", testAlert},
		{"FollowerThreads", testFollowerThreads},
		{"User", testUser},
		{"Session", testSession},
		{"Token", testToken},
		{"Post", testPost},
		{"Slot", testSlot},
		{"Catalogue", testCatalogue},
		{"Segment", testSegment},
		{"FollowerProfile", testFollowerProfile},
	} {
		t.Run(g.name, func(t *testing.T) { g.run(t, open) })
	}
}

// base is the suite's reference time: midnight UTC starting a day.
var base = time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)

func day(n int) time.Time { return base.AddDate(0, 0, n) }

var errRollback = errors.New("storetest: rollback")

func mustUpdate(t *testing.T, s bot.Store, fn func(tx bot.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func mustView(t *testing.T, s bot.Store, fn func(tx bot.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// wantCode fails unless err is an application error with the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := bot.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %s\n want %s", what, dump(got), dump(want))
	}
}

// dump prints pointers' values and slices of pointers readably.
func dump(v any) string {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		s := "["
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				s += ", "
			}
			s += dump(rv.Index(i).Interface())
		}
		return s + "]"
	case reflect.Pointer:
		if rv.IsNil() {
			return "nil"
		}
		return fmt.Sprintf("&%+v", rv.Elem().Interface())
	}
	return fmt.Sprintf("%+v", v)
}

// event is a valid inbound message event.
func event(platform, account, id string) bot.Event {
	return bot.Event{
		Platform: platform,
		Account:  account,
		ID:       id,
		Kind:     bot.EventMessage,
		Chat:     "chat-" + id,
		ChatType: bot.ChatPrivate,
		From:     bot.Sender{ID: "user-" + id, Name: "Sara", Lang: "fa"},
		Text:     "سلام، قیمت ویتامین D چنده؟",
		Extra:    map[string]string{"media": "m1"},
		SentAt:   base.Add(time.Minute),
	}
}

func ids[T any](list []T, id func(T) string) []string {
	out := []string{}
	for _, v := range list {
		out = append(out, id(v))
	}
	return out
}

func itemIDs(items []bot.InboxItem) []string {
	return ids(items, func(it bot.InboxItem) string { return it.Event.ID })
}
