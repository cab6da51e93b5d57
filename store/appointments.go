package store

import (
	"context"
	"time"

	"github.com/phoenix-eap/phoenix"
)

const sessionColumns = `id, case_id, consultant_id, starts_at, minutes, time_zone, mode,
	status, updated_at`

func scanSession(row interface{ Scan(...any) error }) (phoenix.Session, error) {
	var s phoenix.Session
	err := row.Scan(&s.ID, &s.CaseID, &s.ConsultantID, at(&s.StartsAt), &s.Minutes,
		&s.TimeZone, &s.Mode, &s.Status, at(&s.UpdatedAt))
	return s, err
}

// CreateSession books an appointment and returns its ID.
func (c *Conn) CreateSession(ctx context.Context, s phoenix.Session, clientID int64) (int64, error) {
	return c.insert(ctx, `INSERT INTO appointments (case_id, client_id, consultant_id,
		starts_at, minutes, time_zone, mode, status, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.CaseID, clientID, s.ConsultantID,
		atValue(s.StartsAt), s.Minutes, s.TimeZone, s.Mode, s.Status, atValue(s.UpdatedAt))
}

// Session returns the appointment with the given ID.
func (c *Conn) Session(ctx context.Context, id int64) (phoenix.Session, error) {
	s, err := scanSession(c.queryRow(ctx, `SELECT `+sessionColumns+` FROM appointments
		WHERE id = ?`, id))
	return s, notFound(err, "Appointment")
}

// SetSessionStatus changes an appointment's status.
func (c *Conn) SetSessionStatus(ctx context.Context, id int64, status phoenix.SessionStatus,
	now time.Time) error {
	_, err := c.exec(ctx, `UPDATE appointments SET status = ?, updated_at = ? WHERE id = ?`,
		status, atValue(now), id)
	return err
}

// ConsultantSessions returns a consultant's appointments that start in [from, to).
func (c *Conn) ConsultantSessions(ctx context.Context, consultantID int64, from, to time.Time) ([]phoenix.Session, error) {
	rows, err := c.query(ctx, `SELECT `+sessionColumns+` FROM appointments
		WHERE consultant_id = ? AND starts_at >= ? AND starts_at < ?
		ORDER BY starts_at, id`, consultantID, atValue(from), atValue(to))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSession)
}

// CaseSessions returns a case's appointments in time order.
func (c *Conn) CaseSessions(ctx context.Context, caseID int64) ([]phoenix.Session, error) {
	rows, err := c.query(ctx, `SELECT `+sessionColumns+` FROM appointments
		WHERE case_id = ? ORDER BY starts_at, id`, caseID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSession)
}

// ClientSessions returns every appointment of a client, on all their cases.
func (c *Conn) ClientSessions(ctx context.Context, clientID int64) ([]phoenix.Session, error) {
	rows, err := c.query(ctx, `SELECT `+sessionColumns+` FROM appointments
		WHERE client_id = ? ORDER BY starts_at, id`, clientID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSession)
}
