package telegram

import "testing"

// FuzzParseUpdate drives the update parser with arbitrary bodies: it must
// never panic, and every event it returns must be valid.
func FuzzParseUpdate(f *testing.F) {
	for _, seed := range []string{
		`{"update_id":1,"message":{"message_id":42,"from":{"id":555,"is_bot":false,"first_name":"سارا"},"chat":{"id":555,"type":"private"},"date":1720000000,"text":"سلام"}}`,
		`{"update_id":2,"message":{"message_id":7,"from":{"id":5,"is_bot":false,"first_name":"A"},"chat":{"id":-1001,"type":"supergroup","title":"F"},"date":1,"text":"@brandcare_bot hi","entities":[{"type":"mention","offset":0,"length":14}],"reply_to_message":{"message_id":3,"from":{"id":700,"is_bot":true,"first_name":"B"},"chat":{"id":-1001,"type":"supergroup"},"date":1}}}`,
		`{"update_id":3,"channel_post":{"message_id":7,"sender_chat":{"id":-1009,"type":"channel","title":"News"},"chat":{"id":-1009,"type":"channel","title":"News"},"date":1,"text":"new post"}}`,
		`{"update_id":4,"edited_message":{"message_id":42,"chat":{"id":555,"type":"private"},"date":1,"edit_date":2,"text":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"abc","from":{"id":555,"is_bot":false,"first_name":"S"},"chat_instance":"c","data":"s1:yes"}}`,
		`{"update_id":6,"callback_query":{"id":"abd","from":{"id":555,"is_bot":false,"first_name":"S"},"message":{"message_id":1,"chat":{"id":555,"type":"private"},"date":0},"chat_instance":"c","data":"x"}}`,
		`{"update_id":7,"my_chat_member":{"chat":{"id":555,"type":"private"},"from":{"id":555,"is_bot":false,"first_name":"S"},"date":1,"old_chat_member":{"status":"member","user":{"id":700,"is_bot":true,"first_name":"B"}},"new_chat_member":{"status":"kicked","user":{"id":700,"is_bot":true,"first_name":"B"}}}}`,
		`{"update_id":8,"message":{"message_id":1,"chat":{"id":1,"type":"group"},"date":1,"text":"/start@brandcare_bot"}}`,
		`{"update_id":9,"message":"oops"}`,
		`{"update_id":10,"poll_answer":{"poll_id":"5300000000000000001","user":{"id":555,"is_bot":false,"first_name":"S"},"option_ids":[1],"option_persistent_ids":["1"]}}`,
		`{"update_id":11,"poll_answer":{"poll_id":"5300000000000000001","voter_chat":{"id":-1009,"type":"channel"},"option_ids":[]}}`,
		`{"update_id":12,"poll_answer":{"poll_id":"","option_ids":[-3]}}`,
		`{}`, `null`, `[]`, ``,
	} {
		f.Add([]byte(seed))
	}
	p := testParser()
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := p.parseUpdate(body)
		if err != nil {
			updateIDOf(body)
			return
		}
		for _, e := range got.Events {
			if err := e.Validate(); err != nil {
				t.Fatalf("invalid event %+v from %q: %v", e, body, err)
			}
			if _, _, ok := parseMessageID(e.ID); !ok && e.Kind != "callback" && e.Kind != "stop" && e.Kind != "poll_answer" {
				t.Fatalf("event id %q does not parse back", e.ID)
			}
		}
	})
}
