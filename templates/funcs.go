package templates

import (
	"fmt"
	"hash/fnv"
	"net/url"
	"reflect"
	"strings"
	"text/template"
	"time"

	"engagebot/bot"
	"engagebot/jalali"
)

// maxButtonData is the longest callback payload; Telegram's callback_data
// is the tightest platform limit at 64 bytes.
const maxButtonData = 64

// defaultNames is what name returns when the follower's name is unknown.
var defaultNames = map[string]string{bot.LangFa: "دوست عزیز", bot.LangEn: "there"}

// funcMap returns the template functions of one rendering in lang.
//
//	name ["fallback"]   the follower's first name, or the fallback (by default
//	                    "دوست عزیز" in fa, "there" in en)
//	faDigits x          x with ASCII digits as Persian digits
//	date t              fa: "۴ آذر ۱۴۰۵ (2026-11-25)", other: "25 November 2026 (4 Azar 1405)"
//	jdate t             fa: "۴ آذر ۱۴۰۵", other: "4 Azar 1405"
//	product key         a catalogue product's display name
//	item id             a catalogue item in the rendered language (ItemView:
//	                    .Title, .Summary, .URL, .Image, .Kind); zero when the
//	                    catalogue lacks it or it is not valid now
//	list xs             names joined as "a، b و c" (fa) or "a, b and c"
//	pick a b ...        one of the choices, the same one for the same message
//	button text data    a callback button in the current row ("intent:price"
//	                    presses are read as that intent)
//	link text url       a link button in the current row
//	row                 starts a new row of buttons
//	para                a blank line (other empty lines are dropped)
//	skip                answer nothing (not allowed for safety replies)
//
// date and jdate take a time.Time or a string "2006-01-02" or RFC 3339.
func funcMap(lang string, st *render) template.FuncMap {
	return template.FuncMap{
		"name": func(fallback ...string) string {
			if st.view != nil && st.view.Name != "" {
				return st.view.Name
			}
			if len(fallback) > 0 {
				return fallback[0]
			}
			return defaultNames[lang]
		},
		"faDigits": func(x any) string { return jalali.Digits(fmt.Sprint(x)) },
		"date": func(x any) (string, error) {
			t, err := st.toTime(x)
			if err != nil {
				return "", err
			}
			d := jalali.FromTime(t)
			if lang == bot.LangFa {
				return d.Long() + " (" + t.Format(time.DateOnly) + ")", nil
			}
			return t.Format("2 January 2006") + " (" + d.LongLatin() + ")", nil
		},
		"jdate": func(x any) (string, error) {
			t, err := st.toTime(x)
			if err != nil {
				return "", err
			}
			if lang == bot.LangFa {
				return jalali.FromTime(t).Long(), nil
			}
			return jalali.FromTime(t).LongLatin(), nil
		},
		"item": func(id string) ItemView { return st.item(id, lang) },
		"product": func(key string) string {
			p := st.products[key]
			if n := p.Name[lang]; n != "" {
				return n
			}
			if n := p.Name[st.cfg.defaultLang]; n != "" {
				return n
			}
			return key
		},
		"list": func(xs any) (string, error) { return list(lang, xs) },
		"pick": func(choices ...string) string {
			if len(choices) == 0 {
				return ""
			}
			h := fnv.New32a()
			fmt.Fprintf(h, "%s\x00%d", st.seed, st.picks)
			st.picks++
			return choices[h.Sum32()%uint32(len(choices))]
		},
		"button": func(text, data any) (string, error) {
			d := fmt.Sprint(data)
			if len(d) > maxButtonData {
				return "", fmt.Errorf("button %q: data longer than %d bytes", text, maxButtonData)
			}
			return "", st.add(bot.Button{Text: fmt.Sprint(text), Data: d})
		},
		"link": func(text, u any) (string, error) {
			s := fmt.Sprint(u)
			if p, err := url.Parse(s); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
				return "", fmt.Errorf("link %q: %q is not an absolute http(s) URL", text, s)
			}
			return "", st.add(bot.Button{Text: fmt.Sprint(text), URL: s})
		},
		"row":  func() string { st.endRow(); return "" },
		"para": func() string { return paraMark },
		"skip": func() string { st.skip = true; return "" },
	}
}

func (st *render) add(b bot.Button) error {
	b.Text = strings.Join(strings.Fields(b.Text), " ")
	if b.Text == "" {
		return fmt.Errorf("button without text")
	}
	st.row = append(st.row, b)
	return nil
}

func (st *render) endRow() {
	if len(st.row) > 0 {
		st.rows = append(st.rows, st.row)
		st.row = nil
	}
}

// toTime reads a date argument in the renderer's zone.
func (st *render) toTime(x any) (time.Time, error) {
	switch v := x.(type) {
	case time.Time:
		return v.In(st.cfg.loc), nil
	case *time.Time:
		if v != nil {
			return v.In(st.cfg.loc), nil
		}
	case string:
		if t, err := time.ParseInLocation(time.DateOnly, v, st.cfg.loc); err == nil {
			return t, nil
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t.In(st.cfg.loc), nil
		}
		return time.Time{}, fmt.Errorf("date %q: want 2006-01-02 or RFC 3339", v)
	}
	return time.Time{}, fmt.Errorf("date: cannot use %T", x)
}

// list joins names the way each language writes a list.
func list(lang string, xs any) (string, error) {
	var names []string
	switch v := xs.(type) {
	case []string:
		names = v
	case []ProductView:
		for _, p := range v {
			names = append(names, p.Name)
		}
	default:
		rv := reflect.ValueOf(xs)
		if rv.Kind() != reflect.Slice {
			return "", fmt.Errorf("list: cannot use %T", xs)
		}
		for i := range rv.Len() {
			names = append(names, fmt.Sprint(rv.Index(i).Interface()))
		}
	}
	sep, and := ", ", " and "
	if lang == bot.LangFa {
		sep, and = "، ", " و "
	}
	switch len(names) {
	case 0:
		return "", nil
	case 1:
		return names[0], nil
	}
	return strings.Join(names[:len(names)-1], sep) + and + names[len(names)-1], nil
}
