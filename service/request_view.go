package service

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// RequestView is a request's status page.
type RequestView struct {
	Request      phoenix.Request
	Case         phoenix.Case
	ClientName   string
	Consultant   phoenix.User
	Organisation phoenix.Organisation
	Events       []store.Event
	Emails       []store.Email
	// CanWithdraw is set while the viewer may withdraw the request.
	CanWithdraw bool
	// ReviewTaskID is the request's clinical review task, if it has one.
	ReviewTaskID int64
}

// loadRequest returns a request whose case the actor may see.
func (s *Service) loadRequest(ctx context.Context, c *store.Conn, a Actor, id int64) (phoenix.Request, phoenix.Case, error) {
	r, err := c.Request(ctx, id)
	if err != nil {
		return r, phoenix.Case{}, err
	}
	k, err := s.loadCase(ctx, c, a, r.CaseID)
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND {
		return r, k, phoenix.NotFound("Request")
	}
	return r, k, err
}

// Request returns a request's status page for provider staff.
func (s *Service) Request(ctx context.Context, a Actor, id int64) (RequestView, error) {
	c := s.db.Conn()
	r, k, err := s.loadRequest(ctx, c, a, id)
	if err != nil {
		return RequestView{}, err
	}
	v := RequestView{Request: r, Case: k}
	client, err := c.Client(ctx, r.ClientID)
	if err != nil {
		return v, err
	}
	v.ClientName = client.Name()
	if v.Consultant, err = c.User(ctx, r.ConsultantID); err != nil {
		return v, err
	}
	if v.Organisation, err = c.Organisation(ctx, r.OrganisationID); err != nil {
		return v, err
	}
	if v.Events, err = c.Events(ctx, r.ID); err != nil {
		return v, err
	}
	if v.Emails, err = c.Emails(ctx, store.EmailFilter{RequestID: r.ID}); err != nil {
		return v, err
	}
	if !a.Is(phoenix.RoleClinicalLeader) {
		for i := range v.Emails {
			if v.Emails[i].Audience == AudienceClinicalLeader {
				hideClinical(&v.Emails[i])
			}
		}
	}
	if t, err := c.RequestTask(ctx, r.ID); err == nil {
		v.ReviewTaskID = t.ID
	}
	v.CanWithdraw = r.State.Open() && canActOnCase(a, k)
	err = s.audit(ctx, c, a, "view", "request", r.ID, r.ClientID, r.CaseID, "")
	return v, err
}

// RequestRow is a request in a list, with its organisation's time zone, in which its
// due dates are local dates.
type RequestRow struct {
	phoenix.Request
	OrgZone *time.Location
}

// MyRequests returns a consultant's requests, or every request for intake and
// administrators, newest first. It makes two queries whatever the page size.
func (s *Service) MyRequests(ctx context.Context, a Actor, page store.Page) ([]RequestRow, error) {
	f := store.RequestFilter{Page: page}
	switch a.User.Role {
	case phoenix.RoleConsultant:
		f.ConsultantID = a.User.ID
	case phoenix.RoleIntake, phoenix.RoleAdmin:
	default:
		return nil, forbidden()
	}
	c := s.db.Conn()
	list, err := c.Requests(ctx, f)
	if err != nil {
		return nil, err
	}
	orgs, err := c.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	zones := make(map[int64]*time.Location, len(orgs))
	for _, o := range orgs {
		zones[o.ID] = o.Location()
	}
	rows := make([]RequestRow, len(list))
	for i, r := range list {
		rows[i] = RequestRow{Request: r, OrgZone: zones[r.OrganisationID]}
		if rows[i].OrgZone == nil {
			rows[i].OrgZone = time.UTC
		}
	}
	return rows, nil
}

// Withdraw withdraws an open request, with a reason, for the case's consultant or
// intake.
func (s *Service) Withdraw(ctx context.Context, a Actor, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	var v Validation
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		v.Add("reason", "Reason is required to withdraw a request.")
	case n > phoenix.MaxReasonLength:
		v.Add("reason", fmt.Sprintf("Reason must be at most %d characters; it has %d.",
			phoenix.MaxReasonLength, n))
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(c *store.Conn) error {
		r, k, err := s.loadRequest(ctx, c, a, id)
		if err != nil {
			return err
		}
		if !canActOnCase(a, k) {
			return forbidden()
		}
		if r, err = c.LockRequest(ctx, id); err != nil {
			return err
		}
		if !r.State.Open() {
			return alreadyDecided(r)
		}
		now := s.clock.Now()
		r.State, r.Reason, r.DecidedAt = phoenix.StateWithdrawn, reason, &now
		if err := c.UpdateRequest(ctx, r); err != nil {
			return err
		}
		if err := c.CloseTasks(ctx, k.ID, phoenix.TaskClinicalReview, 0, now); err != nil {
			return err
		}
		if err := s.event(ctx, c, r.ID, a.User.ID, "withdrawn", "Withdrawn by "+a.User.Name+
			": "+reason, false); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "withdraw", "request", r.ID, r.ClientID, r.CaseID, "")
	})
}

// alreadyDecided is the error for a step on a request that is no longer open.
func alreadyDecided(r phoenix.Request) error {
	outcome := r.State.Label()
	if r.State == phoenix.StateApproved {
		outcome = fmt.Sprintf("approved with %d sessions", r.Approved)
	}
	return phoenix.Errorf(phoenix.ECONFLICT, "%s was already decided: %s.", r.Reference(),
		strings.ToLower(outcome[:1])+outcome[1:])
}
