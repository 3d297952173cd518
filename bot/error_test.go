package bot_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"engagebot/bot"
)

func TestError_ReadsOncePlainly(t *testing.T) {
	for i, tc := range []struct {
		err       error
		text      string // what a person reads
		code, msg string // what programs read
	}{
		{bot.Errorf(bot.EINVALID, "eval: line %d: unknown label %q", 3, "meh"), `eval: line 3: unknown label "meh"`, bot.EINVALID, `eval: line 3: unknown label "meh"`},
		{fmt.Errorf("load vocabulary: %w", bot.Errorf(bot.EINVALID, "line 2: empty term")), "load vocabulary: line 2: empty term", bot.EINVALID, "line 2: empty term"},
		{&bot.Error{Code: bot.ENOTFOUND}, "not found", bot.ENOTFOUND, ""},
		{&bot.Error{Code: "new_code"}, "internal error", "new_code", ""},
		{errors.New("disk on fire"), "disk on fire", bot.EINTERNAL, "Internal error."},
	} {
		if got := tc.err.Error(); got != tc.text {
			t.Errorf("%d: Error() = %q, want %q", i, got, tc.text)
		}
		if strings.Contains(tc.err.Error(), "code=") || strings.Contains(tc.err.Error(), "engagebot:") {
			t.Errorf("%d: Error() = %q shows the code or a prefix to a person", i, tc.err.Error())
		}
		if got := bot.ErrorCode(tc.err); got != tc.code {
			t.Errorf("%d: ErrorCode = %q, want %q", i, got, tc.code)
		}
		if got := bot.ErrorMessage(tc.err); got != tc.msg {
			t.Errorf("%d: ErrorMessage = %q, want %q", i, got, tc.msg)
		}
	}
}

func TestError_LogKeepsTheCode(t *testing.T) {
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Warn("account refused", "err", bot.Errorf(bot.EUNAUTHORIZED, "token refused"))
	var line struct {
		Err struct{ Code, Message string } `json:"err"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log line %q: %v", buf.String(), err)
	}
	if line.Err.Code != bot.EUNAUTHORIZED || line.Err.Message != "token refused" {
		t.Errorf("logged err = %+v, want the code and the message as fields (%s)", line.Err, buf.String())
	}
}
