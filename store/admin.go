package store

import (
	"context"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
)

// DeleteContract removes a version of an organisation's terms. The service allows it
// only for a version that has not yet taken effect, which no request can refer to.
func (c *Conn) DeleteContract(ctx context.Context, orgID, id int64) error {
	res, err := c.exec(ctx, `DELETE FROM contracts WHERE id = ? AND organisation_id = ?`,
		id, orgID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return phoenix.NotFound("Contract")
	}
	return err
}

// LockOrganisation returns an organisation and locks its row until the transaction
// ends.
func (c *Conn) LockOrganisation(ctx context.Context, id int64) (phoenix.Organisation, error) {
	o, err := scanOrganisation(c.queryRow(ctx, `SELECT id, name, region, time_zone, active
		FROM organisations WHERE id = ?`+c.d.forUpdate(), id))
	return o, notFound(err, "Organisation")
}

// clientsLockKey is the PostgreSQL advisory lock key that serialises the transactions
// that add or change clients, chosen at random once.
const clientsLockKey = 7_305_118_204_311

// LockClients makes transactions that add or change clients run one after the other,
// so that two of them cannot both add the same person. SQLite transactions already
// hold the database's write lock (see Open), so only PostgreSQL needs this lock, which
// it releases when the transaction ends.
func (c *Conn) LockClients(ctx context.Context) error {
	if c.d != Postgres {
		return nil
	}
	_, err := c.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(clientsLockKey))
	return err
}

// IdentityKey is the organisation, last name and date of birth of a client, the part
// of a person's identity that the duplicate search looks up. The caller compares the
// first names.
type IdentityKey struct {
	OrganisationID int64
	LastName       string
	DateOfBirth    phoenix.Date
}

// duplicateBatch is how many values one duplicate search sends in an IN list, well
// under both databases' limits on query parameters.
const duplicateBatch = 500

// ClientsByEmail returns the clients whose email address, ignoring case, is one of
// emails.
func (c *Conn) ClientsByEmail(ctx context.Context, emails []string) ([]phoenix.Client, error) {
	var out []phoenix.Client
	for start := 0; start < len(emails); start += duplicateBatch {
		part := emails[start:min(start+duplicateBatch, len(emails))]
		args := make([]any, len(part))
		for i, e := range part {
			args[i] = strings.ToLower(e)
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
		rows, err := c.query(ctx, `SELECT `+clientColumns+` FROM clients
			WHERE lower(email) IN (`+marks+`)`, args...)
		if err != nil {
			return nil, err
		}
		found, err := collect(rows, scanClient)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// ClientsByIdentity returns the clients that may match one of keys: those of a key's
// organisation with one of the dates of birth and, ignoring case, one of the last
// names of that organisation's keys. It may return clients that pair one key's date
// with another's name, so the caller compares each match with its key.
func (c *Conn) ClientsByIdentity(ctx context.Context, keys []IdentityKey) ([]phoenix.Client, error) {
	byOrg := map[int64][]IdentityKey{}
	for _, k := range keys {
		byOrg[k.OrganisationID] = append(byOrg[k.OrganisationID], k)
	}
	var out []phoenix.Client
	for orgID, list := range byOrg {
		for start := 0; start < len(list); start += duplicateBatch {
			found, err := c.clientsByIdentity(ctx, orgID, list[start:min(start+duplicateBatch, len(list))])
			if err != nil {
				return nil, err
			}
			out = append(out, found...)
		}
	}
	return out, nil
}

func (c *Conn) clientsByIdentity(ctx context.Context, orgID int64, keys []IdentityKey) ([]phoenix.Client, error) {
	dates, names := map[phoenix.Date]bool{}, map[string]bool{}
	args := []any{orgID}
	for _, k := range keys {
		if !dates[k.DateOfBirth] {
			dates[k.DateOfBirth] = true
			args = append(args, dateValue(k.DateOfBirth))
		}
	}
	nDates := len(args) - 1
	for _, k := range keys {
		name := strings.ToLower(k.LastName)
		if !names[name] {
			names[name] = true
			args = append(args, name)
		}
	}
	marks := func(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
	rows, err := c.query(ctx, `SELECT `+clientColumns+` FROM clients
		WHERE organisation_id = ? AND date_of_birth IN (`+marks(nDates)+`)
			AND lower(last_name) IN (`+marks(len(names))+`)`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanClient)
}

// insertBatch is how many rows one multi-row INSERT stores: 500 clients use 5,000
// parameters, under SQLite's limit of 32,766 and PostgreSQL's of 65,535.
const insertBatch = 500

// CreateClients stores many clients with multi-row INSERTs and returns their IDs.
func (c *Conn) CreateClients(ctx context.Context, list []phoenix.Client) ([]int64, error) {
	ids := make([]int64, 0, len(list))
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	for start := 0; start < len(list); start += insertBatch {
		part := list[start:min(start+insertBatch, len(list))]
		args := make([]any, 0, len(part)*10)
		for _, k := range part {
			args = append(args, k.OrganisationID, k.FirstName, k.LastName, k.PreferredName,
				dateValue(k.DateOfBirth), k.Email, k.Phone, k.EmployeeNumber, k.Relation,
				atValue(k.CreatedAt))
		}
		values := strings.TrimSuffix(strings.Repeat(row+", ", len(part)), ", ")
		rows, err := c.query(ctx, `INSERT INTO clients (organisation_id, first_name,
			last_name, preferred_name, date_of_birth, email, phone, employee_number,
			relation, created_at) VALUES `+values+` RETURNING id`, args...)
		if err != nil {
			return nil, err
		}
		got, err := collect(rows, func(r interface{ Scan(...any) error }) (int64, error) {
			var id int64
			err := r.Scan(&id)
			return id, err
		})
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// AddAudits appends many audit events with multi-row INSERTs.
func (c *Conn) AddAudits(ctx context.Context, events []phoenix.AuditEvent) error {
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
	for start := 0; start < len(events); start += insertBatch {
		part := events[start:min(start+insertBatch, len(events))]
		args := make([]any, 0, len(part)*9)
		for _, e := range part {
			args = append(args, atValue(e.At), nullID(e.ActorID), e.Action, e.Object,
				e.ObjectID, nullID(e.ClientID), nullID(e.CaseID), e.IP, e.Detail)
		}
		values := strings.TrimSuffix(strings.Repeat(row+", ", len(part)), ", ")
		_, err := c.exec(ctx, `INSERT INTO audit_events (at, actor_id, action, object,
			object_id, client_id, case_id, ip, detail) VALUES `+values, args...)
		if err != nil {
			return err
		}
	}
	return nil
}

func auditWhere(f AuditFilter) where {
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
	return w
}

// CountAudit returns the number of audit events that match the filter. The filter's
// page is ignored.
func (c *Conn) CountAudit(ctx context.Context, f AuditFilter) (int, error) {
	w := auditWhere(f)
	var n int
	err := c.queryRow(ctx, `SELECT count(*) FROM audit_events`+w.String(), w.args...).Scan(&n)
	return n, err
}

// AuditCursor is the position after the last event of one part of a long audit
// listing: events are listed newest first, by instant and then ID.
type AuditCursor struct {
	At time.Time
	ID int64
}

// AuditBefore returns up to limit audit events that match the filter and come after
// the cursor in newest-first order. A zero cursor starts at the newest. Unlike offset
// pages, the parts neither repeat nor skip events when new ones are appended meanwhile.
func (c *Conn) AuditBefore(ctx context.Context, f AuditFilter, after AuditCursor,
	limit int) ([]phoenix.AuditEvent, error) {
	w := auditWhere(f)
	if after.ID != 0 {
		w.add("(at < ? OR (at = ? AND id < ?))", atValue(after.At), atValue(after.At), after.ID)
	}
	rows, err := c.query(ctx, `SELECT id, at, coalesce(actor_id, 0), action, object,
		object_id, coalesce(client_id, 0), coalesce(case_id, 0), ip, detail FROM audit_events`+
		w.String()+` ORDER BY at DESC, id DESC LIMIT ?`, append(w.args, limit)...)
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
