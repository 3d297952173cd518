package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"engagebot/bot"
	"engagebot/web"
)

// The API's actions for the catalogue and segments are the engine's.
var (
	_ web.CatalogueActions = (*bot.Actions)(nil)
	_ web.SegmentActions   = (*bot.Actions)(nil)
)

const catalogueUsage = `usage: engagebot catalogue VERB [flags]

Verbs (each takes -server URL, default $ENGAGEBOT_SERVER or http://127.0.0.1:8080;
the API token is read from $ENGAGEBOT_TOKEN):
  list     [-kind product|article|offer]
  add      [-file FILE]        one item, YAML or JSON (stdin without -file)
  edit     ID [-file FILE]     replace an item, YAML or JSON (stdin without -file)
  remove   ID
  import   FILE                many items from FILE.yaml, FILE.yml, FILE.json or FILE.csv,
                               all or none

An item has id, kind (product, article, offer), title {fa, en}, and may have
canonical, summary {fa, en}, tags, lang, terms (a product's names and
misspellings recognised in messages), platforms, from, until (RFC 3339 or a
date in either calendar, Asia/Tehran), url and image. A YAML file holds a
list of items (or {items: [...]}). A CSV file has a header row naming its
columns: id, kind, canonical, title_fa, title_en, summary_fa, summary_en,
tags, lang, terms, platforms, from, until, url, image; a list column
separates its values with "|".

Each prints the API's answer as JSON on stdout.
`

var catalogueVerbs = []string{"list", "add", "edit", "remove", "import"}

// cliItem is an item as a file gives it; times stay text for the API to
// read, so the file may use either calendar.
type cliItem struct {
	ID        string            `json:"id" yaml:"id"`
	Kind      string            `json:"kind" yaml:"kind"`
	Canonical string            `json:"canonical,omitempty" yaml:"canonical"`
	Title     map[string]string `json:"title" yaml:"title"`
	Summary   map[string]string `json:"summary,omitempty" yaml:"summary"`
	Tags      []string          `json:"tags,omitempty" yaml:"tags"`
	Lang      string            `json:"lang,omitempty" yaml:"lang"`
	Terms     []string          `json:"terms,omitempty" yaml:"terms"`
	Platforms []string          `json:"platforms,omitempty" yaml:"platforms"`
	From      string            `json:"from,omitempty" yaml:"from"`
	Until     string            `json:"until,omitempty" yaml:"until"`
	URL       string            `json:"url,omitempty" yaml:"url"`
	Image     string            `json:"image,omitempty" yaml:"image"`
}

// runCatalogue is `engagebot catalogue VERB`.
func runCatalogue(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, catalogueUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	verb, args := args[0], args[1:]
	if !slices.Contains(catalogueVerbs, verb) {
		fmt.Fprintf(stderr, "engagebot catalogue: unknown verb %q\n\n%s", verb, catalogueUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("catalogue "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", envOr("ENGAGEBOT_SERVER", "http://127.0.0.1:8080"), "the service's address")
	kind := new(string)
	file := new(string)
	switch verb {
	case "list":
		fs.StringVar(kind, "kind", "", "only items of this kind")
	case "add", "edit":
		fs.StringVar(file, "file", "", "the item, YAML or JSON (default stdin)")
	}
	arg, err := parseWithArg(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return errUsage
	}
	if (verb == "edit" || verb == "remove" || verb == "import") && arg == "" {
		what := map[string]string{"edit": "the item's id", "remove": "the item's id", "import": "the file to import"}[verb]
		fmt.Fprintf(stderr, "engagebot catalogue %s: give %s\n", verb, what)
		return errUsage
	}
	c, err := newAPIClient(*server)
	if err != nil {
		return err
	}
	const path = "/api/v1/catalogue"
	switch verb {
	case "list":
		p := path
		if *kind != "" {
			p += "?" + url.Values{"kind": {*kind}}.Encode()
		}
		return c.do(ctx, "GET", p, nil, stdout)
	case "add", "edit":
		name, data, err := readInput(*file, stdin)
		if err != nil {
			return err
		}
		items, err := parseItems(name, data)
		if err != nil {
			return err
		}
		if len(items) != 1 {
			return fmt.Errorf("%s: want one item, got %d (import takes many)", name, len(items))
		}
		if verb == "add" {
			return c.do(ctx, "POST", path, items[0], stdout)
		}
		return c.do(ctx, "PUT", path+"/"+url.PathEscape(arg), items[0], stdout)
	case "remove":
		return c.do(ctx, "DELETE", path+"/"+url.PathEscape(arg), nil, stdout)
	case "import":
		data, err := os.ReadFile(arg)
		if err != nil {
			return err
		}
		items, err := parseItems(arg, data)
		if err != nil {
			return err
		}
		return c.do(ctx, "POST", path+"/import", map[string]any{"items": items}, stdout)
	}
	return nil
}

func readInput(file string, stdin io.Reader) (string, []byte, error) {
	if file == "" {
		b, err := io.ReadAll(io.LimitReader(stdin, 16<<20))
		return "stdin", b, err
	}
	b, err := os.ReadFile(file)
	return file, b, err
}

// parseItems reads items from a file by its extension: .csv, else YAML
// (which JSON is a part of). Errors name the file and, for CSV, the line.
func parseItems(name string, data []byte) ([]cliItem, error) {
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		return parseCSVItems(name, data)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: no items", name)
	}
	doc := root.Content[0]
	var items []cliItem
	decode := func(n *yaml.Node, v any) error {
		// Strict: a misspelt field is an error, not a field dropped.
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		if err := enc.Encode(n); err != nil {
			return err
		}
		dec := yaml.NewDecoder(&buf)
		dec.KnownFields(true)
		return dec.Decode(v)
	}
	var err error
	switch {
	case doc.Kind == yaml.SequenceNode:
		err = decode(doc, &items)
	case doc.Kind == yaml.MappingNode && hasKey(doc, "items"):
		var wrap struct {
			Items []cliItem `yaml:"items"`
		}
		err = decode(doc, &wrap)
		items = wrap.Items
	case doc.Kind == yaml.MappingNode:
		var one cliItem
		err = decode(doc, &one)
		items = []cliItem{one}
	default:
		err = errors.New("want an item, a list of items, or {items: [...]}")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return items, nil
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// csvColumns are the columns a catalogue CSV may have.
var csvColumns = []string{"id", "kind", "canonical", "title_fa", "title_en", "summary_fa", "summary_en",
	"tags", "lang", "terms", "platforms", "from", "until", "url", "image"}

func parseCSVItems(name string, data []byte) ([]cliItem, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	r.TrimLeadingSpace = true
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: the header row: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(csvColumns, h) {
			return nil, fmt.Errorf("%s: column %q: unknown (columns: %s)", name, h, strings.Join(csvColumns, ", "))
		}
		col[h] = i
	}
	for _, need := range []string{"id", "kind"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: the header row lacks the column %q", name, need)
		}
	}
	var items []cliItem
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		list := func(c string) []string {
			var out []string
			for v := range strings.SplitSeq(get(c), "|") {
				if v = strings.TrimSpace(v); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
		byLang := func(prefix string) map[string]string {
			m := map[string]string{}
			for _, l := range []string{"fa", "en"} {
				if v := get(prefix + "_" + l); v != "" {
					m[l] = v
				}
			}
			if len(m) == 0 {
				return nil
			}
			return m
		}
		items = append(items, cliItem{ID: get("id"), Kind: get("kind"), Canonical: get("canonical"),
			Title: byLang("title"), Summary: byLang("summary"), Tags: list("tags"), Lang: get("lang"),
			Terms: list("terms"), Platforms: list("platforms"), From: get("from"), Until: get("until"),
			URL: get("url"), Image: get("image")})
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s: no items below the header row", name)
	}
	return items, nil
}
