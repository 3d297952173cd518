// Package analyze understands follower messages in informal Persian and in
// English, offline: it implements bot.Analyzer with a lexicon and rules,
// and can learn the brand's own register from labelled messages (a model
// beside the lexicon, see Model).
//
// # Pipeline
//
// Analyze normalises the text (Normalize: Arabic/Persian letter forms, ZWNJ
// and its spellings, digits, stretched letters, diacritics), tokenizes it
// (emoji stand alone, punctuation ends clauses), scans it once against one
// index that holds the Persian sentiment lexicon, the intent and risk cues
// and the brand vocabulary, and then decides:
//
//   - language (lang.go): script first, then marker words; Finglish is fa;
//   - sentiment (sentiment.go): VADER's arithmetic on our own Persian
//     lexicon (data/lexicon_fa.tsv) and on VADER's English lexicon plus
//     ours (data/lexicon_en.tsv), with Persian negation that follows its
//     word (خوب نیست), the negative verb prefix (نداشتم, نمی‌ارزه), بی/نا
//     antonyms, intensifiers, contrast (ولی, اما, but) and comparatives;
//   - risk signals (signals.go): adverse events, legal threats, abuse,
//     self-harm and spam, and the special situations of drug safety
//     (special.go): overdose, medication errors, misuse, off-label use,
//     lack of efficacy, exposure in pregnancy, quality complaints;
//   - intent (intent.go), in an order that puts safety first.
//
// # Data files
//
// data/vocab.tsv is the default brand vocabulary (products with their
// misspellings, medicine forms, effects, topics); WithVocabulary adds a
// brand's own file in the same format without a rebuild. The lexicons are
// embedded and written for this project; see README.md for figures. The
// closed word lists (intent and risk cues in data/cues.tsv, sentiment
// modifiers and English rule words in data/words.tsv, language markers in
// data/lang.tsv) are embedded too, one "list<TAB>term" a line, and parsed
// once when the package loads (lists.go); a term listed twice, in a list or
// in a lexicon, is an error naming the file and the line.
//
// # Learned model
//
// Train learns a linear softmax classifier over hashed word and character
// n-grams and the lexicon's reading of each text from labelled examples
// (model.go, train.go); Blend decides where it overrides the lexicon's
// sentiment, never the signals (blend.go).
// SetModel swaps it atomically, so the service can retrain from moderators'
// corrections and roll back.
//
// # CLI
//
// RunLines, RunEval and RunTrain are `engagebot analyze`, `engagebot
// analyze --eval` and `engagebot analyze train`; cmd/engagebot wires them.
package analyze
