package service

import (
	"context"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// ReviewItem is an extra sessions request as its organisation's reviewers see it. It
// holds only what the organisation may know: no detail of the client, the case or the
// consultant, and no session dates or times, which could be matched against leave
// records.
type ReviewItem struct {
	ID        int64
	Reference string
	// TimeZone is the organisation's, which every date below is local to.
	TimeZone string
	Received phoenix.Date
	Sessions int
	// Used is the sessions completed and upcoming in the client's current 12-month
	// period when the request was submitted.
	Used int
	// Allowance is the sessions granted on the case when the request was submitted,
	// plus this request's own approval. Later grants on the case do not change it.
	Allowance           int
	Goals               string
	Pathway             phoenix.Pathway
	PathwayOther        string
	ClinicallySupported bool
	// Goal is the due date and Deadline the latest outcome date: the last day each
	// includes.
	Goal, Deadline phoenix.Date
	// PastGoal is set on an open request whose due date has passed, and Overdue on one
	// whose deadline has passed.
	PastGoal bool
	Overdue  bool
	State    phoenix.RequestState
	Approved int
	// Reason is the reviewer's reason or note for a decided request. A withdrawn
	// request shows none, since the consultant's reason was written for the provider.
	Reason    string
	DecidedOn phoenix.Date
	// Events are the timeline steps marked visible to the organisation; only the
	// request page fills them.
	Events []ReviewEvent
}

// ReviewEvent is one organisation-visible step of a request's timeline. It carries the
// local date of the step, not its time: a submission made just after a session would
// otherwise give away when the session was.
type ReviewEvent struct {
	On   phoenix.Date
	Text string
}

// Awaiting reports whether the request still awaits the organisation's outcome.
func (r ReviewItem) Awaiting() bool { return r.State == phoenix.StateAwaitingOrganisation }

// ReviewQueue returns the requests awaiting the reviewer's organisation, earliest due
// date first.
func (s *Service) ReviewQueue(ctx context.Context, a Actor, page store.Page) ([]ReviewItem, error) {
	if !a.Is(phoenix.RoleReviewer) {
		return nil, forbidden()
	}
	c := s.db.Conn()
	list, err := c.ReviewQueue(ctx, a.User.OrganisationID, page)
	if err != nil {
		return nil, err
	}
	return s.reviewItems(ctx, c, a, list)
}

// DecidedRequests returns the requests of the reviewer's organisation that were
// approved, declined or withdrawn after they reached it, most recent first.
func (s *Service) DecidedRequests(ctx context.Context, a Actor, page store.Page) ([]ReviewItem, error) {
	if !a.Is(phoenix.RoleReviewer) {
		return nil, forbidden()
	}
	c := s.db.Conn()
	list, err := c.DecidedReviews(ctx, a.User.OrganisationID, page)
	if err != nil {
		return nil, err
	}
	return s.reviewItems(ctx, c, a, list)
}

// ReviewRequest returns a request's page for a reviewer of its organisation, and
// records the view in the audit log. Another organisation's request, and one that has
// not reached the organisation yet, are "not found".
func (s *Service) ReviewRequest(ctx context.Context, a Actor, id int64) (ReviewItem, error) {
	if !a.Is(phoenix.RoleReviewer) {
		return ReviewItem{}, forbidden()
	}
	c := s.db.Conn()
	r, err := c.Request(ctx, id)
	if err != nil {
		return ReviewItem{}, err
	}
	if !reviewable(a, r) {
		return ReviewItem{}, phoenix.NotFound("Request")
	}
	item, err := s.reviewPage(ctx, c, r)
	if err != nil {
		return ReviewItem{}, err
	}
	err = s.audit(ctx, c, a, "view", "request", r.ID, r.ClientID, r.CaseID, "review")
	return item, err
}

// reviewable reports whether a reviewer may see the request: it belongs to their
// organisation and has reached it.
func reviewable(a Actor, r phoenix.Request) bool {
	return a.User.OrganisationID != 0 && r.OrganisationID == a.User.OrganisationID &&
		r.ReceivedAt != nil
}

// reviewPage returns the request with its allowance and its organisation-visible
// timeline.
func (s *Service) reviewPage(ctx context.Context, c *store.Conn, r phoenix.Request) (ReviewItem, error) {
	org, err := c.Organisation(ctx, r.OrganisationID)
	if err != nil {
		return ReviewItem{}, err
	}
	item := s.reviewItem(r, org)
	events, err := c.Events(ctx, r.ID)
	if err != nil {
		return ReviewItem{}, err
	}
	loc := org.Location()
	for _, e := range events {
		if e.OrgVisible {
			item.Events = append(item.Events, ReviewEvent{On: phoenix.DateIn(e.At, loc),
				Text: e.Text})
		}
	}
	return item, nil
}

// reviewItems converts a page of one organisation's requests.
func (s *Service) reviewItems(ctx context.Context, c *store.Conn, a Actor, list []phoenix.Request) ([]ReviewItem, error) {
	org, err := c.Organisation(ctx, a.User.OrganisationID)
	if err != nil {
		return nil, err
	}
	out := make([]ReviewItem, len(list))
	for i, r := range list {
		out[i] = s.reviewItem(r, org)
	}
	return out, nil
}

// reviewItem copies the fields an organisation may see, with its dates local to the
// organisation's time zone.
func (s *Service) reviewItem(r phoenix.Request, org phoenix.Organisation) ReviewItem {
	loc := org.Location()
	item := ReviewItem{ID: r.ID, Reference: r.Reference(), TimeZone: loc.String(),
		Sessions: r.Sessions, Used: r.Counts.Completed + r.Counts.Upcoming,
		Allowance: r.Allowance, Goals: r.Goals, Pathway: r.Pathway,
		PathwayOther: r.PathwayOther, ClinicallySupported: r.ClinicallySupported,
		Overdue: r.Overdue, State: r.State, Approved: r.Approved}
	if r.ReceivedAt != nil {
		item.Received = phoenix.DateIn(*r.ReceivedAt, loc)
	}
	now := s.clock.Now()
	if r.Goal != nil {
		item.Goal = reviewDueDay(*r.Goal, loc)
		item.PastGoal = item.Awaiting() && !now.Before(*r.Goal)
	}
	if r.Deadline != nil {
		item.Deadline = reviewDueDay(*r.Deadline, loc)
		item.Overdue = r.Overdue || item.Awaiting() && !now.Before(*r.Deadline)
	}
	if r.State == phoenix.StateApproved || r.State == phoenix.StateDeclined {
		item.Reason = r.Reason
	}
	if r.DecidedAt != nil {
		item.DecidedOn = phoenix.DateIn(*r.DecidedAt, loc)
	}
	return item
}

// reviewDueDay returns the last local day a due instant includes, since a due instant
// is the end of a business day.
func reviewDueDay(t time.Time, loc *time.Location) phoenix.Date {
	return phoenix.DateIn(t.Add(-time.Nanosecond), loc)
}
