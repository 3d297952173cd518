package analyze_test

import (
	"context"
	"testing"

	"engagebot/analyze"
	"engagebot/bot"
)

func TestNormalize_JoinsBi(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"بی ادب", "بیادب"},
		{"بی‌ادب", "بیادب"},
		{"خیلی بی مزه ای", "خیلی بیمزه ای"},
		{"bi adab", "bi adab"},
	} {
		if got := analyze.Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAnalyze_PersianMorphology: a listed word is found under its
// inflections, and words that only look like one are not.
func TestAnalyze_PersianMorphology(t *testing.T) {
	a := mustNew(t)
	for i, tc := range []struct {
		name, in, want string
	}{
		{"copula of you (plural)", "افتضاحید", bot.SentimentNegative},
		{"copula of you, colloquial", "باحالین", bot.SentimentPositive},
		{"clitic then copula, ه dropped", "شرمندتم", bot.SentimentNegative},
		{"direct reading first", "گلم", bot.SentimentPositive},
		{"copula of they, ه dropped", "اینا دیوونن", bot.SentimentNegative},
		{"copula of you, ه dropped", "خیلی خستی", bot.SentimentNegative},
		{"بی written apart", "بی ادبه", bot.SentimentNegative},
		{"بی apart before a virtue", "بی شعورا", bot.SentimentNegative},
		{"look-alike خرید is purchase", "خرید کردم", bot.SentimentNeutral},
		{"look-alike in a question", "خریدید؟", bot.SentimentNeutral},
		{"بدین is 'to this'", "بدین ترتیب", bot.SentimentNeutral},
		{"longest stem wins", "قشنگترینه", bot.SentimentPositive},
		// reproaches: a wish for a faculty the addressee lacks, "all you can do"
		{"wish for sense", "خدا عقلت بده", bot.SentimentNegative},
		{"wish for manners", "خدا یکم شعور بهت بده", bot.SentimentNegative},
		{"all you can do", "فقط بلدی حرف بزنی", bot.SentimentNegative},
		{"a sincere blessing stays", "خدا حفظت کنه", bot.SentimentPositive},
	} {
		res, err := a.Analyze(context.Background(), tc.in, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Sentiment.Label != tc.want {
			t.Errorf("Test %d (%s): %q = %s (%.3f), want %s", i, tc.name, tc.in, res.Sentiment.Label, res.Sentiment.Score, tc.want)
		}
	}
}
