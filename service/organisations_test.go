package service_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// newCase stores a client of the fixture's organisation with an Assist case assigned to
// the fixture's consultant and the contract's allowance.
func newCase(t *testing.T, env *testenv.Env, f testenv.Fixture, first, last string) phoenix.Case {
	t.Helper()
	ctx := context.Background()
	var k phoenix.Case
	testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
		client, err := env.AddClient(ctx, c, f.Org.ID, first, last)
		if err != nil {
			return err
		}
		k, err = env.AddCase(ctx, c, client, f.Consultant.ID, f.Contract.SessionsPerPeriod,
			phoenix.DateIn(testenv.Start, testenv.Melbourne).AddDays(-30))
		return err
	}))
	return k
}

func terms(from string, threshold, maxExtra int) service.ContractInput {
	return service.ContractInput{EffectiveFrom: from, SessionsPerPeriod: "6",
		MaxExtraPerRequest: strconv.Itoa(maxExtra), ClinicalThreshold: strconv.Itoa(threshold),
		GoalDays: "7", DeadlineDays: "8"}
}

// TestContractVersions checks that a request is judged by the terms in force on its
// date of request, and that new terms leave submitted requests as they were.
func TestContractVersions(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin, consultant := testenv.Actor(f.Admin), testenv.Actor(f.Consultant)

		before, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, env.RequestInput(2, "v1"))
		testenv.Must(t, err)
		stored, err := env.Conn().Request(ctx, before.ID)
		testenv.Must(t, err)

		// Tomorrow's terms: review from 8 sessions, at most 2 extra per request.
		next, err := env.Svc.AddContract(ctx, admin, f.Org.ID, terms("2026-10-30", 8, 2))
		testenv.Must(t, err)

		today := newCase(t, env, f, "Tama", "Rewi")
		r, err := env.Svc.SubmitRequest(ctx, consultant, today.ID, env.RequestInput(3, "v2"))
		testenv.Must(t, err)
		if r.ContractID != f.Contract.ID || r.Threshold != 12 {
			t.Errorf("request today: contract %d, threshold %d; want contract %d, threshold 12",
				r.ContractID, r.Threshold, f.Contract.ID)
		}
		if r.State != phoenix.StateAwaitingOrganisation {
			t.Errorf("request today: state %s, want %s (6 + 3 is under 12)", r.State,
				phoenix.StateAwaitingOrganisation)
		}

		env.Clock.Advance(24 * time.Hour)
		tomorrow := newCase(t, env, f, "Ines", "Okafor")
		_, err = env.Svc.SubmitRequest(ctx, consultant, tomorrow.ID, env.RequestInput(3, "v3"))
		if phoenix.ErrorFields(err)["sessions"] == "" {
			t.Errorf("3 sessions under a maximum of 2: error %v, want a sessions message", err)
		}
		r, err = env.Svc.SubmitRequest(ctx, consultant, tomorrow.ID, env.RequestInput(2, "v4"))
		testenv.Must(t, err)
		if r.ContractID != next.ID || r.Threshold != 8 {
			t.Errorf("request tomorrow: contract %d, threshold %d; want contract %d, threshold 8",
				r.ContractID, r.Threshold, next.ID)
		}
		if r.State != phoenix.StateAwaitingClinicalQuestions {
			t.Errorf("request tomorrow: state %s, want %s (6 + 2 reaches 8)", r.State,
				phoenix.StateAwaitingClinicalQuestions)
		}

		after, err := env.Conn().Request(ctx, before.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(stored, after); diff != "" {
			t.Errorf("request submitted before the new terms changed (-want +got):\n%s", diff)
		}
	})
}

func TestAddContractRejects(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)
		cases := []struct {
			name  string
			in    service.ContractInput
			field string
		}{
			{"yesterday", terms("2026-10-28", 12, 4), "effective_from"},
			{"not a date", terms("30/10/2026", 12, 4), "effective_from"},
			{"no such day", terms("2026-02-30", 12, 4), "effective_from"},
			{"five extra", terms("2026-11-01", 12, 5), "max_extra_per_request"},
			{"zero extra", terms("2026-11-01", 12, 0), "max_extra_per_request"},
			{"threshold 1", terms("2026-11-01", 1, 4), "clinical_threshold"},
			{"sessions text", func() service.ContractInput {
				in := terms("2026-11-01", 12, 4)
				in.SessionsPerPeriod = "six"
				return in
			}(), "sessions_per_period"},
			{"deadline before goal", func() service.ContractInput {
				in := terms("2026-11-01", 12, 4)
				in.GoalDays, in.DeadlineDays = "7", "6"
				return in
			}(), "deadline_days"},
			{"goal 31", func() service.ContractInput {
				in := terms("2026-11-01", 12, 4)
				in.GoalDays, in.DeadlineDays = "31", "31"
				return in
			}(), "goal_days"},
		}
		for _, tc := range cases {
			_, err := env.Svc.AddContract(ctx, admin, f.Org.ID, tc.in)
			if phoenix.ErrorCode(err) != phoenix.EINVALID || phoenix.ErrorFields(err)[tc.field] == "" {
				t.Errorf("%s: AddContract = %v, want EINVALID on %s", tc.name, err, tc.field)
			}
		}

		_, err := env.Svc.AddContract(ctx, admin, f.Org.ID, terms("2026-11-01", 12, 4))
		testenv.Must(t, err)
		_, err = env.Svc.AddContract(ctx, admin, f.Org.ID, terms("2026-11-01", 10, 4))
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT {
			t.Errorf("second version on one date: %v, want ECONFLICT", err)
		}
		list, err := env.Conn().Contracts(ctx, f.Org.ID)
		testenv.Must(t, err)
		if len(list) != 2 {
			t.Errorf("contracts after rejected versions = %d, want 2", len(list))
		}
	})
}

func TestDeleteContract(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)

		later, err := env.Svc.AddContract(ctx, admin, f.Org.ID, terms("2026-12-01", 10, 4))
		testenv.Must(t, err)
		err = env.Svc.DeleteContract(ctx, admin, f.Org.ID, f.Contract.ID)
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT {
			t.Errorf("DeleteContract(in force) = %v, want ECONFLICT", err)
		}
		testenv.Must(t, env.Svc.DeleteContract(ctx, admin, f.Org.ID, later.ID))
		if _, err := env.Conn().Contract(ctx, later.ID); phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
			t.Errorf("withdrawn version still stored: %v", err)
		}
		assertAudit(t, env, "delete_contract", "organisation", f.Org.ID)
	})
}

func TestCreateOrganisation(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)

		id, err := env.Svc.CreateOrganisation(ctx, admin, service.OrganisationInput{
			Name: "  Brisbane Port Authority ", Region: "qld-bne"},
			service.DefaultContractInput())
		testenv.Must(t, err)
		v, err := env.Svc.Organisation(ctx, admin, id)
		testenv.Must(t, err)
		want := phoenix.Organisation{ID: id, Name: "Brisbane Port Authority", Region: "QLD-BNE",
			TimeZone: "Australia/Brisbane", Active: true}
		got := v.Organisation
		got.Contract = phoenix.Contract{}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("organisation (-want +got):\n%s", diff)
		}
		if len(v.Contracts) != 1 || !v.Contracts[0].InForce ||
			v.Contracts[0].EffectiveFrom != phoenix.MustParseDate("2026-10-29") {
			t.Errorf("contracts = %+v, want one in force from today, 2026-10-29", v.Contracts)
		}
		assertAudit(t, env, "create", "organisation", id)
		assertAudit(t, env, "add_contract", "organisation", id)

		cases := []struct {
			name  string
			in    service.OrganisationInput
			field string
		}{
			{"no name", service.OrganisationInput{Region: "VIC"}, "name"},
			{"long name", service.OrganisationInput{Name: strings.Repeat("a", 201), Region: "VIC"}, "name"},
			{"two lines", service.OrganisationInput{Name: "A\nB", Region: "VIC"}, "name"},
			{"no region", service.OrganisationInput{Name: "Z"}, "region"},
			{"unknown region", service.OrganisationInput{Name: "Z", Region: "Queensland"}, "region"},
			{"unknown zone", service.OrganisationInput{Name: "Z", Region: "VIC", TimeZone: "Australia/Geelong"}, "time_zone"},
			{"local zone", service.OrganisationInput{Name: "Z", Region: "VIC", TimeZone: "Local"}, "time_zone"},
		}
		for _, tc := range cases {
			_, err := env.Svc.CreateOrganisation(ctx, admin, tc.in, service.DefaultContractInput())
			if phoenix.ErrorFields(err)[tc.field] == "" {
				t.Errorf("%s: CreateOrganisation = %v, want a message on %s", tc.name, err, tc.field)
			}
		}
		for _, name := range []string{"Acme Freight", "ACME FREIGHT"} {
			_, err = env.Svc.CreateOrganisation(ctx, admin, service.OrganisationInput{
				Name: name, Region: "VIC"}, service.DefaultContractInput())
			if phoenix.ErrorCode(err) != phoenix.ECONFLICT || phoenix.ErrorFields(err)["name"] == "" {
				t.Errorf("CreateOrganisation(%q) = %v, want ECONFLICT on name", name, err)
			}
		}
		err = env.Svc.UpdateOrganisation(ctx, admin, id, service.OrganisationInput{
			Name: "acme freight", Region: "QLD"})
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT {
			t.Errorf("UpdateOrganisation to another's name = %v, want ECONFLICT", err)
		}
	})
}

func TestUpdateOrganisation(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)

		err := env.Svc.UpdateOrganisation(ctx, admin, f.Org.ID, service.OrganisationInput{
			Name: "Acme Logistics", Region: "NSW", TimeZone: "Australia/Sydney"})
		testenv.Must(t, err)
		o, err := env.Conn().Organisation(ctx, f.Org.ID)
		testenv.Must(t, err)
		if o.Name != "Acme Logistics" || o.Region != "NSW" || o.TimeZone != "Australia/Sydney" || !o.Active {
			t.Errorf("organisation after update = %+v", o)
		}
		events, err := env.Conn().Audit(ctx, store.AuditFilter{ActorID: f.Admin.ID})
		testenv.Must(t, err)
		if len(events) != 1 || !strings.Contains(events[0].Detail, `"Acme Freight" to "Acme Logistics"`) {
			t.Errorf("audit of update = %+v, want one event naming the old and new name", events)
		}
		err = env.Svc.UpdateOrganisation(ctx, admin, 999, service.OrganisationInput{
			Name: "X", Region: "NSW"})
		if phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
			t.Errorf("UpdateOrganisation(missing) = %v, want ENOTFOUND", err)
		}
	})
}

// TestDeactivatedOrganisation checks that a deactivated organisation takes no new
// clients, cases or requests, while its existing cases carry on.
func TestDeactivatedOrganisation(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin, intake := testenv.Actor(f.Admin), testenv.Actor(f.Intake)

		testenv.Must(t, env.Svc.SetOrganisationActive(ctx, admin, f.Org.ID, false))
		assertAudit(t, env, "deactivate", "organisation", f.Org.ID)

		_, err := env.Svc.CreateClient(ctx, intake, validClient(f.Org.ID))
		if phoenix.ErrorFields(err)["organisation_id"] == "" {
			t.Errorf("CreateClient in a deactivated organisation = %v, want an organisation_id message", err)
		}
		_, err = env.Svc.OpenCase(ctx, intake, f.Client.ID)
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT {
			t.Errorf("OpenCase = %v, want ECONFLICT", err)
		}
		_, err = env.Svc.SubmitRequest(ctx, testenv.Actor(f.Consultant), f.Case.ID,
			env.RequestInput(2, "inactive"))
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT {
			t.Errorf("SubmitRequest = %v, want ECONFLICT", err)
		}

		// The existing case carries on: its page opens and sessions can be booked.
		if _, err := env.Svc.Case(ctx, intake, f.Case.ID); err != nil {
			t.Errorf("Case = %v, want the case page", err)
		}
		_, err = env.Svc.BookSession(ctx, intake, f.Case.ID, service.BookingInput{
			Date: "2026-11-03", Start: "10:00", End: "10:50", Mode: "video"})
		if err != nil {
			t.Errorf("BookSession = %v, want a booking", err)
		}
		list, err := env.Svc.Organisations(ctx, intake)
		testenv.Must(t, err)
		if len(list) != 0 {
			t.Errorf("intake's organisations = %d, want none while the only one is deactivated", len(list))
		}

		testenv.Must(t, env.Svc.SetOrganisationActive(ctx, admin, f.Org.ID, true))
		if _, err := env.Svc.OpenCase(ctx, intake, f.Client.ID); err != nil {
			t.Errorf("OpenCase after reactivation = %v", err)
		}
	})
}

func TestOrganisationRoles(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		s := env.Svc
		org := service.OrganisationInput{Name: "New Co", Region: "VIC"}
		calls := map[string]func(a service.Actor) error{
			"CreateOrganisation": func(a service.Actor) error {
				_, err := s.CreateOrganisation(ctx, a, org, service.DefaultContractInput())
				return err
			},
			"UpdateOrganisation": func(a service.Actor) error {
				return s.UpdateOrganisation(ctx, a, f.Org.ID, org)
			},
			"SetOrganisationActive": func(a service.Actor) error {
				return s.SetOrganisationActive(ctx, a, f.Org.ID, false)
			},
			"AddContract": func(a service.Actor) error {
				_, err := s.AddContract(ctx, a, f.Org.ID, terms("2026-12-01", 12, 4))
				return err
			},
			"DeleteContract": func(a service.Actor) error {
				return s.DeleteContract(ctx, a, f.Org.ID, f.Contract.ID)
			},
			"Organisation": func(a service.Actor) error {
				_, err := s.Organisation(ctx, a, f.Org.ID)
				return err
			},
		}
		for _, u := range []phoenix.User{f.Consultant, f.Intake, f.Leader, f.Reviewer} {
			for name, call := range calls {
				if err := call(testenv.Actor(u)); phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
					t.Errorf("%s as %s = %v, want EFORBIDDEN", name, u.Role, err)
				}
			}
		}
		for _, u := range []phoenix.User{f.Consultant, f.Leader, f.Reviewer} {
			if _, err := s.Organisations(ctx, testenv.Actor(u)); phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
				t.Errorf("Organisations as %s = %v, want EFORBIDDEN", u.Role, err)
			}
		}
		o, err := env.Conn().Organisation(ctx, f.Org.ID)
		testenv.Must(t, err)
		if o.Name != "Acme Freight" || !o.Active {
			t.Errorf("organisation after rejected calls = %+v", o)
		}
	})
}
