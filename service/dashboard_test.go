package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

func TestDashboardAccess(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		for _, u := range []phoenix.User{f.Consultant, f.Intake, f.Leader, f.Reviewer} {
			_, err := env.Svc.Dashboard(ctx, testenv.Actor(u))
			if got := phoenix.ErrorCode(err); got != phoenix.EFORBIDDEN {
				t.Errorf("Dashboard(%s) = %q (%v), want %q", u.Role, got, err, phoenix.EFORBIDDEN)
			}
		}
		_, err := env.Svc.Dashboard(ctx, testenv.Actor(f.Admin))
		testenv.Must(t, err)
	})
}

// dashboardLine is what the order test compares for each row.
type dashboardLine struct {
	Org      string
	Request  int64
	Goal     string
	Deadline string
	DaysLeft int
	Overdue  bool
}

func dashboardLines(v service.DashboardView) []dashboardLine {
	var out []dashboardLine
	for _, g := range v.Groups {
		for _, row := range g.Rows {
			out = append(out, dashboardLine{Org: g.Organisation.Name, Request: row.Request.ID,
				Goal: row.GoalDate.String(), Deadline: row.DeadlineDate.String(),
				DaysLeft: row.DaysLeft, Overdue: row.Overdue})
		}
	}
	return out
}

// TestDashboardOrder checks the grouping, the order, the local due dates and the
// business days left, at Thursday 12 November 2026, 10 am in Melbourne.
func TestDashboardOrder(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		// The queue stays stopped, so the deadline timer never flags the overdue
		// request: the dashboard must see the passed deadline itself.
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		perth := mustLoc(t, "Australia/Perth")
		brisbane := mustLoc(t, "Australia/Brisbane")
		aardvark, perthCase := addOrgCase(t, env, f, "Aardvark Mining", "WA", "Australia/Perth")
		zephyr, brisbaneCase := addOrgCase(t, env, f, "Zephyr Foods", "QLD", "Australia/Brisbane")
		acmeSecond := addCase(t, env, f, f.Org.ID, "Second")
		acmeWithdrawn := addCase(t, env, f, f.Org.ID, "Withdrawn")

		late := submitAt(t, env, f, f.Case, testenv.Melbourne, testenv.Start)
		qld := submitAt(t, env, f, brisbaneCase, brisbane,
			mustTime(t, "2026-11-02T10:00:00+10:00"))
		monday := mustTime(t, "2026-11-09T10:00:00+11:00")
		acme := submitAt(t, env, f, acmeSecond, testenv.Melbourne, monday)
		wa := submitAt(t, env, f, perthCase, perth, monday)
		gone := submitAt(t, env, f, acmeWithdrawn, testenv.Melbourne, monday)
		testenv.Must(t, env.Svc.Withdraw(ctx, testenv.Actor(f.Intake), gone.ID,
			"Entered twice by mistake."))

		env.Clock.Set(mustTime(t, "2026-11-12T10:00:00+11:00"))
		v, err := env.Svc.Dashboard(ctx, testenv.Actor(f.Admin))
		testenv.Must(t, err)
		want := []dashboardLine{
			{f.Org.Name, late.ID, "2026-11-10", "2026-11-11", -2, true},
			{f.Org.Name, acme.ID, "2026-11-18", "2026-11-19", 4, false},
			{zephyr.Name, qld.ID, "2026-11-11", "2026-11-12", -1, false},
			{aardvark.Name, wa.ID, "2026-11-18", "2026-11-19", 4, false},
		}
		if diff := cmp.Diff(want, dashboardLines(v)); diff != "" {
			t.Errorf("Dashboard rows (-want +got):\n%s", diff)
		}
		if v.Total != 4 || v.Overdue != 1 {
			t.Errorf("Dashboard totals = %d, %d overdue; want 4, 1 overdue", v.Total, v.Overdue)
		}
		if loadRequest(t, env, late.ID).Overdue {
			t.Errorf("stored overdue flag set without the deadline timer")
		}

		// A closure day between today and the goal leaves one business day fewer,
		// but the stored goal stays.
		_, err = env.Svc.AddClosure(ctx, testenv.Actor(f.Admin), service.ClosureInput{
			OrganisationID: fmt.Sprint(f.Org.ID), Date: "2026-11-16", Name: "Stocktake"})
		testenv.Must(t, err)
		v, err = env.Svc.Dashboard(ctx, testenv.Actor(f.Admin))
		testenv.Must(t, err)
		want[1].DaysLeft = 3
		if diff := cmp.Diff(want, dashboardLines(v)); diff != "" {
			t.Errorf("Dashboard rows after a closure day (-want +got):\n%s", diff)
		}
	})
}

// BenchmarkDashboard measures the dashboard over a growing number of waiting requests.
// Its queries do not grow with them, so the time per request should stay flat.
func BenchmarkDashboard(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			env := testenv.New(b, testenv.SQLite(b), testenv.Options{NoQueue: true})
			f := env.Seed(b)
			seedWaitingRequests(b, env, f, n)
			a := testenv.Actor(f.Admin)
			b.ResetTimer()
			for b.Loop() {
				v, err := env.Svc.Dashboard(context.Background(), a)
				if err != nil || v.Total != n {
					b.Fatalf("Dashboard = %d rows, %v; want %d", v.Total, err, n)
				}
			}
		})
	}
}

// seedWaitingRequests stores n requests awaiting organisations directly, spread over
// five organisations with a closure day each, to keep the benchmark's setup short.
func seedWaitingRequests(b *testing.B, env *testenv.Env, f testenv.Fixture, n int) {
	ctx := context.Background()
	zones := []struct{ region, zone string }{{"VIC-MEL", "Australia/Melbourne"},
		{"NSW", "Australia/Sydney"}, {"QLD", "Australia/Brisbane"}, {"WA", "Australia/Perth"},
		{"SA", "Australia/Adelaide"}}
	testenv.Must(b, env.DB.InTx(ctx, func(c *store.Conn) error {
		var orgs []phoenix.Organisation
		var contracts []phoenix.Contract
		for i, z := range zones {
			o, k, err := env.AddOrganisation(ctx, c, fmt.Sprintf("Bench %d", i), z.region, z.zone, 6)
			if err != nil {
				return err
			}
			orgs, contracts = append(orgs, o), append(contracts, k)
			_, err = c.AddClosure(ctx, store.Closure{OrganisationID: o.ID,
				Day: phoenix.MustParseDate("2026-11-06"), Name: "Bench closure"}, testenv.Start)
			if err != nil {
				return err
			}
		}
		for i := range n {
			o := orgs[i%len(orgs)]
			client, err := env.AddClient(ctx, c, o.ID, fmt.Sprintf("Bench%d", i), "Client")
			if err != nil {
				return err
			}
			k, err := env.AddCase(ctx, c, client, f.Consultant.ID, 6, dueCaseOpened)
			if err != nil {
				return err
			}
			received := testenv.Start.Add(time.Duration(i) * time.Minute)
			goal, deadline := received.Add(9*24*time.Hour), received.Add(10*24*time.Hour)
			r := phoenix.Request{CaseID: k.ID, ClientID: client.ID, OrganisationID: o.ID,
				ConsultantID: f.Consultant.ID, ContractID: contracts[i%len(orgs)].ID,
				Requestor: phoenix.RequestorConsultant, Sessions: 2,
				RequestDate: phoenix.DateIn(received, o.Location()), Goals: "Bench goals.",
				Pathway: phoenix.PathwayContinueEAP, State: phoenix.StateAwaitingOrganisation,
				Counts: phoenix.Counts{Period: phoenix.Period{Start: dueCaseOpened,
					End: dueCaseOpened.AddMonthsClamped(12)}}, Threshold: 12,
				SubmittedAt: received, ReceivedAt: &received, Goal: &goal, Deadline: &deadline}
			if _, err := c.CreateRequest(ctx, r, f.Intake.ID, fmt.Sprint("bench-", i)); err != nil {
				return err
			}
		}
		return nil
	}))
}
