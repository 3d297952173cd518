package bot

import (
	"context"
	"time"
)

// ModelStatus describes the analyzer's learned model, trained on the
// brand's own labels, as the dashboard shows it.
type ModelStatus struct {
	// Trained is when the model in use was trained, zero for none.
	Trained time.Time `json:"trained,omitzero"`
	By      string    `json:"by,omitempty"`
	// Examples it learned from: Corrections are moderators' sentiment
	// corrections, Imported the rows of imported files.
	Examples    int            `json:"examples"`
	Corrections int            `json:"corrections"`
	Imported    int            `json:"imported"`
	Counts      map[string]int `json:"counts,omitempty"`
	// Folds, Accuracy, MacroF1 and F1 (per label) are cross-validated:
	// how the model does on messages it did not learn from.
	Folds    int                `json:"folds"`
	Accuracy float64            `json:"accuracy"`
	MacroF1  float64            `json:"macro_f1"`
	F1       map[string]float64 `json:"f1,omitempty"`
	// Curve is the learning curve: the cross-validated figures with
	// fewer examples, smallest first.
	Curve []CurvePoint `json:"curve,omitempty"`
	// Previous is whether there is a model to roll back to, and
	// PreviousModel its figures when they are known (a model that came
	// from the config has none kept).
	Previous      bool         `json:"previous"`
	PreviousModel *ModelStatus `json:"previous_model,omitempty"`
	// Files are the imported files of labelled examples, by name.
	Files []string `json:"files,omitempty"`
}

// CurvePoint is one point of a learning curve.
type CurvePoint struct {
	Examples int     `json:"examples"`
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
}

// modelRoles may train the model, roll it back and import examples;
// moderators, whose corrections it learns from, may see its figures.
var modelRoles = []Role{RolePR}

// MaySeeModel checks that actor may see the learned model's figures.
func (s *Actions) MaySeeModel(actor Actor) error {
	return s.may(actor, "see the model", RolePR, RoleModerator)
}

// MayChangeModel checks that actor may train or roll back the model or
// import examples, before the work (training takes seconds) is done.
func (s *Actions) MayChangeModel(actor Actor) error {
	return s.may(actor, "change the model", modelRoles...)
}

// ChangeModel runs fn, a change to the learned model (action is
// "model.train", "model.rollback" or "model.import"), as an audited
// action: the model lives in files beside the store, so fn makes its
// change inside the audit entry's transaction and the entry is written
// only when fn succeeds. fn should be quick: the slow training is done
// before, after MayChangeModel.
func (s *Actions) ChangeModel(ctx context.Context, actor Actor, action, target string, fn func() (before, after any, err error)) error {
	return s.do(ctx, actor, action, target, modelRoles, func(*actTx) (change, error) {
		b, a, err := fn()
		return change{before: b, after: a}, err
	})
}

// ExamplesImport is what an import of labelled examples kept.
type ExamplesImport struct {
	File     string `json:"file"`
	Examples int    `json:"examples"`
	Replaced bool   `json:"replaced"`
}
