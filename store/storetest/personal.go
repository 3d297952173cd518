package storetest

import (
	"reflect"
	"testing"
	"time"

	"engagebot/bot"
)

// testFollowerProfile: the profile's personal fields (consent channel,
// slow mood, time zone, when each interest was last seen) survive the
// store, and a follower written without them reads back without them.
func testFollowerProfile(t *testing.T, open func(t *testing.T) bot.Store) {
	s := open(t)
	full := &bot.Follower{
		Key: bot.FollowerKey{Platform: "telegram", UserID: "p1"}, Name: "Sara", Lang: "fa",
		FirstSeen: day(0), LastSeen: day(3), Messages: 4, Mood: -0.25, MoodSlow: 0.125,
		Interests:    map[string]int{"diabetes": 2, "Nikavit": 1},
		InterestSeen: map[string]time.Time{"diabetes": day(3), "Nikavit": day(1)},
		Consent:      bot.ConsentRevoked, ConsentAt: day(2), ConsentVia: "telegram.support", TZ: "Europe/Berlin",
	}
	bare := &bot.Follower{Key: bot.FollowerKey{Platform: "telegram", UserID: "p2"}, FirstSeen: day(0), LastSeen: day(0), Messages: 1,
		Interests: map[string]int{"skin": 1}}
	mustUpdate(t, s, func(tx bot.Tx) error {
		if err := tx.PutFollower(full); err != nil {
			return err
		}
		return tx.PutFollower(bare)
	})
	mustView(t, s, func(tx bot.Tx) error {
		for _, want := range []*bot.Follower{full, bare} {
			got, err := tx.Follower(want.Key)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("read back\n%+v\nwant\n%+v", got, want)
			}
		}
		return nil
	})
}
