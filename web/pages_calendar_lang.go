package web

import "engagebot/bot"

func init() { addOwnWords(calendarWords) }

// calendarWords are the calendar's texts by language and key. Each slot
// state and post state has its "cal_st_" text.
var calendarWords = map[string]map[string]string{
	bot.LangFa: {
		"calendar":                 "تقویم انتشار",
		"cal_prev":                 "ماه پیش",
		"cal_next":                 "ماه بعد",
		"cal_show_gregorian":       "تقویم میلادی",
		"cal_show_jalali":          "تقویم شمسی",
		"cal_by_day":               "روزبه‌روز",
		"cal_none":                 "در این ماه پستی زمان‌بندی نشده است.",
		"cal_recurring":            "تکرارشونده",
		"cal_planned":              "در پیش",
		"cal_no_clocks":            "از پست‌های تکرارشونده فقط نوبت بعدی دیده می‌شود.",
		"cal_more":                 "نوبت‌های دیگرِ نشان‌داده‌نشده:",
		"cal_st_queued":            "در صف",
		"cal_st_published":         "منتشر شد",
		"cal_st_failed":            "ناموفق",
		"cal_st_unknown":           "نامعلوم",
		"cal_st_missed":            "از دست رفت",
		"cal_st_draft":             "پیش‌نویس",
		"cal_st_awaiting_approval": "در انتظار تأیید",
		"cal_st_approved":          "تأییدشده",
		"cal_st_scheduled":         "زمان‌بندی‌شده",
	},
	bot.LangEn: {
		"calendar":                 "Publishing calendar",
		"cal_prev":                 "Previous month",
		"cal_next":                 "Next month",
		"cal_show_gregorian":       "Gregorian calendar",
		"cal_show_jalali":          "Solar Hijri calendar",
		"cal_by_day":               "Day by day",
		"cal_none":                 "No posts are scheduled this month.",
		"cal_recurring":            "recurring",
		"cal_planned":              "to come",
		"cal_no_clocks":            "Recurring posts show their next slot only.",
		"cal_more":                 "further slots not shown:",
		"cal_st_queued":            "queued",
		"cal_st_published":         "published",
		"cal_st_failed":            "failed",
		"cal_st_unknown":           "unknown",
		"cal_st_missed":            "missed",
		"cal_st_draft":             "draft",
		"cal_st_awaiting_approval": "awaiting approval",
		"cal_st_approved":          "approved",
		"cal_st_scheduled":         "scheduled",
	},
}
