package service

import (
	"context"
	"fmt"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// FireTimer acts on a request's timer: at the goal the reviewers get a reminder, and at
// the deadline the request is flagged overdue and administrators get an escalation. A
// request decided or withdrawn first is left alone, and each timer acts once: a timer
// that runs again finds its timeline step and does nothing.
func (s *Service) FireTimer(ctx context.Context, requestID int64, kind TimerKind) error {
	return s.db.InTx(ctx, func(c *store.Conn) error {
		r, err := c.LockRequest(ctx, requestID)
		if err != nil {
			return err
		}
		if r.State != phoenix.StateAwaitingOrganisation {
			return nil
		}
		events, err := c.Events(ctx, r.ID)
		if err != nil {
			return err
		}
		for _, e := range events {
			if e.Kind == string(kind) {
				return nil
			}
		}
		org, err := c.Organisation(ctx, r.OrganisationID)
		if err != nil {
			return err
		}
		switch kind {
		case TimerGoal:
			return s.remind(ctx, c, r, org)
		case TimerDeadline:
			return s.escalate(ctx, c, r, org)
		}
		return fmt.Errorf("unknown timer kind %q", kind)
	})
}

func (s *Service) remind(ctx context.Context, c *store.Conn, r phoenix.Request, org phoenix.Organisation) error {
	loc := org.Location()
	err := s.event(ctx, c, r.ID, 0, string(TimerGoal), fmt.Sprintf(
		"Goal reached without an outcome (due by %s); the reviewers were reminded.",
		formatDue(*r.Goal, loc)), true)
	if err != nil {
		return err
	}
	reviewers, err := c.Users(ctx, phoenix.RoleReviewer, org.ID)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("Reminder: extra sessions request %s is due", r.Reference())
	body := fmt.Sprintf("Extra sessions request %s was due by %s and still awaits your "+
		"organisation's outcome. The latest outcome date is %s.\n\nReview it here: %s",
		r.Reference(), formatDue(*r.Goal, loc), formatDue(*r.Deadline, loc),
		s.link(fmt.Sprintf("/review/requests/%d", r.ID)))
	return s.emailUsers(ctx, c, reviewers, r.ID, AudienceOrganisation, subject, body+s.signature())
}

func (s *Service) escalate(ctx context.Context, c *store.Conn, r phoenix.Request, org phoenix.Organisation) error {
	r.Overdue = true
	if err := c.UpdateRequest(ctx, r); err != nil {
		return err
	}
	loc := org.Location()
	late := s.clock.Now().Sub(*r.Deadline).Round(60e9)
	err := s.event(ctx, c, r.ID, 0, string(TimerDeadline), fmt.Sprintf(
		"Deadline passed without an outcome (latest date %s); escalated to administrators.",
		formatDue(*r.Deadline, loc)), true)
	if err != nil {
		return err
	}
	admins, err := c.Users(ctx, phoenix.RoleAdmin, 0)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("Overdue: extra sessions request %s from %s", r.Reference(), org.Name)
	body := fmt.Sprintf("%s has not given an outcome on extra sessions request %s. Its "+
		"deadline was the end of %s; it is now %s late.\n\nSee the provider dashboard: %s",
		org.Name, r.Reference(), formatDue(*r.Deadline, loc), late,
		s.link("/admin/dashboard"))
	return s.emailUsers(ctx, c, admins, r.ID, AudienceAdministrator, subject, body+s.signature())
}
