package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
)

func TestRequests(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()

		r := w.addRequest(t, w.request(w.kase), "key-1")
		got, err := c.Request(ctx, r.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("Request (-want +got):\n%s", diff)
		}
		_, err = c.Request(ctx, 9999)
		wantCode(t, "Request(9999)", err, phoenix.ENOTFOUND)
		_, err = c.LockRequest(ctx, 9999)
		wantCode(t, "LockRequest(9999)", err, phoenix.ENOTFOUND)

		byKey, err := c.RequestByKey(ctx, w.consultant.ID, "key-1")
		testenv.Must(t, err)
		if byKey.ID != r.ID {
			t.Errorf("RequestByKey(key-1) = request %d, want %d", byKey.ID, r.ID)
		}
		_, err = c.RequestByKey(ctx, w.consultant2.ID, "key-1")
		wantCode(t, "RequestByKey(another user's key)", err, phoenix.ENOTFOUND)

		open, ok, err := c.OpenRequest(ctx, w.kase.ID)
		if err != nil || !ok || open.ID != r.ID {
			t.Errorf("OpenRequest = %d, %t, %v; want %d, true", open.ID, ok, err, r.ID)
		}

		// The decision: every field UpdateRequest stores.
		decided := t0.Add(3*24*time.Hour + 17*time.Microsecond)
		r.State, r.Approved, r.Reason, r.DecidedAt = phoenix.StateApproved, 2, "Agreed.", &decided
		r.ClinicallySupported, r.Overdue = true, true
		testenv.Must(t, c.UpdateRequest(ctx, r))
		got, err = c.Request(ctx, r.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("Request after UpdateRequest (-want +got):\n%s", diff)
		}
		_, ok, err = c.OpenRequest(ctx, w.kase.ID)
		if err != nil || ok {
			t.Errorf("OpenRequest after the decision = %t, %v; want false, nil", ok, err)
		}

		// Clearing optional instants stores NULL.
		r.ReceivedAt, r.Goal, r.Deadline, r.DecidedAt = nil, nil, nil, nil
		testenv.Must(t, c.UpdateRequest(ctx, r))
		got, err = c.Request(ctx, r.ID)
		testenv.Must(t, err)
		if got.ReceivedAt != nil || got.Goal != nil || got.Deadline != nil || got.DecidedAt != nil {
			t.Errorf("instants after clearing = %v %v %v %v, want all nil", got.ReceivedAt,
				got.Goal, got.Deadline, got.DecidedAt)
		}
	})
}

func TestRequestOneOpen(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		first := w.addRequest(t, w.request(w.kase), "key-1")

		// Each open state holds the case's one place for an open request.
		for _, state := range []phoenix.RequestState{phoenix.StateAwaitingClinicalQuestions,
			phoenix.StateAwaitingClinicalDecision, phoenix.StateAwaitingOrganisation} {
			r := w.request(w.kase)
			r.State = state
			_, err := c.CreateRequest(ctx, r, w.consultant.ID, "key-"+string(state))
			wantCode(t, "CreateRequest(second open, "+string(state)+")", err, phoenix.ECONFLICT)
		}

		// Closed requests do not count, in any number.
		for i, state := range []phoenix.RequestState{phoenix.StateApproved,
			phoenix.StateDeclined, phoenix.StateWithdrawn, phoenix.StateDeclined} {
			r := w.request(w.kase)
			r.State = state
			_, err := c.CreateRequest(ctx, r, w.consultant.ID, "closed-"+string(rune('a'+i)))
			wantCode(t, "CreateRequest(closed, "+string(state)+")", err, "")
		}

		// Once the first request closes, the case takes a new open one; another case
		// had its own place all along.
		second := w.addCase(t, w.client, w.consultant.ID)
		w.addRequest(t, w.request(second), "key-other-case")
		first.State = phoenix.StateWithdrawn
		testenv.Must(t, c.UpdateRequest(ctx, first))
		next := w.addRequest(t, w.request(w.kase), "key-2")

		// Reopening a closed request while another is open breaks the index too.
		first.State = phoenix.StateAwaitingOrganisation
		err := c.UpdateRequest(ctx, first)
		wantConstraint(t, "UpdateRequest(reopen beside an open one)", err,
			store.UniqueConstraint, "requests")
		open, ok, err := c.OpenRequest(ctx, w.kase.ID)
		if err != nil || !ok || open.ID != next.ID {
			t.Errorf("OpenRequest = %d, %t, %v; want %d, true", open.ID, ok, err, next.ID)
		}
	})
}

func TestRequestIdempotencyKey(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		first := w.addRequest(t, w.request(w.kase), "key-1")
		first.State = phoenix.StateWithdrawn
		testenv.Must(t, c.UpdateRequest(ctx, first))

		// The key is unique per user, whatever the case or state.
		second := w.addCase(t, w.client, w.consultant.ID)
		_, err := c.CreateRequest(ctx, w.request(second), w.consultant.ID, "key-1")
		wantCode(t, "CreateRequest(same user, same key)", err, phoenix.ECONFLICT)
		if msg := phoenix.ErrorMessage(err); msg == phoenix.ErrorMessage(
			phoenix.Errorf(phoenix.ECONFLICT, "The case already has an open request.")) {
			t.Errorf("CreateRequest(same key) message = %q, want one about the repeated "+
				"submission, not the open request", msg)
		}
		_, err = c.CreateRequest(ctx, w.request(second), w.consultant2.ID, "key-1")
		wantCode(t, "CreateRequest(another user, same key)", err, "")
	})
}

func TestRequestsList(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		other := newID(t)(c.CreateOrganisation(ctx, phoenix.Organisation{Name: "Other Org",
			Region: "NSW-SYD", TimeZone: "Australia/Sydney", Active: true}, t0))
		otherContract := w.contract
		otherContract.OrganisationID = other
		otherContract.ID = newID(t)(c.AddContract(ctx, otherContract, t0))

		// a: awaiting the organisation, deadline in 10 days.
		a := w.addRequest(t, w.request(w.kase), "a")
		// b: on another case of the second consultant, deadline in 4 days, submitted first.
		kb := w.addCase(t, w.addClient(t, "Blake", "Adams"), w.consultant2.ID)
		rb := w.request(kb)
		soon := t0.Add(4 * 24 * time.Hour)
		rb.Deadline, rb.SubmittedAt = &soon, t0.Add(-time.Hour)
		b := w.addRequest(t, rb, "b")
		// c: in clinical review, with no deadline yet.
		kc := w.addCase(t, w.addClient(t, "Cory", "Clark"), w.consultant.ID)
		rc := w.request(kc)
		rc.State, rc.ReceivedAt, rc.Goal, rc.Deadline = phoenix.StateAwaitingClinicalQuestions,
			nil, nil, nil
		rc.SubmittedAt = t0.Add(time.Hour)
		cr := w.addRequest(t, rc, "c")
		// d: declined, in the other organisation.
		otherClient := w.addClient(t, "Dana", "Dunn")
		otherClient.OrganisationID = other
		testenv.Must(t, c.UpdateClient(ctx, otherClient))
		kd := phoenix.Case{ClientID: otherClient.ID, OrganisationID: other,
			ConsultantID: w.consultant.ID, Status: phoenix.CaseOpen,
			OpenedOn: phoenix.MustParseDate("2026-01-05"), CreatedAt: t0}
		kd.ID = newID(t)(c.CreateCase(ctx, kd))
		rd := w.request(kd)
		rd.ContractID, rd.State = otherContract.ID, phoenix.StateDeclined
		rd.SubmittedAt = t0.Add(2 * time.Hour)
		d := w.addRequest(t, rd, "d")

		ids := func(list []phoenix.Request) []int64 {
			out := []int64{}
			for _, r := range list {
				out = append(out, r.ID)
			}
			return out
		}
		open := []phoenix.RequestState{phoenix.StateAwaitingClinicalQuestions,
			phoenix.StateAwaitingClinicalDecision, phoenix.StateAwaitingOrganisation}
		tests := []struct {
			name string
			f    store.RequestFilter
			want []int64
		}{
			{"all, newest first", store.RequestFilter{}, []int64{d.ID, cr.ID, b.ID, a.ID}},
			{"case", store.RequestFilter{CaseID: kb.ID}, []int64{b.ID}},
			{"consultant", store.RequestFilter{ConsultantID: w.consultant.ID},
				[]int64{d.ID, cr.ID, a.ID}},
			{"organisation", store.RequestFilter{OrganisationID: other}, []int64{d.ID}},
			{"open states", store.RequestFilter{States: open}, []int64{cr.ID, b.ID, a.ID}},
			{"one state", store.RequestFilter{States: []phoenix.RequestState{phoenix.StateDeclined}},
				[]int64{d.ID}},
			// A request without a deadline sorts after every deadline on both databases.
			{"by deadline", store.RequestFilter{OrganisationID: w.org.ID, OrderByDeadline: true},
				[]int64{b.ID, a.ID, cr.ID}},
			{"by submission", store.RequestFilter{OrderBySubmitted: true},
				[]int64{b.ID, a.ID, cr.ID, d.ID}},
			{"page", store.RequestFilter{Page: store.Page{Limit: 2, Offset: 1}},
				[]int64{cr.ID, b.ID}},
		}
		for _, tt := range tests {
			got, err := c.Requests(ctx, tt.f)
			testenv.Must(t, err)
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("Requests(%s) IDs (-want +got):\n%s", tt.name, diff)
			}
		}
		got, err := c.Requests(ctx, store.RequestFilter{CaseID: kb.ID})
		testenv.Must(t, err)
		if diff := cmp.Diff([]phoenix.Request{b}, got); diff != "" {
			t.Errorf("Requests(case) rows (-want +got):\n%s", diff)
		}
	})
}

func TestCaseReachedClinicalReview(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		r := w.addRequest(t, w.request(w.kase), "key-1")

		reached, err := c.CaseReachedClinicalReview(ctx, w.kase.ID)
		if err != nil || reached {
			t.Errorf("CaseReachedClinicalReview before a review = %t, %v; want false", reached, err)
		}
		// The clinical area's store code writes reviews; a plain insert stands in here.
		_, err = w.db.SQL().Exec(w.rebind(`INSERT INTO clinical_reviews (request_id, round, risk,
			presenting_issues, progress, why_eap, referral_plan, submitted_by, submitted_at)
			VALUES (?, 1, 'low', 'Stress', 'Improving', 'Short term', 'Continue', ?, ?)`),
			r.ID, w.consultant.ID, "2026-10-29T03:00:00.000000Z")
		testenv.Must(t, err)
		reached, err = c.CaseReachedClinicalReview(ctx, w.kase.ID)
		if err != nil || !reached {
			t.Errorf("CaseReachedClinicalReview after a review = %t, %v; want true", reached, err)
		}
		other := w.addCase(t, w.client, w.consultant.ID)
		reached, err = c.CaseReachedClinicalReview(ctx, other.ID)
		if err != nil || reached {
			t.Errorf("CaseReachedClinicalReview(another case) = %t, %v; want false", reached, err)
		}
	})
}

func TestEvents(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		r := w.addRequest(t, w.request(w.kase), "key-1")

		want := []store.Event{
			{RequestID: r.ID, At: t0, Kind: "submitted", ActorID: w.consultant.ID,
				Text: "Submitted.", OrgVisible: true},
			{RequestID: r.ID, At: t0, Kind: "email", Text: "Email sent."},
			{RequestID: r.ID, At: t0.Add(-time.Hour), Kind: "note", ActorID: w.admin.ID,
				Text: "Recorded late."},
		}
		for _, e := range want {
			testenv.Must(t, c.AddEvent(ctx, e))
		}
		got, err := c.Events(ctx, r.ID)
		testenv.Must(t, err)
		for i := range got {
			if i < len(want) {
				want[i].ID = got[i].ID
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Events, in insertion order (-want +got):\n%s", diff)
		}
		err = c.AddEvent(ctx, store.Event{RequestID: 9999, At: t0, Kind: "note", Text: "x"})
		wantConstraint(t, "AddEvent(no request)", err, store.ForeignKeyConstraint, "request_events")
	})
}

func TestAudit(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()

		events := []phoenix.AuditEvent{
			{At: t0, ActorID: w.consultant.ID, Action: "view", Object: "case",
				ObjectID: w.kase.ID, ClientID: w.client.ID, CaseID: w.kase.ID, IP: "10.0.0.1"},
			{At: t0.Add(time.Microsecond), ActorID: w.admin.ID, Action: "export",
				Object: "report", Detail: "October"},
			{At: t0.Add(time.Hour), Action: "sign_in_failed", Object: "user", IP: "::1",
				Detail: "unknown address"},
			{At: t0.Add(time.Hour), ActorID: w.consultant.ID, Action: "view", Object: "client",
				ObjectID: w.client.ID, ClientID: w.client.ID},
		}
		for _, e := range events {
			testenv.Must(t, c.AddAudit(ctx, e))
		}
		all, err := c.Audit(ctx, store.AuditFilter{})
		testenv.Must(t, err)
		if len(all) != len(events) {
			t.Fatalf("Audit() returned %d events, want %d", len(all), len(events))
		}
		for i := range events {
			events[i].ID = all[len(all)-1-i].ID
		}
		// Newest first; two events at one instant come newest ID first.
		want := []phoenix.AuditEvent{events[3], events[2], events[1], events[0]}
		if diff := cmp.Diff(want, all); diff != "" {
			t.Errorf("Audit() (-want +got):\n%s", diff)
		}

		tests := []struct {
			name string
			f    store.AuditFilter
			want []phoenix.AuditEvent
		}{
			{"actor", store.AuditFilter{ActorID: w.consultant.ID}, []phoenix.AuditEvent{events[3], events[0]}},
			{"client", store.AuditFilter{ClientID: w.client.ID}, []phoenix.AuditEvent{events[3], events[0]}},
			{"case", store.AuditFilter{CaseID: w.kase.ID}, []phoenix.AuditEvent{events[0]}},
			// From is inclusive and To exclusive, to the microsecond.
			{"from", store.AuditFilter{From: t0.Add(time.Microsecond)}, want[:3]},
			{"to", store.AuditFilter{To: t0.Add(time.Microsecond)}, []phoenix.AuditEvent{events[0]}},
			{"window in another zone", store.AuditFilter{From: t0.In(melbourne),
				To: t0.Add(time.Hour).In(melbourne)}, []phoenix.AuditEvent{events[1], events[0]}},
			{"page", store.AuditFilter{Page: store.Page{Limit: 1, Offset: 2}}, []phoenix.AuditEvent{events[1]}},
		}
		for _, tt := range tests {
			got, err := c.Audit(ctx, tt.f)
			testenv.Must(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Audit(%s) (-want +got):\n%s", tt.name, diff)
			}
		}
	})
}

func TestEmails(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		r := w.addRequest(t, w.request(w.kase), "key-1")

		e1 := store.Email{RequestID: r.ID, Audience: "organisation", To: w.reviewer.Email,
			Subject: "Request awaits review", Body: "Hello,\n\nPlease review.", CreatedAt: t0}
		e1.ID = newID(t)(c.CreateEmail(ctx, e1))
		e2 := store.Email{Audience: "administrator", To: w.admin.Email, Subject: "Report",
			Body: "Monthly report.", CreatedAt: t0.Add(time.Second)}
		e2.ID = newID(t)(c.CreateEmail(ctx, e2))
		e1.Status, e2.Status = store.EmailQueued, store.EmailQueued

		got, err := c.Email(ctx, e1.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(e1, got); diff != "" {
			t.Errorf("Email (-want +got):\n%s", diff)
		}
		_, err = c.Email(ctx, 9999)
		wantCode(t, "Email(9999)", err, phoenix.ENOTFOUND)
		_, err = c.LockEmail(ctx, 9999)
		wantCode(t, "LockEmail(9999)", err, phoenix.ENOTFOUND)

		sent := t0.Add(2 * time.Second)
		testenv.Must(t, c.MarkEmail(ctx, e1.ID, store.EmailSent, "", 1, &sent))
		testenv.Must(t, c.MarkEmail(ctx, e2.ID, store.EmailQueued, "451 try later", 1, nil))
		e1.Status, e1.Attempts, e1.SentAt = store.EmailSent, 1, &sent
		e2.Attempts, e2.LastError = 1, "451 try later"

		tests := []struct {
			name string
			f    store.EmailFilter
			want []store.Email
		}{
			{"all, newest first", store.EmailFilter{}, []store.Email{e2, e1}},
			{"request", store.EmailFilter{RequestID: r.ID}, []store.Email{e1}},
			{"status", store.EmailFilter{Status: store.EmailQueued}, []store.Email{e2}},
			{"page", store.EmailFilter{Page: store.Page{Limit: 1, Offset: 1}}, []store.Email{e1}},
		}
		for _, tt := range tests {
			got, err := c.Emails(ctx, tt.f)
			testenv.Must(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Emails(%s) (-want +got):\n%s", tt.name, diff)
			}
		}

		err = c.MarkEmail(ctx, e2.ID, "bounced", "", 2, nil)
		wantConstraint(t, "MarkEmail(bounced)", err, store.CheckConstraint, "emails")
		_, err = c.CreateEmail(ctx, store.Email{RequestID: 9999, Audience: "client", To: "x@y.test",
			Subject: "s", Body: "b", CreatedAt: t0})
		wantConstraint(t, "CreateEmail(no request)", err, store.ForeignKeyConstraint, "emails")
	})
}
