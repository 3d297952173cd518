// Command engagebot runs the service and its offline tools.
//
//	engagebot serve        -config FILE [-listen ADDR] [-data DIR]
//	engagebot check-config -config FILE
//	engagebot analyze      [-config FILE] [--eval FILE.tsv]   (text per line on stdin)
//	engagebot webhook register -config FILE -account PLATFORM.NAME [-url URL]
//	engagebot user add     -config FILE [-data DIR] -name NAME -role ROLE[,ROLE]  (password on stdin)
//	engagebot token create -config FILE [-data DIR] -name NAME -role ROLE[,ROLE]
//	engagebot post VERB    [-server URL] ...   (create, list, show, submit, approve, cancel, retry)
//	engagebot catalogue VERB [-server URL] ... (list, add, edit, remove, import)
//	engagebot version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	// Signal handling lives here only: the first SIGINT/SIGTERM starts a
	// graceful drain, a second one exits at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `engagebot talks with a brand's followers, one person at a time.

Usage:
  engagebot serve        -config FILE [-listen ADDR] [-data DIR]
  engagebot check-config -config FILE
  engagebot analyze      [-config FILE] [--eval FILE.tsv]
  engagebot webhook register -config FILE -account PLATFORM.NAME [-url URL]
  engagebot user add     -config FILE [-data DIR] -name NAME -role ROLE[,ROLE]
  engagebot token create -config FILE [-data DIR] -name NAME -role ROLE[,ROLE]
  engagebot post VERB    [-server URL] ...
  engagebot catalogue VERB [-server URL] ...
  engagebot campaign VERB [-server URL] ...
  engagebot survey VERB  [-server URL] ...
  engagebot version

serve          runs the service (embedded bbolt store, web chat at /chat)
check-config   validates a config file; exits 1 naming each wrong key
analyze        reads one text per line on stdin and writes one JSON object per
               line; with --eval, scores a text<TAB>label file instead
webhook        registers an account's webhook URL with its platform
user add       adds a person who signs in; the password is the first line of
               stdin (12 characters or more). Run it while the service is
               stopped: it works on the data folder
token create   prints a new API token for the JSON API on stdout, acting as
               NAME; shown once. Also run while the service is stopped
post           schedules posts through the running service's API (token in
               $ENGAGEBOT_TOKEN); verbs: create, list, show, submit, approve,
               cancel, retry; "engagebot post -h" tells their flags
catalogue      keeps the content catalogue through the running service's API
               (token in $ENGAGEBOT_TOKEN); verbs: list, add, edit, remove,
               import (YAML or CSV); "engagebot catalogue -h" tells more
campaign       runs personalized campaigns to a segment through the running
               service's API; verbs: create, list, show, start (-dry-run N),
               pause, resume, cancel, recipients; "engagebot campaign -h"
survey         the same for surveys (native polls where the platform has
               them); verbs: create, list, show, start, pause, resume,
               cancel, answers; "engagebot survey -h"
version        prints the version
`

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], stderr)
	case "check-config":
		err = runCheckConfig(args[1:], stdout, stderr)
	case "analyze":
		err = runAnalyze(ctx, args[1:], stdin, stdout, stderr)
	case "webhook":
		err = runWebhook(ctx, args[1:], stdout, stderr)
	case "user":
		err = runUser(ctx, args[1:], stdin, stdout, stderr)
	case "token":
		err = runToken(ctx, args[1:], stdout, stderr)
	case "post":
		err = runPost(ctx, args[1:], stdout, stderr)
	case "catalogue":
		err = runCatalogue(ctx, args[1:], stdin, stdout, stderr)
	case "campaign":
		err = runCampaign(ctx, args[1:], stdin, stdout, stderr)
	case "survey":
		err = runSurvey(ctx, args[1:], stdin, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "engagebot", Version())
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "engagebot: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		if err == errUsage {
			return 2
		}
		fmt.Fprintln(stderr, "engagebot:", err)
		return 1
	}
	return 0
}

// Version returns the build's version: the -ldflags one, else the module
// version or VCS revision recorded by the Go toolchain.
func Version() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v = "devel+" + s.Value[:12]
		}
	}
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	return fmt.Sprintf("%s (%s)", v, bi.GoVersion)
}
