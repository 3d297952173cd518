package bot_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules enforces the layout's one-way data flow: bot imports
// only the standard library, adapters never import the store, the web or
// each other, and the store never imports adapters.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,Standard", "engagebot/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	type pkg struct {
		ImportPath string
		Imports    []string
	}
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		for _, imp := range p.Imports {
			if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") && !strings.HasPrefix(imp, "engagebot") {
				continue // standard library
			}
			if reason := forbidden(p.ImportPath, imp); reason != "" {
				t.Errorf("%s imports %s: %s", p.ImportPath, imp, reason)
			}
		}
	}
}

func forbidden(from, imp string) string {
	own := func(p string) string { // adapters/telegram/telegramtest -> adapters/telegram
		parts := strings.Split(strings.TrimPrefix(p, "engagebot/"), "/")
		if parts[0] == "adapters" && len(parts) > 1 {
			return "adapters/" + parts[1]
		}
		return parts[0]
	}
	switch {
	case from == "engagebot/bot":
		return "bot imports the standard library only"
	case strings.HasPrefix(from, "engagebot/adapters/") && own(from) != "adapters/all" && own(from) != "adapters/adaptertest":
		if strings.HasPrefix(imp, "engagebot/") && imp != "engagebot/bot" && own(imp) != own(from) &&
			imp != "engagebot/adapters/adaptertest" && !strings.HasPrefix(imp, "engagebot/adapters/internal/") {
			return "an adapter imports only bot, its own fakes, the conformance suite and the shared code under adapters/internal"
		}
	case strings.HasPrefix(from, "engagebot/store/"):
		if strings.HasPrefix(imp, "engagebot/") && imp != "engagebot/bot" && !strings.HasPrefix(imp, "engagebot/store/") {
			return "a store imports only bot"
		}
	case from == "engagebot/web" || from == "engagebot/analyze" || from == "engagebot/config":
		if strings.HasPrefix(imp, "engagebot/") && imp != "engagebot/bot" {
			return "data flows one way: this package imports only bot"
		}
	case from == "engagebot/templates":
		if strings.HasPrefix(imp, "engagebot/") && imp != "engagebot/bot" && imp != "engagebot/jalali" {
			return "templates imports only bot and the jalali calendar"
		}
	}
	return ""
}
