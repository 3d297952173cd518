package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// registerWebhook registers the webhook of account ("telegram.support")
// at the process's mount with the CLI command, as an operator would.
func registerWebhook(t *testing.T, p *Proc, account string) {
	t.Helper()
	platform, name, _ := strings.Cut(account, ".")
	cmd := exec.Command(binary, "webhook", "register", "-config", p.Config, "-account", account, "-url", p.URL+"/webhooks/"+platform+"/"+name)
	cmd.Env = append(os.Environ(), p.Env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("webhook register: %v\n%s", err, out)
	}
}

// checkConfigRefuses runs check-config on config and wants it refused,
// naming key.
func checkConfigRefuses(t *testing.T, config, key string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "", "check-config", "-config", path)
	if code != 1 || !strings.Contains(stdout+stderr, key) {
		t.Fatalf("exit %d, want 1 naming %s:\n%s%s", code, key, stdout, stderr)
	}
}
