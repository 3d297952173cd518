package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"engagebot/internal/wait"
)

// binary is the engagebot binary built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "engagebot-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "engagebot")
	build := exec.Command("go", "build", "-race", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build engagebot:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Proc is a running engagebot serve process.
type Proc struct {
	t      testing.TB
	cmd    *exec.Cmd
	URL    string // http://127.0.0.1:port
	Config string
	Data   string
	Env    []string
	bin    string
	logs   *syncBuffer
	done   chan error
}

// ProcOptions start a process.
type ProcOptions struct {
	// Config is the config.yaml text; "" uses a minimal web-chat config.
	Config string
	// Data is the data folder; "" makes a fresh one.
	Data string
	// Env adds environment variables (secrets).
	Env []string
	// Binary runs another build than the race-detector one (see
	// productionBinary).
	Binary string
}

var (
	prodOnce   sync.Once
	prodBinary string
	prodErr    error
)

// productionBinary builds engagebot as it runs in production, without the
// race detector, once. The crash tests use it: the detector slows every
// step several times, and with it the moments a crash test is about
// (between a commit and the request it allows) grow out of proportion.
func productionBinary(t testing.TB) string {
	t.Helper()
	prodOnce.Do(func() {
		prodBinary = filepath.Join(filepath.Dir(binary), "engagebot-production")
		out, err := exec.Command("go", "build", "-o", prodBinary, ".").CombinedOutput()
		if err != nil {
			prodErr = fmt.Errorf("build engagebot: %v\n%s", err, out)
		}
	})
	if prodErr != nil {
		t.Fatal(prodErr)
	}
	return prodBinary
}

// minimalConfig runs the web chat only, quietly.
const minimalConfig = `
accounts:
  webchat.default: {}
`

// StartProc starts `engagebot serve` on a free port and waits until it
// serves. The process is killed at cleanup if still running.
func StartProc(t testing.TB, o ProcOptions) *Proc {
	t.Helper()
	dir := t.TempDir()
	if o.Config == "" {
		o.Config = minimalConfig
	}
	if o.Data == "" {
		o.Data = filepath.Join(dir, "data")
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(o.Config), 0o600); err != nil {
		t.Fatal(err)
	}
	if o.Binary == "" {
		o.Binary = binary
	}
	p := &Proc{t: t, Config: cfg, Data: o.Data, Env: o.Env, bin: o.Binary}
	p.start()
	t.Cleanup(func() { p.Kill() })
	return p
}

var addrRe = regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)

func (p *Proc) start() {
	p.t.Helper()
	p.logs = &syncBuffer{}
	p.cmd = exec.Command(p.bin, "serve", "-config", p.Config, "-listen", "127.0.0.1:0", "-data", p.Data)
	p.cmd.Env = append(os.Environ(), p.Env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.done = make(chan error, 1)
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.logs.WriteString(line + "\n")
			if m := addrRe.FindStringSubmatch(line); m != nil && strings.Contains(line, "serving") {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		p.done <- p.cmd.Wait()
	}()
	select {
	case a := <-addr:
		p.URL = "http://" + a
	case err := <-p.done:
		p.t.Fatalf("engagebot exited at start: %v\n%s", err, p.logs.String())
	case <-time.After(30 * time.Second):
		p.t.Fatalf("engagebot did not start in 30s\n%s", p.logs.String())
	}
}

// Restart starts the process again on the same config and data.
func (p *Proc) Restart() { p.t.Helper(); p.start() }

// Kill sends SIGKILL: no drain, no cleanup, like a power cut.
func (p *Proc) Kill() {
	if p.cmd == nil || p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	p.cmd.ProcessState = &os.ProcessState{}
}

// Stop sends SIGTERM and waits for a clean exit.
func (p *Proc) Stop() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			p.t.Errorf("engagebot exited with %v after SIGTERM\n%s", err, p.logs.String())
		}
	case <-time.After(60 * time.Second):
		p.t.Fatalf("engagebot did not stop in 60s\n%s", p.logs.String())
	}
	p.cmd.ProcessState = &os.ProcessState{}
}

// Logs returns what the process logged.
func (p *Proc) Logs() string { return p.logs.String() }

// Post sends JSON and returns the status and body.
func (p *Proc) Post(path string, body string) (int, string) {
	p.t.Helper()
	resp, err := http.Post(p.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		p.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Get fetches a path.
func (p *Proc) Get(path string) (int, string) {
	p.t.Helper()
	resp, err := http.Get(p.URL + path)
	if err != nil {
		p.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Metric reads one unlabelled or labelled sample from /metrics; 0 when absent.
func (p *Proc) Metric(name string) float64 {
	p.t.Helper()
	_, body := p.Get("/metrics")
	var total float64
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, name+" ") || strings.HasPrefix(line, name+"{") {
			f := strings.Fields(line)
			v, _ := strconv.ParseFloat(f[len(f)-1], 64)
			total += v
		}
	}
	return total
}

// WaitIdle waits until every stored message is processed and every reply
// has left the outbox.
func (p *Proc) WaitIdle(timeout time.Duration) {
	p.t.Helper()
	idle := func() bool {
		return p.Metric("engagebot_inbox_depth") == 0 && p.Metric("engagebot_outbox_pending") == 0 && p.Metric("engagebot_outbox_sending") == 0
	}
	if !wait.Until(timeout, idle) {
		p.t.Fatalf("not idle after %v: inbox=%v pending=%v sending=%v", timeout,
			p.Metric("engagebot_inbox_depth"), p.Metric("engagebot_outbox_pending"), p.Metric("engagebot_outbox_sending"))
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) WriteString(x string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.WriteString(x)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// chatReplies returns the replies the web chat delivered to a session.
func chatReplies(t testing.TB, p *Proc, session string) []map[string]any {
	t.Helper()
	_, body := p.Get("/chat/replies?wait=0&session=" + session)
	var r struct {
		Replies []map[string]any `json:"replies"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("replies: %v: %s", err, body)
	}
	return r.Replies
}
