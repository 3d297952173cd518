package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who signs in to the workspace. The store keeps a
// password hash only, never the password.
type User struct {
	Name  string `json:"name"`
	Roles []Role `json:"roles"`
	// PasswordHash is the hasher's encoding (PasswordHasher.Hash), salt
	// and parameters included. It never leaves the store and the sign-in
	// check: answers and logs show users through their own views.
	PasswordHash string    `json:"password_hash"`
	Created      time.Time `json:"created"`
	CreatedBy    string    `json:"created_by"`
	// Lang is the language the workspace speaks to the user: LangFa (the
	// default, also when empty) or LangEn.
	Lang string `json:"lang,omitempty"`
}

// UILang is the user's workspace language, Persian unless chosen.
func (u *User) UILang() string {
	if u.Lang == LangEn {
		return LangEn
	}
	return LangFa
}

// UserStore is the users' part of a transaction.
type UserStore interface {
	// User returns a user by name (ENOTFOUND when there is none).
	User(name string) (*User, error)
	// PutUser creates or replaces a user.
	PutUser(u *User) error
	// Users lists every user by name.
	Users() ([]*User, error)
}

// Session is a signed-in browser. The browser holds a random secret; the
// store keeps its hash only, so a copy of the file signs nobody in.
// Deleting the session signs the browser out.
type Session struct {
	// Hash is SecretHash of the browser's secret, and the session's key.
	Hash    string    `json:"hash"`
	User    string    `json:"user"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// SessionStore is the sessions' part of a transaction.
type SessionStore interface {
	// PutSession stores a session by its hash.
	PutSession(s *Session) error
	// Session returns a session by hash (ENOTFOUND when there is none).
	Session(hash string) (*Session, error)
	// DeleteSession removes a session; a missing one is not an error.
	DeleteSession(hash string) error
	// DeleteExpiredSessions removes sessions no longer valid at t
	// (Expires at or before it) and returns how many.
	DeleteExpiredSessions(t time.Time) (int, error)
}

// APIToken lets a program use the JSON API. It acts as Name, with Roles;
// the store keeps the secret's hash only.
type APIToken struct {
	// Hash is SecretHash of the secret, and the token's key.
	Hash      string    `json:"hash"`
	Name      string    `json:"name"`
	Roles     []Role    `json:"roles"`
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"created_by"`
	// LastUsed is updated at most once a minute (TokenUseInterval), so a
	// busy client does not cost a write per request.
	LastUsed time.Time `json:"last_used,omitzero"`
}

// TokenStore is the API tokens' part of a transaction.
type TokenStore interface {
	// PutToken creates or replaces a token by its hash.
	PutToken(t *APIToken) error
	// Token returns a token by hash (ENOTFOUND when there is none).
	Token(hash string) (*APIToken, error)
	// Tokens lists every token, by hash.
	Tokens() ([]*APIToken, error)
	// DeleteToken removes a token; a missing one is not an error.
	DeleteToken(hash string) error
}

// ID names a token in listings and the audit log: the start of its hash,
// which tells tokens apart and gives nothing of the secret away.
func (t *APIToken) ID() string { return t.Hash[:min(len(t.Hash), 16)] }

// PasswordHasher turns a password into what the store keeps and checks a
// password against it. The bot package has no hash of its own: the one
// the service uses (argon2id) lives in package password.
type PasswordHasher interface {
	Hash(password string) (string, error)
	// Verify reports whether password matches hash; a malformed hash is
	// an error.
	Verify(hash, password string) (bool, error)
}

// Password rules.
const (
	MinPasswordRunes = 12
	maxPasswordBytes = 1024 // bounds the hashing work one request may ask for
	maxNameRunes     = 64
)

// CheckPassword says why a password may not be used.
func CheckPassword(pw string) error {
	switch {
	case !utf8.ValidString(pw):
		return Errorf(EINVALID, "password: not valid UTF-8")
	case utf8.RuneCountInString(pw) < MinPasswordRunes:
		return Errorf(EINVALID, "password: at least %d characters", MinPasswordRunes)
	case len(pw) > maxPasswordBytes:
		return Errorf(EINVALID, "password: at most %d bytes", maxPasswordBytes)
	}
	return nil
}

// CheckName says why a user or token name may not be used: 1 to 64
// letters, digits and . _ - @, so it reads plainly in the audit log and
// in URLs.
func CheckName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > maxNameRunes {
		return Errorf(EINVALID, "name: 1 to %d characters", maxNameRunes)
	}
	for _, r := range name {
		ok := r == '.' || r == '_' || r == '-' || r == '@' || r >= '0' && r <= '9' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !ok {
			return Errorf(EINVALID, "name %q: only letters a-z, digits and . _ - @", name)
		}
	}
	return nil
}

// NewSecret returns a random secret for a session or a token: prefix and
// 32 random bytes in base64url. crypto/rand does not fail on the systems
// Go supports, so neither does this.
func NewSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// SecretHash is what the store keeps of a session's or a token's secret.
// The secrets are 256 random bits, so a fast hash is enough: nobody can
// guess one from its hash, and a lookup costs no more than the hash.
func SecretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Secret prefixes tell a token from a session secret at a glance, and let
// secret scanners find a leaked token.
const (
	TokenPrefix   = "ebt_"
	sessionPrefix = "ebs_"
)

// TokenUseInterval is how stale an APIToken.LastUsed may be.
const TokenUseInterval = time.Minute

// AddUser creates a user (admin only). The password is checked and hashed
// here, so every way in (the API, the CLI) keeps the same rules.
func (s *Actions) AddUser(ctx context.Context, actor Actor, h PasswordHasher, name string, roles []Role, password string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if len(roles) == 0 {
		return Errorf(EINVALID, "roles: a user needs at least one role")
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	// Hash outside the transaction: it is slow on purpose, and the
	// transaction function may run more than once.
	hash, err := h.Hash(password)
	if err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	return s.do(ctx, actor, "user.add", "user:"+name, []Role{RoleAdmin}, func(tx *actTx) (change, error) {
		if _, err := tx.User(name); err == nil {
			return change{}, Errorf(ECONFLICT, "user %q exists already", name)
		} else if ErrorCode(err) != ENOTFOUND {
			return change{}, err
		}
		u := &User{Name: name, Roles: slices.Clone(roles), PasswordHash: hash, Created: s.e.now().UTC(), CreatedBy: actor.Name}
		return change{after: map[string]any{"roles": u.Roles}}, tx.PutUser(u)
	})
}

// CreateToken creates an API token acting as name with roles (admin
// only) and returns its secret: shown once, never stored.
func (s *Actions) CreateToken(ctx context.Context, actor Actor, name string, roles []Role) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	if len(roles) == 0 {
		return "", Errorf(EINVALID, "roles: a token needs at least one role")
	}
	secret := NewSecret(TokenPrefix)
	hash := SecretHash(secret)
	err := s.do(ctx, actor, "token.create", "token:"+name, []Role{RoleAdmin}, func(tx *actTx) (change, error) {
		t := &APIToken{Hash: hash, Name: name, Roles: slices.Clone(roles), Created: s.e.now().UTC(), CreatedBy: actor.Name}
		return change{after: map[string]any{"id": t.ID(), "roles": t.Roles}}, tx.PutToken(t)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// SetUserLang sets the workspace language of the actor, who must be a
// user (a token has no pages to read).
func (s *Actions) SetUserLang(ctx context.Context, actor Actor, lang string) error {
	if lang != LangFa && lang != LangEn {
		return Errorf(EINVALID, "lang: fa or en, not %q", lang)
	}
	return s.do(ctx, actor, "user.lang", "user:"+actor.Name, Roles, func(tx *actTx) (change, error) {
		u, err := tx.User(actor.Name)
		if ErrorCode(err) == ENOTFOUND {
			return change{}, Errorf(EINVALID, "%s is not a user who signs in, so has no workspace language", actor.Name)
		} else if err != nil {
			return change{}, err
		}
		before := u.UILang()
		u.Lang = lang
		return change{before: map[string]string{"lang": before}, after: map[string]string{"lang": lang}}, tx.PutUser(u)
	})
}

// RevokeToken deletes the API token with the id (APIToken.ID; admin
// only): requests with it are refused from then on.
func (s *Actions) RevokeToken(ctx context.Context, actor Actor, id string) error {
	if len(id) < 16 {
		return Errorf(EINVALID, "token id: the 16 characters a token listing shows")
	}
	return s.do(ctx, actor, "token.revoke", "token:"+id, []Role{RoleAdmin}, func(tx *actTx) (change, error) {
		list, err := tx.Tokens()
		if err != nil {
			return change{}, err
		}
		for _, t := range list {
			if t.ID() == id {
				return change{before: map[string]any{"name": t.Name, "roles": t.Roles}}, tx.DeleteToken(t.Hash)
			}
		}
		return change{}, Errorf(ENOTFOUND, "no API token %s", id)
	})
}

// Auth signs people in and out and tells who a session or token is. Its
// writes (sessions, a token's last use, sign-in entries in the audit log)
// are its own: they are not people's actions on the data.
type Auth struct {
	store  Store
	hasher PasswordHasher
	now    func() time.Time
	ttl    time.Duration
	// dummy is a hash of no one's password, checked when the name is
	// unknown so that an unknown name takes as long as a wrong password.
	dummy string
	// checks bounds the password checks running at once: each takes the
	// hasher's memory (64 MiB for argon2id), so a flood of sign-ins from
	// many addresses waits here instead of exhausting memory.
	checks chan struct{}
}

// maxPasswordChecks is how many password checks run at once.
const maxPasswordChecks = 4

// DefaultSessionTTL is how long a sign-in lasts.
const DefaultSessionTTL = 12 * time.Hour

// NewAuth returns the sign-in service. now defaults to time.Now and ttl
// to DefaultSessionTTL.
func NewAuth(st Store, h PasswordHasher, now func() time.Time, ttl time.Duration) (*Auth, error) {
	if now == nil {
		now = time.Now
	}
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	dummy, err := h.Hash(NewSecret(""))
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return &Auth{store: st, hasher: h, now: now, ttl: ttl, dummy: dummy, checks: make(chan struct{}, maxPasswordChecks)}, nil
}

// errBadLogin is the one answer to a wrong name or a wrong password, so
// the answer does not tell which names exist.
var errBadLogin = Errorf(EUNAUTHORIZED, "wrong name or password")

// Login checks a name and password and opens a session. It returns the
// browser's secret (for the cookie) and the session. A wrong pair is
// EUNAUTHORIZED, whichever half is wrong.
func (a *Auth) Login(ctx context.Context, name, password string) (string, *Session, error) {
	if len(password) > maxPasswordBytes || len(name) > 4*maxNameRunes {
		return "", nil, errBadLogin
	}
	var u *User
	err := a.store.View(ctx, func(tx Tx) error {
		var err error
		u, err = tx.User(name)
		return err
	})
	hash := a.dummy
	switch {
	case err == nil:
		hash = u.PasswordHash
	case ErrorCode(err) != ENOTFOUND:
		return "", nil, fmt.Errorf("login: %w", err)
	}
	select {
	case a.checks <- struct{}{}:
	case <-ctx.Done():
		return "", nil, Errorf(EUNAVAILABLE, "sign-in: %v", ctx.Err())
	}
	ok, verr := a.hasher.Verify(hash, password)
	<-a.checks
	if verr != nil {
		return "", nil, fmt.Errorf("login %s: %w", name, verr)
	}
	if u == nil || !ok {
		return "", nil, errBadLogin
	}
	secret := NewSecret(sessionPrefix)
	now := a.now().UTC().Round(0)
	sess := &Session{Hash: SecretHash(secret), User: u.Name, Created: now, Expires: now.Add(a.ttl)}
	err = a.store.Update(ctx, func(tx Tx) error {
		// Sessions end by expiry most of the time: forgetting the expired
		// ones here keeps the bucket as small as the people signed in.
		if _, err := tx.DeleteExpiredSessions(now); err != nil {
			return err
		}
		if err := tx.PutSession(sess); err != nil {
			return err
		}
		return tx.AddAudit(&AuditEntry{At: now, Actor: u.Name, Action: "user.login", Target: "user:" + u.Name})
	})
	if err != nil {
		return "", nil, fmt.Errorf("login: %w", err)
	}
	return secret, sess, nil
}

// Logout ends the session whose secret the browser holds. An unknown or
// expired session is not an error: the browser is signed out either way.
func (a *Auth) Logout(ctx context.Context, secret string) error {
	hash := SecretHash(secret)
	err := a.store.Update(ctx, func(tx Tx) error {
		s, err := tx.Session(hash)
		if ErrorCode(err) == ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if err := tx.DeleteSession(hash); err != nil {
			return err
		}
		return tx.AddAudit(&AuditEntry{At: a.now().UTC().Round(0), Actor: s.User, Action: "user.logout", Target: "user:" + s.User})
	})
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// SessionActor returns who holds a session secret, with the user's roles
// as they are now (a role taken away applies at the next request).
func (a *Auth) SessionActor(ctx context.Context, secret string) (Actor, error) {
	if !strings.HasPrefix(secret, sessionPrefix) {
		return Actor{}, Errorf(EUNAUTHORIZED, "not signed in")
	}
	var act Actor
	err := a.store.View(ctx, func(tx Tx) error {
		s, err := tx.Session(SecretHash(secret))
		if err != nil {
			return err
		}
		if !a.now().Before(s.Expires) {
			return Errorf(EUNAUTHORIZED, "the session has expired; sign in again")
		}
		u, err := tx.User(s.User)
		if err != nil {
			return err
		}
		act = Actor{Name: u.Name, Roles: slices.Clone(u.Roles)}
		return nil
	})
	if ErrorCode(err) == ENOTFOUND {
		return Actor{}, Errorf(EUNAUTHORIZED, "not signed in")
	}
	return act, err
}

// TokenActor returns who an API token acts as, and notes its use.
func (a *Auth) TokenActor(ctx context.Context, secret string) (Actor, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return Actor{}, Errorf(EUNAUTHORIZED, "unknown API token")
	}
	hash := SecretHash(secret)
	var t *APIToken
	err := a.store.View(ctx, func(tx Tx) error {
		var err error
		t, err = tx.Token(hash)
		return err
	})
	if ErrorCode(err) == ENOTFOUND {
		return Actor{}, Errorf(EUNAUTHORIZED, "unknown API token")
	} else if err != nil {
		return Actor{}, err
	}
	// Compare the hashes in constant time too: the lookup found it by
	// key, and this keeps a future store's prefix match from leaking.
	if subtle.ConstantTimeCompare([]byte(t.Hash), []byte(hash)) != 1 {
		return Actor{}, Errorf(EUNAUTHORIZED, "unknown API token")
	}
	now := a.now().UTC().Round(0)
	if now.Sub(t.LastUsed) >= TokenUseInterval {
		err := a.store.Update(ctx, func(tx Tx) error {
			cur, err := tx.Token(hash)
			if err != nil {
				return err
			}
			cur.LastUsed = now
			return tx.PutToken(cur)
		})
		if err != nil {
			return Actor{}, fmt.Errorf("token last use: %w", err)
		}
	}
	return Actor{Name: t.Name, Roles: slices.Clone(t.Roles)}, nil
}
