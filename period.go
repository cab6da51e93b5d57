package phoenix

import "slices"

// PeriodMonths is the length of a client's session period.
const PeriodMonths = 12

// CountedSession is the date and status of one of a client's sessions. Date is the
// session's local date in the organisation's time zone, which the caller computes.
type CountedSession struct {
	Date   Date
	Status SessionStatus
}

// Grant is a number of sessions added to the allowance of one of the client's Assist
// cases: the base allowance, dated on the day the case was opened, or an approved
// extra, dated on the day it was approved.
type Grant struct {
	Date     Date
	Sessions int
}

// Period is a client's 12-month period. Start is included and End is excluded.
type Period struct {
	Start, End Date
}

// periodFrom returns the period that begins on start.
func periodFrom(start Date) Period {
	return Period{Start: start, End: start.AddMonthsClamped(PeriodMonths)}
}

// Contains reports whether d falls in p.
func (p Period) Contains(d Date) bool {
	return d.Compare(p.Start) >= 0 && d.Before(p.End)
}

// LastDay returns the last date in p, the day before End.
func (p Period) LastDay() Date { return p.End.AddDays(-1) }

// PeriodFor returns the period that contains the date on.
//
// The first session that starts a period (any status but a cancellation with notice)
// begins the first period, and the first such session on or after a period's end
// begins the next one, so periods may have gaps between them. When no period contains
// on, because the client has no such session before on or the last period ended
// before on, a new period begins on on itself.
func PeriodFor(sessions []CountedSession, on Date) Period {
	p, _ := periodAndPrevious(sessions, on)
	return p
}

// periodAndPrevious returns the period that contains on and the end of the period before
// it, or the zero Date when it is the client's first period.
func periodAndPrevious(sessions []CountedSession, on Date) (Period, Date) {
	starts := make([]Date, 0, len(sessions))
	for _, s := range sessions {
		if s.Status.StartsPeriod() && !s.Date.After(on) {
			starts = append(starts, s.Date)
		}
	}
	slices.SortFunc(starts, Date.Compare)

	// The date of request joins the chain last: it begins a period only when the
	// sessions before it leave it outside every period.
	starts = append(starts, on)

	var current Period
	var previousEnd Date
	for i, d := range starts {
		if i > 0 && current.Contains(d) {
			continue
		}
		if i > 0 {
			previousEnd = current.End
		}
		current = periodFrom(d)
	}
	return current, previousEnd
}

// Counts are a client's session counts in the period that contains a date of request.
type Counts struct {
	Period Period
	// Completed counts completed sessions, late cancellations and did not attend,
	// because each of them uses a session.
	Completed int
	// Upcoming counts sessions still scheduled, including past ones not yet marked
	// completed and those on the date of request.
	Upcoming int
	// Remaining is the allowance not yet used or booked, never below zero.
	Remaining int
	// Requested is the number of extra sessions in the request.
	Requested int
}

// Total returns the sum that decides clinical review.
func (c Counts) Total() int {
	return c.Completed + c.Upcoming + c.Remaining + c.Requested
}

// NeedsClinicalReview reports whether the total reaches the contract's threshold.
func (c Counts) NeedsClinicalReview(threshold int) bool {
	return c.Total() >= threshold
}

// CountSessions counts a client's sessions and allowance in the period that contains
// the date of request on. The sessions and grants are those of all the client's Assist
// cases, in any order, and neither slice is modified.
//
// A grant counts in the period that contains its date. A grant dated outside every
// period, before the client's first period or in a gap between two periods, counts in
// the next period to begin after it, because that is the first period its sessions
// can be used in.
func CountSessions(sessions []CountedSession, grants []Grant, on Date, requested int) Counts {
	period, previousEnd := periodAndPrevious(sessions, on)
	counts := Counts{Period: period, Requested: requested}

	for _, s := range sessions {
		if !period.Contains(s.Date) {
			continue
		}
		switch {
		case s.Status.UsesSession():
			counts.Completed++
		case s.Status == SessionScheduled:
			counts.Upcoming++
		}
	}

	granted := 0
	for _, g := range grants {
		if !g.Date.Before(previousEnd) && g.Date.Before(period.End) {
			granted += g.Sessions
		}
	}
	counts.Remaining = max(0, granted-counts.Completed-counts.Upcoming)
	return counts
}
