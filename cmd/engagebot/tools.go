package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"engagebot/adapters/all"
	"engagebot/analyze"
	"engagebot/bot"
	"engagebot/config"
)

func runCheckConfig(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check-config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "config.yaml", "config file")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := config.Load(*cfgPath, all.Factories(), config.Getenv)
	if err != nil {
		return err
	}
	// Build the analyzer and templates too: a broken vocabulary file or
	// template is a config mistake the service would only find at start.
	an, err := newAnalyzer(cfg)
	if err != nil {
		key := "analyze.vocabulary"
		if errors.Is(err, analyze.ErrModel) {
			key = "analyze.model"
		}
		return fmt.Errorf("config %s:\n%s: %w", *cfgPath, key, err)
	}
	if _, err := newRenderer(cfg, an.Products()); err != nil {
		return fmt.Errorf("config %s:\ntemplates.dir: %w", *cfgPath, err)
	}
	fmt.Fprintf(stdout, "%s: ok\n", *cfgPath)
	for _, a := range cfg.Accounts {
		state := "enabled"
		if a.Skip != "" {
			state = "skipped: " + a.Skip
		}
		fmt.Fprintf(stdout, "  %-28s %s\n", a.Key, state)
	}
	return nil
}

func runAnalyze(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "train" {
		return runAnalyzeTrain(ctx, args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "config file (for analyze.vocabulary and analyze.model)")
	eval := fs.String("eval", "", "score a text<TAB>label file with a header line")
	model := fs.String("model", "", "a model file written by `analyze train` (overrides analyze.model)")
	confident := fs.Float64("confident", analyze.DefaultBlend.Confident, "with -model: the model's probability above which it decides")
	noCue := fs.Float64("nocue", analyze.DefaultBlend.NoCue, "with -model: the same where the lexicon finds no sentiment word")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg := config.Default()
	if *cfgPath != "" {
		var err error
		if cfg, err = config.Load(*cfgPath, all.Factories(), config.Getenv); err != nil {
			return err
		}
	}
	if *model != "" {
		cfg.Analyze.Model = *model
	}
	a, err := newAnalyzer(cfg, analyze.WithBlend(analyze.Blend{Confident: *confident, NoCue: *noCue}))
	if err != nil {
		return err
	}
	if *eval == "" {
		return analyze.RunLines(ctx, a, stdin, stdout)
	}
	f, err := os.Open(*eval)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	_, err = analyze.RunEval(ctx, a, f, stdout)
	return err
}

// runAnalyzeTrain is `engagebot analyze train`: it learns a sentiment
// model from labelled files and prints its cross-validated figures, as JSON
// on the last line.
func runAnalyzeTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("analyze train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "labelled text<TAB>label files with a header, separated by commas")
	out := fs.String("out", "", "the model file to write")
	folds := fs.Int("k", 5, "folds of the cross-validation (below 2: none)")
	limit := fs.Int("limit", 0, "train on this many examples drawn with the seed (0: all), for a learning curve")
	seed := fs.Uint64("seed", 1, "seed of shuffling and folds; the same seed gives the same model")
	epochs := fs.Int("epochs", 0, "passes over the examples (0: the default)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *data == "" || *out == "" {
		fmt.Fprintln(stderr, "usage: engagebot analyze train -data FILE.tsv[,FILE.tsv...] -out MODEL [-k 5] [-limit N] [-seed 1]")
		return errUsage
	}
	var files []string
	for _, f := range strings.Split(*data, ",") {
		if f = strings.TrimSpace(f); f != "" {
			files = append(files, f)
		}
	}
	_, err := analyze.RunTrain(ctx, analyze.TrainConfig{
		Files: files, Out: *out, Folds: *folds, Limit: *limit,
		Opts: analyze.TrainOptions{Seed: *seed, Epochs: *epochs},
	}, stdout)
	return err
}

func runWebhook(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "register" {
		fmt.Fprintln(stderr, "usage: engagebot webhook register -config FILE -account PLATFORM.NAME [-url URL]")
		return errUsage
	}
	fs := flag.NewFlagSet("webhook register", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "config.yaml", "config file")
	account := fs.String("account", "", "account key, e.g. telegram.support")
	url := fs.String("url", "", "public URL of the webhook (default: server.public_url + /webhooks/<platform>/<name>)")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	cfg, err := config.Load(*cfgPath, all.Factories(), config.Getenv)
	if err != nil {
		return err
	}
	for _, acc := range cfg.Accounts {
		if acc.Key != *account {
			continue
		}
		if acc.Skip != "" {
			return fmt.Errorf("account %s is not enabled: %s", acc.Key, acc.Skip)
		}
		target := *url
		if target == "" {
			if cfg.Server.PublicURL == "" {
				return fmt.Errorf("server.public_url is not set; pass -url")
			}
			target = strings.TrimRight(cfg.Server.PublicURL, "/") + "/webhooks/" + acc.Platform + "/" + acc.Name
		}
		a, err := acc.Factory.New(acc.Platform, acc.Name, acc.Config, bot.AdapterDeps{Logger: newLogger(cfg.Log, stderr)})
		if err != nil {
			return err
		}
		reg, ok := a.(bot.WebhookRegistrar)
		if !ok {
			return fmt.Errorf("account %s cannot register a webhook (polling mode, or registered in the platform's dashboard)", acc.Key)
		}
		if err := reg.RegisterWebhook(ctx, target); err != nil {
			return fmt.Errorf("register %s: %w", acc.Key, err)
		}
		fmt.Fprintf(stdout, "%s: webhook registered at %s\n", acc.Key, target)
		return nil
	}
	return fmt.Errorf("no account %q in %s", *account, *cfgPath)
}
