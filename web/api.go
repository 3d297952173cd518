package web

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"engagebot/bot"
)

// Reader is the store as the staff area reads it. bot.Store is one.
type Reader interface {
	View(ctx context.Context, fn func(bot.Tx) error) error
}

// StaffActions are the people's actions the API offers; *bot.Actions is
// one. Each checks the actor's roles again and writes its audit entry.
type StaffActions interface {
	TakeOver(ctx context.Context, actor bot.Actor, k bot.ThreadKey) error
	Release(ctx context.Context, actor bot.Actor, k bot.ThreadKey) error
	Resolve(ctx context.Context, actor bot.Actor, k bot.ThreadKey, note string) error
	Reply(ctx context.Context, actor bot.Actor, k bot.ThreadKey, text string) (*bot.Outbound, error)
	AddNote(ctx context.Context, actor bot.Actor, k bot.ThreadKey, text string) error
	Mute(ctx context.Context, actor bot.Actor, k bot.FollowerKey, mute, block bool, note string) error
	AddUser(ctx context.Context, actor bot.Actor, h bot.PasswordHasher, name string, roles []bot.Role, password string) error
	RevokeToken(ctx context.Context, actor bot.Actor, id string) error
	SetUserLang(ctx context.Context, actor bot.Actor, lang string) error
}

// ThreadID is a thread's id in URLs: base64url, unpadded, of
// "<platform>.<account>/<chat>" (bot.ThreadKey.String). It is stable,
// carries no character a path must escape whatever the chat id holds,
// and maps back to the key without a lookup.
func ThreadID(k bot.ThreadKey) string { return k.ID() }

// ParseThreadID reads a ThreadID back into its key.
func ParseThreadID(id string) (bot.ThreadKey, error) {
	bad := bot.Errorf(bot.EINVALID, "thread id %q: want the id the API gave", id)
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil || !utf8.Valid(b) {
		return bot.ThreadKey{}, bad
	}
	account, chat, ok := strings.Cut(string(b), "/")
	if !ok {
		return bot.ThreadKey{}, bad
	}
	platform, name, ok := strings.Cut(account, ".")
	if !ok || platform == "" || name == "" || chat == "" {
		return bot.ThreadKey{}, bad
	}
	return bot.ThreadKey{Platform: platform, Account: name, Chat: chat}, nil
}

// apiRoutes are the JSON API's routes, with their roles. Actions check
// the roles again; these are the same, so a refusal is a 403 before any
// work is done.
func (s *Server) apiRoutes() []Route {
	moderate := []bot.Role{bot.RoleModerator}
	work := []bot.Role{bot.RoleModerator, bot.RoleSafety}
	admin := []bot.Role{bot.RoleAdmin}
	// The scheduling rows are in posts.go, the catalogue's in catalogue.go
	// and the segments' in segments.go, beside their handlers.
	return slices.Concat([]Route{
		{Method: "GET", Pattern: "/api/v1/me", Roles: anyRole, Handle: s.handleMe, Doc: docMe},
		{Method: "POST", Pattern: "/api/v1/me/lang", Roles: anyRole, Handle: s.handleSetLang, Doc: docSetLang},
		{Method: "GET", Pattern: "/api/v1/openapi.json", Roles: anyRole, Handle: s.handleOpenAPI, Doc: docOpenAPI},
		{Method: "GET", Pattern: "/api/v1/flags", Roles: anyRole, Handle: s.handleFlags, Doc: docFlags},
		{Method: "GET", Pattern: "/api/v1/threads/{id}", Roles: anyRole, Handle: s.handleThread, Doc: docThread},
		{Method: "POST", Pattern: "/api/v1/threads/{id}/takeover", Roles: moderate, Handle: s.threadAction(s.takeOver), Doc: docTakeOver},
		{Method: "POST", Pattern: "/api/v1/threads/{id}/release", Roles: moderate, Handle: s.threadAction(s.release), Doc: docRelease},
		{Method: "POST", Pattern: "/api/v1/threads/{id}/resolve", Roles: work, Handle: s.threadAction(s.resolve), Doc: docResolve},
		{Method: "POST", Pattern: "/api/v1/threads/{id}/reply", Roles: work, Handle: s.handleReply(), Doc: docReply},
		{Method: "POST", Pattern: "/api/v1/threads/{id}/note", Roles: work, Handle: s.handleNote(), Doc: docNote},
		{Method: "POST", Pattern: "/api/v1/threads/{id}/mute", Roles: moderate, Handle: s.handleMute(), Doc: docMute},
		{Method: "GET", Pattern: "/api/v1/audit", Roles: admin, Handle: s.handleAudit, Doc: docAudit},
		{Method: "GET", Pattern: "/api/v1/users", Roles: admin, Handle: s.handleUsers, Doc: docUsers},
		{Method: "POST", Pattern: "/api/v1/users", Roles: admin, Handle: s.handleAddUser, Doc: docAddUser},
		{Method: "GET", Pattern: "/api/v1/tokens", Roles: admin, Handle: s.handleTokens, Doc: docTokens},
		{Method: "DELETE", Pattern: "/api/v1/tokens/{id}", Roles: admin, Handle: s.handleRevokeToken, Doc: docRevokeToken},
	}, s.postRoutes(), s.catalogueRoutes(), s.segmentRoutes(), s.campaignRoutes(), s.followerRoutes(), s.modelRoutes())
}

// meView is who the request is, and the language the workspace speaks
// to them (Persian for a token, which is not a user).
type meView struct {
	Name  string     `json:"name"`
	Roles []bot.Role `json:"roles"`
	Lang  string     `json:"lang"`
	User  bool       `json:"user"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	v, err := s.me(r.Context(), a)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) me(ctx context.Context, a bot.Actor) (meView, error) {
	v := meView{Name: a.Name, Roles: a.Roles, Lang: bot.LangFa}
	err := s.opts.Data.View(ctx, func(tx bot.Tx) error {
		u, err := tx.User(a.Name)
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		v.Lang, v.User = u.UILang(), true
		return nil
	})
	return v, err
}

func (s *Server) handleSetLang(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	var body struct {
		Lang string `json:"lang"`
	}
	if err := readJSON(r, &body, false); err != nil {
		Error(w, r, err)
		return
	}
	if err := s.opts.Actions.SetUserLang(r.Context(), a, body.Lang); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.handleMe(w, r, a)
}

// threadRef is a thread as a flag names it.
type threadRef struct {
	ID        string `json:"id"`
	Platform  string `json:"platform"`
	Account   string `json:"account"`
	Chat      string `json:"chat"`
	Mode      string `json:"mode,omitempty"`
	Moderator string `json:"moderator,omitempty"`
}

func refOf(k bot.ThreadKey, t *bot.Thread) threadRef {
	ref := threadRef{ID: ThreadID(k), Platform: k.Platform, Account: k.Account, Chat: k.Chat}
	if t != nil {
		ref.Mode, ref.Moderator = t.Mode, t.Moderator
	}
	return ref
}

type flagView struct {
	ID       uint64       `json:"id"`
	Severity bot.Severity `json:"severity"`
	Reason   string       `json:"reason"`
	Detail   string       `json:"detail,omitempty"`
	Text     string       `json:"text,omitempty"`
	Status   string       `json:"status"`
	Created  time.Time    `json:"created"`
	Closed   time.Time    `json:"closed,omitzero"`
	ClosedBy string       `json:"closed_by,omitempty"`
	Lang     string       `json:"lang,omitempty"`
	Thread   threadRef    `json:"thread"`
}

// Flag listing bounds.
const (
	defaultFlagPage = 100
	maxFlagPage     = 1000
)

// queueChunk is how many flags a queue page reads from the store at a
// time while filters drop some.
const queueChunk = 256

// eachQueued calls fn with the flags of a status in queue order (most
// severe first, side-effect reports and self-harm among them, then the
// oldest), after the given place, until fn returns false. Open flags are
// read from the store's queue index a chunk at a time, so a first page
// costs the page, not the queue; closed ones are few enough to sort.
func eachQueued(tx bot.Tx, status string, after *bot.Flag, fn func(*bot.Flag) (bool, error)) error {
	if status != bot.FlagOpen {
		flags, err := tx.Flags(bot.FlagFilter{Status: status})
		if err != nil {
			return err
		}
		slices.SortFunc(flags, bot.QueueLess)
		for _, f := range flags {
			if after != nil && bot.QueueLess(f, after) <= 0 {
				continue
			}
			if more, err := fn(f); err != nil || !more {
				return err
			}
		}
		return nil
	}
	for {
		flags, err := tx.Flags(bot.FlagFilter{Queue: true, QueueAfter: after, Limit: queueChunk})
		if err != nil {
			return err
		}
		for _, f := range flags {
			if more, err := fn(f); err != nil || !more {
				return err
			}
			after = f
		}
		if len(flags) < queueChunk {
			return nil
		}
	}
}

// flagCursor is the position after a flag in queue order, as
// "<severity>.<created unix nanoseconds>.<id>".
func flagCursor(f *bot.Flag) string {
	return fmt.Sprintf("%d.%d.%d", f.Severity, f.Created.UnixNano(), f.ID)
}

func parseFlagCursor(s string) (*bot.Flag, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, bot.Errorf(bot.EINVALID, "after: want the next value of a previous page")
	}
	sev, err1 := strconv.Atoi(parts[0])
	ns, err2 := strconv.ParseInt(parts[1], 10, 64)
	id, err3 := strconv.ParseUint(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, bot.Errorf(bot.EINVALID, "after: want the next value of a previous page")
	}
	return &bot.Flag{Severity: bot.Severity(sev), Created: time.Unix(0, ns), ID: id}, nil
}

func pageLimit(q string, def, most int) (int, error) {
	if q == "" {
		return def, nil
	}
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 || n > most {
		return 0, bot.Errorf(bot.EINVALID, "limit: a number from 1 to %d", most)
	}
	return n, nil
}

// handleFlags lists flags in queue order. The store gives the flags of a
// status in id order; this sorts them, which reads every flag of that
// status: an index by (severity, created) in the store would let the
// first page read only itself.
func (s *Server) handleFlags(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	q := r.URL.Query()
	status := cmp.Or(q.Get("status"), bot.FlagOpen)
	if status != bot.FlagOpen && status != bot.FlagClosed {
		Error(w, r, bot.Errorf(bot.EINVALID, "status: open or closed, not %q", status))
		return
	}
	limit, err := pageLimit(q.Get("limit"), defaultFlagPage, maxFlagPage)
	if err != nil {
		Error(w, r, err)
		return
	}
	var after *bot.Flag
	if a := q.Get("after"); a != "" {
		if after, err = parseFlagCursor(a); err != nil {
			Error(w, r, err)
			return
		}
	}
	platform, account, reason := q.Get("platform"), q.Get("account"), q.Get("reason")
	lang, assignee := q.Get("lang"), q.Get("assignee")
	var out []flagView
	next := ""
	err = s.opts.Data.View(r.Context(), func(tx bot.Tx) error {
		out, next = nil, ""
		threads := map[bot.ThreadKey]*bot.Thread{}
		langs := map[bot.FollowerKey]string{}
		var last *bot.Flag
		return eachQueued(tx, status, after, func(f *bot.Flag) (bool, error) {
			if platform != "" && f.Thread.Platform != platform ||
				account != "" && f.Thread.Account != account ||
				reason != "" && f.Reason != reason {
				return true, nil
			}
			th, ok := threads[f.Thread]
			if !ok {
				var err error
				if th, err = tx.Thread(f.Thread); err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
					return false, err
				}
				threads[f.Thread] = th
			}
			if assignee != "" && (th == nil || th.Moderator != assignee) {
				return true, nil
			}
			fl, ok := langs[f.Follower]
			if !ok && f.Follower.UserID != "" {
				if fw, err := tx.Follower(f.Follower); err == nil {
					fl = fw.Lang
				} else if bot.ErrorCode(err) != bot.ENOTFOUND {
					return false, err
				}
				langs[f.Follower] = fl
			}
			if lang != "" && fl != lang {
				return true, nil
			}
			if len(out) == limit {
				// More remain: the next page starts after the last one here.
				next = flagCursor(last)
				return false, nil
			}
			out = append(out, flagView{
				ID: f.ID, Severity: f.Severity, Reason: f.Reason, Detail: f.Detail, Text: f.Text,
				Status: f.Status, Created: f.Created, Closed: f.Closed, ClosedBy: f.ClosedBy,
				Lang: fl, Thread: refOf(f.Thread, th),
			})
			last = f
			return true, nil
		})
	})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	body := map[string]any{"flags": nonNil(out)}
	if next != "" {
		body["next"] = next
	}
	writeJSON(w, http.StatusOK, body)
}

type messageView struct {
	Seq       uint64         `json:"seq"`
	Direction string         `json:"direction"`
	Kind      bot.EventKind  `json:"kind"`
	Author    string         `json:"author,omitempty"`
	Text      string         `json:"text"`
	Lang      string         `json:"lang,omitempty"`
	Sentiment *bot.Sentiment `json:"sentiment"`
	Intent    string         `json:"intent,omitempty"`
	Signals   []string       `json:"signals,omitempty"`
	// Override is a person's label, kept beside the machine's sentiment.
	Override *overrideView `json:"override,omitempty"`
	Outbound uint64        `json:"outbound,omitempty"`
	At       time.Time     `json:"at"`
}

type overrideView struct {
	Label string    `json:"label"`
	By    string    `json:"by"`
	At    time.Time `json:"at"`
}

type threadView struct {
	threadRef
	ChatType    bot.ChatType  `json:"chat_type"`
	Follower    string        `json:"follower"`
	Flagged     bot.Severity  `json:"flagged"`
	Created     time.Time     `json:"created"`
	LastInbound time.Time     `json:"last_inbound,omitzero"`
	LastMessage time.Time     `json:"last_message,omitzero"`
	Messages    []messageView `json:"messages"`
	Flags       []flagView    `json:"flags"`
}

// maxThreadMessages bounds one answer; the newest are kept.
const maxThreadMessages = 1000

func (s *Server) handleThread(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	k, err := ParseThreadID(r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	var v threadView
	err = s.opts.Data.View(r.Context(), func(tx bot.Tx) error {
		v = threadView{}
		t, err := tx.Thread(k)
		if err != nil {
			return err
		}
		msgs, err := tx.Messages(k, 0, 0)
		if err != nil {
			return err
		}
		if len(msgs) > maxThreadMessages {
			msgs = msgs[len(msgs)-maxThreadMessages:]
		}
		flags, err := tx.Flags(bot.FlagFilter{Thread: &k})
		if err != nil {
			return err
		}
		labels, err := tx.Labels(k)
		if err != nil {
			return err
		}
		overrides := map[uint64]*overrideView{}
		for _, l := range labels {
			overrides[l.Message] = &overrideView{Label: l.Label, By: l.By, At: l.At}
		}
		v = threadView{threadRef: refOf(k, t), ChatType: t.ChatType, Follower: t.Follower.String(), Flagged: t.Flagged,
			Created: t.Created, LastInbound: t.LastInbound, LastMessage: t.LastMessage,
			Messages: []messageView{}, Flags: []flagView{}}
		for _, m := range msgs {
			mv := messageView{Seq: m.Seq, Direction: m.Direction, Kind: m.Kind, Author: m.Author, Text: m.Text,
				Lang: m.Lang, Outbound: m.Outbound, At: m.At, Override: overrides[m.Seq]}
			if a := m.Analysis; a != nil {
				mv.Sentiment, mv.Intent = &a.Sentiment, a.Intent
				for _, sg := range a.Signals {
					mv.Signals = append(mv.Signals, sg.Name)
				}
			}
			v.Messages = append(v.Messages, mv)
		}
		for _, f := range flags {
			v.Flags = append(v.Flags, flagView{ID: f.ID, Severity: f.Severity, Reason: f.Reason, Detail: f.Detail, Text: f.Text,
				Status: f.Status, Created: f.Created, Closed: f.Closed, ClosedBy: f.ClosedBy, Thread: v.threadRef})
		}
		return nil
	})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// threadAction serves a POST that changes a thread and answers with the
// thread's state after it.
func (s *Server) threadAction(act func(r *http.Request, a bot.Actor, k bot.ThreadKey) error) func(http.ResponseWriter, *http.Request, bot.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a bot.Actor) {
		k, err := ParseThreadID(r.PathValue("id"))
		if err == nil {
			err = act(r, a, k)
		}
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		s.writeThreadState(w, r, k)
	}
}

func (s *Server) takeOver(r *http.Request, a bot.Actor, k bot.ThreadKey) error {
	return s.opts.Actions.TakeOver(r.Context(), a, k)
}

func (s *Server) release(r *http.Request, a bot.Actor, k bot.ThreadKey) error {
	return s.opts.Actions.Release(r.Context(), a, k)
}

func (s *Server) resolve(r *http.Request, a bot.Actor, k bot.ThreadKey) error {
	var body struct {
		Note string `json:"note"`
		// CSAT asks the follower the satisfaction question after.
		CSAT bool `json:"csat"`
	}
	if err := readJSON(r, &body, true); err != nil {
		return err
	}
	if err := s.opts.Actions.Resolve(r.Context(), a, k, body.Note); err != nil || !body.CSAT {
		return err
	}
	return s.askCSAT(r, a, k)
}

func (s *Server) writeThreadState(w http.ResponseWriter, r *http.Request, k bot.ThreadKey) {
	var t *bot.Thread
	err := s.opts.Data.View(r.Context(), func(tx bot.Tx) (err error) {
		t, err = tx.Thread(k)
		return err
	})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"thread": refOf(k, t)})
}

type outboundView struct {
	ID    uint64       `json:"id"`
	State bot.OutState `json:"state"`
}

// withBody serves a request with a JSON body: it reads the body into B,
// runs do, and answers what do returns with status. Refusals are JSON, as
// on every API route.
func withBody[B any](s *Server, status int, do func(r *http.Request, a bot.Actor, body B) (any, error)) func(http.ResponseWriter, *http.Request, bot.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a bot.Actor) {
		var body B
		if err := readJSON(r, &body, false); err != nil {
			Error(w, r, err)
			return
		}
		v, err := do(r, a, body)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		writeJSON(w, status, v)
	}
}

// threadBody is withBody for a POST on a thread: do gets its key.
func threadBody[B any](s *Server, status int, do func(ctx context.Context, a bot.Actor, k bot.ThreadKey, body B) (any, error)) func(http.ResponseWriter, *http.Request, bot.Actor) {
	return withBody(s, status, func(r *http.Request, a bot.Actor, body B) (any, error) {
		k, err := ParseThreadID(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return do(r.Context(), a, k, body)
	})
}

type textBody struct {
	Text string `json:"text"`
}

type muteBody struct {
	Mute  bool   `json:"mute"`
	Block bool   `json:"block"`
	Note  string `json:"note"`
}

// handleReply answers 202: the reply is in the outbox; the dispatcher
// sends it within the platform's limits.
func (s *Server) handleReply() func(http.ResponseWriter, *http.Request, bot.Actor) {
	return threadBody(s, http.StatusAccepted, func(ctx context.Context, a bot.Actor, k bot.ThreadKey, b textBody) (any, error) {
		o, err := s.opts.Actions.Reply(ctx, a, k, b.Text)
		if err != nil {
			return nil, err
		}
		return map[string]any{"outbound": outboundView{ID: o.ID, State: o.State}, "thread": refOf(k, nil)}, nil
	})
}

func (s *Server) handleNote() func(http.ResponseWriter, *http.Request, bot.Actor) {
	return threadBody(s, http.StatusCreated, func(ctx context.Context, a bot.Actor, k bot.ThreadKey, b textBody) (any, error) {
		return map[string]any{"thread": refOf(k, nil)}, s.opts.Actions.AddNote(ctx, a, k, b.Text)
	})
}

// handleMute mutes or blocks the follower of a thread, or lets the bot
// answer them again.
func (s *Server) handleMute() func(http.ResponseWriter, *http.Request, bot.Actor) {
	return threadBody(s, http.StatusOK, func(ctx context.Context, a bot.Actor, k bot.ThreadKey, b muteBody) (any, error) {
		err := s.muteThread(ctx, a, k, b.Mute, b.Block, b.Note)
		return map[string]any{"thread": refOf(k, nil), "muted": b.Mute || b.Block, "blocked": b.Block}, err
	})
}

// muteThread mutes the follower a thread is with.
func (s *Server) muteThread(ctx context.Context, a bot.Actor, k bot.ThreadKey, mute, block bool, note string) error {
	var fk bot.FollowerKey
	err := s.opts.Data.View(ctx, func(tx bot.Tx) error {
		t, err := tx.Thread(k)
		if err == nil {
			fk = t.Follower
		}
		return err
	})
	if err != nil {
		return err
	}
	return s.opts.Actions.Mute(ctx, a, fk, mute, block, note)
}

// Audit listing bounds.
const (
	defaultAuditPage = 100
	maxAuditPage     = 1000
)

func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	q := r.URL.Query()
	limit, err := pageLimit(q.Get("limit"), defaultAuditPage, maxAuditPage)
	if err != nil {
		Error(w, r, err)
		return
	}
	f := bot.AuditFilter{Actor: q.Get("actor"), Limit: limit}
	if a := q.Get("after"); a != "" {
		if f.After, err = strconv.ParseUint(a, 10, 64); err != nil {
			Error(w, r, bot.Errorf(bot.EINVALID, "after: a sequence number"))
			return
		}
	}
	var entries []*bot.AuditEntry
	err = s.opts.Data.View(r.Context(), func(tx bot.Tx) (err error) {
		entries, err = tx.AuditLog(f)
		return err
	})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	body := map[string]any{"entries": nonNil(entries)}
	if len(entries) == limit {
		body["next"] = strconv.FormatUint(entries[len(entries)-1].Seq, 10)
	}
	writeJSON(w, http.StatusOK, body)
}

// readJSON decodes a JSON body into v, refusing unknown fields and
// trailing data; with optional, an empty body leaves v as it is.
func readJSON(r *http.Request, v any, optional bool) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	switch {
	case errors.Is(err, io.EOF) && optional:
		return nil
	case err != nil && strings.Contains(err.Error(), "http: request body too large"):
		return bot.Errorf(bot.ETOOLARGE, "request body too large")
	case err != nil:
		return bot.Errorf(bot.EINVALID, "body: want JSON: %v", err)
	case dec.More():
		return bot.Errorf(bot.EINVALID, "body: one JSON object only")
	}
	return nil
}

// apiError answers err, logging what is not the caller's fault.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	if ErrorStatus(err) >= 500 {
		s.log.Error("api", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	Error(w, r, err)
}

func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// userView is a user as admins see it: never the password hash.
type userView struct {
	Name      string     `json:"name"`
	Roles     []bot.Role `json:"roles"`
	Created   time.Time  `json:"created"`
	CreatedBy string     `json:"created_by"`
}

func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	var out []userView
	err := s.opts.Data.View(r.Context(), func(tx bot.Tx) error {
		list, err := tx.Users()
		out = nil
		for _, u := range list {
			out = append(out, userView{Name: u.Name, Roles: u.Roles, Created: u.Created, CreatedBy: u.CreatedBy})
		}
		return err
	})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": nonNil(out)})
}

func (s *Server) handleAddUser(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	var body struct {
		Name     string     `json:"name"`
		Roles    []bot.Role `json:"roles"`
		Password string     `json:"password"`
	}
	if err := readJSON(r, &body, false); err != nil {
		Error(w, r, err)
		return
	}
	for _, role := range body.Roles {
		if _, err := bot.ParseRoles(string(role)); err != nil {
			Error(w, r, err)
			return
		}
	}
	if s.opts.Passwords == nil {
		Error(w, r, bot.Errorf(bot.EUNAVAILABLE, "adding users is not set up on this server"))
		return
	}
	if err := s.opts.Actions.AddUser(r.Context(), a, s.opts.Passwords, body.Name, body.Roles, body.Password); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user": userView{Name: body.Name, Roles: body.Roles, CreatedBy: a.Name, Created: s.opts.Now().UTC()}})
}

// tokenView is an API token as admins see it: its id, never the secret
// or the whole hash.
type tokenView struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Roles     []bot.Role `json:"roles"`
	Created   time.Time  `json:"created"`
	CreatedBy string     `json:"created_by"`
	LastUsed  time.Time  `json:"last_used,omitzero"`
}

func (s *Server) handleTokens(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	var out []tokenView
	err := s.opts.Data.View(r.Context(), func(tx bot.Tx) error {
		list, err := tx.Tokens()
		out = nil
		for _, t := range list {
			out = append(out, tokenView{ID: t.ID(), Name: t.Name, Roles: t.Roles, Created: t.Created, CreatedBy: t.CreatedBy, LastUsed: t.LastUsed})
		}
		return err
	})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	slices.SortFunc(out, func(a, b tokenView) int { return a.Created.Compare(b.Created) })
	writeJSON(w, http.StatusOK, map[string]any{"tokens": nonNil(out)})
}

func (s *Server) handleRevokeToken(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	id := r.PathValue("id")
	if err := s.opts.Actions.RevokeToken(r.Context(), a, id); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"revoked": id})
}
