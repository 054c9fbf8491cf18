package models

import "time"

// Report categories (Mastodon's).
const (
	ReportSpam      = "spam"
	ReportLegal     = "legal"
	ReportViolation = "violation"
	ReportOther     = "other"
)

// Report is a complaint about an account (and some of its statuses), made
// by a local user or received from another server as a Flag. AccountID is
// the reporter: a local account, or the remote server's instance actor.
type Report struct {
	ID              int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt       time.Time `gorm:"not null"`
	UpdatedAt       time.Time `gorm:"not null"`
	AccountID       int64     `gorm:"not null;index"`
	TargetAccountID int64     `gorm:"not null;index"`
	// StatusIDsJSON and RuleIDsJSON hold []int64 / []string as JSON.
	StatusIDsJSON string `gorm:"column:status_ids;type:text;not null;default:'[]'"`
	RuleIDsJSON   string `gorm:"column:rule_ids;type:text;not null;default:'[]'"`
	Category      string `gorm:"type:text;not null;default:'other'"`
	Comment       string `gorm:"type:text;not null;default:''"`
	Forwarded     bool   `gorm:"not null;default:false"`
	// URI is the Flag's id: the one sent (forwarded) or received.
	URI                    string `gorm:"type:text;not null;default:''"`
	AssignedAccountID      *int64
	ActionTakenByAccountID *int64
	ActionTakenAt          *time.Time
}

// Resolved reports whether an admin closed the report.
func (r *Report) Resolved() bool { return r.ActionTakenAt != nil }

// ModerationAction is one line of the audit log: who (AccountID, 0 for the
// command line) did what to which account, domain or report.
type ModerationAction struct {
	ID         int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt  time.Time `gorm:"not null;index"`
	AccountID  int64     `gorm:"not null;default:0"`
	Action     string    `gorm:"type:text;not null"`
	TargetType string    `gorm:"type:text;not null"` // account, domain, report
	TargetID   int64     `gorm:"not null;default:0"`
	Target     string    `gorm:"type:text;not null;default:''"` // acct or domain, as it read then
	Detail     string    `gorm:"type:text;not null;default:''"`
}

// DomainAllow lets a server federate when the instance runs in allow-list
// mode (federation.allowlist_mode).
type DomainAllow struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	Domain    string    `gorm:"type:text;not null;uniqueIndex"`
}

// Domain block severities (Mastodon's names).
const (
	SeverityNoop    = "noop"    // only reject media or reports
	SeveritySilence = "silence" // "limit": kept off public timelines
	SeveritySuspend = "suspend" // nothing in, nothing out, content purged
)

// NotifyModerationWarning tells a user an admin warned or limited them
// (Mastodon's moderation_warning); NotifyReportResolved tells a reporter
// their report was closed (Plaza's own type, left out of the client API
// for clients that do not know it).
const (
	NotifyModerationWarning NotificationType = "moderation_warning"
	NotifyReportResolved    NotificationType = "report_resolved"
)
