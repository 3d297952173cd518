package bolt

import (
	"bytes"
	"encoding/json"
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
				if err := tx.AddSentiment(&bot.SentimentRecord{Platform: "telegram", Follower: f, At: at.Add(time.Duration(i) * time.Hour)}); err != nil {
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
		func(tx bot.Tx) error { _, err := tx.PurgeMessages(at.Add(210 * time.Minute)); return err },
		func(tx bot.Tx) error { return tx.DeleteFollower(a) },
	}
	for i, step := range steps {
		if err := db.Update(t.Context(), step); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}

	type index struct {
		name, primary []byte
		keys          func(k, v []byte) ([][]byte, error)
	}
	decode := func(v []byte, x any) error { return json.Unmarshal(v, x) }
	indexes := []index{
		{bucketThreadsFollower, bucketThreads, func(k, v []byte) ([][]byte, error) {
			var th bot.Thread
			if err := decode(v, &th); err != nil || th.Follower == (bot.FollowerKey{}) {
				return nil, err
			}
			return [][]byte{join(followerKey(th.Follower), k)}, nil
		}},
		{bucketMessagesFollower, bucketMessages, func(k, v []byte) ([][]byte, error) {
			m, err := decodeMessage(v)
			if err != nil || m.Follower == (bot.FollowerKey{}) {
				return nil, err
			}
			return [][]byte{join(followerKey(m.Follower), k)}, nil
		}},
		{bucketSentimentTime, bucketSentiment, func(_, v []byte) ([][]byte, error) {
			var r bot.SentimentRecord
			err := decode(v, &r)
			bt, _, _ := sentimentIndexKeys(&r)
			return [][]byte{bt}, err
		}},
		{bucketSentimentPlat, bucketSentiment, func(_, v []byte) ([][]byte, error) {
			var r bot.SentimentRecord
			err := decode(v, &r)
			_, bp, _ := sentimentIndexKeys(&r)
			return [][]byte{bp}, err
		}},
		{bucketSentimentFol, bucketSentiment, func(_, v []byte) ([][]byte, error) {
			var r bot.SentimentRecord
			err := decode(v, &r)
			if _, _, bf := sentimentIndexKeys(&r); bf != nil {
				return [][]byte{bf}, err
			}
			return nil, err
		}},
		{bucketFlagsStatus, bucketFlags, func(_, v []byte) ([][]byte, error) {
			var f bot.Flag
			err := decode(v, &f)
			bs, _ := flagIndexKeys(&f)
			return [][]byte{bs}, err
		}},
		{bucketFlagsThread, bucketFlags, func(_, v []byte) ([][]byte, error) {
			var f bot.Flag
			err := decode(v, &f)
			_, bt := flagIndexKeys(&f)
			return [][]byte{bt}, err
		}},
		{bucketOutboxState, bucketOutbox, func(_, v []byte) ([][]byte, error) {
			var o bot.Outbound
			err := decode(v, &o)
			return [][]byte{appendUint64(stringKey(string(o.State)), o.ID)}, err
		}},
		{bucketOutboxKey, bucketOutbox, func(_, v []byte) ([][]byte, error) {
			var o bot.Outbound
			if err := decode(v, &o); err != nil || o.Key == "" {
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
}
