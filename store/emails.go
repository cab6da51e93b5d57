package store

import (
	"context"
	"time"
)

// Email is a message in the outbox.
type Email struct {
	ID        int64
	RequestID int64
	// Audience says who the message is for: organisation, consultant, client,
	// clinical_leader or administrator.
	Audience  string
	To        string
	Subject   string
	Body      string
	Status    string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time
}

// Outbox statuses.
const (
	EmailQueued  = "queued"
	EmailSent    = "sent"
	EmailMailbox = "mailbox"
	EmailFailed  = "failed"
)

const emailColumns = `id, coalesce(request_id, 0), audience, to_address, subject, body, status,
	attempts, last_error, created_at, sent_at`

func scanEmail(r interface{ Scan(...any) error }) (Email, error) {
	var e Email
	err := r.Scan(&e.ID, &e.RequestID, &e.Audience, &e.To, &e.Subject, &e.Body, &e.Status,
		&e.Attempts, &e.LastError, at(&e.CreatedAt), nullableAt{&e.SentAt})
	return e, err
}

// CreateEmail queues a message and returns its ID.
func (c *Conn) CreateEmail(ctx context.Context, e Email) (int64, error) {
	return c.insert(ctx, `INSERT INTO emails (request_id, audience, to_address, subject, body,
		status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, nullID(e.RequestID), e.Audience,
		e.To, e.Subject, e.Body, EmailQueued, atValue(e.CreatedAt))
}

// Email returns the message with the given ID.
func (c *Conn) Email(ctx context.Context, id int64) (Email, error) {
	e, err := scanEmail(c.queryRow(ctx, `SELECT `+emailColumns+` FROM emails WHERE id = ?`, id))
	return e, notFound(err, "Email")
}

// LockEmail returns the message and locks its row until the transaction ends.
func (c *Conn) LockEmail(ctx context.Context, id int64) (Email, error) {
	e, err := scanEmail(c.queryRow(ctx, `SELECT `+emailColumns+` FROM emails WHERE id = ?`+
		c.d.forUpdate(), id))
	return e, notFound(err, "Email")
}

// EmailFilter narrows a list of messages. Zero fields do not filter.
type EmailFilter struct {
	RequestID int64
	Status    string
	Page      Page
}

// Emails returns messages, newest first.
func (c *Conn) Emails(ctx context.Context, f EmailFilter) ([]Email, error) {
	p := f.Page.normal()
	var w where
	if f.RequestID != 0 {
		w.add("request_id = ?", f.RequestID)
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	rows, err := c.query(ctx, `SELECT `+emailColumns+` FROM emails`+w.String()+
		` ORDER BY id DESC LIMIT ? OFFSET ?`, append(w.args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEmail)
}

// MarkEmail records the outcome of a delivery attempt.
func (c *Conn) MarkEmail(ctx context.Context, id int64, status, lastError string, attempts int,
	sentAt *time.Time) error {
	_, err := c.exec(ctx, `UPDATE emails SET status = ?, last_error = ?, attempts = ?,
		sent_at = ? WHERE id = ?`, status, lastError, attempts, optAt(sentAt), id)
	return err
}
