package service

import (
	"context"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/bizday"
	"github.com/phoenix-eap/phoenix/store"
)

// TimerKind names a request's timer.
type TimerKind string

const (
	// TimerGoal fires at the goal: the reviewers get a reminder.
	TimerGoal TimerKind = "goal"
	// TimerDeadline fires at the deadline: administrators get an escalation and the
	// request is flagged overdue.
	TimerDeadline TimerKind = "deadline"
)

// Due holds a request's goal and deadline.
type Due struct {
	Goal, Deadline time.Time
}

// calendar returns the business-day calendar of an organisation with the provider's
// and the organisation's closure days.
func (s *Service) calendar(ctx context.Context, c *store.Conn, org phoenix.Organisation) (*bizday.Calendar, error) {
	region, err := bizday.ParseRegion(org.Region)
	if err != nil {
		return nil, err
	}
	closures, err := c.Closures(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	days := make([]bizday.Closure, len(closures))
	for i, k := range closures {
		days[i] = bizday.Closure{Date: k.Day, Name: k.Name}
	}
	return bizday.New(region, days...)
}

// dueDates returns the goal and deadline of a request that reaches the organisation at
// received, under the contract's numbers of business days.
func (s *Service) dueDates(ctx context.Context, c *store.Conn, org phoenix.Organisation,
	contract phoenix.Contract, received time.Time) (Due, error) {
	cal, err := s.calendar(ctx, c, org)
	if err != nil {
		return Due{}, err
	}
	due, err := bizday.Due(received, org.Location(), cal, contract.GoalDays,
		contract.DeadlineDays)
	return Due{Goal: due.Goal, Deadline: due.Deadline}, err
}

// formatDue shows a due instant as the local date it ends, since a due date is the end
// of a business day.
func formatDue(t time.Time, loc *time.Location) string {
	return t.In(loc).Add(-time.Nanosecond).Format("Monday 2 January 2006")
}
