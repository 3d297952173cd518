package webchat

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"engagebot/adapters/adaptertest"
)

// benchAdapter holds n sessions, each with one reply, and returns their ids.
func benchAdapter(b *testing.B, n int) (*Adapter, http.Handler, []string) {
	b.Helper()
	cfg := testConfig()
	cfg.MaxSessions = n
	a := New("default", cfg, depsFor(&adaptertest.Recorder{}))
	ids := make([]string, n)
	for i := range ids {
		id, err := a.sessions.issue(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = id
		_ = a.sessions.use(context.Background(), id, func(s *session) {
			s.seq++
			s.add(Entry{Seq: 1, From: "bot", ID: "out-1", Text: "سلام! چطور می‌توانیم کمک کنیم؟", At: time.Now()})
		})
	}
	return a, a.Webhook(), ids
}

// BenchmarkRepliesLookup measures a page's poll (GET /replies?wait=0, the
// whole handler) with 60,000 sessions held against the same with 100, in
// the same run, interleaved in blocks so both see the same machine. The
// ratio stays near 1 when a lookup does not grow with the sessions.
func BenchmarkRepliesLookup(b *testing.B) {
	_, small, smallIDs := benchAdapter(b, 100)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a, big, bigIDs := benchAdapter(b, 60000)
	runtime.GC()
	runtime.ReadMemStats(&after)
	perSession := float64(after.HeapAlloc-before.HeapAlloc) / 60000
	runtime.KeepAlive(a)

	reqs := func(ids []string) []*http.Request {
		out := make([]*http.Request, 1024)
		for i := range out {
			// A stride over the ids so the big set is not read in order.
			out[i] = httptest.NewRequest("GET", "/replies?wait=0&after=0&session="+ids[(i*7919)%len(ids)], nil)
		}
		return out
	}
	smallReqs, bigReqs := reqs(smallIDs), reqs(bigIDs)
	var tSmall, tBig time.Duration
	run := func(h http.Handler, rs []*http.Request, n int) time.Duration {
		start := time.Now()
		for i := range n {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, rs[i%len(rs)])
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
		return time.Since(start)
	}
	b.ResetTimer()
	const block = 256
	for done := 0; done < b.N; done += block {
		n := min(block, b.N-done)
		tSmall += run(small, smallReqs, n)
		tBig += run(big, bigReqs, n)
	}
	b.StopTimer()
	b.ReportMetric(float64(tSmall.Nanoseconds())/float64(b.N), "ns/poll@100")
	b.ReportMetric(float64(tBig.Nanoseconds())/float64(b.N), "ns/poll@60000")
	b.ReportMetric(float64(tBig)/float64(tSmall), "ratio")
	b.ReportMetric(perSession, "B/session")
}
