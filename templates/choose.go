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

// The special situations of drug safety each have a reply named after
// their signal: reply.overdose, reply.pregnancy_exposure ... None gives a
// dose: they send the follower to a doctor, a pharmacist or emergency
// services, and say the safety (or quality) team will follow up.
var specialTemplates = func() []string {
	out := make([]string, len(bot.SpecialSituations))
	for i, s := range bot.SpecialSituations {
		out[i] = "reply." + s
	}
	return out
}()

// replyTemplates are every template choose can return; the default
// language must have them all.
var replyTemplates = []string{
	tmplSelfHarm, tmplSideEffect, tmplLegalThreat, tmplAbuse, tmplSpam, tmplSurveyAnswer, tmplOther,
	"reply." + bot.IntentGreeting, "reply." + bot.IntentThanks, "reply." + bot.IntentProductQuestion,
	"reply." + bot.IntentPrice, "reply." + bot.IntentWhereToBuy, "reply." + bot.IntentComplaint,
	"reply." + bot.IntentPraise, "reply." + bot.IntentHuman, "reply." + bot.IntentMedicalAdvice,
	"reply." + bot.IntentOptOut, "reply." + bot.IntentOptIn,
	"reply." + bot.SignalOverdose, "reply." + bot.SignalPregnancy, "reply." + bot.SignalMedicationError,
	"reply." + bot.SignalMisuse, "reply." + bot.SignalQualityComplaint, "reply." + bot.SignalLackOfEfficacy,
	"reply." + bot.SignalOffLabel, upsetReply,
}

// private are replies that must not be discussed in public: the core turns
// them into private answers to public comments. Set by name, so an
// override template cannot lose it.
var private = func() map[string]bool {
	m := map[string]bool{
		tmplSelfHarm: true, tmplSideEffect: true, tmplLegalThreat: true, "reply." + bot.IntentComplaint: true,
	}
	for _, t := range specialTemplates {
		m[t] = true // a safety report is followed up in private
	}
	return m
}()

// mustAnswer are replies a template may not skip: a person in danger or a
// reported adverse event always gets an answer.
var mustAnswer = func() map[string]bool {
	m := map[string]bool{tmplSelfHarm: true, tmplSideEffect: true}
	for _, t := range specialTemplates {
		m[t] = true
	}
	return m
}()

// SurveyPrefix starts the callback data of survey buttons
// ("survey:<id>:<option>"); a press is answered with reply.survey_answer.
const SurveyPrefix = "survey:"

// choose picks the reply template for a request without one. Safety comes
// first: a message that mentions self-harm, an overdose, exposure in
// pregnancy, an adverse event or another special situation gets that
// answer whatever else it says (a legal threat outranks only lack of
// efficacy and off-label use). Then come the intents a person must see,
// which abuse or a link must not hide (an angry complaint is still a
// complaint), then abuse and spam, and last the plain intent.
func choose(req bot.RenderRequest) string {
	a := req.Analysis
	switch {
	case a.Has(bot.SignalSelfHarm):
		return tmplSelfHarm
	case a.Has(bot.SignalOverdose):
		return "reply." + bot.SignalOverdose
	case a.Has(bot.SignalPregnancy):
		return "reply." + bot.SignalPregnancy
	case a.Has(bot.SignalAdverseEvent) || a.Intent == bot.IntentSideEffect:
		return tmplSideEffect
	}
	for _, s := range []string{bot.SignalMedicationError, bot.SignalMisuse, bot.SignalQualityComplaint} {
		if a.Has(s) {
			return "reply." + s
		}
	}
	if a.Has(bot.SignalLegalThreat) {
		return tmplLegalThreat
	}
	for _, s := range []string{bot.SignalLackOfEfficacy, bot.SignalOffLabel} {
		if a.Has(s) {
			return "reply." + s
		}
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
