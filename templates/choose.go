package templates

import (
	"strings"

	"engagebot/bot"
)

// Reply template names the chooser picks from.
const (
	tmplSelfHarm     = "reply.self_harm"
	tmplSideEffect   = "reply.side_effect"
	tmplLegalThreat  = "reply.legal_threat"
	tmplAbuse        = "reply.abuse"
	tmplSpam         = "reply.spam"
	tmplSurveyAnswer = "reply.survey_answer"
	tmplOther        = "reply.other"
)

// replyTemplates are every template choose can return; the default
// language must have them all.
var replyTemplates = []string{
	tmplSelfHarm, tmplSideEffect, tmplLegalThreat, tmplAbuse, tmplSpam, tmplSurveyAnswer, tmplOther,
	"reply." + bot.IntentGreeting, "reply." + bot.IntentThanks, "reply." + bot.IntentProductQuestion,
	"reply." + bot.IntentPrice, "reply." + bot.IntentWhereToBuy, "reply." + bot.IntentComplaint,
	"reply." + bot.IntentPraise, "reply." + bot.IntentHuman, "reply." + bot.IntentMedicalAdvice,
	"reply." + bot.IntentOptOut, "reply." + bot.IntentOptIn,
}

// private are replies that must not be discussed in public: the core turns
// them into private answers to public comments. Set by name, so an
// override template cannot lose it.
var private = map[string]bool{
	tmplSelfHarm: true, tmplSideEffect: true, tmplLegalThreat: true, "reply." + bot.IntentComplaint: true,
}

// mustAnswer are replies a template may not skip: a person in danger or a
// reported adverse event always gets an answer.
var mustAnswer = map[string]bool{tmplSelfHarm: true, tmplSideEffect: true}

// SurveyPrefix starts the callback data of survey buttons
// ("survey:<id>:<option>"); a press is answered with reply.survey_answer.
const SurveyPrefix = "survey:"

// choose picks the reply template for a request without one. Safety comes
// first: a message that mentions self-harm or an adverse event gets that
// answer whatever else it says. Then come the intents a person must see,
// which abuse or a link must not hide (an angry complaint is still a
// complaint), then abuse and spam, and last the plain intent.
func choose(req bot.RenderRequest) string {
	a := req.Analysis
	switch {
	case a.Has(bot.SignalSelfHarm):
		return tmplSelfHarm
	case a.Has(bot.SignalAdverseEvent) || a.Intent == bot.IntentSideEffect:
		return tmplSideEffect
	case a.Has(bot.SignalLegalThreat):
		return tmplLegalThreat
	}
	switch a.Intent {
	case bot.IntentOptOut, bot.IntentComplaint, bot.IntentHuman, bot.IntentMedicalAdvice:
		return "reply." + a.Intent
	}
	switch {
	case a.Has(bot.SignalAbuse):
		return tmplAbuse
	case a.Has(bot.SignalSpam):
		return tmplSpam
	}
	if ev := req.Event; ev != nil && ev.Kind == bot.EventCallback && strings.HasPrefix(ev.Data, SurveyPrefix) {
		return tmplSurveyAnswer
	}
	switch a.Intent {
	case bot.IntentGreeting, bot.IntentThanks, bot.IntentPraise, bot.IntentOptIn,
		bot.IntentProductQuestion, bot.IntentPrice, bot.IntentWhereToBuy:
		return "reply." + a.Intent
	}
	return tmplOther
}
