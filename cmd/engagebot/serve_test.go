package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"

	"engagebot/bot"
)

// The adapters' client keeps a connection for each send that may be in
// flight, so rounds of concurrent sends to one platform reuse them
// instead of dialling anew (the default transport keeps two per host).
func TestPlatformClientKeepsConnections(t *testing.T) {
	var dialled atomic.Int64
	release := make(chan struct{})
	var arrived sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-release // every request of a round is in flight at once
		io.WriteString(w, `{"ok":true}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dialled.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	hc := platformClient()
	const inFlight, rounds = 32, 3
	if inFlight > bot.DefaultSendConcurrency {
		t.Fatal("the test means to stay within the send concurrency")
	}
	for round := range rounds {
		release = make(chan struct{})
		arrived.Add(inFlight)
		var done sync.WaitGroup
		for range inFlight {
			done.Go(func() {
				resp, err := hc.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			})
		}
		arrived.Wait()
		close(release)
		done.Wait()
		if n := dialled.Load(); n > inFlight {
			t.Fatalf("after round %d: %d connections dialled for %d sends in flight", round+1, n, inFlight)
		}
	}
}

// The service collects at gcPercent unless GOGC says otherwise.
func TestSetGCPercent(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)

	t.Setenv("GOGC", "")
	setGCPercent()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GOGC unset: collecting at %d, want %d", got, gcPercent)
	}
	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150) // as the runtime read it at start
	setGCPercent()
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("GOGC=150: collecting at %d, want 150 kept", got)
	}
}
