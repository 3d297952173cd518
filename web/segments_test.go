package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// The contract: PUT /api/v1/segments/{id} takes the create body and
// answers the changed segment with its count; DELETE removes one and
// answers its id. Both are pr's (and admin's); an unknown id is 404, a
// bad name or rule 400 and nothing changes, and a segment a live campaign
// targets is 409 with the campaign named.
func TestSegments_EditAndDelete(t *testing.T) {
	for _, tc := range []struct {
		name         string
		method, path string
		token, body  string
		status       int
		// call is the action the fake records; "" is none.
		call string
		// says is in the answer.
		says string
	}{
		{name: "EditOK", method: "PUT", path: "/api/v1/segments/1", token: "ebt_pr",
			body:   `{"name": " tg fa ", "rule": {"platform": "telegram", "lang": "fa", "min_mood": -0.5}}`,
			status: http.StatusOK, call: "token-pr segment.edit(1 tg fa telegram/fa) ./", says: `"name":"tg fa"`},
		{name: "EditAdmin", method: "PUT", path: "/api/v1/segments/1", token: "ebt_admin", body: `{"name": "all", "rule": {}}`,
			status: http.StatusOK, call: "token-admin segment.edit(1 all /) ./", says: `"count":2`},
		{name: "EditViewer", method: "PUT", path: "/api/v1/segments/1", token: "ebt_viewer", body: `{"name": "x", "rule": {}}`, status: http.StatusForbidden},
		{name: "EditModerator", method: "PUT", path: "/api/v1/segments/1", token: "ebt_moderator", body: `{"name": "x", "rule": {}}`, status: http.StatusForbidden},
		{name: "EditNoToken", method: "PUT", path: "/api/v1/segments/1", body: `{"name": "x", "rule": {}}`, status: http.StatusUnauthorized},
		{name: "EditUnknown", method: "PUT", path: "/api/v1/segments/9", token: "ebt_pr", body: `{"name": "x", "rule": {}}`, status: http.StatusNotFound, says: "9"},
		{name: "EditMisspeltField", method: "PUT", path: "/api/v1/segments/1", token: "ebt_pr", body: `{"name": "x", "rule": {"platfrom": "telegram"}}`, status: http.StatusBadRequest},
		{name: "EditBadLang", method: "PUT", path: "/api/v1/segments/1", token: "ebt_pr", body: `{"name": "x", "rule": {"lang": "de"}}`, status: http.StatusBadRequest, says: "rule.lang"},
		{name: "EditBadMood", method: "PUT", path: "/api/v1/segments/1", token: "ebt_pr", body: `{"name": "x", "rule": {"max_mood": 3}}`, status: http.StatusBadRequest, says: "mood"},
		{name: "EditBadSpan", method: "PUT", path: "/api/v1/segments/1", token: "ebt_pr", body: `{"name": "x", "rule": {"inactive_for": "soon"}}`, status: http.StatusBadRequest},
		{name: "EditNoName", method: "PUT", path: "/api/v1/segments/1", token: "ebt_pr", body: `{"name": "  ", "rule": {}}`, status: http.StatusBadRequest, says: "name"},
		{name: "EditNotJSON", method: "PUT", path: "/api/v1/segments/1", token: "ebt_pr", body: `name=x`, status: http.StatusBadRequest},
		{name: "DeleteOK", method: "DELETE", path: "/api/v1/segments/1", token: "ebt_pr", status: http.StatusOK,
			call: "token-pr segment.delete(1) ./", says: `"removed":"1"`},
		{name: "DeleteViewer", method: "DELETE", path: "/api/v1/segments/1", token: "ebt_viewer", status: http.StatusForbidden},
		{name: "DeleteSafety", method: "DELETE", path: "/api/v1/segments/1", token: "ebt_safety", status: http.StatusForbidden},
		{name: "DeleteUnknown", method: "DELETE", path: "/api/v1/segments/9", token: "ebt_pr", status: http.StatusNotFound},
		{name: "DeleteInUse", method: "DELETE", path: "/api/v1/segments/4", token: "ebt_pr", status: http.StatusConflict, says: `campaign 9 \"spring\" (draft)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStaff(t, "")
			a := st.do(t, request{method: tc.method, path: tc.path, token: tc.token, body: tc.body})
			if a.status != tc.status {
				t.Fatalf("%s %s = %d %s, want %d", tc.method, tc.path, a.status, a.body, tc.status)
			}
			if !json.Valid([]byte(a.body)) {
				t.Errorf("answer is not JSON: %s", a.body)
			}
			if tc.status >= http.StatusBadRequest {
				errorBody(t, tc.name, a)
			}
			if !strings.Contains(a.body, tc.says) {
				t.Errorf("answer %s does not say %s", a.body, tc.says)
			}
			got := st.actions.took()
			if tc.call == "" && len(got) > 0 || tc.call != "" && !slices.Equal(got, []string{tc.call}) {
				t.Errorf("actions %q, want %q", got, tc.call)
			}
		})
	}
}
