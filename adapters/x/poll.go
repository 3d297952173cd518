package x

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"engagebot/bot"
)

// maxPages bounds one poll: X keeps only the 800 most recent mentions
// reachable, 100 a page.
const maxPages = 8

type mentionsPage struct {
	Data []struct {
		ID             string `json:"id"`
		Text           string `json:"text"`
		AuthorID       string `json:"author_id"`
		ConversationID string `json:"conversation_id"`
		CreatedAt      string `json:"created_at"`
	} `json:"data"`
	Includes struct {
		Users []struct {
			ID       string `json:"id"`
			Username string `json:"username"`
			Name     string `json:"name"`
		} `json:"users"`
	} `json:"includes"`
	Meta struct {
		NewestID  string `json:"newest_id"`
		NextToken string `json:"next_token"`
	} `json:"meta"`
}

// CursorKey is where the poller stores the newest mention id it stored.
func (a *Adapter) CursorKey() string { return bot.AccountKey(bot.PlatformX, a.name) + "/mentions" }

// Run polls mentions in polling mode until ctx is done; in webhook mode it
// only waits. Without a stored cursor it starts at the time the adapter
// was built, so old mentions are not answered.
func (a *Adapter) Run(ctx context.Context) error {
	if a.cfg.Mode != "polling" {
		<-ctx.Done()
		return nil
	}
	var since string
	haveCursor := false
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		wait := a.cfg.PollInterval
		err := error(nil)
		if !haveCursor {
			since, err = a.inbox.Cursor(ctx, a.CursorKey())
			haveCursor = err == nil
		}
		if err == nil {
			since, err = a.poll(ctx, since)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if se := bot.SendErrorOf(err); se.Kind == bot.SendRateLimited && se.RetryAfter > wait {
				wait = se.RetryAfter
			}
			a.log.Warn("polling mentions failed", "err", err, "retry_in", wait)
		}
		timer.Reset(wait)
	}
}

// poll reads the mentions after since, stores them with the new cursor
// and returns it.
func (a *Adapter) poll(ctx context.Context, since string) (string, error) {
	q := url.Values{
		"max_results":     {"100"},
		a.cfg.FieldsParam: {"created_at,conversation_id"},
		"expansions":      {"author_id"},
		"user.fields":     {"username,name"},
	}
	if since != "" {
		q.Set("since_id", since)
	} else {
		q.Set("start_time", a.started.UTC().Format(time.RFC3339))
	}
	path := "/2/users/" + url.PathEscape(a.cfg.UserID) + "/mentions"
	var (
		events []bot.Event
		newest string
	)
	for page := 0; page < maxPages; page++ {
		var res mentionsPage
		if err := a.call(ctx, famMentions, "GET", path, q, nil, &res); err != nil {
			return since, err
		}
		if page == 0 {
			newest = res.Meta.NewestID
		}
		users := map[string][2]string{}
		for _, u := range res.Includes.Users {
			users[u.ID] = [2]string{u.Username, u.Name}
		}
		for _, p := range res.Data {
			if p.ID == "" || p.AuthorID == a.cfg.UserID {
				continue
			}
			e := bot.Event{Platform: bot.PlatformX, Account: a.name, ID: p.ID, Kind: bot.EventMention,
				Chat: p.ID, ChatType: bot.ChatPublic, Addressed: true, Text: p.Text,
				From: bot.Sender{ID: p.AuthorID, Username: users[p.AuthorID][0], Name: users[p.AuthorID][1]}}
			if p.ConversationID != "" {
				e.Extra = map[string]string{ExtraConversationID: p.ConversationID}
			}
			if t, err := time.Parse(time.RFC3339, p.CreatedAt); err == nil {
				e.SentAt = t.UTC()
			}
			events = append(events, e)
		}
		if res.Meta.NextToken == "" {
			break
		}
		q.Set("pagination_token", res.Meta.NextToken)
	}
	if newest == "" {
		return since, nil // nothing new
	}
	if err := a.inbox.Accept(ctx, events, &bot.Cursor{Key: a.CursorKey(), Value: newest}); err != nil {
		return since, fmt.Errorf("x: store mentions: %w", err)
	}
	a.log.Debug("mentions stored", "events", len(events), "cursor", newest)
	return newest, nil
}
