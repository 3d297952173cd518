package analyze

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"engagebot/bot"
)

// TrainConfig is what `engagebot analyze train` was asked for.
type TrainConfig struct {
	Files []string // text<TAB>label files with a header
	Out   string   // model file to write
	Folds int      // k of the cross-validation; below 2 skips it
	// Limit, when above 0, keeps that many examples drawn with the seed:
	// the points of a learning curve.
	Limit int
	Opts  TrainOptions
}

// TrainReport is the JSON line RunTrain writes last.
type TrainReport struct {
	Examples int                  `json:"examples"`
	Counts   map[string]int       `json:"counts"`
	Folds    int                  `json:"folds"`
	Accuracy float64              `json:"accuracy"`
	MacroF1  float64              `json:"macro_f1"`
	PerClass map[string]ClassJSON `json:"per_class"`
	Model    string               `json:"model"`
	Bytes    int64                `json:"bytes"`
	Seconds  float64              `json:"train_seconds"` // the final training, without cross-validation
	Labels   []string             `json:"labels"`
}

// ClassJSON is one class of TrainReport.
type ClassJSON struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// RunTrain is `engagebot analyze train`: it reads the files, reports the
// k-fold cross-validated figures, trains on all examples and writes the
// model. The last line of out is the TrainReport as JSON.
func RunTrain(ctx context.Context, cfg TrainConfig, out io.Writer) (TrainReport, error) {
	var tr TrainReport
	if len(cfg.Files) == 0 || cfg.Out == "" {
		return tr, bot.Errorf(bot.EINVALID, "train: -data and -out are required")
	}
	var all []Example
	for _, p := range cfg.Files {
		f, err := os.Open(p)
		if err != nil {
			return tr, fmt.Errorf("train: %w", err)
		}
		ex, err := ReadExamples(p, f)
		f.Close()
		if err != nil {
			return tr, err
		}
		fmt.Fprintf(out, "read %d examples from %s\n", len(ex), p)
		all = append(all, ex...)
	}
	if cfg.Limit > 0 && cfg.Limit < len(all) {
		rand.New(rand.NewPCG(cfg.Opts.Seed, 0x6c696d6974)).Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		all = all[:cfg.Limit]
		fmt.Fprintf(out, "kept %d examples (seed %d)\n", len(all), cfg.Opts.Seed)
	}
	var cv *Report
	if cfg.Folds >= 2 {
		r, err := CrossValidate(ctx, all, cfg.Folds, cfg.Opts)
		if err != nil {
			return tr, err
		}
		fmt.Fprintf(out, "%d-fold cross-validation:\n", cfg.Folds)
		r.Write(out)
		cv = &r
	}
	start := time.Now()
	m, err := Train(ctx, all, cfg.Opts)
	if err != nil {
		return tr, err
	}
	tr.Seconds = time.Since(start).Seconds()
	m.hdr.Info.CV = cv
	if err := m.Save(cfg.Out); err != nil {
		return tr, err
	}
	st, err := os.Stat(cfg.Out)
	if err != nil {
		return tr, fmt.Errorf("train: %w", err)
	}
	tr.Examples, tr.Counts, tr.Folds, tr.Model, tr.Bytes, tr.Labels = len(all), m.hdr.Info.Counts, cfg.Folds, cfg.Out, st.Size(), m.Labels()
	tr.PerClass = map[string]ClassJSON{}
	if cv != nil {
		tr.Accuracy, tr.MacroF1 = round4(cv.Accuracy), round4(cv.MacroF1)
		for _, c := range cv.Classes {
			tr.PerClass[c.Label] = ClassJSON{round4(c.Precision), round4(c.Recall), round4(c.F1), c.Support}
		}
	}
	js, err := json.Marshal(tr)
	if err != nil {
		return tr, fmt.Errorf("train: %w", err)
	}
	fmt.Fprintf(out, "%s\n", js)
	return tr, nil
}
