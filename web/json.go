package web

import (
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

// The JSON shapes of the API for provider staff. Organisation reviewers get their own
// shapes (review.go), which hold none of the client's details.

type sessionJSON struct {
	ID         int64     `json:"id"`
	CaseID     int64     `json:"case_id"`
	CaseRef    string    `json:"case_reference"`
	Consultant int64     `json:"consultant_id"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
	TimeZone   string    `json:"time_zone"`
	Mode       string    `json:"mode"`
	Status     string    `json:"status"`
	ClientName string    `json:"client_name,omitempty"`
}

func toSessionJSON(s phoenix.Session, clientName string) sessionJSON {
	return sessionJSON{ID: s.ID, CaseID: s.CaseID, CaseRef: phoenix.CaseReference(s.CaseID),
		Consultant: s.ConsultantID, StartsAt: s.StartsAt, EndsAt: s.EndsAt(),
		TimeZone: s.TimeZone, Mode: string(s.Mode), Status: string(s.Status),
		ClientName: clientName}
}

type taskJSON struct {
	ID        int64  `json:"id"`
	CaseID    int64  `json:"case_id"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Open      bool   `json:"open"`
	Flame     bool   `json:"flame"`
	RequestID int64  `json:"request_id,omitempty"`
	SessionID int64  `json:"session_id,omitempty"`
	Note      string `json:"note,omitempty"`
}

func toTaskJSON(t service.TaskItem) taskJSON {
	return taskJSON{ID: t.ID, CaseID: t.CaseID, Kind: string(t.Kind), Name: t.Kind.Label(),
		Open: t.Open, Flame: t.Flame, RequestID: t.RequestID, SessionID: t.SessionID,
		Note: t.Note}
}

type countsJSON struct {
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
	Completed   int    `json:"completed"`
	Upcoming    int    `json:"upcoming"`
	Remaining   int    `json:"remaining"`
	Requested   int    `json:"requested"`
	Total       int    `json:"total"`
}

func toCountsJSON(c phoenix.Counts) countsJSON {
	return countsJSON{PeriodStart: c.Period.Start.String(), PeriodEnd: c.Period.End.String(),
		Completed: c.Completed, Upcoming: c.Upcoming, Remaining: c.Remaining,
		Requested: c.Requested, Total: c.Total()}
}

type requestJSON struct {
	ID           int64      `json:"id"`
	Reference    string     `json:"reference"`
	CaseID       int64      `json:"case_id"`
	State        string     `json:"state"`
	StateLabel   string     `json:"state_label"`
	Holder       string     `json:"holder"`
	Requestor    string     `json:"requestor"`
	Sessions     int        `json:"sessions"`
	RequestDate  string     `json:"request_date"`
	Goals        string     `json:"goals"`
	Pathway      string     `json:"pathway"`
	PathwayOther string     `json:"pathway_other,omitempty"`
	Counts       countsJSON `json:"counts"`
	Threshold    int        `json:"clinical_threshold"`
	SubmittedAt  time.Time  `json:"submitted_at"`
	ReceivedAt   *time.Time `json:"received_at,omitempty"`
	Goal         *time.Time `json:"goal,omitempty"`
	Deadline     *time.Time `json:"deadline,omitempty"`
	Supported    bool       `json:"clinically_supported"`
	Approved     int        `json:"approved_sessions,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	Overdue      bool       `json:"overdue"`
}

func toRequestJSON(r phoenix.Request) requestJSON {
	return requestJSON{ID: r.ID, Reference: r.Reference(), CaseID: r.CaseID,
		State: string(r.State), StateLabel: r.State.Label(), Holder: r.State.Holder(),
		Requestor: string(r.Requestor), Sessions: r.Sessions,
		RequestDate: r.RequestDate.String(), Goals: r.Goals, Pathway: string(r.Pathway),
		PathwayOther: r.PathwayOther, Counts: toCountsJSON(r.Counts), Threshold: r.Threshold,
		SubmittedAt: r.SubmittedAt, ReceivedAt: r.ReceivedAt, Goal: r.Goal,
		Deadline: r.Deadline, Supported: r.ClinicallySupported, Approved: r.Approved,
		Reason: r.Reason, DecidedAt: r.DecidedAt, Overdue: r.Overdue}
}

func toRequestsJSON(list []phoenix.Request) []requestJSON {
	out := make([]requestJSON, len(list))
	for i, r := range list {
		out[i] = toRequestJSON(r)
	}
	return out
}

type clientJSON struct {
	ID             int64  `json:"id"`
	OrganisationID int64  `json:"organisation_id"`
	FirstName      string `json:"first_name"`
	LastName       string `json:"last_name"`
	PreferredName  string `json:"preferred_name,omitempty"`
	DateOfBirth    string `json:"date_of_birth"`
	Email          string `json:"email"`
	Phone          string `json:"phone"`
	EmployeeNumber string `json:"employee_number,omitempty"`
	Relation       string `json:"relation"`
}

func toClientJSON(c phoenix.Client) clientJSON {
	return clientJSON{ID: c.ID, OrganisationID: c.OrganisationID, FirstName: c.FirstName,
		LastName: c.LastName, PreferredName: c.PreferredName,
		DateOfBirth: c.DateOfBirth.String(), Email: c.Email, Phone: c.Phone,
		EmployeeNumber: c.EmployeeNumber, Relation: string(c.Relation)}
}

func toCaseJSON(v service.CaseView) map[string]any {
	sessions := make([]sessionJSON, len(v.Sessions))
	for i, s := range v.Sessions {
		sessions[i] = toSessionJSON(s, "")
	}
	tasks := make([]taskJSON, len(v.Tasks))
	for i, t := range v.Tasks {
		tasks[i] = toTaskJSON(t)
	}
	m := map[string]any{
		"id": v.Case.ID, "reference": v.Case.Reference(), "status": v.Case.Status,
		"allowance": v.Case.Allowance, "opened_on": v.Case.OpenedOn.String(),
		"client": toClientJSON(v.Client), "organisation": map[string]any{
			"id": v.Organisation.ID, "name": v.Organisation.Name},
		"counts": toCountsJSON(v.Counts), "sessions": sessions, "tasks": tasks,
		"requests": toRequestsJSON(v.Requests),
	}
	if v.Consultant != nil {
		m["consultant"] = map[string]any{"id": v.Consultant.ID, "name": v.Consultant.Name}
	}
	return m
}

type choiceJSON struct {
	Sessions       int  `json:"sessions"`
	Total          int  `json:"total"`
	ClinicalReview bool `json:"clinical_review"`
}

func toChoicesJSON(choices []service.RequestChoice) []choiceJSON {
	out := make([]choiceJSON, len(choices))
	for i, c := range choices {
		out[i] = choiceJSON{Sessions: c.Sessions, Total: c.Total, ClinicalReview: c.ClinicalReview}
	}
	return out
}
