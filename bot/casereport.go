package bot

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"
)

// CaseReport is one case as an individual case safety report, its fields
// named and grouped after the sections of ICH E2B(R3), so the safety team
// can enter it into its safety database field by field. It holds only
// what the channel knows: nothing is invented, and what a person must
// code (MedDRA) is left empty.
type CaseReport struct {
	Case           CaseSummary     `json:"case"`
	Identification ReportID        `json:"c_1_identification"`
	PrimarySource  ReportSource    `json:"c_2_primary_source"`
	Patient        ReportPatient   `json:"d_patient"`
	Reaction       ReportReaction  `json:"e_reaction"`
	Drug           ReportDrug      `json:"g_drug"`
	Narrative      ReportNarrative `json:"h_narrative"`
}

// CaseSummary is the case as the workspace tracks it (not an E2B section).
type CaseSummary struct {
	ID      uint64      `json:"id"`
	Status  CaseStatus  `json:"status"`
	Serious Seriousness `json:"serious"`
	// Due and DaysLeft are the 15-day clock, empty when it does not apply.
	Due      string `json:"due,omitempty"`
	DaysLeft *int   `json:"days_left,omitempty"`
	Thread   string `json:"thread"`
	Message  string `json:"message_id"`
}

// ReportID is section C.1, identification of the case safety report.
type ReportID struct {
	SafetyReportID string `json:"c_1_1_safety_report_id"`
	DateOfCreation string `json:"c_1_2_date_of_creation"`
	TypeOfReport   string `json:"c_1_3_type_of_report"`
	FirstReceived  string `json:"c_1_4_date_first_received"`
	MostRecentInfo string `json:"c_1_5_date_most_recent_information"`
	Expedited      string `json:"c_1_7_expedited"`
}

// ReportSource is section C.2.r, the primary source: the follower who
// wrote, through a channel of the brand.
type ReportSource struct {
	ReporterName  string `json:"c_2_r_1_reporter_name"`
	Qualification string `json:"c_2_r_4_qualification"`
	// QualificationCode is E2B's code for Qualification (5: consumer).
	QualificationCode string `json:"c_2_r_4_qualification_code"`
	Channel           string `json:"c_2_r_channel"`
	Account           string `json:"c_2_r_account"`
}

// ReportPatient is section D, the patient as known: a pseudonymous id
// (the platform's id of the follower) and a name only if one was given.
type ReportPatient struct {
	Name string `json:"d_1_patient_name"`
	ID   string `json:"d_1_1_pseudonymous_id"`
}

// ReportReaction is section E.i, the reaction as reported.
type ReportReaction struct {
	AsReported    string `json:"e_i_1_1a_reaction_as_reported"`
	Language      string `json:"e_i_1_1b_language"`
	MedDRAVersion string `json:"e_i_2_1a_meddra_version"`
	MedDRACode    string `json:"e_i_2_1b_meddra_code"`
	Serious       string `json:"e_i_3_1_serious"`
}

// ReportDrug is section G.k, the suspect product as named.
type ReportDrug struct {
	Role        string `json:"g_k_1_drug_role"`
	ProductName string `json:"g_k_2_2_product_as_reported"`
}

// ReportNarrative is section H, the source text in its language.
type ReportNarrative struct {
	Narrative string `json:"h_1_case_narrative"`
	Language  string `json:"h_5_r_1b_language"`
}

// reportDate is E2B's date and time form (CCYYMMDDHHMMSS), in UTC.
func reportDate(t time.Time) string { return t.UTC().Format("20060102150405") }

// NewCaseReport shapes a case as a report, now being the date it is
// created and the clock's reference (in now's location).
func NewCaseReport(c *Case, now time.Time) CaseReport {
	r := CaseReport{
		Case: CaseSummary{ID: c.ID, Status: c.Status, Serious: c.Serious, Thread: c.Thread.String(), Message: c.MessageID},
		Identification: ReportID{
			SafetyReportID: fmt.Sprintf("engagebot-case-%d", c.ID),
			DateOfCreation: reportDate(now),
			TypeOfReport:   "spontaneous report",
			FirstReceived:  reportDate(c.Aware),
			MostRecentInfo: reportDate(c.Aware),
			Expedited:      string(c.Serious),
		},
		PrimarySource: ReportSource{
			ReporterName:      c.FollowerName,
			Qualification:     "consumer or other non health professional",
			QualificationCode: "5",
			Channel:           c.Thread.Platform,
			Account:           c.Thread.Account,
		},
		Patient:   ReportPatient{Name: c.FollowerName, ID: c.Follower.String()},
		Reaction:  ReportReaction{AsReported: c.Effect, Language: c.Lang, Serious: string(c.Serious)},
		Drug:      ReportDrug{Role: "suspect", ProductName: c.Product},
		Narrative: ReportNarrative{Narrative: c.Text, Language: c.Lang},
	}
	if due, ok := c.Due(now.Location()); ok {
		days, _ := c.DaysLeft(now)
		r.Case.Due, r.Case.DaysLeft = due.Format(time.DateOnly), &days
	}
	return r
}

// caseColumns are the CSV columns, in order, with each one's value.
var caseColumns = []struct {
	name  string
	value func(r *CaseReport) string
}{
	{"case_id", func(r *CaseReport) string { return fmt.Sprint(r.Case.ID) }},
	{"case_status", func(r *CaseReport) string { return string(r.Case.Status) }},
	{"case_due", func(r *CaseReport) string { return r.Case.Due }},
	{"case_days_left", func(r *CaseReport) string {
		if r.Case.DaysLeft == nil {
			return ""
		}
		return fmt.Sprint(*r.Case.DaysLeft)
	}},
	{"case_thread", func(r *CaseReport) string { return r.Case.Thread }},
	{"case_message_id", func(r *CaseReport) string { return r.Case.Message }},
	{"c_1_1_safety_report_id", func(r *CaseReport) string { return r.Identification.SafetyReportID }},
	{"c_1_2_date_of_creation", func(r *CaseReport) string { return r.Identification.DateOfCreation }},
	{"c_1_3_type_of_report", func(r *CaseReport) string { return r.Identification.TypeOfReport }},
	{"c_1_4_date_first_received", func(r *CaseReport) string { return r.Identification.FirstReceived }},
	{"c_1_5_date_most_recent_information", func(r *CaseReport) string { return r.Identification.MostRecentInfo }},
	{"c_1_7_expedited", func(r *CaseReport) string { return r.Identification.Expedited }},
	{"c_2_r_1_reporter_name", func(r *CaseReport) string { return r.PrimarySource.ReporterName }},
	{"c_2_r_4_qualification", func(r *CaseReport) string { return r.PrimarySource.Qualification }},
	{"c_2_r_4_qualification_code", func(r *CaseReport) string { return r.PrimarySource.QualificationCode }},
	{"c_2_r_channel", func(r *CaseReport) string { return r.PrimarySource.Channel }},
	{"c_2_r_account", func(r *CaseReport) string { return r.PrimarySource.Account }},
	{"d_1_patient_name", func(r *CaseReport) string { return r.Patient.Name }},
	{"d_1_1_pseudonymous_id", func(r *CaseReport) string { return r.Patient.ID }},
	{"e_i_1_1a_reaction_as_reported", func(r *CaseReport) string { return r.Reaction.AsReported }},
	{"e_i_1_1b_language", func(r *CaseReport) string { return r.Reaction.Language }},
	{"e_i_2_1a_meddra_version", func(r *CaseReport) string { return r.Reaction.MedDRAVersion }},
	{"e_i_2_1b_meddra_code", func(r *CaseReport) string { return r.Reaction.MedDRACode }},
	{"e_i_3_1_serious", func(r *CaseReport) string { return r.Reaction.Serious }},
	{"g_k_1_drug_role", func(r *CaseReport) string { return r.Drug.Role }},
	{"g_k_2_2_product_as_reported", func(r *CaseReport) string { return r.Drug.ProductName }},
	{"h_1_case_narrative", func(r *CaseReport) string { return r.Narrative.Narrative }},
	{"h_5_r_1b_language", func(r *CaseReport) string { return r.Narrative.Language }},
}

// WriteCaseCSV writes the reports as CSV: a header row, then one row per
// report, with the same fields as the JSON.
func WriteCaseCSV(w io.Writer, reports []CaseReport) error {
	cw := csv.NewWriter(w)
	row := make([]string, len(caseColumns))
	for i, c := range caseColumns {
		row[i] = c.name
	}
	if err := cw.Write(row); err != nil {
		return fmt.Errorf("case csv: %w", err)
	}
	for i := range reports {
		for j, c := range caseColumns {
			row[j] = c.value(&reports[i])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("case csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("case csv: %w", err)
	}
	return nil
}
