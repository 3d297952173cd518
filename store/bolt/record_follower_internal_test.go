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
	e.uvar(0)            // no private chats
	e.uvar(0)            // no linked profiles
	tail := len(e.b) - 1 // newEnc starts with the codec's version byte
	got, err = decodeFollower(k, full[:len(full)-tail])
	if err != nil || !reflect.DeepEqual(got, old) {
		t.Errorf("older layout = %+v, %v; want %+v", got, err, old)
	}
	// Before muting was kept: the record without its last three bytes.
	unmuted := now
	unmuted.Muted = false
	got, err = decodeFollower(k, full[:len(full)-3])
	if err != nil || !reflect.DeepEqual(got, &unmuted) {
		t.Errorf("layout before muting = %+v, %v; want %+v", got, err, &unmuted)
	}
}

// Private chats and linked profiles round-trip; a chat equal to the user id takes one byte.
func TestFollowerRecordChats(t *testing.T) {
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	f := &bot.Follower{Key: bot.FollowerKey{Platform: "rubika", UserID: "u1"}, Chats: []bot.PrivateChat{
		{Account: "rubika.support", Chat: "b0XYZ", At: at}, {Account: "rubika.shop", Chat: "u1", At: at.Add(time.Hour)}},
		Linked: []bot.FollowerKey{{Platform: "instagram", UserID: "17841"}}}
	got, err := decodeFollower(followerKey(f.Key), encodeFollower(f))
	if err != nil || !reflect.DeepEqual(got.Chats, f.Chats) || !reflect.DeepEqual(got.Linked, f.Linked) {
		t.Fatalf("chats = %+v, linked %+v, %v; want %+v, %+v", got.Chats, got.Linked, err, f.Chats, f.Linked)
	}
}
