package rubika

import (
	"testing"

	"engagebot/bot"
)

// FuzzParseUpdate drives both update parsers (webhook bodies and
// getUpdates items) with arbitrary bytes: they must never panic, and every
// event must be valid.
func FuzzParseUpdate(f *testing.F) {
	for _, seed := range []string{
		`{"update":{"type":"NewMessage","chat_id":"b0AbC123","new_message":{"message_id":"9000000000000000001","text":"سلام","time":"1700000000","is_edited":false,"sender_type":"User","sender_id":"u0XyZ789"}}}`,
		`{"update":{"type":"NewMessage","chat_id":"g0G","new_message":{"message_id":204215121115944300,"text":"@brandcare_bot hi","time":1643122902,"sender_type":"User","sender_id":"u0X","reply_to_message_id":500,"aux_data":{"start_id":null,"button_id":"1"}}}}`,
		`{"update":{"type":"UpdatedMessage","chat_id":"b0A","updated_message":{"message_id":"9","text":"x"}}}`,
		`{"update":{"type":"RemovedMessage","chat_id":"b0A","removed_message_id":"9"}}`,
		`{"update":{"type":"StartedBot","chat_id":"b0A"}}`,
		`{"update":{"type":"StoppedBot","chat_id":"b0A","update_time":"1"}}`,
		`{"update":{"type":"UpdatedPayment","chat_id":"b0A","updated_payment":{"payment_id":"p","status":"Paid"}}}`,
		`{"inline_message":{"sender_id":"u0X","text":"Add","location":null,"aux_data":{"start_id":null,"button_id":"100"},"message_id":"2","chat_id":"b0A"}}`,
		`{"type":"NewMessage","chat_id":"c0C","new_message":{"message_id":"1","text":"post","time":"1","sender_type":"User","sender_id":"u0X"}}`,
		`{"type":"InlineMessage","chat_id":"b0A","inline_message":{"sender_id":"u0X","aux_data":{"button_id":"b"},"message_id":3}}`,
		`{"update":{"type":"UpdatedMessage","chat_id":"b0A","updated_message":{"message_id":"9","sender_type":"Bot","poll":{"question":"q","options":["a","b"],"poll_status":{"state":"Open","selection_index":1,"percent_vote_options":[0,100],"total_vote":1}}}}}`,
		`{"type":"UpdatedMessage","chat_id":"b0A","update_time":"5","updated_message":{"message_id":9,"poll":{"options":[],"poll_status":{"selection_index":"-1"}}}}`,
		`{"update":{"type":"UpdatedMessage","chat_id":"g0G","updated_message":{"message_id":"9","poll":{"poll_status":{"selection_index":-7}}}}}`,
		`{"update":[]}`, `{}`, `null`, ``,
	} {
		f.Add([]byte(seed))
	}
	p := testParser()
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, parse := range []func([]byte, string) ([]bot.Event, error){
			func(b []byte, s string) ([]bot.Event, error) { return p.parseWebhook(b, s) },
			func(b []byte, s string) ([]bot.Event, error) { return p.parseUpdate(b, s) },
		} {
			events, err := parse(body, "o1#0")
			if err != nil {
				continue
			}
			for _, e := range events {
				if err := e.Validate(); err != nil {
					t.Fatalf("invalid event %+v from %q: %v", e, body, err)
				}
			}
		}
	})
}
