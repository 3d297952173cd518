package all_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"engagebot/adapters/adaptertest"
	"engagebot/adapters/all"
	"engagebot/adapters/meta"
	"engagebot/adapters/rubika"
	"engagebot/adapters/telegram"
	"engagebot/adapters/webchat"
	"engagebot/adapters/x"
	"engagebot/bot"
)

const rubikaSecret = "rubika-secret-0123456789abcdef0123"

// configure fills in the secrets and ids an account of platform needs.
func configure(t *testing.T, c bot.AccountConfig) {
	t.Helper()
	switch c := c.(type) {
	case *telegram.Config:
		c.Token, c.WebhookSecret = "123456:ABC-def", "telegram-secret-0123"
	case *rubika.Config:
		c.Token, c.WebhookSecret = "rubika-token", rubikaSecret
	case *meta.Config:
		c.AppSecret, c.VerifyToken, c.AccessToken, c.AccountID = "app-secret", "verify-token", "page-token", "100000000000001"
	case *x.Config:
		c.ConsumerKey, c.ConsumerSecret, c.AccessToken, c.AccessSecret, c.UserID = "ck", "cs", "at", "as", "1500000000000000001"
	case *webchat.Config:
	default:
		t.Fatalf("no test config for %T: add the new adapter here", c)
	}
}

// refusals are requests each platform's webhook must refuse, by platform.
var refusals = map[string][]struct {
	method, path, body string
	header             [2]string
	status             int
}{
	bot.PlatformTelegram: {
		{"POST", "/", `{}`, [2]string{}, http.StatusUnauthorized},
		{"POST", "/", `{}`, [2]string{telegram.SecretHeader, "wrong"}, http.StatusForbidden},
		{"POST", "/", `null`, [2]string{telegram.SecretHeader, "telegram-secret-0123"}, http.StatusBadRequest},
		{"GET", "/", ``, [2]string{}, http.StatusMethodNotAllowed},
		{"POST", "/elsewhere", `{}`, [2]string{}, http.StatusNotFound},
	},
	bot.PlatformRubika: {
		{"POST", "/", `{}`, [2]string{}, http.StatusUnauthorized},
		{"POST", "/wrong-secret", `{}`, [2]string{}, http.StatusForbidden},
		{"POST", "/" + rubikaSecret, `null`, [2]string{}, http.StatusBadRequest},
		{"GET", "/" + rubikaSecret, ``, [2]string{}, http.StatusMethodNotAllowed},
		{"POST", "/" + rubikaSecret + "/elsewhere", `{}`, [2]string{}, http.StatusNotFound},
	},
	bot.PlatformInstagram: {
		{"GET", "/?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", ``, [2]string{}, http.StatusForbidden},
		{"POST", "/", `{}`, [2]string{"X-Hub-Signature-256", "sha256=00"}, http.StatusUnauthorized},
		{"POST", "/", `{}`, [2]string{"X-Hub-Signature-256", meta.Sign("app-secret", []byte(`{}`)) + "0"}, http.StatusUnauthorized},
		{"PUT", "/", ``, [2]string{}, http.StatusMethodNotAllowed},
	},
	bot.PlatformX: {
		{"GET", "/", ``, [2]string{}, http.StatusBadRequest},
		{"POST", "/", `{}`, [2]string{"X-Twitter-Webhooks-Signature", "sha256=AA=="}, http.StatusUnauthorized},
		{"DELETE", "/", ``, [2]string{}, http.StatusMethodNotAllowed},
	},
	bot.PlatformWebchat: {
		{"POST", "/messages", `{"session":`, [2]string{}, http.StatusBadRequest},
		{"GET", "/replies?session=unknown-session-id", ``, [2]string{}, http.StatusNotFound},
		{"GET", "/no-such-page", ``, [2]string{}, http.StatusNotFound},
	},
}

// TestWebhookRefusalsAreJSON: every adapter answers every refused
// delivery with a JSON {"error": ...}, as the README promises.
func TestWebhookRefusalsAreJSON(t *testing.T) {
	for _, f := range all.Factories() {
		platform := f.Platforms[0]
		t.Run(platform, func(t *testing.T) {
			cfg := f.NewConfig(platform)
			configure(t, cfg)
			if err := cfg.Validate(); err != nil {
				t.Fatalf("test config: %v", err)
			}
			a, err := f.New(platform, "test", cfg, bot.AdapterDeps{Inbox: &adaptertest.Recorder{}})
			if err != nil {
				t.Fatal(err)
			}
			wh, ok := a.(bot.WebhookHandler)
			if !ok {
				t.Fatalf("%T serves no webhook", a)
			}
			cases := refusals[platform]
			if len(cases) == 0 {
				t.Fatalf("no refusals listed for %s: add them here", platform)
			}
			for i, tc := range cases {
				req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
				if tc.header[0] != "" {
					req.Header.Set(tc.header[0], tc.header[1])
				}
				rec := httptest.NewRecorder()
				wh.Webhook().ServeHTTP(rec, req)
				if rec.Code != tc.status {
					t.Errorf("%d: %s %s: status %d, want %d (%s)", i, tc.method, tc.path, rec.Code, tc.status, rec.Body)
				}
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("%d: %s %s: Content-Type %q, want JSON", i, tc.method, tc.path, ct)
				}
				var body struct {
					Error string `json:"error"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error == "" {
					t.Errorf("%d: %s %s: body %q is not {\"error\": ...}", i, tc.method, tc.path, rec.Body)
				}
			}
		})
	}
}
