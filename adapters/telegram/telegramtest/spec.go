package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"engagebot/internal/testenv"
)

// Spec is the official Bot API method and type list, as published in the
// machine-readable telegram-bot-api.json ("methods.<name>.fields[]" with
// name, types and required). The fake checks every request against it so
// an adapter cannot drift from the real API.
type Spec struct {
	Version string
	methods map[string]specMethod // by lower-case name: method names are case-insensitive
	types   map[string]specType
}

type specField struct {
	Name     string   `json:"name"`
	Types    []string `json:"types"`
	Required bool     `json:"required"`
}

type specMethod struct {
	Name   string      `json:"name"`
	Fields []specField `json:"fields"`
}

type specType struct {
	Name     string      `json:"name"`
	Fields   []specField `json:"fields"`
	Subtypes []string    `json:"subtypes"`
}

// LoadSpec reads the spec file.
func LoadSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Version string                `json:"version"`
		Methods map[string]specMethod `json:"methods"`
		Types   map[string]specType   `json:"types"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("telegramtest: spec %s: %w", path, err)
	}
	if len(doc.Methods) == 0 {
		return nil, fmt.Errorf("telegramtest: spec %s has no methods", path)
	}
	s := &Spec{Version: doc.Version, methods: map[string]specMethod{}, types: doc.Types}
	for name, m := range doc.Methods {
		if m.Name == "" {
			m.Name = name
		}
		s.methods[strings.ToLower(name)] = m
	}
	return s, nil
}

// specMissing is what NewServer does when the spec file is absent. In CI
// it fails the test: every call would go unchecked and the run would pass
// on less than it claims. Elsewhere the test runs unchecked and says so.
func specMissing(t testing.TB, path string) {
	t.Helper()
	if testenv.CI() {
		t.Fatalf("telegramtest: %s is absent: in CI every call must be checked against the Bot API spec", path)
		return
	}
	t.Logf("telegramtest: %s is absent: calls are not checked against the Bot API spec", path)
}

// Method returns the canonical name of a method, and whether it exists.
func (s *Spec) Method(name string) (string, bool) {
	m, ok := s.methods[strings.ToLower(name)]
	return m.Name, ok
}

// Check validates a call's parameters: every required field present, no
// unknown field, and each value of one of the field's types (objects
// checked field by field, recursively). form is true for form-encoded and
// query parameters, whose values are strings with JSON inside for objects
// and arrays.
func (s *Spec) Check(method string, params map[string]any, form bool) error {
	m, ok := s.methods[strings.ToLower(method)]
	if !ok {
		return fmt.Errorf("method %q not found", method)
	}
	return s.checkFields(m.Fields, params, form, "")
}

func (s *Spec) checkFields(fields []specField, params map[string]any, form bool, path string) error {
	known := make(map[string]specField, len(fields))
	for _, f := range fields {
		known[f.Name] = f
	}
	var errs []error
	for _, name := range sortedKeys(params) {
		f, ok := known[name]
		if !ok {
			errs = append(errs, fmt.Errorf("unknown field %s%s", path, name))
			continue
		}
		if err := s.checkValue(params[name], f.Types, form, 0); err != nil {
			errs = append(errs, fmt.Errorf("field %s%s: %w", path, name, err))
		}
	}
	for _, f := range fields {
		if _, ok := params[f.Name]; f.Required && !ok {
			errs = append(errs, fmt.Errorf("required field %s%s is missing", path, f.Name))
		}
	}
	return errors.Join(errs...)
}

func (s *Spec) checkValue(v any, types []string, form bool, depth int) error {
	if depth > 16 {
		return errors.New("nested too deep")
	}
	var first error
	for _, t := range types {
		err := s.matches(v, t, form, depth)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	if len(types) > 1 {
		return fmt.Errorf("matches none of %s (%v)", strings.Join(types, ", "), first)
	}
	return first
}

func (s *Spec) matches(v any, t string, form bool, depth int) error {
	if elem, ok := strings.CutPrefix(t, "Array of "); ok {
		if str, isStr := v.(string); isStr && form {
			var arr []any
			if err := unmarshalNumber([]byte(str), &arr); err != nil {
				return fmt.Errorf("want a JSON array: %v", err)
			}
			v = arr
		}
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("want an array, got %T", v)
		}
		for i, e := range arr {
			if err := s.checkValue(e, []string{elem}, false, depth+1); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		return nil
	}
	str, isStr := v.(string)
	switch t {
	case "String":
		if isStr {
			return nil
		}
		return fmt.Errorf("want a string, got %T", v)
	case "Integer":
		if isStr && form {
			if _, err := strconv.ParseInt(str, 10, 64); err != nil {
				return fmt.Errorf("want an integer, got %q", str)
			}
			return nil
		}
		if n, ok := v.(json.Number); ok {
			if _, err := n.Int64(); err != nil {
				return fmt.Errorf("want an integer, got %s", n)
			}
			return nil
		}
		return fmt.Errorf("want an integer, got %T", v)
	case "Float":
		if isStr && form {
			if _, err := strconv.ParseFloat(str, 64); err != nil {
				return fmt.Errorf("want a number, got %q", str)
			}
			return nil
		}
		if _, ok := v.(json.Number); ok {
			return nil
		}
		return fmt.Errorf("want a number, got %T", v)
	case "Boolean", "True":
		if isStr && form {
			if str != "true" && str != "false" {
				return fmt.Errorf("want true or false, got %q", str)
			}
			if t == "True" && str != "true" {
				return errors.New("want true")
			}
			return nil
		}
		b, ok := v.(bool)
		if !ok || (t == "True" && !b) {
			return fmt.Errorf("want a boolean, got %v", v)
		}
		return nil
	case "InputFile":
		// A file_id or URL string, or "attach://<name>"; uploads arrive as
		// multipart files, which the server reports as strings too.
		if isStr {
			return nil
		}
		return fmt.Errorf("want a file, got %T", v)
	}
	if isStr && form {
		var obj any
		if err := unmarshalNumber([]byte(str), &obj); err != nil {
			return fmt.Errorf("want a JSON-serialised %s: %v", t, err)
		}
		v = obj
	}
	return s.checkObject(v, t, depth)
}

func (s *Spec) checkObject(v any, t string, depth int) error {
	ty, ok := s.types[t]
	if !ok {
		return fmt.Errorf("unknown type %s in the spec", t)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("want a %s object, got %T", t, v)
	}
	if len(ty.Subtypes) > 0 {
		var first error
		for _, sub := range ty.Subtypes {
			err := s.checkObject(obj, sub, depth+1)
			if err == nil {
				return nil
			}
			if first == nil {
				first = err
			}
		}
		return fmt.Errorf("matches no kind of %s (%v)", t, first)
	}
	if len(ty.Fields) == 0 {
		return nil
	}
	known := make(map[string]specField, len(ty.Fields))
	for _, f := range ty.Fields {
		known[f.Name] = f
	}
	for _, name := range sortedKeys(obj) {
		f, ok := known[name]
		if !ok {
			return fmt.Errorf("%s has no field %s", t, name)
		}
		if err := s.checkValue(obj[name], f.Types, false, depth+1); err != nil {
			return fmt.Errorf("%s.%s: %w", t, name, err)
		}
	}
	for _, f := range ty.Fields {
		if _, ok := obj[f.Name]; f.Required && !ok {
			return fmt.Errorf("%s.%s is required", t, f.Name)
		}
	}
	return nil
}

func unmarshalNumber(b []byte, v any) error {
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data")
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
