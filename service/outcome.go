package service

import (
	"context"
	"fmt"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// outcome is a request's decision with what its messages need.
type outcome struct {
	r         phoenix.Request
	org       phoenix.Organisation
	allowance int
	// byOrganisation is set when the organisation decided, and unset for a request the
	// clinical leaders did not support.
	byOrganisation bool
}

// recordOutcome closes an open request with its outcome, in the caller's transaction,
// which must hold the request's lock (LockRequest). A positive approved approves that
// many sessions and adds them to the case's allowance once; zero declines with reason.
// It records the timeline step and the audit event and queues the outcome emails to
// the consultant and the client. The organisation's decision and a clinical leader's
// "not supported" both call it, so both send the same emails.
func (s *Service) recordOutcome(ctx context.Context, c *store.Conn, r *phoenix.Request,
	approved int, reason string, actor Actor) error {
	if !r.State.Open() {
		return alreadyDecided(*r)
	}
	if approved < 0 || approved > r.Sessions {
		return fmt.Errorf("recording the outcome of %s: %d sessions approved of %d requested",
			r.Reference(), approved, r.Sessions)
	}
	org, err := c.Organisation(ctx, r.OrganisationID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	r.State = phoenix.StateDeclined
	if approved > 0 {
		r.State = phoenix.StateApproved
		r.Allowance += approved
	}
	r.Approved, r.Reason, r.DecidedAt = approved, reason, &now
	if err := c.UpdateRequest(ctx, *r); err != nil {
		return err
	}
	if approved > 0 {
		// The grants_request unique index rejects a second grant for the request.
		err := c.AddGrant(ctx, r.CaseID, r.ClientID, phoenix.DateIn(now, org.Location()),
			approved, r.ID)
		if err != nil {
			return err
		}
	}
	k, err := c.Case(ctx, r.CaseID)
	if err != nil {
		return err
	}
	o := outcome{r: *r, org: org, allowance: k.Allowance,
		byOrganisation: actor.Is(phoenix.RoleReviewer)}

	// Only a request that reached the organisation shows its outcome there.
	err = s.event(ctx, c, r.ID, actor.User.ID, string(r.State), o.timelineText(),
		r.ReceivedAt != nil)
	if err != nil {
		return err
	}
	detail := fmt.Sprintf("%d of %d sessions approved", approved, r.Sessions)
	if approved == 0 {
		detail = "declined"
	}
	if err := s.audit(ctx, c, actor, string(r.State), "request", r.ID, r.ClientID, r.CaseID,
		detail); err != nil {
		return err
	}
	if err := s.emailConsultantOutcome(ctx, c, o); err != nil {
		return err
	}
	return s.emailClientOutcome(ctx, c, o)
}

// timelineText describes the outcome for the request's timeline. It names no person,
// because the organisation can read the step.
func (o outcome) timelineText() string {
	r := o.r
	switch {
	case r.State == phoenix.StateApproved:
		text := fmt.Sprintf("Approved by the organisation: %d of %d sessions requested. "+
			"The case's allowance is now %s.", r.Approved, r.Sessions,
			outcomeSessions(o.allowance))
		if r.Reason != "" {
			text += " Note: " + r.Reason
		}
		return text
	case o.byOrganisation:
		return "Declined by the organisation. Reason: " + r.Reason
	}
	return "Declined: not supported at clinical review. Reason: " + r.Reason
}

// emailConsultantOutcome emails the case's consultant the outcome, with the reason and
// a link to the request's status page.
func (s *Service) emailConsultantOutcome(ctx context.Context, c *store.Conn, o outcome) error {
	r := o.r
	consultant, err := c.User(ctx, r.ConsultantID)
	if err != nil {
		return err
	}
	client, err := c.Client(ctx, r.ClientID)
	if err != nil {
		return err
	}
	about := fmt.Sprintf("%s (%s)", client.Name(), phoenix.CaseReference(r.CaseID))
	var subject, body string
	switch {
	case r.State == phoenix.StateApproved:
		subject = fmt.Sprintf("Extra sessions request %s approved: %d of %d sessions",
			r.Reference(), r.Approved, r.Sessions)
		body = fmt.Sprintf("%s approved %d of the %d extra sessions requested in %s for %s. "+
			"The case's allowance is now %s.", o.org.Name, r.Approved, r.Sessions,
			r.Reference(), about, outcomeSessions(o.allowance))
		if r.Reason != "" {
			body += "\n\nNote from the organisation: " + r.Reason
		}
	case o.byOrganisation:
		subject = fmt.Sprintf("Extra sessions request %s declined", r.Reference())
		body = fmt.Sprintf("%s declined extra sessions request %s for %s.\n\nReason: %s\n\n"+
			"Please talk with the client about the next steps.", o.org.Name, r.Reference(),
			about, r.Reason)
	default:
		subject = fmt.Sprintf("Extra sessions request %s declined at clinical review",
			r.Reference())
		body = fmt.Sprintf("The clinical leaders did not support extra sessions request %s "+
			"for %s, so it was declined and was not sent to %s.\n\nReason: %s\n\n"+
			"Please talk with the client about the next steps.", r.Reference(), about,
			o.org.Name, r.Reason)
	}
	body += "\n\nSee the request's status page: " + s.link(fmt.Sprintf("/requests/%d", r.ID))
	return s.emailUsers(ctx, c, []phoenix.User{consultant}, r.ID, AudienceConsultant, subject,
		body+s.signature())
}

// emailClientOutcome emails the client the outcome and the number of sessions. The
// message carries no clinical detail (no goals, pathway or reason) and does not name
// the client, in case someone else reads their inbox.
func (s *Service) emailClientOutcome(ctx context.Context, c *store.Conn, o outcome) error {
	r := o.r
	client, err := c.Client(ctx, r.ClientID)
	if err != nil {
		return err
	}
	if client.Email == "" {
		return s.event(ctx, c, r.ID, 0, "email", "No outcome email was sent to the client: "+
			"the client has no email address on file.", false)
	}
	subject := fmt.Sprintf("Update on your request for extra sessions (%s)", r.Reference())
	body := fmt.Sprintf("Your request for extra sessions through your Employee Assistance "+
		"Program (reference %s) was not approved. Your consultant will contact you to talk "+
		"about what happens next.", r.Reference())
	if r.State == phoenix.StateApproved {
		subject = fmt.Sprintf("Extra sessions approved (%s)", r.Reference())
		body = fmt.Sprintf("Your request for extra sessions through your Employee Assistance "+
			"Program (reference %s) was approved: %s of the %d requested. Your consultant "+
			"will contact you to arrange them.", r.Reference(), outcomeSessions(r.Approved),
			r.Sessions)
	}
	return s.queueEmail(ctx, c, store.Email{RequestID: r.ID, Audience: AudienceClient,
		To: client.Email, Subject: subject, Body: greet("") + body + s.signature()})
}

// outcomeSessions returns "1 session" or "n sessions".
func outcomeSessions(n int) string {
	if n == 1 {
		return "1 session"
	}
	return fmt.Sprintf("%d sessions", n)
}
