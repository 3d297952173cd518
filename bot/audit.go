package bot

import "time"

// AuditEntry is one staff action: who did what to which thing, when, and
// the thing before and after. The log is append-only: entries are never
// changed or removed, and never hold a password or a token.
type AuditEntry struct {
	Seq uint64    `json:"seq"` // store-assigned, increasing
	At  time.Time `json:"at"`
	// Actor is who acted: a user's or an API token's name.
	Actor string `json:"actor"`
	// Action is what was done, "<noun>.<verb>": "thread.takeover".
	Action string `json:"action"`
	// Target names what it was done to: "thread:telegram.support/42".
	Target string `json:"target"`
	// Before and After are JSON of what the action changed, as it was and
	// as it became; empty when there was nothing before or after.
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Note is what the person wrote about it (a reason, a sign-off).
	Note string `json:"note,omitempty"`
}

// AuditFilter selects audit entries. Zero fields match all.
type AuditFilter struct {
	Actor string
	// After continues a listing after this Seq.
	After uint64
	Limit int
}

// AuditStore is the audit log's part of a transaction. Write it in the
// same transaction as the change it records (Actions does).
type AuditStore interface {
	// AddAudit assigns e.Seq and appends the entry.
	AddAudit(e *AuditEntry) error
	// AuditLog lists entries with Seq > filter.After, oldest first.
	AuditLog(filter AuditFilter) ([]*AuditEntry, error)
}
