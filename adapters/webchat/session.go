package webchat

import (
	"bytes"
	"container/list"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"engagebot/bot"
)

// Session ids are issued by the service only: 16 random bytes and the
// first 12 bytes of their HMAC-SHA256 under the account's key, in hex (56
// characters). An id that does not verify was never issued, so it is
// answered 404 and creates nothing; one that verifies but is not in
// memory (evicted, or issued before a restart) is taken back with an
// empty history, since the key is kept in the store and survives restarts.
const (
	idRandomBytes = 16
	idMACBytes    = 12
	idLen         = 2 * (idRandomBytes + idMACBytes)
)

// History bounds per session: the oldest entries go first beyond either,
// so max_sessions bounds the memory the web chat holds.
const (
	historyEntries = 100
	historyBytes   = 32 << 10
)

var (
	// errUnknownSession is an id the service did not issue.
	errUnknownSession = errors.New("unknown session")
	// errFull is max_sessions reached with every session busy.
	errFull = errors.New("too many open chats")
)

// Entry is one message of a session's history, as the page receives it.
type Entry struct {
	// Seq numbers the bot's replies of a session from 1; the follower's
	// messages carry the Seq of the last reply before them.
	Seq int `json:"seq"`
	// From is "me" for the follower's message, "bot" for a reply.
	From string `json:"from"`
	// ID is the page's id of the follower's message, or "out-<n>" for
	// a reply.
	ID      string         `json:"id"`
	Text    string         `json:"text"`
	Lang    string         `json:"lang,omitempty"`
	ReplyTo string         `json:"reply_to,omitempty"`
	Buttons [][]bot.Button `json:"buttons,omitempty"`
	At      time.Time      `json:"at"`

	outbound uint64 // the reply's outbound id, for idempotent Send
}

type session struct {
	id      string
	entries []Entry
	bytes   int // text held in entries
	seq     int // the last reply's Seq
	notify  chan struct{}
	touched time.Time
	waiting int // polls waiting for a reply: a busy session is not evicted
	elem    *list.Element
}

// add appends e, then drops the oldest entries beyond the bounds.
func (s *session) add(e Entry) {
	s.entries = append(s.entries, e)
	s.bytes += len(e.Text)
	drop := 0
	for len(s.entries)-drop > historyEntries || (s.bytes > historyBytes && len(s.entries)-drop > 1) {
		s.bytes -= len(s.entries[drop].Text)
		drop++
	}
	if drop > 0 {
		s.entries = append(s.entries[:0:0], s.entries[drop:]...)
	}
}

// sessions are a web chat account's open chats: a map by id for O(1)
// lookups, and a list from least to most recently used for O(1) expiry
// and eviction.
type sessions struct {
	max int
	ttl time.Duration
	now func() time.Time

	// key signs ids; loaded from the store (or made and stored) on first use.
	keyMu   sync.Mutex
	key     []byte
	loadKey func(context.Context) ([]byte, error)

	mu   sync.Mutex
	byID map[string]*session
	lru  *list.List // of *session, front: least recently used
}

func newSessions(max int, ttl time.Duration, now func() time.Time, loadKey func(context.Context) ([]byte, error)) *sessions {
	return &sessions{max: max, ttl: ttl, now: now, loadKey: loadKey, byID: map[string]*session{}, lru: list.New()}
}

// signingKey returns the key, loading it once it can be.
func (ss *sessions) signingKey(ctx context.Context) ([]byte, error) {
	ss.keyMu.Lock()
	defer ss.keyMu.Unlock()
	if ss.key != nil {
		return ss.key, nil
	}
	k, err := ss.loadKey(ctx)
	if err != nil {
		return nil, err
	}
	ss.key = k
	return k, nil
}

func mac(key, random []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(random)
	return m.Sum(nil)[:idMACBytes]
}

// issue makes a new session and returns its id.
func (ss *sessions) issue(ctx context.Context) (string, error) {
	key, err := ss.signingKey(ctx)
	if err != nil {
		return "", err
	}
	random := make([]byte, idRandomBytes)
	if _, err := rand.Read(random); err != nil {
		return "", fmt.Errorf("webchat: session id: %w", err)
	}
	id := hex.EncodeToString(append(random, mac(key, random)...))
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if _, err := ss.admit(id); err != nil {
		return "", err
	}
	return id, nil
}

// verified reports whether id was issued under key.
func verified(key []byte, id string) bool {
	if len(id) != idLen {
		return false
	}
	b, err := hex.DecodeString(id)
	if err != nil {
		return false
	}
	return hmac.Equal(b[idRandomBytes:], mac(key, b[:idRandomBytes]))
}

// use runs fn with the session id under the lock, taking back a verified
// id that is not in memory. It fails with errUnknownSession for an id not
// issued, errFull when there is no room, or the key's error.
func (ss *sessions) use(ctx context.Context, id string, fn func(*session)) error {
	ss.mu.Lock()
	ss.expire() // first, so an expired session starts again empty
	s := ss.byID[id]
	if s != nil {
		ss.touch(s)
		fn(s)
		ss.mu.Unlock()
		return nil
	}
	ss.mu.Unlock()
	key, err := ss.signingKey(ctx)
	if err != nil {
		return err
	}
	if !verified(key, id) {
		return errUnknownSession
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if s, err = ss.admit(id); err != nil {
		return err
	}
	fn(s)
	return nil
}

// admit returns the session id, adding it when absent; ss.mu is held.
func (ss *sessions) admit(id string) (*session, error) {
	if s := ss.byID[id]; s != nil {
		ss.touch(s)
		return s, nil
	}
	ss.expire()
	if len(ss.byID) >= ss.max && !ss.evictIdle() {
		return nil, errFull
	}
	s := &session{id: id, notify: make(chan struct{}), touched: ss.now()}
	s.elem = ss.lru.PushBack(s)
	ss.byID[id] = s
	return s, nil
}

func (ss *sessions) touch(s *session) {
	s.touched = ss.now()
	ss.lru.MoveToBack(s.elem)
}

// expire forgets sessions idle longer than the TTL; ss.mu is held. The
// list is in order of use, so it stops at the first one still fresh.
func (ss *sessions) expire() {
	cut := ss.now().Add(-ss.ttl)
	for e := ss.lru.Front(); e != nil; e = ss.lru.Front() {
		s := e.Value.(*session)
		if !s.touched.Before(cut) || s.waiting > 0 {
			return
		}
		ss.remove(s)
	}
}

// evictIdle forgets the least recently used session that no page is
// waiting on, looking at a few only; ss.mu is held.
func (ss *sessions) evictIdle() bool {
	e := ss.lru.Front()
	for range 16 {
		if e == nil {
			return false
		}
		if s := e.Value.(*session); s.waiting == 0 {
			ss.remove(s)
			return true
		}
		e = e.Next()
	}
	return false
}

func (ss *sessions) remove(s *session) {
	ss.lru.Remove(s.elem)
	delete(ss.byID, s.id)
}

// len is the number of sessions in memory.
func (ss *sessions) len() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.byID)
}

// keyCursor is where the account's session key is kept in the store.
func keyCursor(account string) string {
	return bot.AccountKey(bot.PlatformWebchat, account) + "/session-key"
}

// storedKey loads the account's session key from the inbox's cursors, or
// makes one and stores it, so ids stay valid across restarts.
func storedKey(inbox bot.Inbox, account string) func(context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		if inbox == nil {
			return nil, errors.New("webchat: no inbox")
		}
		name := keyCursor(account)
		v, err := inbox.Cursor(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("webchat: read session key: %w", err)
		}
		if k, err := hex.DecodeString(v); err == nil && len(k) == 32 {
			return k, nil
		}
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			return nil, fmt.Errorf("webchat: session key: %w", err)
		}
		if err := inbox.Accept(ctx, nil, &bot.Cursor{Key: name, Value: hex.EncodeToString(k)}); err != nil {
			return nil, fmt.Errorf("webchat: store session key: %w", err)
		}
		return k, nil
	}
}

// repaired reports whether decoding raw had to repair text: encoding/json
// turns invalid bytes and lone surrogate escapes (\ud800) into U+FFFD
// silently, so a U+FFFD that raw does not carry itself was a repair.
func repaired(text string, raw []byte) bool {
	if !strings.ContainsRune(text, utf8.RuneError) {
		return false
	}
	return !bytes.ContainsRune(raw, utf8.RuneError) && !bytes.Contains(bytes.ToLower(raw), []byte(`\ufffd`))
}

// randomID is a fresh message id.
func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
