package analyze

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"engagebot/bot"
)

// Example is one labelled text to learn from: a moderator's correction, or
// a row of an imported file.
type Example struct {
	Text  string
	Label string // pos, neg or neu
}

// TrainOptions tune Train. The zero value gives the defaults below.
type TrainOptions struct {
	Epochs  int     // passes over the examples (default 20000/examples, from 5 to 25)
	Rate    float64 // starting learning rate, falling linearly to 0 (default 0.2)
	Buckets int     // hash buckets, rounded up to a power of two (default 1<<18); the file holds only those used
	MinN    int     // shortest character n-gram (default 2)
	MaxN    int     // longest character n-gram (default 4)
	NoChars bool    // words only, no character n-grams
	// Lexicon is how many copies of the lexicon's reading of a text join
	// its features (default 2, chosen by cross-validation on the Instagram
	// split, README.md); below 0 leaves the lexicon out.
	Lexicon int
	Seed    uint64 // shuffling; the same seed and examples give the same model
}

func (o TrainOptions) withDefaults(n int) TrainOptions {
	if o.Epochs <= 0 {
		// A small set needs more passes to learn from, a large one fewer:
		// 20 for 1,000 examples, 5 from 4,000 on (measured on the Instagram
		// split, README.md).
		o.Epochs = min(max(20000/max(n, 1), 5), 25)
	}
	if o.Rate <= 0 {
		o.Rate = 0.2
	}
	if o.Buckets <= 0 {
		o.Buckets = 1 << 18
	}
	for o.Buckets&(o.Buckets-1) != 0 {
		o.Buckets += o.Buckets & -o.Buckets // up to the next power of two
	}
	if o.MinN <= 0 {
		o.MinN = 2
	}
	if o.MaxN <= 0 {
		o.MaxN = 4
	}
	if o.NoChars {
		o.MinN, o.MaxN = 0, 0
	}
	switch {
	case o.Lexicon == 0:
		o.Lexicon = 2
	case o.Lexicon < 0:
		o.Lexicon = 0
	}
	return o
}

// Train learns a model from examples with SGD on the softmax loss. It is
// deterministic: the same examples, options and seed give the same model,
// byte for byte. It uses one goroutine.
//
// The lexicon's reading of each text, a feature unless opts.Lexicon is
// below 0, is that of the embedded lexicons; Learn uses its analyzer's.
func Train(ctx context.Context, examples []Example, opts TrainOptions) (*Model, error) {
	texts, err := readTexts(nil, examples, opts)
	if err != nil {
		return nil, err
	}
	return train(ctx, examples, texts, opts)
}

// text is an example's normalised, lower-cased text and the lexicon's
// reading of it.
type text struct {
	n  string
	lx reading
}

// readTexts normalises the texts of the examples and, when the model is to
// read the lexicon, has lex read them (nil: the embedded lexicons).
func readTexts(lex *Analyzer, examples []Example, opts TrainOptions) ([]text, error) {
	if opts.withDefaults(len(examples)).Lexicon > 0 && lex == nil {
		var err error
		if lex, err = builtinLexicon(); err != nil {
			return nil, err
		}
	}
	out := make([]text, len(examples))
	for i, e := range examples {
		if lex != nil {
			out[i].n, out[i].lx = lex.read(e.Text)
		} else {
			out[i].n = lowerIfNeeded(normalize(e.Text))
		}
	}
	return out, nil
}

// train is Train with the texts read.
func train(ctx context.Context, examples []Example, texts []text, opts TrainOptions) (*Model, error) {
	opts = opts.withDefaults(len(examples))
	if opts.Buckets > maxBuckets {
		return nil, bot.Errorf(bot.EINVALID, "train: at most %d buckets", maxBuckets)
	}
	if opts.Lexicon > maxLexicon {
		return nil, bot.Errorf(bot.EINVALID, "train: at most %d copies of the lexicon's reading", maxLexicon)
	}
	labels, counts, err := labelSet(examples)
	if err != nil {
		return nil, err
	}
	c := len(labels)
	m := &Model{
		hdr: modelHeader{
			Labels: labels, Buckets: opts.Buckets, MinN: opts.MinN, MaxN: opts.MaxN, Words: 2, Lexicon: opts.Lexicon,
			Info: ModelInfo{Examples: len(examples), Counts: counts, Epochs: opts.Epochs, Seed: opts.Seed},
		},
		bias: make([]float32, c),
		w:    make([]float32, opts.Buckets*c),
	}
	// Features are hashed once; an epoch only looks them up.
	feats := make([][]uint32, len(examples))
	ys := make([]int, len(examples))
	for i, e := range examples {
		feats[i] = m.hdr.appendLexicon(m.hdr.appendFeatures(nil, texts[i].n), texts[i].lx)
		ys[i] = slices.Index(labels, e.Label)
	}
	if err := m.fit(ctx, feats, ys, opts); err != nil {
		return nil, err
	}
	return m, nil
}

// fit runs SGD over the hashed features of each example and its label's
// index, opts.Epochs passes in an order shuffled with opts.Seed.
func (m *Model) fit(ctx context.Context, feats [][]uint32, ys []int, opts TrainOptions) error {
	c := len(m.hdr.Labels)
	order := make([]int, len(feats))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x656e67616765))
	total := float64(opts.Epochs * len(feats))
	step := 0.0
	var p [maxLabels]float64
	for ep := 0; ep < opts.Epochs; ep++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			lr := opts.Rate * (1 - step/total)
			step++
			fs := feats[i]
			if len(fs) == 0 {
				continue
			}
			inv := 1 / float32(len(fs))
			var sum [maxLabels]float32
			for _, h := range fs {
				row := m.w[int(h)*c : int(h)*c+c]
				for j := range c {
					sum[j] += row[j]
				}
			}
			for j := range c {
				p[j] = float64(m.bias[j] + sum[j]*inv)
			}
			softmax(p[:c])
			// The gradient of the loss for the score of label j is p_j - y_j;
			// each feature took 1/n of the score.
			var g [maxLabels]float32
			for j := range c {
				y := 0.0
				if j == ys[i] {
					y = 1
				}
				g[j] = float32(lr * (p[j] - y))
				m.bias[j] -= g[j] * inv
			}
			for _, h := range fs {
				row := m.w[int(h)*c : int(h)*c+c]
				for j := range c {
					row[j] -= g[j]
				}
			}
		}
	}
	return nil
}

// labelSet checks the labels of the examples and returns them in the order
// pos, neg, neu, with their counts. A model needs two labels at least.
func labelSet(examples []Example) ([]string, map[string]int, error) {
	counts := map[string]int{}
	for i, e := range examples {
		if !validLabel(e.Label) {
			return nil, nil, bot.Errorf(bot.EINVALID, "train: example %d: label %q, want pos, neg or neu", i+1, e.Label)
		}
		counts[e.Label]++
	}
	var labels []string
	for _, l := range labelOrder {
		if counts[l] > 0 {
			labels = append(labels, l)
		}
	}
	if len(labels) < 2 {
		return nil, nil, bot.Errorf(bot.EINVALID, "train: the examples need two labels at least, got %v", labels)
	}
	return labels, counts, nil
}

// CrossValidate trains k models, each on all examples but one fold, and
// scores each on its fold: the figures say how the model does on messages
// it has not seen. Folds are drawn with the seed of opts.
func CrossValidate(ctx context.Context, examples []Example, k int, opts TrainOptions) (Report, error) {
	return crossValidate(ctx, nil, examples, k, opts)
}

// crossValidate is CrossValidate with the lexicon of lex (nil: the embedded
// lexicons).
func crossValidate(ctx context.Context, lex *Analyzer, examples []Example, k int, opts TrainOptions) (Report, error) {
	if k < 2 || k > len(examples) {
		return Report{}, bot.Errorf(bot.EINVALID, "cross-validation: %d folds for %d examples", k, len(examples))
	}
	texts, err := readTexts(lex, examples, opts)
	if err != nil {
		return Report{}, err
	}
	idx := make([]int, len(examples))
	for i := range idx {
		idx[i] = i
	}
	rand.New(rand.NewPCG(opts.Seed, 0x666f6c6473)).Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	r := Report{Confusion: map[string]map[string]int{}}
	for f := range k {
		var learn []Example
		var learnTexts []text
		var test []int
		for n, i := range idx {
			if n%k == f {
				test = append(test, i)
			} else {
				learn = append(learn, examples[i])
				learnTexts = append(learnTexts, texts[i])
			}
		}
		m, err := train(ctx, learn, learnTexts, opts)
		if err != nil {
			return Report{}, fmt.Errorf("fold %d: %w", f+1, err)
		}
		var p [maxLabels]float64
		for _, i := range test {
			e := examples[i]
			got := m.hdr.Labels[m.predictNorm(texts[i].n, texts[i].lx, &p)]
			if r.Confusion[e.Label] == nil {
				r.Confusion[e.Label] = map[string]int{}
			}
			r.Confusion[e.Label][got]++
			r.N++
		}
	}
	r.score()
	return r, nil
}

// ReadExamples reads a "text<TAB>label" file with a header line, as
// RunEval does; name is how errors name the file. Labels take the same
// spellings as in RunEval.
func ReadExamples(name string, in io.Reader) ([]Example, error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine+2)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return nil, bot.Errorf(bot.EINVALID, "%s: empty, want a text<TAB>label header", name)
	}
	header := strings.Split(strings.TrimPrefix(strings.TrimRight(sc.Text(), "\r"), "\uFEFF"), "\t")
	textCol, labelCol := -1, -1
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "text":
			textCol = i
		case "label":
			labelCol = i
		}
	}
	if textCol < 0 || labelCol < 0 {
		return nil, bot.Errorf(bot.EINVALID, "%s:1: header must have text and label columns, got %q", name, sc.Text())
	}
	var out []Example
	line := 1
	for sc.Scan() {
		line++
		raw := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(raw) == "" {
			continue
		}
		f := strings.Split(raw, "\t")
		if len(f) <= max(textCol, labelCol) {
			return nil, bot.Errorf(bot.EINVALID, "%s:%d: want %d TAB-separated fields, got %d", name, line, len(header), len(f))
		}
		gold, ok := goldLabels[strings.ToLower(strings.TrimSpace(f[labelCol]))]
		if !ok {
			return nil, bot.Errorf(bot.EINVALID, "%s:%d: unknown label %q (want pos/neg/neu)", name, line, f[labelCol])
		}
		out = append(out, Example{Text: f[textCol], Label: gold})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return out, nil
}

// Learn trains a model from labelled examples in memory (a moderator's
// corrections, an imported file), cross-validated with folds folds when
// folds is 2 or more (the figures go into Info().CV), and puts it in use at
// once. It returns the new model and the one it replaced, so that the
// caller can keep both and roll back with SetModel. On an error the model in
// use does not change.
func (a *Analyzer) Learn(ctx context.Context, examples []Example, folds int, opts TrainOptions) (learned, previous *Model, err error) {
	var cv *Report
	if folds >= 2 {
		r, err := crossValidate(ctx, a, examples, folds, opts)
		if err != nil {
			return nil, nil, err
		}
		cv = &r
	}
	texts, err := readTexts(a, examples, opts)
	if err != nil {
		return nil, nil, err
	}
	m, err := train(ctx, examples, texts, opts)
	if err != nil {
		return nil, nil, err
	}
	m.hdr.Info.CV = cv
	return m, a.SetModel(m), nil
}

// read gives the normalised, lower-cased text and the lexicon's reading of
// it: the steps of Analyze up to the sentiment, before the blend and the
// safety rules, so that the model learns from the reading it will be given.
func (a *Analyzer) read(t string) (string, reading) {
	sc := a.bufs.Get().(*scratch)
	defer a.bufs.Put(sc)
	n := normalize(t)
	toks, pu := tokenize(n, a.emoticons, sc.toks)
	sc.toks = toks
	for i := range toks {
		toks[i].info = a.tokInfo(toks[i].s)
	}
	ms := a.index().scan(toks, sc.ms[:0])
	sc.ms = ms
	f := a.facts(toks, ms)
	norm := lowerIfNeeded(n)
	f.norm = norm
	sc.mute = f.muted(toks, sc.mute)
	var lx reading
	lx.s, sc.pieces = a.sentiment(toks, ms, pu, sc.mute, sc.pieces)
	lx.cue = len(sc.pieces) > 0
	return norm, lx
}

// builtinLexicon is an analyzer of the embedded data, built once: the
// lexicon Train and Predict read texts with.
var builtinLexicon = sync.OnceValues(func() (*Analyzer, error) { return New() })

// builtinReading is the embedded lexicons' reading of a text.
func builtinReading(t string) reading {
	a, err := builtinLexicon()
	if err != nil {
		return reading{s: bot.Sentiment{Label: bot.SentimentNeutral}}
	}
	_, lx := a.read(t)
	return lx
}
