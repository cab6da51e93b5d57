package service_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// reviewWorld is the fixture with a request of four sessions awaiting the
// organisation. The client has one completed and one upcoming session, so the request
// shows two sessions used, and the case's allowance is 6.
type reviewWorld struct {
	env *testenv.Env
	f   testenv.Fixture
	r   phoenix.Request
}

func newReviewWorld(t *testing.T, dsn string, opts testenv.Options) reviewWorld {
	t.Helper()
	env := testenv.New(t, dsn, opts)
	f := env.Seed(t)
	env.AddSession(t, f.Case, testenv.Start.AddDate(0, 0, -30), phoenix.SessionCompleted)
	env.AddSession(t, f.Case, testenv.Start.AddDate(0, 0, 7), phoenix.SessionScheduled)
	w := reviewWorld{env: env, f: f}
	w.r = w.submit(t, f.Case, "review-1")
	return w
}

// submit submits a request of four sessions on k as the fixture's consultant.
func (w reviewWorld) submit(t *testing.T, k phoenix.Case, key string) phoenix.Request {
	t.Helper()
	in := w.env.RequestInput(4, key)
	r, err := w.env.Svc.SubmitRequest(context.Background(), testenv.Actor(w.f.Consultant),
		k.ID, in)
	if err != nil {
		t.Fatalf("SubmitRequest(case %d) = %v", k.ID, err)
	}
	return r
}

func (w reviewWorld) decide(id int64, decision, sessions, reason string) (service.ReviewItem, error) {
	return w.env.Svc.Decide(context.Background(), testenv.Actor(w.f.Reviewer), id,
		service.DecisionInput{Decision: decision, Sessions: sessions, Reason: reason})
}

// allowance returns the fixture case's allowance.
func (w reviewWorld) allowance(t *testing.T) int {
	t.Helper()
	return caseAllowance(t, w.env, w.f.Case.ID)
}

// granted returns the sessions of every grant on the fixture client's cases.
func (w reviewWorld) granted(t *testing.T) int {
	t.Helper()
	return clientGranted(t, w.env, w.f.Client.ID)
}

func caseAllowance(t *testing.T, env *testenv.Env, caseID int64) int {
	t.Helper()
	k, err := env.Conn().Case(context.Background(), caseID)
	testenv.Must(t, err)
	return k.Allowance
}

func clientGranted(t *testing.T, env *testenv.Env, clientID int64) int {
	t.Helper()
	grants, err := env.Conn().Grants(context.Background(), clientID)
	testenv.Must(t, err)
	n := 0
	for _, g := range grants {
		n += g.Sessions
	}
	return n
}

// reviewOutbox returns a request's outbox messages by audience.
func reviewOutbox(t *testing.T, env *testenv.Env, requestID int64) map[string][]store.Email {
	t.Helper()
	list, err := env.Conn().Emails(context.Background(), store.EmailFilter{
		RequestID: requestID, Page: store.Page{Limit: 200}})
	testenv.Must(t, err)
	out := map[string][]store.Email{}
	for _, e := range list {
		out[e.Audience] = append(out[e.Audience], e)
	}
	return out
}

// onlyEmail returns the one message of an audience, failing the test when there is
// not exactly one.
func onlyEmail(t *testing.T, box map[string][]store.Email, audience string) store.Email {
	t.Helper()
	if len(box[audience]) != 1 {
		t.Fatalf("%d emails to the %s, want 1", len(box[audience]), audience)
	}
	return box[audience][0]
}

func TestDecideApprove(t *testing.T) {
	for _, n := range []int{4, 2} {
		t.Run(fmt.Sprintf("%d of 4", n), func(t *testing.T) {
			testenv.Each(t, func(t *testing.T, dsn string) {
				w := newReviewWorld(t, dsn, testenv.Options{})
				item, err := w.decide(w.r.ID, "approve", fmt.Sprint(n), "")
				if err != nil {
					t.Fatalf("Decide(approve %d) = %v", n, err)
				}
				if item.State != phoenix.StateApproved || item.Approved != n {
					t.Errorf("Decide(approve %d) = %s with %d, want approved with %d",
						n, item.State, item.Approved, n)
				}
				if item.Allowance != 6+n {
					t.Errorf("Decide(approve %d).Allowance = %d, want %d", n, item.Allowance, 6+n)
				}
				checkApproved(t, w, n)
			})
		})
	}
}

func checkApproved(t *testing.T, w reviewWorld, n int) {
	t.Helper()
	r, err := w.env.Conn().Request(context.Background(), w.r.ID)
	testenv.Must(t, err)
	if r.State != phoenix.StateApproved || r.Approved != n || r.DecidedAt == nil {
		t.Errorf("stored request = %s, %d approved, decided %v; want approved, %d, set",
			r.State, r.Approved, r.DecidedAt, n)
	}
	if got := w.allowance(t); got != 6+n {
		t.Errorf("case allowance = %d, want %d", got, 6+n)
	}
	if got := w.granted(t); got != 6+n {
		t.Errorf("sessions granted = %d, want %d", got, 6+n)
	}
	assertAudit(t, w.env, "approved", "request", w.r.ID)

	box := reviewOutbox(t, w.env, w.r.ID)
	consultant := onlyEmail(t, box, service.AudienceConsultant)
	wantSubject := fmt.Sprintf("Extra sessions request %s approved: %d of 4 sessions",
		w.r.Reference(), n)
	if consultant.To != w.f.Consultant.Email || consultant.Subject != wantSubject {
		t.Errorf("consultant email = %q %q, want %q %q", consultant.To, consultant.Subject,
			w.f.Consultant.Email, wantSubject)
	}
	for _, want := range []string{
		fmt.Sprintf("Acme Freight approved %d of the 4 extra sessions", n),
		w.f.Client.Name(), w.f.Case.Reference(),
		fmt.Sprintf("allowance is now %d sessions", 6+n),
		fmt.Sprintf("http://phoenix.test/requests/%d", w.r.ID),
	} {
		if !strings.Contains(consultant.Body, want) {
			t.Errorf("consultant email body lacks %q:\n%s", want, consultant.Body)
		}
	}

	client := onlyEmail(t, box, service.AudienceClient)
	if client.To != w.f.Client.Email {
		t.Errorf("client email to %q, want %q", client.To, w.f.Client.Email)
	}
	want := fmt.Sprintf("was approved: %d session", n)
	if !strings.Contains(client.Body, want) {
		t.Errorf("client email body lacks %q:\n%s", want, client.Body)
	}
	checkClientEmail(t, w, client)
}

// checkClientEmail checks that the client's outcome email carries no clinical detail
// and nothing that names the client, the case or the consultant.
func checkClientEmail(t *testing.T, w reviewWorld, e store.Email) {
	t.Helper()
	for _, banned := range []string{w.r.Goals, w.r.Pathway.Label(), "ASST-",
		w.f.Client.FirstName, w.f.Client.LastName, w.f.Consultant.Name, "/requests/"} {
		if strings.Contains(e.Body+e.Subject, banned) {
			t.Errorf("client email contains %q:\n%s", banned, e.Body)
		}
	}
	if found := phoenix.FindIdentifiers(e.Body, w.f.Client.Identity()); len(found) > 0 {
		t.Errorf("client email has identifiers %v:\n%s", found, e.Body)
	}
}

func TestDecideDecline(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn, testenv.Options{})
		const reason = "The quarter's EAP budget is fully committed."
		item, err := w.decide(w.r.ID, "decline", "4", "  "+reason+"\n")
		if err != nil {
			t.Fatalf("Decide(decline) = %v", err)
		}
		if item.State != phoenix.StateDeclined || item.Approved != 0 || item.Reason != reason {
			t.Errorf("Decide(decline) = %s, %d approved, reason %q; want declined, 0, %q",
				item.State, item.Approved, item.Reason, reason)
		}
		if got := w.allowance(t); got != 6 {
			t.Errorf("case allowance = %d, want 6", got)
		}
		if got := w.granted(t); got != 6 {
			t.Errorf("sessions granted = %d, want 6", got)
		}
		assertAudit(t, w.env, "declined", "request", w.r.ID)

		box := reviewOutbox(t, w.env, w.r.ID)
		consultant := onlyEmail(t, box, service.AudienceConsultant)
		if want := "Reason: " + reason; !strings.Contains(consultant.Body, want) {
			t.Errorf("consultant email body lacks %q:\n%s", want, consultant.Body)
		}
		if want := w.r.Reference() + " declined"; !strings.Contains(consultant.Subject, want) {
			t.Errorf("consultant email subject = %q, want it to contain %q",
				consultant.Subject, want)
		}
		client := onlyEmail(t, box, service.AudienceClient)
		if !strings.Contains(client.Body, "was not approved") {
			t.Errorf("client email body lacks the outcome:\n%s", client.Body)
		}
		if strings.Contains(client.Body, "budget") {
			t.Errorf("client email carries the reason:\n%s", client.Body)
		}
		checkClientEmail(t, w, client)
	})
}

func TestDecideRejects(t *testing.T) {
	tests := []struct {
		name                       string
		decision, sessions, reason string
		field, want                string
	}{
		{"zero", "approve", "0", "", "sessions", "a whole number from 1 to 4"},
		{"above requested", "approve", "5", "", "sessions", "a whole number from 1 to 4"},
		{"fraction", "approve", "2.5", "", "sessions", "a whole number from 1 to 4"},
		{"words", "approve", "two", "", "sessions", "a whole number from 1 to 4"},
		{"negative", "approve", "-1", "", "sessions", "a whole number from 1 to 4"},
		{"blank", "approve", " ", "", "sessions", "Sessions approved is required"},
		{"no decision", "", "4", "", "decision", "Decision is required"},
		{"unknown decision", "defer", "4", "", "decision", "Decision is required"},
		{"decline without reason", "decline", "", "  \n", "reason", "Reason is required"},
		{"reason too long", "decline", "", strings.Repeat("é", phoenix.MaxReasonLength+1),
			"reason", "at most 1000 characters; it has 1001"},
		{"note too long", "approve", "4", strings.Repeat("x", phoenix.MaxReasonLength+1),
			"reason", "at most 1000 characters"},
	}
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn, testenv.Options{NoQueue: true})
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := w.decide(w.r.ID, tt.decision, tt.sessions, tt.reason)
				if code := phoenix.ErrorCode(err); code != phoenix.EINVALID {
					t.Fatalf("Decide(%q, %q) = %v, want %s", tt.decision, tt.sessions, err,
						phoenix.EINVALID)
				}
				got := phoenix.ErrorFields(err)[tt.field]
				if !strings.Contains(got, tt.want) {
					t.Errorf("Decide(%q, %q) %s message = %q, want it to contain %q",
						tt.decision, tt.sessions, tt.field, got, tt.want)
				}
			})
		}
		r, err := w.env.Conn().Request(context.Background(), w.r.ID)
		testenv.Must(t, err)
		if r.State != phoenix.StateAwaitingOrganisation || w.allowance(t) != 6 {
			t.Errorf("after rejected decisions: %s, allowance %d; want awaiting, 6", r.State,
				w.allowance(t))
		}
	})
}

// TestDecideConcurrent makes decisions on one request at the same moment: exactly one
// is stored, the others learn the outcome, and the allowance and the emails follow the
// one stored.
func TestDecideConcurrent(t *testing.T) {
	rounds := []struct {
		name      string
		decisions []service.DecisionInput
	}{
		{"approve and decline", []service.DecisionInput{
			{Decision: "approve", Sessions: "4"}, {Decision: "decline", Reason: "No budget."}}},
		{"two approvals", []service.DecisionInput{
			{Decision: "approve", Sessions: "2"}, {Decision: "approve", Sessions: "3"}}},
		{"four at once", []service.DecisionInput{
			{Decision: "approve", Sessions: "1"}, {Decision: "decline", Reason: "No."},
			{Decision: "approve", Sessions: "4"}, {Decision: "approve", Sessions: "2"}}},
	}
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn, testenv.Options{NoQueue: true})
		for i, round := range rounds {
			// Each round has a case of its own, since an approval raises the next
			// request's total to the clinical review threshold.
			k, r := w.f.Case, w.r
			if i > 0 {
				k = addReviewCase(t, w, fmt.Sprintf("Round%d", i), 0)
				r = w.submit(t, k, fmt.Sprintf("concurrent-%d", i))
			}
			t.Run(round.name, func(t *testing.T) {
				granted := 6
				winner := decideAtOnce(t, w, r.ID, round.decisions)
				stored, err := w.env.Conn().Request(context.Background(), r.ID)
				testenv.Must(t, err)
				if string(stored.State) != winner.Decision+"d" {
					t.Errorf("stored state = %s, want the winner's %s", stored.State,
						winner.Decision)
				}
				if winner.Decision == "approve" {
					granted += stored.Approved
					if fmt.Sprint(stored.Approved) != winner.Sessions {
						t.Errorf("stored approved = %d, want the winner's %s", stored.Approved,
							winner.Sessions)
					}
				}
				if got := caseAllowance(t, w.env, k.ID); got != granted {
					t.Errorf("case allowance = %d, want %d", got, granted)
				}
				if got := clientGranted(t, w.env, k.ClientID); got != granted {
					t.Errorf("sessions granted = %d, want %d", got, granted)
				}
				box := reviewOutbox(t, w.env, r.ID)
				for _, audience := range []string{service.AudienceConsultant,
					service.AudienceClient} {
					if len(box[audience]) != 1 {
						t.Errorf("%d emails to the %s, want 1", len(box[audience]), audience)
					}
				}
				if n := countEvents(t, w.env, r.ID, string(stored.State)); n != 1 {
					t.Errorf("%d %s timeline steps, want 1", n, stored.State)
				}
			})
		}
	})
}

// decideAtOnce releases every decision together and returns the one that was stored,
// checking that each of the others got ECONFLICT naming the stored outcome.
func decideAtOnce(t *testing.T, w reviewWorld, id int64, decisions []service.DecisionInput) service.DecisionInput {
	t.Helper()
	start := make(chan struct{})
	errs := make([]error, len(decisions))
	done := make(chan int)
	for i, in := range decisions {
		go func() {
			<-start
			_, errs[i] = w.env.Svc.Decide(context.Background(), testenv.Actor(w.f.Reviewer),
				id, in)
			done <- i
		}()
	}
	close(start)
	for range decisions {
		<-done
	}

	winner := -1
	for i, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("decisions %d and %d were both stored", winner, i)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatalf("no decision was stored: %v", errs)
	}
	outcome := "declined"
	if decisions[winner].Decision == "approve" {
		outcome = "approved with " + decisions[winner].Sessions + " sessions"
	}
	for i, err := range errs {
		if i == winner {
			continue
		}
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT ||
			!strings.Contains(err.Error(), "already decided: "+outcome) {
			t.Errorf("losing decision %d = %v, want %s naming %q", i, err, phoenix.ECONFLICT,
				outcome)
		}
	}
	return decisions[winner]
}

// blockEmailsTo makes the test database reject outbox messages to addresses ending in
// domain, so that a decision fails after it has changed the request. The returned
// function removes the rule.
func blockEmailsTo(t *testing.T, env *testenv.Env, domain string) (unblock func()) {
	t.Helper()
	ctx := context.Background()
	db := env.DB.SQL()
	if env.DB.Dialect() == store.Postgres {
		_, err := db.ExecContext(ctx, `ALTER TABLE emails ADD CONSTRAINT emails_blocked
			CHECK (to_address NOT LIKE '%@`+domain+`')`)
		testenv.Must(t, err)
		return func() {
			_, err := db.ExecContext(ctx, `ALTER TABLE emails DROP CONSTRAINT emails_blocked`)
			testenv.Must(t, err)
		}
	}
	_, err := db.ExecContext(ctx, `CREATE TRIGGER emails_blocked BEFORE INSERT ON emails
		WHEN NEW.to_address LIKE '%@`+domain+`'
		BEGIN SELECT RAISE(ABORT, 'address blocked by the test'); END`)
	testenv.Must(t, err)
	return func() {
		_, err := db.ExecContext(ctx, `DROP TRIGGER emails_blocked`)
		testenv.Must(t, err)
	}
}

func countRows(t *testing.T, env *testenv.Env, table string) int {
	t.Helper()
	var n int
	err := env.DB.SQL().QueryRowContext(context.Background(),
		`SELECT count(*) FROM `+table).Scan(&n)
	testenv.Must(t, err)
	return n
}

// TestDecideRollsBack makes the client's outcome email, the last write of a decision,
// fail: the request, the allowance, the timeline and the outbox stay as they were and
// nothing is sent. The same decision succeeds once the email can be stored.
func TestDecideRollsBack(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn, testenv.Options{SMTP: true})
		ctx := context.Background()
		w.env.SMTP.WaitFor(t, 1, 10*time.Second)

		client := w.f.Client
		client.Email = "jordan@blocked.test"
		testenv.Must(t, w.env.Conn().UpdateClient(ctx, client))
		unblock := blockEmailsTo(t, w.env, "blocked.test")

		tables := []string{"emails", "river_job", "request_events", "grants", "audit_events"}
		before := map[string]int{}
		for _, table := range tables {
			before[table] = countRows(t, w.env, table)
		}
		if _, err := w.decide(w.r.ID, "approve", "2", ""); err == nil {
			t.Fatal("Decide with a rejected client email = nil, want an error")
		}
		for _, table := range tables {
			if got := countRows(t, w.env, table); got != before[table] {
				t.Errorf("%s rows = %d after the failed decision, want %d", table, got,
					before[table])
			}
		}
		r, err := w.env.Conn().Request(ctx, w.r.ID)
		testenv.Must(t, err)
		if r.State != phoenix.StateAwaitingOrganisation || r.Approved != 0 || r.DecidedAt != nil {
			t.Errorf("request after the failed decision = %s, %d approved; want unchanged",
				r.State, r.Approved)
		}
		if got := w.allowance(t); got != 6 {
			t.Errorf("case allowance = %d after the failed decision, want 6", got)
		}

		unblock()
		if _, err := w.decide(w.r.ID, "approve", "2", ""); err != nil {
			t.Fatalf("Decide after unblocking = %v", err)
		}
		got := w.env.SMTP.WaitFor(t, 3, 10*time.Second)
		if len(got) != 3 {
			t.Errorf("SMTP server received %d messages, want 3: the reviewer's and two "+
				"outcomes", len(got))
		}
	})
}

func TestDecideOtherOrganisation(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		other := addReviewOrg(t, w, "Harbour Rail")
		a := testenv.Actor(other.reviewer)

		_, err := w.env.Svc.ReviewRequest(ctx, a, w.r.ID)
		if phoenix.ErrorCode(err) != phoenix.ENOTFOUND || phoenix.ErrorMessage(err) != "Request not found." {
			t.Errorf("ReviewRequest(other organisation) = %v, want %q", err, "Request not found.")
		}
		_, err = w.env.Svc.Decide(ctx, a, w.r.ID, service.DecisionInput{Decision: "approve",
			Sessions: "4"})
		if phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
			t.Errorf("Decide(other organisation) = %v, want %s", err, phoenix.ENOTFOUND)
		}
		queue, err := w.env.Svc.ReviewQueue(ctx, a, store.Page{})
		testenv.Must(t, err)
		if len(queue) != 0 {
			t.Errorf("other organisation's queue has %d requests, want 0", len(queue))
		}

		// The fixture's reviewer cannot see the other organisation's request either.
		theirs := w.submit(t, other.k, "other-org")
		_, err = w.env.Svc.ReviewRequest(ctx, testenv.Actor(w.f.Reviewer), theirs.ID)
		if phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
			t.Errorf("ReviewRequest(fixture reviewer, other request) = %v, want %s", err,
				phoenix.ENOTFOUND)
		}
		r, err := w.env.Conn().Request(ctx, w.r.ID)
		testenv.Must(t, err)
		if r.State != phoenix.StateAwaitingOrganisation {
			t.Errorf("request state = %s after another organisation's decision, want %s",
				r.State, phoenix.StateAwaitingOrganisation)
		}
	})
}

// reviewOrg is a second organisation with a reviewer and a case.
type reviewOrg struct {
	org      phoenix.Organisation
	reviewer phoenix.User
	k        phoenix.Case
}

func addReviewOrg(t *testing.T, w reviewWorld, name string) reviewOrg {
	t.Helper()
	ctx := context.Background()
	var o reviewOrg
	testenv.Must(t, w.env.DB.InTx(ctx, func(c *store.Conn) error {
		var err error
		o.org, _, err = w.env.AddOrganisation(ctx, c, name, "NSW", "Australia/Sydney", 6)
		if err != nil {
			return err
		}
		client, err := w.env.AddClient(ctx, c, o.org.ID, "Avery", "Lindqvist")
		if err != nil {
			return err
		}
		o.k, err = w.env.AddCase(ctx, c, client, w.f.Consultant.ID, 6,
			phoenix.DateIn(testenv.Start, testenv.Melbourne).AddDays(-30))
		return err
	}))
	o.reviewer = w.env.AddUser(t, phoenix.User{Email: "reviewer@harbour.test",
		Name: "Harbour Reviewer", Role: phoenix.RoleReviewer, OrganisationID: o.org.ID})
	return o
}

func TestReviewForbidden(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		for _, u := range []phoenix.User{w.f.Consultant, w.f.Intake, w.f.Leader, w.f.Admin} {
			a := testenv.Actor(u)
			calls := map[string]func() error{
				"ReviewQueue": func() error {
					_, err := w.env.Svc.ReviewQueue(ctx, a, store.Page{})
					return err
				},
				"DecidedRequests": func() error {
					_, err := w.env.Svc.DecidedRequests(ctx, a, store.Page{})
					return err
				},
				"ReviewRequest": func() error {
					_, err := w.env.Svc.ReviewRequest(ctx, a, w.r.ID)
					return err
				},
				"Decide": func() error {
					_, err := w.env.Svc.Decide(ctx, a, w.r.ID, service.DecisionInput{
						Decision: "approve", Sessions: "4"})
					return err
				},
			}
			for name, call := range calls {
				if err := call(); phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
					t.Errorf("%s as %s = %v, want %s", name, u.Role, err, phoenix.EFORBIDDEN)
				}
			}
		}
		if w.allowance(t) != 6 {
			t.Errorf("case allowance = %d, want 6", w.allowance(t))
		}
	})
}

// TestReviewItem checks the fields a reviewer gets for a request, with dates local to
// the organisation, and the due date and overdue flags as the clock passes them.
func TestReviewItem(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		testenv.Must(t, w.env.Conn().AddEvent(ctx, store.Event{RequestID: w.r.ID,
			At: testenv.Start, Kind: "note", Text: "Provider-only step.", OrgVisible: false}))

		got, err := w.env.Svc.ReviewRequest(ctx, testenv.Actor(w.f.Reviewer), w.r.ID)
		testenv.Must(t, err)
		// Submitted on Thursday 29 October 2026 in Melbourne: the goal is seven business
		// days later with Melbourne Cup day skipped, and the deadline one day after.
		want := service.ReviewItem{ID: w.r.ID, Reference: w.r.Reference(),
			TimeZone: "Australia/Melbourne", Received: phoenix.MustParseDate("2026-10-29"),
			Sessions: 4, Used: 2, Allowance: 6, Goals: w.r.Goals,
			Pathway: phoenix.PathwayContinueEAP, Goal: phoenix.MustParseDate("2026-11-10"),
			Deadline: phoenix.MustParseDate("2026-11-11"),
			State:    phoenix.StateAwaitingOrganisation}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(service.ReviewItem{}, "Events")); diff != "" {
			t.Errorf("ReviewRequest mismatch (-want +got):\n%s", diff)
		}
		var texts []string
		for _, e := range got.Events {
			texts = append(texts, e.Text)
		}
		if len(texts) != 2 || strings.Contains(strings.Join(texts, "\n"), "Provider-only") {
			t.Errorf("ReviewRequest timeline = %q, want the submitted and received steps only",
				texts)
		}

		loc := testenv.Melbourne
		for _, tt := range []struct {
			at                time.Time
			pastGoal, overdue bool
		}{
			{time.Date(2026, 11, 10, 23, 0, 0, 0, loc), false, false},
			{time.Date(2026, 11, 11, 0, 30, 0, 0, loc), true, false},
			{time.Date(2026, 11, 12, 0, 30, 0, 0, loc), true, true},
		} {
			w.env.Clock.Set(tt.at)
			queue, err := w.env.Svc.ReviewQueue(ctx, testenv.Actor(w.f.Reviewer), store.Page{})
			testenv.Must(t, err)
			if len(queue) != 1 {
				t.Fatalf("ReviewQueue at %s has %d requests, want 1", tt.at, len(queue))
			}
			if queue[0].PastGoal != tt.pastGoal || queue[0].Overdue != tt.overdue {
				t.Errorf("ReviewQueue at %s: past goal %t, overdue %t; want %t, %t", tt.at,
					queue[0].PastGoal, queue[0].Overdue, tt.pastGoal, tt.overdue)
			}
		}
	})
}

// TestReviewQueueOrder checks that the queue lists requests by due date, not by
// number, and leaves out a request still in clinical review.
func TestReviewQueueOrder(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		early := addReviewCase(t, w, "Early", 0)
		clinical := addReviewCase(t, w, "Clinical", 8)

		// Submitted a day before the fixture's request, so due a business day earlier.
		w.env.Clock.Set(testenv.Start.AddDate(0, 0, -1))
		earlyRequest := w.submit(t, early, "early")
		inReview := w.submit(t, clinical, "clinical")
		if inReview.State == phoenix.StateAwaitingOrganisation {
			t.Fatalf("request on a case with 8 sessions used went to the organisation")
		}

		queue, err := w.env.Svc.ReviewQueue(ctx, testenv.Actor(w.f.Reviewer), store.Page{})
		testenv.Must(t, err)
		var got []int64
		for _, item := range queue {
			got = append(got, item.ID)
		}
		if diff := cmp.Diff([]int64{earlyRequest.ID, w.r.ID}, got); diff != "" {
			t.Errorf("ReviewQueue order mismatch (-want +got):\n%s", diff)
		}
		_, err = w.env.Svc.ReviewRequest(ctx, testenv.Actor(w.f.Reviewer), inReview.ID)
		if phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
			t.Errorf("ReviewRequest(in clinical review) = %v, want %s", err, phoenix.ENOTFOUND)
		}
	})
}

// addReviewCase opens a case for a new client of the fixture's organisation with
// completed sessions in the past month.
func addReviewCase(t *testing.T, w reviewWorld, first string, completed int) phoenix.Case {
	t.Helper()
	ctx := context.Background()
	var k phoenix.Case
	testenv.Must(t, w.env.DB.InTx(ctx, func(c *store.Conn) error {
		client, err := w.env.AddClient(ctx, c, w.f.Org.ID, first, "Reviewcase")
		if err != nil {
			return err
		}
		k, err = w.env.AddCase(ctx, c, client, w.f.Consultant.ID, 6,
			phoenix.DateIn(testenv.Start, testenv.Melbourne).AddDays(-60))
		return err
	}))
	for i := range completed {
		w.env.AddSession(t, k, testenv.Start.AddDate(0, 0, -40+i), phoenix.SessionCompleted)
	}
	return k
}

func TestDecidedRequests(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		reviewer := testenv.Actor(w.f.Reviewer)
		_, err := w.decide(w.r.ID, "approve", "3", "Three now; ask again if needed.")
		testenv.Must(t, err)

		w.env.Clock.Advance(time.Hour)
		declined := w.submit(t, addReviewCase(t, w, "Second", 0), "decided-2")
		_, err = w.decide(declined.ID, "decline", "", "No budget left.")
		testenv.Must(t, err)

		w.env.Clock.Advance(time.Hour)
		withdrawn := w.submit(t, addReviewCase(t, w, "Third", 0), "decided-3")
		testenv.Must(t, w.env.Svc.Withdraw(ctx, testenv.Actor(w.f.Consultant), withdrawn.ID,
			"Client moved interstate; Casey Consultant will close the case."))

		list, err := w.env.Svc.DecidedRequests(ctx, reviewer, store.Page{})
		testenv.Must(t, err)
		type row struct {
			ID       int64
			State    phoenix.RequestState
			Approved int
			Reason   string
		}
		var got []row
		for _, item := range list {
			got = append(got, row{item.ID, item.State, item.Approved, item.Reason})
		}
		want := []row{
			{withdrawn.ID, phoenix.StateWithdrawn, 0, ""},
			{declined.ID, phoenix.StateDeclined, 0, "No budget left."},
			{w.r.ID, phoenix.StateApproved, 3, "Three now; ask again if needed."},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("DecidedRequests mismatch (-want +got):\n%s", diff)
		}
		queue, err := w.env.Svc.ReviewQueue(ctx, reviewer, store.Page{})
		testenv.Must(t, err)
		if len(queue) != 0 {
			t.Errorf("ReviewQueue has %d requests after every one closed, want 0", len(queue))
		}
	})
}

// TestReviewItemFields guards the reviewer's shape: a new field must be one the
// organisation may see, so adding one means updating this list on purpose.
func TestReviewItemFields(t *testing.T) {
	allowed := []string{"ID", "Reference", "TimeZone", "Received", "Sessions", "Used",
		"Allowance", "Goals", "Pathway", "PathwayOther", "ClinicallySupported", "Goal",
		"Deadline", "PastGoal", "Overdue", "State", "Approved", "Reason", "DecidedOn",
		"Events"}
	var got []string
	typ := reflect.TypeFor[service.ReviewItem]()
	for i := range typ.NumField() {
		got = append(got, typ.Field(i).Name)
	}
	if diff := cmp.Diff(allowed, got); diff != "" {
		t.Errorf("ReviewItem fields mismatch (-want +got):\n%s", diff)
	}
	var events []string
	etyp := reflect.TypeFor[service.ReviewEvent]()
	for i := range etyp.NumField() {
		events = append(events, etyp.Field(i).Name)
	}
	if diff := cmp.Diff([]string{"On", "Text"}, events); diff != "" {
		t.Errorf("ReviewEvent fields mismatch (-want +got):\n%s", diff)
	}
}
