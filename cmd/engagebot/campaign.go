package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"engagebot/bot"
	"engagebot/web"
)

// The API's campaign actions are the engine's.
var _ web.CampaignActions = (*bot.Actions)(nil)

const campaignUsage = `usage: engagebot campaign VERB [flags]

Verbs (each takes -server URL, default $ENGAGEBOT_SERVER or http://127.0.0.1:8080;
the API token is read from $ENGAGEBOT_TOKEN):
  create   -name NAME -segment ID -accounts telegram.support[,...]
           (-text TEMPLATE | -template NAME | -file FILE) [-window 08:00-21:00]
           a draft; -file is the whole campaign as YAML or JSON (variants,
           kind event with its event, data)
  list
  show     ID                  progress (sent, failed, pending, skipped by
                               reason), variants compared, answers
  start    ID [-dry-run N]     start it; with -dry-run, show what N followers
                               would receive and send nothing
  pause    ID
  resume   ID
  cancel   ID
  recipients ID [-answer N] [-state STATE] [-csv]
                               who it reached; -answer 1 lists an event's
                               attendees; -csv exports

Each prints the API's answer on stdout (JSON, or CSV with -csv).
`

const surveyUsage = `usage: engagebot survey VERB [flags]

A survey is a campaign of kind survey: a native poll on Telegram and Rubika,
numbered choices with buttons elsewhere; a follower answers by voting,
pressing, or writing the number.

Verbs (each takes -server URL, default $ENGAGEBOT_SERVER or http://127.0.0.1:8080;
the API token is read from $ENGAGEBOT_TOKEN):
  create   -name NAME -segment ID -accounts telegram.support[,...]
           -question TEXT -options "A|B|C" [-window 08:00-21:00]
  list
  show     ID                  progress and the answers per option
  start    ID [-dry-run N]
  pause    ID
  resume   ID
  cancel   ID
  answers  ID [-csv]           each recipient's answer

Each prints the API's answer on stdout (JSON, or CSV with -csv).
`

var (
	campaignVerbs = []string{"create", "list", "show", "start", "pause", "resume", "cancel", "recipients"}
	surveyVerbs   = []string{"create", "list", "show", "start", "pause", "resume", "cancel", "answers"}
)

func runCampaign(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return campaignCLI(ctx, "campaign", campaignUsage, campaignVerbs, args, stdin, stdout, stderr)
}

func runSurvey(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return campaignCLI(ctx, "survey", surveyUsage, surveyVerbs, args, stdin, stdout, stderr)
}

// campaignCLI is `engagebot campaign VERB` and `engagebot survey VERB`:
// both drive /api/v1/campaigns.
func campaignCLI(ctx context.Context, cmd, usage string, verbs, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	verb, args := args[0], args[1:]
	if !slices.Contains(verbs, verb) {
		fmt.Fprintf(stderr, "engagebot %s: unknown verb %q\n\n%s", cmd, verb, usage)
		return errUsage
	}
	fs := flag.NewFlagSet(cmd+" "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", envOr("ENGAGEBOT_SERVER", "http://127.0.0.1:8080"), "the service's address")
	var (
		name, segment, accounts, text, tmpl, window, file, question, options, state string
		dryRun, answer                                                              int
		asCSV                                                                       bool
	)
	switch verb {
	case "create":
		fs.StringVar(&name, "name", "", "the campaign's name")
		fs.StringVar(&segment, "segment", "", "the segment's id")
		fs.StringVar(&accounts, "accounts", "", "accounts to send from, comma-separated")
		fs.StringVar(&window, "window", "", "send window in each follower's time zone (default 08:00-21:00)")
		if cmd == "survey" {
			fs.StringVar(&question, "question", "", "the question")
			fs.StringVar(&options, "options", "", `the options, separated by "|"`)
		} else {
			fs.StringVar(&text, "text", "", "the message, an inline template")
			fs.StringVar(&tmpl, "template", "", "a template's name instead of -text")
			fs.StringVar(&file, "file", "", "the campaign as YAML or JSON (- for stdin)")
		}
	case "start":
		fs.IntVar(&dryRun, "dry-run", 0, "show what this many followers would receive, send nothing")
	case "recipients", "answers":
		fs.BoolVar(&asCSV, "csv", false, "export as CSV")
		if verb == "recipients" {
			fs.IntVar(&answer, "answer", 0, "only who chose this option (from 1)")
			fs.StringVar(&state, "state", "", "only recipients in this state")
		}
	}
	arg, err := parseWithArg(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return errUsage
	}
	if verb != "create" && verb != "list" && arg == "" {
		fmt.Fprintf(stderr, "engagebot %s %s: give the campaign's id\n", cmd, verb)
		return errUsage
	}
	body := map[string]any{}
	if verb == "create" {
		if body, err = campaignBody(cmd, file, stdin); err != nil {
			return err
		}
		for k, v := range map[string]string{"name": name, "segment": segment, "text": text, "template": tmpl, "window": window, "question": question} {
			if v != "" {
				body[k] = v
			}
		}
		if accounts != "" {
			body["accounts"] = strings.Split(accounts, ",")
		}
		if options != "" {
			body["options"] = strings.Split(options, "|")
		}
		if cmd == "survey" {
			body["kind"] = "survey"
		}
	}
	c, err := newAPIClient(*server)
	if err != nil {
		return err
	}
	const path = "/api/v1/campaigns"
	one := path + "/" + url.PathEscape(arg)
	switch verb {
	case "create":
		return c.do(ctx, "POST", path, body, stdout)
	case "list":
		return c.do(ctx, "GET", path, nil, stdout)
	case "show":
		return c.do(ctx, "GET", one, nil, stdout)
	case "start":
		if dryRun > 0 {
			return c.do(ctx, "POST", one+"/start?dry_run="+strconv.Itoa(dryRun), nil, stdout)
		}
		return c.do(ctx, "POST", one+"/start", nil, stdout)
	case "pause", "resume", "cancel":
		return c.do(ctx, "POST", one+"/"+verb, nil, stdout)
	case "recipients", "answers":
		q := url.Values{}
		if answer > 0 {
			q.Set("answer", strconv.Itoa(answer))
		}
		if state != "" {
			q.Set("state", state)
		}
		if asCSV {
			q.Set("format", "csv")
		}
		p := one + "/recipients"
		if len(q) > 0 {
			p += "?" + q.Encode()
		}
		return c.do(ctx, "GET", p, nil, stdout)
	}
	return nil
}

// campaignBody reads a campaign from -file (YAML or JSON), or starts an
// empty one; the flags then fill in or override its fields.
func campaignBody(cmd, file string, stdin io.Reader) (map[string]any, error) {
	body := map[string]any{}
	if file == "" {
		return body, nil
	}
	if file == "-" {
		file = ""
	}
	name, data, err := readInput(file, stdin)
	if err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(data, &body); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if body == nil {
		return nil, fmt.Errorf("%s: not a campaign", name)
	}
	return body, nil
}
