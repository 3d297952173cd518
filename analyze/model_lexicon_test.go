package analyze_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"testing"

	"engagebot/analyze"
	"engagebot/bot"
)

// praise gives the model words the lexicon knows, beside the slang it does
// not, so that the lexicon's reading carries the label in training.
func praise() []analyze.Example {
	ex := slang()
	subjects := []string{"the new syrup", "your app", "this pack", "این شربت", "اپتون", "این بسته"}
	goods := []string{"is great", "is wonderful", "خوبه", "عالی بود"}
	bads := []string{"is awful", "is terrible", "بده", "افتضاح بود"}
	for _, s := range subjects {
		for j := range goods {
			ex = append(ex, analyze.Example{Text: s + " " + goods[j], Label: bot.SentimentPositive})
			ex = append(ex, analyze.Example{Text: s + " " + bads[j], Label: bot.SentimentNegative})
		}
	}
	return ex
}

// TestTrain_LexiconReading: a model that reads the lexicon labels a text
// by sentiment words it never saw in training, which the lexicon knows; the
// slang it learnt stays learnt.
func TestTrain_LexiconReading(t *testing.T) {
	m, err := analyze.Train(context.Background(), praise(), analyze.TrainOptions{Seed: 1, Buckets: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		text, want string
	}{
		{"my order was excellent", bot.SentimentPositive},
		{"my order was horrible", bot.SentimentNegative},
		{"سفارشم فوق العاده بود", bot.SentimentPositive},
		{"سفارشم مزخرف بود", bot.SentimentNegative},
		{"my order zorbix", bot.SentimentPositive},
		{"سفارشم شلمبه است", bot.SentimentNegative},
	} {
		_, best := m.Predict(tc.text)
		if got := m.Labels()[best]; got != tc.want {
			t.Errorf("Test %d: %q: %s, want %s", i, tc.text, got, tc.want)
		}
	}
}

// TestModelFile_Versions: a file of format 1 (no lexicon reading) still
// loads; one of format 1 that claims to read the lexicon does not.
func TestModelFile_Versions(t *testing.T) {
	for i, tc := range []struct {
		name    string
		lexicon int // TrainOptions.Lexicon
		version uint16
		want    string // error, "" for none
	}{
		{"format 2 reading the lexicon", 0, 2, ""},
		{"format 2 without the lexicon", -1, 2, ""},
		{"format 1 without the lexicon", -1, 1, ""},
		{"format 1 reading the lexicon", 0, 1, "lexicon weight"},
		{"format 3", 0, 3, "format version 3"},
	} {
		m, err := analyze.Train(context.Background(), praise(), analyze.TrainOptions{Seed: 1, Buckets: 1 << 16, Lexicon: tc.lexicon})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := m.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		data := b.Bytes()
		binary.LittleEndian.PutUint16(data[4:], tc.version)
		body := data[:len(data)-sha256.Size]
		sum := sha256.Sum256(body)
		copy(data[len(body):], sum[:])
		back, err := analyze.ReadModel(bytes.NewReader(data))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("Test %d: %s: %v", i, tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("Test %d: %s: %v, want an error with %q", i, tc.name, err, tc.want)
		case err == nil:
			for _, text := range []string{"my order was excellent", "سفارشم شلمبه است"} {
				p1, _ := m.Predict(text)
				p2, _ := back.Predict(text)
				if p1[0] != p2[0] {
					t.Errorf("Test %d: %s: %q reads %v after loading, %v before", i, tc.name, text, p2, p1)
				}
			}
		}
	}
}
