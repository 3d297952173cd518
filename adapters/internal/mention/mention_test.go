package mention

import "testing"

func TestHas(t *testing.T) {
	for i, tc := range []struct {
		text, username string
		want           bool
	}{
		{"@brandcare_bot hello", "brandcare_bot", true},
		{"hello @BrandCare_Bot", "brandcare_bot", true},
		{"سلام @brandcare_bot، قیمت؟", "brandcare_bot", true},
		{"@brandcare_bot!", "brandcare_bot", true},
		{"@brandcare_bot\nline", "brandcare_bot", true},
		{"@brandcare_bots are many", "brandcare_bot", false},
		{"@brandcare_bot2", "brandcare_bot", false},
		{"@brandcare_bot_x then @brandcare_bot", "brandcare_bot", true},
		{"brandcare_bot without at", "brandcare_bot", false},
		{"@brandcare", "brandcare_bot", false},
		{"", "brandcare_bot", false},
		{"@ anything", "", false},
	} {
		if got := Has(tc.text, tc.username); got != tc.want {
			t.Errorf("%d: Has(%q, %q) = %v, want %v", i, tc.text, tc.username, got, tc.want)
		}
	}
}
