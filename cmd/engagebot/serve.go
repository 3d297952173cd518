package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"engagebot/adapters/all"
	"engagebot/analyze"
	"engagebot/bot"
	"engagebot/config"
	"engagebot/password"
	"engagebot/store/bolt"
	"engagebot/templates"
	"engagebot/web"
)

var errUsage = errors.New("usage")

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "config.yaml", "config file")
	listen := fs.String("listen", "", "address to serve on (overrides server.listen)")
	dataDir := fs.String("data", "", "data folder (overrides data.dir)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := config.Load(*cfgPath, all.Factories(), config.Getenv)
	if err != nil {
		return err
	}
	if *listen != "" {
		cfg.Server.Listen = *listen
	}
	if *dataDir != "" {
		cfg.Data.Dir = *dataDir
	}
	m := &Main{Config: cfg, Logger: newLogger(cfg.Log, stderr)}
	if err := m.Open(); err != nil {
		m.Close()
		return err
	}
	return m.Run(ctx)
}

func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(c.Level))
	// Application errors keep their code as a field, however wrapped.
	opts := &slog.HandlerOptions{Level: lvl, ReplaceAttr: bot.ReplaceErrorAttr}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Main is the running service: it builds every part from the config, runs
// them, and shuts them down in order.
type Main struct {
	Config *config.Config
	Logger *slog.Logger

	// Store is the data; only Open knows it is bbolt.
	Store   bot.Store
	Engine  *bot.Engine
	Web     *web.Server
	ln      net.Listener
	runners []bot.Runner
}

// Open builds the service and binds its listener; nothing runs yet.
func (m *Main) Open() error {
	c, log := m.Config, m.Logger
	if err := os.MkdirAll(c.Data.Dir, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	db, err := bolt.Open(filepath.Join(c.Data.Dir, "engagebot.db"), bolt.WithLogger(log), bolt.WithTimeout(2*time.Second))
	if err != nil {
		return err
	}
	m.Store = db
	an, err := newAnalyzer(c)
	if err != nil {
		return err
	}
	rd, err := newRenderer(c, an.Products())
	if err != nil {
		return err
	}
	metrics := web.NewMetrics()
	m.Engine, err = bot.NewEngine(bot.Options{
		Store: db, Analyzer: an, Renderer: rd, Logger: log, Observer: metrics,
		Workers: c.Bot.Workers, DefaultLang: c.Bot.DefaultLang,
		Send: bot.SendOptions{RetryBase: c.Bot.RetryBase, RetryMax: c.Bot.RetryMax, MaxAttempts: c.Bot.MaxAttempts, Timeout: c.Bot.SendTimeout},
	})
	if err != nil {
		return err
	}
	if err := m.openCatalogue(an); err != nil {
		return err
	}
	chat := ""
	deps := bot.AdapterDeps{Inbox: m.Engine, Logger: log, HTTPClient: platformClient(), Now: time.Now}
	for _, acc := range c.Accounts {
		if acc.Skip != "" {
			log.Warn("account skipped", "account", acc.Key, "reason", acc.Skip)
			continue
		}
		a, err := acc.Factory.New(acc.Platform, acc.Name, acc.Config, deps)
		if err != nil {
			return fmt.Errorf("account %s: %w", acc.Key, err)
		}
		m.Engine.AddAdapter(a)
		if r, ok := a.(bot.Runner); ok {
			m.runners = append(m.runners, r)
		}
		if acc.Platform == bot.PlatformWebchat && chat == "" {
			chat = acc.Key
		}
		log.Info("account ready", "account", acc.Key)
	}
	sch, err := newScheduler(c, m.Engine, db, log)
	if err != nil {
		return err
	}
	m.runners = append(m.runners, sch)
	if d, err := newCrisisDetector(c, db, log); err != nil {
		return fmt.Errorf("alerts: %w", err)
	} else if d != nil {
		m.runners = append(m.runners, d)
	}
	model, err := newModelService(modelOptions{Analyzer: an, Store: db, Actions: m.Engine.Actions(), Dir: c.Data.Dir, Logger: log})
	if err != nil {
		return err
	}
	if r := newRetraining(c, model); r != nil {
		m.runners = append(m.runners, r)
	}
	hasher := password.New(password.Default)
	auth, err := bot.NewAuth(db, hasher, nil, 0)
	if err != nil {
		return err
	}
	m.Web = web.New(web.Options{
		Engine: m.Engine, Metrics: metrics, Logger: log, MaxBodyBytes: c.Server.MaxBodyBytes, ChatAccount: chat, Version: Version(),
		Auth: auth, Data: db, Actions: staffActions{m.Engine.Actions(), model}, Passwords: hasher, PublicURL: c.Server.PublicURL,
		UploadDir: filepath.Join(c.Data.Dir, "uploads"),
	})
	m.ln, err = net.Listen("tcp", c.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return nil
}

// staffActions are the people's actions the dashboard offers: the
// engine's, and the learned model's, which live beside the store.
type staffActions struct {
	*bot.Actions
	*modelService
}

// Addr is the address the service listens on.
func (m *Main) Addr() string { return m.ln.Addr().String() }

// Run serves until ctx is done, then drains: it stops accepting HTTP and
// waits for deliveries being stored, stops pollers, lets the engine finish
// the items in hand and the sends in flight, and closes the store.
func (m *Main) Run(ctx context.Context) error {
	log := m.Logger
	setGCPercent()
	engineCtx, stopEngine := context.WithCancel(context.WithoutCancel(ctx))
	defer stopEngine()
	pollCtx, stopPolls := context.WithCancel(context.WithoutCancel(ctx))
	defer stopPolls()

	errc := make(chan error, 2)
	engineDone := make(chan struct{})
	go func() {
		defer close(engineDone)
		if err := m.Engine.Run(engineCtx); err != nil {
			errc <- fmt.Errorf("engine: %w", err)
		}
	}()
	var polls sync.WaitGroup
	for _, r := range m.runners {
		polls.Add(1)
		go func() {
			defer polls.Done()
			if err := r.Run(pollCtx); err != nil {
				log.Error("poller stopped", "err", err)
			}
		}()
	}
	polls.Add(1)
	go func() {
		defer polls.Done()
		m.maintain(pollCtx)
	}()
	go func() {
		if err := m.Web.Serve(m.ln); err != nil {
			errc <- fmt.Errorf("http: %w", err)
		}
	}()
	log.Info("engagebot serving", "addr", m.Addr(), "chat", "http://"+m.Addr()+"/chat/", "version", Version())

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case runErr = <-errc:
		log.Error("stopping after failure", "err", runErr)
	}
	sctx, cancel := context.WithTimeout(context.Background(), m.Config.Server.ShutdownTimeout)
	defer cancel()
	if err := m.Web.Shutdown(sctx); err != nil {
		log.Warn("http drain incomplete", "err", err)
	}
	stopPolls()
	polls.Wait()
	stopEngine()
	select {
	case <-engineDone:
	case <-sctx.Done():
		log.Warn("engine drain incomplete; unsent items resume at next start")
	}
	if err := m.Close(); err != nil && runErr == nil {
		runErr = err
	}
	log.Info("stopped")
	return runErr
}

// Close releases what Open acquired.
func (m *Main) Close() error {
	if m.ln != nil {
		m.ln.Close()
	}
	if m.Store != nil {
		return m.Store.Close()
	}
	return nil
}

func newAnalyzer(c *config.Config, more ...analyze.Option) (*analyze.Analyzer, error) {
	opts := more
	if c.Analyze.Vocabulary != "" {
		opts = append(opts, analyze.WithVocabulary(c.Analyze.Vocabulary))
	}
	if c.Analyze.Model != "" {
		opts = append(opts, analyze.WithModelFile(c.Analyze.Model))
	}
	a, err := analyze.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("analyzer: %w", err)
	}
	return a, nil
}

// newRenderer builds the templates with the brand and the product
// catalogue of the analyzer's vocabulary, so replies name the products the
// analyzer recognises.
func newRenderer(c *config.Config, products []analyze.Product) (*templates.Renderer, error) {
	catalogue := make(map[string]templates.Product, len(products))
	for _, p := range products {
		names := map[string]string{"fa": p.Names["fa"], "en": p.Canonical}
		if names["fa"] == "" {
			delete(names, "fa")
		}
		catalogue[p.Canonical] = templates.Product{Name: names}
	}
	opts := []templates.Option{
		templates.WithDefaultLang(c.Bot.DefaultLang),
		templates.WithBrand(c.Brand),
		templates.WithProducts(catalogue),
	}
	if c.Templates.Dir != "" {
		opts = append(opts, templates.WithDir(c.Templates.Dir))
	}
	r, err := templates.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return r, nil
}

// maintain purges what the retention settings say is no longer needed:
// messages older than data.retention, and redelivery keys old enough that
// no platform still retries them.
func (m *Main) maintain(ctx context.Context) {
	const every = time.Hour
	const dedupeKeep = 7 * 24 * time.Hour // platforms retry for 36 h at most
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := m.Store.PruneDedupe(ctx, time.Now().Add(-dedupeKeep)); err != nil {
			m.Logger.Warn("prune redelivery keys", "err", err)
		} else if n > 0 {
			m.Logger.Info("pruned redelivery keys", "count", n)
		}
		if r := m.Config.Data.Retention; r > 0 {
			n, err := m.Store.PurgeMessages(ctx, time.Now().Add(-r))
			if err != nil {
				m.Logger.Warn("purge old messages", "err", err)
			} else if n > 0 {
				m.Logger.Info("purged old messages", "count", n, "retention", r)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// openCatalogue seeds an empty content catalogue with the vocabulary's
// products on the first start, then hands the catalogue to the analyzer
// and the renderer, so products added since are recognised and offered.
func (m *Main) openCatalogue(an *analyze.Analyzer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := m.Engine.SeedCatalogue(ctx, an.CatalogueSeed())
	if err != nil {
		return fmt.Errorf("catalogue: %w", err)
	}
	if n > 0 {
		m.Logger.Info("catalogue seeded from the vocabulary", "products", n)
	}
	return m.Engine.RefreshCatalogue(ctx)
}

// platformClient is the HTTP client of every adapter. The default
// transport keeps 2 idle connections per host, so with many sends in
// flight to one platform API most of them would dial (and shake hands)
// anew and close again; it keeps one per send that may be in flight.
func platformClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = bot.DefaultSendConcurrency
	return &http.Client{Timeout: 60 * time.Second, Transport: t}
}

// gcPercent is the collector's target unless GOGC says otherwise. The
// service's live heap is small (tens of MB) while under load it allocates
// fast (bbolt builds a node for every page a write touches), so at Go's
// default of 100 it collected about 17 times a second in
// BenchmarkWebhookIngest; at 200 it collects half as often, for a heap
// goal of three times the live heap instead of two, and the benchmark's
// ingest rose by about a tenth and its replies by about a sixth.
const gcPercent = 200

func setGCPercent() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}
