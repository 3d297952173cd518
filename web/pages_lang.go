package web

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"time"

	"engagebot/bot"
	"engagebot/jalali"
)

// The dashboard's two languages. Persian is the default; a key missing
// from a language shows the key itself, which a test catches.

// tr is the text of key in lang.
func tr(lang, key string) string {
	if key == "" {
		return ""
	}
	m := words[bot.LangFa]
	if lang == bot.LangEn {
		m = words[bot.LangEn]
	}
	if w, ok := m[key]; ok {
		return w
	}
	return key
}

// digits writes s's ASCII digits as Persian ones on a Persian page.
func digits(lang, s string) string {
	if lang == bot.LangEn {
		return s
	}
	return jalali.Digits(s)
}

// when writes t with its date in both calendars, each in a <time> or
// <bdi> so neither reorders the other's digits.
func when(lang string, t time.Time) template.HTML {
	if t.IsZero() {
		return ""
	}
	j := jalali.FromTime(t)
	greg := t.Format("2006-01-02 15:04")
	iso := t.Format(time.RFC3339)
	if lang == bot.LangEn {
		return template.HTML(fmt.Sprintf(`<time datetime="%s"><bdi dir="ltr">%s</bdi></time> <span class="alt">(%s)</span>`,
			iso, greg, template.HTMLEscapeString(j.LongLatin())))
	}
	return template.HTML(fmt.Sprintf(`<time datetime="%s">%s، %s</time> <span class="alt"><bdi dir="ltr">%s</bdi></span>`,
		iso, template.HTMLEscapeString(j.Long()), jalali.Digits(t.Format("15:04")), greg))
}

// day writes t's date in both calendars, without the time.
func day(lang string, t time.Time) template.HTML {
	if t.IsZero() {
		return ""
	}
	j := jalali.FromTime(t)
	greg := t.Format("2006-01-02")
	if lang == bot.LangEn {
		return template.HTML(fmt.Sprintf(`<bdi dir="ltr">%s</bdi> <span class="alt">(%s)</span>`, greg, template.HTMLEscapeString(j.LongLatin())))
	}
	return template.HTML(fmt.Sprintf(`%s <span class="alt"><bdi dir="ltr">%s</bdi></span>`, template.HTMLEscapeString(j.Long()), greg))
}

// ltrRun finds what reads left to right inside any text: links, e-mail
// addresses and numbers (a phone number with its dashes or spaces).
var ltrRun = regexp.MustCompile(`https?://[^\s<>"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?[0-9][0-9\- ]*[0-9]|[0-9]`)

// isolate escapes a follower's or a person's text and isolates its
// left-to-right runs in <bdi dir="ltr">, so a phone number or a link in
// Persian text keeps its order.
func isolate(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range ltrRun.FindAllStringIndex(s, -1) {
		b.WriteString(template.HTMLEscapeString(s[last:m[0]]))
		b.WriteString(`<bdi dir="ltr">`)
		b.WriteString(template.HTMLEscapeString(s[m[0]:m[1]]))
		b.WriteString(`</bdi>`)
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(b.String())
}

var pageFuncs = template.FuncMap{
	"isolate": isolate,
	"join": func(list []bot.Role) string {
		s := make([]string, len(list))
		for i, r := range list {
			s[i] = string(r)
		}
		return strings.Join(s, ", ")
	},
	"has": func(list []bot.Role, r bot.Role) bool {
		for _, x := range list {
			if x == r {
				return true
			}
		}
		return false
	},
	"sev":    func(s bot.Severity) string { return s.String() },
	"f1":     func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"f2":     func(f float64) string { return fmt.Sprintf("%.2f", f) },
	"str":    func(v any) string { return fmt.Sprint(v) },
	"neg":    func(n int) int { return -n },
	"labels": func() []string { return []string{bot.SentimentPositive, bot.SentimentNeutral, bot.SentimentNegative} },
	"caseView": func(v *view, c caseRow) any {
		return struct {
			V *view
			C caseRow
		}{v, c}
	},
	"chartView": func(v *view, c chart, id string) any {
		return struct {
			V  *view
			C  chart
			ID string
		}{v, c, id}
	},
	"baseline": func(h int) string { return fmt.Sprintf("%.1f", float64(h)-chartBottom) },
	"minus":    func(d, n int) int { return n - d },
}

// words are the dashboard's texts by language and key.
var words = map[string]map[string]string{
	bot.LangFa: {
		"assign":               "سپردن",
		"assign_to":            "نام کارشناس",
		"done_assign":          "گفت‌وگو سپرده شد.",
		"waiting":              "ارسال‌های در انتظار تصمیم",
		"waiting_note":         "این پیام‌ها شاید به سکو رسیده باشند یا نرسیده‌اند؛ اگر در گفت‌وگو دیده می‌شود «رسیده» بزنید، وگرنه دوباره بفرستید.",
		"out_unknown":          "نامعلوم",
		"out_failed":           "ناموفق",
		"attempts":             "تلاش",
		"mark_sent":            "رسیده است",
		"resend":               "دوباره بفرست",
		"done_outbound_sent":   "ثبت شد که رسیده است.",
		"done_outbound_resend": "دوباره در صف ارسال است.",

		"st_open":          "باز",
		"st_closed":        "بسته",
		"case_open":        "باز",
		"case_confirmed":   "تأییدشده",
		"case_dismissed":   "ردشده",
		"greeting":         "سلام",
		"thanks":           "سپاس",
		"price":            "قیمت و موجودی",
		"praise":           "تعریف",
		"human":            "درخواست کارشناس",
		"other":            "دیگر",
		"product_question": "پرسش دربارهٔ فراورده",
		"where_to_buy":     "محل خرید",
		"medical_advice":   "پرسش پزشکی",
		"side_effect":      "گزارش عارضه",
		"opt_out":          "لغو دریافت",
		"opt_in":           "پذیرش دریافت",

		"brand":                 "میز کار",
		"sign_in":               "ورود",
		"sign_out":              "خروج",
		"name":                  "نام کاربری",
		"password":              "گذرواژه",
		"wrong_password":        "نام کاربری یا گذرواژه درست نیست.",
		"too_many":              "تلاش‌های ناموفق زیاد بود؛ کمی بعد دوباره امتحان کنید.",
		"queue":                 "صف پیام‌های نشان‌دار",
		"thread":                "گفت‌وگو",
		"safety":                "صف ایمنی دارو",
		"charts":                "نمودار احساسات",
		"alerts":                "هشدارهای بحران",
		"users":                 "کاربران",
		"tokens":                "توکن‌های API",
		"follower":              "داده‌های دنبال‌کننده",
		"audit":                 "گزارش کارها",
		"refused":               "اجازه ندارید",
		"problem":               "مشکلی پیش آمد",
		"language":              "زبان",
		"lang_fa":               "فارسی",
		"lang_en":               "English",
		"change":                "تغییر",
		"platform":              "سکو",
		"account":               "حساب",
		"reason":                "دلیل",
		"lang":                  "زبان",
		"assignee":              "مسئول",
		"filter":                "پالایش",
		"clear":                 "پاک کردن",
		"all":                   "همه",
		"severity":              "شدت",
		"created":               "زمان",
		"text":                  "متن",
		"open":                  "باز کردن",
		"next_page":             "صفحهٔ بعد",
		"none_open":             "پیام نشان‌داری در صف نیست.",
		"updates":               "این صفحه با رسیدن پیام نشان‌دار تازه خودش به‌روز می‌شود.",
		"new_flags":             "پیام نشان‌دار تازه رسید؛ صفحه به‌روز می‌شود…",
		"mode":                  "حالت",
		"mode_bot":              "پاسخ با ربات",
		"mode_human":            "در دست کارشناس",
		"moderator":             "کارشناس",
		"follower_id":           "دنبال‌کننده",
		"in":                    "از دنبال‌کننده",
		"out":                   "پاسخ ما",
		"sentiment":             "احساس",
		"signals":               "نشانه‌ها",
		"override":              "اصلاح به دست",
		"machine":               "ماشین",
		"correct":               "اصلاح برچسب",
		"takeover":              "در دست گرفتن",
		"release":               "واگذاری به ربات",
		"resolve":               "بستن موضوع",
		"note":                  "یادداشت",
		"reply":                 "پاسخ",
		"private_note":          "یادداشت خصوصی",
		"mute":                  "بی‌صدا کردن",
		"mute_mute":             "بات به او پاسخ ندهد",
		"mute_block":            "مسدود: بدون پاسخ و بدون کمپین",
		"mute_unmute":           "بات دوباره پاسخ دهد",
		"done_mute_mute":        "بات دیگر به این دنبال‌کننده پاسخ نمی‌دهد.",
		"done_mute_block":       "دنبال‌کننده مسدود شد.",
		"done_mute_unmute":      "بات دوباره پاسخ می‌دهد.",
		"note_hint":             "فقط کارکنان آن را می‌بینند؛ برای دنبال‌کننده فرستاده نمی‌شود.",
		"add_note":              "افزودن یادداشت",
		"done_note":             "یادداشت افزوده شد.",
		"send":                  "فرستادن",
		"flags":                 "نشان‌ها",
		"status":                "وضعیت",
		"pos":                   "مثبت",
		"neu":                   "خنثی",
		"neg":                   "منفی",
		"critical":              "بحرانی",
		"high":                  "زیاد",
		"medium":                "متوسط",
		"low":                   "کم",
		"adverse_event":         "عارضهٔ دارویی",
		"self_harm":             "آسیب به خود",
		"legal_threat":          "تهدید حقوقی",
		"complaint":             "شکایت",
		"abuse":                 "توهین",
		"delivery_unknown":      "ارسال نامعلوم",
		"overdose":              "مصرف بیش از اندازه",
		"pregnancy_exposure":    "مصرف در بارداری یا شیردهی",
		"medication_error":      "خطای دارویی",
		"misuse":                "سوءمصرف",
		"off_label":             "مصرف خارج از موارد تأییدشده",
		"lack_of_efficacy":      "بی‌اثری دارو",
		"quality_complaint":     "شکایت از کیفیت فراورده",
		"queue_quality":         "برای تیم کیفیت",
		"model":                 "مدل یادگیرنده",
		"model_current":         "مدل در کار",
		"model_none":            "هنوز مدلی آموزش ندیده است؛ احساس پیام‌ها را واژه‌نامه به‌تنهایی می‌سنجد. مدل از برچسب‌هایی که کارشناسان اصلاح می‌کنند و از پرونده‌های نمونهٔ برچسب‌دار یاد می‌گیرد.",
		"model_trained":         "زمان آموزش",
		"model_by":              "آموزش به دست",
		"model_from_config":     "از پروندهٔ پیکربندی (analyze.model)",
		"model_pr_only":         "آموزش و بازگشت مدل با روابط عمومی است؛ شما ارقام را می‌بینید.",
		"examples":              "نمونه‌ها",
		"corrections":           "اصلاح کارشناسان",
		"imported":              "واردشده",
		"accuracy":              "دقت",
		"macro_f1":              "میانگین F1",
		"folds":                 "بخش‌های اعتبارسنجی متقاطع",
		"no_figures":            "نمونه‌ها برای اعتبارسنجی متقاطع کم بود.",
		"per_class":             "F1 هر برچسب (اعتبارسنجی متقاطع)",
		"curve":                 "منحنی یادگیری",
		"curve_note":            "دقت با شمار نمونه‌ها، روی پیام‌هایی که مدل از آن‌ها یاد نگرفته است.",
		"previous_model":        "مدل پیشین",
		"previous_none":         "مدل پیشینی نیست.",
		"previous_unknown":      "مدل پیشین نگه داشته شده است، بدون ارقام.",
		"train":                 "آموزش دوباره",
		"rollback":              "بازگشت به مدل پیشین",
		"train_note":            "آموزش روی همهٔ برچسب‌ها چند ثانیه طول می‌کشد و در گزارش کارها ثبت می‌شود. مدل کنونی مدل پیشین می‌شود؛ بازگشت دوباره، بازگشت را برمی‌گرداند.",
		"label_files":           "پرونده‌های نمونهٔ واردشده",
		"done_model_train":      "مدل آموزش دید و در کار است.",
		"done_model_rollback":   "مدل پیشین دوباره در کار است.",
		"done_takeover":         "گفت‌وگو را در دست گرفتید؛ ربات دیگر پاسخ نمی‌دهد.",
		"done_release":          "گفت‌وگو به ربات واگذار شد.",
		"done_resolve":          "موضوع بسته شد.",
		"done_reply":            "پاسخ در صف ارسال است.",
		"done_label":            "برچسب احساس اصلاح شد.",
		"done_user":             "کاربر افزوده شد.",
		"done_revoke":           "توکن باطل شد.",
		"done_erase":            "داده‌های دنبال‌کننده پاک شد.",
		"done_case_confirm":     "پرونده تأیید شد.",
		"done_case_dismiss":     "پرونده رد شد.",
		"done_case_serious":     "پرونده جدی علامت خورد.",
		"done_case_not_serious": "پرونده غیرجدی علامت خورد.",
		"case":                  "پرونده",
		"product":               "فراورده",
		"effect":                "عارضه",
		"aware":                 "تاریخ آگاهی",
		"days_left":             "روز مانده",
		"late":                  "دیر شده",
		"no_clock":              "بدون مهلت",
		"serious":               "جدی",
		"not_serious":           "غیرجدی",
		"serious_unknown":       "نامعلوم",
		"confirm":               "تأیید",
		"dismiss":               "رد",
		"dismiss_reason":        "دلیل رد",
		"export_json":           "خروجی JSON",
		"export_csv":            "خروجی CSV",
		"open_cases":            "پرونده‌های باز",
		"decided_cases":         "پرونده‌های تصمیم‌گرفته",
		"none_cases":            "پرونده‌ای نیست.",
		"clock_note":            "هر پروندهٔ جدی باید ظرف ۱۵ روز از نخستین دریافت پیام به مرجع برسد.",
		"decided_by":            "تصمیم",
		"daily":                 "روزانه (۳۰ روز)",
		"hourly":                "ساعتی (۴۸ ساعت)",
		"volume":                "حجم",
		"totals":                "جمع ۳۰ روز",
		"accounts":              "حساب‌ها",
		"topics":                "موضوع‌ها",
		"export_period":         "خروجی CSV یک بازه",
		"from":                  "از",
		"to":                    "تا",
		"step":                  "گام",
		"day":                   "روز",
		"hour":                  "ساعت",
		"export":                "خروجی",
		"overrides_note":        "برچسب‌هایی که کارشناسان اصلاح کرده‌اند به‌جای برچسب ماشین شمرده می‌شوند.",
		"truncated":             "جدول‌ها فقط بخشی از پیام‌ها را شمرده‌اند.",
		"none_alerts":           "هشداری نیست.",
		"usual":                 "معمول",
		"factor":                "چند برابر",
		"active":                "فعال",
		"cleared":               "پایان‌یافته",
		"threads":               "گفت‌وگوها",
		"raised":                "آغاز",
		"roles":                 "نقش‌ها",
		"add_user":              "افزودن کاربر",
		"created_by":            "سازنده",
		"last_used":             "آخرین کاربرد",
		"revoke":                "باطل کردن",
		"none_tokens":           "توکنی نیست. توکن تازه را با engagebot token create بسازید.",
		"user_id":               "شناسهٔ کاربر در سکو",
		"find":                  "یافتن",
		"export_data":           "خروجی همهٔ داده‌ها",
		"erase":                 "پاک کردن همه‌جا",
		"erase_confirm":         "برای پاک کردن، شناسه را دوباره بنویسید",
		"erase_note":            "پاک کردن، پیام‌ها، سابقهٔ احساسات، نمایه، متن ارسال‌ها و رونوشت نشان‌ها را از میان می‌برد. پروندهٔ ایمنی تأییدشده سند قانونی است: می‌ماند و هویت دنبال‌کننده در آن با نام مستعار جایگزین می‌شود.",
		"erased":                "پاک شد",
		"pseudonym":             "نام مستعار",
		"cases_kept":            "پرونده‌های نگه‌داشته با نام مستعار",
		"messages":              "پیام‌ها",
		"actor":                 "کننده",
		"action":                "کار",
		"target":                "موضوع",
		"before":                "پیش",
		"after":                 "پس",
		"role_admin":            "مدیر",
		"role_pr":               "روابط عمومی",
		"role_moderator":        "کارشناس پاسخ",
		"role_safety":           "ایمنی دارو",
		"role_viewer":           "بیننده",
		"back":                  "بازگشت",
	},
	bot.LangEn: {
		"assign":               "Assign",
		"assign_to":            "moderator's name",
		"done_assign":          "Assigned.",
		"waiting":              "Deliveries waiting for a decision",
		"waiting_note":         "These may or may not have reached the platform: mark one sent if it shows in the conversation there, otherwise send it again.",
		"out_unknown":          "unknown",
		"out_failed":           "failed",
		"attempts":             "attempts",
		"mark_sent":            "It arrived",
		"resend":               "Send again",
		"done_outbound_sent":   "Marked as sent.",
		"done_outbound_resend": "Back in the outbox.",

		"st_open":          "open",
		"st_closed":        "closed",
		"case_open":        "open",
		"case_confirmed":   "confirmed",
		"case_dismissed":   "dismissed",
		"price":            "price, availability",
		"human":            "asks for a person",
		"product_question": "product question",
		"where_to_buy":     "where to buy",
		"medical_advice":   "medical advice",
		"side_effect":      "side-effect report",
		"opt_out":          "opt-out",
		"opt_in":           "opt-in",
		"greeting":         "greeting",
		"thanks":           "thanks",
		"praise":           "praise",
		"other":            "other",

		"brand":                 "Workspace",
		"sign_in":               "Sign in",
		"sign_out":              "Sign out",
		"name":                  "Name",
		"password":              "Password",
		"wrong_password":        "Wrong name or password.",
		"too_many":              "Too many failed sign-ins; try again a little later.",
		"queue":                 "Flagged threads",
		"thread":                "Conversation",
		"safety":                "Safety queue",
		"charts":                "Sentiment",
		"alerts":                "Crisis alerts",
		"users":                 "Users",
		"tokens":                "API tokens",
		"follower":              "A follower's data",
		"audit":                 "Audit log",
		"refused":               "Not allowed",
		"problem":               "Something went wrong",
		"language":              "Language",
		"lang_fa":               "فارسی",
		"lang_en":               "English",
		"change":                "Change",
		"platform":              "Platform",
		"account":               "Account",
		"reason":                "Reason",
		"lang":                  "Language",
		"assignee":              "Assignee",
		"filter":                "Filter",
		"clear":                 "Clear",
		"all":                   "All",
		"severity":              "Severity",
		"created":               "When",
		"text":                  "Text",
		"open":                  "Open",
		"next_page":             "Next page",
		"none_open":             "No flagged thread is waiting.",
		"updates":               "This page updates itself when a new flag arrives.",
		"new_flags":             "A new flag arrived; updating…",
		"mode":                  "Mode",
		"mode_bot":              "bot replies",
		"mode_human":            "taken over",
		"moderator":             "Moderator",
		"follower_id":           "Follower",
		"in":                    "follower",
		"out":                   "us",
		"sentiment":             "Sentiment",
		"signals":               "Signals",
		"override":              "corrected by",
		"machine":               "machine",
		"correct":               "Correct label",
		"takeover":              "Take over",
		"release":               "Release to the bot",
		"resolve":               "Resolve",
		"note":                  "Note",
		"reply":                 "Reply",
		"private_note":          "Private note",
		"mute":                  "Mute",
		"mute_mute":             "the bot stops answering them",
		"mute_block":            "block: no replies and no campaigns",
		"mute_unmute":           "the bot answers them again",
		"done_mute_mute":        "The bot no longer answers this follower.",
		"done_mute_block":       "Follower blocked.",
		"done_mute_unmute":      "The bot answers this follower again.",
		"note_hint":             "Only staff see it; it is never sent to the follower.",
		"add_note":              "Add note",
		"done_note":             "Note added.",
		"send":                  "Send",
		"flags":                 "Flags",
		"status":                "Status",
		"pos":                   "positive",
		"neu":                   "neutral",
		"neg":                   "negative",
		"critical":              "critical",
		"high":                  "high",
		"medium":                "medium",
		"low":                   "low",
		"adverse_event":         "side effect",
		"self_harm":             "self-harm",
		"legal_threat":          "legal threat",
		"complaint":             "complaint",
		"abuse":                 "abuse",
		"delivery_unknown":      "delivery unknown",
		"overdose":              "overdose",
		"pregnancy_exposure":    "pregnancy or breastfeeding exposure",
		"medication_error":      "medication error",
		"misuse":                "misuse or abuse",
		"off_label":             "off-label use",
		"lack_of_efficacy":      "lack of efficacy",
		"quality_complaint":     "product quality complaint",
		"queue_quality":         "for the quality team",
		"model":                 "Learned model",
		"model_current":         "Model in use",
		"model_none":            "No model is trained yet: the lexicon alone judges sentiment. A model learns from the labels moderators correct and from imported files of labelled examples.",
		"model_trained":         "Trained",
		"model_by":              "Trained by",
		"model_from_config":     "from the config (analyze.model)",
		"model_pr_only":         "PR staff train and roll back the model; you see its figures.",
		"examples":              "Examples",
		"corrections":           "moderators' corrections",
		"imported":              "imported",
		"accuracy":              "Accuracy",
		"macro_f1":              "Macro F1",
		"folds":                 "Cross-validation folds",
		"no_figures":            "too few examples to cross-validate",
		"per_class":             "F1 per label (cross-validated)",
		"curve":                 "Learning curve",
		"curve_note":            "Accuracy by number of examples, on messages the model did not learn from.",
		"previous_model":        "Previous model",
		"previous_none":         "There is no previous model.",
		"previous_unknown":      "A previous model is kept, without figures.",
		"train":                 "Train again",
		"rollback":              "Roll back to the previous model",
		"train_note":            "Training on every label takes a few seconds and is recorded in the audit log. The model in use becomes the previous one; a second rollback undoes the first.",
		"label_files":           "Imported example files",
		"done_model_train":      "The model is trained and in use.",
		"done_model_rollback":   "The previous model is back in use.",
		"done_takeover":         "You took the thread over; the bot no longer replies in it.",
		"done_release":          "The thread is back with the bot.",
		"done_resolve":          "Resolved.",
		"done_reply":            "The reply is in the outbox.",
		"done_label":            "The sentiment label is corrected.",
		"done_user":             "User added.",
		"done_revoke":           "Token revoked.",
		"done_erase":            "The follower's data is erased.",
		"done_case_confirm":     "Case confirmed.",
		"done_case_dismiss":     "Case dismissed.",
		"done_case_serious":     "Marked serious.",
		"done_case_not_serious": "Marked not serious.",
		"case":                  "Case",
		"product":               "Product",
		"effect":                "Effect",
		"aware":                 "Awareness date",
		"days_left":             "days left",
		"late":                  "late",
		"no_clock":              "no deadline",
		"serious":               "serious",
		"not_serious":           "not serious",
		"serious_unknown":       "not assessed",
		"confirm":               "Confirm",
		"dismiss":               "Dismiss",
		"dismiss_reason":        "Reason to dismiss",
		"export_json":           "Export JSON",
		"export_csv":            "Export CSV",
		"open_cases":            "Open cases",
		"decided_cases":         "Decided cases",
		"none_cases":            "No cases.",
		"clock_note":            "A serious case must reach the authority within 15 calendar days of the day a channel received it.",
		"decided_by":            "Decision",
		"daily":                 "Daily (30 days)",
		"hourly":                "Hourly (48 hours)",
		"volume":                "volume",
		"totals":                "30-day totals",
		"accounts":              "Accounts",
		"topics":                "Topics",
		"export_period":         "Export a period as CSV",
		"from":                  "From",
		"to":                    "To",
		"step":                  "Step",
		"day":                   "day",
		"hour":                  "hour",
		"export":                "Export",
		"overrides_note":        "Labels corrected by a person are counted instead of the machine's.",
		"truncated":             "The tables counted only part of the messages.",
		"none_alerts":           "No alerts.",
		"usual":                 "usual",
		"factor":                "times usual",
		"active":                "active",
		"cleared":               "cleared",
		"threads":               "Threads",
		"raised":                "Raised",
		"roles":                 "Roles",
		"add_user":              "Add a user",
		"created_by":            "Created by",
		"last_used":             "Last used",
		"revoke":                "Revoke",
		"none_tokens":           "No tokens. Create one with engagebot token create.",
		"user_id":               "User id on the platform",
		"find":                  "Find",
		"export_data":           "Export everything",
		"erase":                 "Erase everywhere",
		"erase_confirm":         "Type the id again to erase",
		"erase_note":            "Erasure removes messages, the sentiment log, the profile, outbox texts and flags' copies of text. A confirmed safety case is a legal record: it is kept, with the follower's identity replaced by a pseudonym.",
		"erased":                "Erased",
		"pseudonym":             "Pseudonym",
		"cases_kept":            "Cases kept under the pseudonym",
		"messages":              "Messages",
		"actor":                 "Who",
		"action":                "What",
		"target":                "On",
		"before":                "Before",
		"after":                 "After",
		"role_admin":            "admin",
		"role_pr":               "PR",
		"role_moderator":        "moderator",
		"role_safety":           "safety",
		"role_viewer":           "viewer",
		"back":                  "Back",
	},
}
