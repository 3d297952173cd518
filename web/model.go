package web

import (
	"context"
	"io"
	"maps"
	"net/http"
	"strings"

	"engagebot/bot"
)

// ModelActions are the learned model's actions the API and the dashboard
// offer: its figures, training on the brand's labels, rolling back, and
// importing labelled examples. The server finds them on Options.Actions.
type ModelActions interface {
	ModelStatus(ctx context.Context, actor bot.Actor) (bot.ModelStatus, error)
	TrainModel(ctx context.Context, actor bot.Actor) (bot.ModelStatus, error)
	RollbackModel(ctx context.Context, actor bot.Actor) (bot.ModelStatus, error)
	ImportExamples(ctx context.Context, actor bot.Actor, name string, r io.Reader) (bot.ExamplesImport, error)
}

// modelReaders may see the model's figures: PR staff, and the moderators
// whose corrections it learns from. Only PR staff change it.
var (
	modelReaders = []bot.Role{bot.RolePR, bot.RoleModerator}
	modelWriters = []bot.Role{bot.RolePR}
)

// modelRoutes are the model's rows of the API's route table.
func (s *Server) modelRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/model", Roles: modelReaders, Handle: s.handleModel, Doc: docModel},
		{Method: "POST", Pattern: "/api/v1/model/train", Roles: modelWriters, Handle: s.handleModelChange(ModelActions.TrainModel), Doc: docTrainModel},
		{Method: "POST", Pattern: "/api/v1/model/rollback", Roles: modelWriters, Handle: s.handleModelChange(ModelActions.RollbackModel), Doc: docRollbackModel},
		{Method: "POST", Pattern: "/api/v1/model/examples", Roles: modelWriters, Handle: s.handleImportExamples, Doc: docImportExamples},
	}
}

func (s *Server) model() (ModelActions, error) {
	m, ok := s.opts.Actions.(ModelActions)
	if !ok {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "the learned model is not set up")
	}
	return m, nil
}

// modelView is the model's status as the API answers it: lists are
// never null, so that a program need not tell none from empty.
func modelView(st bot.ModelStatus) bot.ModelStatus {
	st.Curve, st.Files = nonNil(st.Curve), nonNil(st.Files)
	if st.F1 == nil {
		st.F1 = map[string]float64{}
	}
	if st.Counts == nil {
		st.Counts = map[string]int{}
	}
	return st
}

func (s *Server) handleModel(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	m, err := s.model()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	st, err := m.ModelStatus(r.Context(), a)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, modelView(st))
}

func (s *Server) handleModelChange(do func(ModelActions, context.Context, bot.Actor) (bot.ModelStatus, error)) func(http.ResponseWriter, *http.Request, bot.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a bot.Actor) {
		m, err := s.model()
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		st, err := do(m, r.Context(), a)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, modelView(st))
	}
}

// handleImportExamples takes a file of labelled examples as JSON, the
// file's name and its text, so the API stays JSON throughout.
func (s *Server) handleImportExamples(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	m, err := s.model()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var body struct {
		Name string `json:"name"`
		TSV  string `json:"tsv"`
	}
	if err := readJSON(r, &body, false); err != nil {
		Error(w, r, err)
		return
	}
	if strings.TrimSpace(body.Name) == "" {
		Error(w, r, bot.Errorf(bot.EINVALID, "name: the file's name is required"))
		return
	}
	res, err := m.ImportExamples(r.Context(), a, body.Name, strings.NewReader(body.TSV))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

// Route documents and schemas of the model API.
var (
	docModel          = &OpDoc{Summary: "the learned model in use: when trained, on what, its cross-validated figures and learning curve", Response: "Model"}
	docTrainModel     = &OpDoc{Summary: "train a model on the moderators' corrections and the imported examples and put it in use", Response: "Model"}
	docRollbackModel  = &OpDoc{Summary: "put the previous model back in use (a second rollback undoes the first)", Response: "Model"}
	docImportExamples = &OpDoc{Summary: "keep a file of labelled examples (text<TAB>label with a header) for the next training; a bad file is refused naming its line", Body: "ImportExamples", Status: http.StatusCreated, Response: "ExamplesImported"}
)

var modelSchemas = map[string]any{
	"Model": object(map[string]any{
		"trained":     dateTime(),
		"by":          str("who trained it"),
		"examples":    map[string]any{"type": "integer"},
		"corrections": map[string]any{"type": "integer", "description": "examples from moderators' corrections"},
		"imported":    map[string]any{"type": "integer", "description": "examples from imported files"},
		"counts":      map[string]any{"type": "object", "description": "examples per label"},
		"folds":       map[string]any{"type": "integer", "description": "cross-validation folds, 0 for no figures"},
		"accuracy":    map[string]any{"type": "number"},
		"macro_f1":    map[string]any{"type": "number"},
		"f1":          map[string]any{"type": "object", "description": "F1 per label: pos, neg, neu"},
		"curve": arrayOf(object(map[string]any{
			"examples": map[string]any{"type": "integer"}, "accuracy": map[string]any{"type": "number"}, "macro_f1": map[string]any{"type": "number"},
		}, "examples", "accuracy", "macro_f1")),
		"previous":       map[string]any{"type": "boolean", "description": "a previous model to roll back to"},
		"previous_model": map[string]any{"type": "object", "description": "the previous model's figures, when known: trained, by, examples, folds, accuracy, macro_f1, f1, curve"},
		"files":          arrayOf(str("an imported file's name")),
	}, "examples", "folds", "accuracy", "macro_f1", "previous"),
	"ImportExamples": object(map[string]any{
		"name": str("the file's name: letters, digits, '.', '-', '_'; .tsv is added"),
		"tsv":  str("the file: a text<TAB>label header, then one example a line; labels pos, neg, neu"),
	}, "name", "tsv"),
	"ExamplesImported": object(map[string]any{
		"file": str("the name it is kept under"), "examples": map[string]any{"type": "integer"}, "replaced": map[string]any{"type": "boolean"},
	}, "file", "examples", "replaced"),
}

func init() { maps.Copy(schemas, modelSchemas) }
