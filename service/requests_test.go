package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// newClientCase stores a client of the organisation with a case assigned to the
// consultant and an allowance granted on opened.
func newClientCase(t *testing.T, env *testenv.Env, orgID, consultantID int64, first, last string,
	allowance int, opened phoenix.Date) phoenix.Case {
	t.Helper()
	var k phoenix.Case
	ctx := context.Background()
	testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
		client, err := env.AddClient(ctx, c, orgID, first, last)
		if err != nil {
			return err
		}
		k, err = env.AddCase(ctx, c, client, consultantID, allowance, opened)
		return err
	}))
	return k
}

// newOrganisation stores an organisation whose contract allows at most maxExtra
// sessions in one request.
func newOrganisation(t *testing.T, env *testenv.Env, name, region, zone string, sessions,
	maxExtra int) phoenix.Organisation {
	t.Helper()
	var o phoenix.Organisation
	ctx := context.Background()
	testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
		o = phoenix.Organisation{Name: name, Region: region, TimeZone: zone, Active: true}
		var err error
		if o.ID, err = c.CreateOrganisation(ctx, o, testenv.Start); err != nil {
			return err
		}
		_, err = c.AddContract(ctx, phoenix.Contract{OrganisationID: o.ID,
			EffectiveFrom: phoenix.MustParseDate("2020-01-01"), SessionsPerPeriod: sessions,
			MaxExtraPerRequest: maxExtra, ClinicalThreshold: 12, GoalDays: 7,
			DeadlineDays: 8}, testenv.Start)
		return err
	}))
	return o
}

// assertNoRequest checks that the case has no request and that no submission left a
// trace.
func assertNoRequest(t *testing.T, env *testenv.Env, caseID int64) {
	t.Helper()
	list, err := env.Conn().Requests(context.Background(), store.RequestFilter{CaseID: caseID})
	testenv.Must(t, err)
	if len(list) != 0 {
		t.Errorf("case %d has %d requests, want none", caseID, len(list))
	}
	tasks, err := env.Conn().CaseTasks(context.Background(), caseID)
	testenv.Must(t, err)
	for _, task := range tasks {
		if task.Kind == phoenix.TaskClinicalReview {
			t.Errorf("case %d has a clinical review task after a rejected submission", caseID)
		}
	}
}

func TestSubmitRequestRejects(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)

		edit := func(change func(*service.RequestInput)) service.RequestInput {
			in := env.RequestInput(2, "rejects")
			change(&in)
			return in
		}
		sessions := func(n string) service.RequestInput {
			return edit(func(in *service.RequestInput) { in.Sessions = n })
		}
		date := func(d string) service.RequestInput {
			return edit(func(in *service.RequestInput) { in.RequestDate = d })
		}
		goals := func(g string) service.RequestInput {
			return edit(func(in *service.RequestInput) { in.Goals = g })
		}
		pathway := func(p, other string) service.RequestInput {
			return edit(func(in *service.RequestInput) { in.Pathway, in.PathwayOther = p, other })
		}
		const wholeNumber = "whole number from 1 to 4"
		tests := []struct {
			name  string
			in    service.RequestInput
			field string
			text  string
		}{
			{"negative", sessions("-1"), "sessions", wholeNumber},
			{"zero", sessions("0"), "sessions", wholeNumber},
			{"fraction", sessions("2.5"), "sessions", wholeNumber},
			{"above four", sessions("5"), "sessions", wholeNumber},
			{"word", sessions("four"), "sessions", wholeNumber},
			{"blank", sessions(""), "sessions", wholeNumber},
			{"spaces", sessions("   "), "sessions", wholeNumber},
			{"huge", sessions("99999999999999999999"), "sessions", wholeNumber},
			{"exponent", sessions("1e0"), "sessions", wholeNumber},
			{"hex", sessions("0x2"), "sessions", wholeNumber},
			{"full-width digit", sessions("２"), "sessions", wholeNumber},
			{"yesterday", date("2026-10-28"), "request_date", "today in the organisation's time zone, 2026-10-29"},
			{"tomorrow", date("2026-10-30"), "request_date", "today in the organisation's time zone, 2026-10-29"},
			{"30 February", date("2026-02-30"), "request_date", "real date"},
			{"word for a date", date("today"), "request_date", "real date"},
			{"day first", date("29/10/2026"), "request_date", "real date"},
			{"blank date", date(""), "request_date", "required"},
			{"blank goals", goals(""), "goals", "Goals is required"},
			{"blank-looking goals", goals(" \t\n "), "goals", "Goals is required"},
			{"invisible goals", goals("\u200b\u2060\ufeff"), "goals", "Goals is required"},
			{"long goals", goals(strings.Repeat("Plan next steps. ", 118)), "goals", "at most 2000 characters"},
			{"blank pathway", pathway("", ""), "pathway", "Referral pathway is required"},
			{"unknown pathway", pathway("hypnosis", ""), "pathway", "Referral pathway must be one of the options"},
			{"other without text", pathway("other", "  "), "pathway_other", "other referral pathway is required"},
			{"other too long", pathway("other", strings.Repeat("x", 201)), "pathway_other", "at most 200 characters"},
			{"unknown requestor", edit(func(in *service.RequestInput) { in.Requestor = "manager" }),
				"requestor", "Consultant, Client or Intake"},
		}
		for _, tc := range tests {
			_, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, tc.in)
			if got := phoenix.ErrorCode(err); got != phoenix.EINVALID {
				t.Errorf("%s: SubmitRequest = %q (%v), want invalid", tc.name, got, err)
				continue
			}
			fields := phoenix.ErrorFields(err)
			if !strings.Contains(fields[tc.field], tc.text) {
				t.Errorf("%s: message for %s = %q, want it to contain %q", tc.name, tc.field,
					fields[tc.field], tc.text)
			}
			if len(fields) != 1 {
				t.Errorf("%s: rejected fields = %v, want only %s", tc.name, fields, tc.field)
			}
		}

		// Every field wrong at once gives one message per field.
		_, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, service.RequestInput{
			Requestor: "boss", Sessions: "many", RequestDate: "someday", Pathway: "x",
			IdempotencyKey: "all-wrong"})
		want := []string{"goals", "pathway", "request_date", "requestor", "sessions"}
		var got []string
		for k := range phoenix.ErrorFields(err) {
			got = append(got, k)
		}
		if diff := cmp.Diff(want, sorted(got)); diff != "" {
			t.Errorf("rejected fields (-want +got):\n%s", diff)
		}

		// A missing idempotency key is rejected before anything else.
		in := env.RequestInput(2, "")
		_, err = env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, in)
		if phoenix.ErrorCode(err) != phoenix.EINVALID || !strings.Contains(err.Error(), "submission key") {
			t.Errorf("SubmitRequest(no key) = %v, want invalid naming the key", err)
		}
		assertNoRequest(t, env, f.Case.ID)

		// The limits themselves are allowed: 2000 characters of goals, 200 of other.
		in = env.RequestInput(4, "limits")
		in.Goals = strings.Repeat("Plan next steps. ", 117) + strings.Repeat("x", 11)
		in.Pathway, in.PathwayOther = "other", strings.Repeat("y", 200)
		if _, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, in); err != nil {
			t.Errorf("SubmitRequest(at the length limits) = %v, want success", err)
		}
	})
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestSubmitRequestContractMax(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		org := newOrganisation(t, env, "Tight Budget Pty Ltd", "VIC-MEL", "Australia/Melbourne", 4, 2)
		k := newClientCase(t, env, org.ID, f.Consultant.ID, "Avery", "Thornbury", 4,
			phoenix.MustParseDate("2026-10-01"))
		consultant := testenv.Actor(f.Consultant)

		form, err := env.Svc.RequestForm(ctx, consultant, k.ID)
		testenv.Must(t, err)
		if form.MaxSessions != 2 {
			t.Errorf("RequestForm.MaxSessions = %d, want 2", form.MaxSessions)
		}
		for _, n := range []string{"3", "4"} {
			_, err := env.Svc.SubmitRequest(ctx, consultant, k.ID, withSessions(env.RequestInput(0, "max-"+n), n))
			msg := phoenix.ErrorFields(err)["sessions"]
			if !strings.Contains(msg, "from 1 to 2") {
				t.Errorf("SubmitRequest(%s under a maximum of 2) = %v, want the rule 1 to 2", n, err)
			}
		}
		assertNoRequest(t, env, k.ID)
		r, err := env.Svc.SubmitRequest(ctx, consultant, k.ID, env.RequestInput(2, "max-2"))
		testenv.Must(t, err)
		if r.Sessions != 2 {
			t.Errorf("stored sessions = %d, want 2", r.Sessions)
		}
	})
}

func withSessions(in service.RequestInput, n string) service.RequestInput {
	in.Sessions = n
	return in
}

// TestSubmitRequestDateZone checks that the date of request is today in the
// organisation's zone: at 00:30 in Melbourne it is already the next day there, while
// UTC still reads the day before.
func TestSubmitRequestDateZone(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)
		env.Clock.Set(time.Date(2026, 10, 29, 13, 30, 0, 0, time.UTC))

		form, err := env.Svc.RequestForm(ctx, consultant, f.Case.ID)
		testenv.Must(t, err)
		if got := form.Today.String(); got != "2026-10-30" {
			t.Errorf("RequestForm.Today = %s, want 2026-10-30", got)
		}
		utcToday := withDate(env.RequestInput(1, "utc"), "2026-10-29")
		_, err = env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, utcToday)
		if msg := phoenix.ErrorFields(err)["request_date"]; !strings.Contains(msg, "2026-10-30") {
			t.Errorf("SubmitRequest(UTC's date) = %v, want rejected naming 2026-10-30", err)
		}
		assertNoRequest(t, env, f.Case.ID)
		r, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID,
			withDate(env.RequestInput(1, "local"), "2026-10-30"))
		testenv.Must(t, err)
		if got := r.RequestDate.String(); got != "2026-10-30" {
			t.Errorf("stored date of request = %s, want 2026-10-30", got)
		}
	})
}

func withDate(in service.RequestInput, d string) service.RequestInput {
	in.RequestDate = d
	return in
}

func TestSubmitRequestIdentifiers(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)

		// The fixture's client is Jordan Quill, jordan.quill@mail.test, 0412 555 019,
		// employee EMP-40417, born 19 July 1984.
		tests := []struct {
			kind  string
			texts []string
		}{
			{phoenix.IdentifierName, []string{"Jordan Quill", "jordan quill", "QUILL, JORDAN",
				"Quill", "quill-jordan", "Jordan  Quill's goals", "J o r d a n Quill"}},
			{phoenix.IdentifierEmail, []string{"Jordan.Quill@mail.test",
				"JORDAN.QUILL@MAIL.TEST", "jordan.quill at mail dot test",
				"write to someone@example.com", "a.person@work.example.org.au"}},
			{phoenix.IdentifierPhone, []string{"0412 555 019", "0412555019", "0412-555-019",
				"+61 412 555 019", "(0412) 555 019", "call 03 9123 4567", "ring 1300 555 123"}},
			{phoenix.IdentifierEmployeeNumber, []string{"EMP-40417", "emp40417", "Emp 40417",
				"emp.40417", "EMP/40417"}},
			{phoenix.IdentifierDateOfBirth, []string{"19/07/1984", "19-7-1984", "1984-07-19",
				"19 July 1984", "July 19, 1984", "19 Jul 1984", "19.07.1984"}},
		}
		for _, tc := range tests {
			for _, text := range tc.texts {
				in := env.RequestInput(1, "ids")
				in.Goals = "Follow-up plan: " + text + "."
				_, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, in)
				msg := phoenix.ErrorFields(err)["goals"]
				if !strings.HasPrefix(msg, "Goals must not identify the client") ||
					!strings.Contains(msg, tc.kind) {
					t.Errorf("SubmitRequest(goals %q) = %v, want goals rejected for the %s",
						text, err, tc.kind)
				}

				in = env.RequestInput(1, "ids-other")
				in.Pathway, in.PathwayOther = "other", "Refer to "+text
				_, err = env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, in)
				msg = phoenix.ErrorFields(err)["pathway_other"]
				if !strings.Contains(msg, "must not identify the client") ||
					!strings.Contains(msg, tc.kind) {
					t.Errorf("SubmitRequest(other pathway %q) = %v, want it rejected for the %s",
						text, err, tc.kind)
				}
			}
		}
		assertNoRequest(t, env, f.Case.ID)

		// Text that only looks close is accepted.
		in := env.RequestInput(1, "ids-clean")
		in.Goals = "Reduce sleep problems after the June restructure; score 14 on the K10 at " +
			"session 4, review on 13 03 and build a plan for the quiet season."
		if _, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, in); err != nil {
			t.Errorf("SubmitRequest(clean goals) = %v, want success", err)
		}
	})
}

// countCase is one hand-worked period count: the sessions of a new client, the clock
// at submission and the counts the request must store.
type countCase struct {
	name     string
	zone     string // "" for the fixture's Melbourne organisation
	now      time.Time
	opened   string
	grant    int
	extra    []phoenix.Grant
	sessions []countedAt
	request  int
	want     phoenix.Counts
	state    phoenix.RequestState
}

type countedAt struct {
	at     time.Time
	status phoenix.SessionStatus
}

func TestSubmitRequestCounts(t *testing.T) {
	mel := testenv.Melbourne
	syd, _ := time.LoadLocation("Australia/Sydney")
	at := func(loc *time.Location, s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			panic(err)
		}
		return tm
	}
	d := phoenix.MustParseDate
	period := func(start, end string) phoenix.Period {
		return phoenix.Period{Start: d(start), End: d(end)}
	}
	const (
		done      = phoenix.SessionCompleted
		booked    = phoenix.SessionScheduled
		late      = phoenix.SessionLateCancellation
		dna       = phoenix.SessionDidNotAttend
		cancelled = phoenix.SessionCancelled
	)
	toOrg, toReview := phoenix.StateAwaitingOrganisation, phoenix.StateAwaitingClinicalQuestions

	tests := []countCase{{
		// 09:00 in Sydney on 15 July (UTC+10) is 23:00 UTC on 14 July; the session
		// is today's, and begins today's period.
		name: "sydney morning is today", zone: "Australia/Sydney",
		now: at(syd, "2026-07-15 14:00"), opened: "2026-07-01", grant: 4,
		sessions: []countedAt{{at(syd, "2026-07-15 09:00"), done},
			{at(syd, "2026-07-15 13:00"), booked}},
		request: 2,
		want: phoenix.Counts{Period: period("2026-07-15", "2027-07-15"), Completed: 1,
			Upcoming: 1, Remaining: 2, Requested: 2},
		state: toOrg,
	}, {
		// A period from 29 February 2028 ends on 28 February 2029, so 27 February is
		// its last day and a session on the 28th is in the next period. A late
		// cancellation and a did-not-attend use sessions, cancellations with notice do
		// not, even the one the day before the period began.
		name: "period from 29 February", now: at(mel, "2029-02-27 15:00"), opened: "2028-02-20",
		grant: 6,
		sessions: []countedAt{{at(mel, "2028-02-28 10:00"), cancelled},
			{at(mel, "2028-02-29 10:00"), done}, {at(mel, "2028-05-01 10:00"), late},
			{at(mel, "2028-08-01 10:00"), dna}, {at(mel, "2028-09-01 10:00"), cancelled},
			{at(mel, "2029-02-27 09:00"), booked}, {at(mel, "2029-02-28 10:00"), booked}},
		request: 4,
		want: phoenix.Counts{Period: period("2028-02-29", "2029-02-28"), Completed: 3,
			Upcoming: 1, Remaining: 2, Requested: 4},
		state: toOrg,
	}, {
		// The period from 29 October 2025 ends on 29 October 2026: the session the day
		// before counts in the old period, today's begins the new one.
		name: "day after the period's end", now: at(mel, "2026-10-29 14:00"),
		opened: "2025-10-20", grant: 6,
		sessions: []countedAt{{at(mel, "2025-10-29 10:00"), done},
			{at(mel, "2026-10-28 10:00"), done}, {at(mel, "2026-10-29 09:00"), done},
			{at(mel, "2026-11-05 10:00"), booked}},
		request: 3,
		want: phoenix.Counts{Period: period("2026-10-29", "2027-10-29"), Completed: 1,
			Upcoming: 1, Remaining: 0, Requested: 3},
		state: toOrg,
	}, {
		name: "no sessions yet", now: at(mel, "2026-10-29 14:00"), opened: "2026-10-29",
		grant: 6, request: 1,
		want: phoenix.Counts{Period: period("2026-10-29", "2027-10-29"), Remaining: 6,
			Requested: 1},
		state: toOrg,
	}, {
		name: "total of 11", now: at(mel, "2026-10-29 14:00"), opened: "2026-01-05", grant: 6,
		extra:    []phoenix.Grant{{Date: d("2026-06-01"), Sessions: 2}},
		sessions: sixDoneOneBooked(at),
		request:  3,
		want: phoenix.Counts{Period: period("2026-02-02", "2027-02-02"), Completed: 6,
			Upcoming: 1, Remaining: 1, Requested: 3},
		state: toOrg,
	}, {
		name: "total of 12", now: at(mel, "2026-10-29 14:00"), opened: "2026-01-05", grant: 6,
		extra:    []phoenix.Grant{{Date: d("2026-06-01"), Sessions: 2}},
		sessions: sixDoneOneBooked(at),
		request:  4,
		want: phoenix.Counts{Period: period("2026-02-02", "2027-02-02"), Completed: 6,
			Upcoming: 1, Remaining: 1, Requested: 4},
		state: toReview,
	}}

	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		sydney := newOrganisation(t, env, "Harbour Test Co", "NSW", "Australia/Sydney", 4, 4)
		for i, tc := range tests {
			orgID := f.Org.ID
			if tc.zone == "Australia/Sydney" {
				orgID = sydney.ID
			}
			k := newClientCase(t, env, orgID, f.Consultant.ID, "Client", fmt.Sprintf("Number%c", 'A'+i),
				tc.grant, d(tc.opened))
			checkCount(t, env, f, k, tc)
		}
	})
}

// sixDoneOneBooked is six completed sessions from 2 February 2026 and one booked
// after today.
func sixDoneOneBooked(at func(*time.Location, string) time.Time) []countedAt {
	mel := testenv.Melbourne
	out := []countedAt{}
	for _, day := range []string{"02-02", "03-02", "04-01", "05-04", "06-01", "07-01"} {
		out = append(out, countedAt{at(mel, "2026-"+day+" 10:00"), phoenix.SessionCompleted})
	}
	return append(out, countedAt{at(mel, "2026-11-03 10:00"), phoenix.SessionScheduled})
}

func checkCount(t *testing.T, env *testenv.Env, f testenv.Fixture, k phoenix.Case, tc countCase) {
	t.Helper()
	ctx := context.Background()
	for _, s := range tc.sessions {
		env.AddSession(t, k, s.at, s.status)
	}
	for _, g := range tc.extra {
		testenv.Must(t, env.Conn().AddGrant(ctx, k.ID, k.ClientID, g.Date, g.Sessions, 0))
	}
	env.Clock.Set(tc.now)
	org, err := env.Conn().Organisation(ctx, k.OrganisationID)
	testenv.Must(t, err)
	in := env.RequestInput(tc.request, "count-"+tc.name)
	in.RequestDate = phoenix.DateIn(tc.now, org.Location()).String()

	consultant := testenv.Actor(f.Consultant)
	form, err := env.Svc.RequestForm(ctx, consultant, k.ID)
	testenv.Must(t, err)
	formWant := tc.want
	formWant.Requested = 0
	if diff := cmp.Diff(formWant, form.Counts); diff != "" {
		t.Errorf("%s: form counts (-want +got):\n%s", tc.name, diff)
	}

	r, err := env.Svc.SubmitRequest(ctx, consultant, k.ID, in)
	if err != nil {
		t.Fatalf("%s: SubmitRequest = %v", tc.name, err)
	}
	stored, err := env.Conn().Request(ctx, r.ID)
	testenv.Must(t, err)
	if diff := cmp.Diff(tc.want, stored.Counts); diff != "" {
		t.Errorf("%s: stored counts (-want +got):\n%s", tc.name, diff)
	}
	if stored.State != tc.state {
		t.Errorf("%s: state = %s, want %s", tc.name, stored.State, tc.state)
	}
	if stored.Threshold != 12 {
		t.Errorf("%s: stored threshold = %d, want 12", tc.name, stored.Threshold)
	}
	checkRoute(t, env, f, k, stored)
}

// checkRoute checks where a new request went: to clinical review, with a flamed task
// for the consultant and an email to them, or to the organisation, with due dates.
func checkRoute(t *testing.T, env *testenv.Env, f testenv.Fixture, k phoenix.Case, r phoenix.Request) {
	t.Helper()
	ctx := context.Background()
	view, err := env.Svc.Case(ctx, testenv.Actor(f.Consultant), k.ID)
	testenv.Must(t, err)
	var review *service.TaskItem
	for i, task := range view.Tasks {
		if task.Kind == phoenix.TaskClinicalReview {
			review = &view.Tasks[i]
		}
	}
	emails, err := env.Conn().Emails(ctx, store.EmailFilter{RequestID: r.ID})
	testenv.Must(t, err)

	if r.State == phoenix.StateAwaitingClinicalQuestions {
		if review == nil || !review.Flame || review.RequestID != r.ID ||
			review.AssigneeID != f.Consultant.ID {
			t.Errorf("%s: clinical review task = %+v, want one with the flame for the consultant",
				r.Reference(), review)
		}
		if r.ReceivedAt != nil {
			t.Errorf("%s: in clinical review but received by the organisation", r.Reference())
		}
		if len(emails) != 1 || emails[0].To != f.Consultant.Email {
			t.Errorf("%s: emails = %+v, want one to the consultant", r.Reference(), emails)
		}
		return
	}
	if review != nil {
		t.Errorf("%s: clinical review task for a request under the threshold", r.Reference())
	}
	if r.ReceivedAt == nil || r.Goal == nil || r.Deadline == nil || !r.Goal.Before(*r.Deadline) {
		t.Errorf("%s: received %v, goal %v, deadline %v; want all set, goal first",
			r.Reference(), r.ReceivedAt, r.Goal, r.Deadline)
	}
	if r.OrganisationID == f.Org.ID && (len(emails) != 1 || emails[0].To != f.Reviewer.Email) {
		t.Errorf("%s: emails = %+v, want one to the organisation's reviewer", r.Reference(), emails)
	}
}

func TestSubmitRequestRecords(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		in := env.RequestInput(3, "records")
		in.Requestor = "client"
		in.Goals = "  Manage panic attacks on the commute.  "
		in.Pathway, in.PathwayOther = "gp_or_psychologist", "ignored unless other"
		r, err := env.Svc.SubmitRequest(ctx, testenv.Actor(f.Consultant), f.Case.ID, in)
		testenv.Must(t, err)

		stored, err := env.Conn().Request(ctx, r.ID)
		testenv.Must(t, err)
		if stored.Requestor != phoenix.RequestorClient || stored.Sessions != 3 ||
			stored.Goals != "Manage panic attacks on the commute." ||
			stored.Pathway != phoenix.PathwayGP || stored.PathwayOther != "" ||
			stored.RequestDate.String() != "2026-10-29" || stored.ConsultantID != f.Consultant.ID ||
			stored.ClientID != f.Client.ID || stored.ContractID != f.Contract.ID {
			t.Errorf("stored request = %+v, want the form's values", stored)
		}
		if !strings.HasPrefix(stored.Reference(), "ESR-") || len(stored.Reference()) != 10 {
			t.Errorf("Reference() = %q, want ESR- and six digits", stored.Reference())
		}
		assertAudit(t, env, "submit", "request", r.ID)
		events, err := env.Conn().Events(ctx, r.ID)
		testenv.Must(t, err)
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.Kind)
		}
		if diff := cmp.Diff([]string{"submitted", "received"}, kinds); diff != "" {
			t.Errorf("timeline kinds (-want +got):\n%s", diff)
		}

		// The status page shows the request to its consultant, with its emails.
		v, err := env.Svc.Request(ctx, testenv.Actor(f.Consultant), r.ID)
		testenv.Must(t, err)
		if !v.CanWithdraw || len(v.Emails) != 1 || len(v.Events) != 2 {
			t.Errorf("Request view: can withdraw %v, %d emails, %d events; want true, 1, 2",
				v.CanWithdraw, len(v.Emails), len(v.Events))
		}
	})
}

func TestSubmitRequestSecondOpen(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)
		first, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, env.RequestInput(2, "first"))
		testenv.Must(t, err)

		_, err = env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, env.RequestInput(1, "second"))
		var e *phoenix.Error
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT {
			t.Fatalf("SubmitRequest(second open) = %v, want conflict", err)
		}
		e = err.(*phoenix.Error)
		if want := fmt.Sprintf("/requests/%d", first.ID); e.Link != want {
			t.Errorf("conflict link = %q, want %q", e.Link, want)
		}
		if !strings.Contains(e.Message, first.Reference()) {
			t.Errorf("conflict message %q does not name %s", e.Message, first.Reference())
		}

		// Intake meets the same rule.
		_, err = env.Svc.SubmitRequest(ctx, testenv.Actor(f.Intake), f.Case.ID, env.RequestInput(1, "intake"))
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT {
			t.Errorf("SubmitRequest(intake, second open) = %v, want conflict", err)
		}

		// Once the first is withdrawn, a new one may be submitted.
		testenv.Must(t, env.Svc.Withdraw(ctx, consultant, first.ID, "Client asked to pause."))
		second, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, env.RequestInput(1, "second"))
		testenv.Must(t, err)
		if second.ID == first.ID {
			t.Error("the request after withdrawal reused the withdrawn one")
		}
	})
}

// TestSubmitRequestConcurrent submits on one case from several goroutines at once,
// each with its own key: one request is stored and the rest get the conflict.
func TestSubmitRequestConcurrent(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, errs[i] = env.Svc.SubmitRequest(ctx, testenv.Actor(f.Consultant), f.Case.ID,
					env.RequestInput(2, fmt.Sprintf("racer-%d", i)))
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch phoenix.ErrorCode(err) {
			case "":
				ok++
			case phoenix.ECONFLICT:
			default:
				t.Errorf("concurrent SubmitRequest = %v, want success or conflict", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d concurrent submissions succeeded, want 1", ok)
		}
		list, err := env.Conn().Requests(ctx, store.RequestFilter{CaseID: f.Case.ID})
		testenv.Must(t, err)
		if len(list) != 1 {
			t.Errorf("case has %d requests, want 1", len(list))
		}
	})
}

// TestSubmitRequestRepeat sends the same form twice, one after the other and then
// several times at once: every reply is the request the first one created.
func TestSubmitRequestRepeat(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)

		first, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, env.RequestInput(2, "double-click"))
		testenv.Must(t, err)
		again, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, env.RequestInput(2, "double-click"))
		testenv.Must(t, err)
		if again.ID != first.ID {
			t.Errorf("repeat returned %s, want %s", again.Reference(), first.Reference())
		}
		testenv.Must(t, env.Svc.Withdraw(ctx, consultant, first.ID, "Testing repeats."))

		// At once: all wait on the case's lock, and the later ones find the first.
		const n = 6
		ids := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				r, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID,
					env.RequestInput(2, "retry-storm"))
				ids[i], errs[i] = r.ID, err
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Errorf("concurrent repeat %d = %v, want the first request", i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Errorf("concurrent repeat %d returned request %d, want %d", i, ids[i], ids[0])
			}
		}
		list, err := env.Conn().Requests(ctx, store.RequestFilter{CaseID: f.Case.ID})
		testenv.Must(t, err)
		if len(list) != 2 {
			t.Errorf("case has %d requests, want 2 (the withdrawn one and the repeated one)", len(list))
		}

		// The key belongs to its case: reusing it on another case is a conflict, not
		// the other case's request.
		other := newClientCase(t, env, f.Org.ID, f.Consultant.ID, "Sasha", "Merriwether", 6,
			phoenix.MustParseDate("2026-10-01"))
		_, err = env.Svc.SubmitRequest(ctx, consultant, other.ID, env.RequestInput(2, "retry-storm"))
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT || !strings.Contains(err.Error(), "another case") {
			t.Errorf("SubmitRequest(key of another case) = %v, want a conflict", err)
		}
		assertNoRequest(t, env, other.ID)

		// The same key with other details is a new form sent with a stale key: a
		// conflict that links to the first request, not a silent repeat.
		changed := env.RequestInput(3, "retry-storm")
		_, err = env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, changed)
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT {
			t.Errorf("SubmitRequest(same key, 3 sessions) = %v, want a conflict", err)
		}
		var e *phoenix.Error
		if errors.As(err, &e) && e.Link != fmt.Sprintf("/requests/%d", ids[0]) {
			t.Errorf("conflict link = %q, want /requests/%d", e.Link, ids[0])
		}
	})
}

// TestBookingGuard checks that booking on a case with no remaining sessions names the
// open request, and that the guard does not apply while sessions remain.
func TestBookingGuard(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)

		// Five of six sessions used: a request is open, and one session remains.
		for i := range 5 {
			env.AddSession(t, f.Case, time.Date(2026, 5, 4+7*i, 10, 0, 0, 0, testenv.Melbourne),
				phoenix.SessionCompleted)
		}
		r, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, env.RequestInput(4, "guard"))
		testenv.Must(t, err)
		_, err = env.Svc.BookSession(ctx, consultant, f.Case.ID, booking("2026-11-02", "10:00", "10:50"))
		testenv.Must(t, err)

		// None remains now.
		for _, who := range []phoenix.User{f.Consultant, f.Intake} {
			_, err = env.Svc.BookSession(ctx, testenv.Actor(who), f.Case.ID,
				booking("2026-11-09", "10:00", "10:50"))
			var e *phoenix.Error
			if phoenix.ErrorCode(err) != phoenix.ECONFLICT {
				t.Fatalf("BookSession(%s, no sessions left, request open) = %v, want conflict",
					who.Role, err)
			}
			e = err.(*phoenix.Error)
			if !strings.Contains(e.Message, r.Reference()) ||
				!strings.Contains(e.Message, "awaiting its outcome") {
				t.Errorf("guard message %q, want it to name %s awaiting its outcome", e.Message,
					r.Reference())
			}
			if want := fmt.Sprintf("/requests/%d", r.ID); e.Link != want {
				t.Errorf("guard link = %q, want %q", e.Link, want)
			}
		}
		assertSessionCount(t, env, f.Case.ID, 6)

		// Withdrawn, the request no longer blocks by name, but the allowance still does.
		testenv.Must(t, env.Svc.Withdraw(ctx, consultant, r.ID, "Client moving away."))
		_, err = env.Svc.BookSession(ctx, consultant, f.Case.ID, booking("2026-11-09", "10:00", "10:50"))
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT || strings.Contains(err.Error(), r.Reference()) ||
			!strings.Contains(err.Error(), "Request extra sessions") {
			t.Errorf("BookSession(after withdrawal) = %v, want the allowance conflict", err)
		}

		// A cancellation frees a session, and booking works again.
		sessions, err := env.Conn().CaseSessions(ctx, f.Case.ID)
		testenv.Must(t, err)
		last := sessions[len(sessions)-1]
		testenv.Must(t, env.Svc.SetSessionStatus(ctx, consultant, last.ID, phoenix.SessionCancelled))
		_, err = env.Svc.BookSession(ctx, consultant, f.Case.ID, booking("2026-11-09", "10:00", "10:50"))
		testenv.Must(t, err)
	})
}

func TestWithdraw(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)

		// Total 12 with the request: it waits on the consultant's clinical questions.
		for i := range 6 {
			env.AddSession(t, f.Case, time.Date(2026, 5, 4+7*i, 10, 0, 0, 0, testenv.Melbourne),
				phoenix.SessionCompleted)
		}
		testenv.Must(t, env.Conn().AddGrant(ctx, f.Case.ID, f.Client.ID,
			phoenix.MustParseDate("2026-07-01"), 2, 0))
		r, err := env.Svc.SubmitRequest(ctx, consultant, f.Case.ID, env.RequestInput(4, "withdraw"))
		testenv.Must(t, err)
		if r.State != phoenix.StateAwaitingClinicalQuestions {
			t.Fatalf("state = %s, want awaiting clinical questions", r.State)
		}

		for _, reason := range []string{"", "  \n ", strings.Repeat("r", 1001)} {
			err := env.Svc.Withdraw(ctx, consultant, r.ID, reason)
			if phoenix.ErrorCode(err) != phoenix.EINVALID || phoenix.ErrorFields(err)["reason"] == "" {
				t.Errorf("Withdraw(reason of %d characters) = %v, want the reason rejected",
					len(reason), err)
			}
		}
		testenv.Must(t, env.Svc.Withdraw(ctx, consultant, r.ID, " Client found a local service. "))

		stored, err := env.Conn().Request(ctx, r.ID)
		testenv.Must(t, err)
		if stored.State != phoenix.StateWithdrawn || stored.Reason != "Client found a local service." ||
			stored.DecidedAt == nil {
			t.Errorf("withdrawn request = state %s, reason %q, decided %v", stored.State,
				stored.Reason, stored.DecidedAt)
		}
		task, err := env.Conn().RequestTask(ctx, r.ID)
		testenv.Must(t, err)
		if task.Open {
			t.Error("clinical review task still open after withdrawal")
		}
		assertAudit(t, env, "withdraw", "request", r.ID)
		v, err := env.Svc.Request(ctx, consultant, r.ID)
		testenv.Must(t, err)
		if v.CanWithdraw {
			t.Error("a withdrawn request can be withdrawn again")
		}
		if last := v.Events[len(v.Events)-1]; last.Kind != "withdrawn" {
			t.Errorf("last timeline step = %s, want withdrawn", last.Kind)
		}

		err = env.Svc.Withdraw(ctx, consultant, r.ID, "Again.")
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT {
			t.Errorf("Withdraw(withdrawn) = %v, want conflict", err)
		}
	})
}
