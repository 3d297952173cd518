package web

import "testing"

// The catalogue's, a follower's and the calendar's texts take no key
// another page already has.
func TestOwnWords(t *testing.T) {
	if len(ownWordClashes) > 0 {
		t.Errorf("these pages' words repeat keys of the dashboard's words: %v", ownWordClashes)
	}
}
