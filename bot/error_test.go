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
	refused := bot.Errorf(bot.EUNAUTHORIZED, "token refused")
	for i, tc := range []struct {
		name      string
		opts      *slog.HandlerOptions
		err       error
		code, msg string // "" code: logged as a plain string
	}{
		{"an Error as it is", nil, refused, bot.EUNAUTHORIZED, "token refused"},
		{"an Error as it is, with ReplaceErrorAttr", &slog.HandlerOptions{ReplaceAttr: bot.ReplaceErrorAttr}, refused, bot.EUNAUTHORIZED, "token refused"},
		{"a wrapped Error", &slog.HandlerOptions{ReplaceAttr: bot.ReplaceErrorAttr}, fmt.Errorf("register telegram.support: %w", refused), bot.EUNAUTHORIZED, "register telegram.support: token refused"},
		{"another error", &slog.HandlerOptions{ReplaceAttr: bot.ReplaceErrorAttr}, errors.New("disk full"), "", "disk full"},
	} {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, tc.opts)).Warn("send failed", "err", tc.err, "account", "telegram.support")
		var line map[string]any
		if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
			t.Fatalf("%d %s: log line %q: %v", i, tc.name, buf.String(), err)
		}
		if line["account"] != "telegram.support" {
			t.Errorf("%d %s: other attributes changed: %s", i, tc.name, buf.String())
		}
		if tc.code == "" {
			if line["err"] != tc.msg {
				t.Errorf("%d %s: err = %v, want %q", i, tc.name, line["err"], tc.msg)
			}
			continue
		}
		got, _ := line["err"].(map[string]any)
		if got["code"] != tc.code || got["message"] != tc.msg {
			t.Errorf("%d %s: err = %v, want code %q and message %q as fields", i, tc.name, line["err"], tc.code, tc.msg)
		}
	}
}
