package bot

import (
	"errors"
	"fmt"
	"log/slog"
)

// Application error codes. The web package maps each to one HTTP status.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	EUNAVAILABLE  = "unavailable"
)

// Error is an application error: a code for programs and a message that is
// safe to show to users. Anything else that reaches a caller is internal.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface with the message alone: it is what
// a person reads (a CLI line, a log message), and callers add their own
// context in front. Programs read the code with ErrorCode; JSON answers
// and logs carry it as a field of its own.
func (e *Error) Error() string {
	if e.Message == "" {
		return codeText(e.Code)
	}
	return e.Message
}

// LogValue logs an application error as its code and message, so a log
// line keeps the code as a field: err.code=invalid err.message="...".
func (e *Error) LogValue() slog.Value {
	return slog.GroupValue(slog.String("code", e.Code), slog.String("message", e.Error()))
}

// ReplaceErrorAttr is a slog.HandlerOptions.ReplaceAttr function that logs
// an error wrapping an application error as its code and its whole text,
// so the code stays a field after callers add context (LogValue does this
// for an *Error logged as it is). Other attributes pass unchanged.
func ReplaceErrorAttr(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindAny {
		return a
	}
	err, ok := a.Value.Any().(error)
	var e *Error
	if !ok || !errors.As(err, &e) {
		return a
	}
	return slog.Group(a.Key, slog.String("code", e.Code), slog.String("message", err.Error()))
}

// codeText is the plain words for a code, for an Error without a message.
func codeText(code string) string {
	switch code {
	case ECONFLICT:
		return "conflict"
	case EINVALID:
		return "invalid input"
	case ENOTFOUND:
		return "not found"
	case EUNAUTHORIZED:
		return "not signed in"
	case EFORBIDDEN:
		return "not allowed"
	case ETOOLARGE:
		return "too large"
	case EUNAVAILABLE:
		return "unavailable"
	}
	return "internal error"
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, EINTERNAL for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of an application error, or a
// generic one for any other error so internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
