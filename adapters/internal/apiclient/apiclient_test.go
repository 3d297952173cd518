package apiclient

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"engagebot/bot"
)

func TestTransportErrorSendError(t *testing.T) {
	for i, tc := range []struct {
		err  TransportError
		kind bot.SendErrorKind
		code string
	}{
		{TransportError{Status: 502, Wrote: true}, bot.SendTemporary, "http_502"},
		{TransportError{Status: 200, Wrote: true}, bot.SendUnknown, "no_answer"},
		{TransportError{Wrote: true}, bot.SendUnknown, "no_answer"},
		{TransportError{}, bot.SendTemporary, "transport"},
	} {
		tc.err.Platform, tc.err.Method, tc.err.Err = "p", "m", errors.New("boom")
		se := tc.err.SendError()
		if se.Kind != tc.kind || se.Code != tc.code || !errors.Is(se, tc.err.Err) {
			t.Errorf("%d: %+v -> %v, want %v %s", i, tc.err, se, tc.kind, tc.code)
		}
	}
}

func TestRedactKeepsURLError(t *testing.T) {
	err := Redact(&url.Error{Op: "Post", URL: "https://api.example/botSECRET/getMe", Err: errors.New("dial SECRET")}, "SECRET")
	var ue *url.Error
	if !errors.As(err, &ue) || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("Redact = %v (%T)", err, err)
	}
}

func TestValidBase(t *testing.T) {
	for in, want := range map[string]bool{
		"https://api.telegram.org": true, "http://127.0.0.1:8080/v3": true,
		"api.telegram.org": false, "/v3": false, "ftp://host": false, "": false,
	} {
		if got := ValidBase(in); got != want {
			t.Errorf("ValidBase(%q) = %v, want %v", in, got, want)
		}
	}
}
