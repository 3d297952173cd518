package xtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// spec is X's OpenAPI document and a router over it.
type spec struct {
	router routers.Router
}

var (
	specMu    sync.Mutex
	specCache = map[string]*spec{}
)

// loadSpec loads and caches the document at path: it is large, and every
// fake of a test binary shares it.
func loadSpec(path string) (*spec, error) {
	specMu.Lock()
	defer specMu.Unlock()
	if s, ok := specCache[path]; ok {
		return s, nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route %s: %w", path, err)
	}
	s := &spec{router: router}
	specCache[path] = s
	return s, nil
}

// specHost is the server the document names; requests to the fake are
// matched as if sent there.
const specHost = "api.x.com"

var validationOptions = &openapi3filter.Options{
	// The fake checks OAuth itself; the document only names the schemes.
	AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
	MultiError:         true,
}

// validateRequest checks a request (with its body read into body) against
// the document and returns what the response must be checked with.
func (s *spec) validateRequest(r *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	u := *r.URL
	u.Scheme, u.Host = "https", specHost
	req := r.Clone(r.Context())
	req.URL, req.Host = &u, specHost
	req.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s is not an operation of X's API: %w", r.Method, r.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: validationOptions}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		return nil, err
	}
	return in, nil
}

// validateResponse checks an answer against the operation's responses.
func validateResponse(in *openapi3filter.RequestValidationInput, status int, h http.Header, body []byte) error {
	return openapi3filter.ValidateResponse(in.Request.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), Options: validationOptions,
	})
}
