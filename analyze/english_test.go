package analyze_test

import (
	"context"
	"testing"

	"engagebot/bot"
)

// TestAnalyze_EnglishRules covers the English rules beyond VADER's word
// list: "like" as a preposition, superlatives, hashtags run together,
// stretched modifiers, swear words as intensifiers, questions.
func TestAnalyze_EnglishRules(t *testing.T) {
	a := mustNew(t)
	for i, tc := range []struct {
		name, in, want string
	}{
		{"like as preposition", "it looks like rain this afternoon", bot.SentimentNeutral},
		{"like as filler", "it's like 20 degrees outside", bot.SentimentNeutral},
		{"like as verb", "i like this new design", bot.SentimentPositive},
		{"like with an object", "kids like it", bot.SentimentPositive},
		{"don't like", "i don't like it", bot.SentimentNegative},
		{"superlative", "she is the sweetest person", bot.SentimentPositive},
		{"superlative doubled", "the saddest day", bot.SentimentNegative},
		{"-er nouns are not comparatives", "my sister ordered dinner", bot.SentimentNeutral},
		{"hashtag negated", "#notgood", bot.SentimentNegative},
		{"hashtag boosted", "#sohappy", bot.SentimentPositive},
		{"hashtag of unknown words", "#bluemonday2", bot.SentimentNeutral},
		{"phrase opened by a negator", "can't wait for the weekend", bot.SentimentPositive},
		{"can't stand", "i can't stand this noise", bot.SentimentNegative},
		{"could be better", "the service could be better", bot.SentimentNegative},
		{"swear intensifies praise", "damn good coffee", bot.SentimentPositive},
		{"swear alone", "damn, missed the bus", bot.SentimentNegative},
		{"yes/no question asks", "is the new menu any good?", bot.SentimentNeutral},
		{"info question asks", "who won the game last night?", bot.SentimentNeutral},
		{"shared feeling", "is anyone else loving this weather?", bot.SentimentPositive},
		{"rhetorical negative question", "isn't this the best song ever?", bot.SentimentPositive},
		{"exclaiming how", "how cool is that?", bot.SentimentPositive},
		{"why complains", "why is this so bad?", bot.SentimentNegative},
		{"statement keeps sentiment", "the new menu is good", bot.SentimentPositive},
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

func TestAnalyze_StretchedBooster(t *testing.T) {
	a := mustNew(t)
	score := func(s string) float64 {
		res, err := a.Analyze(context.Background(), s, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Sentiment.Score
	}
	if s, p := score("soooo happy"), score("happy"); !(s > p) {
		t.Errorf("want soooo happy (%.3f) > happy (%.3f)", s, p)
	}
	if s, p := score("damn good"), score("good"); !(s > p) {
		t.Errorf("want damn good (%.3f) > good (%.3f)", s, p)
	}
}
