package templates_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"engagebot/bot"
)

// Renderings reuse their clones (pool.go): each must still see only its
// own follower, data and buttons, whether they run at once or one after
// another on the same clone.
func TestRenderingsDoNotShareState(t *testing.T) {
	r := mustNew(t)
	render := func(i int, inline bool) error {
		name := fmt.Sprintf("Follower%c%c", 'A'+i%26, 'a'+i/26%26) // names lose their digits
		link := fmt.Sprintf("https://example.com/%d", i)
		req := bot.RenderRequest{Purpose: bot.PurposeCampaign, Template: "campaign.generic", Lang: "en",
			Follower: &bot.Follower{Name: name, Messages: 2}, Now: tehranAt(9),
			Data: map[string]any{"title": "T", "body": "B", "link": link}}
		want := [][]bot.Button{{{Text: "Learn more", URL: link}}}
		if inline {
			req.Template, req.Text = "", "Dear {{name}}, {{button \"Open\" .Data.link}}"
			want = [][]bot.Button{{{Text: "Open", Data: link}}}
		}
		got, err := r.Render(context.Background(), req)
		if err != nil {
			return err
		}
		if !strings.Contains(got.Text, name) || strings.Count(got.Text, "Follower") != 1 {
			return fmt.Errorf("rendering %d: text %q, want only %s", i, got.Text, name)
		}
		if !slices.EqualFunc(got.Buttons, want, slices.Equal) {
			return fmt.Errorf("rendering %d: buttons %v, want %v", i, got.Buttons, want)
		}
		return nil
	}
	for i := range 20 { // one after another: the same clone each time
		for _, inline := range []bool{false, true} {
			if err := render(i, inline); err != nil {
				t.Fatal(err)
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for i := range 400 {
		wg.Go(func() {
			if err := render(i, i%2 == 1); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
