package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/bot"
)

// plainHasher stands in for argon2id: the rules around it are what these
// tests check, not the hash.
type plainHasher struct{}

func (plainHasher) Hash(pw string) (string, error) { return "plain$" + strings.ToUpper(pw), nil }
func (plainHasher) Verify(hash, pw string) (bool, error) {
	return hash == "plain$"+strings.ToUpper(pw), nil
}

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestActions_AddUser(t *testing.T) {
	h := startEngine(t, "", bot.SendOptions{})
	acts, ctx := h.engine.Actions(), context.Background()
	pw := "a long enough password"
	for i, tc := range []struct {
		actor bot.Actor
		name  string
		roles []bot.Role
		pw    string
		code  string
	}{
		{moderator, "reza", []bot.Role{bot.RoleViewer}, pw, bot.EFORBIDDEN},
		{admin, "reza", []bot.Role{bot.RoleViewer}, "short pw", bot.EINVALID},
		{admin, "re za", []bot.Role{bot.RoleViewer}, pw, bot.EINVALID},
		{admin, "", []bot.Role{bot.RoleViewer}, pw, bot.EINVALID},
		{admin, "reza", nil, pw, bot.EINVALID},
		{admin, "reza", []bot.Role{bot.RoleModerator, bot.RoleSafety}, pw, ""},
		{admin, "reza", []bot.Role{bot.RoleViewer}, pw, bot.ECONFLICT},
	} {
		err := acts.AddUser(ctx, tc.actor, plainHasher{}, tc.name, tc.roles, tc.pw)
		if got := bot.ErrorCode(err); got != tc.code {
			t.Errorf("%d: AddUser(%s, %q) = %v, want code %q", i, tc.actor.Name, tc.name, err, tc.code)
		}
	}
	h.view(t, func(tx bot.Tx) error {
		u, err := tx.User("reza")
		if err != nil {
			return err
		}
		if u.PasswordHash != "plain$"+strings.ToUpper(pw) || len(u.Roles) != 2 || u.CreatedBy != "ali" {
			t.Errorf("stored user %+v", u)
		}
		return nil
	})
	log := auditLog(t, h)
	if len(log) != 1 || log[0].Action != "user.add" || log[0].Actor != "ali" || log[0].Target != "user:reza" {
		t.Fatalf("audit log %+v: want one user.add by ali", log)
	}
	if strings.Contains(log[0].After, "plain$") || strings.Contains(log[0].After, pw) {
		t.Errorf("the audit entry holds the password or its hash: %s", log[0].After)
	}
}

func TestActions_CreateToken(t *testing.T) {
	h := startEngine(t, "", bot.SendOptions{})
	acts, ctx := h.engine.Actions(), context.Background()
	if _, err := acts.CreateToken(ctx, moderator, "crm", []bot.Role{bot.RoleViewer}); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Fatalf("a moderator creating a token: %v, want forbidden", err)
	}
	secret, err := acts.CreateToken(ctx, admin, "crm", []bot.Role{bot.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := acts.CreateToken(ctx, admin, "crm", []bot.Role{bot.RoleViewer})
	if !strings.HasPrefix(secret, bot.TokenPrefix) || len(secret) < 40 || other == secret {
		t.Fatalf("secrets %q, %q: want long, prefixed and different", secret, other)
	}
	h.view(t, func(tx bot.Tx) error {
		list, err := tx.Tokens()
		if len(list) != 2 {
			t.Fatalf("%d tokens stored, want 2", len(list))
		}
		for _, tok := range list {
			if strings.Contains(tok.Hash, secret) || tok.Hash == secret {
				t.Errorf("the store keeps the secret itself")
			}
		}
		_, err = tx.Token(bot.SecretHash(secret))
		return err
	})
	for _, e := range auditLog(t, h) {
		if strings.Contains(e.After, secret) || strings.Contains(e.After, bot.SecretHash(secret)) {
			t.Errorf("audit entry %s holds the token or its whole hash", e.After)
		}
	}
}

func TestAuth_LoginSessionLogout(t *testing.T) {
	h := startEngine(t, "", bot.SendOptions{})
	ctx, pw := context.Background(), "a long enough password"
	if err := h.engine.Actions().AddUser(ctx, admin, plainHasher{}, "sara", []bot.Role{bot.RoleModerator}, pw); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	auth, err := bot.NewAuth(h.db, plainHasher{}, c.now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct{ name, pw string }{{"sara", "wrong password!!"}, {"nobody", pw}, {"sara", ""}} {
		if _, _, err := auth.Login(ctx, tc.name, tc.pw); bot.ErrorCode(err) != bot.EUNAUTHORIZED || err.Error() != "wrong name or password" {
			t.Errorf("%d: Login(%q) = %v; want one unauthorized answer for either half wrong", i, tc.name, err)
		}
	}
	secret, sess, err := auth.Login(ctx, "sara", pw)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Hash != bot.SecretHash(secret) || !sess.Expires.Equal(c.now().Add(time.Hour)) {
		t.Errorf("session %+v: want the secret's hash and an hour to live", sess)
	}
	a, err := auth.SessionActor(ctx, secret)
	if err != nil || a.Name != "sara" || !a.Can(bot.RoleModerator) {
		t.Fatalf("SessionActor = %+v, %v", a, err)
	}
	if _, err := auth.SessionActor(ctx, secret+"x"); bot.ErrorCode(err) != bot.EUNAUTHORIZED {
		t.Errorf("an unknown secret: %v, want unauthorized", err)
	}
	if _, err := auth.SessionActor(ctx, bot.SecretHash(secret)); bot.ErrorCode(err) != bot.EUNAUTHORIZED {
		t.Errorf("the stored hash used as a secret: %v, want unauthorized", err)
	}

	// A session expires; the next sign-in forgets it.
	c.add(time.Hour)
	if _, err := auth.SessionActor(ctx, secret); bot.ErrorCode(err) != bot.EUNAUTHORIZED {
		t.Errorf("an expired session: %v, want unauthorized", err)
	}
	second, _, err := auth.Login(ctx, "sara", pw)
	if err != nil {
		t.Fatal(err)
	}
	h.view(t, func(tx bot.Tx) error {
		_, err := tx.Session(bot.SecretHash(secret))
		if bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("the expired session is still stored (%v)", err)
		}
		return nil
	})

	if err := auth.Logout(ctx, second); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.SessionActor(ctx, second); bot.ErrorCode(err) != bot.EUNAUTHORIZED {
		t.Errorf("after sign-out: %v, want unauthorized", err)
	}
	if err := auth.Logout(ctx, second); err != nil {
		t.Errorf("signing out twice: %v", err)
	}
	var actions []string
	for _, e := range auditLog(t, h) {
		actions = append(actions, e.Actor+" "+e.Action)
	}
	if got := strings.Join(actions, ", "); got != "ali user.add, sara user.login, sara user.login, sara user.logout" {
		t.Errorf("audit log: %s", got)
	}
}

func TestAuth_TokenActor(t *testing.T) {
	h := startEngine(t, "", bot.SendOptions{})
	ctx := context.Background()
	secret, err := h.engine.Actions().CreateToken(ctx, admin, "crm", []bot.Role{bot.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Now().UTC().Round(0)}
	auth, _ := bot.NewAuth(h.db, plainHasher{}, c.now, 0)
	lastUsed := func() time.Time {
		var tok *bot.APIToken
		h.view(t, func(tx bot.Tx) (err error) {
			tok, err = tx.Token(bot.SecretHash(secret))
			return err
		})
		return tok.LastUsed
	}
	a, err := auth.TokenActor(ctx, secret)
	if err != nil || a.Name != "crm" || a.Can(bot.RoleModerator) || !a.Can(bot.RoleViewer) {
		t.Fatalf("TokenActor = %+v, %v: want crm, a viewer", a, err)
	}
	first := lastUsed()
	if !first.Equal(c.now()) {
		t.Errorf("last used %v, want %v", first, c.now())
	}
	c.add(TokenUse / 2)
	auth.TokenActor(ctx, secret)
	if !lastUsed().Equal(first) {
		t.Errorf("last used written again within %v", bot.TokenUseInterval)
	}
	c.add(TokenUse)
	auth.TokenActor(ctx, secret)
	if !lastUsed().Equal(c.now()) {
		t.Errorf("last used not updated after %v", bot.TokenUseInterval)
	}
	for _, bad := range []string{"", "ebt_nope", bot.SecretHash(secret), strings.TrimPrefix(secret, bot.TokenPrefix)} {
		if _, err := auth.TokenActor(ctx, bad); bot.ErrorCode(err) != bot.EUNAUTHORIZED {
			t.Errorf("TokenActor(%q) = %v, want unauthorized", bad, err)
		}
	}
}

func TestActions_RevokeToken(t *testing.T) {
	h := startEngine(t, "", bot.SendOptions{})
	acts, ctx := h.engine.Actions(), context.Background()
	secret, err := acts.CreateToken(ctx, admin, "crm", []bot.Role{bot.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	keep, _ := acts.CreateToken(ctx, admin, "reports", []bot.Role{bot.RoleViewer})
	id := (&bot.APIToken{Hash: bot.SecretHash(secret)}).ID()
	if strings.Contains(secret, id) {
		t.Fatalf("the token id %q is part of the secret", id)
	}
	auth, _ := bot.NewAuth(h.db, plainHasher{}, nil, 0)
	for i, tc := range []struct {
		actor bot.Actor
		id    string
		code  string
	}{
		{moderator, id, bot.EFORBIDDEN},
		{admin, "short", bot.EINVALID},
		{admin, "0123456789abcdef", bot.ENOTFOUND},
		{admin, id, ""},
		{admin, id, bot.ENOTFOUND},
	} {
		if err := acts.RevokeToken(ctx, tc.actor, tc.id); bot.ErrorCode(err) != tc.code {
			t.Errorf("%d: RevokeToken(%s, %q) = %v, want code %q", i, tc.actor.Name, tc.id, err, tc.code)
		}
	}
	if _, err := auth.TokenActor(ctx, secret); bot.ErrorCode(err) != bot.EUNAUTHORIZED {
		t.Errorf("a revoked token: %v, want unauthorized", err)
	}
	if _, err := auth.TokenActor(ctx, keep); err != nil {
		t.Errorf("another token after the revoke: %v", err)
	}
	log := auditLog(t, h)
	if last := log[len(log)-1]; last.Action != "token.revoke" || last.Target != "token:"+id || !strings.Contains(last.Before, `"name":"crm"`) {
		t.Errorf("last audit entry %+v", last)
	}
}

const TokenUse = bot.TokenUseInterval

// gateHasher holds every Verify until released, counting those running.
type gateHasher struct {
	plainHasher
	mu          sync.Mutex
	running, hi int
	release     chan struct{}
}

func (g *gateHasher) Verify(hash, pw string) (bool, error) {
	g.mu.Lock()
	g.running++
	g.hi = max(g.hi, g.running)
	g.mu.Unlock()
	<-g.release
	g.mu.Lock()
	g.running--
	g.mu.Unlock()
	return g.plainHasher.Verify(hash, pw)
}

func (g *gateHasher) count() (running, hi int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.running, g.hi
}

// Password checks are memory-hard, so at most a few run at once; the
// rest wait their turn.
func TestAuth_BoundsPasswordChecks(t *testing.T) {
	h := startEngine(t, "", bot.SendOptions{})
	g := &gateHasher{release: make(chan struct{})}
	auth, err := bot.NewAuth(h.db, g, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			auth.Login(context.Background(), fmt.Sprint("user", i), "a long enough password")
		}()
	}
	waitUntil(t, "four checks running", func() bool { r, _ := g.count(); return r == 4 })
	for range 10 {
		g.release <- struct{}{}
	}
	wg.Wait()
	if _, hi := g.count(); hi != 4 {
		t.Errorf("%d password checks ran at once, want at most 4", hi)
	}
}

func TestActions_SetUserLang(t *testing.T) {
	h := startEngine(t, "", bot.SendOptions{})
	acts, ctx := h.engine.Actions(), context.Background()
	if err := acts.AddUser(ctx, admin, plainHasher{}, "vida", []bot.Role{bot.RoleViewer}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	lang := func() string {
		var u *bot.User
		h.view(t, func(tx bot.Tx) (err error) { u, err = tx.User("vida"); return err })
		return u.UILang()
	}
	if got := lang(); got != bot.LangFa {
		t.Fatalf("a new user's language = %q, want Persian", got)
	}
	for i, tc := range []struct {
		actor bot.Actor
		lang  string
		code  string
		want  string
	}{
		{viewer, "de", bot.EINVALID, bot.LangFa},
		{bot.Actor{Name: "crm", Roles: []bot.Role{bot.RoleViewer}}, "en", bot.EINVALID, bot.LangFa},
		{bot.Actor{Name: "vida", Roles: []bot.Role{bot.RoleViewer}}, "en", "", bot.LangEn},
		{bot.Actor{Name: "vida", Roles: []bot.Role{bot.RoleViewer}}, "fa", "", bot.LangFa},
	} {
		if err := acts.SetUserLang(ctx, tc.actor, tc.lang); bot.ErrorCode(err) != tc.code {
			t.Errorf("%d: SetUserLang(%s, %q) = %v, want code %q", i, tc.actor.Name, tc.lang, err, tc.code)
		}
		if got := lang(); got != tc.want {
			t.Errorf("%d: language %q, want %q", i, got, tc.want)
		}
	}
	log := auditLog(t, h)
	if last := log[len(log)-1]; last.Action != "user.lang" || last.Actor != "vida" || last.Before != `{"lang":"en"}` || last.After != `{"lang":"fa"}` {
		t.Errorf("last audit entry %+v", last)
	}
}
