// Package webhook holds what adapters' webhook handlers share: checking a
// configured secret's form, comparing a delivery's secret in constant time,
// routing a platform's GET handshake and POST deliveries, reading a body
// within a limit, and storing its events before the platform is
// acknowledged.
package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
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
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
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
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
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
		http.Error(w, "not stored, try again", http.StatusServiceUnavailable)
		return err
	}
	return nil
}
