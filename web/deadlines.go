package web

import (
	"net/http"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

func (s *Server) deadlineRoutes() {
	s.mux.Handle("GET /admin/dashboard", s.page(s.dashboard))
	s.mux.Handle("GET /admin/closures", s.page(s.closures))
	s.mux.Handle("POST /admin/closures", s.page(s.addClosure))
	s.mux.Handle("POST /admin/closures/{id}/delete", s.page(s.deleteClosure))
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	v, err := s.svc.Dashboard(r.Context(), a)
	if err != nil {
		return err
	}
	s.respond(w, r, "dashboard", v, toDashboardJSON(v))
	return nil
}

// closuresPage is the closure days page with the form as typed.
type closuresPage struct {
	View   service.ClosuresView
	Input  service.ClosureInput
	Fields map[string]string
	Error  string
}

func (s *Server) closures(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	v, err := s.svc.Closures(r.Context(), a)
	if err != nil {
		return err
	}
	s.respond(w, r, "closures", closuresPage{View: v}, toClosuresJSON(v))
	return nil
}

func (s *Server) addClosure(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	var in service.ClosureInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	k, err := s.svc.AddClosure(r.Context(), a, in)
	if err != nil {
		if wantsJSON(r) || isJSONBody(r) || phoenix.ErrorCode(err) != phoenix.EINVALID {
			return err
		}
		v, verr := s.svc.Closures(r.Context(), a)
		if verr != nil {
			return verr
		}
		s.render(w, r, http.StatusUnprocessableEntity, "closures", closuresPage{View: v,
			Input: in, Fields: phoenix.ErrorFields(err), Error: phoenix.ErrorMessage(err)})
		return nil
	}
	redirectOrJSON(w, r, "/admin/closures?flash=Closure+day+added", http.StatusCreated,
		toClosureJSON(k))
	return nil
}

func (s *Server) deleteClosure(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Closure day")
	if err != nil {
		return err
	}
	if err := s.svc.DeleteClosure(r.Context(), a, id); err != nil {
		return err
	}
	redirectOrJSON(w, r, "/admin/closures?flash=Closure+day+deleted", http.StatusOK,
		map[string]any{"id": id, "deleted": true})
	return nil
}

type dashboardRowJSON struct {
	ID            int64      `json:"id"`
	Reference     string     `json:"reference"`
	CaseID        int64      `json:"case_id"`
	CaseReference string     `json:"case_reference"`
	Sessions      int        `json:"sessions"`
	ReceivedAt    *time.Time `json:"received_at"`
	Goal          *time.Time `json:"goal"`
	Deadline      *time.Time `json:"deadline"`
	// GoalDate and DeadlineDate are the last days, local to the organisation.
	GoalDate     string `json:"goal_date"`
	DeadlineDate string `json:"deadline_date"`
	DaysLeft     int    `json:"business_days_left"`
	Overdue      bool   `json:"overdue"`
}

type dashboardGroupJSON struct {
	ID       int64              `json:"id"`
	Name     string             `json:"name"`
	Region   string             `json:"region"`
	TimeZone string             `json:"time_zone"`
	Overdue  int                `json:"overdue"`
	Requests []dashboardRowJSON `json:"requests"`
}

func toDashboardJSON(v service.DashboardView) map[string]any {
	groups := make([]dashboardGroupJSON, len(v.Groups))
	for i, g := range v.Groups {
		rows := make([]dashboardRowJSON, len(g.Rows))
		for j, row := range g.Rows {
			q := row.Request
			rows[j] = dashboardRowJSON{ID: q.ID, Reference: q.Reference(), CaseID: q.CaseID,
				CaseReference: phoenix.CaseReference(q.CaseID), Sessions: q.Sessions,
				ReceivedAt: q.ReceivedAt, Goal: q.Goal, Deadline: q.Deadline,
				GoalDate: row.GoalDate.String(), DeadlineDate: row.DeadlineDate.String(),
				DaysLeft: row.DaysLeft, Overdue: row.Overdue}
		}
		o := g.Organisation
		groups[i] = dashboardGroupJSON{ID: o.ID, Name: o.Name, Region: o.Region,
			TimeZone: o.TimeZone, Overdue: g.Overdue, Requests: rows}
	}
	return map[string]any{"total": v.Total, "overdue": v.Overdue, "organisations": groups}
}

type closureJSON struct {
	ID int64 `json:"id"`
	// OrganisationID is 0, and Organisation empty, for the whole provider.
	OrganisationID int64  `json:"organisation_id"`
	Organisation   string `json:"organisation"`
	Date           string `json:"date"`
	Name           string `json:"name"`
	Past           bool   `json:"past"`
}

func toClosureJSON(k service.ClosureItem) closureJSON {
	return closureJSON{ID: k.ID, OrganisationID: k.OrganisationID,
		Organisation: k.Organisation, Date: k.Day.String(), Name: k.Name, Past: k.Past}
}

func toClosuresJSON(v service.ClosuresView) map[string]any {
	list := func(items []service.ClosureItem) []closureJSON {
		out := make([]closureJSON, len(items))
		for i, k := range items {
			out[i] = toClosureJSON(k)
		}
		return out
	}
	orgs := make([]map[string]any, len(v.Organisations))
	for i, o := range v.Organisations {
		orgs[i] = map[string]any{"id": o.ID, "name": o.Name, "region": o.Region}
	}
	return map[string]any{"upcoming": list(v.Upcoming), "past": list(v.Past),
		"organisations": orgs, "today": v.Today.String()}
}
