package main

// The model service trains the analyzer on the brand's own labels: the
// sentiment corrections moderators make in the workspace and the files of
// labelled examples staff import. It keeps the model in use and the one
// before it under the data folder, swaps the running analyzer's model
// atomically, and rolls back to the previous one. The data folder holds
//
//	labels/*.tsv          imported examples, text<TAB>label with a header
//	models/current.model  the model in use, and current.json its figures
//	models/previous.model the one it replaced, and previous.json

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"engagebot/analyze"
	"engagebot/bot"
	"engagebot/config"
)

// modelReader is the store as training reads it; bot.Store is one. Its
// transactions must list every sentiment override (AllLabels), as the
// bbolt store's do.
type modelReader interface {
	View(ctx context.Context, fn func(bot.Tx) error) error
}

// labelLister is the part of a store transaction that lists every
// person's sentiment label.
type labelLister interface {
	AllLabels(fn func(*bot.LabelOverride) error) error
}

// modelAuditor checks roles and writes the audit entries; *bot.Actions is one.
type modelAuditor interface {
	MaySeeModel(actor bot.Actor) error
	MayChangeModel(actor bot.Actor) error
	ChangeModel(ctx context.Context, actor bot.Actor, action, target string, fn func() (before, after any, err error)) error
}

// modelOptions configure a modelService.
type modelOptions struct {
	Analyzer *analyze.Analyzer
	Store    modelReader
	Actions  modelAuditor
	Dir      string // the data folder
	Logger   *slog.Logger
	// Folds for cross-validation (default 5); fewer examples than folds
	// train without figures.
	Folds int
	Train analyze.TrainOptions
	Now   func() time.Time
}

// modelService trains, swaps and rolls back the analyzer's model. It is safe
// for concurrent use; changes run one at a time.
type modelService struct {
	o  modelOptions
	mu sync.Mutex
}

// maxModelImport bounds an imported file of examples.
const maxModelImport = 8 << 20

// minModelExamples is the fewest examples a training takes: fewer say nothing
// a lexicon does not.
const minModelExamples = 10

const (
	modelCurrent  = "current"
	modelPrevious = "previous"
)

// New builds the service and, when the data folder holds a trained model,
// puts it in use: it is newer than any model the config names. A model
// file that does not read is an error naming it.
func newModelService(o modelOptions) (*modelService, error) {
	if o.Analyzer == nil || o.Store == nil || o.Actions == nil || o.Dir == "" {
		return nil, errors.New("model: analyzer, store, actions and data folder are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Folds == 0 {
		o.Folds = 5
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &modelService{o: o}
	path := s.modelPath(modelCurrent)
	if _, err := os.Stat(path); err == nil {
		m, err := analyze.LoadModel(path)
		if err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
		o.Analyzer.SetModel(m)
		o.Logger.Info("trained model in use", "file", path, "examples", m.Info().Examples)
	}
	return s, nil
}

func (s *modelService) modelsDir() string          { return filepath.Join(s.o.Dir, "models") }
func (s *modelService) labelsDir() string          { return filepath.Join(s.o.Dir, "labels") }
func (s *modelService) modelPath(n string) string  { return filepath.Join(s.modelsDir(), n+".model") }
func (s *modelService) statusPath(n string) string { return filepath.Join(s.modelsDir(), n+".json") }

// ModelStatus returns the figures of the model in use.
func (s *modelService) ModelStatus(ctx context.Context, actor bot.Actor) (bot.ModelStatus, error) {
	if err := s.o.Actions.MaySeeModel(actor); err != nil {
		return bot.ModelStatus{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status()
}

func (s *modelService) status() (bot.ModelStatus, error) {
	st, err := readModelStatus(s.statusPath(modelCurrent))
	if err != nil {
		return st, err
	}
	if st.Trained.IsZero() {
		// A model from the config, or none: its file carries what it knows.
		if m := s.o.Analyzer.Model(); m != nil {
			st = modelStatusOf(m.Info())
		}
	}
	_, err = os.Stat(s.modelPath(modelPrevious))
	st.Previous = err == nil
	if st.Previous {
		prev, err := readModelStatus(s.statusPath(modelPrevious))
		if err != nil {
			return st, err
		}
		if prev.Examples > 0 {
			prev.Previous, prev.PreviousModel, prev.Files = false, nil, nil
			st.PreviousModel = &prev
		}
	}
	st.Files, err = s.files()
	return st, err
}

func readModelStatus(path string) (bot.ModelStatus, error) {
	var st bot.ModelStatus
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	} else if err != nil {
		return st, fmt.Errorf("model: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("model: %s: %w", path, err)
	}
	return st, nil
}

func modelStatusOf(info analyze.ModelInfo) bot.ModelStatus {
	st := bot.ModelStatus{Examples: info.Examples, Counts: info.Counts}
	if info.CV != nil {
		st.Accuracy, st.MacroF1, st.F1 = info.CV.Accuracy, info.CV.MacroF1, map[string]float64{}
		for _, c := range info.CV.Classes {
			st.F1[c.Label] = c.F1
		}
	}
	return st
}

func (s *modelService) files() ([]string, error) {
	list, err := filepath.Glob(filepath.Join(s.labelsDir(), "*.tsv"))
	if err != nil {
		return nil, err
	}
	for i, p := range list {
		list[i] = filepath.Base(p)
	}
	slices.Sort(list)
	return list, nil
}

// Examples gathers what to learn from: each moderator's correction (the
// message's text with the person's label) and the rows of the imported
// files. It returns how many came from corrections.
func (s *modelService) Examples(ctx context.Context) ([]analyze.Example, int, error) {
	var out []analyze.Example
	err := s.o.Store.View(ctx, func(tx bot.Tx) error {
		ll, ok := tx.(labelLister)
		if !ok {
			return bot.Errorf(bot.EUNAVAILABLE, "model: the store does not list sentiment labels")
		}
		return ll.AllLabels(func(o *bot.LabelOverride) error {
			msgs, err := tx.Messages(o.Thread, o.Message-1, 1)
			if err != nil {
				return err
			}
			// A message purged by retention takes its label with it.
			if len(msgs) == 1 && msgs[0].Seq == o.Message && strings.TrimSpace(msgs[0].Text) != "" {
				out = append(out, analyze.Example{Text: msgs[0].Text, Label: o.Label})
			}
			return nil
		})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("model: corrections: %w", err)
	}
	corrections := len(out)
	names, err := s.files()
	if err != nil {
		return nil, 0, err
	}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(s.labelsDir(), n))
		if err != nil {
			return nil, 0, fmt.Errorf("model: %w", err)
		}
		ex, err := analyze.ReadExamples(n, bytes.NewReader(b))
		if err != nil {
			return nil, 0, err
		}
		out = append(out, ex...)
	}
	return out, corrections, nil
}

// TrainModel learns a model from every example there is, cross-validated with
// a learning curve, and puts it in use; the model it replaces becomes the
// previous one. On an error the model in use does not change.
func (s *modelService) TrainModel(ctx context.Context, actor bot.Actor) (bot.ModelStatus, error) {
	if err := s.o.Actions.MayChangeModel(actor); err != nil {
		return bot.ModelStatus{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ex, corrections, err := s.Examples(ctx)
	if err != nil {
		return bot.ModelStatus{}, err
	}
	if len(ex) < minModelExamples {
		return bot.ModelStatus{}, bot.Errorf(bot.EINVALID, "train: %d labelled examples, at least %d needed", len(ex), minModelExamples)
	}
	folds := min(s.o.Folds, len(ex))
	var cv *analyze.Report
	if folds >= 2 {
		r, err := analyze.CrossValidate(ctx, ex, folds, s.o.Train)
		if err != nil {
			return bot.ModelStatus{}, err
		}
		cv = &r
	}
	curve, err := s.curve(ctx, ex, folds)
	if err != nil {
		return bot.ModelStatus{}, err
	}
	m, err := analyze.Train(ctx, ex, s.o.Train)
	if err != nil {
		return bot.ModelStatus{}, err
	}
	info := m.Info()
	info.CV = cv
	st := modelStatusOf(info)
	st.Trained, st.By, st.Corrections, st.Imported = s.o.Now().UTC(), actor.Name, corrections, len(ex)-corrections
	if cv != nil {
		st.Folds = folds
	}
	st.Curve = curve
	if err := os.MkdirAll(s.modelsDir(), 0o700); err != nil {
		return bot.ModelStatus{}, fmt.Errorf("model: %w", err)
	}
	// Written beside under a new name first, so a failed write leaves the
	// modelCurrent and previous files as they were.
	next := s.modelPath("next")
	if err := m.Save(next); err != nil {
		return bot.ModelStatus{}, fmt.Errorf("model: %w", err)
	}
	defer os.Remove(next)
	if err := writeModelStatus(s.statusPath("next"), st); err != nil {
		return bot.ModelStatus{}, err
	}
	defer os.Remove(s.statusPath("next"))
	before, _ := s.status()
	err = s.o.Actions.ChangeModel(ctx, actor, "model.train", "model", func() (any, any, error) {
		if err := s.keepCurrentAsPrevious(); err != nil {
			return nil, nil, err
		}
		if err := os.Rename(s.statusPath("next"), s.statusPath(modelCurrent)); err != nil {
			return nil, nil, fmt.Errorf("model: %w", err)
		}
		if err := os.Rename(next, s.modelPath(modelCurrent)); err != nil {
			return nil, nil, fmt.Errorf("model: %w", err)
		}
		s.o.Analyzer.SetModel(m)
		return modelAudit(before), modelAudit(st), nil
	})
	if err != nil {
		return bot.ModelStatus{}, err
	}
	s.o.Logger.Info("model trained", "by", actor.Name, "examples", st.Examples, "accuracy", st.Accuracy, "macro_f1", st.MacroF1)
	return s.status()
}

// keepCurrentAsPrevious moves the model in use to previous: its files
// when it was trained here, or the model itself when it came from the
// config, so that a rollback can return to it.
func (s *modelService) keepCurrentAsPrevious() error {
	if _, err := os.Stat(s.modelPath(modelCurrent)); err == nil {
		if err := os.Rename(s.modelPath(modelCurrent), s.modelPath(modelPrevious)); err != nil {
			return fmt.Errorf("model: %w", err)
		}
		if err := os.Rename(s.statusPath(modelCurrent), s.statusPath(modelPrevious)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("model: %w", err)
		}
		return nil
	}
	m := s.o.Analyzer.Model()
	if m == nil {
		return nil
	}
	if err := m.Save(s.modelPath(modelPrevious)); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	os.Remove(s.statusPath(modelPrevious))
	return nil
}

// curve is the learning curve: cross-validated figures on random subsets
// of an eighth, a quarter and half of the examples (those of at least 2
// per fold), then all of them.
func (s *modelService) curve(ctx context.Context, ex []analyze.Example, folds int) ([]bot.CurvePoint, error) {
	if folds < 2 {
		return nil, nil
	}
	shuffled := slices.Clone(ex)
	rand.New(rand.NewPCG(s.o.Train.Seed, 0x6375727665)).Shuffle(len(shuffled), func(i, j int) {
		shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
	})
	var out []bot.CurvePoint
	for _, n := range []int{len(ex) / 8, len(ex) / 4, len(ex) / 2, len(ex)} {
		if n < 2*folds || (len(out) > 0 && out[len(out)-1].Examples == n) {
			continue
		}
		r, err := analyze.CrossValidate(ctx, shuffled[:n], folds, s.o.Train)
		if bot.ErrorCode(err) == bot.EINVALID {
			continue // a subset with one label only
		} else if err != nil {
			return nil, err
		}
		out = append(out, bot.CurvePoint{Examples: n, Accuracy: r.Accuracy, MacroF1: r.MacroF1})
	}
	return out, nil
}

func writeModelStatus(path string, st bot.ModelStatus) error {
	st.Previous, st.PreviousModel, st.Files = false, nil, nil // known from the folder when read
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("model: %w", err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	return nil
}

// modelAudit is what an audit entry keeps of a model: enough to tell which.
func modelAudit(st bot.ModelStatus) map[string]any {
	if st.Examples == 0 {
		return map[string]any{"model": "none"}
	}
	return map[string]any{"trained": st.Trained, "examples": st.Examples, "accuracy": st.Accuracy, "macro_f1": st.MacroF1}
}

// RollbackModel puts the previous model back in use; the one it replaces
// becomes the previous, so a second rollback undoes the first.
func (s *modelService) RollbackModel(ctx context.Context, actor bot.Actor) (bot.ModelStatus, error) {
	if err := s.o.Actions.MayChangeModel(actor); err != nil {
		return bot.ModelStatus{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	prev, err := analyze.LoadModel(s.modelPath(modelPrevious))
	if errors.Is(err, os.ErrNotExist) {
		return bot.ModelStatus{}, bot.Errorf(bot.ENOTFOUND, "rollback: there is no previous model")
	} else if err != nil {
		return bot.ModelStatus{}, fmt.Errorf("model: %w", err)
	}
	before, err := s.status()
	if err != nil {
		return bot.ModelStatus{}, err
	}
	after, err := readModelStatus(s.statusPath(modelPrevious))
	if err != nil {
		return bot.ModelStatus{}, err
	}
	if after.Trained.IsZero() {
		after = modelStatusOf(prev.Info())
	}
	err = s.o.Actions.ChangeModel(ctx, actor, "model.rollback", "model", func() (any, any, error) {
		if err := swapFiles(s.modelPath(modelCurrent), s.modelPath(modelPrevious)); err != nil {
			return nil, nil, err
		}
		if err := swapFiles(s.statusPath(modelCurrent), s.statusPath(modelPrevious)); err != nil {
			return nil, nil, err
		}
		s.o.Analyzer.SetModel(prev)
		return modelAudit(before), modelAudit(after), nil
	})
	if err != nil {
		return bot.ModelStatus{}, err
	}
	s.o.Logger.Info("model rolled back", "by", actor.Name, "examples", after.Examples)
	return s.status()
}

// swapFiles exchanges two files' names; either may be missing.
func swapFiles(a, b string) error {
	tmp := a + ".swap"
	if err := os.Rename(a, tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("model: %w", err)
	}
	if err := os.Rename(b, a); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("model: %w", err)
	}
	if err := os.Rename(tmp, b); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("model: %w", err)
	}
	return nil
}

var labelFileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// ImportExamples keeps a file of labelled examples (text<TAB>label with a header)
// under the data folder for the next training, replacing one of the same
// name. A file that does not read is refused whole, naming the line.
func (s *modelService) ImportExamples(ctx context.Context, actor bot.Actor, name string, r io.Reader) (bot.ExamplesImport, error) {
	if err := s.o.Actions.MayChangeModel(actor); err != nil {
		return bot.ExamplesImport{}, err
	}
	name = filepath.Base(strings.TrimSpace(name))
	if !strings.HasSuffix(name, ".tsv") {
		name += ".tsv"
	}
	if !labelFileName.MatchString(name) {
		return bot.ExamplesImport{}, bot.Errorf(bot.EINVALID, "import: file name %q: letters, digits, '.', '-' and '_' only", name)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxModelImport+1))
	if err != nil {
		return bot.ExamplesImport{}, fmt.Errorf("import: %w", err)
	}
	if len(b) > maxModelImport {
		return bot.ExamplesImport{}, bot.Errorf(bot.EINVALID, "import: %s is larger than %d bytes", name, maxModelImport)
	}
	ex, err := analyze.ReadExamples(name, bytes.NewReader(b))
	if err != nil {
		return bot.ExamplesImport{}, err
	}
	if len(ex) == 0 {
		return bot.ExamplesImport{}, bot.Errorf(bot.EINVALID, "import: %s has no examples", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(s.labelsDir(), 0o700); err != nil {
		return bot.ExamplesImport{}, fmt.Errorf("import: %w", err)
	}
	path := filepath.Join(s.labelsDir(), name)
	tmp := path + ".part" // not *.tsv, so a training never reads it
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return bot.ExamplesImport{}, fmt.Errorf("import: %w", err)
	}
	defer os.Remove(tmp)
	res := bot.ExamplesImport{File: name, Examples: len(ex)}
	_, err = os.Stat(path)
	res.Replaced = err == nil
	err = s.o.Actions.ChangeModel(ctx, actor, "model.import", "labels:"+name, func() (any, any, error) {
		if err := os.Rename(tmp, path); err != nil {
			return nil, nil, fmt.Errorf("import: %w", err)
		}
		return map[string]any{"replaced": res.Replaced}, map[string]any{"examples": len(ex)}, nil
	})
	if err != nil {
		return bot.ExamplesImport{}, err
	}
	return res, nil
}

// Every retrains every d until ctx is done, as actor; a failed training
// is logged and the model in use kept. d of 0 or less does nothing.
func (s *modelService) Every(ctx context.Context, d time.Duration, actor bot.Actor) {
	if d <= 0 {
		return
	}
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.TrainModel(ctx, actor); err != nil && ctx.Err() == nil {
			s.o.Logger.Warn("scheduled retraining", "err", err)
		}
	}
}

// retrainActor is who a scheduled retraining is done as, in the audit log
// and the model's figures: the config key that asks for it, with the role
// that may train.
var retrainActor = bot.Actor{Name: "analyze.retrain", Roles: []bot.Role{bot.RolePR}}

// retraining is the model's scheduled retraining (analyze.retrain) as
// one of the service's runners.
type retraining struct {
	model *modelService
	every time.Duration
}

// newRetraining is the runner of the config's analyze.retrain, or nil
// when it is off.
func newRetraining(c *config.Config, model *modelService) bot.Runner {
	d := c.Analyze.Retrain.Duration()
	if d <= 0 {
		return nil
	}
	model.o.Logger.Info("scheduled retraining", "every", d)
	return retraining{model: model, every: d}
}

// Run retrains every period until ctx is done.
func (r retraining) Run(ctx context.Context) error {
	r.model.Every(ctx, r.every, retrainActor)
	return nil
}
