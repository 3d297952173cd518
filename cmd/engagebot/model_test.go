package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"engagebot/analyze"
	"engagebot/bot"
)

// modelTx is a transaction holding the corrected messages of one thread.
type modelTx struct {
	bot.Tx // nil: a call the service should not make panics
	msgs   map[uint64]*bot.Message
	labels []*bot.LabelOverride
}

func (t *modelTx) Messages(k bot.ThreadKey, after uint64, limit int) ([]*bot.Message, error) {
	if m, ok := t.msgs[after+1]; ok {
		return []*bot.Message{m}, nil
	}
	return nil, nil
}

func (t *modelTx) AllLabels(fn func(*bot.LabelOverride) error) error {
	for _, o := range t.labels {
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

type modelStore struct{ tx *modelTx }

func (s *modelStore) View(ctx context.Context, fn func(bot.Tx) error) error { return fn(s.tx) }

// correct adds a moderator's correction of a message with text.
func (s *modelStore) correct(text, label string) {
	seq := uint64(len(s.tx.msgs) + 1)
	k := bot.ThreadKey{Platform: "telegram", Account: "main", Chat: "1"}
	s.tx.msgs[seq] = &bot.Message{Seq: seq, Text: text, Direction: bot.DirIn}
	s.tx.labels = append(s.tx.labels, &bot.LabelOverride{Thread: k, Message: seq, Label: label})
}

// modelAudit2 checks roles as bot.Actions does and keeps the entries.
type modelAudit2 struct {
	mu      sync.Mutex
	entries []string
	fail    error
}

func (a *modelAudit2) MaySeeModel(actor bot.Actor) error {
	if !actor.Can(bot.RolePR, bot.RoleModerator) {
		return bot.Errorf(bot.EFORBIDDEN, "no")
	}
	return nil
}

func (a *modelAudit2) MayChangeModel(actor bot.Actor) error {
	if !actor.Can(bot.RolePR) {
		return bot.Errorf(bot.EFORBIDDEN, "no")
	}
	return nil
}

func (a *modelAudit2) ChangeModel(ctx context.Context, actor bot.Actor, action, target string, fn func() (any, any, error)) error {
	if err := a.MayChangeModel(actor); err != nil {
		return err
	}
	if a.fail != nil {
		return a.fail
	}
	if _, _, err := fn(); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, action+" "+target+" by "+actor.Name)
	return nil
}

var prActor = bot.Actor{Name: "pari", Roles: []bot.Role{bot.RolePR}}

type modelFixture struct {
	svc   *modelService
	an    *analyze.Analyzer
	store *modelStore
	audit *modelAudit2
	dir   string
}

func newModelFixture(t *testing.T) *modelFixture {
	t.Helper()
	an, err := analyze.New()
	if err != nil {
		t.Fatal(err)
	}
	f := &modelFixture{an: an, store: &modelStore{tx: &modelTx{msgs: map[uint64]*bot.Message{}}}, audit: &modelAudit2{}, dir: t.TempDir()}
	f.svc, err = newModelService(modelOptions{Analyzer: an, Store: f.store, Actions: f.audit, Dir: f.dir, Folds: 3,
		Now: func() time.Time { return time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The brand's own brandSlang: words no lexicon knows.
var brandSlang = map[string]string{"zorbix": bot.SentimentNegative, "glimmo": bot.SentimentPositive, "tarrow": bot.SentimentNeutral}

func (f *modelFixture) correctSlang(n int) {
	things := []string{"pack", "box", "strip", "delivery", "order", "bottle", "cap", "label", "shop", "parcel", "kit", "tube"}
	for word, label := range brandSlang {
		for i := range n {
			f.store.correct(fmt.Sprintf("the %s was %s", things[i%len(things)], word), label)
		}
	}
}

func (f *modelFixture) sentiment(t *testing.T, text string) string {
	t.Helper()
	a, err := f.an.Analyze(context.Background(), text, "en")
	if err != nil {
		t.Fatal(err)
	}
	return a.Sentiment.Label
}

func TestModelTrainFromCorrectionsChangesTheAnalyzer(t *testing.T) {
	f := newModelFixture(t)
	ctx := context.Background()
	probe := "my parcel was zorbix again"
	if got := f.sentiment(t, probe); got == bot.SentimentNegative {
		t.Fatalf("before training %q is already %s; the test needs a text the lexicon does not know", probe, got)
	}
	f.correctSlang(12)
	st, err := f.svc.TrainModel(ctx, prActor)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.sentiment(t, probe); got != bot.SentimentNegative {
		t.Errorf("after training %q is %s, want neg", probe, got)
	}
	if st.Examples != 36 || st.Corrections != 36 || st.Imported != 0 || st.Folds != 3 || st.By != "pari" {
		t.Errorf("status %+v: want 36 examples, all corrections, 3 folds, by pari", st)
	}
	if st.Accuracy < 0.8 || len(st.F1) != 3 || len(st.Curve) == 0 || st.Curve[len(st.Curve)-1].Examples != 36 {
		t.Errorf("figures %+v: want accuracy >= 0.8, three F1s and a curve ending at 36", st)
	}
	if st.Previous {
		t.Error("the first training replaced no model, yet there is a previous one")
	}
	if _, err := os.Stat(filepath.Join(f.dir, "models", "current.model")); err != nil {
		t.Errorf("the model is not kept: %v", err)
	}
	// A restart loads the trained model.
	an2, _ := analyze.New()
	if _, err := newModelService(modelOptions{Analyzer: an2, Store: f.store, Actions: f.audit, Dir: f.dir}); err != nil {
		t.Fatal(err)
	}
	if an2.Model() == nil || an2.Model().Info().Examples != 36 {
		t.Error("a new service did not put the kept model in use")
	}
	if len(f.audit.entries) != 1 || f.audit.entries[0] != "model.train model by pari" {
		t.Errorf("audit %q, want one model.train entry", f.audit.entries)
	}
}

func TestModelRollbackRestoresThePreviousModel(t *testing.T) {
	f := newModelFixture(t)
	ctx := context.Background()
	if _, err := f.svc.RollbackModel(ctx, prActor); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("rollback with no previous model: %v, want ENOTFOUND", err)
	}
	f.correctSlang(6)
	first, err := f.svc.TrainModel(ctx, prActor)
	if err != nil {
		t.Fatal(err)
	}
	firstModel := f.an.Model()
	f.correctSlang(12)
	second, err := f.svc.TrainModel(ctx, prActor)
	if err != nil {
		t.Fatal(err)
	}
	if second.Examples == first.Examples || !second.Previous {
		t.Fatalf("second training %+v: want more examples than %d and a previous model", second, first.Examples)
	}
	back, err := f.svc.RollbackModel(ctx, prActor)
	if err != nil {
		t.Fatal(err)
	}
	if back.Examples != first.Examples || back.Accuracy != first.Accuracy || back.MacroF1 != first.MacroF1 || len(back.Curve) != len(first.Curve) {
		t.Errorf("after rollback %+v, want the first model's figures %+v", back, first)
	}
	if f.an.Model().Info().Examples != firstModel.Info().Examples {
		t.Error("the analyzer does not use the previous model")
	}
	// A second rollback undoes the first.
	again, err := f.svc.RollbackModel(ctx, prActor)
	if err != nil {
		t.Fatal(err)
	}
	if again.Examples != second.Examples {
		t.Errorf("second rollback gives %d examples, want %d", again.Examples, second.Examples)
	}
	got, err := f.svc.ModelStatus(ctx, bot.Actor{Name: "mo", Roles: []bot.Role{bot.RoleModerator}})
	if err != nil || got.Examples != second.Examples {
		t.Errorf("status for a moderator: %+v, %v", got, err)
	}
}

func TestModelAFailedAuditChangesNothing(t *testing.T) {
	f := newModelFixture(t)
	f.correctSlang(6)
	f.audit.fail = bot.Errorf(bot.EUNAVAILABLE, "store closed")
	if _, err := f.svc.TrainModel(context.Background(), prActor); err == nil {
		t.Fatal("training succeeded though its audit entry failed")
	}
	if f.an.Model() != nil {
		t.Error("the model changed though the training failed")
	}
	if _, err := os.Stat(filepath.Join(f.dir, "models", "current.model")); err == nil {
		t.Error("a model file is kept though the training failed")
	}
}

func TestModelRoles(t *testing.T) {
	f := newModelFixture(t)
	f.correctSlang(6)
	ctx := context.Background()
	tests := []struct {
		name       string
		roles      []bot.Role
		see, train bool
	}{
		{"admin", []bot.Role{bot.RoleAdmin}, true, true},
		{"pr", []bot.Role{bot.RolePR}, true, true},
		{"moderator", []bot.Role{bot.RoleModerator}, true, false},
		{"safety", []bot.Role{bot.RoleSafety}, false, false},
		{"viewer", []bot.Role{bot.RoleViewer}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := bot.Actor{Name: tc.name, Roles: tc.roles}
			if _, err := f.svc.ModelStatus(ctx, a); (err == nil) != tc.see {
				t.Errorf("status: %v, want allowed %v", err, tc.see)
			}
			if _, err := f.svc.TrainModel(ctx, a); (err == nil) != tc.train {
				t.Errorf("train: %v, want allowed %v", err, tc.train)
			}
			if _, err := f.svc.ImportExamples(ctx, a, "x.tsv", strings.NewReader("text\tlabel\nok\tpos\n")); (err == nil) != tc.train {
				t.Errorf("import: %v, want allowed %v", err, tc.train)
			}
		})
	}
}

func TestModelImport(t *testing.T) {
	tests := []struct {
		name, file, body string
		wantErr          string // part of the error, "" for none
		examples         int
	}{
		{"good", "brand.tsv", "text\tlabel\nthe box was glimmo\tpos\nthe box was zorbix\tneg\n", "", 2},
		{"no extension", "brand", "text\tlabel\nfine\tneu\n", "", 1},
		{"unknown label", "bad.tsv", "text\tlabel\nok\tpos\nmeh\tmaybe\n", "bad.tsv:3", 0},
		{"missing field", "bad.tsv", "text\tlabel\nok\tpos\njust text\n", "bad.tsv:3", 0},
		{"no header", "bad.tsv", "ok\tpos\n", "bad.tsv:1", 0},
		{"empty", "bad.tsv", "", "empty", 0},
		{"only header", "bad.tsv", "text\tlabel\n", "no examples", 0},
		{"path in name", "../../etc/x.tsv", "text\tlabel\nok\tpos\n", "", 1},
		{"odd name", "a b.tsv", "text\tlabel\nok\tpos\n", "file name", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newModelFixture(t)
			res, err := f.svc.ImportExamples(context.Background(), prActor, tc.file, strings.NewReader(tc.body))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || bot.ErrorCode(err) != bot.EINVALID {
					t.Fatalf("err %v, want EINVALID naming %q", err, tc.wantErr)
				}
				if names, _ := filepath.Glob(filepath.Join(f.dir, "labels", "*")); len(names) != 0 {
					t.Errorf("a refused file left %v", names)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Examples != tc.examples {
				t.Errorf("examples %d, want %d", res.Examples, tc.examples)
			}
			if _, err := os.Stat(filepath.Join(f.dir, "labels", res.File)); err != nil {
				t.Errorf("the file is not kept under labels: %v", err)
			}
		})
	}
}

func TestModelTrainUsesImportedFiles(t *testing.T) {
	f := newModelFixture(t)
	ctx := context.Background()
	var b strings.Builder
	b.WriteString("text\tlabel\n")
	for word, label := range brandSlang {
		for i := range 8 {
			fmt.Fprintf(&b, "order %d came %s\t%s\n", i, word, label)
		}
	}
	if _, err := f.svc.ImportExamples(ctx, prActor, "brand.tsv", strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
	f.store.correct("the kit was glimmo", bot.SentimentPositive)
	st, err := f.svc.TrainModel(ctx, prActor)
	if err != nil {
		t.Fatal(err)
	}
	if st.Imported != 24 || st.Corrections != 1 || len(st.Files) != 1 || st.Files[0] != "brand.tsv" {
		t.Errorf("status %+v: want 24 imported, 1 correction, files [brand.tsv]", st)
	}
	if got := f.sentiment(t, "the cap came glimmo"); got != bot.SentimentPositive {
		t.Errorf("after training on the file: %s, want pos", got)
	}
}

func TestModelTooFewExamples(t *testing.T) {
	f := newModelFixture(t)
	f.store.correct("the box was zorbix", bot.SentimentNegative)
	if _, err := f.svc.TrainModel(context.Background(), prActor); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("training on one example: %v, want EINVALID", err)
	}
}
