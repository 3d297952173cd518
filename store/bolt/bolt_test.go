package bolt_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
	"engagebot/store/bolt"
	"engagebot/store/storetest"
)

var dump = flag.Bool("dump", false, "keep database files and print their paths")

// MustOpenDB opens a new database in a temporary directory and closes it
// when the test ends.
func MustOpenDB(tb testing.TB) *bolt.DB {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tempDir(tb), "engagebot.db"))
}

func mustOpenPath(tb testing.TB, path string, opts ...bolt.Option) *bolt.DB {
	tb.Helper()
	db, err := bolt.Open(path, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

func tempDir(tb testing.TB) string {
	if !*dump {
		return tb.TempDir()
	}
	dir, err := os.MkdirTemp("", "engagebot-bolt-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("database in %s", dir)
	return dir
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) bot.Store { return MustOpenDB(t) })
}

func TestStoreDurable(t *testing.T) {
	storetest.RunDurable(t, func(t *testing.T, dir string) bot.Store {
		return mustOpenPath(t, filepath.Join(dir, "engagebot.db"))
	})
}

func TestOpen(t *testing.T) {
	t.Run("ErrInUse", func(t *testing.T) {
		db := MustOpenDB(t)
		// flock is per open file, so a second Open in this process
		// conflicts just as another process would.
		_, err := bolt.Open(db.Path(), bolt.WithTimeout(20*time.Millisecond))
		if !errors.Is(err, bolt.ErrInUse) {
			t.Fatalf("Open of a held file: %v, want ErrInUse", err)
		}
		if !strings.Contains(err.Error(), "engagebot serve") {
			t.Fatalf("error %q does not say what holds the file", err)
		}
		equal(t, bot.ErrorCode(err), bot.EUNAVAILABLE)
	})

	t.Run("ErrNewerSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "engagebot.db")
		setSchema(t, path, "99")
		_, err := bolt.Open(path)
		if err == nil || !strings.Contains(err.Error(), "newer") {
			t.Fatalf("Open of a newer schema: %v, want a refusal", err)
		}
	})

	t.Run("ErrBadSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "engagebot.db")
		setSchema(t, path, "one")
		if _, err := bolt.Open(path); err == nil {
			t.Fatal("Open of an unreadable schema version succeeded")
		}
	})

	t.Run("SchemaVersion", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "engagebot.db")
		db := mustOpenPath(t, path)
		if err := db.View(t.Context(), func(tx bot.Tx) error {
			v, err := tx.Meta("schema_version")
			equal(t, v, strconv.Itoa(bolt.SchemaVersion))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		err := db.Update(t.Context(), func(tx bot.Tx) error { return tx.PutMeta("schema_version", "3") })
		equal(t, bot.ErrorCode(err), bot.EFORBIDDEN)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		// Reopening a current file is fine.
		mustOpenPath(t, path)
	})
}

func TestPruneDedupe(t *testing.T) {
	now := time.Date(2025, 3, 20, 12, 0, 0, 0, time.UTC)
	db := mustOpenPath(t, filepath.Join(t.TempDir(), "engagebot.db"), bolt.WithNow(func() time.Time { return now }))
	accept := func(id string) int {
		t.Helper()
		items, err := db.Accept(t.Context(), []bot.Event{{Platform: "telegram", Account: "support", ID: id, Kind: bot.EventMessage, Chat: "1"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	accept("old")
	now = now.Add(48 * time.Hour)
	accept("new")
	n, err := db.PruneDedupe(t.Context(), now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	equal(t, n, 1)
	equal(t, accept("old"), 1) // forgotten, so accepted again
	equal(t, accept("new"), 0)
}

// setSchema writes a bare file with the given schema version.
func setSchema(t *testing.T, path, version string) {
	t.Helper()
	bdb, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	if err := bdb.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("schema_version"), []byte(version))
	}); err != nil {
		t.Fatal(err)
	}
}

func equal[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
