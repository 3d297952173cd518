package templates

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"engagebot/bot"
)

// InlineName is the template name a rendered inline text reports.
const InlineName = "inline"

// maxInline bounds the cache of parsed inline texts; a campaign keeps
// one text per variant and language, so a few hundred is plenty.
const maxInline = 256

type inlineCache struct {
	mu  sync.Mutex
	set map[[2]string]*execPool
}

// parsed returns the language's set with text parsed as InlineName.
func (r *Renderer) parsedInline(lang, text string) (*execPool, error) {
	c := &r.inline
	c.mu.Lock()
	defer c.mu.Unlock()
	k := [2]string{lang, text}
	if p := c.set[k]; p != nil {
		return p, nil
	}
	t, err := r.sets[lang].Clone()
	if err != nil {
		return nil, err
	}
	if _, err := t.New(InlineName).Parse(text); err != nil {
		return nil, bot.Errorf(bot.EINVALID, "text: %v", strings.TrimPrefix(err.Error(), "template: "))
	}
	if c.set == nil || len(c.set) >= maxInline {
		c.set = map[[2]string]*execPool{}
	}
	p := newExecPool(t, lang)
	c.set[k] = p
	return p, nil
}

// renderInline renders req.Text, a template written by staff, in req.Lang
// or the default language. Errors in the text are EINVALID, naming what
// is wrong, so the dashboard can show them to its author.
func (r *Renderer) renderInline(req bot.RenderRequest) (bot.Reply, error) {
	lang := req.Lang
	if r.sets[lang] == nil {
		lang = r.cfg.defaultLang
	}
	pool, err := r.parsedInline(lang, req.Text)
	if err != nil {
		return bot.Reply{}, err
	}
	c := r.cat()
	x, err := pool.get(render{cfg: &r.cfg, products: c.products, cat: c, r: r, view: r.view(req, lang, InlineName), seed: seed(req, InlineName)})
	if err != nil {
		return bot.Reply{}, fmt.Errorf("templates: inline: %w", err)
	}
	defer pool.put(x)
	st := x.st
	var buf bytes.Buffer
	if err := x.t.ExecuteTemplate(&buf, InlineName, st.view); err != nil {
		return bot.Reply{}, bot.Errorf(bot.EINVALID, "text: %v", strings.TrimPrefix(err.Error(), "template: "))
	}
	st.endRow()
	out := bot.Reply{Template: InlineName, Lang: lang}
	if st.skip {
		out.Skip = true
		return out, nil
	}
	out.Text, out.Buttons = tidy(buf.String()), st.rows
	switch {
	case out.Text == "":
		return bot.Reply{}, bot.Errorf(bot.EINVALID, "text: rendered no text")
	case strings.Contains(out.Text, "<no value>"):
		return bot.Reply{}, bot.Errorf(bot.EINVALID, "text: a value it uses is missing")
	}
	return out, nil
}
