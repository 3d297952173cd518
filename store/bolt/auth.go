package bolt

import (
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"engagebot/bot"
)

// Users, sessions and API tokens are JSON values in three buckets:
//
//	users     str(name) -> User (the password hash, never the password)
//	sessions  session hash -> Session
//	tokens    token hash -> APIToken
//
// Sessions and tokens are keyed by the hash of their secret
// (bot.SecretHash), so the file holds no secret that signs anyone in.
// The buckets are made on the first write, so a file of an older build
// needs no migration for them; a read of a missing bucket finds nothing.

var (
	bucketUsers    = []byte("users")
	bucketSessions = []byte("sessions")
	bucketTokens   = []byte("tokens")
)

// writeBucket returns a bucket for writing, making it on first use.
func (t *Tx) writeBucket(op string, name []byte) (*bbolt.Bucket, error) {
	if err := t.writable(op); err != nil {
		return nil, err
	}
	b, err := t.tx.CreateBucketIfNotExists(name)
	if err != nil {
		return nil, fmt.Errorf("bolt: %s: %w", op, err)
	}
	return b, nil
}

// getNamed reads one JSON value from a bucket that may not exist yet.
func (t *Tx) getNamed(bucket, key []byte, v any, what string) error {
	b := t.tx.Bucket(bucket)
	if b == nil {
		return notFound("%s not found", what)
	}
	ok, err := getJSON(b, key, v)
	if err != nil {
		return fmt.Errorf("bolt: %s: %w", what, err)
	}
	if !ok {
		return notFound("%s not found", what)
	}
	return nil
}

func listJSON[T any](t *Tx, bucket []byte, what string) ([]*T, error) {
	b := t.tx.Bucket(bucket)
	if b == nil {
		return nil, nil
	}
	var out []*T
	err := b.ForEach(func(_, v []byte) error {
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			return err
		}
		out = append(out, &x)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: %s: %w", what, err)
	}
	return out, nil
}

// User returns a user by name.
func (t *Tx) User(name string) (*bot.User, error) {
	var u bot.User
	if err := t.getNamed(bucketUsers, stringKey(name), &u, fmt.Sprintf("user %q", name)); err != nil {
		return nil, err
	}
	return &u, nil
}

// PutUser creates or replaces a user.
func (t *Tx) PutUser(u *bot.User) error {
	if u.Name == "" {
		return invalid("a user needs a name")
	}
	b, err := t.writeBucket("put user", bucketUsers)
	if err != nil {
		return err
	}
	if err := putJSON(b, stringKey(u.Name), u); err != nil {
		return fmt.Errorf("bolt: put user %q: %w", u.Name, err)
	}
	return nil
}

// Users lists every user by name.
func (t *Tx) Users() ([]*bot.User, error) { return listJSON[bot.User](t, bucketUsers, "users") }

// PutSession stores a session by its hash.
func (t *Tx) PutSession(s *bot.Session) error {
	if s.Hash == "" || s.User == "" {
		return invalid("a session needs a hash and a user")
	}
	b, err := t.writeBucket("put session", bucketSessions)
	if err != nil {
		return err
	}
	if err := putJSON(b, []byte(s.Hash), s); err != nil {
		return fmt.Errorf("bolt: put session: %w", err)
	}
	return nil
}

// Session returns a session by hash.
func (t *Tx) Session(hash string) (*bot.Session, error) {
	var s bot.Session
	if err := t.getNamed(bucketSessions, []byte(hash), &s, "session"); err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteSession removes a session; a missing one is not an error.
func (t *Tx) DeleteSession(hash string) error {
	if err := t.writable("delete session"); err != nil {
		return err
	}
	b := t.tx.Bucket(bucketSessions)
	if b == nil {
		return nil
	}
	if err := b.Delete([]byte(hash)); err != nil {
		return fmt.Errorf("bolt: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions no longer valid at now. It
// reads every session: there are as many as people signed in, and
// expired ones do not pile up because each sign-in calls this.
func (t *Tx) DeleteExpiredSessions(now time.Time) (int, error) {
	if err := t.writable("delete expired sessions"); err != nil {
		return 0, err
	}
	b := t.tx.Bucket(bucketSessions)
	if b == nil {
		return 0, nil
	}
	var expired [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var s bot.Session
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		if !s.Expires.After(now) {
			expired = append(expired, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bolt: expired sessions: %w", err)
	}
	for _, k := range expired {
		if err := b.Delete(k); err != nil {
			return 0, fmt.Errorf("bolt: delete expired session: %w", err)
		}
	}
	return len(expired), nil
}

// PutToken creates or replaces a token by its hash.
func (t *Tx) PutToken(tok *bot.APIToken) error {
	if tok.Hash == "" || tok.Name == "" {
		return invalid("an API token needs a hash and a name")
	}
	b, err := t.writeBucket("put token", bucketTokens)
	if err != nil {
		return err
	}
	if err := putJSON(b, []byte(tok.Hash), tok); err != nil {
		return fmt.Errorf("bolt: put token: %w", err)
	}
	return nil
}

// Token returns a token by hash.
func (t *Tx) Token(hash string) (*bot.APIToken, error) {
	var tok bot.APIToken
	if err := t.getNamed(bucketTokens, []byte(hash), &tok, "API token"); err != nil {
		return nil, err
	}
	return &tok, nil
}

// Tokens lists every token, by hash.
func (t *Tx) Tokens() ([]*bot.APIToken, error) {
	return listJSON[bot.APIToken](t, bucketTokens, "tokens")
}

// DeleteToken removes a token; a missing one is not an error.
func (t *Tx) DeleteToken(hash string) error {
	if err := t.writable("delete token"); err != nil {
		return err
	}
	b := t.tx.Bucket(bucketTokens)
	if b == nil {
		return nil
	}
	if err := b.Delete([]byte(hash)); err != nil {
		return fmt.Errorf("bolt: delete token: %w", err)
	}
	return nil
}
