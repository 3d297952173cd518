package bolt

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// v1Buckets are the buckets of schema 1.
var v1Buckets = []string{"meta", "inbox", "dedupe", "cursors", "followers", "threads",
	"threads_by_follower", "messages", "messages_by_follower", "sentiment", "sentiment_by_time",
	"sentiment_by_platform", "sentiment_by_follower", "flags", "flags_by_status", "flags_by_thread",
	"outbox", "outbox_by_state", "outbox_by_key"}

// writeV1 writes a schema-1 file the way that build did: JSON values,
// messages behind a 12-byte time header.
func writeV1(t *testing.T, path string, fs []*bot.Follower, ths []*bot.Thread, ms []*bot.Message,
	rs []*bot.SentimentRecord, os []*bot.Outbound, dedupe map[string]time.Time) {
	t.Helper()
	bdb, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	js := func(v any) []byte {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	err = bdb.Update(func(tx *bbolt.Tx) error {
		b := map[string]*bbolt.Bucket{}
		for _, name := range v1Buckets {
			bk, err := tx.CreateBucket([]byte(name))
			if err != nil {
				return err
			}
			b[name] = bk
		}
		put := func(bucket string, k, v []byte) {
			if err := b[bucket].Put(k, v); err != nil {
				t.Fatal(err)
			}
		}
		put("meta", []byte(schemaKey), []byte("1"))
		for _, f := range fs {
			put("followers", followerKey(f.Key), js(f))
		}
		for _, th := range ths {
			put("threads", threadKey(th.Key), js(th))
			put("threads_by_follower", join(followerKey(th.Follower), threadKey(th.Key)), nil)
		}
		for i, m := range ms {
			m.Seq = uint64(i + 1)
			mk := appendUint64(threadKey(m.Thread), m.Seq)
			put("messages", mk, append(appendTime(nil, m.At), js(m)...))
			put("messages_by_follower", join(followerKey(m.Follower), mk), nil)
		}
		for i, r := range rs {
			r.Seq = uint64(i + 1)
			put("sentiment", u64(r.Seq), js(r))
			ts := appendUint64(appendTime(nil, r.At), r.Seq)
			put("sentiment_by_time", ts, nil)
			put("sentiment_by_platform", join(stringKey(r.Platform), ts), nil)
			put("sentiment_by_follower", join(followerKey(r.Follower), ts), nil)
		}
		for i, o := range os {
			o.ID = uint64(i + 1)
			put("outbox", u64(o.ID), js(o))
			put("outbox_by_state", appendUint64(stringKey(string(o.State)), o.ID), nil)
			put("outbox_by_key", []byte(o.Key), u64(o.ID))
		}
		for k, at := range dedupe {
			put("dedupe", []byte(k), appendTime(nil, at))
		}
		if err := b["messages"].SetSequence(uint64(len(ms))); err != nil {
			return err
		}
		if err := b["sentiment"].SetSequence(uint64(len(rs))); err != nil {
			return err
		}
		return b["outbox"].SetSequence(uint64(len(os)))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrate1to2(t *testing.T) {
	at := time.Date(2025, 3, 20, 9, 0, 0, 0, time.UTC)
	a := bot.FollowerKey{Platform: "telegram", UserID: "1"}
	b := bot.FollowerKey{Platform: "telegram", UserID: "2"}
	ka := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "1"}
	kb := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "2"}
	fs := []*bot.Follower{
		{Key: a, Name: "Sara", Lang: bot.LangFa, FirstSeen: at, LastSeen: at, Messages: 2, Mood: 0.5,
			Interests: map[string]int{"vitamins": 2}, Consent: bot.ConsentGiven, ConsentAt: at},
		{Key: b, Name: "Ali", Lang: bot.LangEn, FirstSeen: at, LastSeen: at, Messages: 1},
	}
	ths := []*bot.Thread{
		{Key: ka, ChatType: bot.ChatPrivate, Follower: a, Mode: bot.ModeBot, Messages: 3, Created: at, LastInbound: at, LastMessage: at},
		{Key: kb, ChatType: bot.ChatPrivate, Follower: b, Mode: bot.ModeHuman, Moderator: "mina", Flagged: bot.SeverityHigh, Created: at},
	}
	an := &bot.Analysis{Lang: bot.LangFa, Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.5},
		Intent: bot.IntentSideEffect, Signals: []bot.Signal{{Name: bot.SignalAdverseEvent, Severity: bot.SeverityCritical, Product: "syrup", Effect: "rash"}},
		Products: []string{"syrup"}, Topics: []string{"skin"}}
	ms := []*bot.Message{
		{Thread: ka, Direction: bot.DirIn, PlatformID: "m1", Kind: bot.EventMessage, Follower: a, Author: "Sara", Text: "old", Lang: bot.LangFa, At: at.Add(-48 * time.Hour)},
		{Thread: ka, Direction: bot.DirIn, PlatformID: "m2", Kind: bot.EventMessage, Follower: a, Author: "Sara", Text: "rash", Lang: bot.LangFa, Analysis: an, At: at},
		{Thread: ka, Direction: bot.DirOut, Kind: bot.EventMessage, Follower: a, Author: "bot", Text: "sorry", Lang: bot.LangFa, Outbound: 1, At: at},
		{Thread: kb, Direction: bot.DirIn, PlatformID: "m3", Kind: bot.EventMessage, Follower: b, Text: "hi", At: at},
	}
	rs := []*bot.SentimentRecord{
		{Platform: "telegram", Account: "support", Follower: a, Thread: ka, MessageID: "m2", Lang: bot.LangFa,
			Sentiment: bot.Sentiment{Label: bot.SentimentNegative, Score: -0.5}, Intent: bot.IntentSideEffect, Signals: []string{bot.SignalAdverseEvent}, At: at},
		{Platform: "telegram", Account: "support", Follower: b, Thread: kb, MessageID: "m3", Lang: bot.LangEn,
			Sentiment: bot.Sentiment{Label: bot.SentimentPositive, Score: 0.25}, Intent: bot.IntentGreeting, At: at.Add(time.Hour)},
	}
	out := func(key string, state bot.OutState) *bot.Outbound {
		return &bot.Outbound{Platform: "telegram", Account: "support", Chat: "1", ChatType: bot.ChatPrivate, Kind: bot.OutReply,
			ReplyTo: "m2", Recipient: "1", Text: "sorry", Buttons: [][]bot.Button{{{Text: "ok", Data: "ok"}}},
			Lang: bot.LangFa, Template: "side_effect", Extra: map[string]string{"page": "p"}, Key: key, Source: "bot",
			State: state, Attempts: 1, PlatformID: "sent-1", Created: at, Updated: at}
	}
	os := []*bot.Outbound{out("reply:1", bot.OutSent), out("reply:2", bot.OutPending)}
	dedupe := map[string]time.Time{"telegram.support\x00m1": at.Add(-48 * time.Hour), "telegram.support\x00m2": at}

	path := filepath.Join(t.TempDir(), "engagebot.db")
	writeV1(t, path, fs, ths, ms, rs, os, dedupe)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	same := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
		}
	}
	err = db.View(t.Context(), func(tx bot.Tx) error {
		v, _ := tx.Meta(schemaKey)
		same("schema", v, "2")
		for _, f := range fs {
			got, err := tx.Follower(f.Key)
			if err != nil {
				return err
			}
			same("follower "+f.Key.String(), got, f)
		}
		given := bot.ConsentGiven
		got, err := tx.Followers(bot.FollowerFilter{Lang: bot.LangEn})
		same("followers by lang", len(got) == 1 && got[0].Key == b, true)
		got, _ = tx.Followers(bot.FollowerFilter{Consent: &given})
		same("followers by consent", len(got) == 1 && got[0].Key == a, true)
		for _, th := range ths {
			got, err := tx.Thread(th.Key)
			if err != nil {
				return err
			}
			same("thread "+th.Key.String(), got, th)
		}
		msgs, _ := tx.Messages(ka, 0, 0)
		same("messages", msgs, ms[:3])
		recs, _ := tx.SentimentByDay("", at, at.Add(24*time.Hour), 0)
		same("sentiment", recs, rs)
		series, _ := tx.SentimentSeries("telegram", at.Truncate(24*time.Hour), at.Truncate(24*time.Hour).Add(24*time.Hour), bot.StepDay)
		same("series", series, []bot.SentimentBucket{{Start: at.Truncate(24 * time.Hour), Positive: 1, Negative: 1, Volume: 2, ScoreSum: -0.25}})
		sent, _ := tx.Outbound(1)
		same("sent item", sent, withoutBodyOf(os[0]))
		pending, _ := tx.OutboxByKey("reply:2")
		same("pending item", pending, os[1])
		sentList, _ := tx.Outbox(bot.OutSent, 0, 0)
		same("sent listing", sentList, []*bot.Outbound{withoutBodyOf(os[0])})
		pendingList, _ := tx.Outbox(bot.OutPending, 0, 0)
		same("pending listing", pendingList, []*bot.Outbound{os[1]})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The time indexes were built: retention and dedupe pruning find the
	// old entries.
	if n, err := db.PurgeMessages(t.Context(), at.Add(-time.Hour)); err != nil || n != 1 {
		t.Fatalf("PurgeMessages after migration = %d, %v; want 1", n, err)
	}
	if n, err := db.PruneDedupe(t.Context(), at.Add(-time.Hour)); err != nil || n != 1 {
		t.Fatalf("PruneDedupe after migration = %d, %v; want 1", n, err)
	}
	checkSeries(t, db)
	// New records continue the old sequences.
	err = db.Update(t.Context(), func(tx bot.Tx) error {
		m := &bot.Message{Thread: ka, Direction: bot.DirIn, Text: "new", At: at}
		if err := tx.AddMessage(m); err != nil {
			return err
		}
		same("next message seq", m.Seq, uint64(len(ms)+1))
		r := &bot.SentimentRecord{Platform: "telegram", Follower: a, At: at}
		if err := tx.AddSentiment(r); err != nil {
			return err
		}
		same("next sentiment seq", r.Seq, uint64(len(rs)+1))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func withoutBodyOf(o *bot.Outbound) *bot.Outbound {
	cp := *o
	cp.Text, cp.Buttons, cp.MediaURL, cp.Extra = "", nil, "", nil
	return &cp
}
