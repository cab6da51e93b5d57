package bizday

import (
	"fmt"
	"time"

	"github.com/phoenix-eap/phoenix"
)

// Business-day limits of the review deadlines of an organisation's contract.
const (
	DefaultGoalDays     = 7
	DefaultDeadlineDays = 8
	MaxDueDays          = 30
)

// DueDates are the review deadlines of one extra sessions request.
//
// Goal and Deadline are exclusive bounds: the first instant of the local day after
// GoalDate and DeadlineDate. An outcome recorded at any instant before Goal is on time,
// and at Goal or later it is late. This bound leaves no gap in the last second, as
// 23:59:59 would. It is computed from the next local date with time.Date, so it stays
// at local midnight on days that daylight saving makes 23 or 25 hours long.
type DueDates struct {
	Received     phoenix.Date // day 0: the local date the request reached the organisation
	GoalDate     phoenix.Date // the goalDays-th business day after Received
	DeadlineDate phoenix.Date // the deadlineDays-th business day after Received
	Goal         time.Time
	Deadline     time.Time
}

// Overdue reports whether the deadline has passed at now.
func (d DueDates) Overdue(now time.Time) bool { return !now.Before(d.Deadline) }

// GoalPassed reports whether the goal has passed at now.
func (d DueDates) GoalPassed(now time.Time) bool { return !now.Before(d.Goal) }

// Due computes the goal and deadline of a request that reached the organisation at the
// instant received. The request's day 0 is the date of received in loc, whatever the
// hour and even when that date is a weekend or holiday. The goal is the end of the
// goalDays-th business day after day 0 in loc, and the deadline the end of the
// deadlineDays-th. It returns an EINVALID error when the day counts are out of range or
// loc or cal is nil.
func Due(received time.Time, loc *time.Location, cal *Calendar,
	goalDays, deadlineDays int) (DueDates, error) {
	if err := ValidateDueDays(goalDays, deadlineDays); err != nil {
		return DueDates{}, err
	}
	if loc == nil || cal == nil {
		return DueDates{}, phoenix.Errorf(phoenix.EINVALID,
			"Due dates need the organisation's time zone and holiday calendar.")
	}

	day0 := phoenix.DateIn(received, loc)
	goal := cal.AddBusinessDays(day0, goalDays)
	deadline := cal.AddBusinessDays(day0, deadlineDays)
	return DueDates{
		Received:     day0,
		GoalDate:     goal,
		DeadlineDate: deadline,
		Goal:         EndOfDay(goal, loc),
		Deadline:     EndOfDay(deadline, loc),
	}, nil
}

// EndOfDay returns the exclusive end of d in loc: the first instant of the next day.
func EndOfDay(d phoenix.Date, loc *time.Location) time.Time {
	return d.AddDays(1).In(loc)
}

// ValidateDueDays checks a contract's goal and deadline in business days: the goal must
// be 1 to MaxDueDays and the deadline from the goal to MaxDueDays. The EINVALID error
// names the field and the allowed range.
func ValidateDueDays(goalDays, deadlineDays int) error {
	var v phoenix.Validation
	if goalDays < 1 || goalDays > MaxDueDays {
		v.Add("goal_days", fmt.Sprintf(
			"Goal must be a whole number of business days from 1 to %d.", MaxDueDays))
	}
	if deadlineDays < goalDays || deadlineDays > MaxDueDays {
		v.Add("deadline_days", fmt.Sprintf(
			"Deadline must be a whole number of business days from the goal to %d.", MaxDueDays))
	}
	return v.Err()
}
