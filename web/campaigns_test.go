package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"engagebot/bot"
)

// The fake's campaign actions: each change is recorded.

func fakeCampaign(id string) *bot.Campaign {
	return &bot.Campaign{ID: id, Name: "winter", Kind: bot.CampaignSurvey, Segment: "1", Accounts: []string{"telegram.support"},
		Window: bot.DefaultWindow, State: bot.CampaignRunning, Survey: &bot.Survey{Question: "ok?", Options: []string{"yes", "no"}},
		Answers: []int{3, 1}, Progress: bot.Progress{Targeted: 10, Sent: 6, Failed: 1, Pending: 1, Skipped: map[string]int{bot.SkipOptedOut: 2}}}
}

func (a *Actions) Campaigns(_ context.Context, actor bot.Actor) ([]*bot.Campaign, error) {
	return []*bot.Campaign{fakeCampaign("1")}, nil
}

func (a *Actions) Campaign(_ context.Context, actor bot.Actor, id string) (*bot.Campaign, error) {
	if id != "1" {
		return nil, bot.Errorf(bot.ENOTFOUND, "campaign %q not found", id)
	}
	return fakeCampaign(id), nil
}

func (a *Actions) CreateCampaign(_ context.Context, actor bot.Actor, c *bot.Campaign) (*bot.Campaign, error) {
	if c.Window == "" {
		c.Window = bot.DefaultWindow
	}
	if c.Kind == "" {
		c.Kind = bot.CampaignMessage
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.ID, c.State = "2", bot.CampaignDraft
	a.record(actor, fmt.Sprintf("campaign.create(%s %s %s)", c.Name, c.Segment, strings.Join(c.Accounts, ",")), bot.ThreadKey{})
	return c, nil
}

func (a *Actions) StartCampaign(_ context.Context, actor bot.Actor, id string) (*bot.Campaign, error) {
	a.record(actor, "campaign.start("+id+")", bot.ThreadKey{})
	return fakeCampaign(id), nil
}

func (a *Actions) DryRunCampaign(_ context.Context, actor bot.Actor, id string, n int) ([]bot.DryRunItem, error) {
	var out []bot.DryRunItem
	for i := range n {
		out = append(out, bot.DryRunItem{Follower: bot.FollowerKey{Platform: "telegram", UserID: fmt.Sprint(i)}, Variant: "A", Text: "سلام"})
	}
	return out, nil
}

func (a *Actions) PauseCampaign(_ context.Context, actor bot.Actor, id string) (*bot.Campaign, error) {
	a.record(actor, "campaign.pause("+id+")", bot.ThreadKey{})
	return fakeCampaign(id), nil
}

func (a *Actions) ResumeCampaign(_ context.Context, actor bot.Actor, id string) (*bot.Campaign, error) {
	a.record(actor, "campaign.resume("+id+")", bot.ThreadKey{})
	return fakeCampaign(id), nil
}

func (a *Actions) CancelCampaign(_ context.Context, actor bot.Actor, id string) (*bot.Campaign, error) {
	a.record(actor, "campaign.cancel("+id+")", bot.ThreadKey{})
	return fakeCampaign(id), nil
}

func (a *Actions) CampaignRecipients(_ context.Context, actor bot.Actor, id string, f bot.RecipientFilter) ([]bot.RecipientView, error) {
	return []bot.RecipientView{{Recipient: &bot.Recipient{Campaign: id, Follower: sara, State: bot.RecipientSent, Answer: 1}, Name: "=cmd"}}, nil
}

func (a *Actions) AskCSAT(_ context.Context, actor bot.Actor, k bot.ThreadKey) error {
	a.record(actor, "csat()", k)
	return nil
}

// The contract: POST /api/v1/campaigns creates a draft from name, segment,
// accounts and text; start with ?dry_run=N shows N messages and changes
// nothing; GET answers progress whose counts add up; the export quotes a
// name that a spreadsheet would take for a formula.
func TestCampaigns_Contract(t *testing.T) {
	st := newStaff(t, "")
	a := st.do(t, request{method: "POST", path: "/api/v1/campaigns", token: "ebt_pr",
		body: `{"name":"winter","segment":"1","accounts":["telegram.support"],"text":"سلام {{.Name}}","window":"09:00-20:00"}`})
	var c struct {
		ID, State, Window string
	}
	if a.status != http.StatusCreated || json.Unmarshal([]byte(a.body), &c) != nil || c.ID != "2" || c.State != "draft" || c.Window != "09:00-20:00" {
		t.Fatalf("create = %d %s", a.status, a.body)
	}
	for _, bad := range []string{
		`{"name":"x","segment":"1","accounts":["telegram.support"],"text":"t","window":"late"}`,
		`{"name":"x","segment":"1","accounts":["telegram"],"text":"t"}`,
		`{"name":"x","segment":"1","accounts":["telegram.support"],"txt":"t"}`,
	} {
		if a := st.do(t, request{method: "POST", path: "/api/v1/campaigns", token: "ebt_pr", body: bad}); a.status != http.StatusBadRequest {
			t.Errorf("create %s = %d %s, want 400", bad, a.status, a.body)
		}
	}
	before := len(st.actions.took())
	a = st.do(t, request{method: "POST", path: "/api/v1/campaigns/1/start?dry_run=3", token: "ebt_pr"})
	if a.status != http.StatusOK || strings.Count(a.body, `"variant"`) != 3 || len(st.actions.took()) != before {
		t.Errorf("dry run = %d %s (%d actions after %d)", a.status, a.body, len(st.actions.took()), before)
	}
	if a := st.do(t, request{method: "POST", path: "/api/v1/campaigns/1/start?dry_run=0", token: "ebt_pr"}); a.status != http.StatusBadRequest {
		t.Errorf("dry_run=0 = %d, want 400", a.status)
	}
	a = st.do(t, request{method: "GET", path: "/api/v1/campaigns/1", token: "ebt_viewer"})
	var got struct {
		Progress bot.Progress
		Answers  []struct {
			Option string
			Count  int
		}
	}
	if err := json.Unmarshal([]byte(a.body), &got); err != nil {
		t.Fatal(err)
	}
	p := got.Progress
	if sum := p.Sent + p.Failed + p.Pending + p.Skipped[bot.SkipOptedOut]; sum != p.Targeted || len(got.Answers) != 2 || got.Answers[0].Count != 3 {
		t.Errorf("campaign = %s: progress should add up to targeted, answers per option", a.body)
	}
	a = st.do(t, request{method: "GET", path: "/api/v1/campaigns/1/recipients?answer=1&format=csv", token: "ebt_pr"})
	if a.status != http.StatusOK || !strings.Contains(a.body, "'=cmd") || !strings.HasPrefix(a.header.Get("Content-Type"), "text/csv") {
		t.Errorf("export = %d %s %s", a.status, a.header.Get("Content-Type"), a.body)
	}
}

// The fake's follower actions.

func (a *Actions) Person(_ context.Context, actor bot.Actor, k bot.FollowerKey) (*bot.Person, error) {
	return &bot.Person{Follower: &bot.Follower{Key: k, Consent: bot.ConsentGiven}, Linked: []*bot.Follower{{Key: bot.FollowerKey{Platform: "instagram", UserID: "9"}}}}, nil
}

func (a *Actions) LinkFollowers(_ context.Context, actor bot.Actor, x, y bot.FollowerKey) error {
	a.record(actor, "follower.link("+x.String()+" "+y.String()+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) UnlinkFollower(_ context.Context, actor bot.Actor, k bot.FollowerKey) error {
	a.record(actor, "follower.unlink("+k.String()+")", bot.ThreadKey{})
	return nil
}

func (a *Actions) SetFollowerTZ(_ context.Context, actor bot.Actor, k bot.FollowerKey, tz string) error {
	a.record(actor, "follower.tz("+tz+")", bot.ThreadKey{})
	return nil
}
