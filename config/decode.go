package config

import (
	"encoding"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decodeStrict decodes a YAML mapping node into the struct pointed to by
// out, naming the full key path in every error: unknown keys, wrong types
// and bad durations are reported as "server.listen: reason".
func decodeStrict(n *yaml.Node, out any, path string) error {
	return decodeValue(n, reflect.ValueOf(out).Elem(), path)
}

var durationType = reflect.TypeOf(time.Duration(0))

var textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()

func decodeValue(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	// Types that parse themselves from text (rates, severities) take a scalar.
	if v.Addr().Type().Implements(textUnmarshaler) && v.Type() != durationType {
		if n.Kind != yaml.ScalarNode {
			return &KeyError{Key: path, Reason: "must be a single value"}
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			return &KeyError{Key: path, Reason: err.Error()}
		}
		return nil
	}
	if v.Kind() == reflect.Struct && v.Type() != reflect.TypeOf(time.Time{}) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil
		}
		if n.Kind != yaml.MappingNode {
			return &KeyError{Key: path, Reason: "must be a mapping of keys"}
		}
		fields := map[string]reflect.Value{}
		collectFields(v, fields)
		var errs []error
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i].Value, n.Content[i+1]
			f, ok := fields[k]
			if !ok {
				errs = append(errs, &KeyError{Key: join(path, k), Reason: "unknown key" + suggest(k, fields)})
				continue
			}
			if err := decodeValue(val, f, join(path, k)); err != nil {
				errs = append(errs, err)
			}
		}
		return joinErrs(errs)
	}
	if v.Type() == durationType {
		if n.Kind != yaml.ScalarNode {
			return &KeyError{Key: path, Reason: "must be a duration such as \"90s\" or \"5m\""}
		}
		d, err := time.ParseDuration(n.Value)
		if err != nil || d < 0 {
			return &KeyError{Key: path, Reason: fmt.Sprintf("invalid duration %q: write it like \"90s\", \"5m\" or \"1h30m\"", n.Value)}
		}
		v.SetInt(int64(d))
		return nil
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		return &KeyError{Key: path, Reason: typeReason(err, v.Type(), n)}
	}
	return nil
}

// collectFields maps yaml keys to fields, descending into ",inline" ones.
func collectFields(v reflect.Value, out map[string]reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			collectFields(v.Field(i), out)
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		out[name] = v.Field(i)
	}
}

func typeReason(err error, t reflect.Type, n *yaml.Node) string {
	want := t.Kind().String()
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64:
		want = "a whole number"
	case reflect.Float64:
		want = "a number"
	case reflect.Bool:
		want = "true or false"
	case reflect.String:
		want = "a string"
	case reflect.Slice:
		want = "a list"
	case reflect.Map:
		want = "a mapping"
	}
	if n.Kind == yaml.ScalarNode {
		return fmt.Sprintf("must be %s, got %q", want, n.Value)
	}
	return fmt.Sprintf("must be %s (%v)", want, err)
}

func suggest(k string, fields map[string]reflect.Value) string {
	best, bestD := "", 3
	for name := range fields {
		if d := distance(k, name); d < bestD {
			best, bestD = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance, for "did you mean" hints.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev = cur
	}
	return prev[len(b)]
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}`)

// envRefs records, by full key, what ${VAR} references did.
type envRefs struct {
	// vars are the variables each key referenced, so a missing value can
	// be reported by the variable to set.
	vars map[string][]string
	// empty holds the keys the environment left empty: every variable
	// they referenced is unset and no default filled them.
	empty map[string]bool
}

func newEnvRefs() *envRefs {
	return &envRefs{vars: map[string][]string{}, empty: map[string]bool{}}
}

// hint is " (set VAR)" for a key that referenced variables, else "".
func (r *envRefs) hint(key string) string {
	if len(r.vars[key]) == 0 {
		return ""
	}
	return " (set " + strings.Join(r.vars[key], ", ") + ")"
}

// expandEnv replaces ${VAR} and ${VAR:-default} in every scalar value and
// records which variables each key referenced.
func expandEnv(n *yaml.Node, path string, getenv func(string) string, refs *envRefs) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for i, c := range n.Content {
			p := path
			if n.Kind == yaml.SequenceNode {
				p = fmt.Sprintf("%s[%d]", path, i)
			}
			expandEnv(c, p, getenv, refs)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			expandEnv(n.Content[i+1], join(path, n.Content[i].Value), getenv, refs)
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return
		}
		whole := envRef.FindString(n.Value) == n.Value
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(m string) string {
			sub := envRef.FindStringSubmatch(m)
			refs.vars[path] = append(refs.vars[path], sub[1])
			if v := getenv(sub[1]); v != "" {
				return v
			}
			return sub[2]
		})
		if n.Value == "" {
			refs.empty[path] = true
		}
		// Resolve the tag again from the expanded value, so "${WORKERS}"
		// can fill a number; string targets accept any scalar.
		n.Tag = ""
		if whole {
			n.Style = 0
		}
	}
}

// Getenv is os.Getenv, for callers that pass the real environment.
var Getenv = os.Getenv
