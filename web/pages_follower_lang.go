package web

import "engagebot/bot"

func init() { addOwnWords(followerWords) }

// followerWords are a follower's page's texts, and the thread page's
// satisfaction question, by language and key.
var followerWords = map[string]map[string]string{
	bot.LangFa: {
		"follower_profile":     "نمایهٔ دنبال‌کننده",
		"fol_blocked":          "مسدود",
		"fol_muted":            "بی‌پاسخ",
		"fol_unknown":          "نامعلوم",
		"fol_mood":             "حال‌وهوا",
		"fol_via":              "از راه",
		"fol_tz":               "منطقهٔ زمانی",
		"fol_none_interests":   "هنوز علاقه‌ای ثبت نشده است.",
		"fol_linked":           "نمایه‌های پیوندخورده",
		"fol_linked_note":      "نمایه‌های یک نفر در سکوهای دیگر: علاقه‌ها و پیشینه با هم خوانده می‌شوند؛ رضایت برای هر سکو جداست.",
		"fol_none_linked":      "نمایهٔ دیگری به این دنبال‌کننده پیوند نخورده است.",
		"fol_link":             "پیوند بزن",
		"fol_unlink":           "جدا کن",
		"fol_tz_note":          "پنجرهٔ ارسال کارزارها به وقت این منطقه خوانده می‌شود.",
		"fol_tz_common":        "منطقه‌های رایج",
		"fol_tz_other":         "یا نام منطقهٔ دیگر",
		"fol_tz_set":           "ثبت منطقهٔ زمانی",
		"done_follower_link":   "نمایه‌ها پیوند خوردند.",
		"done_follower_unlink": "نمایه جدا شد.",
		"done_follower_tz":     "منطقهٔ زمانی ثبت شد.",
		"csat_ask":             "پرسیدن میزان رضایت (۱ تا ۵)",
		"done_resolve_csat":    "بسته شد و میزان رضایت پرسیده شد.",
	},
	bot.LangEn: {
		"follower_profile":     "Follower",
		"fol_blocked":          "blocked",
		"fol_muted":            "muted",
		"fol_unknown":          "unknown",
		"fol_mood":             "Mood",
		"fol_via":              "through",
		"fol_tz":               "Time zone",
		"fol_none_interests":   "No interests yet.",
		"fol_linked":           "Linked profiles",
		"fol_linked_note":      "The same person's profiles on other platforms: their interests and history are read together; consent stays per channel.",
		"fol_none_linked":      "No other profile is linked to this follower.",
		"fol_link":             "Link",
		"fol_unlink":           "Unlink",
		"fol_tz_note":          "Campaigns' send windows are read in this zone.",
		"fol_tz_common":        "Common zones",
		"fol_tz_other":         "or another zone's name",
		"fol_tz_set":           "Set the time zone",
		"done_follower_link":   "The profiles are linked.",
		"done_follower_unlink": "The profile is unlinked.",
		"done_follower_tz":     "The time zone is set.",
		"csat_ask":             "ask how satisfied they are (1-5)",
		"done_resolve_csat":    "Resolved, and asked how satisfied they are.",
	},
}
