package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Case is a report for drug safety to assess: a suspected side effect (an
// adverse event, in pharmacovigilance) or a special situation (overdose,
// medication error, misuse, off-label use, lack of efficacy, exposure in
// pregnancy or breastfeeding), which the safety team enters into its
// safety database when it is a case; or a product quality complaint, for
// the quality team. The engine opens one with every flag whose reason
// opens a case (CaseKinds), in the flag's transaction, so no report can be
// flagged without its case.
type Case struct {
	ID uint64 `json:"id"` // store-assigned, increasing
	// Flag is the flag the report raised.
	Flag uint64 `json:"flag"`
	// Kind is the flag's reason: adverse_event or a special situation's
	// signal. Queue is the team the case is for: CaseQueueSafety, or
	// CaseQueueQuality for a quality complaint. Severity is the flag's:
	// critical for a side effect, an overdose or self-poisoning, and an
	// exposure in pregnancy. Cases stored before cases had kinds were all
	// side effects: FillDefaults reads them so.
	Kind     string   `json:"kind"`
	Queue    string   `json:"queue"`
	Severity Severity `json:"severity"`
	// Product and Effect are as the analyzer read them from the text:
	// the suspect product as named and the reaction as reported.
	Product  string      `json:"product,omitempty"`
	Effect   string      `json:"effect,omitempty"`
	Follower FollowerKey `json:"follower"`
	// FollowerName is the name the follower gave on the platform, if any.
	FollowerName string    `json:"follower_name,omitempty"`
	Thread       ThreadKey `json:"thread"`
	// MessageID is the platform's id of the reporting message.
	MessageID string `json:"message_id"`
	// Text is the report as the follower wrote it, in Lang.
	Text string `json:"text"`
	Lang string `json:"lang,omitempty"`
	// Aware is the awareness date: when a channel of the brand received
	// the message (the event's ReceivedAt), which starts the regulatory
	// clock, not when a person first read it.
	Aware   time.Time   `json:"aware"`
	Created time.Time   `json:"created"`
	Status  CaseStatus  `json:"status"`
	Serious Seriousness `json:"serious"`
	// Reason is why the case was dismissed, or the note it was confirmed
	// with.
	Reason    string    `json:"reason,omitempty"`
	DecidedBy string    `json:"decided_by,omitempty"`
	Decided   time.Time `json:"decided,omitzero"`
	// Pseudonymized is set when the follower's data was erased and this
	// confirmed case, a legal record, was kept with the follower's
	// identity replaced by a pseudonym.
	Pseudonymized bool `json:"pseudonymized,omitempty"`
}

// Case queues: the team that assesses a case.
const (
	CaseQueueSafety  = "safety"  // drug safety (pharmacovigilance)
	CaseQueueQuality = "quality" // the quality team: product quality complaints
)

// CaseKinds are the flag reasons that open a case, each with the queue
// its cases go to: side effects and every reportable special situation.
var CaseKinds = map[string]string{
	SignalAdverseEvent:     CaseQueueSafety,
	SignalOverdose:         CaseQueueSafety,
	SignalPregnancy:        CaseQueueSafety,
	SignalMedicationError:  CaseQueueSafety,
	SignalMisuse:           CaseQueueSafety,
	SignalLackOfEfficacy:   CaseQueueSafety,
	SignalOffLabel:         CaseQueueSafety,
	SignalQualityComplaint: CaseQueueQuality,
}

// opensCase reports whether a flag of reason opens a case.
func opensCase(reason string) bool {
	_, ok := CaseKinds[reason]
	return ok
}

// FillDefaults gives a case stored before cases had kinds the kind they
// all had: a side effect, critical, for the safety team. A store calls it
// on every case it reads.
func (c *Case) FillDefaults() {
	if c.Kind == "" {
		c.Kind, c.Severity = SignalAdverseEvent, SeverityCritical
	}
	if c.Queue == "" {
		c.Queue = CaseQueueSafety
		if q, ok := CaseKinds[c.Kind]; ok {
			c.Queue = q
		}
	}
}

// CaseStatus is where a case stands.
type CaseStatus string

const (
	CaseOpen      CaseStatus = "open"
	CaseConfirmed CaseStatus = "confirmed"
	CaseDismissed CaseStatus = "dismissed"
)

// Seriousness is whether a case is serious in the regulatory sense.
type Seriousness string

const (
	SeriousUnknown Seriousness = "unknown"
	SeriousYes     Seriousness = "yes"
	SeriousNo      Seriousness = "no"
)

// SeriousReportDays is how many calendar days after awareness a serious
// case must reach the authority.
const SeriousReportDays = 15

// Due is the last calendar day, in loc, on which the case may reach the
// authority, and whether the 15-day clock applies. It applies to serious
// cases and to cases nobody has assessed yet: an unassessed report may be
// serious, and the days pass all the same. A quality complaint is not a
// safety report: no clock.
func (c *Case) Due(loc *time.Location) (time.Time, bool) {
	if c.Serious == SeriousNo || c.Status == CaseDismissed || c.Queue == CaseQueueQuality {
		return time.Time{}, false
	}
	a := c.Aware.In(loc)
	return time.Date(a.Year(), a.Month(), a.Day()+SeriousReportDays, 0, 0, 0, 0, loc), true
}

// DaysLeft is how many calendar days remain until Due, counted in now's
// location: 15 on the day of awareness, 0 on the last day, negative when
// late. ok is false when the clock does not apply.
func (c *Case) DaysLeft(now time.Time) (days int, ok bool) {
	due, ok := c.Due(now.Location())
	if !ok {
		return 0, false
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	// Whole days between two midnights; rounding absorbs a clock change.
	return int(due.Sub(today).Round(24*time.Hour) / (24 * time.Hour)), true
}

// CaseFilter selects cases. Zero fields match all.
type CaseFilter struct {
	Status   CaseStatus
	Follower *FollowerKey
	After    uint64
	Limit    int
}

// CaseStore is the safety cases' part of a transaction.
type CaseStore interface {
	// AddCase assigns c.ID and stores it.
	AddCase(c *Case) error
	// Case returns a case by id; ENOTFOUND when there is none.
	Case(id uint64) (*Case, error)
	// PutCase stores a changed case; it must exist.
	PutCase(c *Case) error
	// DeleteCase removes a case (erasure of a case that is no legal
	// record). Deleting a missing one is not an error.
	DeleteCase(id uint64) error
	// Cases lists cases by id with ID > filter.After.
	Cases(filter CaseFilter) ([]*Case, error)
}

// openCase opens the case of a flag just added in tx, when its reason
// opens one (CaseKinds): the case takes the flag's reason as its kind and
// its severity, and the product and effect of the flag's signal.
func openCase(tx Tx, fl *Flag, ev *Event, a Analysis, f *Follower, now time.Time) error {
	queue, ok := CaseKinds[fl.Reason]
	if !ok {
		return nil
	}
	c := &Case{
		Flag: fl.ID, Kind: fl.Reason, Queue: queue, Severity: fl.Severity,
		Follower: fl.Follower, FollowerName: f.Name, Thread: fl.Thread, MessageID: ev.ID,
		Text: ev.Text, Lang: a.Lang, Aware: ev.ReceivedAt, Created: now, Status: CaseOpen, Serious: SeriousUnknown,
	}
	if c.Aware.IsZero() {
		c.Aware = now
	}
	if c.FollowerName == "" {
		c.FollowerName = ev.From.Name
	}
	for _, s := range a.Signals {
		if s.Name == fl.Reason && (s.Product != "" || s.Effect != "") {
			c.Product, c.Effect = s.Product, s.Effect
			break
		}
	}
	if c.Product == "" && len(a.Products) > 0 {
		c.Product = a.Products[0]
	}
	return tx.AddCase(c)
}

// caseState is what case actions change, as the audit log shows it.
type caseState struct {
	Status  CaseStatus  `json:"status"`
	Serious Seriousness `json:"serious"`
}

func caseTarget(id uint64) string { return fmt.Sprintf("case:%d", id) }

// decideCase changes one case in an audited action.
func (s *Actions) decideCase(ctx context.Context, actor Actor, action string, id uint64, note string, fn func(c *Case) error) error {
	return s.do(ctx, actor, action, caseTarget(id), []Role{RoleSafety}, func(tx *actTx) (change, error) {
		c, err := tx.Case(id)
		if err != nil {
			return change{}, err
		}
		before := caseState{c.Status, c.Serious}
		if err := fn(c); err != nil {
			return change{}, err
		}
		return change{before: before, after: caseState{c.Status, c.Serious}, note: note}, tx.PutCase(c)
	})
}

// ConfirmCase records that the report is a case for the safety database.
// A confirmed case is a legal record: erasing the follower keeps it,
// pseudonymized.
func (s *Actions) ConfirmCase(ctx context.Context, actor Actor, id uint64, note string) error {
	note = strings.TrimSpace(note)
	return s.decideCase(ctx, actor, "case.confirm", id, note, func(c *Case) error {
		if c.Status != CaseOpen {
			return Errorf(ECONFLICT, "case %d is %s already", id, c.Status)
		}
		c.Status, c.Reason, c.DecidedBy, c.Decided = CaseConfirmed, note, actor.Name, s.e.now()
		return nil
	})
}

// DismissCase records that the report is not a case, and why.
func (s *Actions) DismissCase(ctx context.Context, actor Actor, id uint64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Errorf(EINVALID, "reason: dismissing a case needs a reason")
	}
	return s.decideCase(ctx, actor, "case.dismiss", id, reason, func(c *Case) error {
		if c.Status != CaseOpen {
			return Errorf(ECONFLICT, "case %d is %s already", id, c.Status)
		}
		c.Status, c.Reason, c.DecidedBy, c.Decided = CaseDismissed, reason, actor.Name, s.e.now()
		return nil
	})
}

// MarkSerious records whether the case is serious, which decides whether
// the 15-day clock applies. It may change while the case is open or
// confirmed (follow-up information), not once it is dismissed.
func (s *Actions) MarkSerious(ctx context.Context, actor Actor, id uint64, serious bool, note string) error {
	return s.decideCase(ctx, actor, "case.serious", id, strings.TrimSpace(note), func(c *Case) error {
		if c.Status == CaseDismissed {
			return Errorf(ECONFLICT, "case %d is dismissed", id)
		}
		c.Serious = SeriousNo
		if serious {
			c.Serious = SeriousYes
		}
		return nil
	})
}

// Cases lists cases for the safety queue. Reading changes nothing, so it
// is not audited.
func (s *Actions) Cases(ctx context.Context, actor Actor, filter CaseFilter) ([]*Case, error) {
	if err := s.may(actor, "list cases", RoleSafety); err != nil {
		return nil, err
	}
	var out []*Case
	err := s.e.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.Cases(filter)
		return err
	})
	return out, err
}

// ExportCases returns the cases' reports, shaped after ICH E2B(R3), for
// the safety database. Handing out reports is audited: they hold health
// data.
func (s *Actions) ExportCases(ctx context.Context, actor Actor, ids ...uint64) ([]CaseReport, error) {
	if len(ids) == 0 {
		return nil, Errorf(EINVALID, "ids: export needs at least one case")
	}
	var out []CaseReport
	target := make([]string, len(ids))
	for i, id := range ids {
		target[i] = caseTarget(id)
	}
	err := s.do(ctx, actor, "case.export", strings.Join(target, ","), []Role{RoleSafety}, func(tx *actTx) (change, error) {
		out = out[:0]
		now := s.e.now()
		for _, id := range ids {
			c, err := tx.Case(id)
			if err != nil {
				return change{}, err
			}
			out = append(out, NewCaseReport(c, now))
		}
		return change{after: map[string]any{"cases": ids}}, nil
	})
	return out, err
}

// may checks a read: the same rule as do's, without an audit entry.
func (s *Actions) may(actor Actor, what string, roles ...Role) error {
	if actor.Name == "" {
		return Errorf(EUNAUTHORIZED, "an action needs the person who does it")
	}
	if !actor.Can(roles...) {
		return Errorf(EFORBIDDEN, "%s may not %s", actor.Name, what)
	}
	return nil
}

// Case returns one case for the safety view, which shows the messages of
// c.Thread beside it. Reading changes nothing, so it is not audited.
func (s *Actions) Case(ctx context.Context, actor Actor, id uint64) (*Case, error) {
	if err := s.may(actor, "see cases", RoleSafety); err != nil {
		return nil, err
	}
	var c *Case
	err := s.e.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.Case(id)
		return err
	})
	return c, err
}
