package bolt

import (
	"bytes"
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// TestIndexes runs a workload that moves, changes and deletes indexed
// records, then checks that every index holds exactly the entries its
// records imply: behaviour tests cannot see a stale entry that a filter
// hides, but it would leak space and slow scans.
func TestIndexes(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "engagebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)
	a, b := bot.FollowerKey{Platform: "telegram", UserID: "1"}, bot.FollowerKey{Platform: "telegram", UserID: "2"}
	ka := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "1"}
	kb := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "2"}
	kg := bot.ThreadKey{Platform: "telegram", Account: "support", Chat: "g"}
	steps := []func(tx bot.Tx) error{
		func(tx bot.Tx) error {
			for _, f := range []*bot.Follower{
				{Key: a, Lang: bot.LangFa, Consent: bot.ConsentGiven},
				{Key: b, Lang: bot.LangEn},
				{Key: b, Lang: bot.LangFa, Consent: bot.ConsentRevoked}, // moves in both indexes
				{Key: bot.FollowerKey{Platform: "x", UserID: "3"}},      // no language: no lang entry
			} {
				if err := tx.PutFollower(f); err != nil {
					return err
				}
			}
			for _, th := range []*bot.Thread{
				{Key: ka, Follower: a, ChatType: bot.ChatPrivate},
				{Key: kb, Follower: a, ChatType: bot.ChatPrivate},
				{Key: kg, Follower: a, ChatType: bot.ChatGroup},
			} {
				if err := tx.PutThread(th); err != nil {
					return err
				}
			}
			for i, k := range []bot.ThreadKey{ka, kb, kg, kg, ka} {
				f := a
				if k == kg && i == 3 {
					f = b
				}
				if err := tx.AddMessage(&bot.Message{Thread: k, Follower: f, Text: "m", At: at.Add(time.Duration(i) * time.Hour)}); err != nil {
					return err
				}
				label := []string{bot.SentimentPositive, bot.SentimentNegative, bot.SentimentNeutral}[i%3]
				if err := tx.AddSentiment(&bot.SentimentRecord{Platform: "telegram", Follower: f, At: at.Add(time.Duration(i) * time.Hour),
					Sentiment: bot.Sentiment{Label: label, Score: float64(i) / 4}}); err != nil {
					return err
				}
				fl := &bot.Flag{Thread: k, Status: bot.FlagOpen}
				if err := tx.AddFlag(fl); err != nil {
					return err
				}
				if i%2 == 0 {
					fl.Status = bot.FlagClosed
					if err := tx.PutFlag(fl); err != nil {
						return err
					}
				}
				o := &bot.Outbound{Key: string(rune('a' + i))}
				if _, err := tx.Enqueue(o); err != nil {
					return err
				}
				for _, s := range []bot.OutState{bot.OutSending, bot.OutSent}[:i%3] {
					o.State = s
					if err := tx.PutOutbound(o); err != nil {
						return err
					}
				}
			}
			return nil
		},
		// kb moves to b, then a is erased; old messages are purged.
		func(tx bot.Tx) error {
			return tx.PutThread(&bot.Thread{Key: kb, Follower: b, ChatType: bot.ChatPrivate})
		},
		func(tx bot.Tx) error { return tx.DeleteFollower(a) },
	}
	for i, step := range steps {
		if err := db.Update(t.Context(), step); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	for _, id := range []string{"e1", "e2", "e3"} {
		if _, err := db.Accept(t.Context(), []bot.Event{{Platform: "telegram", Account: "support", ID: id, Kind: bot.EventMessage, Chat: "1"}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.PurgeMessages(t.Context(), at.Add(210*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PruneDedupe(t.Context(), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}

	type index struct {
		name, primary []byte
		keys          func(k, v []byte) ([][]byte, error)
	}
	indexes := []index{
		{bucketFollowersLang, bucketFollowers, func(k, v []byte) ([][]byte, error) {
			f, err := decodeFollower(k, v)
			if err != nil {
				return nil, err
			}
			if bl, _ := followerIndexKeys(k, f); bl != nil {
				return [][]byte{bl}, nil
			}
			return nil, nil
		}},
		{bucketFollowersConsent, bucketFollowers, func(k, v []byte) ([][]byte, error) {
			f, err := decodeFollower(k, v)
			_, bc := followerIndexKeys(k, f)
			return [][]byte{bc}, err
		}},
		{bucketThreadsFollower, bucketThreads, func(k, v []byte) ([][]byte, error) {
			th, err := decodeThread(k, v)
			if err != nil || th.Follower == (bot.FollowerKey{}) {
				return nil, err
			}
			return [][]byte{join(followerKey(th.Follower), k)}, nil
		}},
		{bucketMessagesFollower, bucketMessages, func(k, v []byte) ([][]byte, error) {
			m, err := decodeMessage(k, v)
			if err != nil || m.Follower == (bot.FollowerKey{}) {
				return nil, err
			}
			return [][]byte{join(followerKey(m.Follower), k)}, nil
		}},
		{bucketMessagesTime, bucketMessages, func(k, v []byte) ([][]byte, error) {
			m, err := decodeMessage(k, v)
			if err != nil {
				return nil, err
			}
			return [][]byte{join(appendTime(nil, m.At), k)}, nil
		}},
		{bucketSentimentFol, bucketSentiment, func(k, v []byte) ([][]byte, error) {
			r, err := decodeSentiment(k, v)
			if err != nil {
				return nil, err
			}
			if ik, _ := sentimentFollowerEntry(r); ik != nil {
				return [][]byte{ik}, nil
			}
			return nil, nil
		}},
		{bucketFlagsStatus, bucketFlags, func(_, v []byte) ([][]byte, error) {
			var f bot.Flag
			err := json.Unmarshal(v, &f)
			bs, _ := flagIndexKeys(&f)
			return [][]byte{bs}, err
		}},
		{bucketFlagsThread, bucketFlags, func(_, v []byte) ([][]byte, error) {
			var f bot.Flag
			err := json.Unmarshal(v, &f)
			_, bt := flagIndexKeys(&f)
			return [][]byte{bt}, err
		}},
		{bucketOutboxState, bucketOutbox, func(k, v []byte) ([][]byte, error) {
			o, err := decodeOutbound(readUint64(k), v)
			if err != nil || !indexedState(o.State) {
				return nil, err
			}
			return [][]byte{appendUint64(stringKey(string(o.State)), o.ID)}, nil
		}},
		{bucketOutboxKey, bucketOutbox, func(k, v []byte) ([][]byte, error) {
			o, err := decodeOutbound(readUint64(k), v)
			if err != nil || o.Key == "" {
				return nil, err
			}
			return [][]byte{[]byte(o.Key)}, nil
		}},
	}
	err = db.db.View(func(tx *bbolt.Tx) error {
		for _, ix := range indexes {
			var want, got [][]byte
			if err := tx.Bucket(ix.primary).ForEach(func(k, v []byte) error {
				keys, err := ix.keys(k, v)
				want = append(want, keys...)
				return err
			}); err != nil {
				return err
			}
			_ = tx.Bucket(ix.name).ForEach(func(k, _ []byte) error {
				got = append(got, bytes.Clone(k))
				return nil
			})
			slices.SortFunc(want, bytes.Compare)
			if !slices.EqualFunc(got, want, bytes.Equal) {
				t.Errorf("index %s:\n got  %q\n want %q", ix.name, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkSeries(t, db)
	// Every accepted key sits in the bucket of the day it was accepted.
	err = db.db.View(func(tx *bbolt.Tx) error {
		day := tx.Bucket(bucketDedupeDay).Bucket(dayName(dayOf(time.Now())))
		if day == nil {
			t.Fatal("no dedupe bucket for today")
		}
		if n := day.Stats().KeyN; n != 3 {
			t.Errorf("today's dedupe bucket holds %d keys, want 3", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkSeries recounts the sentiment log per (platform, quarter hour)
// and compares it with sentiment_series.
func checkSeries(t *testing.T, db *DB) {
	t.Helper()
	err := db.db.View(func(tx *bbolt.Tx) error {
		want := map[string]bot.SentimentBucket{}
		if err := tx.Bucket(bucketSentiment).ForEach(func(k, v []byte) error {
			r, err := decodeSentiment(k, v)
			if err != nil {
				return err
			}
			for _, p := range []string{r.Platform, ""} {
				sk := string(seriesKey(p, quarterOf(r.At)))
				c := want[sk]
				addCounts(&c, r.Sentiment, 1)
				want[sk] = c
			}
			return nil
		}); err != nil {
			return err
		}
		got := map[string]bot.SentimentBucket{}
		if err := tx.Bucket(bucketSentimentSeries).ForEach(func(k, v []byte) error {
			var c bot.SentimentBucket
			err := decodeCounts(v, &c)
			got[string(k)] = c
			return err
		}); err != nil {
			return err
		}
		if len(want) == 0 {
			t.Error("no sentiment records to count")
		}
		if !maps.Equal(got, want) {
			t.Errorf("sentiment_series:\n got  %v\n want %v", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
