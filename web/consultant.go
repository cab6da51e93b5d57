package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

func (s *Server) consultantRoutes() {
	s.mux.Handle("GET /calendar", s.page(s.calendar))
	s.mux.Handle("GET /sessions/{id}", s.page(s.session))
	s.mux.Handle("POST /sessions/{id}/status", s.page(s.sessionStatus))
	s.mux.Handle("GET /cases", s.page(s.cases))
	s.mux.Handle("POST /cases", s.page(s.openCase))
	s.mux.Handle("GET /cases/{id}", s.page(s.caseDetail))
	s.mux.Handle("POST /cases/{id}/consultant", s.page(s.selectConsultant))
	s.mux.Handle("GET /cases/{id}/sessions/new", s.page(s.bookForm))
	s.mux.Handle("POST /cases/{id}/sessions", s.page(s.book))
	s.mux.Handle("GET /tasks/{id}", s.page(s.task))
}

// pageParam reads the page number of a list from ?page=, starting at 1.
func pageParam(r *http.Request) (store.Page, int) {
	// maxPage keeps the offset far from overflow; no list is that long.
	const size, maxPage = 50, 1_000_000
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		n = 1
	}
	n = min(n, maxPage)
	return store.Page{Limit: size, Offset: (n - 1) * size}, n
}

func (s *Server) calendar(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	q := r.URL.Query()
	var on phoenix.Date
	if d := q.Get("date"); d != "" {
		var err error
		on, err = phoenix.ParseDate(d)
		if err != nil || on.Year < 1900 || on.Year > 2200 {
			return phoenix.Errorf(phoenix.EINVALID,
				"The date %q must be a real date from 1900 to 2200 in the form YYYY-MM-DD.", d)
		}
	}
	consultantID, _ := strconv.ParseInt(q.Get("consultant"), 10, 64)
	week := q.Get("view") != "day"
	v, err := s.svc.Calendar(r.Context(), a, consultantID, on, week)
	if err != nil {
		return err
	}
	days := make([]map[string]any, len(v.Days))
	for i, d := range v.Days {
		items := make([]sessionJSON, len(d.Items))
		for j, it := range d.Items {
			items[j] = toSessionJSON(it.Session, it.ClientName)
		}
		days[i] = map[string]any{"date": d.Date.String(), "sessions": items}
	}
	s.respond(w, r, "calendar", v, map[string]any{"consultant_id": v.Consultant.ID,
		"time_zone": v.Location.String(), "view": map[bool]string{true: "week", false: "day"}[week],
		"today": v.Today.String(), "previous": v.Prev.String(), "next": v.Next.String(),
		"days": days})
	return nil
}

func (s *Server) session(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Appointment")
	if err != nil {
		return err
	}
	v, err := s.svc.Session(r.Context(), a, id)
	if err != nil {
		return err
	}
	m := map[string]any{"session": toSessionJSON(v.Session, v.ClientName),
		"parent_case": v.Case.Reference(), "parent_case_url": fmt.Sprintf("/cases/%d", v.Case.ID),
		"consultant": v.Consultant.Name, "can_change": v.CanChange}
	// The template reads .Err, which only a rejected status change sets.
	s.respond(w, r, "session", sessionPage{SessionView: v}, m)
	return nil
}

type statusInput struct {
	Status string `json:"status"`
}

func (s *Server) sessionStatus(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Appointment")
	if err != nil {
		return err
	}
	var in statusInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	err = s.svc.SetSessionStatus(r.Context(), a, id, phoenix.SessionStatus(in.Status))
	if err != nil {
		if phoenix.ErrorCode(err) == phoenix.EINVALID && !wantsJSON(r) && !isJSONBody(r) {
			v, verr := s.svc.Session(r.Context(), a, id)
			if verr != nil {
				return verr
			}
			s.render(w, r, http.StatusUnprocessableEntity, "session", sessionPage{SessionView: v,
				Err: phoenix.ErrorMessage(err), Status: in.Status})
			return nil
		}
		return err
	}
	redirectOrJSON(w, r, fmt.Sprintf("/sessions/%d?flash=Status+saved", id), http.StatusOK,
		map[string]any{"id": id, "status": in.Status})
	return nil
}

// sessionPage is the appointment page, with the message and the choice of a rejected
// status change.
type sessionPage struct {
	service.SessionView
	Err    string
	Status string
}

func (s *Server) cases(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	page, n := pageParam(r)
	unassigned := r.URL.Query().Get("unassigned") == "1"
	list, err := s.svc.Cases(r.Context(), a, unassigned, page)
	if err != nil {
		return err
	}
	rows := make([]map[string]any, len(list))
	for i, c := range list {
		rows[i] = map[string]any{"id": c.Case.ID, "reference": c.Case.Reference(),
			"client_name": c.ClientName, "consultant": c.Consultant, "status": c.Case.Status,
			"allowance": c.Case.Allowance, "opened_on": c.Case.OpenedOn.String()}
	}
	s.respond(w, r, "cases", map[string]any{"Cases": list, "Page": n,
		"More": len(list) == page.Limit, "Unassigned": unassigned},
		map[string]any{"cases": rows, "page": n})
	return nil
}

type openCaseInput struct {
	ClientID string `json:"client_id"`
}

func (s *Server) openCase(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	var in openCaseInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	clientID, err := strconv.ParseInt(in.ClientID, 10, 64)
	if err != nil {
		return &phoenix.Error{Code: phoenix.EINVALID, Message: "Choose a client.",
			Fields: map[string]string{"client_id": "Client must be chosen from the list."}}
	}
	id, err := s.svc.OpenCase(r.Context(), a, clientID)
	if err != nil {
		return err
	}
	redirectOrJSON(w, r, fmt.Sprintf("/cases/%d", id), http.StatusCreated,
		map[string]any{"id": id, "reference": phoenix.CaseReference(id)})
	return nil
}

func (s *Server) caseDetail(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Case")
	if err != nil {
		return err
	}
	v, err := s.svc.Case(r.Context(), a, id)
	if err != nil {
		return err
	}
	var consultants []phoenix.User
	if a.Is(phoenix.RoleIntake) {
		if consultants, err = s.svc.Consultants(r.Context(), a); err != nil {
			return err
		}
	}
	s.respond(w, r, "case", casePage{CaseView: v, Consultants: consultants}, toCaseJSON(v))
	return nil
}

// casePage is the Assist case page, with the consultants intake may select.
type casePage struct {
	service.CaseView
	Consultants []phoenix.User
	Task        *service.TaskItem
}

type selectConsultantInput struct {
	ConsultantID string `json:"consultant_id"`
}

func (s *Server) selectConsultant(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Case")
	if err != nil {
		return err
	}
	var in selectConsultantInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	consultantID, _ := strconv.ParseInt(in.ConsultantID, 10, 64)
	if err := s.svc.SelectConsultant(r.Context(), a, id, consultantID); err != nil {
		return err
	}
	redirectOrJSON(w, r, fmt.Sprintf("/cases/%d?flash=Consultant+selected", id), http.StatusOK,
		map[string]any{"id": id, "consultant_id": consultantID})
	return nil
}

// bookPage is the booking form with what was typed and any messages.
type bookPage struct {
	Case   service.CaseView
	Input  service.BookingInput
	Fields map[string]string
	Error  string
	// Link points at the open request that blocks the booking, if one does.
	Link string
}

func (s *Server) bookForm(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Case")
	if err != nil {
		return err
	}
	v, err := s.svc.Case(r.Context(), a, id)
	if err != nil {
		return err
	}
	if !v.CanAct || v.Consultant == nil {
		return phoenix.Errorf(phoenix.EFORBIDDEN, "Only the case's consultant and intake book "+
			"sessions, once a consultant is selected.")
	}
	in := service.BookingInput{Mode: string(phoenix.ModeInPerson), Start: "09:00", End: "09:50",
		TimeZone: v.Consultant.TimeZone}
	s.respond(w, r, "book", bookPage{Case: v, Input: in}, map[string]any{"case_id": v.Case.ID,
		"defaults": in, "modes": phoenix.SessionModes})
	return nil
}

func (s *Server) book(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Case")
	if err != nil {
		return err
	}
	var in service.BookingInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sessionID, err := s.svc.BookSession(r.Context(), a, id, in)
	if err != nil {
		code := phoenix.ErrorCode(err)
		if wantsJSON(r) || isJSONBody(r) || (code != phoenix.EINVALID && code != phoenix.ECONFLICT) {
			return err
		}
		v, verr := s.svc.Case(r.Context(), a, id)
		if verr != nil {
			return verr
		}
		p := bookPage{Case: v, Input: in, Fields: phoenix.ErrorFields(err),
			Error: phoenix.ErrorMessage(err)}
		var e *phoenix.Error
		if errors.As(err, &e) {
			p.Link = e.Link
		}
		s.render(w, r, statusOf(code), "book", p)
		return nil
	}
	redirectOrJSON(w, r, fmt.Sprintf("/cases/%d?flash=Session+booked", id), http.StatusCreated,
		map[string]any{"id": sessionID, "case_id": id})
	return nil
}

func (s *Server) task(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Task")
	if err != nil {
		return err
	}
	v, err := s.svc.Task(r.Context(), a, id)
	if err != nil {
		return err
	}
	if v.Task.Kind == phoenix.TaskClinicalReview {
		return s.clinicalTask(w, r, a, v)
	}
	m := toCaseJSON(v.CaseView)
	s.respond(w, r, "task", casePage{CaseView: v.CaseView, Task: &v.Task},
		map[string]any{"task": toTaskJSON(v.Task), "case": m,
			"actions": taskActions(v)})
	return nil
}

// taskActions lists the actions menu of a task page, as the JSON API shows it.
func taskActions(v service.TaskView) []map[string]any {
	if !v.CanAct {
		return []map[string]any{}
	}
	return []map[string]any{{"label": "Add Work", "items": []map[string]string{{
		"label": "Extra Sessions Request",
		"url":   fmt.Sprintf("/cases/%d/requests/new?task=%d", v.Case.ID, v.Task.ID)}}}}
}
