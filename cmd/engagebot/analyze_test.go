package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"engagebot/internal/wait"
)

// writeLabelled writes a small labelled file in a register the lexicon
// does not know ("zorbix" is praise, "plonky" is not).
func writeLabelled(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("text\tlabel\n")
	for _, s := range []string{"the app", "your syrup", "this pack", "the delivery", "my order", "the site", "اپتون", "این بسته"} {
		for _, w := range []string{"", "so ", "really "} {
			b.WriteString(s + " is " + w + "zorbix\tpos\n")
			b.WriteString(s + " is " + w + "plonky\tneg\n")
		}
	}
	path := filepath.Join(dir, "labels.tsv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAnalyzeTrainCommand: train prints the cross-validated figures as JSON
// on its last line and writes a model that analyze -model and the config
// load; a bad model file is a config error naming the key and the file.
func TestAnalyzeTrainCommand(t *testing.T) {
	dir := t.TempDir()
	data := writeLabelled(t, dir)
	model := filepath.Join(dir, "brand.model")
	code, stdout, stderr := runCLI(t, "", "analyze", "train", "-data", data+","+data, "-out", model, "-k", "3")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	var rep struct {
		Examples int                             `json:"examples"`
		Accuracy float64                         `json:"accuracy"`
		PerClass map[string]struct{ F1 float64 } `json:"per_class"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &rep); err != nil {
		t.Fatalf("last line is not the JSON report: %v\n%s", err, stdout)
	}
	if rep.Examples != 96 || rep.Accuracy < 0.9 || rep.PerClass["pos"].F1 < 0.9 || rep.PerClass["neg"].F1 < 0.9 {
		t.Errorf("report %+v\n%s", rep, stdout)
	}

	code, stdout, stderr = runCLI(t, "the website is zorbix\nthe website is plonky\n", "analyze", "-model", model)
	if code != 0 {
		t.Fatalf("analyze -model: exit %d: %s", code, stderr)
	}
	out := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if len(out) != 2 || !strings.Contains(out[0], `"label":"pos"`) || !strings.Contains(out[1], `"label":"neg"`) {
		t.Errorf("analyze -model:\n%s", stdout)
	}
	code, stdout, _ = runCLI(t, "", "analyze", "-model", model, "--eval", data)
	if code != 0 || !strings.Contains(stdout, "accuracy  1.000") {
		t.Errorf("analyze -model --eval: exit %d\n%s", code, stdout)
	}

	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte("analyze:\n  model: "+model+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCLI(t, "", "check-config", "-config", good); code != 0 {
		t.Errorf("check-config with a model: exit %d\n%s%s", code, stdout, stderr)
	}
	broken := filepath.Join(dir, "broken.model")
	raw, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, raw[:len(raw)-7], 0o600); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{broken, filepath.Join(dir, "missing.model"), data} {
		cfg := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(cfg, []byte("analyze:\n  model: "+m+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCLI(t, "", "check-config", "-config", cfg)
		if code != 1 || !strings.Contains(stdout+stderr, "analyze.model") || !strings.Contains(stdout+stderr, m) {
			t.Errorf("check-config with %s: exit %d\n%s%s", m, code, stdout, stderr)
		}
		if code, _, stderr := runCLI(t, "", "analyze", "-model", m); code != 1 || !strings.Contains(stderr, m) {
			t.Errorf("analyze -model %s: exit %d: %s", m, code, stderr)
		}
	}
	if code, _, _ := runCLI(t, "", "analyze", "train", "-data", data); code == 0 {
		t.Error("train without -out succeeded")
	}
}

// TestWebchat_SafetyReplies: through the service, with a model loaded from
// analyze.model, each special situation and each phrasing once missed gets
// its own reply; the model (taught here that everything is good news) does
// not turn the safety replies into praise.
func TestWebchat_SafetyReplies(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("text\tlabel\n")
	for _, s := range []string{"two tablets", "دو تا قرص", "باردارم", "I took", "چرا", "مرسی", "آدم", "pregnant"} {
		for _, w := range []string{"", "so ", "very "} {
			b.WriteString(s + " " + w + "zorbix\tpos\n" + w + "hello there\tpos\n" + s + " plonky " + w + "\tneg\n")
		}
	}
	data := filepath.Join(dir, "labels.tsv")
	if err := os.WriteFile(data, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "brand.model")
	if code, _, stderr := runCLI(t, "", "analyze", "train", "-data", data, "-out", model, "-k", "0"); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	p := StartProc(t, ProcOptions{Config: minimalConfig + "analyze:\n  model: " + model + "\n"})
	for i, tc := range []struct{ text, want string }{
		{"I took two Diabetan tablets instead of one", "poison control"},
		{"دو تا قرص دیابتان به جای یکی خوردم", "اورژانس ۱۱۵"},
		{"باردارم و دیروز قرص کلدکس خوردم", "ماما"},
		{"The seal on my Feronik bottle was broken when I opened it", "quality team"},
		{"coldex asar nakard", "مؤثر نبوده"},
		{"چرا جواب نمیدید؟ خیلی بدید", "ارتباط با مشتریان"},
		{"میخوام با یک آدم صحبت کنم", "همکارانمان فرستادیم"},
		{"مرسی ولی اصلا راضی نیستم", "ارتباط با مشتریان"},
	} {
		session := chatSession(t, p)
		if code, body := p.Post("/chat/messages", fmt.Sprintf(`{"session":%q,"text":%q}`, session, tc.text)); code != http.StatusAccepted {
			t.Fatalf("%d: POST = %d %s", i, code, body)
		}
		var replies []map[string]any
		wait.For(t, 10*time.Second, "reply", func() bool { replies = chatReplies(t, p, session); return len(replies) > 0 })
		text, _ := replies[0]["text"].(string)
		if !strings.Contains(text, tc.want) {
			t.Errorf("%d: %q: reply lacks %q:\n%s", i, tc.text, tc.want, text)
		}
		// None of these is answered with thanks, the catch-all or the
		// leaflet pointer of a dosage question.
		for _, bad := range []string{"خواهش می", "ممنون از لطف شما", "سپاس از شما", "یکی از گزینه‌های زیر", "You're welcome", "بروشور داخل بسته هم توجه", "leaflet inside the pack"} {
			if strings.Contains(text, bad) {
				t.Errorf("%d: %q: reply reads like another template (%q):\n%s", i, tc.text, bad, text)
			}
		}
	}
}
