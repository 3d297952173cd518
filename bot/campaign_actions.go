package bot

import (
	"context"
	"slices"
	"strings"
	"time"
)

// CreateCampaign stores a draft campaign after checking that its segment
// exists, its accounts are configured, and its texts render for a sample
// follower in each language, so a mistake shows when it is written and
// not on the ten-thousandth recipient.
func (s *Actions) CreateCampaign(ctx context.Context, actor Actor, c *Campaign) (*Campaign, error) {
	if c.Kind == "" {
		c.Kind = CampaignMessage
		if c.Survey != nil {
			c.Kind = CampaignSurvey
		}
	}
	if c.Window == "" {
		c.Window = DefaultWindow
	}
	c.Name = strings.TrimSpace(c.Name)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	for _, a := range c.Accounts {
		if _, ok := s.e.Adapter(a); !ok {
			return nil, Errorf(EINVALID, "accounts: %s is not configured", a)
		}
	}
	if err := s.e.checkCampaignTexts(ctx, c); err != nil {
		return nil, err
	}
	err := s.do(ctx, actor, "campaign.create", "campaign", []Role{RolePR}, func(tx *actTx) (change, error) {
		if _, err := tx.Segment(c.Segment); err != nil {
			if ErrorCode(err) == ENOTFOUND {
				return change{}, Errorf(EINVALID, "segment: no segment %q", c.Segment)
			}
			return change{}, err
		}
		now := s.e.now()
		c.State, c.Author, c.Created, c.Updated = CampaignDraft, actor.Name, now, now
		c.Progress, c.Stats, c.Answers, c.Listed, c.Cursor, c.Queued = Progress{Skipped: map[string]int{}}, nil, nil, false, FollowerKey{}, 0
		if err := tx.AddCampaign(c); err != nil {
			return change{}, err
		}
		return change{after: c}, nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// checkCampaignTexts renders each variant for a sample follower in each
// language, and refuses one that reads as dosing advice (DosingAdvice).
func (e *Engine) checkCampaignTexts(ctx context.Context, c *Campaign) error {
	sample := &Follower{Key: FollowerKey{Platform: PlatformTelegram, UserID: "sample"}, Name: "Sara", Messages: 3,
		Interests: map[string]int{}, Consent: ConsentGiven}
	probe := *c
	probe.ID = "0"
	for _, v := range probe.variants() {
		probe.Variants = []Variant{v}
		for _, lang := range []string{LangFa, LangEn} {
			req := probe.request(&Recipient{Follower: sample.Key}, lang)
			req.Follower, req.Now = sample, e.now()
			req.Event = &Event{Platform: PlatformTelegram, Account: "sample", Chat: "sample", ChatType: ChatPrivate, From: Sender{ID: "sample", Name: "Sara"}}
			rep, err := e.renderer.Render(ctx, req)
			if err != nil {
				if ErrorCode(err) == EINVALID || ErrorCode(err) == ENOTFOUND {
					return Errorf(EINVALID, "variant %s (%s): %s", v.Name, lang, ErrorMessage(err))
				}
				return Errorf(EINVALID, "variant %s (%s): %v", v.Name, lang, err)
			}
			if DosingAdvice(rep.Text) {
				return Errorf(EINVALID, "variant %s (%s): it reads as dosing advice, which the brand never sends; point to a pharmacist or physician instead", v.Name, lang)
			}
		}
	}
	return nil
}

// StartCampaign starts a draft: its segment's rule is fixed as it is now,
// and the runner lists and sends from the next step on.
func (s *Actions) StartCampaign(ctx context.Context, actor Actor, id string) (*Campaign, error) {
	var c *Campaign
	err := s.do(ctx, actor, "campaign.start", campaignTarget(id), []Role{RolePR}, func(tx *actTx) (change, error) {
		var err error
		if c, err = tx.Campaign(id); err != nil {
			return change{}, err
		}
		if c.State != CampaignDraft {
			return change{}, Errorf(ECONFLICT, "campaign %s is %s: only a draft starts", id, c.State)
		}
		seg, err := tx.Segment(c.Segment)
		if err != nil {
			return change{}, Errorf(ECONFLICT, "campaign %s: its segment %s is gone", id, c.Segment)
		}
		now := s.e.now()
		c.Rule, c.State, c.Started, c.Updated = seg.Rule, CampaignRunning, now, now
		return change{before: map[string]CampaignState{"state": CampaignDraft}, after: map[string]any{"state": c.State, "rule": c.Rule}}, tx.PutCampaign(c)
	})
	if err != nil {
		return nil, err
	}
	s.e.wakeCampaigns()
	return c, nil
}

// campaignMoves are the state changes PauseCampaign, ResumeCampaign and
// CancelCampaign make, from the states they may start from.
var campaignMoves = map[string]struct {
	from []CampaignState
	to   CampaignState
}{
	"pause":  {[]CampaignState{CampaignRunning}, CampaignPaused},
	"resume": {[]CampaignState{CampaignPaused}, CampaignRunning},
	"cancel": {[]CampaignState{CampaignDraft, CampaignRunning, CampaignPaused}, CampaignCancelled},
}

// PauseCampaign stops queuing new recipients; the few already in the
// outbox still go.
func (s *Actions) PauseCampaign(ctx context.Context, actor Actor, id string) (*Campaign, error) {
	return s.moveCampaign(ctx, actor, id, "pause")
}

// ResumeCampaign continues a paused campaign.
func (s *Actions) ResumeCampaign(ctx context.Context, actor Actor, id string) (*Campaign, error) {
	return s.moveCampaign(ctx, actor, id, "resume")
}

// CancelCampaign ends a campaign: recipients not yet queued are skipped as
// cancelled; those already in the outbox still go.
func (s *Actions) CancelCampaign(ctx context.Context, actor Actor, id string) (*Campaign, error) {
	return s.moveCampaign(ctx, actor, id, "cancel")
}

func (s *Actions) moveCampaign(ctx context.Context, actor Actor, id, move string) (*Campaign, error) {
	m := campaignMoves[move]
	var c *Campaign
	err := s.do(ctx, actor, "campaign."+move, campaignTarget(id), []Role{RolePR}, func(tx *actTx) (change, error) {
		var err error
		if c, err = tx.Campaign(id); err != nil {
			return change{}, err
		}
		if !slices.Contains(m.from, c.State) {
			return change{}, Errorf(ECONFLICT, "campaign %s is %s: cannot %s it", id, c.State, move)
		}
		from := c.State
		c.State, c.Updated = m.to, s.e.now()
		if m.to == CampaignCancelled {
			c.Finished = c.Updated
		}
		return change{before: map[string]CampaignState{"state": from}, after: map[string]CampaignState{"state": c.State}}, tx.PutCampaign(c)
	})
	if err != nil {
		return nil, err
	}
	s.e.wakeCampaigns()
	return c, nil
}

// Campaign reads one campaign with its progress and variant figures.
func (s *Actions) Campaign(ctx context.Context, actor Actor, id string) (*Campaign, error) {
	if err := s.may(actor, "see campaigns", Roles...); err != nil {
		return nil, err
	}
	var c *Campaign
	err := s.e.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.Campaign(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	c.derive()
	return c, nil
}

// Campaigns lists every campaign.
func (s *Actions) Campaigns(ctx context.Context, actor Actor) ([]*Campaign, error) {
	if err := s.may(actor, "see campaigns", Roles...); err != nil {
		return nil, err
	}
	var cs []*Campaign
	err := s.e.store.View(ctx, func(tx Tx) (err error) {
		cs, err = tx.Campaigns()
		return err
	})
	for _, c := range cs {
		c.derive()
	}
	return cs, err
}

// RecipientFilter selects recipients of a campaign to list or export.
type RecipientFilter struct {
	// State keeps one state; Answer keeps those who chose option Answer-1.
	State  RecipientState
	Answer int
	After  FollowerKey
	Limit  int
}

// RecipientView is a recipient with the follower's name, for the list of
// attendees and the export.
type RecipientView struct {
	*Recipient
	Name     string `json:"name,omitempty"`
	Username string `json:"username,omitempty"`
}

// CampaignRecipients lists a campaign's recipients (the attendees of an
// event: Answer 1). It shows who was written to, so it takes the pr role.
func (s *Actions) CampaignRecipients(ctx context.Context, actor Actor, id string, f RecipientFilter) ([]RecipientView, error) {
	if err := s.may(actor, "see campaign recipients", RolePR); err != nil {
		return nil, err
	}
	var out []RecipientView
	err := s.e.store.View(ctx, func(tx Tx) error {
		if _, err := tx.Campaign(id); err != nil {
			return err
		}
		after := f.After
		for f.Limit <= 0 || len(out) < f.Limit {
			rs, err := tx.Recipients(id, after, listPage)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if (f.State != "" && r.State != f.State) || (f.Answer > 0 && r.Answer != f.Answer) {
					continue
				}
				v := RecipientView{Recipient: r}
				if fl, err := tx.Follower(r.Follower); err == nil {
					v.Name, v.Username = fl.Name, fl.Username
				}
				out = append(out, v)
				if f.Limit > 0 && len(out) == f.Limit {
					break
				}
			}
			if len(rs) < listPage {
				break
			}
			after = rs[len(rs)-1].Follower
		}
		return nil
	})
	return out, err
}

// DryRunItem is what one sample follower would receive.
type DryRunItem struct {
	Follower FollowerKey `json:"follower"`
	Name     string      `json:"name,omitempty"`
	Lang     string      `json:"lang,omitempty"`
	Account  string      `json:"account,omitempty"`
	Variant  string      `json:"variant"`
	// Skip is the reason the follower would be skipped; Text, Buttons and
	// Poll what they would receive otherwise.
	Skip    string     `json:"skip,omitempty"`
	Text    string     `json:"text,omitempty"`
	Buttons [][]Button `json:"buttons,omitempty"`
	Poll    *Poll      `json:"poll,omitempty"`
	// Due is when it would go: now, or the opening of their send window.
	Due time.Time `json:"due,omitzero"`
}

// DryRunCampaign shows what the first n followers of the campaign's
// segment would receive now, without sending or recording anything.
func (s *Actions) DryRunCampaign(ctx context.Context, actor Actor, id string, n int) ([]DryRunItem, error) {
	if err := s.may(actor, "dry-run campaigns", RolePR); err != nil {
		return nil, err
	}
	n = min(max(n, 1), 100)
	var c *Campaign
	var rule Rule
	if err := s.e.store.View(ctx, func(tx Tx) error {
		var err error
		if c, err = tx.Campaign(id); err != nil {
			return err
		}
		rule = c.Rule
		if c.State == CampaignDraft {
			seg, err := tx.Segment(c.Segment)
			if err != nil {
				return Errorf(ECONFLICT, "campaign %s: its segment %s is gone", id, c.Segment)
			}
			rule = seg.Rule
		}
		return nil
	}); err != nil {
		return nil, err
	}
	now := s.e.now()
	var followers []*Follower
	err := s.e.EachInSegment(ctx, rule, now, func(f *Follower) bool {
		if _, ok := c.accountFor(f.Key.Platform); ok {
			followers = append(followers, f)
		}
		return len(followers) < n
	})
	if err != nil {
		return nil, err
	}
	var out []DryRunItem
	err = s.e.store.View(ctx, func(tx Tx) error {
		open, err := openCases(tx)
		if err != nil {
			return err
		}
		for _, f := range followers {
			acct, _ := c.accountFor(f.Key.Platform)
			r := &Recipient{Campaign: c.ID, Follower: f.Key, Variant: c.VariantFor(f.Key).Name, Account: acct}
			s.e.classify(c, r, f, open[f.Key], now)
			item := DryRunItem{Follower: f.Key, Name: f.Name, Lang: f.Lang, Account: acct, Variant: r.Variant, Skip: r.Reason, Due: r.Due}
			if r.State == RecipientPending {
				o, err := s.e.campaignItem(ctx, c, r, f, open[f.Key], now)
				switch {
				case err != nil:
					item.Skip = SkipRenderFailed + ": " + ErrorMessage(err)
				default:
					item.Text, item.Buttons, item.Poll, item.Lang = o.Text, o.Buttons, o.Poll, o.Lang
					if reason := s.e.refused(o, now); reason != "" {
						item.Skip = reason
					}
				}
			}
			out = append(out, item)
		}
		return nil
	})
	return out, err
}
