package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"engagebot/config"
)

// TestAnalyzeModel: analyze.model must name a readable, non-empty file;
// the mistake names the key. (The file's format is checked where the
// analyzer loads it: check-config does.)
func TestAnalyzeModel(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.model")
	good := filepath.Join(dir, "good.model")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte("EBSM..."), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.model"), "analyze.model: cannot read file"},
		{empty, "analyze.model: " + empty + " is empty"},
		{dir, "analyze.model: " + dir + " is a folder"},
	} {
		_, err := config.Parse([]byte("analyze: {model: "+tc.path+"}"), factories, env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d: %v, want %q", i, err, tc.want)
		}
	}
	c, err := config.Parse([]byte("analyze: {model: "+good+"}"), factories, env(nil))
	if err != nil || c.Analyze.Model != good {
		t.Errorf("readable model: %v %+v", err, c)
	}
}
