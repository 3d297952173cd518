// Package web is engagebot's HTTP server: platform webhooks at
// /webhooks/<platform>/<account>, the built-in web chat at /chat, health
// and readiness probes, Prometheus metrics, and the staff area: sign-in
// and the JSON API under /api/v1/, each staff route a Route whose roles
// are checked in one place (auth.go). Adapters never serve HTTP
// themselves; this package mounts their handlers.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"engagebot/bot"
)

// Core is what the server needs of the conversation core: the accounts to
// hand webhooks to, their health and the queue depths. *bot.Engine is
// one; tests use a fake.
type Core interface {
	Adapter(key string) (bot.Adapter, bool)
	Accounts() []bot.AccountStatus
	Stats() bot.Stats
}

// Options configure a Server.
type Options struct {
	Engine  Core
	Metrics *Metrics
	Logger  *slog.Logger
	// MaxBodyBytes limits every request body (default 1 MiB).
	MaxBodyBytes int64
	// ChatAccount is the webchat account served at /chat ("" for none).
	ChatAccount string
	// Version is reported by /healthz.
	Version string

	// The staff area (POST /login, /logout and the JSON API under
	// /api/v1/) is served when Auth is set; it needs Data and Actions too.
	Auth    Authenticator
	Data    Reader
	Actions StaffActions
	// Passwords hashes the passwords of users added through the API.
	Passwords bot.PasswordHasher
	// PublicURL is server.public_url: when it is https, session cookies
	// are Secure, and its origin is trusted as the service's own.
	PublicURL string
	// UploadDir holds the images uploaded for posts, served at /media/
	// for platforms to fetch ("" refuses uploads).
	UploadDir string
	// Now is the clock of sign-in throttling and of the dashboard's
	// clocks (default time.Now).
	Now func() time.Time
	// Location is the time zone the dashboard shows dates and days in
	// (default time.Local).
	Location *time.Location
}

// Server is the HTTP side of the service.
type Server struct {
	opts     Options
	log      *slog.Logger
	mux      *http.ServeMux
	draining atomic.Bool
	srv      *http.Server

	routes []Route
	cop    *http.CrossOriginProtection
	// pages are the dashboard's templates, nil when it is not served;
	// loc is the time zone its dates are shown in.
	pages  *pages
	loc    *time.Location
	logins *throttle
	apiDoc openAPIDoc
}

// New builds the server and its routes.
func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{opts: o, log: o.Logger, mux: http.NewServeMux(), logins: newThrottle(o.Now)}
	s.cop = newCrossOrigin(o.PublicURL, o.Logger)
	o.Metrics.watchEngine(o.Engine)
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
	}
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	s.mux.HandleFunc("GET /readyz", s.handleReady)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(o.Metrics.reg, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("/webhooks/{platform}/{account}", s.handleWebhook)
	s.mux.HandleFunc("/webhooks/{platform}/{account}/", s.handleWebhook)
	s.mux.HandleFunc("/webhooks/", func(w http.ResponseWriter, r *http.Request) {
		Error(w, r, bot.Errorf(bot.ENOTFOUND, "webhook paths are /webhooks/<platform>/<account>"))
	})
	if o.ChatAccount != "" {
		s.mux.Handle("GET /chat", http.RedirectHandler("/chat/", http.StatusFound))
		s.mux.HandleFunc("/chat/", func(w http.ResponseWriter, r *http.Request) {
			s.serveAdapter(w, r, o.ChatAccount, strings.TrimPrefix(r.URL.Path, "/chat"))
		})
		s.mux.Handle("GET /{$}", http.RedirectHandler("/chat/", http.StatusFound))
	}
	if o.Auth != nil {
		s.Handle(Route{Method: "POST", Pattern: "/login", Public: true, Handle: s.handleLogin})
		s.Handle(Route{Method: "POST", Pattern: "/logout", Public: true, Handle: s.handleLogout})
		for _, rt := range s.apiRoutes() {
			s.Handle(rt)
		}
		s.mountPages()
		s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
			Error(w, r, bot.Errorf(bot.ENOTFOUND, "no API route %s %s", r.Method, r.URL.Path))
		})
	}
	return s
}

// Handler returns the root handler, with the body limit applied.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.opts.MaxBodyBytes {
			Error(w, r, bot.Errorf(bot.ETOOLARGE, "request body larger than %d bytes", s.opts.MaxBodyBytes))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
		s.mux.ServeHTTP(w, r)
	})
}

// Serve serves on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting, marks the service not ready, and waits for
// requests in flight (webhook deliveries being stored) up to ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	return s.srv.Shutdown(ctx)
}

func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	platform, account := r.PathValue("platform"), r.PathValue("account")
	prefix := "/webhooks/" + platform + "/" + account
	rest := strings.TrimPrefix(r.URL.Path, prefix)
	s.serveAdapter(w, r, bot.AccountKey(platform, account), rest)
}

// serveAdapter hands the request to the account's webhook handler with
// the mount prefix stripped.
func (s *Server) serveAdapter(w http.ResponseWriter, r *http.Request, key, rest string) {
	a, ok := s.opts.Engine.Adapter(key)
	if !ok {
		Error(w, r, bot.Errorf(bot.ENOTFOUND, "unknown account %q", key))
		return
	}
	h, ok := a.(bot.WebhookHandler)
	if !ok {
		Error(w, r, bot.Errorf(bot.ENOTFOUND, "account %q does not take webhooks", key))
		return
	}
	if rest == "" {
		rest = "/"
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = rest, ""
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	h.Webhook().ServeHTTP(rec, r2)
	s.opts.Metrics.httpStatus.WithLabelValues(a.Platform(), strconv.Itoa(rec.status)).Inc()
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Flush lets long-polling handlers flush through the recorder.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.opts.Version})
}

// handleReady answers 503 while draining; otherwise 200, with "degraded"
// and the accounts that need attention (an expired token) listed, so one
// broken platform does not take the whole service out of rotation.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	status := "ok"
	var attention []bot.AccountStatus
	for _, a := range s.opts.Engine.Accounts() {
		if a.State != bot.AccountOK {
			status = "degraded"
			attention = append(attention, a)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": status, "queues": s.opts.Engine.Stats(), "attention": attention})
}

// statusOf maps application error codes to HTTP statuses, in one place.
var statusOf = map[string]int{
	bot.ECONFLICT:     http.StatusConflict,
	bot.EINVALID:      http.StatusBadRequest,
	bot.ENOTFOUND:     http.StatusNotFound,
	bot.EUNAUTHORIZED: http.StatusUnauthorized,
	bot.EFORBIDDEN:    http.StatusForbidden,
	bot.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	bot.EUNAVAILABLE:  http.StatusServiceUnavailable,
	bot.EINTERNAL:     http.StatusInternalServerError,
}

// ErrorStatus returns the HTTP status of an error.
func ErrorStatus(err error) int {
	if s, ok := statusOf[bot.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Error writes err as JSON {"error": message, "code": code}; internal
// details stay out of the response.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	writeJSON(w, ErrorStatus(err), map[string]string{"error": bot.ErrorMessage(err), "code": bot.ErrorCode(err)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
