package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// dueCaseOpened is the date every due-date test case was opened, before every
// submission the tests make.
var dueCaseOpened = phoenix.MustParseDate("2026-01-05")

// addOrgCase stores an organisation with a contract of 7 and 8 business days, and a
// client with an open case assigned to the fixture's consultant.
func addOrgCase(t *testing.T, env *testenv.Env, f testenv.Fixture, name, region,
	zone string) (phoenix.Organisation, phoenix.Case) {
	t.Helper()
	var org phoenix.Organisation
	var k phoenix.Case
	ctx := context.Background()
	testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
		var err error
		if org, _, err = env.AddOrganisation(ctx, c, name, region, zone, 6); err != nil {
			return err
		}
		k, err = addCaseTx(ctx, c, env, org.ID, f.Consultant.ID, name)
		return err
	}))
	return org, k
}

// addCase opens another case, for a new client of the organisation.
func addCase(t *testing.T, env *testenv.Env, f testenv.Fixture, orgID int64,
	first string) phoenix.Case {
	t.Helper()
	var k phoenix.Case
	ctx := context.Background()
	testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
		var err error
		k, err = addCaseTx(ctx, c, env, orgID, f.Consultant.ID, first)
		return err
	}))
	return k
}

func addCaseTx(ctx context.Context, c *store.Conn, env *testenv.Env, orgID, consultantID int64,
	first string) (phoenix.Case, error) {
	client, err := env.AddClient(ctx, c, orgID, first, "Tester")
	if err != nil {
		return phoenix.Case{}, err
	}
	return env.AddCase(ctx, c, client, consultantID, 6, dueCaseOpened)
}

// submitAt sets the clock to at and submits a request of two sessions on k as intake,
// dated today in loc, the organisation's zone. Two sessions keep the total under the
// clinical review threshold, so the request goes straight to the organisation.
func submitAt(t *testing.T, env *testenv.Env, f testenv.Fixture, k phoenix.Case,
	loc *time.Location, at time.Time) phoenix.Request {
	t.Helper()
	env.Clock.Set(at)
	in := env.RequestInput(2, fmt.Sprintf("due-%d-%d", k.ID, at.UnixNano()))
	in.RequestDate = phoenix.DateIn(env.Clock.Now(), loc).String()
	r, err := env.Svc.SubmitRequest(context.Background(), testenv.Actor(f.Intake), k.ID, in)
	if err != nil {
		t.Fatalf("SubmitRequest(case %d at %s) = %v", k.ID, at, err)
	}
	if r.State != phoenix.StateAwaitingOrganisation {
		t.Fatalf("SubmitRequest(case %d) state = %s, want %s", k.ID, r.State,
			phoenix.StateAwaitingOrganisation)
	}
	return r
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// checkDue compares a stored request's due instants with the expected RFC 3339 ones.
func checkDue(t *testing.T, env *testenv.Env, id int64, goal, deadline string) {
	t.Helper()
	r, err := env.Conn().Request(context.Background(), id)
	testenv.Must(t, err)
	if r.Goal == nil || r.Deadline == nil {
		t.Fatalf("request %d has goal %v and deadline %v, want both set", id, r.Goal, r.Deadline)
	}
	if want := mustTime(t, goal); !r.Goal.Equal(want) {
		t.Errorf("request %d goal = %s, want %s", id, r.Goal.Format(time.RFC3339),
			want.Format(time.RFC3339))
	}
	if want := mustTime(t, deadline); !r.Deadline.Equal(want) {
		t.Errorf("request %d deadline = %s, want %s", id, r.Deadline.Format(time.RFC3339),
			want.Format(time.RFC3339))
	}
}

// TestSubmitDueDates checks the goal and deadline stored at submission, as the first
// instant after the last local day, in the organisation's calendar and zone.
func TestSubmitDueDates(t *testing.T) {
	tests := []struct {
		name, region, zone string
		received           string
		goal, deadline     string
	}{
		// Melbourne Cup day, Tuesday 3 November, is skipped in metropolitan Melbourne.
		{"Cup Day Freight", "VIC-MEL", "Australia/Melbourne", "2026-10-29T14:00:00+11:00",
			"2026-11-11T00:00:00+11:00", "2026-11-12T00:00:00+11:00"},
		// Regional Victoria works on Cup day.
		{"Regional Vic Dairy", "VIC", "Australia/Melbourne", "2026-10-29T14:00:00+11:00",
			"2026-11-10T00:00:00+11:00", "2026-11-11T00:00:00+11:00"},
		// Queensland gives no substitute for Anzac Day on a Saturday. Labour Day is
		// Monday 4 May.
		{"Labour Day Mining", "QLD", "Australia/Brisbane", "2026-04-23T12:00:00+10:00",
			"2026-05-06T00:00:00+10:00", "2026-05-07T00:00:00+10:00"},
		// Western Australia has no holiday then, and its zone has no daylight saving.
		{"Perth Ports", "WA", "Australia/Perth", "2026-10-29T11:00:00+08:00",
			"2026-11-10T00:00:00+08:00", "2026-11-11T00:00:00+08:00"},
		// Day 0 is the date in Perth: 11:30 pm Thursday there is Friday in Melbourne.
		{"Perth Late Shift", "WA", "Australia/Perth", "2026-10-29T23:30:00+08:00",
			"2026-11-10T00:00:00+08:00", "2026-11-11T00:00:00+08:00"},
		// Daylight saving starts on Sunday 4 October 2026 between receipt and goal,
		// and NSW Labour Day is Monday 5 October.
		{"Sydney Spring", "NSW", "Australia/Sydney", "2026-09-24T10:00:00+10:00",
			"2026-10-07T00:00:00+11:00", "2026-10-08T00:00:00+11:00"},
		// Daylight saving ends on Sunday 5 April 2026, inside the Easter weekend.
		{"Melbourne Autumn", "VIC-MEL", "Australia/Melbourne", "2026-03-26T15:00:00+11:00",
			"2026-04-09T00:00:00+10:00", "2026-04-10T00:00:00+10:00"},
	}
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		for _, tc := range tests {
			org, k := addOrgCase(t, env, f, tc.name, tc.region, tc.zone)
			r := submitAt(t, env, f, k, mustLoc(t, tc.zone), mustTime(t, tc.received))
			if r.OrganisationID != org.ID {
				t.Fatalf("%s: request organisation = %d, want %d", tc.name, r.OrganisationID, org.ID)
			}
			checkDue(t, env, r.ID, tc.goal, tc.deadline)
		}
	})
}

// TestSubmitClosureDays checks that a provider closure day moves every organisation's
// due dates, and an organisation's closure day only its own.
func TestSubmitClosureDays(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)
		perth, perthCase := addOrgCase(t, env, f, "Swan Ports", "WA", "Australia/Perth")
		_, brisbaneCase := addOrgCase(t, env, f, "Moreton Mills", "QLD", "Australia/Brisbane")

		_, err := env.Svc.AddClosure(ctx, admin, service.ClosureInput{Date: "2026-10-30",
			Name: "Provider planning day"})
		testenv.Must(t, err)
		_, err = env.Svc.AddClosure(ctx, admin, service.ClosureInput{
			OrganisationID: fmt.Sprint(perth.ID), Date: "2026-11-02", Name: "Site shutdown"})
		testenv.Must(t, err)

		received := testenv.Start
		mel := submitAt(t, env, f, f.Case, testenv.Melbourne, received)
		wa := submitAt(t, env, f, perthCase, mustLoc(t, "Australia/Perth"), received)
		qld := submitAt(t, env, f, brisbaneCase, mustLoc(t, "Australia/Brisbane"), received)

		// Melbourne skips the provider's Friday and Cup day: Wednesday 11 November.
		checkDue(t, env, mel.ID, "2026-11-12T00:00:00+11:00", "2026-11-13T00:00:00+11:00")
		// Perth skips the provider's Friday and its own Monday: Wednesday 11 November.
		checkDue(t, env, wa.ID, "2026-11-12T00:00:00+08:00", "2026-11-13T00:00:00+08:00")
		// Brisbane skips only the provider's Friday: Tuesday 10 November.
		checkDue(t, env, qld.ID, "2026-11-11T00:00:00+10:00", "2026-11-12T00:00:00+10:00")
	})
}

// TestClosureKeepsStoredDueDates checks that a closure day added after a request
// reached its organisation leaves that request's due dates as they were given, and
// moves those of a request that arrives afterwards.
func TestClosureKeepsStoredDueDates(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		before := submitAt(t, env, f, f.Case, testenv.Melbourne, testenv.Start)

		_, err := env.Svc.AddClosure(ctx, testenv.Actor(f.Admin), service.ClosureInput{
			OrganisationID: fmt.Sprint(f.Org.ID), Date: "2026-11-02", Name: "Stocktake"})
		testenv.Must(t, err)
		second := addCase(t, env, f, f.Org.ID, "Second")
		after := submitAt(t, env, f, second, testenv.Melbourne, testenv.Start.Add(time.Hour))

		checkDue(t, env, before.ID, "2026-11-11T00:00:00+11:00", "2026-11-12T00:00:00+11:00")
		checkDue(t, env, after.ID, "2026-11-12T00:00:00+11:00", "2026-11-13T00:00:00+11:00")
	})
}

// TestMyRequestsOrgZone checks that each listed request carries its organisation's
// zone, so that its due date is shown as the organisation's local date.
func TestMyRequestsOrgZone(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		_, perthCase := addOrgCase(t, env, f, "Swan Ports", "WA", "Australia/Perth")
		perth := mustLoc(t, "Australia/Perth")
		submitAt(t, env, f, f.Case, testenv.Melbourne, testenv.Start)
		submitAt(t, env, f, perthCase, perth, testenv.Start)

		rows, err := env.Svc.MyRequests(context.Background(), testenv.Actor(f.Consultant),
			store.Page{})
		testenv.Must(t, err)
		if len(rows) != 2 {
			t.Fatalf("MyRequests lists %d requests, want 2", len(rows))
		}
		want := map[int64]string{f.Case.ID: "Australia/Melbourne",
			perthCase.ID: "Australia/Perth"}
		for _, row := range rows {
			if got := row.OrgZone.String(); got != want[row.CaseID] {
				t.Errorf("MyRequests row for case %d zone = %s, want %s", row.CaseID, got,
					want[row.CaseID])
			}
		}
		// Perth's goal ends at midnight on Monday 9 November there, which is 3 am on
		// Tuesday in Sydney: shown in Sydney's zone, the date would be a day late.
		for _, row := range rows {
			if row.CaseID != perthCase.ID {
				continue
			}
			last := row.Goal.In(row.OrgZone).Add(-time.Nanosecond)
			if got := last.Format("2006-01-02"); got != "2026-11-09" {
				t.Errorf("Perth goal's last day = %s, want 2026-11-09", got)
			}
		}
	})
}
