package bot_test

import (
	"testing"
	"time"

	"engagebot/bot"
)

func TestRate_UnmarshalText(t *testing.T) {
	for i, tc := range []struct {
		in      string
		want    bot.Rate
		wantErr bool
	}{
		{"30/s", bot.Rate{Count: 30, Per: time.Second}, false},
		{"20/m", bot.Rate{Count: 20, Per: time.Minute}, false},
		{"100/15m", bot.Rate{Count: 100, Per: 15 * time.Minute}, false},
		{" 750 / h ", bot.Rate{Count: 750, Per: time.Hour}, false},
		{"0", bot.Rate{}, false},
		{"30", bot.Rate{}, true},
		{"-1/s", bot.Rate{}, true},
		{"x/s", bot.Rate{}, true},
		{"5/soon", bot.Rate{}, true},
		{"5/0s", bot.Rate{}, true},
	} {
		var got bot.Rate
		err := got.UnmarshalText([]byte(tc.in))
		if (err != nil) != tc.wantErr {
			t.Errorf("%d %q: err = %v, want error %v", i, tc.in, err, tc.wantErr)
			continue
		}
		if got != tc.want {
			t.Errorf("%d %q: got %+v, want %+v", i, tc.in, got, tc.want)
		}
		if !tc.wantErr {
			var back bot.Rate
			if err := back.UnmarshalText([]byte(got.String())); err != nil || back != got {
				t.Errorf("%d: %q does not round-trip: %v %+v", i, got.String(), err, back)
			}
		}
	}
}
