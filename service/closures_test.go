package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

func TestClosuresAccess(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		in := service.ClosureInput{Date: "2026-11-05", Name: "Planning day"}
		k, err := env.Svc.AddClosure(ctx, testenv.Actor(f.Admin), in)
		testenv.Must(t, err)

		for _, u := range []phoenix.User{f.Consultant, f.Intake, f.Leader, f.Reviewer} {
			a := testenv.Actor(u)
			_, err := env.Svc.Closures(ctx, a)
			if got := phoenix.ErrorCode(err); got != phoenix.EFORBIDDEN {
				t.Errorf("Closures(%s) = %q (%v), want %q", u.Role, got, err, phoenix.EFORBIDDEN)
			}
			in.Date = "2026-11-06"
			_, err = env.Svc.AddClosure(ctx, a, in)
			if got := phoenix.ErrorCode(err); got != phoenix.EFORBIDDEN {
				t.Errorf("AddClosure(%s) = %q (%v), want %q", u.Role, got, err, phoenix.EFORBIDDEN)
			}
			err = env.Svc.DeleteClosure(ctx, a, k.ID)
			if got := phoenix.ErrorCode(err); got != phoenix.EFORBIDDEN {
				t.Errorf("DeleteClosure(%s) = %q (%v), want %q", u.Role, got, err, phoenix.EFORBIDDEN)
			}
		}
		all, err := env.Conn().Closures(ctx, -1)
		testenv.Must(t, err)
		if len(all) != 1 || all[0].ID != k.ID {
			t.Errorf("closures after the forbidden calls = %+v, want only %d", all, k.ID)
		}
	})
}

// TestAddClosureValidation checks each rejected field at Thursday 29 October 2026,
// 2 pm in Melbourne.
func TestAddClosureValidation(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)
		perth, _ := addOrgCase(t, env, f, "Swan Ports", "WA", "Australia/Perth")
		acme, swan := fmt.Sprint(f.Org.ID), fmt.Sprint(perth.ID)
		for _, in := range []service.ClosureInput{
			{Date: "2026-11-05", Name: "Provider planning day"},
			{OrganisationID: swan, Date: "2026-11-06", Name: "Site shutdown"},
		} {
			_, err := env.Svc.AddClosure(ctx, admin, in)
			testenv.Must(t, err)
		}

		tests := []struct {
			name  string
			in    service.ClosureInput
			field string
			want  string
		}{
			{"no date", service.ClosureInput{Name: "Closed"}, "date", "Date is required"},
			{"no name", service.ClosureInput{Date: "2026-11-04"}, "name", "Name is required"},
			{"blank name", service.ClosureInput{Date: "2026-11-04", Name: "  "}, "name",
				"Name is required"},
			{"long name", service.ClosureInput{Date: "2026-11-04", Name: strings.Repeat("n", 101)},
				"name", "at most 100 characters; it has 101"},
			{"no such day", service.ClosureInput{Date: "2026-02-30", Name: "Closed"}, "date",
				"not a real date"},
			{"day first", service.ClosureInput{Date: "04/11/2026", Name: "Closed"}, "date",
				"not a real date"},
			{"yesterday", service.ClosureInput{Date: "2026-10-28", Name: "Closed"}, "date",
				"is in the past"},
			{"too far", service.ClosureInput{Date: "2028-10-30", Name: "Closed"}, "date",
				"at most two years ahead, on or before Sunday 29 October 2028"},
			{"saturday", service.ClosureInput{Date: "2026-10-31", Name: "Closed"}, "date",
				"is a Saturday"},
			{"cup day", service.ClosureInput{OrganisationID: acme, Date: "2026-11-03",
				Name: "Closed"}, "date", "Melbourne Cup"},
			{"christmas", service.ClosureInput{Date: "2026-12-25", Name: "Closed"}, "date",
				"a public holiday for every organisation"},
			{"provider twice", service.ClosureInput{Date: "2026-11-05", Name: "Again"}, "date",
				"already a closure day for the whole provider"},
			{"org under provider", service.ClosureInput{OrganisationID: swan, Date: "2026-11-05",
				Name: "Again"}, "date", "already a closure day for the whole provider"},
			{"org twice", service.ClosureInput{OrganisationID: swan, Date: "2026-11-06",
				Name: "Again"}, "date", "already a closure day for Swan Ports"},
			{"organisation text", service.ClosureInput{OrganisationID: "acme", Date: "2026-11-04",
				Name: "Closed"}, "organisation_id", "chosen from the list"},
			{"no such organisation", service.ClosureInput{OrganisationID: "99999",
				Date: "2026-11-04", Name: "Closed"}, "organisation_id", "Organisation not found"},
		}
		for _, tc := range tests {
			_, err := env.Svc.AddClosure(ctx, admin, tc.in)
			if got := phoenix.ErrorCode(err); got != phoenix.EINVALID {
				t.Errorf("%s: AddClosure(%+v) = %q (%v), want %q", tc.name, tc.in, got, err,
					phoenix.EINVALID)
				continue
			}
			if got := phoenix.ErrorFields(err)[tc.field]; !strings.Contains(got, tc.want) {
				t.Errorf("%s: AddClosure(%+v) %s = %q, want it to contain %q", tc.name, tc.in,
					tc.field, got, tc.want)
			}
		}

		accepted := []service.ClosureInput{
			// Cup day is a business day in Perth, so the whole provider may close.
			{Date: "2026-11-03", Name: "Provider closed on Cup day"},
			// An organisation's own closure day may later become the provider's.
			{Date: "2026-11-06", Name: "Provider closed"},
			{OrganisationID: acme, Date: "2026-10-29", Name: "Closed today"},
			{OrganisationID: acme, Date: "2028-10-27", Name: strings.Repeat("n", 100)},
		}
		for _, in := range accepted {
			if _, err := env.Svc.AddClosure(ctx, admin, in); err != nil {
				t.Errorf("AddClosure(%+v) = %v, want it accepted", in, err)
			}
		}
		all, err := env.Conn().Closures(ctx, -1)
		testenv.Must(t, err)
		if want := 2 + len(accepted); len(all) != want {
			t.Errorf("closures stored = %d, want %d", len(all), want)
		}
	})
}

// TestAddClosureToday checks that the day a closure may still have depends on the
// zones concerned: at 1 am Friday in Melbourne it is still Thursday in Perth.
func TestAddClosureToday(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)
		addOrgCase(t, env, f, "Swan Ports", "WA", "Australia/Perth")
		env.Clock.Set(mustTime(t, "2026-10-30T01:00:00+11:00"))

		_, err := env.Svc.AddClosure(ctx, admin, service.ClosureInput{
			OrganisationID: fmt.Sprint(f.Org.ID), Date: "2026-10-29", Name: "Closed"})
		if got := phoenix.ErrorCode(err); got != phoenix.EINVALID {
			t.Errorf("Melbourne closure on its yesterday = %q (%v), want %q", got, err,
				phoenix.EINVALID)
		}
		_, err = env.Svc.AddClosure(ctx, admin, service.ClosureInput{Date: "2026-10-29",
			Name: "Closed"})
		if err != nil {
			t.Errorf("provider closure on Perth's today = %v, want it accepted", err)
		}
	})
}

func TestDeleteClosure(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)
		later, err := env.Svc.AddClosure(ctx, admin, service.ClosureInput{
			OrganisationID: fmt.Sprint(f.Org.ID), Date: "2026-11-05", Name: "Stocktake"})
		testenv.Must(t, err)
		today, err := env.Svc.AddClosure(ctx, admin, service.ClosureInput{Date: "2026-10-29",
			Name: "Staff day"})
		testenv.Must(t, err)
		if later.Organisation != f.Org.Name || later.Past {
			t.Errorf("AddClosure = %+v, want %s and not past", later, f.Org.Name)
		}

		testenv.Must(t, env.Svc.DeleteClosure(ctx, admin, later.ID))
		err = env.Svc.DeleteClosure(ctx, admin, later.ID)
		if got := phoenix.ErrorCode(err); got != phoenix.ENOTFOUND {
			t.Errorf("DeleteClosure(deleted) = %q (%v), want %q", got, err, phoenix.ENOTFOUND)
		}

		env.Clock.Set(testenv.Start.Add(48 * time.Hour))
		err = env.Svc.DeleteClosure(ctx, admin, today.ID)
		if got := phoenix.ErrorCode(err); got != phoenix.ECONFLICT {
			t.Errorf("DeleteClosure(past) = %q (%v), want %q", got, err, phoenix.ECONFLICT)
		}
		v, err := env.Svc.Closures(ctx, admin)
		testenv.Must(t, err)
		if len(v.Upcoming) != 0 || len(v.Past) != 1 || v.Past[0].ID != today.ID {
			t.Errorf("Closures = %d upcoming, past %+v; want none upcoming and %d past",
				len(v.Upcoming), v.Past, today.ID)
		}

		events, err := env.Conn().Audit(ctx, store.AuditFilter{ActorID: f.Admin.ID})
		testenv.Must(t, err)
		var got []string
		for _, e := range events {
			if e.Object == "closure" {
				got = append(got, fmt.Sprintf("%s %d", e.Action, e.ObjectID))
			}
		}
		want := []string{fmt.Sprintf("delete %d", later.ID), fmt.Sprintf("add %d", today.ID),
			fmt.Sprintf("add %d", later.ID)}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("closure audit events = %v, want %v", got, want)
		}
	})
}
