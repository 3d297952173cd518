package analyze_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"engagebot/analyze"
	"engagebot/bot"
)

func TestNormalize(t *testing.T) {
	for i, tc := range []struct{ name, in, want string }{
		{"arabic yeh", "ماشين خيلي خوبه", "ماشین خیلی خوبه"},
		{"arabic alef maksura", "علی و مصطفى", "علی و مصطفی"},
		{"arabic kaf", "كيفيت كم", "کیفیت کم"},
		{"zwnj joined", "می‌خوام", "میخوام"},
		{"no zwnj", "میخوام", "میخوام"},
		{"space for zwnj", "می خوام", "میخوام"},
		{"negative prefix with space", "نمی خوام", "نمیخوام"},
		{"plural suffix with space", "کتاب ها", "کتابها"},
		{"comparative with space", "بزرگ تر", "بزرگتر"},
		{"persian digits", "۱۲۳۴۵۶۷۸۹۰", "1234567890"},
		{"arabic-indic digits", "٤٥٦", "456"},
		{"stretched persian", "خیلیییییی", "خیلی"},
		{"persian double kept", "ببین", "ببین"},
		{"stretched english", "soooo goooood", "soo good"},
		{"diacritics", "مُحَمَّد", "محمد"},
		{"tanwin", "واقعاً", "واقعا"},
		{"teh marbuta", "مدرسة", "مدرسه"},
		{"heh with yeh", "خانۀ ما", "خانه ما"},
		{"hamza alef", "أحمد إسلام", "احمد اسلام"},
		{"alef madda", "آرامیکس", "ارامیکس"},
		{"tatweel", "ســـــلام", "سلام"},
		{"persian punctuation", "سلام، خوبی؟", "سلام, خوبی?"},
		{"lower case and spaces", "  Hello   WORLD \n", "hello world"},
		{"html entity", "i &lt;3 it &amp; you", "i <3 it & you"},
		{"emoji kept, selector dropped", "عالی❤️", "عالی❤"},
		{"empty", "", ""},
	} {
		if got := analyze.Normalize(tc.in); got != tc.want {
			t.Errorf("Test %d (%s): Normalize(%q) = %q, want %q", i, tc.name, tc.in, got, tc.want)
		}
	}
}

func TestNormalize_Idempotent(t *testing.T) {
	for _, s := range []string{"می خوام خيلييي", "Soooo GOOD!!", "کتاب ها رو نمی خوام ۱۲"} {
		once := analyze.Normalize(s)
		if twice := analyze.Normalize(once); twice != once {
			t.Errorf("Normalize not idempotent on %q: %q then %q", s, once, twice)
		}
	}
}

func TestAnalyze_Lang(t *testing.T) {
	a := mustNew(t)
	for i, tc := range []struct {
		in, hint, want string
	}{
		{"سلام قیمت نیکاویت چنده؟", "", bot.LangFa},
		{"سلام وقت بخير", "", bot.LangFa},
		{"this syrup gave my son a rash", "", bot.LangEn},
		{"Hello, where can I buy it?", "", bot.LangEn},
		{"salam, ghimate nikavit chande?", "", bot.LangFa},
		{"merci kheili khoob bood", "", bot.LangFa},
		{"Привет, как дела?", "", bot.LangOther},
		{"这个产品很好", "", bot.LangOther},
		{"", "", bot.LangOther},
		{"😍😍", "", bot.LangOther},
		{"😍😍", bot.LangFa, bot.LangFa},
		{"هذا المنتج جيد جدا والله", "", bot.LangOther},
		{"Nikavit", bot.LangFa, bot.LangFa},
		{"ok thanks", "", bot.LangEn},
	} {
		res, err := a.Analyze(context.Background(), tc.in, tc.hint)
		if err != nil {
			t.Fatal(err)
		}
		if res.Lang != tc.want {
			t.Errorf("Test %d: lang(%q, hint %q) = %s, want %s", i, tc.in, tc.hint, res.Lang, tc.want)
		}
	}
}

func TestAnalyze_Sentiment(t *testing.T) {
	a := mustNew(t)
	for i, tc := range []struct {
		name, in, want string
	}{
		{"fa positive", "خیلی خوبه", bot.SentimentPositive},
		{"fa negative", "افتضاح بود", bot.SentimentNegative},
		{"fa neutral", "فردا ساعت ده میام", bot.SentimentNeutral},
		{"fa negation نیست", "کیفیتش خوب نیست", bot.SentimentNegative},
		{"fa negation نبود", "اصلا راضی نبودم", bot.SentimentNegative},
		{"fa negative verb prefix", "دوستش نداشتم", bot.SentimentNegative},
		{"fa نمی prefix", "توصیه نمیکنم", bot.SentimentNegative},
		{"fa هیچ negates a problem", "هیچ مشکلی نداشتم", bot.SentimentPositive},
		{"fa بدون", "بدون عوارض بود", bot.SentimentPositive},
		{"fa بی prefix", "بی‌فایده بود", bot.SentimentNegative},
		{"fa نا prefix", "ناراضیم", bot.SentimentNegative},
		{"fa contrast ولی", "خوبه ولی خیلی گرونه", bot.SentimentNegative},
		{"fa contrast اما", "گرونه اما ارزششو داره", bot.SentimentPositive},
		{"fa comparative better", "از قبلی بهتره", bot.SentimentPositive},
		{"fa comparative worse", "بدتر از قبل شده", bot.SentimentNegative},
		{"fa fewer side effects", "عوارضش کمتره", bot.SentimentPositive},
		{"fa stretched and emoji", "عاااالیییی 😍", bot.SentimentPositive},
		{"fa arabic letters", "خيلي بد بود", bot.SentimentNegative},
		{"fa profanity", "کثافت عوضی", bot.SentimentNegative},
		{"finglish", "merci, kheili khoob bood", bot.SentimentPositive},
		{"en positive", "I love it", bot.SentimentPositive},
		{"en negation", "not good at all", bot.SentimentNegative},
		{"en contrast", "it's good but way too expensive", bot.SentimentNegative},
		{"en comparative", "better than I expected", bot.SentimentPositive},
		{"en caps and exclamation", "It's GREAT!!!", bot.SentimentPositive},
		{"en neutral", "see you at the pharmacy tomorrow", bot.SentimentNeutral},
		{"en no side effects", "no side effects at all, great", bot.SentimentPositive},
		{"en stretched", "loooove it", bot.SentimentPositive},
		{"adverse event is negative", "Coldex gave me palpitations", bot.SentimentNegative},
		// Instagram praise and criticism, colloquial forms and misspellings
		{"fa blessing", "ماشاءالله چه خوشگله", bot.SentimentPositive},
		{"fa affection", "قربونت برم الهی پیر شی", bot.SentimentPositive},
		{"fa praise slang", "دمت گرم کارت درسته", bot.SentimentPositive},
		{"fa disgust", "حالم ازت بهم میخوره", bot.SentimentNegative},
		{"fa shame question", "خجالت نمیکشی؟", bot.SentimentNegative},
		{"fa dismissal", "برو بابا", bot.SentimentNegative},
		{"fa derision اینم شد", "اینم شد خواننده", bot.SentimentNegative},
		{"fa misspelled insult", "بیشور مذخرف", bot.SentimentNegative},
		{"fa curse", "خدا ازت نگذره", bot.SentimentNegative},
		{"fa virtue in reproach", "یکم شعور داشته باش", bot.SentimentNegative},
		{"fa condolence is sorrow", "روحش شاد", bot.SentimentNegative},
		{"fa rhetorical کجاش", "کجاش قشنگه؟", bot.SentimentNegative},
		{"fa نباید", "نباید اعتماد میکردم", bot.SentimentNegative},
		{"fa چرا before a negative verb", "چرا جواب نمیدید", bot.SentimentNegative},
		{"fa lacks nothing", "این گوشی هیچی کم نداره", bot.SentimentPositive},
		{"fa یه کم dampens", "یه کم گرونه", bot.SentimentNegative},
		{"fa نه تنها", "نه تنها خوبه بلکه ارزونه", bot.SentimentPositive},
		{"fa indignant ?!", "پس سفارش من کو؟!", bot.SentimentNegative},
		{"fa not body", "بدنم رو چک کنم", bot.SentimentNeutral},
		{"fa not direction", "از سمت راست باز کنید", bot.SentimentNeutral},
		{"finglish praise", "zaaaali bood, mashallah", bot.SentimentPositive},
		{"finglish insult", "kheili zeshte", bot.SentimentNegative},
		// faces with repeated mouths, written against a word
		{"face repeated mouth", "بسته امروز رسید :(((", bot.SentimentNegative},
		{"face against a word", "مرسی از پیامتون:)))", bot.SentimentPositive},
		{"url is not a face", "http://example.com", bot.SentimentNeutral},
		// laughter follows the rest of the message
		{"laughter with praise", "عالی بود 😂😂", bot.SentimentPositive},
		{"laughter with insult", "چه زشته 😂😂", bot.SentimentNegative},
		{"letter laughter mocks", "خخخخ چه مسخره", bot.SentimentNegative},
		{"laughter alone", "😂😂😂", bot.SentimentPositive},
	} {
		res, err := a.Analyze(context.Background(), tc.in, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Sentiment.Label != tc.want {
			t.Errorf("Test %d (%s): %q = %s (%.3f), want %s", i, tc.name, tc.in, res.Sentiment.Label, res.Sentiment.Score, tc.want)
		}
		if res.Sentiment.Score < -1 || res.Sentiment.Score > 1 {
			t.Errorf("Test %d: score %f outside [-1, 1]", i, res.Sentiment.Score)
		}
	}
}

func TestAnalyze_SentimentOrder(t *testing.T) {
	// An intensifier strengthens, a dampener weakens.
	a := mustNew(t)
	score := func(s string) float64 {
		res, err := a.Analyze(context.Background(), s, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Sentiment.Score
	}
	if !(score("خیلی خوبه") > score("خوبه") && score("خوبه") > score("یکم خوبه")) {
		t.Errorf("want خیلی خوبه > خوبه > یکم خوبه: %.3f %.3f %.3f", score("خیلی خوبه"), score("خوبه"), score("یکم خوبه"))
	}
	if !(score("very good") > score("good")) {
		t.Errorf("want very good > good")
	}
}

func TestAnalyze_Intent(t *testing.T) {
	a := mustNew(t)
	for i, tc := range []struct{ in, want string }{
		{"سلام", bot.IntentGreeting},
		{"hi there", bot.IntentGreeting},
		{"خیلی ممنون", bot.IntentThanks},
		{"thank you so much", bot.IntentThanks},
		{"نیکاویت برای چیه؟", bot.IntentProductQuestion},
		{"is Nikasun waterproof?", bot.IntentProductQuestion},
		{"قیمت نیکاویت چنده؟", bot.IntentPrice},
		{"is Calcifort in stock?", bot.IntentPrice},
		{"از کجا میتونم زینکوفر بخرم؟", bot.IntentWhereToBuy},
		{"where can I buy Dermaclean?", bot.IntentWhereToBuy},
		{"سفارشم دو هفته است نرسیده", bot.IntentComplaint},
		{"I want a refund, this is a scam", bot.IntentComplaint},
		{"نیکاویت عالیه، خیلی راضیم", bot.IntentPraise},
		{"Zinkofer really works, highly recommend", bot.IntentPraise},
		{"میخوام با اپراتور حرف بزنم", bot.IntentHuman},
		{"can I talk to a real person please", bot.IntentHuman},
		{"روزی چندتا زینکوفر بخورم؟", bot.IntentMedicalAdvice},
		{"is it safe to take Nikavit during pregnancy?", bot.IntentMedicalAdvice},
		{"does this cause dizziness?", bot.IntentMedicalAdvice},
		{"بعد از خوردن این قرص سرگیجه گرفتم", bot.IntentSideEffect},
		{"this syrup gave my son a rash", bot.IntentSideEffect},
		{"لغو", bot.IntentOptOut},
		{"STOP", bot.IntentOptOut},
		{"please stop messaging me", bot.IntentOptOut},
		{"عضو میشم", bot.IntentOptIn},
		{"sign me up for the newsletter", bot.IntentOptIn},
		{"I can't stop smiling, love it", bot.IntentPraise},
		{"هوا امروز ابریه", bot.IntentOther},
	} {
		res, err := a.Analyze(context.Background(), tc.in, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Intent != tc.want {
			t.Errorf("Test %d: intent(%q) = %s, want %s", i, tc.in, res.Intent, tc.want)
		}
	}
}

func TestAnalyze_Signals(t *testing.T) {
	a := mustNew(t)
	for i, tc := range []struct {
		in      string
		want    string // signal name, "" for none
		sev     bot.Severity
		product string
		effect  string
	}{
		{"بعد از خوردن این قرص سرگیجه گرفتم", bot.SignalAdverseEvent, bot.SeverityCritical, "pill", "dizziness"},
		{"this syrup gave my son a rash", bot.SignalAdverseEvent, bot.SeverityCritical, "syrup", "rash"},
		{"زینکوفر خوردم حالت تهوع گرفتم", bot.SignalAdverseEvent, bot.SeverityCritical, "Zinkofer", "nausea"},
		{"after taking Nikavit I got a terrible headache", bot.SignalAdverseEvent, bot.SeverityCritical, "Nikavit", "headache"},
		{"does this cause dizziness?", "", 0, "", ""},
		{"no side effects at all, great", "", 0, "", ""},
		{"نیکاویت هیچ عوارضی نداشت", "", 0, "", ""},
		{"اگه سرگیجه گرفتم باید قطعش کنم؟", "", 0, "", ""},
		{"جوش صورتم با درماکلین خوب شد", "", 0, "", ""},
		{"ازتون شکایت میکنم", bot.SignalLegalThreat, bot.SeverityHigh, "", ""},
		{"I will sue you", bot.SignalLegalThreat, bot.SeverityHigh, "", ""},
		{"کثافت عوضی", bot.SignalAbuse, bot.SeverityMedium, "", ""},
		{"fuck you idiot", bot.SignalAbuse, bot.SeverityMedium, "", ""},
		{"میخوام خودکشی کنم", bot.SignalSelfHarm, bot.SeverityCritical, "", ""},
		{"I want to kill myself", bot.SignalSelfHarm, bot.SeverityCritical, "", ""},
		{"check this http://example.com/win", bot.SignalSpam, bot.SeverityLow, "", ""},
		{"برای کسب درآمد دلاری فالو کنید", bot.SignalSpam, bot.SeverityLow, "", ""},
		{"سلام وقت بخیر", "", 0, "", ""},
	} {
		res, err := a.Analyze(context.Background(), tc.in, "")
		if err != nil {
			t.Fatal(err)
		}
		if tc.want == "" {
			if len(res.Signals) != 0 {
				t.Errorf("Test %d: %q: signals %+v, want none", i, tc.in, res.Signals)
			}
			continue
		}
		var got *bot.Signal
		for k := range res.Signals {
			if res.Signals[k].Name == tc.want {
				got = &res.Signals[k]
			}
		}
		if got == nil {
			t.Errorf("Test %d: %q: signals %+v, want %s", i, tc.in, res.Signals, tc.want)
			continue
		}
		if got.Severity != tc.sev || got.Product != tc.product || got.Effect != tc.effect {
			t.Errorf("Test %d: %q: got %+v, want severity %s product %q effect %q", i, tc.in, *got, tc.sev, tc.product, tc.effect)
		}
	}
}

func TestAnalyze_ProductsAndTopics(t *testing.T) {
	a := mustNew(t)
	res, err := a.Analyze(context.Background(), "نيكاويت و زينكو فر برای پوستم خوبه؟", "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(res.Products), 2; got != want {
		t.Fatalf("products %v, want Nikavit and Zinkofer", res.Products)
	}
	if res.Products[0] != "Nikavit" || res.Products[1] != "Zinkofer" {
		t.Errorf("products %v", res.Products)
	}
	if len(res.Topics) == 0 || res.Topics[0] != "skin" {
		t.Errorf("topics %v, want skin", res.Topics)
	}
}

func TestAnalyze_Canceled(t *testing.T) {
	a := mustNew(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.Analyze(ctx, "hi", ""); err == nil {
		t.Error("want an error for a canceled context")
	}
}

func TestAnalyze_Concurrent(t *testing.T) {
	// Run under -race: one Analyzer, many goroutines.
	a := mustNew(t)
	texts := []string{"سلام خوبی؟", "this syrup gave my son a rash", "خیلی بد بود 😡", "great!!"}
	want := make([]bot.Analysis, len(texts))
	for i, s := range texts {
		want[i], _ = a.Analyze(context.Background(), s, "")
	}
	done := make(chan error)
	for g := 0; g < 8; g++ {
		go func() {
			for k := 0; k < 50; k++ {
				i := k % len(texts)
				got, err := a.Analyze(context.Background(), texts[i], "")
				if err == nil && (got.Sentiment != want[i].Sentiment || got.Intent != want[i].Intent) {
					err = errMismatch
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

var errMismatch = bot.Errorf(bot.EINTERNAL, "concurrent result differs")

var _ bot.Analyzer = (*analyze.Analyzer)(nil)

func TestAnalyze_LaughterFollowsContext(t *testing.T) {
	// Laughter adds weight in the direction of the rest of the message: it
	// makes mockery more negative and joy more positive.
	a := mustNew(t)
	score := func(s string) float64 {
		res, err := a.Analyze(context.Background(), s, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Sentiment.Score
	}
	if !(score("چه زشته 😂😂") < score("چه زشته")) {
		t.Errorf("mockery: %.3f should be below %.3f", score("چه زشته 😂😂"), score("چه زشته"))
	}
	if !(score("خیلی خوب بود 😂") > score("خیلی خوب بود")) {
		t.Errorf("joy: %.3f should be above %.3f", score("خیلی خوب بود 😂"), score("خیلی خوب بود"))
	}
}

func TestProducts(t *testing.T) {
	dir := t.TempDir()
	brand := filepath.Join(dir, "brand.tsv")
	body := "product\tAcme Balm\tAcme balm | آکمه | acmebalm\n" +
		"product\tNikavit\tnikavit plus | نیکاویت پلاس\n" + // more terms for a default product
		"product\tOnly Latin\tonlylatin\n"
	if err := os.WriteFile(brand, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	a := mustNew(t, analyze.WithVocabulary(brand))
	ps := a.Products()
	if !sort.SliceIsSorted(ps, func(i, j int) bool { return ps[i].Canonical < ps[j].Canonical }) {
		t.Errorf("not sorted by Canonical: %v", ps)
	}
	by := map[string]analyze.Product{}
	for _, p := range ps {
		if _, dup := by[p.Canonical]; dup {
			t.Errorf("%s listed twice", p.Canonical)
		}
		by[p.Canonical] = p
	}
	for i, tc := range []struct {
		canonical, fa, en string
	}{
		{"Nikavit", "نیکاویت", "nikavit"}, // the embedded file's first terms win
		{"Zinkofer", "زینکوفر", "zinkofer"},
		{"Acme Balm", "آکمه", "Acme balm"}, // as written, not normalised
		{"Only Latin", "", "onlylatin"},
	} {
		p, ok := by[tc.canonical]
		if !ok {
			t.Errorf("Test %d: %s missing from %v", i, tc.canonical, ps)
			continue
		}
		if got := p.Names[bot.LangFa]; got != tc.fa {
			t.Errorf("Test %d: %s fa name %q, want %q", i, tc.canonical, got, tc.fa)
		}
		if got := p.Names[bot.LangEn]; got != tc.en {
			t.Errorf("Test %d: %s en name %q, want %q", i, tc.canonical, got, tc.en)
		}
	}
	if _, ok := by["Only Latin"].Names[bot.LangFa]; ok {
		t.Errorf("a language with no term must be absent")
	}
	if len(mustNew(t).Products()) != 16 {
		t.Errorf("default catalogue: %d products, want 16", len(mustNew(t).Products()))
	}
	// The result is the caller's: changing it does not change the analyzer.
	ps[0].Names[bot.LangEn] = "changed"
	if a.Products()[0].Names[bot.LangEn] == "changed" {
		t.Errorf("Products shares its maps with the analyzer")
	}
}
