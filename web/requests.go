package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

func (s *Server) requestRoutes() {
	s.mux.Handle("GET /cases/{id}/requests/new", s.page(s.requestForm))
	s.mux.Handle("POST /cases/{id}/requests", s.page(s.submitRequest))
	s.mux.Handle("GET /requests", s.page(s.myRequests))
	s.mux.Handle("GET /requests/{id}", s.page(s.requestStatus))
	s.mux.Handle("POST /requests/{id}/withdraw", s.page(s.withdraw))
}

// requestFormPage is the extra sessions request form with what was typed.
type requestFormPage struct {
	Form       service.RequestFormView
	Input      service.RequestInput
	Fields     map[string]string
	Error      string
	Link       string
	TaskID     string
	Requestors []phoenix.Requestor
	Pathways   []phoenix.Pathway
}

func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) requestForm(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Case")
	if err != nil {
		return err
	}
	v, err := s.svc.RequestForm(r.Context(), a, id)
	if err != nil {
		return err
	}
	in := service.RequestInput{Requestor: string(phoenix.RequestorConsultant),
		RequestDate: v.Today.String(), IdempotencyKey: newKey()}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"case_id": v.Case.ID,
			"counts": toCountsJSON(v.Counts), "max_sessions": v.MaxSessions,
			"clinical_threshold": v.Contract.ClinicalThreshold, "today": v.Today.String(),
			"idempotency_key": in.IdempotencyKey, "choices": toChoicesJSON(v.Choices)})
		return nil
	}
	s.render(w, r, http.StatusOK, "request_form", requestFormPage{Form: v, Input: in,
		TaskID: r.URL.Query().Get("task"), Requestors: phoenix.Requestors,
		Pathways: phoenix.Pathways})
	return nil
}

func (s *Server) submitRequest(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Case")
	if err != nil {
		return err
	}
	var in service.RequestInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	req, err := s.svc.SubmitRequest(r.Context(), a, id, in)
	if err != nil {
		code := phoenix.ErrorCode(err)
		if wantsJSON(r) || isJSONBody(r) || (code != phoenix.EINVALID && code != phoenix.ECONFLICT) {
			return err
		}
		v, verr := s.svc.RequestForm(r.Context(), a, id)
		if verr != nil {
			return verr
		}
		p := requestFormPage{Form: v, Input: in, Fields: phoenix.ErrorFields(err),
			Error: phoenix.ErrorMessage(err), TaskID: r.PostFormValue("task"),
			Requestors: phoenix.Requestors, Pathways: phoenix.Pathways}
		var e *phoenix.Error
		if errors.As(err, &e) {
			p.Link = e.Link
		}
		s.render(w, r, statusOf(code), "request_form", p)
		return nil
	}
	redirectOrJSON(w, r, fmt.Sprintf("/requests/%d", req.ID), http.StatusCreated,
		toRequestJSON(req))
	return nil
}

func (s *Server) myRequests(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	page, n := pageParam(r)
	rows, err := s.svc.MyRequests(r.Context(), a, page)
	if err != nil {
		return err
	}
	list := make([]phoenix.Request, len(rows))
	for i, row := range rows {
		list[i] = row.Request
	}
	s.respond(w, r, "requests", map[string]any{"Requests": rows, "Page": n,
		"More": len(rows) == page.Limit},
		map[string]any{"requests": toRequestsJSON(list), "page": n})
	return nil
}

func (s *Server) requestStatus(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Request")
	if err != nil {
		return err
	}
	v, err := s.svc.Request(r.Context(), a, id)
	if err != nil {
		return err
	}
	events := make([]map[string]any, len(v.Events))
	for i, e := range v.Events {
		events[i] = map[string]any{"at": e.At, "kind": e.Kind, "text": e.Text}
	}
	emails := make([]map[string]any, len(v.Emails))
	for i, e := range v.Emails {
		emails[i] = map[string]any{"audience": e.Audience, "subject": e.Subject,
			"status": e.Status, "created_at": e.CreatedAt, "sent_at": e.SentAt}
	}
	s.respond(w, r, "request", v, map[string]any{"request": toRequestJSON(v.Request),
		"case_reference": v.Case.Reference(), "timeline": events, "emails": emails,
		"can_withdraw": v.CanWithdraw})
	return nil
}

type withdrawInput struct {
	Reason string `json:"reason"`
}

func (s *Server) withdraw(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Request")
	if err != nil {
		return err
	}
	var in withdrawInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.Withdraw(r.Context(), a, id, in.Reason); err != nil {
		return err
	}
	redirectOrJSON(w, r, fmt.Sprintf("/requests/%d?flash=Request+withdrawn", id), http.StatusOK,
		map[string]any{"id": id, "state": phoenix.StateWithdrawn})
	return nil
}
