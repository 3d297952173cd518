package templates

import (
	"sync"
	"text/template"
)

// execSet is a clone of a parsed set whose functions are bound to a
// rendering state of its own. Binding the functions of one rendering
// needs a clone, and cloning copies every template of the set: it was the
// largest allocation of a reply. So clones are kept in a pool and reused,
// one rendering at a time, the state reset in place between renderings
// (the functions read it through the pointer they were bound to).
type execSet struct {
	t  *template.Template
	st *render
}

// execPool hands out clones of one parsed set.
type execPool struct {
	base *template.Template // parsed, never executed, so it can be cloned
	lang string
	pool sync.Pool
}

func newExecPool(base *template.Template, lang string) *execPool {
	return &execPool{base: base, lang: lang}
}

// get returns a clone for one rendering, its state set to st.
func (p *execPool) get(st render) (*execSet, error) {
	x, _ := p.pool.Get().(*execSet)
	if x == nil {
		t, err := p.base.Clone()
		if err != nil {
			return nil, err
		}
		x = &execSet{t: t, st: &render{}}
		t.Funcs(funcMap(p.lang, x.st))
	}
	*x.st = st
	return x, nil
}

// put returns a clone whose rendering is over; the state is cleared so
// the pool holds no follower's data.
func (p *execPool) put(x *execSet) {
	*x.st = render{}
	p.pool.Put(x)
}
