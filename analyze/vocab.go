package analyze

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"

	"engagebot/bot"
)

// defaultVocab is the brand vocabulary shipped with the binary. A brand
// extends it with WithVocabulary, without a rebuild.
//
//go:embed data/vocab.tsv
var defaultVocab []byte

// vocabKinds maps the first field of a vocabulary line to an entry kind.
var vocabKinds = map[string]kind{
	"product":  kProduct,
	"medicine": kMedicine,
	"effect":   kEffect,
	"topic":    kTopic,
}

// parseVocab reads a vocabulary file: one group per line,
// "kind<TAB>canonical<TAB>term | term ...", # comments and blank lines
// ignored. Errors name the file and line, because a brand editor must be
// able to find and fix the line without reading Go.
func parseVocab(name string, r io.Reader) ([]*entry, error) {
	var out []*entry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), " \r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		if strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 3 {
			return nil, vocabError(name, line, "want 3 TAB-separated fields (kind, canonical, terms), got %d", len(f))
		}
		k, ok := vocabKinds[strings.TrimSpace(f[0])]
		if !ok {
			return nil, vocabError(name, line, "unknown kind %q (want product, medicine, effect or topic)", f[0])
		}
		canon := strings.TrimSpace(f[1])
		if canon == "" {
			return nil, vocabError(name, line, "empty canonical name")
		}
		n := 0
		for term := range strings.SplitSeq(f[2], "|") {
			words := strings.Fields(Normalize(term))
			if len(words) == 0 {
				continue
			}
			out = append(out, &entry{words: words, kind: k, label: canon})
			n++
		}
		if n == 0 {
			return nil, vocabError(name, line, "no terms for %q", canon)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("vocabulary %s: line %d: %w", name, line+1, err)
	}
	return out, nil
}

func vocabError(name string, line int, format string, args ...any) error {
	return bot.Errorf(bot.EINVALID, "vocabulary %s:%d: %s", name, line, fmt.Sprintf(format, args...))
}

// loadVocabFile parses a brand vocabulary file from disk.
func loadVocabFile(path string) ([]*entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("vocabulary %s: %w", path, err)
	}
	return parseVocab(path, bytes.NewReader(b))
}
