package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// The post commands talk to the running service's JSON API: the service
// owns the store file, so they never open it.

const postUsage = `usage: engagebot post VERB [flags]

Verbs (each takes -server URL, default $ENGAGEBOT_SERVER or http://127.0.0.1:8080;
the API token is read from $ENGAGEBOT_TOKEN):
  create   -text TEXT -target ACCOUNT[:CHAT]... (-at WHEN | -cron SPEC) [-tz ZONE]
           [-image URL] [-variant PLATFORM=TEXT]... [-lateness 30m]
           WHEN is RFC 3339 or a date and time in -tz, Solar Hijri or Gregorian:
           "1405-09-11 09:30", "2026-12-02 09:30"
  list     [-from DATE] [-to DATE] [-account ACCOUNT] [-state STATE]
  show     ID
  submit   ID                 ask for approval
  approve  ID [-note NOTE]    sign off (not the author)
  cancel   ID [-note NOTE]
  retry    ID -at SLOT -account ACCOUNT   publish a failed slot target again

Each prints the API's answer as JSON on stdout.
`

// postVerbs are the verbs in the order -h lists them.
var postVerbs = []string{"create", "list", "show", "submit", "approve", "cancel", "retry"}

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseWithArg parses a verb's flags with one positional argument (an
// id, a file) allowed before the flags or after them. It returns
// flag.ErrHelp for -h.
func parseWithArg(fs *flag.FlagSet, args []string) (string, error) {
	var arg string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		arg, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if arg == "" && fs.NArg() > 0 {
		arg = fs.Arg(0)
	}
	return arg, nil
}

// newAPIClient is the client of the running service's API at server,
// with the token from $ENGAGEBOT_TOKEN.
func newAPIClient(server string) (*apiClient, error) {
	token := os.Getenv("ENGAGEBOT_TOKEN")
	if token == "" {
		return nil, errors.New("set ENGAGEBOT_TOKEN to an API token (engagebot token create)")
	}
	return &apiClient{base: server, token: token, http: &http.Client{Timeout: 30 * time.Second}}, nil
}

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	base  string
	token string
	http  *http.Client
}

func (c *apiClient) do(ctx context.Context, method, path string, body any, out io.Writer) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.base, "/")+path, rd)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("the service at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return fmt.Errorf("%s (%d)", e.Error, resp.StatusCode)
		}
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, data, "", "  ") != nil {
		_, err = out.Write(data)
		return err
	}
	pretty.WriteByte('\n')
	_, err = out.Write(pretty.Bytes())
	return err
}

// runPost is `engagebot post VERB`.
func runPost(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, postUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	verb, args := args[0], args[1:]
	known := false
	for _, v := range postVerbs {
		known = known || v == verb
	}
	if !known {
		fmt.Fprintf(stderr, "engagebot post: unknown verb %q\n\n%s", verb, postUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("post "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", envOr("ENGAGEBOT_SERVER", "http://127.0.0.1:8080"), "the service's address")
	var (
		text, at, cron, tz, image, lateness = new(string), new(string), new(string), new(string), new(string), new(string)
		from, to, account, state, note      = new(string), new(string), new(string), new(string), new(string)
		targets, variants                   listFlag
	)
	switch verb {
	case "create":
		fs.StringVar(text, "text", "", "the post's text")
		fs.Var(&targets, "target", "ACCOUNT[:CHAT], e.g. telegram.support:@brand (repeat for several)")
		fs.StringVar(at, "at", "", "once at this time")
		fs.StringVar(cron, "cron", "", "recurring on this cron spec (seconds optional)")
		fs.StringVar(tz, "tz", "", "time zone of -at without an offset and of -cron (default Asia/Tehran)")
		fs.StringVar(image, "image", "", "image URL")
		fs.Var(&variants, "variant", "PLATFORM=TEXT, e.g. x=a shorter tweet (repeat for several)")
		fs.StringVar(lateness, "lateness", "", "how late a slot missed while down may still go out")
	case "list":
		fs.StringVar(from, "from", "", "start date")
		fs.StringVar(to, "to", "", "end date (exclusive)")
		fs.StringVar(account, "account", "", "only this account")
		fs.StringVar(state, "state", "", "only this state")
	case "approve", "cancel":
		fs.StringVar(note, "note", "", "the sign-off note")
	case "retry":
		fs.StringVar(at, "at", "", "the slot's time (RFC 3339, as show gives it)")
		fs.StringVar(account, "account", "", "the account to retry")
	}
	id, err := parseWithArg(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return errUsage
	}
	needsID := verb != "create" && verb != "list"
	if needsID && id == "" {
		fmt.Fprintf(stderr, "engagebot post %s: give the post's id\n", verb)
		return errUsage
	}
	c, err := newAPIClient(*server)
	if err != nil {
		return err
	}
	path := "/api/v1/posts"
	if needsID {
		path += "/" + url.PathEscape(id)
	}
	switch verb {
	case "create":
		body := map[string]any{"text": *text, "at": *at, "cron": *cron, "tz": *tz, "image_url": *image, "lateness": *lateness}
		var ts []map[string]string
		for _, t := range targets {
			acct, chat, _ := strings.Cut(t, ":")
			ts = append(ts, map[string]string{"account": acct, "chat": chat})
		}
		body["targets"] = ts
		if len(variants) > 0 {
			vs := map[string]string{}
			for _, v := range variants {
				p, t, ok := strings.Cut(v, "=")
				if !ok {
					return fmt.Errorf("-variant %q: want PLATFORM=TEXT", v)
				}
				vs[p] = t
			}
			body["variants"] = vs
		}
		return c.do(ctx, "POST", path, body, stdout)
	case "list":
		q := url.Values{}
		for k, v := range map[string]string{"from": *from, "to": *to, "account": *account, "state": *state} {
			if v != "" {
				q.Set(k, v)
			}
		}
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
		return c.do(ctx, "GET", path, nil, stdout)
	case "show":
		return c.do(ctx, "GET", path, nil, stdout)
	case "submit":
		return c.do(ctx, "POST", path+"/submit", nil, stdout)
	case "approve", "cancel":
		return c.do(ctx, "POST", path+"/"+verb, map[string]string{"note": *note}, stdout)
	case "retry":
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return fmt.Errorf("-at %q: want the slot's time as show gives it (RFC 3339)", *at)
		}
		return c.do(ctx, "POST", path+"/retry", map[string]any{"at": t, "account": *account}, stdout)
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
