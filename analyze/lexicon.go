package analyze

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/jonreiter/govader/data"
)

// faLexicon is the project's own Persian (and Finglish and emoji) sentiment
// lexicon; see the header of the file for its format.
//
//go:embed data/lexicon_fa.tsv
var faLexicon []byte

// enLexicon adds health, pharmacy and service words that the VADER lexicon
// lacks. VADER's own values win where both have a word.
//
//go:embed data/lexicon_en.tsv
var enLexicon []byte

// parseLexicon reads "term<TAB>valence[<TAB>v|s]" lines.
func parseLexicon(name string, b []byte) ([]*entry, error) {
	var out []*entry
	sc := bufio.NewScanner(bytes.NewReader(b))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) < 2 {
			return nil, fmt.Errorf("lexicon %s:%d: want term<TAB>valence", name, line)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(f[1]), 64)
		if err != nil || v < -4 || v > 4 {
			return nil, fmt.Errorf("lexicon %s:%d: valence %q is not a number in [-4, 4]", name, line, f[1])
		}
		words := strings.Fields(Normalize(f[0]))
		if len(words) == 0 {
			continue
		}
		e := &entry{words: words, kind: kSentiment, score: v}
		if len(f) > 2 {
			switch strings.TrimSpace(f[2]) {
			case "":
			case "v":
				e.verb = true
			case "s":
				e.symptom = true
			default:
				return nil, fmt.Errorf("lexicon %s:%d: unknown marker %q (want v or s)", name, line, f[2])
			}
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// vaderLexicon returns the VADER word valences (MIT licence, C.J. Hutto),
// read from the govader module so the project does not carry a copy.
func vaderLexicon() (map[string]float64, error) {
	raw, err := data.Asset("rawdata/vaderLexicon.txt")
	if err != nil {
		return nil, fmt.Errorf("vader lexicon: %w", err)
	}
	m := make(map[string]float64, 7600)
	for line := range strings.SplitSeq(string(raw), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		m[f[0]] = v
	}
	return m, nil
}

// Closed word classes that modify sentiment. Values are VADER's scalar for
// boosters (±0.293) so Persian and English scores live on one scale.
const (
	bIncr = 0.293
	bDecr = -0.293
)

var boosterWords = map[string]float64{
	// Persian intensifiers
	"خیلی": bIncr, "بسیار": bIncr, "واقعا": bIncr, "واقعن": bIncr, "کاملا": bIncr, "کاملن": bIncr,
	"شدیدا": bIncr, "شدید": bIncr, "بینهایت": bIncr, "اصلا": bIncr, "اصلن": bIncr, "انقدر": bIncr,
	"اینقدر": bIncr, "اونقدر": bIncr, "چقدر": bIncr, "چقد": bIncr, "حسابی": bIncr, "کلی": bIncr,
	"بدجور": bIncr, "بدجوری": bIncr, "قطعا": bIncr, "بشدت": bIncr, "فوقالعاده": 0, "زیادی": bIncr,
	"خیلیم": bIncr, "بیشتر": bIncr, "مخصوصا": bIncr, "بیش": bIncr, "همیشه": 0.1, "هرگز": 0,
	"kheili": bIncr, "kheyli": bIncr, "khyli": bIncr, "kheily": bIncr, "vaghean": bIncr,
	// Persian dampeners
	"کمی": bDecr, "یکم": bDecr, "یکمی": bDecr, "نسبتا": bDecr, "تقریبا": bDecr, "ذره": bDecr,
	"خورده": bDecr, "کمابیش": bDecr, "نسبتن": bDecr, "یخورده": bDecr, "یخرده": bDecr, "اندکی": bDecr,
	"شدت": bIncr, "شدیدن": bIncr, "جدا": bIncr, "حقیقتا": bIncr, "انقد": bIncr, "اینقد": bIncr, "اونقد": bIncr,
	"خیییلی": bIncr, "خداییش": bIncr, "ناموسا": bIncr, "بینهایتی": bIncr, "فوقولاده": bIncr, "زیاد": bIncr,
	// English (VADER's list)
	"absolutely": bIncr, "amazingly": bIncr, "awfully": bIncr, "completely": bIncr, "considerable": bIncr,
	"considerably": bIncr, "decidedly": bIncr, "deeply": bIncr, "effing": bIncr, "enormous": bIncr,
	"enormously": bIncr, "entirely": bIncr, "especially": bIncr, "exceptional": bIncr,
	"exceptionally": bIncr, "extreme": bIncr, "extremely": bIncr, "fabulously": bIncr, "flipping": bIncr,
	"flippin": bIncr, "frackin": bIncr, "fracking": bIncr, "fricking": bIncr, "frickin": bIncr,
	"frigging": bIncr, "friggin": bIncr, "fully": bIncr, "fuckin": bIncr, "fucking": bIncr,
	"fuggin": bIncr, "fugging": bIncr, "greatly": bIncr, "hella": bIncr, "highly": bIncr, "hugely": bIncr,
	"incredible": bIncr, "incredibly": bIncr, "intensely": bIncr, "major": bIncr, "majorly": bIncr,
	"more": bIncr, "most": bIncr, "particularly": bIncr, "purely": bIncr, "quite": bIncr, "really": bIncr,
	"remarkably": bIncr, "so": bIncr, "substantially": bIncr, "thoroughly": bIncr, "total": bIncr,
	"totally": bIncr, "tremendous": bIncr, "tremendously": bIncr, "uber": bIncr, "unbelievably": bIncr,
	"unusually": bIncr, "utter": bIncr, "utterly": bIncr, "very": bIncr,
	"almost": bDecr, "barely": bDecr, "hardly": bDecr, "kinda": bDecr, "kindof": bDecr, "kind-of": bDecr,
	"less": bDecr, "little": bDecr, "marginal": bDecr, "marginally": bDecr, "occasional": bDecr,
	"occasionally": bDecr, "partly": bDecr, "scarce": bDecr, "scarcely": bDecr, "slight": bDecr,
	"slightly": bDecr, "somewhat": bDecr, "sorta": bDecr, "sortof": bDecr, "sort-of": bDecr,
}

// negatorsBefore negate a sentiment word that follows within three words
// (Persian نه, بدون, هیچ; English not, never, n't ...).
var negatorsBefore = map[string]bool{
	"نه": true, "بدون": true, "هیچ": true, "هیچی": true, "غیر": true, "غیرقابل": true, "هرگز": true,
	"نخیر": true, "هیچوقت": true, "هیچکس": true, "هیچکی": true, "bedune": true, "na": true, "nist": true,
	// نباید (must not) denies what follows: "نباید اعتماد میکردم".
	"نباید": true, "نبایست": true, "نمیبایست": true,
	// Rhetorical "where/what of it is ...?" denies the praise that follows:
	// "کجاش قشنگه؟", "چیش خوبه؟".
	"کجاش": true, "کجاشو": true, "کجاشون": true, "کجای": true, "چیش": true, "چیشو": true,
	"aint": true, "arent": true, "cannot": true, "cant": true, "couldnt": true, "darent": true,
	"didnt": true, "doesnt": true, "ain't": true, "aren't": true, "can't": true, "couldn't": true,
	"daren't": true, "didn't": true, "doesn't": true, "dont": true, "hadnt": true, "hasnt": true,
	"havent": true, "isnt": true, "mightnt": true, "mustnt": true, "neither": true, "don't": true,
	"hadn't": true, "hasn't": true, "haven't": true, "isn't": true, "mightn't": true, "mustn't": true,
	"neednt": true, "needn't": true, "never": true, "none": true, "nope": true, "nor": true, "not": true,
	"nothing": true, "nowhere": true, "oughtnt": true, "shant": true, "shouldnt": true, "uhuh": true,
	"wasnt": true, "werent": true, "oughtn't": true, "shan't": true, "shouldn't": true, "uh-uh": true,
	"wasn't": true, "weren't": true, "without": true, "wont": true, "wouldnt": true, "won't": true,
	"wouldn't": true, "rarely": true, "seldom": true, "despite": true,
}

// contrastWords shift weight to the clause after them: "خوبه ولی گرونه" is
// a complaint about price. The first one in a message counts, as in VADER.
var contrastWords = map[string]bool{
	"ولی": true, "اما": true, "منتها": true, "لیکن": true, "ولیکن": true, "but": true, "vali": true, "ama": true,
}

// lessWords turn the sentiment word next to them around: "عوارضش کمتره"
// (fewer side effects) is good news, "less effective" is bad.
var lessWords = map[string]bool{"کمتر": true, "کمترین": true, "کم": true, "less": true, "fewer": true}

// negVerbStems are the light verbs whose negative forms (ن/نمی + stem +
// ending) negate the sentiment word before them: "خوب نیست", "کیفیت خوبی
// نداره", "راضی نبودم". Persian puts the verb, and so the negation, last.
var negVerbStems = []string{
	"دار", "داشت", "کن", "کرد", "شو", "شد", "بود", "باش", "ده", "داد", "رس", "رسید", "خور", "خورد",
	"یاد", "یومد", "یامد", "یا", "زن", "زد", "گیر", "گرفت", "بین", "دید", "تون", "تونست", "توان",
	"توانست", "خوا", "خواه", "خواست", "ارز", "ارزید", "هست", "دیدم", "گذاشت", "ذار", "یار", "اورد",
	"بر", "برد", "مون", "موند", "ماند", "کش", "کشید", "فهم", "فهمید", "دون", "دونست", "دان", "دانست",
}

func buildNegVerbs() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"نیست", "نیستش", "نیستن", "نیستند", "نیستم", "نیستی", "نیستید", "نیستیم",
		"نیس", "نه", "نخیر", "نمیشه", "نمیشد", "نشد", "نشده", "nist", "nabood", "nadare", "nemishe"} {
		m[w] = true
	}
	for _, st := range negVerbStems {
		for _, p := range []string{"ن", "نمی"} {
			for _, e := range verbEndings {
				m[p+st+e] = true
			}
		}
	}
	return m
}

// vaderEmoji gives each emoji of VADER's emoji table the valence of its
// description ("smiling face with heart-eyes"), as VADER does by replacing
// the emoji with its description. Our own emoji valences take precedence.
func vaderEmoji(en map[string]float64, into map[string]float64) error {
	raw, err := data.Asset("rawdata/emojiUTF8Lexicon.txt")
	if err != nil {
		return fmt.Errorf("vader emoji: %w", err)
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		f := strings.SplitN(line, "\t", 2)
		if len(f) < 2 {
			continue
		}
		e := Normalize(f[0])
		if _, ok := into[e]; ok || e == "" {
			continue
		}
		v := 0.0
		for _, w := range strings.Fields(strings.ToLower(f[1])) {
			v += en[strings.Trim(w, ",.:;")]
		}
		if v != 0 {
			into[e] = v
		}
	}
	return nil
}
