package bot_test

import (
	"strings"
	"testing"
)

// TestPackageComments requires a package comment on every package of the
// module: it is the first thing a reader of go doc or of the folder sees,
// and says what the package owns.
func TestPackageComments(t *testing.T) {
	for _, p := range listPackages(t) {
		name := p.ImportPath[strings.LastIndex(p.ImportPath, "/")+1:]
		switch {
		case len(p.GoFiles) == 0:
			// Only tests: there is no package to document.
		case strings.TrimSpace(p.Doc) == "":
			t.Errorf("%s has no package comment: add one (a doc.go for a larger package) saying what it owns", p.ImportPath)
		case !strings.HasPrefix(p.Doc, "Package "+name+" ") && !strings.HasPrefix(p.Doc, "Command "+name+" "):
			t.Errorf("%s: package comment %q does not start with \"Package %s\"", p.ImportPath, p.Doc, name)
		}
	}
}
