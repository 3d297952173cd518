// Package apiclient is the HTTP plumbing adapters share to call their
// platform's API: knowing whether a request went out, classifying calls
// that got no usable answer, keeping secrets out of errors, and
// remembering whether the account's credentials work.
package apiclient

import "sync"

// AuthStatus remembers whether the platform accepts an account's
// credentials, for bot.HealthChecker: the last rejection, until a call
// works again. The zero value is ready to use; it is safe for concurrent use.
type AuthStatus struct {
	mu  sync.Mutex
	err error
}

// Err is the last rejection, nil when the credentials work (or no call
// was made yet).
func (s *AuthStatus) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Rejected records that the platform refused the credentials with err. It
// reports whether they were working until now, so the caller says so once.
func (s *AuthStatus) Rejected(err error) (first bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	first = s.err == nil
	s.err = err
	return first
}

// Accepted records a call the platform answered as authorised.
func (s *AuthStatus) Accepted() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = nil
}
