package bot

import "context"

// Languages the analyzer reports. Anything it cannot place is LangOther.
const (
	LangFa    = "fa"
	LangEn    = "en"
	LangOther = "other"
)

// Sentiment labels.
const (
	SentimentPositive = "pos"
	SentimentNegative = "neg"
	SentimentNeutral  = "neu"
)

// Intents the analyzer recognises. Renderers choose templates by intent, so
// a new intent needs templates in every language before it is emitted.
const (
	IntentGreeting        = "greeting"
	IntentThanks          = "thanks"
	IntentProductQuestion = "product_question"
	IntentPrice           = "price" // price or availability
	IntentWhereToBuy      = "where_to_buy"
	IntentComplaint       = "complaint"
	IntentPraise          = "praise"
	IntentHuman           = "human"          // asks for a person
	IntentMedicalAdvice   = "medical_advice" // dosage or medical-advice question
	IntentSideEffect      = "side_effect"    // reports a suspected adverse event
	IntentOptOut          = "opt_out"
	IntentOptIn           = "opt_in"
	IntentOther           = "other"
)

// Risk signal names.
const (
	SignalAdverseEvent = "adverse_event"
	SignalLegalThreat  = "legal_threat"
	SignalAbuse        = "abuse" // abuse or profanity
	SignalSelfHarm     = "self_harm"
	SignalSpam         = "spam" // spam or link
)

// Special situations (ICH E2D, GVP Module VI): reportable to drug safety
// even without an adverse reaction. Each is its own signal, flag reason and
// reply; Signal.Product names the product when the message does, and
// Signal.Effect says which kind ("wrong dose", "breastfeeding").
const (
	SignalOverdose         = "overdose"           // accidental or intentional
	SignalMedicationError  = "medication_error"   // wrong dose, medicine, person or route
	SignalMisuse           = "misuse"             // misuse or abuse of a medicine
	SignalOffLabel         = "off_label"          // used for what it is not approved for
	SignalLackOfEfficacy   = "lack_of_efficacy"   // "it did nothing for me"
	SignalPregnancy        = "pregnancy_exposure" // taken during pregnancy or breastfeeding
	SignalQualityComplaint = "quality_complaint"  // broken seal, odd colour, counterfeit: for the quality team
)

// SpecialSituations are the special-situation signals, most urgent first.
var SpecialSituations = []string{
	SignalOverdose, SignalPregnancy, SignalMedicationError, SignalMisuse,
	SignalQualityComplaint, SignalLackOfEfficacy, SignalOffLabel,
}

// Severity orders flags and signals; higher needs a person sooner.
type Severity int

const (
	SeverityNone Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"none", "low", "medium", "high", "critical"}

// String returns the lower-case name used in JSON, logs and the dashboard.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "unknown"
	}
	return severityNames[s]
}

// MarshalText encodes the severity by name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if n == string(b) {
			*s = Severity(i)
			return nil
		}
	}
	return Errorf(EINVALID, "unknown severity %q", b)
}

// Sentiment is a label and a score in [-1, 1].
type Sentiment struct {
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

// Signal is one risk signal found in a message.
type Signal struct {
	Name     string   `json:"name"`
	Severity Severity `json:"severity"`
	// Product and Effect are filled for adverse events when found: the
	// brand product named and the effect reported, as normalised terms.
	Product string `json:"product,omitempty"`
	Effect  string `json:"effect,omitempty"`
	// Evidence is the matched span of the normalised text, for reviewers.
	Evidence string `json:"evidence,omitempty"`
}

// Analysis is what the Analyzer understood of one message.
type Analysis struct {
	Lang       string    `json:"lang"`
	Normalized string    `json:"normalized,omitempty"`
	Sentiment  Sentiment `json:"sentiment"`
	Intent     string    `json:"intent"`
	Signals    []Signal  `json:"signals,omitempty"`
	// Products are brand products mentioned, by canonical name.
	Products []string `json:"products,omitempty"`
	// Topics are interest keywords (e.g. "skin", "vitamins") that feed the
	// follower's interests.
	Topics []string `json:"topics,omitempty"`
}

// Has reports whether the analysis carries the named signal.
func (a Analysis) Has(signal string) bool {
	for _, s := range a.Signals {
		if s.Name == signal {
			return true
		}
	}
	return false
}

// MaxSeverity is the highest severity among the signals.
func (a Analysis) MaxSeverity() Severity {
	var m Severity
	for _, s := range a.Signals {
		if s.Severity > m {
			m = s.Severity
		}
	}
	return m
}

// Analyzer understands one message. It must be safe for concurrent use and
// must not reach the network. langHint is the follower's known language
// ("" when unknown); it only breaks ties for very short texts.
type Analyzer interface {
	Analyze(ctx context.Context, text, langHint string) (Analysis, error)
}
