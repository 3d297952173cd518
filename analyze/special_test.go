package analyze_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"engagebot/analyze"
	"engagebot/bot"
)

// specialFloors are the recall and precision each special situation must
// keep on testdata/special.tsv. Overdose and pregnancy exposure are held at
// 0.95 recall: they are the critical ones.
var specialFloors = map[string]struct{ recall, precision float64 }{
	bot.SignalOverdose:         {0.95, 0.9},
	bot.SignalPregnancy:        {0.95, 0.9},
	bot.SignalMedicationError:  {0.85, 0.85},
	bot.SignalMisuse:           {0.85, 0.85},
	bot.SignalOffLabel:         {0.8, 0.85},
	bot.SignalLackOfEfficacy:   {0.85, 0.85},
	bot.SignalQualityComplaint: {0.85, 0.85},
}

// TestSpecialSituations measures each special situation on the project's
// own labelled set (Persian, English and Finglish, with hard negatives:
// questions before taking, hypotheticals, praise, the same words about food
// or a website).
func TestSpecialSituations(t *testing.T) {
	a, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	type count struct{ tp, fp, fn int }
	counts := map[string]*count{}
	for _, s := range bot.SpecialSituations {
		counts[s] = &count{}
	}
	for _, r := range readTSV(t, "testdata/special.tsv", 2) {
		want := map[string]bool{}
		if r.f[1] != "none" {
			for _, l := range strings.Split(r.f[1], ",") {
				if counts[l] == nil {
					t.Fatalf("testdata/special.tsv:%d: unknown situation %q", r.line, l)
				}
				want[l] = true
			}
		}
		res, err := a.Analyze(context.Background(), r.f[0], "")
		if err != nil {
			t.Fatal(err)
		}
		for s, c := range counts {
			got := res.Has(s)
			switch {
			case got && want[s]:
				c.tp++
			case got:
				c.fp++
				t.Logf("line %d: false %s: %q", r.line, s, r.f[0])
			case want[s]:
				c.fn++
				t.Logf("line %d: missed %s: %q", r.line, s, r.f[0])
			}
		}
	}
	for _, s := range bot.SpecialSituations {
		c := counts[s]
		recall := float64(c.tp) / float64(max(c.tp+c.fn, 1))
		precision := float64(c.tp) / float64(max(c.tp+c.fp, 1))
		t.Logf("%-20s recall %.3f (%d/%d)  precision %.3f (%d false)", s, recall, c.tp, c.tp+c.fn, precision, c.fp)
		fl := specialFloors[s]
		if c.tp+c.fn < 6 {
			t.Errorf("%s: only %d positives in the set", s, c.tp+c.fn)
		}
		if recall < fl.recall || precision < fl.precision {
			t.Errorf("%s: recall %.3f precision %.3f, floors %.2f / %.2f", s, recall, precision, fl.recall, fl.precision)
		}
	}
}

// TestSpecialSituations_Signal checks what a special-situation signal
// carries: its severity, the product named, the kind of situation, and that
// it outranks the leaflet pointer a dosage question gets.
func TestSpecialSituations_Signal(t *testing.T) {
	a, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text     string
		signal   string
		severity bot.Severity
		product  string
		kind     string
	}{
		{"I took two Diabetan tablets instead of one", bot.SignalOverdose, bot.SeverityCritical, "Diabetan", "wrong dose"},
		{"I took two Diabetan tablets instead of one", bot.SignalMedicationError, bot.SeverityHigh, "Diabetan", "wrong dose"},
		{"باردارم و دیروز قرص کلدکس خوردم", bot.SignalPregnancy, bot.SeverityCritical, "Coldex", "pregnancy"},
		{"I'm breastfeeding and I've been taking Sedifen", bot.SignalPregnancy, bot.SeverityCritical, "Sedifen", "breastfeeding"},
		{"پلمپ جعبه نیکاویت باز بود", bot.SignalQualityComplaint, bot.SeverityHigh, "Nikavit", "quality"},
		{"coldex asar nakard", bot.SignalLackOfEfficacy, bot.SeverityMedium, "Coldex", "lack of efficacy"},
		{"I crush Sedifen and snort it to get high", bot.SignalMisuse, bot.SeverityHigh, "Sedifen", "misuse"},
		{"I give Nikavit to my dog every day", bot.SignalOffLabel, bot.SeverityMedium, "Nikavit", "off-label"},
		{"I swallowed some Dermaclean gel by mistake", bot.SignalMedicationError, bot.SeverityHigh, "Dermaclean Gel", "wrong route"},
		{"I took too many pills", bot.SignalOverdose, bot.SeverityCritical, "pill", "overdose"},
		// Self-poisoning: self-harm with a medicine taken is an overdose too.
		{"کل بسته قرص سدیفن رو خوردم که بمیرم", bot.SignalOverdose, bot.SeverityCritical, "Sedifen", "self-poisoning"},
		{"کل بسته قرص سدیفن رو خوردم که بمیرم", bot.SignalSelfHarm, bot.SeverityCritical, "", ""},
		{"I swallowed all my Sedifen pills to end my life", bot.SignalOverdose, bot.SeverityCritical, "Sedifen", "self-poisoning"},
		{"I swallowed all my Sedifen pills to end my life", bot.SignalSelfHarm, bot.SeverityCritical, "", ""},
	} {
		res, err := a.Analyze(context.Background(), tc.text, "")
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(res.Signals, func(s bot.Signal) bool { return s.Name == tc.signal })
		if i < 0 {
			t.Errorf("%q: no %s in %+v", tc.text, tc.signal, res.Signals)
			continue
		}
		s := res.Signals[i]
		if s.Severity != tc.severity || s.Product != tc.product || s.Effect != tc.kind {
			t.Errorf("%q: got %s %s product %q kind %q, want %s product %q kind %q",
				tc.text, s.Name, s.Severity, s.Product, s.Effect, tc.severity, tc.product, tc.kind)
		}
		if res.Intent == bot.IntentMedicalAdvice {
			t.Errorf("%q: intent medical_advice: a special situation is not a dosage question", tc.text)
		}
	}
}

// TestSpecialSituations_Flags: what the analyzer finds raises the flag of
// the situation, with its severity and the product, so a person sees it.
func TestSpecialSituations_Flags(t *testing.T) {
	a, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text     string
		reason   string
		severity bot.Severity
	}{
		{"I took two Diabetan tablets instead of one", bot.SignalOverdose, bot.SeverityCritical},
		{"I took two Diabetan tablets instead of one", bot.SignalMedicationError, bot.SeverityHigh},
		{"باردارم و دیروز قرص کلدکس خوردم", bot.SignalPregnancy, bot.SeverityCritical},
		{"feronik ke kharidam taghalobi bood", bot.SignalQualityComplaint, bot.SeverityHigh},
		{"درماکلین هیچ تاثیری روی جوشام نداشت", bot.SignalLackOfEfficacy, bot.SeverityMedium},
	} {
		res, err := a.Analyze(context.Background(), tc.text, "")
		if err != nil {
			t.Fatal(err)
		}
		fl := bot.Flags(res)
		i := slices.IndexFunc(fl, func(f bot.Flag) bool { return f.Reason == tc.reason })
		if i < 0 {
			t.Errorf("%q: no %s flag in %+v", tc.text, tc.reason, fl)
			continue
		}
		if fl[i].Severity != tc.severity || !strings.Contains(fl[i].Detail, "product=") {
			t.Errorf("%q: flag %+v, want severity %s and the product", tc.text, fl[i], tc.severity)
		}
	}
}
