package service

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// AuditQuery is the audit log's search form as typed. Every field is optional.
type AuditQuery struct {
	// Person is an account's email address or ID: the person who acted.
	Person string `json:"person"`
	// Client is a client's ID.
	Client string `json:"client"`
	// Case is an Assist case's reference (ASST-004211) or number.
	Case string `json:"case"`
	// From and To are the first and last dates (YYYY-MM-DD) of the range, in the
	// viewer's time zone.
	From string `json:"from"`
	To   string `json:"to"`
}

// AuditEntry is an audit event with the names behind its IDs.
type AuditEntry struct {
	phoenix.AuditEvent
	// Person and PersonEmail name who acted; both are empty for Phoenix itself and for
	// failed sign-ins to unknown addresses.
	Person      string
	PersonEmail string
	ClientName  string
}

// auditFilter checks the search form and returns the filter, with dates as the
// instants where they begin and end in loc.
func auditFilter(ctx context.Context, c *store.Conn, q AuditQuery, loc *time.Location) (store.AuditFilter, error) {
	var f store.AuditFilter
	var v phoenix.Validation
	if p := strings.TrimSpace(q.Person); p != "" {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			f.ActorID = id
		} else if u, _, err := c.UserByEmail(ctx, strings.ToLower(p)); err == nil {
			f.ActorID = u.ID
		} else {
			v.Add("person", "No account has this email address; enter an email address or an account number.")
		}
	}
	if s := strings.TrimSpace(q.Client); s != "" {
		if f.ClientID = positiveID(s); f.ClientID == 0 {
			v.Add("client", "Client must be a client number, such as 1042.")
		}
	}
	if s := strings.TrimSpace(q.Case); s != "" {
		if f.CaseID = positiveID(trimPrefixFold(s, "ASST-")); f.CaseID == 0 {
			v.Add("case", "Case must be a case reference such as ASST-004211, or its number.")
		}
	}
	var from, to phoenix.Date
	from, f.From = auditDay(q.From, "from", loc, 0, &v)
	to, f.To = auditDay(q.To, "to", loc, 1, &v)
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		v.Add("to", "To must be on or after From.")
	}
	return f, v.Err()
}

// auditDay parses a date of the range and returns the instant that begins it, or
// the next day when shift is 1, so that the range includes its last day.
func auditDay(s, field string, loc *time.Location, shift int, v *phoenix.Validation) (phoenix.Date, time.Time) {
	s = strings.TrimSpace(s)
	if s == "" {
		return phoenix.Date{}, time.Time{}
	}
	d, err := phoenix.ParseDate(s)
	if err != nil {
		v.Add(field, "Dates must be real dates in the form YYYY-MM-DD.")
		return phoenix.Date{}, time.Time{}
	}
	return d, d.AddDays(shift).In(loc)
}

func positiveID(s string) int64 {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

func trimPrefixFold(s, prefix string) string {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):]
	}
	return s
}

// AuditLog returns one page of the audit events that match the search, newest first.
// Administrators only.
func (s *Service) AuditLog(ctx context.Context, a Actor, q AuditQuery, loc *time.Location,
	page store.Page) ([]AuditEntry, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return nil, forbidden()
	}
	c := s.db.Conn()
	f, err := auditFilter(ctx, c, q, loc)
	if err != nil {
		return nil, err
	}
	f.Page = page
	events, err := c.Audit(ctx, f)
	if err != nil {
		return nil, err
	}
	return auditEntries(ctx, c, events)
}

// auditEntries adds the names of the people and clients the events refer to.
func auditEntries(ctx context.Context, c *store.Conn, events []phoenix.AuditEvent) ([]AuditEntry, error) {
	userIDs := make([]int64, 0, len(events))
	clientIDs := make([]int64, 0, len(events))
	for _, e := range events {
		userIDs = append(userIDs, e.ActorID)
		clientIDs = append(clientIDs, e.ClientID)
	}
	users, err := c.UsersByID(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	clients, err := c.ClientsByID(ctx, clientIDs)
	if err != nil {
		return nil, err
	}
	out := make([]AuditEntry, len(events))
	for i, e := range events {
		out[i] = AuditEntry{AuditEvent: e, Person: users[e.ActorID].Name,
			PersonEmail: users[e.ActorID].Email}
		if k, ok := clients[e.ClientID]; ok {
			out[i].ClientName = k.Name()
		}
	}
	return out, nil
}

// MaxAuditExport is the maximum number of events in one CSV export. A search that
// matches more is rejected with a request to narrow it, rather than cut short.
const MaxAuditExport = 100_000

// auditExportChunk is how many events each query of an export reads, so that no
// database connection is held while a slow client downloads.
const auditExportChunk = 1000

// AuditExport is a checked audit export, ready to stream.
type AuditExport struct {
	svc    *Service
	filter store.AuditFilter
	loc    *time.Location
	// Count is the number of events the export holds.
	Count int
}

// ExportAudit checks an export of the audit events that match the search and records
// it in the audit log. The export holds the events recorded before this call, so
// that events appended while it streams neither push older ones out nor join it.
// Administrators only.
func (s *Service) ExportAudit(ctx context.Context, a Actor, q AuditQuery, loc *time.Location) (*AuditExport, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return nil, forbidden()
	}
	c := s.db.Conn()
	f, err := auditFilter(ctx, c, q, loc)
	if err != nil {
		return nil, err
	}
	if now := s.clock.Now(); f.To.IsZero() || f.To.After(now) {
		f.To = now
	}
	n, err := c.CountAudit(ctx, f)
	if err != nil {
		return nil, err
	}
	if n > MaxAuditExport {
		return nil, phoenix.Errorf(phoenix.EINVALID, "The search matches %d events; an "+
			"export holds at most %d. Narrow it, for example to a shorter date range.",
			n, MaxAuditExport)
	}
	err = s.audit(ctx, c, a, "export", "audit_log", 0, f.ClientID, f.CaseID,
		fmt.Sprintf("%d events; search: %s", n, describeQuery(q)))
	if err != nil {
		return nil, err
	}
	return &AuditExport{svc: s, filter: f, loc: loc, Count: n}, nil
}

func describeQuery(q AuditQuery) string {
	var parts []string
	for _, p := range [][2]string{{"person", q.Person}, {"client", q.Client},
		{"case", q.Case}, {"from", q.From}, {"to", q.To}} {
		if v := strings.TrimSpace(p[1]); v != "" {
			parts = append(parts, p[0]+" "+v)
		}
	}
	if len(parts) == 0 {
		return "everything"
	}
	return strings.Join(parts, ", ")
}

// auditCSVHeader names the export's columns.
var auditCSVHeader = []string{"event_id", "time", "person_id", "person", "person_email",
	"action", "object", "object_id", "client_id", "client", "case", "ip", "detail"}

// WriteCSV streams the export as CSV, newest first, reading the events in chunks.
func (e *AuditExport) WriteCSV(ctx context.Context, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(auditCSVHeader); err != nil {
		return err
	}
	c := e.svc.db.Conn()
	var cursor store.AuditCursor
	for written := 0; written < e.Count; {
		events, err := c.AuditBefore(ctx, e.filter, cursor, min(auditExportChunk, e.Count-written))
		if err != nil {
			return err
		}
		if len(events) == 0 {
			break
		}
		entries, err := auditEntries(ctx, c, events)
		if err != nil {
			return err
		}
		for _, entry := range entries {
			if err := cw.Write(e.row(entry)); err != nil {
				return err
			}
		}
		written += len(events)
		last := events[len(events)-1]
		cursor = store.AuditCursor{At: last.At, ID: last.ID}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (e *AuditExport) row(x AuditEntry) []string {
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	caseRef := ""
	if x.CaseID != 0 {
		caseRef = phoenix.CaseReference(x.CaseID)
	}
	cells := []string{id(x.ID), x.At.In(e.loc).Format(time.RFC3339), id(x.ActorID), x.Person,
		x.PersonEmail, x.Action, x.Object, id(x.ObjectID), id(x.ClientID), x.ClientName,
		caseRef, x.IP, x.Detail}
	for i := range cells {
		cells[i] = CSVSafe(cells[i])
	}
	return cells
}

// CSVSafe guards a cell against formula injection: a spreadsheet runs a cell that
// starts with =, +, -, @, a tab or a carriage return as a formula, so such a cell
// gets a leading apostrophe, which spreadsheets show as text.
func CSVSafe(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}
