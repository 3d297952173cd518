// Package webhook holds what adapters' webhook handlers share: checking a
// configured secret's form, comparing a delivery's secret in constant time,
// routing a platform's GET handshake and POST deliveries, reading a body
// within a limit, telling a JSON object from other JSON, storing its
// events before the platform is acknowledged, and answering every refusal
// as JSON {"error": "..."}.
package webhook

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"engagebot/bot"
)

// SecretEqual reports whether a delivery carries the configured secret,
// in constant time; hashing first keeps the secret's length from showing
// too. An empty secret never matches.
func SecretEqual(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return want != "" && subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// ValidSecret reports whether s is fit to be a webhook secret: min to 256
// characters of A-Z a-z 0-9 _ -, which every platform accepts in a header
// or a URL unescaped.
func ValidSecret(s string, min int) bool {
	if len(s) < min || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// GetPost routes a platform's GET handshake (a challenge or subscription
// check) and its POST deliveries; any other method is 405.
func GetPost(get, post http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			get(w, r)
		case http.MethodPost:
			post(w, r)
		default:
			w.Header().Set("Allow", "GET, POST")
			Error(w, http.StatusMethodNotAllowed, "method not allowed")
		}
	})
}

// ReadBody reads a delivery's body, at most max bytes: web limits bodies
// too, but a handler does not rely on it. When it cannot, it answers 413
// (too large) or 400 and returns false.
func ReadBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			Error(w, http.StatusRequestEntityTooLarge, "body too large")
			return nil, false
		}
		Error(w, http.StatusBadRequest, "cannot read body")
		return nil, false
	}
	return body, true
}

// Accept stores a delivery's events, so the caller may acknowledge the
// platform after it returns nil. When the inbox fails it answers 503, so
// the platform delivers again, and returns the error for the caller to
// log. A delivery without events is accepted as is.
func Accept(w http.ResponseWriter, r *http.Request, inbox bot.Inbox, events []bot.Event) error {
	if len(events) == 0 {
		return nil
	}
	if err := inbox.Accept(r.Context(), events, nil); err != nil {
		Error(w, http.StatusServiceUnavailable, "not stored, try again")
		return err
	}
	return nil
}

// IsObject reports whether raw is a JSON object. encoding/json decodes
// null into a struct without error and leaves it zero, so without this a
// body of null would pass as a delivery with nothing in it.
func IsObject(raw []byte) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '{'
}

// Error answers a refused delivery with status and {"error": msg}, as
// every 4xx and 5xx of the service is answered. msg is for the platform's
// logs and people reading them: it never carries a secret.
func Error(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// NotFound answers 404 for a path the handler does not serve.
func NotFound(w http.ResponseWriter) { Error(w, http.StatusNotFound, "not found") }
