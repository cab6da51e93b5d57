package store

import (
	"context"
	"time"

	"github.com/phoenix-eap/phoenix"
)

// Event is one step on a request's timeline.
type Event struct {
	ID        int64
	RequestID int64
	At        time.Time
	Kind      string
	ActorID   int64
	Text      string
	// OrgVisible marks a step that an organisation reviewer may see.
	OrgVisible bool
}

// AddEvent appends a step to a request's timeline.
func (c *Conn) AddEvent(ctx context.Context, e Event) error {
	_, err := c.exec(ctx, `INSERT INTO request_events (request_id, at, kind, actor_id, text,
		org_visible) VALUES (?, ?, ?, ?, ?, ?)`, e.RequestID, atValue(e.At), e.Kind,
		nullID(e.ActorID), e.Text, e.OrgVisible)
	return err
}

// Events returns a request's timeline in order.
func (c *Conn) Events(ctx context.Context, requestID int64) ([]Event, error) {
	rows, err := c.query(ctx, `SELECT id, request_id, at, kind, coalesce(actor_id, 0), text,
		org_visible FROM request_events WHERE request_id = ? ORDER BY id`, requestID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (Event, error) {
		var e Event
		err := r.Scan(&e.ID, &e.RequestID, at(&e.At), &e.Kind, &e.ActorID, &e.Text,
			&e.OrgVisible)
		return e, err
	})
}

// AddAudit appends an audit event.
func (c *Conn) AddAudit(ctx context.Context, e phoenix.AuditEvent) error {
	_, err := c.exec(ctx, `INSERT INTO audit_events (at, actor_id, action, object, object_id,
		client_id, case_id, ip, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, atValue(e.At),
		nullID(e.ActorID), e.Action, e.Object, e.ObjectID, nullID(e.ClientID),
		nullID(e.CaseID), e.IP, e.Detail)
	return err
}

// AuditFilter narrows an audit search. Zero fields do not filter.
type AuditFilter struct {
	ActorID  int64
	ClientID int64
	CaseID   int64
	From, To time.Time
	Page     Page
}

// Audit returns audit events, newest first.
func (c *Conn) Audit(ctx context.Context, f AuditFilter) ([]phoenix.AuditEvent, error) {
	p := f.Page.normal()
	var w where
	if f.ActorID != 0 {
		w.add("actor_id = ?", f.ActorID)
	}
	if f.ClientID != 0 {
		w.add("client_id = ?", f.ClientID)
	}
	if f.CaseID != 0 {
		w.add("case_id = ?", f.CaseID)
	}
	if !f.From.IsZero() {
		w.add("at >= ?", atValue(f.From))
	}
	if !f.To.IsZero() {
		w.add("at < ?", atValue(f.To))
	}
	rows, err := c.query(ctx, `SELECT id, at, coalesce(actor_id, 0), action, object, object_id,
		coalesce(client_id, 0), coalesce(case_id, 0), ip, detail FROM audit_events`+w.String()+
		` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`, append(w.args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (phoenix.AuditEvent, error) {
		var e phoenix.AuditEvent
		err := r.Scan(&e.ID, at(&e.At), &e.ActorID, &e.Action, &e.Object, &e.ObjectID,
			&e.ClientID, &e.CaseID, &e.IP, &e.Detail)
		return e, err
	})
}
