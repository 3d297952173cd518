package web

import (
	"slices"

	"engagebot/bot"
)

// The campaigns' and segments' texts and template helpers, added to the
// dashboard's at start. A key that some other page already has is not
// taken (the other page's text stays) and is listed in wordClashes, which
// a test keeps empty.

// wordClashes are the keys of campaignWords that were already words.
var wordClashes []string

func init() {
	for lang, m := range campaignWords {
		for k, w := range m {
			if _, ok := words[lang][k]; ok {
				wordClashes = append(wordClashes, lang+":"+k)
				continue
			}
			words[lang][k] = w
		}
	}
	slices.Sort(wordClashes)

	pageFuncs["termsOf"] = func(v *view, r bot.Rule) any {
		return struct {
			V     *view
			Terms []ruleTerm
		}{v, v.Terms(r)}
	}
	pageFuncs["fieldsOf"] = func(v *view, f ruleForm, platforms []string, required bool) any {
		return struct {
			V         *view
			F         ruleForm
			Platforms []string
			Required  bool
		}{v, f, platforms, required}
	}
	pageFuncs["sampleOf"] = func(v *view, sample []profileView, count int) any {
		return struct {
			V      *view
			Sample []profileView
			Count  int
		}{v, sample, count}
	}
	pageFuncs["barOf"] = func(v *view, bar []barPart) any {
		return struct {
			V   *view
			Bar []barPart
		}{v, bar}
	}
	pageFuncs["list"] = func(s ...string) []string { return s }
	pageFuncs["consentOf"] = func(c bot.Consent) string {
		if c == bot.ConsentUnknown {
			return "unknown"
		}
		return string(c)
	}
}

// campaignWords are the campaigns' and segments' texts by language and
// key. Each skip reason of bot (Skip*) has its "skip_" text.
var campaignWords = map[string]map[string]string{
	bot.LangFa: {
		"their_name":          "نام",
		"segments":            "بخش‌های مخاطبان",
		"segment":             "بخش مخاطبان",
		"rule":                "قاعده",
		"count_now":           "شمار کنونی",
		"delete":              "حذف",
		"none_segments":       "هنوز بخشی تعریف نشده است.",
		"preview":             "پیش‌نمایش",
		"matches":             "دنبال‌کنندگانی که می‌خورند",
		"new_segment":         "بخش تازه",
		"interests":           "علاقه‌ها",
		"interests_hint":      "دیابت، پوست",
		"trend":               "روند احساس",
		"trend_rising":        "رو به بهتر",
		"trend_falling":       "رو به بدتر",
		"trend_steady":        "پایدار",
		"consent":             "رضایت دریافت",
		"consent_given":       "داده",
		"consent_revoked":     "پس گرفته",
		"consent_unknown":     "نامعلوم",
		"open_case":           "پروندهٔ عارضهٔ باز",
		"opt_yes":             "بله",
		"opt_no":              "خیر",
		"min_messages":        "کمترین شمار پیام",
		"max_messages":        "بیشترین شمار پیام",
		"min_mood":            "کمترین حال",
		"max_mood":            "بیشترین حال",
		"last_contact_within": "آخرین پیام در",
		"inactive_for":        "بی‌پیام از",
		"days":                "روز",
		"hours":               "ساعت",
		"list_sep":            "، ",
		"segment_hint":        "هر شرطی که پر شود باید بخورد؛ علاقه‌ها را با ویرگول جدا کنید؛ زمان‌ها مانند 30d (روز) یا 72h (ساعت). پیش‌نمایش شمار و نمونه را نشان می‌دهد و چیزی را نگه نمی‌دارد.",
		"create_segment":      "ساختن بخش",
		"segments_pr_only":    "ساختن، ویرایش و حذف بخش‌ها با روابط عمومی است؛ شما شمارها را می‌بینید.",
		"everyone":            "همهٔ دنبال‌کنندگان",
		"sample":              "نمونه‌ای از دنبال‌کنندگان",
		"last_seen":           "آخرین پیام",
		"sample_pr_only":      "نمونهٔ دنبال‌کنندگان را روابط عمومی و کارشناسان پاسخ می‌بینند.",
		"none_match":          "هیچ دنبال‌کننده‌ای با این قاعده نمی‌خورد.",
		"done_segment_create": "بخش ساخته شد.",
		"done_segment_delete": "بخش حذف شد.",
		"done_segment_edit":   "بخش تغییر کرد.",
		"edit_segment":        "ویرایش بخش",
		"save_segment":        "ذخیرهٔ تغییرها",
		"seg_edit_reset":      "بازگرداندن فرم",
		"seg_edit_hint":       "هر شرطی که پر شود باید بخورد. کمپینی که در حال ارسال یا مکث‌شده است با قاعده‌ای که هنگام آغاز داشت ادامه می‌دهد؛ پیش‌نویس‌ها هنگام آغاز قاعدهٔ تازه را می‌گیرند.",
		"seg_delete_ask":      "این بخش برای همیشه حذف شود؟ بخشی که کمپینی پیش‌نویس، در حال ارسال یا مکث‌شده آن را هدف گرفته است حذف نمی‌شود.",
		"seg_delete_yes":      "بله، حذف شود",

		"campaigns":            "کمپین‌ها",
		"campaign":             "کمپین",
		"kind":                 "گونه",
		"progress":             "پیشرفت",
		"kind_message":         "پیام",
		"kind_survey":          "نظرسنجی",
		"kind_event":           "دعوت به رویداد",
		"state_draft":          "پیش‌نویس",
		"state_running":        "در حال ارسال",
		"state_paused":         "مکث‌شده",
		"state_done":           "پایان‌یافته",
		"state_cancelled":      "لغوشده",
		"sent":                 "فرستاده",
		"failed":               "ناموفق",
		"pending":              "در انتظار",
		"skipped":              "کنار گذاشته",
		"targeted":             "گیرندگان هدف",
		"none_campaigns":       "هنوز کمپینی نیست.",
		"new_campaign":         "کمپین تازه",
		"window":               "بازهٔ ارسال",
		"window_hint":          "به وقت هر دنبال‌کننده؛ شب‌ها پیامی نمی‌رود.",
		"no_segments_yet":      "نخست یک بخش مخاطبان بسازید.",
		"accounts_hint":        "حساب‌ها با ویرگول، به شکل سکو.حساب",
		"text_b":               "متن گونهٔ دوم (آزمون A/B، اختیاری)",
		"text_hint":            "متن یک الگوست: {{.Name}} نام دنبال‌کننده است. با متن دوم، هر دنبال‌کننده یکی از دو گونه را می‌گیرد و گونه‌ها در صفحهٔ کمپین مقایسه می‌شوند.",
		"for_survey":           "برای نظرسنجی",
		"question":             "پرسش",
		"options":              "گزینه‌ها (هر کدام در یک خط)",
		"for_event":            "برای دعوت به رویداد",
		"event_title":          "عنوان رویداد",
		"event_at":             "زمان",
		"event_place":          "مکان",
		"event_link":           "پیوند",
		"event_remind":         "یادآوری پیش از آن",
		"create_campaign":      "ساختن پیش‌نویس",
		"campaigns_pr_only":    "ساختن و راه‌اندازی کمپین‌ها با روابط عمومی است؛ شما پیشرفت را می‌بینید.",
		"started":              "آغاز",
		"finished":             "پایان",
		"do_dry_run":           "آزمایش بی‌ارسال",
		"do_start":             "آغاز ارسال",
		"do_pause":             "مکث",
		"do_resume":            "ادامه",
		"do_cancel":            "لغو کمپین",
		"dry_run_title":        "آزمایش بی‌ارسال",
		"dry_run_note":         "آنچه نخستین دنبال‌کنندگان بخش اکنون دریافت می‌کردند؛ چیزی فرستاده یا ثبت نشد.",
		"variant":              "گونه",
		"due":                  "زمان ارسال",
		"would_skip":           "کنار گذاشته می‌شد",
		"campaign_updates":     "این شمارها تا وقتی کمپین در کار است خودشان به‌روز می‌شوند.",
		"skipped_by_reason":    "کنار گذاشته‌ها به دلیل",
		"listing":              "فهرست گیرندگان هنوز کامل نشده است؛ شمار هدف بالا می‌رود.",
		"variants_compared":    "مقایسهٔ گونه‌ها",
		"replies":              "پاسخ‌ها",
		"reply_rate":           "نرخ پاسخ",
		"opt_outs":             "لغو دریافت",
		"opt_out_rate":         "نرخ لغو",
		"mean_sentiment":       "میانگین احساس پاسخ‌ها",
		"of_replies":           "از",
		"no_replies":           "پاسخی نیامده",
		"variants_note":        "پاسخ یعنی پیامی از دنبال‌کننده تا ۷۲ ساعت پس از پیام کمپین؛ احساس از −۱ تا +۱.",
		"survey_answers":       "پاسخ‌های نظرسنجی",
		"event_answers":        "پاسخ به دعوت",
		"answered":             "شمار پاسخ‌دهندگان:",
		"attendees_csv":        "فهرست شرکت‌کنندگان (CSV)",
		"what_goes_out":        "آنچه فرستاده می‌شود",
		"template":             "الگو",
		"default_text":         "متن پیش‌فرض این گونه کمپین",
		"done_campaign_create": "پیش‌نویس کمپین ساخته شد.",
		"done_campaign_start":  "کمپین آغاز شد.",
		"done_campaign_pause":  "کمپین مکث کرد.",
		"done_campaign_resume": "کمپین ادامه یافت.",
		"done_campaign_cancel": "کمپین لغو شد.",

		"skip_" + bot.SkipNoConsent:    "بی‌رضایت دریافت",
		"skip_" + bot.SkipOptedOut:     "لغو دریافت کرده",
		"skip_" + bot.SkipBlocked:      "مسدود",
		"skip_" + bot.SkipOpenCase:     "پروندهٔ عارضهٔ باز",
		"skip_" + bot.SkipNotStarted:   "ربات را آغاز نکرده",
		"skip_" + bot.SkipNoDM:         "پیام خصوصی ممکن نیست",
		"skip_" + bot.SkipMetaWindow:   "بیرون از بازهٔ ۲۴ ساعتهٔ متا",
		"skip_" + bot.SkipRefused:      "سکو نمی‌پذیرد",
		"skip_" + bot.SkipRenderFailed: "متن ساخته نشد",
		"skip_" + bot.SkipCancelled:    "کمپین لغو شد",
	},
	bot.LangEn: {
		"their_name":          "Name",
		"segments":            "Segments",
		"segment":             "Segment",
		"rule":                "Rule",
		"count_now":           "Followers now",
		"delete":              "Delete",
		"none_segments":       "No segments yet.",
		"preview":             "Preview",
		"matches":             "Followers matching",
		"new_segment":         "New segment",
		"interests":           "Interests",
		"interests_hint":      "diabetes, skin",
		"trend":               "Mood trend",
		"trend_rising":        "rising",
		"trend_falling":       "falling",
		"trend_steady":        "steady",
		"consent":             "Consent",
		"consent_given":       "given",
		"consent_revoked":     "withdrawn",
		"consent_unknown":     "unknown",
		"open_case":           "Open side-effect case",
		"opt_yes":             "yes",
		"opt_no":              "no",
		"min_messages":        "At least messages",
		"max_messages":        "At most messages",
		"min_mood":            "Mood at least",
		"max_mood":            "Mood at most",
		"last_contact_within": "Wrote within",
		"inactive_for":        "Silent for",
		"days":                "days",
		"hours":               "hours",
		"list_sep":            ", ",
		"segment_hint":        "Every field filled in must match; separate interests with commas; spans such as 30d (days) or 72h (hours). Preview shows the count and a sample and keeps nothing.",
		"create_segment":      "Create segment",
		"segments_pr_only":    "PR staff create, change and delete segments; you see their counts.",
		"everyone":            "every follower",
		"sample":              "A sample of the followers",
		"last_seen":           "Last message",
		"sample_pr_only":      "PR staff and moderators see a sample of the followers.",
		"none_match":          "No follower matches this rule.",
		"done_segment_create": "Segment created.",
		"done_segment_delete": "Segment deleted.",
		"done_segment_edit":   "Segment changed.",
		"edit_segment":        "Edit segment",
		"save_segment":        "Save changes",
		"seg_edit_reset":      "Reset the form",
		"seg_edit_hint":       "Every field filled in must match. A running or paused campaign keeps the rule it started with; a draft takes the new rule when it starts.",
		"seg_delete_ask":      "Delete this segment for good? A segment that a draft, running or paused campaign targets is not deleted.",
		"seg_delete_yes":      "Yes, delete it",

		"campaigns":            "Campaigns",
		"campaign":             "Campaign",
		"kind":                 "Kind",
		"progress":             "Progress",
		"kind_message":         "message",
		"kind_survey":          "survey",
		"kind_event":           "event invitation",
		"state_draft":          "draft",
		"state_running":        "running",
		"state_paused":         "paused",
		"state_done":           "done",
		"state_cancelled":      "cancelled",
		"sent":                 "Sent",
		"failed":               "Failed",
		"pending":              "Pending",
		"skipped":              "Skipped",
		"targeted":             "Targeted",
		"none_campaigns":       "No campaigns yet.",
		"new_campaign":         "New campaign",
		"window":               "Send window",
		"window_hint":          "in each follower's time zone; nothing goes out at night.",
		"no_segments_yet":      "Create a segment first.",
		"accounts_hint":        "accounts separated by commas, as platform.account",
		"text_b":               "Second variant's text (A/B test, optional)",
		"text_hint":            "The text is a template: {{.Name}} is the follower's name. With a second text each follower gets one of the two variants, compared on the campaign's page.",
		"for_survey":           "For a survey",
		"question":             "Question",
		"options":              "Options (one per line)",
		"for_event":            "For an event invitation",
		"event_title":          "Event",
		"event_at":             "When",
		"event_place":          "Place",
		"event_link":           "Link",
		"event_remind":         "Remind this long before",
		"create_campaign":      "Create draft",
		"campaigns_pr_only":    "PR staff create and run campaigns; you see their progress.",
		"started":              "Started",
		"finished":             "Finished",
		"do_dry_run":           "Dry run",
		"do_start":             "Start",
		"do_pause":             "Pause",
		"do_resume":            "Resume",
		"do_cancel":            "Cancel campaign",
		"dry_run_title":        "Dry run",
		"dry_run_note":         "What the segment's first followers would receive now; nothing was sent or kept.",
		"variant":              "Variant",
		"due":                  "goes out",
		"would_skip":           "Would be skipped",
		"campaign_updates":     "These numbers update themselves while the campaign runs.",
		"skipped_by_reason":    "Skipped, by reason",
		"listing":              "The recipients are still being listed; the number targeted grows.",
		"variants_compared":    "Variants compared",
		"replies":              "Replies",
		"reply_rate":           "Reply rate",
		"opt_outs":             "Opt-outs",
		"opt_out_rate":         "Opt-out rate",
		"mean_sentiment":       "Mean reply sentiment",
		"of_replies":           "of",
		"no_replies":           "no replies",
		"variants_note":        "A reply is a follower's message within 72 hours of the campaign's; sentiment runs from −1 to +1.",
		"survey_answers":       "Survey answers",
		"event_answers":        "Answers to the invitation",
		"answered":             "Answered:",
		"attendees_csv":        "Attendees (CSV)",
		"what_goes_out":        "What goes out",
		"template":             "Template",
		"default_text":         "the default text of this kind of campaign",
		"done_campaign_create": "Draft campaign created.",
		"done_campaign_start":  "Campaign started.",
		"done_campaign_pause":  "Campaign paused.",
		"done_campaign_resume": "Campaign resumed.",
		"done_campaign_cancel": "Campaign cancelled.",

		"skip_" + bot.SkipNoConsent:    "no consent",
		"skip_" + bot.SkipOptedOut:     "opted out",
		"skip_" + bot.SkipBlocked:      "blocked",
		"skip_" + bot.SkipOpenCase:     "open side-effect case",
		"skip_" + bot.SkipNotStarted:   "never started the bot",
		"skip_" + bot.SkipNoDM:         "direct messages not allowed",
		"skip_" + bot.SkipMetaWindow:   "outside Meta's 24-hour window",
		"skip_" + bot.SkipRefused:      "the platform would refuse it",
		"skip_" + bot.SkipRenderFailed: "the text could not be made",
		"skip_" + bot.SkipCancelled:    "campaign cancelled",
	},
}
