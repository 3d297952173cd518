package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The served document is valid OpenAPI 3, names every API route with the
// same method and path and no other, and every route's answers match the
// schemas it declares.
func TestOpenAPI_InStepWithRoutes(t *testing.T) {
	st := newStaff(t, "")
	a := st.do(t, request{method: "GET", path: "/api/v1/openapi.json", token: "ebt_viewer"})
	if a.status != 200 {
		t.Fatalf("openapi.json = %d", a.status)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(a.body))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("the document is not valid OpenAPI 3: %v", err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, rt := range st.srv.Routes() {
		if !strings.HasPrefix(rt.Pattern, "/api/") {
			continue
		}
		served[rt.Key()] = true
		if !documented[rt.Key()] {
			t.Errorf("route %s is not in the OpenAPI document", rt.Key())
		}
	}
	for key := range documented {
		if !served[key] {
			t.Errorf("the OpenAPI document has %s, which is not served", key)
		}
	}

	// Each route's success answer, and a refusal, against its schema.
	doc.Servers = openapi3.Servers{{URL: st.ts.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
	for _, rt := range st.srv.Routes() {
		if !served[rt.Key()] {
			continue
		}
		path := pathOf(rt)
		for _, token := range []string{"ebt_admin", ""} {
			body := bodies[rt.Key()]
			req, _ := http.NewRequest(rt.Method, st.ts.URL+path, strings.NewReader(body))
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Errorf("%s: the document has no route for %s: %v", rt.Key(), path, err)
				continue
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("%s: the test's request does not match the document: %v", rt.Key(), err)
			}
			req.Body = io.NopCloser(strings.NewReader(body))
			a := st.do(t, request{method: rt.Method, path: path, token: token, body: body})
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: a.status, Header: a.header, Options: opts}
			out.SetBodyBytes([]byte(a.body))
			if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
				t.Errorf("%s (token %q): answer %d does not match the document: %v", rt.Key(), token, a.status, err)
			}
		}
	}
}
