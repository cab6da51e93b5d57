package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

func (s *Server) clinicalRoutes() {
	s.mux.Handle("GET /clinical", s.page(s.clinicalQueue))
	s.mux.Handle("GET /clinical/reviews/{id}", s.page(s.clinicalReview))
	s.mux.Handle("POST /clinical/reviews/{id}/decision", s.page(s.clinicalDecide))
	s.mux.Handle("POST /tasks/{id}/clinical-answers", s.page(s.clinicalAnswers))
}

// clinicalTaskPage is the Extra Sessions Clinical Review task page, with the form as
// typed and any messages.
type clinicalTaskPage struct {
	service.ClinicalTaskView
	Input  service.ClinicalInput
	Fields map[string]string
	Error  string
	Risks  []service.Risk
	// Consultants is empty: the case body's Select Consultant form needs the field,
	// and a case with a clinical review always has its consultant.
	Consultants []phoenix.User
}

// clinicalTask shows the Extra Sessions Clinical Review task page.
func (s *Server) clinicalTask(w http.ResponseWriter, r *http.Request, a service.Actor, v service.TaskView) error {
	cv, err := s.svc.ClinicalTask(r.Context(), a, v.Task.ID)
	if err != nil {
		return err
	}
	s.respond(w, r, "clinical_task", clinicalTaskPage{ClinicalTaskView: cv, Input: cv.Draft,
		Risks: service.Risks}, toClinicalTaskJSON(cv))
	return nil
}

func (s *Server) clinicalAnswers(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Task")
	if err != nil {
		return err
	}
	var in service.ClinicalInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	req, err := s.svc.SubmitClinicalAnswers(r.Context(), a, id, in)
	if err != nil {
		code := phoenix.ErrorCode(err)
		if wantsJSON(r) || isJSONBody(r) || (code != phoenix.EINVALID && code != phoenix.ECONFLICT) {
			return err
		}
		cv, verr := s.svc.ClinicalTask(r.Context(), a, id)
		if verr != nil {
			return verr
		}
		s.render(w, r, statusOf(code), "clinical_task", clinicalTaskPage{ClinicalTaskView: cv,
			Input: in, Fields: phoenix.ErrorFields(err), Error: phoenix.ErrorMessage(err),
			Risks: service.Risks})
		return nil
	}
	redirectOrJSON(w, r, fmt.Sprintf("/tasks/%d?flash=%s", id,
		url.QueryEscape("Answers sent to the clinical leaders")), http.StatusOK,
		toRequestJSON(req))
	return nil
}

func (s *Server) clinicalQueue(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	page, n := pageParam(r)
	list, err := s.svc.ClinicalQueue(r.Context(), a, page)
	if err != nil {
		return err
	}
	rows := make([]clinicalQueueJSON, len(list))
	for i, it := range list {
		rows[i] = toClinicalQueueJSON(it)
	}
	s.respond(w, r, "clinical_queue", map[string]any{"Items": list, "Page": n,
		"More": len(list) == page.Limit},
		map[string]any{"reviews": rows, "page": n})
	return nil
}

// clinicalReviewPage is a clinical review's page, with the decision form as typed and
// any messages.
type clinicalReviewPage struct {
	service.ClinicalReviewView
	Input     service.ClinicalDecisionInput
	Fields    map[string]string
	Error     string
	Link      string
	Decisions []service.ClinicalDecision
}

func (s *Server) clinicalReview(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Clinical review")
	if err != nil {
		return err
	}
	v, err := s.svc.ClinicalReview(r.Context(), a, id)
	if err != nil {
		return err
	}
	s.respond(w, r, "clinical_review", clinicalReviewPage{ClinicalReviewView: v,
		Decisions: service.ClinicalDecisions}, toClinicalReviewJSON(v))
	return nil
}

func (s *Server) clinicalDecide(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Clinical review")
	if err != nil {
		return err
	}
	var in service.ClinicalDecisionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	req, err := s.svc.ClinicalDecide(r.Context(), a, id, in)
	if err != nil {
		code := phoenix.ErrorCode(err)
		if wantsJSON(r) || isJSONBody(r) || (code != phoenix.EINVALID && code != phoenix.ECONFLICT) {
			return err
		}
		v, verr := s.svc.ClinicalReview(r.Context(), a, id)
		if verr != nil {
			return verr
		}
		p := clinicalReviewPage{ClinicalReviewView: v, Input: in,
			Fields: phoenix.ErrorFields(err), Error: phoenix.ErrorMessage(err),
			Decisions: service.ClinicalDecisions}
		if e, ok := err.(*phoenix.Error); ok {
			p.Link = e.Link
		}
		s.render(w, r, statusOf(code), "clinical_review", p)
		return nil
	}
	redirectOrJSON(w, r, fmt.Sprintf("/clinical/reviews/%d?flash=%s", id,
		url.QueryEscape(decisionFlash(req))), http.StatusOK,
		toRequestJSON(req))
	return nil
}

// decisionFlash is the message shown after a decision, read from the request's new
// state.
func decisionFlash(r phoenix.Request) string {
	switch r.State {
	case phoenix.StateAwaitingOrganisation:
		return "Supported: the request went to the organisation"
	case phoenix.StateDeclined:
		return "Not supported: the request was declined"
	}
	return "Sent back to the consultant for more information"
}
