package service

import (
	"context"
	"fmt"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// sendToOrganisation hands a request to its organisation: it sets the date received and
// the due dates, emails the organisation's reviewers and schedules the reminder at the
// goal and the escalation at the deadline.
func (s *Service) sendToOrganisation(ctx context.Context, c *store.Conn, r *phoenix.Request,
	org phoenix.Organisation, contract phoenix.Contract) error {
	now := s.clock.Now()
	due, err := s.dueDates(ctx, c, org, contract, now)
	if err != nil {
		return err
	}
	r.State = phoenix.StateAwaitingOrganisation
	r.ReceivedAt, r.Goal, r.Deadline = &now, &due.Goal, &due.Deadline
	if err := c.UpdateRequest(ctx, *r); err != nil {
		return err
	}
	loc := org.Location()
	err = s.event(ctx, c, r.ID, 0, "received", fmt.Sprintf(
		"Received by the organisation; outcome expected by %s.", formatDue(due.Goal, loc)), true)
	if err != nil {
		return err
	}
	reviewers, err := c.Users(ctx, phoenix.RoleReviewer, org.ID)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("Extra sessions request %s awaits your review", r.Reference())
	body := fmt.Sprintf("Extra sessions request %s awaits your organisation's review.\n\n"+
		"Sessions requested: %d\nOutcome due by: %s\nLatest outcome date: %s\n\n"+
		"Review it here: %s\n\nThe request carries no details that identify the client.",
		r.Reference(), r.Sessions, formatDue(due.Goal, loc), formatDue(due.Deadline, loc),
		s.link(fmt.Sprintf("/review/requests/%d", r.ID)))
	err = s.emailUsers(ctx, c, reviewers, r.ID, AudienceOrganisation, subject,
		body+s.signature())
	if err != nil {
		return err
	}
	if err := s.jobs.ScheduleTimer(ctx, c.Tx(), r.ID, TimerGoal, due.Goal); err != nil {
		return err
	}
	return s.jobs.ScheduleTimer(ctx, c.Tx(), r.ID, TimerDeadline, due.Deadline)
}
