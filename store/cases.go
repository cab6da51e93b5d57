package store

import (
	"context"

	"github.com/phoenix-eap/phoenix"
)

const caseColumns = `id, client_id, organisation_id, coalesce(consultant_id, 0), status,
	allowance, opened_on, created_at`

func scanCase(row interface{ Scan(...any) error }) (phoenix.Case, error) {
	var k phoenix.Case
	err := row.Scan(&k.ID, &k.ClientID, &k.OrganisationID, &k.ConsultantID, &k.Status,
		&k.Allowance, date{&k.OpenedOn}, at(&k.CreatedAt))
	return k, err
}

// CreateCase stores a new Assist case and returns its ID.
func (c *Conn) CreateCase(ctx context.Context, k phoenix.Case) (int64, error) {
	return c.insert(ctx, `INSERT INTO cases (client_id, organisation_id, consultant_id, status,
		allowance, opened_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, k.ClientID,
		k.OrganisationID, nullID(k.ConsultantID), k.Status, k.Allowance, dateValue(k.OpenedOn),
		atValue(k.CreatedAt))
}

// Case returns the Assist case with the given ID.
func (c *Conn) Case(ctx context.Context, id int64) (phoenix.Case, error) {
	k, err := scanCase(c.queryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id))
	return k, notFound(err, "Case")
}

// LockCase returns the case and locks its row until the transaction ends, so that two
// transactions that change one case run one after the other.
func (c *Conn) LockCase(ctx context.Context, id int64) (phoenix.Case, error) {
	k, err := scanCase(c.queryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`+
		c.d.forUpdate(), id))
	return k, notFound(err, "Case")
}

// CaseFilter narrows a list of cases.
type CaseFilter struct {
	// ConsultantID keeps one consultant's cases when not zero.
	ConsultantID int64
	// Unassigned keeps the cases that have no consultant yet.
	Unassigned bool
	ClientID   int64
	Page       Page
}

// Cases returns one page of cases, newest first.
func (c *Conn) Cases(ctx context.Context, f CaseFilter) ([]phoenix.Case, error) {
	p := f.Page.normal()
	var w where
	if f.ConsultantID != 0 {
		w.add("consultant_id = ?", f.ConsultantID)
	}
	if f.ClientID != 0 {
		w.add("client_id = ?", f.ClientID)
	}
	if f.Unassigned {
		w.add("consultant_id IS NULL")
	}
	rows, err := c.query(ctx, `SELECT `+caseColumns+` FROM cases`+w.String()+
		` ORDER BY id DESC LIMIT ? OFFSET ?`, append(w.args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCase)
}

// SetCaseConsultant assigns the case to a consultant.
func (c *Conn) SetCaseConsultant(ctx context.Context, caseID, consultantID int64) error {
	_, err := c.exec(ctx, `UPDATE cases SET consultant_id = ? WHERE id = ?`, consultantID, caseID)
	return err
}

// AddGrant records sessions granted on a case and raises its allowance. A grant for a
// request is stored once: a second grant for the same request fails.
func (c *Conn) AddGrant(ctx context.Context, caseID, clientID int64, on phoenix.Date,
	sessions int, requestID int64) error {
	_, err := c.exec(ctx, `INSERT INTO grants (case_id, client_id, granted_on, sessions,
		request_id) VALUES (?, ?, ?, ?, ?)`, caseID, clientID, dateValue(on), sessions,
		nullID(requestID))
	if err != nil {
		return err
	}
	_, err = c.exec(ctx, `UPDATE cases SET allowance = allowance + ? WHERE id = ?`,
		sessions, caseID)
	return err
}

// Grants returns every grant on the client's cases.
func (c *Conn) Grants(ctx context.Context, clientID int64) ([]phoenix.Grant, error) {
	rows, err := c.query(ctx, `SELECT granted_on, sessions FROM grants WHERE client_id = ?`,
		clientID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (phoenix.Grant, error) {
		var g phoenix.Grant
		err := r.Scan(date{&g.Date}, &g.Sessions)
		return g, err
	})
}

// CaseClients returns the client ID of each of the cases.
func (c *Conn) CaseClients(ctx context.Context, caseIDs []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(caseIDs))
	if len(caseIDs) == 0 {
		return out, nil
	}
	in, args := inList(caseIDs)
	rows, err := c.query(ctx, `SELECT id, client_id FROM cases WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, clientID int64
		if err := rows.Scan(&id, &clientID); err != nil {
			return nil, err
		}
		out[id] = clientID
	}
	return out, rows.Err()
}
