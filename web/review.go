package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

func (s *Server) reviewRoutes() {
	s.mux.Handle("GET /review", s.page(s.reviewQueue))
	s.mux.Handle("GET /review/decided", s.page(s.decidedRequests))
	s.mux.Handle("GET /review/requests/{id}", s.page(s.reviewRequest))
	s.mux.Handle("POST /review/requests/{id}/decision", s.page(s.decide))
}

// reviewListPage is a page of the review queue or of the decided requests.
type reviewListPage struct {
	Items []service.ReviewItem
	// TimeZone is the organisation's, which the dates are local to.
	TimeZone string
	Page     int
	More     bool
}

// reviewRequestPage is a request's page for reviewers with the decision form as typed.
type reviewRequestPage struct {
	Item   service.ReviewItem
	Input  service.DecisionInput
	Fields map[string]string
	Error  string
}

func (s *Server) reviewQueue(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	page, n := pageParam(r)
	list, err := s.svc.ReviewQueue(r.Context(), a, page)
	if err != nil {
		return err
	}
	s.respondReviewList(w, r, "review_queue", list, n, len(list) == page.Limit)
	return nil
}

func (s *Server) decidedRequests(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	page, n := pageParam(r)
	list, err := s.svc.DecidedRequests(r.Context(), a, page)
	if err != nil {
		return err
	}
	s.respondReviewList(w, r, "review_decided", list, n, len(list) == page.Limit)
	return nil
}

func (s *Server) respondReviewList(w http.ResponseWriter, r *http.Request, page string,
	list []service.ReviewItem, n int, more bool) {
	p := reviewListPage{Items: list, Page: n, More: more}
	if len(list) > 0 {
		p.TimeZone = list[0].TimeZone
	}
	items := make([]reviewJSON, len(list))
	for i, item := range list {
		items[i] = toReviewJSON(item)
	}
	s.respond(w, r, page, p, map[string]any{"requests": items, "page": n})
}

func (s *Server) reviewRequest(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Request")
	if err != nil {
		return err
	}
	item, err := s.svc.ReviewRequest(r.Context(), a, id)
	if err != nil {
		return err
	}
	// The number approved starts at every session requested.
	in := service.DecisionInput{Sessions: fmt.Sprint(item.Sessions)}
	s.respond(w, r, "review_request", reviewRequestPage{Item: item, Input: in},
		map[string]any{"request": toReviewJSON(item)})
	return nil
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Request")
	if err != nil {
		return err
	}
	var in service.DecisionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	item, err := s.svc.Decide(r.Context(), a, id, in)
	if err != nil {
		code := phoenix.ErrorCode(err)
		if wantsJSON(r) || isJSONBody(r) || (code != phoenix.EINVALID && code != phoenix.ECONFLICT) {
			return err
		}
		current, verr := s.svc.ReviewRequest(r.Context(), a, id)
		if verr != nil {
			return verr
		}
		s.render(w, r, statusOf(code), "review_request", reviewRequestPage{Item: current,
			Input: in, Fields: phoenix.ErrorFields(err), Error: phoenix.ErrorMessage(err)})
		return nil
	}
	flash := "Declined."
	if item.State == phoenix.StateApproved {
		flash = fmt.Sprintf("Approved %d of %d sessions.", item.Approved, item.Sessions)
	}
	redirectOrJSON(w, r, fmt.Sprintf("/review/requests/%d?flash=%s", id, url.QueryEscape(flash)),
		http.StatusOK, map[string]any{"request": toReviewJSON(item)})
	return nil
}

// reviewJSON is a request as an organisation reviewer's API client receives it. It is
// built from service.ReviewItem only, never from the provider's shapes in json.go, so
// nothing that identifies the client can reach it. Dates are local dates in the
// organisation's time zone.
type reviewJSON struct {
	ID                  int64             `json:"id"`
	Reference           string            `json:"reference"`
	TimeZone            string            `json:"time_zone"`
	DateReceived        string            `json:"date_received"`
	SessionsRequested   int               `json:"sessions_requested"`
	SessionsUsed        int               `json:"sessions_used_this_period"`
	Allowance           int               `json:"allowance"`
	Goals               string            `json:"goals"`
	Pathway             string            `json:"pathway"`
	PathwayLabel        string            `json:"pathway_label"`
	PathwayOther        string            `json:"pathway_other,omitempty"`
	ClinicallySupported bool              `json:"clinically_supported"`
	DueDate             string            `json:"due_date"`
	Deadline            string            `json:"deadline"`
	PastDueDate         bool              `json:"past_due_date"`
	Overdue             bool              `json:"overdue"`
	State               string            `json:"state"`
	StateLabel          string            `json:"state_label"`
	Approved            int               `json:"approved_sessions"`
	Reason              string            `json:"reason,omitempty"`
	DecidedOn           string            `json:"decided_on,omitempty"`
	Timeline            []reviewEventJSON `json:"timeline,omitempty"`
}

type reviewEventJSON struct {
	On   string `json:"on"`
	Text string `json:"text"`
}

func toReviewJSON(item service.ReviewItem) reviewJSON {
	j := reviewJSON{ID: item.ID, Reference: item.Reference, TimeZone: item.TimeZone,
		DateReceived: dateText(item.Received), SessionsRequested: item.Sessions,
		SessionsUsed: item.Used, Allowance: item.Allowance, Goals: item.Goals,
		Pathway: string(item.Pathway), PathwayLabel: item.Pathway.Label(),
		PathwayOther: item.PathwayOther, ClinicallySupported: item.ClinicallySupported,
		DueDate: dateText(item.Goal), Deadline: dateText(item.Deadline),
		PastDueDate: item.PastGoal, Overdue: item.Overdue, State: string(item.State),
		StateLabel: item.State.Label(), Approved: item.Approved, Reason: item.Reason,
		DecidedOn: dateText(item.DecidedOn)}
	for _, e := range item.Events {
		j.Timeline = append(j.Timeline, reviewEventJSON{On: dateText(e.On), Text: e.Text})
	}
	return j
}

// dateText returns a date as YYYY-MM-DD, or "" for the zero date.
func dateText(d phoenix.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
