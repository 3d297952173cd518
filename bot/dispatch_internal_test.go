package bot

import (
	"context"
	"sync"
	"testing"
	"time"

	"engagebot/internal/wait"
)

// memStore keeps just the outbox, enough to drive the dispatcher alone.
type memStore struct {
	Store // other methods are not used here
	mu    sync.Mutex
	items map[uint64]*Outbound
}

type memTx struct {
	Tx // other methods are not used here
	s  *memStore
}

func (s *memStore) Update(_ context.Context, fn func(Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(memTx{s: s})
}

func (s *memStore) View(ctx context.Context, fn func(Tx) error) error { return s.Update(ctx, fn) }

func (t memTx) Outbound(id uint64) (*Outbound, error) {
	o, ok := t.s.items[id]
	if !ok {
		return nil, Errorf(ENOTFOUND, "no outbound %d", id)
	}
	cp := *o
	return &cp, nil
}

func (t memTx) PutOutbound(o *Outbound) error { cp := *o; t.s.items[o.ID] = &cp; return nil }
func (t memTx) AddFlag(*Flag) error           { return nil }

// gateAdapter blocks every send until released, and records the order.
type gateAdapter struct {
	release chan struct{}
	mu      sync.Mutex
	sent    []uint64
}

func (a *gateAdapter) Platform() string { return "fake" }
func (a *gateAdapter) Account() string  { return "test" }
func (a *gateAdapter) Limits() Limits   { return Limits{} }
func (a *gateAdapter) Send(_ context.Context, o *Outbound) (Delivery, error) {
	<-a.release
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent = append(a.sent, o.ID)
	return Delivery{PlatformID: "p"}, nil
}

// An item with a lower id that reaches a lane while a later one is being
// sent (two transactions committing in the other order) must still be sent,
// and the in-flight item must not be sent twice.
func TestDispatcher_LowerIDWhileBusy(t *testing.T) {
	s := &memStore{items: map[uint64]*Outbound{}}
	for _, id := range []uint64{10, 11} {
		s.items[id] = &Outbound{ID: id, Platform: "fake", Account: "test", Chat: "c", State: OutPending}
	}
	e, err := NewEngine(Options{Store: s, Analyzer: nopAnalyzer{}, Renderer: nopRenderer{}})
	if err != nil {
		t.Fatal(err)
	}
	a := &gateAdapter{release: make(chan struct{})}
	e.AddAdapter(a)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.disp.run(ctx) }()

	get := func(id uint64) (o *Outbound) {
		s.View(context.Background(), func(tx Tx) error { o, _ = tx.Outbound(id); return nil })
		return o
	}
	e.disp.add(get(11))
	wait.For(t, 5*time.Second, "11 dispatched", func() bool { return e.Stats().Sending == 1 })
	e.disp.add(get(10))
	close(a.release)
	wait.For(t, 5*time.Second, "both 11 and 10 sent", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return len(a.sent) >= 2
	})
	cancel()
	<-done
	if a.sent[0] != 11 || a.sent[1] != 10 || len(a.sent) != 2 {
		t.Fatalf("sent %v, want [11 10] once each", a.sent)
	}
	for _, id := range []uint64{10, 11} {
		if st := get(id).State; st != OutSent {
			t.Errorf("item %d is %s, want sent", id, st)
		}
	}
}

type nopAnalyzer struct{}

func (nopAnalyzer) Analyze(context.Context, string, string) (Analysis, error) { return Analysis{}, nil }

type nopRenderer struct{}

func (nopRenderer) Render(context.Context, RenderRequest) (Reply, error) { return Reply{}, nil }

// A send that waits for a long retry-after (X's 15-minute windows) gives
// way to a stop at once, unclaimed: the item stays pending.
func TestDispatcher_StopDuringALongWait(t *testing.T) {
	s := &memStore{items: map[uint64]*Outbound{7: {ID: 7, Platform: "fake", Account: "test", Chat: "c", State: OutPending}}}
	e, err := NewEngine(Options{Store: s, Analyzer: nopAnalyzer{}, Renderer: nopRenderer{}})
	if err != nil {
		t.Fatal(err)
	}
	a := &gateAdapter{release: make(chan struct{})}
	d := e.disp
	d.wire = NewLimiter()
	d.wire.Block("fake.test", time.Now().Add(15*time.Minute))
	done := make(chan error, 1)
	go func() {
		o := *s.items[7]
		_, err := d.send(context.Background(), a, &o, []Limit{{Key: "fake.test", Rate: Rate{Count: 1, Per: time.Second}}})
		done <- err
	}()
	close(d.stop)
	select {
	case err := <-done:
		if err != errStopped {
			t.Fatalf("send = %v, want it stopped", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the send kept waiting for the retry-after after the stop")
	}
	if st := s.items[7].State; st != OutPending {
		t.Errorf("item is %s, want pending", st)
	}
}
