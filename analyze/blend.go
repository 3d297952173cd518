package analyze

import (
	"engagebot/bot"
)

// Blend says when the learned model decides the sentiment instead of the
// lexicon. The model knows the brand's own register (its products, its
// slang, the comments that carry no word a lexicon knows); the lexicon
// knows negation, contrast and the health rules. So the model decides where
// it is confident, and, with a lower bar, where the lexicon found no cue at
// all. The rules keep the last word on safety whatever the model says: a
// side effect, a special situation, self-harm or a legal threat is found by
// the rules alone and keeps the message negative (riskSentiment runs after
// the blend), and no signal or flag depends on the model.
type Blend struct {
	// Confident is the probability above which the model's label wins
	// over the lexicon's.
	Confident float64
	// NoCue is the probability above which the model's label is taken for
	// a message in which the lexicon found no sentiment word.
	NoCue float64
}

// DefaultBlend are the thresholds chosen by cross-validation in domain (a
// model trained on four fifths of the Instagram training split, measured on
// the fifth it did not see; README.md). A model reads the lexicon's reading
// among its features, so in its own domain it does better deciding every
// message than deferring to the lexicon when unsure: a model of two labels
// decides always, one of three where it gives a label 0.5 or more. They are
// meant for a model trained on the brand's own messages, which is the
// traffic it then reads. Out of domain a model is often confidently wrong,
// and no threshold, nor a bound on the share of unseen words, kept the
// lexicon's figures there without losing most of the model's gain in
// domain (README.md); WithBlend sets others.
var DefaultBlend = Blend{Confident: 0.5, NoCue: 0.5}

// decide blends the model's prediction for the normalised text n with the
// lexicon's sentiment s; cue says the lexicon found a sentiment word.
func (b Blend) decide(m *Model, n string, s bot.Sentiment, cue bool) bot.Sentiment {
	var p [maxLabels]float64
	best := m.predictNorm(n, reading{s, cue}, &p)
	conf := p[best]
	if conf < b.Confident && (cue || conf < b.NoCue) {
		return s
	}
	label := m.hdr.Labels[best]
	if label == s.Label {
		return s // the lexicon's score says how strongly
	}
	switch label {
	case bot.SentimentPositive:
		return bot.Sentiment{Label: label, Score: round4(conf)}
	case bot.SentimentNegative:
		return bot.Sentiment{Label: label, Score: -round4(conf)}
	}
	return bot.Sentiment{Label: label, Score: 0}
}

func round4(x float64) float64 { return float64(int(x*10000+0.5)) / 10000 }
