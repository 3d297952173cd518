package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"engagebot/bot"
)

// The learned model's page: the model in use with its cross-validated
// figures and learning curve, the previous one, and the Train and
// Rollback buttons, which are the model API's actions (ModelActions), so
// the audit log shows a press of a button as it shows an API call.

// modelPage is what the model's template gets.
type modelPage struct {
	Model bot.ModelStatus
	// None is true when no model is in use: the lexicon works alone.
	None bool
	// F1 are the per-label figures in the labels' order.
	F1    []labelFigure
	Curve curveChart
	// Previous is the previous model's figures, when known.
	Previous *bot.ModelStatus
}

type labelFigure struct {
	Label string
	F1    float64
	Count int
}

func (s *Server) pageModel(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
	m, err := s.model()
	if err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	st, err := m.ModelStatus(r.Context(), actor)
	if err != nil {
		s.pageError(w, r, actor, err)
		return
	}
	d := modelPage{Model: st, None: st.Examples == 0 && st.Trained.IsZero(), Curve: drawCurve(st.Curve), Previous: st.PreviousModel}
	for _, l := range []string{bot.SentimentPositive, bot.SentimentNeutral, bot.SentimentNegative} {
		if f, ok := st.F1[l]; ok {
			d.F1 = append(d.F1, labelFigure{Label: l, F1: f, Count: st.Counts[l]})
		}
	}
	s.render(w, r, actor, http.StatusOK, "model", "model", d)
}

// postModel serves the page's Train and Rollback buttons.
func (s *Server) postModel(what string) func(http.ResponseWriter, *http.Request, bot.Actor) {
	return func(w http.ResponseWriter, r *http.Request, actor bot.Actor) {
		m, err := s.model()
		if err == nil {
			switch what {
			case "train":
				_, err = m.TrainModel(r.Context(), actor)
			case "rollback":
				_, err = m.RollbackModel(r.Context(), actor)
			}
		}
		if err != nil && ErrorStatus(err) >= 500 {
			s.log.Error("page action", "action", "model."+what, "err", err)
		}
		back(w, r, "/model", "done_model_"+what, err)
	}
}

// curveChart is the learning curve drawn as SVG on the server: accuracy
// and macro-F1 against the number of examples.
type curveChart struct {
	Width, Height int
	// Accuracy and MacroF1 are the lines' points ("x,y x,y ...").
	Accuracy, MacroF1 string
	Points            []curveDot
	Grid              []gridLine
	// Left and Right are the plot's edges, Base its bottom.
	Left, Right, Base float64
}

type curveDot struct {
	X, YAccuracy, YMacroF1 float64
	bot.CurvePoint
}

// gridLine is a horizontal line of the curve's grid and its label.
type gridLine struct {
	Y            float64
	TextX, TextY float64
	Label        string // percent
}

// Curve geometry, in SVG user units.
const (
	curveW, curveH   = 720.0, 240.0
	curveLeft        = 44.0
	curveRight       = 16.0
	curveTop         = 12.0
	curveBottom      = 28.0
	curveGridPercent = 25
)

// drawCurve places the curve's points: examples from 0 to the most on the
// x axis, figures from 0 to 1 on the y axis.
func drawCurve(points []bot.CurvePoint) curveChart {
	c := curveChart{Width: int(curveW), Height: int(curveH), Left: curveLeft, Right: curveW - curveRight, Base: curveH - curveBottom}
	for p := 0; p <= 100; p += curveGridPercent {
		y := curveY(float64(p) / 100)
		c.Grid = append(c.Grid, gridLine{Y: y, TextX: curveLeft - 6, TextY: y + 4, Label: strconv.Itoa(p)})
	}
	most := 0
	for _, p := range points {
		most = max(most, p.Examples)
	}
	if most == 0 {
		return c
	}
	var acc, f1 []string
	for _, p := range points {
		x := curveLeft + float64(p.Examples)/float64(most)*(curveW-curveLeft-curveRight)
		d := curveDot{X: x, YAccuracy: curveY(p.Accuracy), YMacroF1: curveY(p.MacroF1), CurvePoint: p}
		c.Points = append(c.Points, d)
		acc = append(acc, fmt.Sprintf("%.1f,%.1f", d.X, d.YAccuracy))
		f1 = append(f1, fmt.Sprintf("%.1f,%.1f", d.X, d.YMacroF1))
	}
	c.Accuracy, c.MacroF1 = strings.Join(acc, " "), strings.Join(f1, " ")
	return c
}

// curveY is the height of a figure in [0, 1].
func curveY(f float64) float64 {
	f = min(max(f, 0), 1)
	return curveH - curveBottom - f*(curveH-curveTop-curveBottom)
}

// figuresOf hands the template of a model's figures the page and the
// model's status (a value or a pointer).
func init() {
	pageFuncs["figuresOf"] = func(v *view, m any) any {
		st, _ := m.(bot.ModelStatus)
		if p, ok := m.(*bot.ModelStatus); ok && p != nil {
			st = *p
		}
		return struct {
			V *view
			M bot.ModelStatus
		}{v, st}
	}
}

// Ratio writes a figure in [0, 1] as a percentage with one decimal, in
// the page's digits and decimal separator.
func (v *view) Ratio(f float64) string {
	n := strconv.FormatFloat(f*100, 'f', 1, 64)
	if v.Lang == bot.LangEn {
		return n + "%"
	}
	return digits(v.Lang, strings.Replace(n, ".", "٫", 1)) + "٪"
}
