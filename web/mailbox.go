package web

import (
	"net/http"
	"time"

	"github.com/phoenix-eap/phoenix/service"
)

func (s *Server) mailboxRoutes() {
	s.mux.Handle("GET /admin/mailbox", s.page(s.mailbox))
	s.mux.Handle("GET /admin/mailbox/{id}", s.page(s.mailboxMessage))
}

// mailboxPage is one page of the outbox.
type mailboxPage struct {
	service.MailboxView
	Statuses []string
	Page     int
	More     bool
}

func (s *Server) mailbox(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	page, n := pageParam(r)
	v, err := s.svc.Mailbox(r.Context(), a, r.URL.Query().Get("status"), page)
	if err != nil {
		return err
	}
	emails := make([]emailJSON, len(v.Emails))
	for i, e := range v.Emails {
		emails[i] = toEmailJSON(e)
	}
	s.respond(w, r, "mailbox", mailboxPage{MailboxView: v, Statuses: service.EmailStatuses,
		Page: n, More: len(v.Emails) == page.Limit},
		map[string]any{"emails": emails, "status": v.Status, "failed": v.Failed, "page": n})
	return nil
}

func (s *Server) mailboxMessage(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Email")
	if err != nil {
		return err
	}
	e, err := s.svc.MailboxMessage(r.Context(), a, id)
	if err != nil {
		return err
	}
	s.respond(w, r, "mailbox_message", e, map[string]any{"email": toEmailJSON(e)})
	return nil
}

// emailJSON is an outbox message with its delivery status, for administrators.
type emailJSON struct {
	ID        int64      `json:"id"`
	RequestID int64      `json:"request_id,omitempty"`
	Audience  string     `json:"audience"`
	To        string     `json:"to"`
	Subject   string     `json:"subject"`
	Status    string     `json:"status"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
	Text      string     `json:"text"`
	LinkNote  string     `json:"link_note,omitempty"`
}

// toEmailJSON returns the message as the service prepared it for administrators, with
// clinical detail and working password links already taken out.
func toEmailJSON(e service.MailboxEmail) emailJSON {
	return emailJSON{ID: e.ID, RequestID: e.RequestID, Audience: e.Audience, To: e.To,
		Subject: e.Subject, Status: e.Status, Attempts: e.Attempts, LastError: e.LastError,
		CreatedAt: e.CreatedAt, SentAt: e.SentAt, Text: e.Body, LinkNote: e.LinkNote}
}
