package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// Stages of the demo cases, chosen by the client's number modulo stageCount.
const (
	stageCount       = 16
	stageUnassigned  = 0 // awaiting Select Consultant
	stageNearLimit   = 1 // ten sessions used: a request of two or more goes to clinical review
	stageThisWeek    = 2 // sessions this week, some awaiting completion
	stageAwaitingOrg = 3 // an open request awaiting the organisation, no sessions left
	stageDeclined    = 4 // a declined request in its history
)

func (g *generator) client(ctx context.Context, c *store.Conn, i int) error {
	orgIdx := i % len(g.orgs)
	org, contract := g.orgs[orgIdx], g.contracts[orgIdx]
	first, last := firstNames[i%len(firstNames)], lastNames[(i*7)%len(lastNames)]
	relation := phoenix.RelationEmployee
	employee := fmt.Sprintf("E%05d", 10000+i*37)
	switch {
	case i%11 == 5:
		relation, employee = phoenix.RelationDependant, ""
	case i%7 == 3:
		relation, employee = phoenix.RelationPartner, ""
	}
	client := phoenix.Client{OrganisationID: org.ID, FirstName: first, LastName: last,
		DateOfBirth: phoenix.Date{Year: 1962 + g.rng.IntN(42),
			Month: time.Month(1 + g.rng.IntN(12)), Day: 1 + g.rng.IntN(28)},
		Email: fmt.Sprintf("%s.%s%d@mail.example", strings.ToLower(first),
			strings.ToLower(strings.ReplaceAll(last, "-", "")), i),
		Phone:          fmt.Sprintf("04%02d %03d %03d", 10+i%90, 100+(i*53)%900, 100+(i*91)%900),
		EmployeeNumber: employee, Relation: relation, CreatedAt: g.now}
	if client.PreferredName == "" && i%9 == 4 {
		client.PreferredName = first[:3]
	}
	var err error
	if client.ID, err = c.CreateClient(ctx, client); err != nil {
		return err
	}

	stage := i % stageCount
	if stage == stageUnassigned {
		return g.unassignedCase(ctx, c, client, contract)
	}
	consultant := g.consultants[i%len(g.consultants)]
	if stage <= stageAwaitingOrg {
		consultant = g.consultants[0]
	}
	return g.assignedCase(ctx, c, client, org, contract, consultant, stage)
}

func (g *generator) unassignedCase(ctx context.Context, c *store.Conn, client phoenix.Client,
	contract phoenix.Contract) error {
	opened := g.monday.AddDays(-g.rng.IntN(4))
	id, err := c.CreateCase(ctx, phoenix.Case{ClientID: client.ID,
		OrganisationID: client.OrganisationID, Status: phoenix.CaseOpen, OpenedOn: opened,
		CreatedAt: opened.In(time.UTC).Add(9 * time.Hour)})
	if err != nil {
		return err
	}
	if err := c.AddGrant(ctx, id, client.ID, opened, contract.SessionsPerPeriod, 0); err != nil {
		return err
	}
	_, err = c.CreateTask(ctx, phoenix.Task{CaseID: id, Kind: phoenix.TaskSelectConsultant,
		AssigneeRole: phoenix.RoleIntake, Open: true, CreatedAt: opened.In(time.UTC)})
	return err
}

// plan is the shape of one demo case: how many sessions lie in the past and how many
// are booked from this week on.
type plan struct {
	past, future int
}

func (g *generator) planFor(stage int, contract phoenix.Contract) plan {
	switch stage {
	case stageNearLimit:
		return plan{past: 10}
	case stageThisWeek:
		return plan{past: 1 + g.rng.IntN(3), future: 2}
	case stageAwaitingOrg:
		return plan{past: contract.SessionsPerPeriod}
	}
	return plan{past: g.rng.IntN(8), future: g.rng.IntN(2)}
}

func (g *generator) assignedCase(ctx context.Context, c *store.Conn, client phoenix.Client,
	org phoenix.Organisation, contract phoenix.Contract, consultant phoenix.User, stage int) error {
	p := g.planFor(stage, contract)
	loc := consultant.Location(time.UTC)
	starts := g.sessionTimes(p, consultant.ID, loc,
		stage == stageThisWeek && consultant.ID == g.consultants[0].ID)
	opened := g.monday.AddDays(-7)
	if len(starts) > 0 {
		opened = phoenix.DateIn(starts[0], loc).AddDays(-3 - g.rng.IntN(10))
	}
	k := phoenix.Case{ClientID: client.ID, OrganisationID: org.ID,
		ConsultantID: consultant.ID, Status: phoenix.CaseOpen, OpenedOn: opened,
		CreatedAt: opened.In(loc).Add(9 * time.Hour)}
	var err error
	if k.ID, err = c.CreateCase(ctx, k); err != nil {
		return err
	}
	if err := c.AddGrant(ctx, k.ID, client.ID, opened, contract.SessionsPerPeriod, 0); err != nil {
		return err
	}
	_, err = c.CreateTask(ctx, phoenix.Task{CaseID: k.ID, Kind: phoenix.TaskNextSteps,
		AssigneeID: consultant.ID, Open: len(starts) == 0, CreatedAt: k.CreatedAt})
	if err != nil {
		return err
	}
	cs := caseSessions{g: g, c: c, k: k, client: client, org: org, contract: contract,
		consultant: consultant, allowance: contract.SessionsPerPeriod}
	for j, at := range starts {
		if err := cs.add(ctx, at, j, stage); err != nil {
			return err
		}
	}
	if stage == stageDeclined {
		if err := cs.historicRequest(ctx, phoenix.StateDeclined, 2); err != nil {
			return err
		}
	}
	if stage == stageAwaitingOrg {
		g.pending = append(g.pending, pendingRequest{caseID: k.ID, consultant: consultant,
			sessions: 4, pathway: phoenix.PathwayContinueEAP,
			goals: "Continue work on managing work-related stress and build a relapse " +
				"prevention plan; review progress with the K10 at session four."})
	}
	return nil
}

// sessionTimes returns the start of each session: the past ones spread back over up
// to eleven months, the future ones from this week on, in the consultant's zone.
func (g *generator) sessionTimes(p plan, consultantID int64, loc *time.Location,
	busyWeek bool) []time.Time {
	var out []time.Time
	day := g.monday.AddDays(-7 - g.rng.IntN(5))
	var past []phoenix.Date
	for range p.past {
		past = append(past, day)
		day = day.AddDays(-(10 + g.rng.IntN(18)))
	}
	for j := len(past) - 1; j >= 0; j-- {
		out = append(out, g.at(consultantID, past[j], loc))
	}
	for j := range p.future {
		d := g.monday.AddDays(j*2 + g.rng.IntN(2))
		if busyWeek {
			d = g.monday.AddDays(j * 3)
		}
		out = append(out, g.at(consultantID, d, loc))
	}
	return out
}

// at returns a weekday session start on the hour, from 9 am to 3 pm local time, that
// the consultant has free: a taken hour moves to the next hour, and a full day to the
// next weekday. Sessions last 50 minutes, so starts on different hours never overlap.
func (g *generator) at(consultantID int64, d phoenix.Date, loc *time.Location) time.Time {
	const firstHour, hours = 9, 7
	taken := g.booked[consultantID]
	if taken == nil {
		taken = map[int64]bool{}
		g.booked[consultantID] = taken
	}
	offset := g.rng.IntN(hours)
	for {
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			d = d.AddDays(1)
		}
		for i := range hours {
			hour := firstHour + (offset+i)%hours
			start := time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, loc)
			if !taken[start.Unix()] {
				taken[start.Unix()] = true
				return start
			}
		}
		d = d.AddDays(1)
	}
}
