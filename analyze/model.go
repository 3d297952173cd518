package analyze

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"unicode"
	"unicode/utf8"

	"engagebot/bot"
)

// Model is a learned sentiment classifier: a linear softmax over hashed
// features of the normalised text (word unigrams and bigrams, and the
// character n-grams of each word, as fastText reads a text) and, in a model
// of format 2, the lexicon's reading of it (its label, its score in steps
// of 0.25 and whether it found a sentiment word), trained with SGD. It learns the register of a brand's own followers from the labels
// its moderators give; the lexicon and the rules stay beside it (see
// Analyzer.blend).
//
// A Model is read-only once built and safe for concurrent use.
type Model struct {
	hdr  modelHeader
	bias []float32 // per label
	// w holds len(Labels) weights per bucket; buckets no example touched
	// stay zero and are not written to the file.
	w []float32
}

// ModelInfo describes how a model was trained, for the dashboard and the
// CLI. It is stored in the model file.
type ModelInfo struct {
	Examples int            `json:"examples"`
	Counts   map[string]int `json:"counts"` // examples per label
	Epochs   int            `json:"epochs"`
	Seed     uint64         `json:"seed"`
	// CV is the k-fold cross-validated report, when the trainer ran one.
	CV *Report `json:"cv,omitempty"`
}

type modelHeader struct {
	Labels  []string `json:"labels"`
	Buckets int      `json:"buckets"`
	MinN    int      `json:"minn"` // character n-grams of each word, from MinN
	MaxN    int      `json:"maxn"` // to MaxN runes, with < and > at its ends
	Words   int      `json:"word_ngrams"`
	// Lexicon is how many times the lexicon's reading of a text enters its
	// features (0: not at all, as in a model of format 1).
	Lexicon int       `json:"lexicon,omitempty"`
	Info    ModelInfo `json:"info"`
	// NonZero is how many buckets the file lists.
	NonZero int `json:"nonzero"`
}

// Labels are the labels the model predicts, in its order.
func (m *Model) Labels() []string { return slices.Clone(m.hdr.Labels) }

// Info says how the model was trained.
func (m *Model) Info() ModelInfo { return m.hdr.Info }

// maxLabels bounds the labels a model may have, so that prediction keeps
// its scores on the stack.
const maxLabels = 8

// Predict gives the probability of each label (in Labels order) for a
// text, and the index of the most probable. A model that reads the lexicon
// reads it with the embedded lexicons (those of New without options).
func (m *Model) Predict(text string) ([]float64, int) {
	var p [maxLabels]float64
	var lx reading
	n := lowerIfNeeded(normalize(text))
	if m.hdr.Lexicon > 0 {
		lx = builtinReading(text)
	}
	best := m.predictNorm(n, lx, &p)
	return slices.Clone(p[:len(m.hdr.Labels)]), best
}

// reading is the lexicon's reading of a text, a feature of the model: the
// sentiment it gives before the safety rules, and whether it found a
// sentiment word.
type reading struct {
	s   bot.Sentiment
	cue bool
}

// predictNorm scores a normalised, lower-cased text, whose lexicon reading
// is lx, into p and returns the best label. It allocates nothing for a
// message of usual length.
func (m *Model) predictNorm(n string, lx reading, p *[maxLabels]float64) int {
	c := len(m.hdr.Labels)
	var buf [1024]uint32
	fs := m.hdr.appendFeatures(buf[:0], n)
	fs = m.hdr.appendLexicon(fs, lx)
	var sum [maxLabels]float32
	w := m.w
	switch c {
	case 2:
		for _, h := range fs {
			i := int(h) * 2
			sum[0] += w[i]
			sum[1] += w[i+1]
		}
	case 3:
		for _, h := range fs {
			i := int(h) * 3
			sum[0] += w[i]
			sum[1] += w[i+1]
			sum[2] += w[i+2]
		}
	default:
		for _, h := range fs {
			row := w[int(h)*c : int(h)*c+c]
			for j := range c {
				sum[j] += row[j]
			}
		}
	}
	inv := float32(1)
	if len(fs) > 0 {
		inv = 1 / float32(len(fs))
	}
	for j := range c {
		p[j] = float64(m.bias[j] + sum[j]*inv)
	}
	return softmax(p[:c])
}

// softmax turns scores into probabilities in place and returns the argmax.
func softmax(p []float64) int {
	best := 0
	for j := range p {
		if p[j] > p[best] {
			best = j
		}
	}
	mx, z := p[best], 0.0
	for j := range p {
		p[j] = math.Exp(p[j] - mx)
		z += p[j]
	}
	for j := range p {
		p[j] /= z
	}
	return best
}

// Feature hashing: FNV-1a over the runes, with a different seed for each
// kind of feature so that the word "خوب" and the n-gram "خوب" differ.
const (
	fnvPrime  = 16777619
	seedWord  = 2166136261
	seedBigr  = 0x9e3779b9
	seedChars = 0x85ebca6b
	seedLex   = 0x27d4eb2f
)

// appendLexicon appends the lexicon's reading as h.Lexicon copies of three
// features: its label, its score rounded to a quarter, and whether it found
// a sentiment word. The copies give the reading the weight of that many
// words beside the text's n-grams, which are averaged with it.
func (h *modelHeader) appendLexicon(buf []uint32, lx reading) []uint32 {
	if h.Lexicon <= 0 {
		return buf
	}
	b := uint32(h.Buckets - 1)
	label := rune(slices.Index(labelOrder, lx.s.Label) + 1) // 0 for none
	bin := rune(16 + math.Round(lx.s.Score*4))              // 12 to 20
	cue := rune(32)
	if lx.cue {
		cue++
	}
	f := [3]uint32{mix(seedLex, label) & b, mix(seedLex, bin) & b, mix(seedLex, cue) & b}
	for range h.Lexicon {
		buf = append(buf, f[:]...)
	}
	return buf
}

func mix(h uint32, r rune) uint32 {
	h ^= uint32(r)
	h *= fnvPrime
	return h
}

// appendFeatures appends the bucket of every feature of a normalised text
// to buf: each word, each pair of words, and the character n-grams of each
// word. A symbol (an emoji) is a word of its own.
func (h *modelHeader) appendFeatures(buf []uint32, n string) []uint32 {
	b := uint32(h.Buckets - 1) // a power of two: the mask is the modulo
	var prev uint32
	havePrev := false
	word := func(w uint32) {
		buf = append(buf, w&b)
		if havePrev && h.Words > 1 {
			buf = append(buf, mix(prev^seedBigr, rune(w))&b)
		}
		prev, havePrev = w, true
	}
	var rs [64]rune // "<word>", for the character n-grams
	for i := 0; i < len(n); {
		r, size := rune(n[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(n[i:])
		}
		if !isFeatureRune(r) {
			i += size
			if r != '\u200c' && r != ' ' && !unicode.IsSpace(r) && !unicode.IsPunct(r) {
				word(mix(seedWord, r))
			}
			continue
		}
		w := uint32(seedWord)
		k := 0
		rs[k] = '<'
		k++
		for i < len(n) {
			r, size := rune(n[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(n[i:])
			}
			if !isFeatureRune(r) {
				break
			}
			w = mix(w, r)
			if k < len(rs)-1 { // a very long "word" is a link or noise: its start will do
				rs[k] = r
				k++
			}
			i += size
		}
		rs[k] = '>'
		k++
		word(w)
		if h.MaxN > 0 {
			for s := 0; s < k; s++ {
				g := uint32(seedChars)
				for j := 0; j < h.MaxN && s+j < k; j++ {
					g = mix(g, rs[s+j])
					if j+1 >= h.MinN && !(j == 0 && (rs[s] == '<' || rs[s] == '>')) {
						buf = append(buf, g&b)
					}
				}
			}
		}
	}
	return buf
}

func isFeatureRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || r == '\''
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || unicode.Is(unicode.Mn, r)
}

// The model file: a magic, a format version (2; 1 is a model without the
// lexicon's reading, read as one with Lexicon 0), a JSON header, the biases, the
// non-zero buckets (index and weights, in increasing order), and a SHA-256
// of everything before it. Numbers are little-endian.
const (
	modelMagic   = "EBSM"
	modelVersion = 2
	// maxModelFile bounds what LoadModel reads: a model is a few MB.
	maxModelFile = 64 << 20
	maxBuckets   = 1 << 24
	maxLexicon   = 16
)

// ErrModelFormat is wrapped by every error about a model file that is not
// one this version can read; ErrModel by every error of LoadModel, also a
// file that cannot be opened.
var (
	ErrModelFormat = errors.New("not a valid model file")
	ErrModel       = errors.New("model")
)

// WriteTo writes the model in its file format.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	c := len(m.hdr.Labels)
	hdr := m.hdr
	hdr.NonZero = 0
	for b := 0; b < hdr.Buckets; b++ {
		if !allZero(m.w[b*c : b*c+c]) {
			hdr.NonZero++
		}
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return 0, fmt.Errorf("model header: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(modelMagic)
	binary.Write(&buf, binary.LittleEndian, uint16(modelVersion))
	binary.Write(&buf, binary.LittleEndian, uint32(len(js)))
	buf.Write(js)
	binary.Write(&buf, binary.LittleEndian, m.bias)
	for b := 0; b < hdr.Buckets; b++ {
		row := m.w[b*c : b*c+c]
		if allZero(row) {
			continue
		}
		binary.Write(&buf, binary.LittleEndian, uint32(b))
		binary.Write(&buf, binary.LittleEndian, row)
	}
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	n, err := w.Write(buf.Bytes())
	return int64(n), err
}

func allZero(row []float32) bool {
	for _, v := range row {
		if v != 0 {
			return false
		}
	}
	return true
}

// Save writes the model to path, through a temporary file renamed into
// place, so that a reader never sees half a model.
func (m *Model) Save(path string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	bw := bufio.NewWriter(f)
	if _, err := m.WriteTo(bw); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("save model %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("save model %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save model %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	return nil
}

// LoadModel reads a model file. Every error names the file; a file that is
// not a model, of another version, cut short or changed after it was
// written wraps ErrModelFormat.
func LoadModel(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &modelError{path, err}
	}
	defer f.Close()
	m, err := ReadModel(f)
	if err != nil {
		return nil, &modelError{path, err}
	}
	return m, nil
}

// modelError names the model file; it is ErrModel and its cause.
type modelError struct {
	path string
	err  error
}

func (e *modelError) Error() string { return "model " + e.path + ": " + e.err.Error() }

func (e *modelError) Unwrap() []error { return []error{ErrModel, e.err} }

// ReadModel reads a model in its file format.
func ReadModel(r io.Reader) (*Model, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxModelFile+1))
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrModelFormat, fmt.Sprintf(format, args...))
	}
	switch {
	case len(b) > maxModelFile:
		return nil, bad("larger than %d MB", maxModelFile>>20)
	case len(b) < len(modelMagic)+2+4+sha256.Size || string(b[:4]) != modelMagic:
		return nil, bad("no model header")
	}
	v := binary.LittleEndian.Uint16(b[4:])
	if v < 1 || v > modelVersion {
		return nil, bad("format version %d, this build reads versions 1 to %d", v, modelVersion)
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, bad("checksum mismatch (the file is damaged or cut short)")
	}
	hl := int(binary.LittleEndian.Uint32(b[6:]))
	rest := body[10:]
	if hl > len(rest) {
		return nil, bad("header longer than the file")
	}
	var hdr modelHeader
	if err := json.Unmarshal(rest[:hl], &hdr); err != nil {
		return nil, bad("header: %v", err)
	}
	rest = rest[hl:]
	c := len(hdr.Labels)
	switch {
	case c < 2 || c > maxLabels:
		return nil, bad("%d labels (2 to %d)", c, maxLabels)
	case hdr.Buckets < 2 || hdr.Buckets > maxBuckets || hdr.Buckets&(hdr.Buckets-1) != 0:
		return nil, bad("%d buckets, want a power of two up to %d", hdr.Buckets, maxBuckets)
	case hdr.MinN < 0 || hdr.MaxN < hdr.MinN || hdr.MaxN > 8 || hdr.Words < 1 || hdr.Words > 2:
		return nil, bad("n-gram sizes %d-%d, word n-grams %d", hdr.MinN, hdr.MaxN, hdr.Words)
	case hdr.Lexicon < 0 || hdr.Lexicon > maxLexicon || v == 1 && hdr.Lexicon != 0:
		return nil, bad("lexicon weight %d (0 to %d, 0 in version 1)", hdr.Lexicon, maxLexicon)
	case hdr.NonZero < 0 || hdr.NonZero > hdr.Buckets:
		return nil, bad("%d non-zero buckets of %d", hdr.NonZero, hdr.Buckets)
	}
	for i, l := range hdr.Labels {
		if !validLabel(l) || slices.Index(hdr.Labels, l) != i {
			return nil, bad("label %q", l)
		}
	}
	want := 4*c + hdr.NonZero*(4+4*c)
	if len(rest) != want {
		return nil, bad("%d bytes of weights, want %d", len(rest), want)
	}
	m := &Model{hdr: hdr, bias: make([]float32, c), w: make([]float32, hdr.Buckets*c)}
	f32 := func(p []byte) (float32, error) {
		v := math.Float32frombits(binary.LittleEndian.Uint32(p))
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return 0, bad("a weight is not a finite number")
		}
		return v, nil
	}
	for j := range c {
		if m.bias[j], err = f32(rest[4*j:]); err != nil {
			return nil, err
		}
	}
	rest = rest[4*c:]
	last := -1
	for k := 0; k < hdr.NonZero; k++ {
		bk := int(binary.LittleEndian.Uint32(rest))
		if bk <= last || bk >= hdr.Buckets {
			return nil, bad("bucket %d out of order or range", bk)
		}
		last = bk
		for j := range c {
			if m.w[bk*c+j], err = f32(rest[4+4*j:]); err != nil {
				return nil, err
			}
		}
		rest = rest[4+4*c:]
	}
	return m, nil
}

// validLabel reports a sentiment label the analyzer reports.
func validLabel(l string) bool {
	return l == bot.SentimentPositive || l == bot.SentimentNegative || l == bot.SentimentNeutral
}
