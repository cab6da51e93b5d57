package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/phoenix-eap/phoenix"
)

const requestColumns = `id, case_id, client_id, organisation_id, consultant_id, contract_id,
	requestor, sessions, request_date, goals, pathway, pathway_other, state, period_start,
	period_end, completed, upcoming, remaining, threshold, submitted_at, received_at, goal_at,
	deadline_at, clinically_supported, approved, reason, decided_at, overdue, allowance`

func scanRequest(row interface{ Scan(...any) error }) (phoenix.Request, error) {
	var r phoenix.Request
	err := row.Scan(&r.ID, &r.CaseID, &r.ClientID, &r.OrganisationID, &r.ConsultantID,
		&r.ContractID, &r.Requestor, &r.Sessions, date{&r.RequestDate}, &r.Goals, &r.Pathway,
		&r.PathwayOther, &r.State, date{&r.Counts.Period.Start}, date{&r.Counts.Period.End},
		&r.Counts.Completed, &r.Counts.Upcoming, &r.Counts.Remaining, &r.Threshold,
		at(&r.SubmittedAt), nullableAt{&r.ReceivedAt}, nullableAt{&r.Goal},
		nullableAt{&r.Deadline}, &r.ClinicallySupported, &r.Approved, &r.Reason,
		nullableAt{&r.DecidedAt}, &r.Overdue, &r.Allowance)
	r.Counts.Requested = r.Sessions
	return r, err
}

// CreateRequest stores a new extra sessions request. A second open request on the case,
// or a second request with the same idempotency key, fails with ECONFLICT.
func (c *Conn) CreateRequest(ctx context.Context, r phoenix.Request, createdBy int64,
	idempotencyKey string) (int64, error) {
	id, err := c.insert(ctx, `INSERT INTO requests (case_id, client_id, organisation_id,
		consultant_id, contract_id, created_by, idempotency_key, requestor, sessions,
		request_date, goals, pathway, pathway_other, state, period_start, period_end,
		completed, upcoming, remaining, threshold, submitted_at, received_at, goal_at,
		deadline_at, allowance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
		?, ?, ?, ?, ?, ?)`, r.CaseID, r.ClientID, r.OrganisationID, r.ConsultantID, r.ContractID,
		createdBy, idempotencyKey, r.Requestor, r.Sessions, dateValue(r.RequestDate), r.Goals,
		r.Pathway, r.PathwayOther, r.State, dateValue(r.Counts.Period.Start),
		dateValue(r.Counts.Period.End), r.Counts.Completed, r.Counts.Upcoming,
		r.Counts.Remaining, r.Threshold, atValue(r.SubmittedAt), optAt(r.ReceivedAt),
		optAt(r.Goal), optAt(r.Deadline), r.Allowance)
	if ce, ok := AsConstraintError(err); ok && ce.Kind == UniqueConstraint {
		// Both databases name the index's columns or the index itself:
		// requests.created_by, requests.idempotency_key or requests_idempotency.
		if strings.Contains(ce.Name, "idempotency") {
			return 0, phoenix.Errorf(phoenix.ECONFLICT, "This form was already submitted; "+
				"the request list shows the request it created.")
		}
		return 0, phoenix.Errorf(phoenix.ECONFLICT, "The case already has an open request.")
	}
	return id, err
}

// Request returns the request with the given ID.
func (c *Conn) Request(ctx context.Context, id int64) (phoenix.Request, error) {
	r, err := scanRequest(c.queryRow(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE id = ?`, id))
	return r, notFound(err, "Request")
}

// LockRequest returns the request and locks its row until the transaction ends.
func (c *Conn) LockRequest(ctx context.Context, id int64) (phoenix.Request, error) {
	r, err := scanRequest(c.queryRow(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE id = ?`+c.d.forUpdate(), id))
	return r, notFound(err, "Request")
}

// RequestByKey returns the request a user created with an idempotency key, or
// ENOTFOUND.
func (c *Conn) RequestByKey(ctx context.Context, userID int64, key string) (phoenix.Request, error) {
	r, err := scanRequest(c.queryRow(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE created_by = ? AND idempotency_key = ?`, userID, key))
	return r, notFound(err, "Request")
}

// OpenRequest returns the case's open request; ok is false when it has none.
func (c *Conn) OpenRequest(ctx context.Context, caseID int64) (r phoenix.Request, ok bool, err error) {
	r, err = scanRequest(c.queryRow(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE case_id = ? AND state IN ('awaiting_clinical_questions',
			'awaiting_clinical_decision', 'awaiting_organisation')`, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// RequestFilter narrows a list of requests. Zero fields do not filter.
type RequestFilter struct {
	CaseID         int64
	ConsultantID   int64
	OrganisationID int64
	States         []phoenix.RequestState
	// OrderByDeadline sorts by deadline, earliest first, instead of newest first.
	OrderByDeadline bool
	// OrderBySubmitted sorts oldest first.
	OrderBySubmitted bool
	Page             Page
}

// Requests returns one page of requests.
func (c *Conn) Requests(ctx context.Context, f RequestFilter) ([]phoenix.Request, error) {
	p := f.Page.normal()
	var w where
	if f.CaseID != 0 {
		w.add("case_id = ?", f.CaseID)
	}
	if f.ConsultantID != 0 {
		w.add("consultant_id = ?", f.ConsultantID)
	}
	if f.OrganisationID != 0 {
		w.add("organisation_id = ?", f.OrganisationID)
	}
	if len(f.States) > 0 {
		list, _ := inList(make([]int64, len(f.States)))
		args := make([]any, len(f.States))
		for i, s := range f.States {
			args[i] = string(s)
		}
		w.add("state IN ("+list+")", args...)
	}
	q := `SELECT ` + requestColumns + ` FROM requests` + w.String()
	switch {
	case f.OrderByDeadline:
		// Requests without a deadline, still in clinical review, come last: SQLite
		// sorts NULL first and PostgreSQL last, so the order is spelled out.
		q += ` ORDER BY deadline_at IS NULL, deadline_at, id`
	case f.OrderBySubmitted:
		q += ` ORDER BY submitted_at, id`
	default:
		q += ` ORDER BY id DESC`
	}
	rows, err := c.query(ctx, q+` LIMIT ? OFFSET ?`, append(w.args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanRequest)
}

// UpdateRequest stores a request's state and the fields its steps set.
func (c *Conn) UpdateRequest(ctx context.Context, r phoenix.Request) error {
	_, err := c.exec(ctx, `UPDATE requests SET state = ?, received_at = ?, goal_at = ?,
		deadline_at = ?, clinically_supported = ?, approved = ?, reason = ?, decided_at = ?,
		overdue = ?, allowance = ? WHERE id = ?`, r.State, optAt(r.ReceivedAt), optAt(r.Goal),
		optAt(r.Deadline), r.ClinicallySupported, r.Approved, r.Reason, optAt(r.DecidedAt),
		r.Overdue, r.Allowance, r.ID)
	return err
}

// CaseReachedClinicalReview reports whether any request on the case was submitted to
// the clinical leaders.
func (c *Conn) CaseReachedClinicalReview(ctx context.Context, caseID int64) (bool, error) {
	var n int
	err := c.queryRow(ctx, `SELECT count(*) FROM clinical_reviews cr
		JOIN requests r ON r.id = cr.request_id WHERE r.case_id = ?`, caseID).Scan(&n)
	return n > 0, err
}
