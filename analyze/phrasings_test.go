package analyze_test

import (
	"context"
	"testing"

	"engagebot/analyze"
	"engagebot/bot"
)

// TestPhrasingFamilies covers three families of phrasing that once fell
// through to the catch-all: questions that reproach ("why don't you
// answer?"), requests for a person in their many wordings, and thanks
// followed by a contrast ("thanks, but not satisfied"). Each family has
// members in Persian, Finglish and English, and near misses that must keep
// their old reading.
func TestPhrasingFamilies(t *testing.T) {
	a, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		family, text, intent, sentiment string // sentiment "" is not checked
	}{
		// A near miss keeps the reading it had before these families were
		// added (a product question, praise).
		// Reproach questions: why + a negative verb, or "nobody answers".
		{"reproach", "چرا جواب نمیدید؟ خیلی بدید", bot.IntentComplaint, bot.SentimentNegative},
		{"reproach", "چرا جواب نمیدید؟", bot.IntentComplaint, ""},
		{"reproach", "چرا پیگیری نمیکنید؟", bot.IntentComplaint, ""},
		{"reproach", "چرا هنوز سفارشم نرسیده؟", bot.IntentComplaint, ""},
		{"reproach", "چرا کسی جواب نمیده", bot.IntentComplaint, ""},
		{"reproach", "سه روزه پیام دادم کسی جواب نداد", bot.IntentComplaint, ""},
		{"reproach", "why don't you answer?", bot.IntentComplaint, ""},
		{"reproach", "why hasn't anyone replied to my email?", bot.IntentComplaint, ""},
		{"reproach", "why is nobody replying to my messages?", bot.IntentComplaint, ""},
		{"reproach", "chera javab nemidid?", bot.IntentComplaint, ""},
		{"reproach, near miss", "چرا که نه؟", bot.IntentOther, ""},
		{"reproach, near miss", "why not?", bot.IntentOther, ""},
		{"reproach, near miss", "چرا این قرص رو نباید با شیر خورد؟", bot.IntentMedicalAdvice, ""},
		{"reproach, near miss", "چرا زینکوفر اینقدر خوبه؟", bot.IntentProductQuestion, ""},

		// Asking for a person.
		{"human", "میخوام با یک آدم صحبت کنم", bot.IntentHuman, ""},
		{"human", "میشه با یه نفر حرف بزنم؟", bot.IntentHuman, ""},
		{"human", "لطفا منو وصل کنید به پشتیبانی", bot.IntentHuman, ""},
		{"human", "با یکی از همکاراتون میخوام صحبت کنم", bot.IntentHuman, ""},
		{"human", "میخوام با یک انسان واقعی صحبت کنم نه ربات", bot.IntentHuman, ""},
		{"human", "ba ye adam mikham sohbat konam", bot.IntentHuman, ""},
		{"human", "ba karshenas vasl konid lotfan", bot.IntentHuman, ""},
		{"human", "I want to talk to a human", bot.IntentHuman, ""},
		{"human", "can I speak with someone please", bot.IntentHuman, ""},
		{"human", "put me through to a live agent", bot.IntentHuman, ""},
		{"human, near miss", "یک آدم بی ادب جواب تلفن رو داد", bot.IntentComplaint, ""},
		{"human, near miss", "humanity needs more kindness", bot.IntentPraise, ""},

		// Thanks, but: the contrast is the message.
		{"thanks but", "مرسی ولی اصلا راضی نیستم", bot.IntentComplaint, bot.SentimentNegative},
		{"thanks but", "ممنون ولی محصولتون خیلی بد بود", bot.IntentComplaint, bot.SentimentNegative},
		{"thanks but", "merci vali aslan razi nistam", bot.IntentComplaint, bot.SentimentNegative},
		{"thanks but", "thanks, but I'm really disappointed", bot.IntentComplaint, bot.SentimentNegative},
		{"thanks but", "thank you but this was a terrible experience", bot.IntentComplaint, bot.SentimentNegative},
		{"thanks but, near miss", "مرسی، ولی یه سوال دیگه هم دارم", bot.IntentThanks, ""},
		{"thanks but, near miss", "thanks, but I already found it", bot.IntentThanks, ""},
		{"thanks but, near miss", "خیلی ممنون عالی بود", bot.IntentPraise, bot.SentimentPositive},
	} {
		res, err := a.Analyze(context.Background(), tc.text, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Intent != tc.intent || tc.sentiment != "" && res.Sentiment.Label != tc.sentiment {
			t.Errorf("%d %s: %q: intent %s sentiment %s (%.2f), want %s %s",
				i, tc.family, tc.text, res.Intent, res.Sentiment.Label, res.Sentiment.Score, tc.intent, tc.sentiment)
		}
	}
}

// TestPhrasingFamilies_Flags: a reproach and a request for a person raise
// the medium flag a person answers; thanks-but is a complaint, flagged too.
func TestPhrasingFamilies_Flags(t *testing.T) {
	a, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ text, reason string }{
		{"چرا جواب نمیدید؟ خیلی بدید", bot.IntentComplaint},
		{"میخوام با یک آدم صحبت کنم", bot.IntentHuman},
		{"مرسی ولی اصلا راضی نیستم", bot.IntentComplaint},
	} {
		res, err := a.Analyze(context.Background(), tc.text, "")
		if err != nil {
			t.Fatal(err)
		}
		fl := bot.Flags(res)
		if len(fl) == 0 || fl[0].Reason != tc.reason || fl[0].Severity != bot.SeverityMedium {
			t.Errorf("%q: flags %+v, want %s medium", tc.text, fl, tc.reason)
		}
	}
}
