package bolt

import (
	"reflect"
	"testing"
	"time"

	"engagebot/bot"
)

// A follower record written before the profile's personal fields decodes
// as a profile without them; one written now keeps them.
func TestFollowerRecordOlderLayout(t *testing.T) {
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	old := &bot.Follower{Key: bot.FollowerKey{Platform: "telegram", UserID: "u"}, Name: "Sara", Lang: "fa",
		FirstSeen: at, LastSeen: at, Messages: 2, Mood: 0.5, Interests: map[string]int{"skin": 2},
		Consent: bot.ConsentGiven, ConsentAt: at}
	now := *old
	now.ConsentVia, now.MoodSlow, now.TZ = "telegram.support", 0.25, "Asia/Tehran"
	now.InterestSeen = map[string]time.Time{"skin": at}
	now.Muted = true
	k := followerKey(old.Key)

	full := encodeFollower(&now)
	got, err := decodeFollower(k, full)
	if err != nil || !reflect.DeepEqual(got, &now) {
		t.Fatalf("round trip = %+v, %v; want %+v", got, err, &now)
	}
	// The older layout is the same record cut after ConsentAt.
	e := newEnc(0)
	e.str("telegram.support")
	e.f64(0.25)
	e.str("Asia/Tehran")
	e.time(at)
	e.uvar(1)            // muted
	tail := len(e.b) - 1 // newEnc starts with the codec's version byte
	got, err = decodeFollower(k, full[:len(full)-tail])
	if err != nil || !reflect.DeepEqual(got, old) {
		t.Errorf("older layout = %+v, %v; want %+v", got, err, old)
	}
	// Before muting was kept: the record without its last byte.
	unmuted := now
	unmuted.Muted = false
	got, err = decodeFollower(k, full[:len(full)-1])
	if err != nil || !reflect.DeepEqual(got, &unmuted) {
		t.Errorf("layout before muting = %+v, %v; want %+v", got, err, &unmuted)
	}
}
