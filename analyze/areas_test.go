package analyze_test

import (
	"context"
	"testing"

	"engagebot/bot"
)

// TestAnalyze_SymptomAsPurpose: a symptom named as what a remedy is for, or
// asked about, says nothing of the product; told as news it is a complaint.
// Side-effect reports are unaffected.
func TestAnalyze_SymptomAsPurpose(t *testing.T) {
	a := mustNew(t)
	for i, tc := range []struct {
		name, in, want string
		ae             bool
	}{
		{"purpose, then praise", "برای سردرد خوبه", bot.SentimentPositive, false},
		{"purpose written apart", "برای سر درد خوبه", bot.SentimentPositive, false},
		{"spoken purpose", "واسه جوش عالیه", bot.SentimentPositive, false},
		{"ضد before a symptom", "ضد ریزش مو", bot.SentimentNeutral, false},
		{"treatment of", "درمان سرفه", bot.SentimentNeutral, false},
		{"asking for a remedy", "برای درد زانو چی خوبه؟", bot.SentimentNeutral, false},
		{"symptom in a question", "درد معده هم داره؟", bot.SentimentNeutral, false},
		{"symptom as news", "درد دارم", bot.SentimentNegative, false},
		{"purpose in another clause", "برای, درد", bot.SentimentNegative, false},
		{"grievance noun", "با این گرونی چیکار کنیم", bot.SentimentNegative, false},
		{"side effect still reported", "برای سردرد این قرص رو خوردم ولی سرگیجه گرفتم", bot.SentimentNegative, true},
	} {
		res, err := a.Analyze(context.Background(), tc.in, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Sentiment.Label != tc.want {
			t.Errorf("Test %d (%s): %q = %s (%.3f), want %s", i, tc.name, tc.in, res.Sentiment.Label, res.Sentiment.Score, tc.want)
		}
		ae := false
		for _, s := range res.Signals {
			ae = ae || s.Name == bot.SignalAdverseEvent
		}
		if ae != tc.ae {
			t.Errorf("Test %d (%s): %q adverse event = %v, want %v", i, tc.name, tc.in, ae, tc.ae)
		}
	}
}

// TestAnalyze_Verdicts: a verdict on a contestant turns on the copula:
// "لیاقت نداشت" is contempt, "لیاقتشو داشت" and "حق اون بود" support.
func TestAnalyze_Verdicts(t *testing.T) {
	a := mustNew(t)
	for i, tc := range []struct{ in, want string }{
		{"لیاقت نداشت", bot.SentimentNegative},
		{"لیاقتشو داشت", bot.SentimentPositive},
		{"حقش نبود", bot.SentimentNegative},
		{"حق اون بود", bot.SentimentPositive},
		{"گل خوردیم", bot.SentimentNegative},
		{"گل زدی", bot.SentimentPositive},
		{"بهش رای بدید", bot.SentimentPositive},
		{"ادای احترام", bot.SentimentPositive},
		{"ادا درنیار", bot.SentimentNegative},
		{"خیر ببینی", bot.SentimentPositive},
		{"خدا ازتون نگذره", bot.SentimentNegative},
	} {
		res, err := a.Analyze(context.Background(), tc.in, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Sentiment.Label != tc.want {
			t.Errorf("Test %d: %q = %s (%.3f), want %s", i, tc.in, res.Sentiment.Label, res.Sentiment.Score, tc.want)
		}
	}
}

// TestAnalyze_EffectsInParts covers effects written in parts in the
// vocabulary ("مو + ریخت~"): either order, words between, one token never
// both parts, a negative verb part denies, and the clause bounds them.
func TestAnalyze_EffectsInParts(t *testing.T) {
	a := mustNew(t)
	for i, tc := range []struct {
		name, in string
		ae       bool
	}{
		{"parts apart", "مویسا زدم موهام خیلی بیشتر از قبل ریخته", true},
		{"parts in the other order", "از وقتی مویسا میزنم ریزش شدید موهام شروع شده", true},
		{"negative verb part", "مویسا زدم و موهام اصلا نریخت", false},
		{"other clause", "مویسا زدم، موهام قشنگ شد ولی دلم گرفت", false},
		{"one token is one part", "کل تابستون نیکاسان زدم هیچ حساسیتی نداد، پوستم خیلی حساسه", false},
		{"English parts", "since I started Moysa my hair is falling out more", true},
		{"stretched Finglish", "dermaclean zadam soratam vaaaaram karde", true},
		{"catching a cold is not taking", "سرما خوردم تب دارم، کلدکس بخورم؟", false},
		{"reported, then asked", "کلدکس میخورم سرم خیلی درد میکنه، طبیعیه؟", true},
		{"gone, but told as an experience", "آرامیکس خوردم یهو گر گرفتم صورتم داغ شد، بعد یه ساعت خوب شدم", true},
		{"gone thanks to the product", "جوش زده بودم با درماکلین خوب شد", false},
		{"nothing taken yet", "دیروز کلی تب داشتم هنوز هیچ دارویی نخوردم", false},
		{"asks what to take", "I've had a headache since last night, what should I take?", false},
		{"hay fever is an allergy", "I get hay fever every spring, is Allerfin good?", false},
	} {
		res, err := a.Analyze(context.Background(), tc.in, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Has(bot.SignalAdverseEvent); got != tc.ae {
			t.Errorf("Test %d (%s): %q adverse event %v, want %v (signals %+v)", i, tc.name, tc.in, got, tc.ae, res.Signals)
		}
	}
}
