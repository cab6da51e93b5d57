package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

// auditRoutes registers the audit log's pages. They only read: no route changes or
// deletes an audit event.
func (s *Server) auditRoutes() {
	s.mux.Handle("GET /admin/audit", s.page(s.auditLog))
	s.mux.Handle("GET /admin/audit/export", s.page(s.exportAudit))
}

func auditQueryOf(r *http.Request) service.AuditQuery {
	q := r.URL.Query()
	return service.AuditQuery{Person: q.Get("person"), Client: q.Get("client"),
		Case: q.Get("case"), From: q.Get("from"), To: q.Get("to")}
}

// encodeAuditQuery returns the search as an escaped query string, for the pager and the
// export link.
func encodeAuditQuery(q service.AuditQuery) template.URL {
	v := url.Values{}
	for k, val := range map[string]string{"person": q.Person, "client": q.Client,
		"case": q.Case, "from": q.From, "to": q.To} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return template.URL(v.Encode()) // url.Values.Encode escapes every value
}

type auditEntryJSON struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	PersonID    int64     `json:"person_id,omitempty"`
	Person      string    `json:"person,omitempty"`
	PersonEmail string    `json:"person_email,omitempty"`
	Action      string    `json:"action"`
	Object      string    `json:"object"`
	ObjectID    int64     `json:"object_id,omitempty"`
	ClientID    int64     `json:"client_id,omitempty"`
	ClientName  string    `json:"client_name,omitempty"`
	CaseID      int64     `json:"case_id,omitempty"`
	CaseRef     string    `json:"case_reference,omitempty"`
	IP          string    `json:"ip"`
	Detail      string    `json:"detail,omitempty"`
}

func toAuditEntryJSON(e service.AuditEntry) auditEntryJSON {
	out := auditEntryJSON{ID: e.ID, At: e.At, PersonID: e.ActorID, Person: e.Person,
		PersonEmail: e.PersonEmail, Action: e.Action, Object: e.Object, ObjectID: e.ObjectID,
		ClientID: e.ClientID, ClientName: e.ClientName, CaseID: e.CaseID, IP: e.IP,
		Detail: e.Detail}
	if e.CaseID != 0 {
		out.CaseRef = phoenix.CaseReference(e.CaseID)
	}
	return out
}

// auditPage is the audit log's search form and one page of results.
type auditPage struct {
	Query   service.AuditQuery
	Encoded template.URL
	Entries []service.AuditEntry
	Page    int
	More    bool
	Fields  map[string]string
	Error   string
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	q := auditQueryOf(r)
	page, n := pageParam(r)
	loc := a.User.Location(fallbackZone)
	entries, err := s.svc.AuditLog(r.Context(), a, q, loc, page)
	if err != nil {
		if wantsJSON(r) || phoenix.ErrorCode(err) != phoenix.EINVALID {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, "audit", auditPage{Query: q,
			Fields: phoenix.ErrorFields(err), Error: phoenix.ErrorMessage(err), Page: 1})
		return nil
	}
	out := make([]auditEntryJSON, len(entries))
	for i, e := range entries {
		out[i] = toAuditEntryJSON(e)
	}
	s.respond(w, r, "audit", auditPage{Query: q, Encoded: encodeAuditQuery(q),
		Entries: entries, Page: n, More: len(entries) == page.Limit},
		map[string]any{"events": out, "page": n, "more": len(entries) == page.Limit})
	return nil
}

// exportAudit streams the search's events as a CSV download. Errors found before the
// first byte is sent get the usual error page. A failure while streaming can only be
// logged, and cuts the file short.
func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	loc := a.User.Location(fallbackZone)
	export, err := s.svc.ExportAudit(r.Context(), a, auditQueryOf(r), loc)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("phoenix-audit-%s.csv", s.svc.Now().In(loc).Format("2006-01-02-1504"))
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Phoenix-Event-Count", fmt.Sprint(export.Count))
	// NOTE: the server's WriteTimeout (60 s, cmd/phoenix) also bounds this download, so
	// a very slow connection can be cut off before the last of up to 100,000 events.
	if err := export.WriteCSV(r.Context(), w); err != nil {
		s.logError(r, fmt.Errorf("streaming the audit export: %w", err))
	}
	return nil
}
