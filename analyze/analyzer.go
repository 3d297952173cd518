package analyze

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"engagebot/bot"
)

// Analyzer understands follower messages in Persian and English: language,
// sentiment, intent, brand products and risk signals. It is built once by
// New, is read-only afterwards and so is safe for concurrent use, and it
// never reaches the network.
type Analyzer struct {
	ix        index                // Persian lexicon, cues and vocabulary
	en        map[string]float64   // English valences: VADER plus ours
	emoji     map[string]float64   // emoji valences
	emoticons map[string]bool      // emoticons written with punctuation (":)")
	negVerbs  map[string]bool      // Persian negative verb forms
	words     map[string]*wordInfo // see words.go

	products []Product // the catalogue, sorted by Canonical
	// live is the vocabulary with the content catalogue's products
	// (SetCatalogue); ix and products stay as built.
	live liveRef

	vocabPaths []string
	logger     *slog.Logger
	bufs       sync.Pool // *scratch

	// model is the learned sentiment model, nil for none. It is swapped
	// whole (SetModel), so an analysis sees one model from start to end.
	model atomic.Pointer[Model]
	blend Blend
}

// Interface guard.
var _ bot.Analyzer = (*Analyzer)(nil)

// Option configures an Analyzer.
type Option func(*Analyzer) error

// WithVocabulary loads a brand vocabulary file (format: data/vocab.tsv)
// that extends the embedded default: new products, misspellings, effects
// and topics take effect without a rebuild.
func WithVocabulary(path string) Option {
	return func(a *Analyzer) error {
		a.vocabPaths = append(a.vocabPaths, path)
		return nil
	}
}

// WithLogger sets the logger; the default discards. Message text is never
// logged.
func WithLogger(l *slog.Logger) Option {
	return func(a *Analyzer) error {
		if l != nil {
			a.logger = l
		}
		return nil
	}
}

// WithModel sets the learned sentiment model (see Model and Blend).
func WithModel(m *Model) Option {
	return func(a *Analyzer) error {
		a.model.Store(m)
		return nil
	}
}

// WithModelFile loads a model file (see LoadModel).
func WithModelFile(path string) Option {
	return func(a *Analyzer) error {
		m, err := LoadModel(path)
		if err != nil {
			return err
		}
		a.model.Store(m)
		a.logger.Info("analyze: model loaded", "path", path, "labels", m.hdr.Labels, "examples", m.hdr.Info.Examples)
		return nil
	}
}

// WithBlend sets how the model and the lexicon share the sentiment.
func WithBlend(b Blend) Option {
	return func(a *Analyzer) error {
		if b.Confident <= 0 || b.Confident > 1 || b.NoCue < 0 || b.NoCue > 1 {
			return bot.Errorf(bot.EINVALID, "analyze: blend thresholds must lie in (0, 1], got %v and %v", b.Confident, b.NoCue)
		}
		a.blend = b
		return nil
	}
}

// SetModel swaps the learned model atomically and returns the one it
// replaces (nil for none), so that a caller can roll back by setting that
// one again. nil turns the model off. Analyses in flight finish with the
// model they started with.
func (a *Analyzer) SetModel(m *Model) *Model { return a.model.Swap(m) }

// Model is the learned model in use, nil for none.
func (a *Analyzer) Model() *Model { return a.model.Load() }

// New builds an Analyzer from the embedded lexicons and vocabulary plus any
// vocabulary files given by options.
func New(opts ...Option) (*Analyzer, error) {
	if errBuiltin != nil {
		return nil, errBuiltin
	}
	a := &Analyzer{
		ix:        index{},
		emoji:     map[string]float64{},
		emoticons: map[string]bool{},
		negVerbs:  buildNegVerbs(),
		logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		blend:     DefaultBlend,
	}
	for _, o := range opts {
		if err := o(a); err != nil {
			return nil, err
		}
	}
	var err error
	if a.en, err = vaderLexicon(); err != nil {
		return nil, err
	}
	ens, err := parseLexicon("analyze/data/lexicon_en.tsv", enLexicon)
	if err != nil {
		return nil, err
	}
	for _, e := range ens {
		key := e.words[0]
		if len(e.words) > 1 {
			a.ix.add(e) // phrases ("side effects") live in the index
			continue
		}
		if _, ok := a.en[key]; !ok {
			a.en[key] = e.score
		}
	}
	for w := range a.en {
		// Emoticons are the lexicon's entries written with punctuation:
		// ":)", "<3", "o_o", ":d". Words with an apostrophe are words.
		if hasASCIIPunct(w) && !strings.ContainsRune(w, '\'') {
			a.emoticons[w] = true
		}
	}

	fas, err := parseLexicon("analyze/data/lexicon_fa.tsv", faLexicon)
	if err != nil {
		return nil, err
	}
	for _, e := range fas {
		if len(e.words) == 1 {
			if r := []rune(e.words[0]); len(r) == 1 && isEmoji(r[0]) {
				a.emoji[e.words[0]] = e.score
				continue
			}
		}
		a.ix.add(e)
	}

	if err := vaderEmoji(a.en, a.emoji); err != nil {
		return nil, err
	}
	// In the order of the cues and of the file, so that the first cue found
	// at a word is the same on every run.
	for c := range cue(numCues) {
		for _, t := range builtin.terms[cueNames[c]] {
			a.ix.add(&entry{words: t.words, kind: kCue, cue: c})
		}
	}

	voc, err := parseVocab("data/vocab.tsv (embedded)", bytes.NewReader(defaultVocab))
	if err != nil {
		return nil, err
	}
	for _, p := range a.vocabPaths {
		more, err := loadVocabFile(p)
		if err != nil {
			return nil, err
		}
		voc = append(voc, more...)
		a.logger.Info("analyze: vocabulary loaded", "path", p, "terms", len(more))
	}
	for _, e := range voc {
		a.ix.add(e)
	}
	a.products = buildProducts(voc)
	a.buildWords()
	a.bufs.New = func() any { return new(scratch) }
	return a, nil
}

// splitWords tokenizes a normalised term the way messages are tokenized, so
// that "t.me" or "don't" index as the words a message will contain.
func splitWords(n string) []string {
	toks, _ := tokenize(n, nil, nil)
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, t.s)
	}
	return out
}

// scratch holds per-call buffers, reused through a sync.Pool so that the
// hot path allocates little.
type scratch struct {
	toks   []token
	ms     []match
	pieces []sentPiece
	mute   []bool
}

// Analyze implements bot.Analyzer.
func (a *Analyzer) Analyze(ctx context.Context, text, langHint string) (bot.Analysis, error) {
	if err := ctx.Err(); err != nil {
		return bot.Analysis{}, err
	}
	sc := a.bufs.Get().(*scratch)
	defer a.bufs.Put(sc)

	n := normalize(text)
	toks, pu := tokenize(n, a.emoticons, sc.toks)
	sc.toks = toks
	for i := range toks {
		toks[i].info = a.tokInfo(toks[i].s)
	}
	ms := a.index().scan(toks, sc.ms[:0])
	sc.ms = ms

	var res bot.Analysis
	res.Normalized = lowerIfNeeded(n)
	res.Lang = a.detectLang(toks, langHint)
	f := a.facts(toks, ms)
	f.norm = res.Normalized
	sc.mute = f.muted(toks, sc.mute)
	res.Sentiment, sc.pieces = a.sentiment(toks, ms, pu, sc.mute, sc.pieces)
	lexicon := res.Sentiment
	if m := a.model.Load(); m != nil {
		res.Sentiment = a.blend.decide(m, res.Normalized, res.Sentiment, len(sc.pieces) > 0)
	}
	res.Products = f.products
	res.Topics = f.topics
	res.Signals = a.signals(toks, ms, &f)
	res.Sentiment = riskSentiment(res.Sentiment, res.Signals)
	// The intent is read with the lexicon's sentiment unless the model
	// found the message negative: the model may bring a complaint in the
	// brand's own slang to light, but never turn one ("thanks, but not
	// satisfied at all") into thanks, which would drop its flag.
	byRules := res
	if res.Sentiment.Label != bot.SentimentNegative {
		byRules.Sentiment = riskSentiment(lexicon, res.Signals)
	}
	res.Intent = a.intent(toks, &f, byRules)
	return res, nil
}

func lowerIfNeeded(n string) string {
	if hasUpper(n) {
		return strings.ToLower(n)
	}
	return n
}
