package web

import (
	"testing"

	"engagebot/bot"
)

// The campaigns' texts take no key another page already has, and every
// skip reason the core writes has its text in both languages.
func TestCampaignWords(t *testing.T) {
	if len(wordClashes) > 0 {
		t.Errorf("campaignWords repeats keys of the dashboard's words: %v", wordClashes)
	}
	for _, r := range []string{bot.SkipNoConsent, bot.SkipOptedOut, bot.SkipBlocked, bot.SkipOpenCase, bot.SkipNotStarted,
		bot.SkipNoDM, bot.SkipMetaWindow, bot.SkipRefused, bot.SkipRenderFailed, bot.SkipCancelled} {
		for _, lang := range []string{bot.LangFa, bot.LangEn} {
			if tr(lang, "skip_"+r) == "skip_"+r {
				t.Errorf("skip reason %s has no %s text", r, lang)
			}
		}
	}
}
