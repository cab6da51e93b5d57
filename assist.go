package phoenix

import "time"

// CaseStatus is the state of an Assist case: open or closed.
type CaseStatus string

const (
	CaseOpen   CaseStatus = "open"
	CaseClosed CaseStatus = "closed"
)

// Case is an Assist case: one episode of care for one client.
type Case struct {
	ID             int64
	ClientID       int64
	OrganisationID int64
	// ConsultantID is zero until intake selects a consultant.
	ConsultantID int64
	Status       CaseStatus
	// Allowance is the number of sessions granted so far: the contract's sessions
	// when the case opened plus every approved extra.
	Allowance int
	OpenedOn  Date
	CreatedAt time.Time
}

// Reference returns the case number as screens show it, such as ASST-004211.
func (c Case) Reference() string { return CaseReference(c.ID) }

// TaskKind is the kind of work a task requires.
type TaskKind string

const (
	TaskSelectConsultant     TaskKind = "select_consultant"
	TaskNextSteps            TaskKind = "next_steps"
	TaskWaitingForCompletion TaskKind = "waiting_for_completion"
	TaskClinicalReview       TaskKind = "clinical_review"
)

// Label returns the task's name as screens show it.
func (k TaskKind) Label() string {
	switch k {
	case TaskSelectConsultant:
		return "Select Consultant"
	case TaskNextSteps:
		return "Next Steps"
	case TaskWaitingForCompletion:
		return "Waiting for Appointment Completion"
	case TaskClinicalReview:
		return "Extra Sessions Clinical Review"
	}
	return string(k)
}

// Task is a piece of work on a case, assigned to one user or to every user of a role.
type Task struct {
	ID     int64
	CaseID int64
	Kind   TaskKind
	// AssigneeID is the user who owns the task; zero when AssigneeRole's queue owns it.
	AssigneeID   int64
	AssigneeRole Role
	// RequestID links a clinical review task to its extra sessions request.
	RequestID int64
	// SessionID links a Waiting for Appointment Completion task to its session.
	SessionID int64
	Open      bool
	Note      string
	CreatedAt time.Time
	DoneAt    *time.Time
}

// ActionableBy reports whether u can act on the open task: it carries the flame icon
// for u.
func (t Task) ActionableBy(u User) bool {
	if !t.Open {
		return false
	}
	if t.AssigneeID != 0 {
		return t.AssigneeID == u.ID
	}
	return t.AssigneeRole == u.Role
}
