package service

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/bizday"
	"github.com/phoenix-eap/phoenix/store"
)

// DashboardView is the provider dashboard: the requests that await an organisation's
// outcome, grouped by organisation.
type DashboardView struct {
	// Groups lists the organisations with an overdue request first, then by their
	// earliest goal.
	Groups []DashboardGroup
	// Total and Overdue count the requests over every group.
	Total, Overdue int
}

// DashboardGroup is one organisation's requests: overdue ones first, then by goal.
type DashboardGroup struct {
	Organisation phoenix.Organisation
	Location     *time.Location
	Rows         []DashboardRow
	Overdue      int
}

// DashboardRow is one request awaiting its organisation.
type DashboardRow struct {
	Request phoenix.Request
	// GoalDate and DeadlineDate are the last days of the goal and the deadline, as
	// local dates of the organisation.
	GoalDate, DeadlineDate phoenix.Date
	// DaysLeft is the number of business days from today, in the organisation's
	// zone, to the goal date: 0 when the goal is today, negative once it has passed.
	DaysLeft int
	// Overdue is set once the deadline has passed, even when its timer has not run
	// yet, such as while the job queue is stopped.
	Overdue bool
}

// Dashboard returns the provider dashboard for administrators. It makes three queries
// whatever the number of requests: the requests, the organisations and the closure
// days.
func (s *Service) Dashboard(ctx context.Context, a Actor) (DashboardView, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return DashboardView{}, forbidden()
	}
	c := s.db.Conn()
	requests, err := c.AwaitingOrganisation(ctx)
	if err != nil {
		return DashboardView{}, err
	}
	orgs, err := c.Organisations(ctx)
	if err != nil {
		return DashboardView{}, err
	}
	closures, err := c.Closures(ctx, -1)
	if err != nil {
		return DashboardView{}, err
	}

	byOrg := make(map[int64]*DashboardGroup)
	for _, o := range orgs {
		byOrg[o.ID] = &DashboardGroup{Organisation: o, Location: o.Location()}
	}
	cals := newClosureCalendars(closures)
	now := s.clock.Now()
	var v DashboardView
	for _, r := range requests {
		g, ok := byOrg[r.OrganisationID]
		if !ok || r.Goal == nil || r.Deadline == nil {
			continue
		}
		cal, err := cals.calendar(g.Organisation)
		if err != nil {
			return DashboardView{}, err
		}
		row := dashboardRow(r, g.Location, cal, now)
		g.Rows = append(g.Rows, row)
		if row.Overdue {
			g.Overdue++
		}
	}
	for _, o := range orgs {
		if g := byOrg[o.ID]; len(g.Rows) > 0 {
			slices.SortStableFunc(g.Rows, compareRows)
			v.Groups = append(v.Groups, *g)
			v.Total += len(g.Rows)
			v.Overdue += g.Overdue
		}
	}
	slices.SortStableFunc(v.Groups, func(a, b DashboardGroup) int {
		return compareRows(a.Rows[0], b.Rows[0])
	})
	return v, nil
}

// DaysLate returns the business days since the goal date, for a goal that has passed.
func (r DashboardRow) DaysLate() int { return -r.DaysLeft }

func dashboardRow(r phoenix.Request, loc *time.Location, cal *bizday.Calendar,
	now time.Time) DashboardRow {
	row := DashboardRow{Request: r, GoalDate: lastDay(*r.Goal, loc),
		DeadlineDate: lastDay(*r.Deadline, loc)}
	row.DaysLeft = cal.BusinessDaysBetween(phoenix.DateIn(now, loc), row.GoalDate)
	row.Overdue = r.Overdue || !now.Before(*r.Deadline)
	return row
}

// compareRows puts overdue requests first, then the earliest goal, then the oldest
// request.
func compareRows(a, b DashboardRow) int {
	switch {
	case a.Overdue != b.Overdue:
		if a.Overdue {
			return -1
		}
		return 1
	case !a.Request.Goal.Equal(*b.Request.Goal):
		return a.Request.Goal.Compare(*b.Request.Goal)
	}
	return cmp.Compare(a.Request.ID, b.Request.ID)
}

// lastDay returns the local date that an exclusive end-of-day bound ends.
func lastDay(end time.Time, loc *time.Location) phoenix.Date {
	return phoenix.DateIn(end.Add(-time.Nanosecond), loc)
}

// closureCalendars builds each organisation's calendar from closure days loaded once
// for every organisation, so that a list of many requests reads closures in one query.
type closureCalendars struct {
	provider []bizday.Closure
	byOrg    map[int64][]bizday.Closure
	built    map[int64]*bizday.Calendar
}

func newClosureCalendars(closures []store.Closure) *closureCalendars {
	cc := &closureCalendars{byOrg: map[int64][]bizday.Closure{},
		built: map[int64]*bizday.Calendar{}}
	for _, k := range closures {
		day := bizday.Closure{Date: k.Day, Name: k.Name}
		if k.OrganisationID == 0 {
			cc.provider = append(cc.provider, day)
		} else {
			cc.byOrg[k.OrganisationID] = append(cc.byOrg[k.OrganisationID], day)
		}
	}
	return cc
}

func (cc *closureCalendars) calendar(o phoenix.Organisation) (*bizday.Calendar, error) {
	if cal, ok := cc.built[o.ID]; ok {
		return cal, nil
	}
	region, err := bizday.ParseRegion(o.Region)
	if err != nil {
		return nil, err
	}
	days := append(slices.Clip(cc.provider), cc.byOrg[o.ID]...)
	cal, err := bizday.New(region, days...)
	if err != nil {
		return nil, err
	}
	cc.built[o.ID] = cal
	return cal, nil
}
