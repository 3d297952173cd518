package analyze

import (
	"strings"
	"testing"
)

// TestListParse: every mistake in a list file is an error that names the
// file and the line; a good file loads its terms normalised and in order.
func TestListParse(t *testing.T) {
	specs := map[string]listSpec{
		"legal_threat": {file: "data/cues.tsv", kind: lPhrases},
		"price":        {file: "data/cues.tsv", kind: lPhrases},
		"strong_price": {file: "data/cues.tsv", kind: lPhrases, within: "price"},
		"negator":      {file: "data/words.tsv", kind: lWords},
		"booster":      {file: "data/words.tsv", kind: lScalars},
	}
	for i, tc := range []struct {
		name, file, text string
		wantErr          string // "" for none
	}{
		{"good phrases", "data/cues.tsv", "# legal\nlegal_threat\tشکایت می‌کنم\n\nlegal_threat\tsue\n", ""},
		{"duplicate", "data/cues.tsv", "legal_threat\tsue\n# x\nlegal_threat\tSUE\n",
			`analyze/data/cues.tsv:3: "SUE" listed twice in legal_threat (first at line 1)`},
		{"duplicate after normalising", "data/cues.tsv", "legal_threat\tشکایت می‌کنم\nlegal_threat\tشکایت میکنم\n",
			`analyze/data/cues.tsv:2: "شکایت میکنم" listed twice in legal_threat (first at line 1)`},
		{"same term in two lists", "data/cues.tsv", "legal_threat\tcourt\nprice\tcourt\n", ""},
		{"conflicting value", "data/words.tsv", "booster\tvery\t0.293\nbooster\tvery\t0.1\n",
			`analyze/data/words.tsv:2: "very" listed twice in booster with different values (0.293 at line 1, 0.1 here)`},
		{"same value twice", "data/words.tsv", "booster\tvery\t0.293\nbooster\tvery\t0.293\n",
			`analyze/data/words.tsv:2: "very" listed twice in booster (first at line 1)`},
		{"one field", "data/cues.tsv", "legal_threat\tsue\nlegal_threat sue\n",
			"analyze/data/cues.tsv:2: want list<TAB>term or list<TAB>term<TAB>value, got 1 fields"},
		{"four fields", "data/words.tsv", "booster\tvery\t0.2\tx\n",
			"analyze/data/words.tsv:1: want list<TAB>term or list<TAB>term<TAB>value, got 4 fields"},
		{"empty term", "data/cues.tsv", "legal_threat\t\u200c\n", "analyze/data/cues.tsv:1: empty term in legal_threat"},
		{"unknown list", "data/cues.tsv", "\nlegal_thraet\tsue\n",
			`analyze/data/cues.tsv:2: unknown list "legal_thraet" (this file holds legal_threat, price, strong_price)`},
		{"list of another file", "data/cues.tsv", "negator\tnot\n",
			`analyze/data/cues.tsv:1: unknown list "negator" (this file holds legal_threat, price, strong_price)`},
		{"phrase in a word list", "data/words.tsv", "negator\tnot\nnegator\tno way\n",
			`analyze/data/words.tsv:2: "no way" in negator is not one word: a message is split into ["no" "way"], so it never matches`},
		{"punctuation in a word list", "data/words.tsv", "negator\tmishe?\n",
			`analyze/data/words.tsv:1: "mishe?" in negator is not one word: a message is split into ["mishe"], so it never matches`},
		{"value missing", "data/words.tsv", "booster\tvery\n", "analyze/data/words.tsv:1: booster wants a number after the term"},
		{"value not a number", "data/words.tsv", "booster\tvery\tlots\n",
			`analyze/data/words.tsv:1: value "lots" of "very" is not a number in [-4, 4]`},
		{"value out of range", "data/words.tsv", "booster\tvery\t5\n",
			`analyze/data/words.tsv:1: value "5" of "very" is not a number in [-4, 4]`},
		{"value where none is taken", "data/words.tsv", "negator\tnot\t1\n",
			"analyze/data/words.tsv:1: negator takes no value after the term"},
		{"refining term of its list", "data/cues.tsv", "price\tقیمت\nstrong_price\tقيمت\n", ""},
		{"refining term not in its list", "data/cues.tsv", "price\tقیمت\nstrong_price\tقیمت\nstrong_price\tموجوده\n",
			`analyze/data/cues.tsv:3: "موجوده" in strong_price is not a term of price, so it never matches`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &wordLists{terms: map[string][]listTerm{}}
			err := l.parse("analyze/"+tc.file, []byte(tc.text), specs)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("%d: unexpected error %v", i, err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("%d: no error, want %q", i, tc.wantErr)
			case tc.wantErr != "" && err.Error() != tc.wantErr:
				t.Fatalf("%d: error\n got %q\nwant %q", i, err, tc.wantErr)
			}
		})
	}
}

func TestListParseKeepsOrderAndNormalises(t *testing.T) {
	specs := map[string]listSpec{"legal_threat": {file: "data/cues.tsv"}, "booster": {file: "data/cues.tsv", kind: lScalars}}
	l := &wordLists{terms: map[string][]listTerm{}}
	text := "legal_threat\tشكايت مي‌كنم\nlegal_threat\tMy Lawyer\nbooster\tخيلي\t0.293\nbooster\tكمي\t-0.293\n"
	if err := l.parse("analyze/data/cues.tsv", []byte(text), specs); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(l.keys("legal_threat"), "|"), "شکایت میکنم|my lawyer"; got != want {
		t.Errorf("keys %q, want %q", got, want)
	}
	if got := l.terms["legal_threat"][1].words; len(got) != 2 || got[1] != "lawyer" {
		t.Errorf("words %q, want [my lawyer]", got)
	}
	b := l.scalars("booster")
	if b["خیلی"] != 0.293 || b["کمی"] != -0.293 || len(b) != 2 {
		t.Errorf("scalars %v", b)
	}
}

// TestBuiltinLists: the embedded files load, and every list the code reads
// has terms.
func TestBuiltinLists(t *testing.T) {
	if errBuiltin != nil {
		t.Fatal(errBuiltin)
	}
	for n := range listSpecs {
		if len(builtin.terms[n]) == 0 {
			t.Errorf("list %s is empty", n)
		}
	}
	for _, w := range []string{"sue", "شکایت میکنم", "وکیل"} {
		if !builtin.set("legal_threat")[w] {
			t.Errorf("legal_threat lacks %q", w)
		}
	}
}

// TestParseLexicon: a term listed twice, with the same score or another, and
// a malformed line are errors that name the file and the line.
func TestParseLexicon(t *testing.T) {
	const name = "analyze/data/lexicon_fa.tsv"
	for i, tc := range []struct {
		name, text string
		wantErr    string // "" for none
		wantN      int
	}{
		{"good", "# c\nخوب\t1.9\nخوب\t1.9\tv\nدرد\t-1\ts\n", "", 3},
		{"duplicate", "خوب\t1.9\n\nخوب\t1.9\n", name + `:3: "خوب" listed twice (first at line 1)`, 0},
		{"duplicate after normalising", "بی‌ادب\t-2.8\nبی ادب\t-2.8\n", name + `:2: "بی ادب" listed twice (first at line 1)`, 0},
		{"conflicting score", "# x\nاحترام\t1.5\nاحترام\t0.6\n",
			name + `:3: "احترام" listed twice with different scores (1.5 at line 2, 0.6 here)`, 0},
		{"conflicting marker", "مریضی\t-2\ts\nمریضی\t-2\n",
			name + `:2: "مریضی" listed twice with different scores (-2 s at line 1, -2 here)`, 0},
		{"malformed line", "خوب\t1.9\nبد -2\n", name + ":2: want term<TAB>valence", 0},
		{"valence not a number", "خوب\tخیلی\n", name + `:1: valence "خیلی" is not a number in [-4, 4]`, 0},
		{"valence out of range", "خوب\t9\n", name + `:1: valence "9" is not a number in [-4, 4]`, 0},
		{"unknown marker", "خوب\t1.9\tx\n", name + `:1: unknown marker "x" (want v or s)`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es, err := parseLexicon(name, []byte(tc.text))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("%d: unexpected error %v", i, err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("%d: no error, want %q", i, tc.wantErr)
			case tc.wantErr != "" && err.Error() != tc.wantErr:
				t.Fatalf("%d: error\n got %q\nwant %q", i, err, tc.wantErr)
			case len(es) != tc.wantN:
				t.Fatalf("%d: %d entries, want %d", i, len(es), tc.wantN)
			}
		})
	}
}

// TestEmbeddedLexicons: the shipped lexicons have no term twice.
func TestEmbeddedLexicons(t *testing.T) {
	for _, l := range []struct {
		name string
		b    []byte
	}{{"analyze/data/lexicon_fa.tsv", faLexicon}, {"analyze/data/lexicon_en.tsv", enLexicon}} {
		if _, err := parseLexicon(l.name, l.b); err != nil {
			t.Error(err)
		}
	}
}

// BenchmarkLoadBuiltin is the one-time cost of parsing the embedded list
// files, paid once when the package is loaded.
func BenchmarkLoadBuiltin(b *testing.B) {
	for b.Loop() {
		if _, err := loadBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
}
