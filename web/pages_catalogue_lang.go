package web

import (
	"slices"

	"engagebot/bot"
)

// The texts of the catalogue's, a follower's and the calendar's pages,
// added to the dashboard's at start as the campaigns' are. A key some
// other page already has (in words or campaignWords) is not taken and is
// listed in ownWordClashes, which a test keeps empty.

// ownWordClashes are the keys of these pages' words that were already
// the dashboard's.
var ownWordClashes []string

// addOwnWords adds a page's words, keeping every text already there.
func addOwnWords(own map[string]map[string]string) {
	for lang, m := range own {
		for k, w := range m {
			_, had := words[lang][k]
			_, camp := campaignWords[lang][k]
			if had || camp {
				ownWordClashes = append(ownWordClashes, lang+":"+k)
				continue
			}
			words[lang][k] = w
		}
	}
	slices.Sort(ownWordClashes)
}

func init() { addOwnWords(catalogueWords) }

// catalogueWords are the catalogue page's texts by language and key.
var catalogueWords = map[string]map[string]string{
	bot.LangFa: {
		"catalogue":           "فهرست محتوا",
		"cat_id":              "شناسه",
		"cat_title_fa":        "عنوان فارسی",
		"cat_title_en":        "عنوان انگلیسی",
		"cat_summary_fa":      "خلاصهٔ فارسی",
		"cat_summary_en":      "خلاصهٔ انگلیسی",
		"cat_canonical":       "نام محصول در تحلیل‌ها",
		"cat_tags":            "برچسب‌ها",
		"cat_terms":           "نام‌ها و غلط‌های املایی محصول",
		"cat_platforms":       "سکوها",
		"cat_all_platforms":   "همهٔ سکوها",
		"cat_any_lang":        "هر زبانی",
		"cat_valid":           "اعتبار",
		"cat_valid_from":      "از",
		"cat_valid_until":     "تا",
		"cat_always":          "همیشه",
		"cat_link":            "پیوند",
		"cat_image":           "تصویر",
		"cat_version":         "نسخه",
		"cat_all_kinds":       "همه",
		"kind_product":        "محصول",
		"kind_article":        "مطلب",
		"kind_offer":          "پیشنهاد",
		"cat_none":            "هنوز چیزی در فهرست نیست.",
		"cat_none_kind":       "از این نوع چیزی در فهرست نیست.",
		"cat_new":             "افزودن به فهرست",
		"cat_edit":            "ویرایش",
		"cat_editing":         "ویرایش",
		"cat_save":            "ذخیره",
		"cat_add":             "افزودن",
		"cat_cancel_edit":     "انصراف از ویرایش",
		"cat_remove":          "حذف",
		"cat_list_hint":       "با ویرگول جدا کنید",
		"cat_time_hint":       "تاریخ شمسی یا میلادی، به وقت تهران: ۱۴۰۵-۱۰-۰۱ یا 2026-12-22 08:00",
		"cat_terms_hint":      "فقط برای محصول",
		"cat_import":          "ورود از پرونده",
		"cat_import_hint":     "متن CSV یا JSON را بچسبانید یا پرونده‌ای انتخاب کنید. همه وارد می‌شوند یا هیچ‌کدام. ستون‌های CSV:",
		"cat_import_list":     "در ستون‌های فهرستی مقدارها را با | جدا کنید. پروندهٔ YAML را با خط فرمان وارد کنید: engagebot catalogue import",
		"cat_import_text":     "متن CSV یا JSON",
		"cat_import_file":     "پرونده (.csv یا .json)",
		"cat_import_do":       "وارد کن",
		"cat_imported":        "ورود انجام شد",
		"cat_added":           "افزوده شد",
		"cat_updated":         "به‌روز شد",
		"cat_pr_only":         "فهرست را کارکنان روابط عمومی تغییر می‌دهند؛ شما آن را می‌بینید.",
		"done_cat_add":        "به فهرست افزوده شد.",
		"done_cat_edit":       "تغییرها ذخیره شد.",
		"done_cat_remove":     "از فهرست حذف شد.",
		"cat_remove_confirm":  "حذف شود؟",
		"cat_kind_filter":     "نوع",
		"cat_none_in_import":  "هیچ",
		"cat_lang_of_item":    "فقط برای دنبال‌کنندگانِ",
		"cat_validity_window": "بازهٔ اعتبار",
		"cat_platforms_hint":  "(هیچ‌کدام: همه)",
	},
	bot.LangEn: {
		"catalogue":           "Content catalogue",
		"cat_id":              "Id",
		"cat_title_fa":        "Persian title",
		"cat_title_en":        "English title",
		"cat_summary_fa":      "Persian summary",
		"cat_summary_en":      "English summary",
		"cat_canonical":       "Product name in analyses",
		"cat_tags":            "Tags",
		"cat_terms":           "Product names and misspellings",
		"cat_platforms":       "Platforms",
		"cat_all_platforms":   "all platforms",
		"cat_any_lang":        "any language",
		"cat_valid":           "Valid",
		"cat_valid_from":      "from",
		"cat_valid_until":     "until",
		"cat_always":          "always",
		"cat_link":            "Link",
		"cat_image":           "Image",
		"cat_version":         "Version",
		"cat_all_kinds":       "All",
		"kind_product":        "product",
		"kind_article":        "article",
		"kind_offer":          "offer",
		"cat_none":            "The catalogue is empty.",
		"cat_none_kind":       "No items of this kind.",
		"cat_new":             "Add to the catalogue",
		"cat_edit":            "Edit",
		"cat_editing":         "Editing",
		"cat_save":            "Save",
		"cat_add":             "Add",
		"cat_cancel_edit":     "Stop editing",
		"cat_remove":          "Remove",
		"cat_list_hint":       "separated by commas",
		"cat_time_hint":       "a Solar Hijri or Gregorian date, Tehran time: 1405-10-01 or 2026-12-22 08:00",
		"cat_terms_hint":      "products only",
		"cat_import":          "Import from a file",
		"cat_import_hint":     "Paste CSV or JSON, or choose a file. Every item is imported, or none. The CSV columns:",
		"cat_import_list":     "A list column separates its values with |. Import a YAML file with the CLI: engagebot catalogue import",
		"cat_import_text":     "CSV or JSON text",
		"cat_import_file":     "File (.csv or .json)",
		"cat_import_do":       "Import",
		"cat_imported":        "Imported",
		"cat_added":           "Added",
		"cat_updated":         "Updated",
		"cat_pr_only":         "PR staff change the catalogue; you see it.",
		"done_cat_add":        "Added to the catalogue.",
		"done_cat_edit":       "Changes saved.",
		"done_cat_remove":     "Removed from the catalogue.",
		"cat_remove_confirm":  "Remove it?",
		"cat_kind_filter":     "Kind",
		"cat_none_in_import":  "none",
		"cat_lang_of_item":    "only for followers writing",
		"cat_validity_window": "Validity",
		"cat_platforms_hint":  "(none ticked: all)",
	},
}
