package service_test

import (
	"context"
	"testing"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// accessWorld is the fixture's case with one booked session, its Waiting for
// Appointment Completion task and an open request, all the first consultant's.
type accessWorld struct {
	env       *testenv.Env
	f         testenv.Fixture
	sessionID int64
	taskID    int64
	requestID int64
}

func newAccessWorld(t *testing.T, dsn string) accessWorld {
	t.Helper()
	env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
	f := env.Seed(t)
	ctx := context.Background()
	w := accessWorld{env: env, f: f}

	var err error
	w.sessionID, err = env.Svc.BookSession(ctx, testenv.Actor(f.Intake), f.Case.ID,
		service.BookingInput{Date: "2026-11-02", Start: "10:00", End: "10:50",
			Mode: "video"})
	testenv.Must(t, err)
	tasks, err := env.Conn().CaseTasks(ctx, f.Case.ID)
	testenv.Must(t, err)
	for _, task := range tasks {
		if task.SessionID == w.sessionID {
			w.taskID = task.ID
		}
	}
	if w.taskID == 0 {
		t.Fatal("BookSession created no Waiting for Appointment Completion task")
	}
	r, err := env.Svc.SubmitRequest(ctx, testenv.Actor(f.Consultant), f.Case.ID,
		env.RequestInput(2, "access-world"))
	testenv.Must(t, err)
	w.requestID = r.ID
	return w
}

// accessOp is one way of reaching the case's objects, by ID.
type accessOp struct {
	name string
	call func(ctx context.Context, s *service.Service, a service.Actor, w accessWorld,
		id int64) error
	id func(w accessWorld) int64
}

var accessReads = []accessOp{
	{"Case", func(ctx context.Context, s *service.Service, a service.Actor, w accessWorld, id int64) error {
		_, err := s.Case(ctx, a, id)
		return err
	}, func(w accessWorld) int64 { return w.f.Case.ID }},
	{"Session", func(ctx context.Context, s *service.Service, a service.Actor, w accessWorld, id int64) error {
		_, err := s.Session(ctx, a, id)
		return err
	}, func(w accessWorld) int64 { return w.sessionID }},
	{"Task", func(ctx context.Context, s *service.Service, a service.Actor, w accessWorld, id int64) error {
		_, err := s.Task(ctx, a, id)
		return err
	}, func(w accessWorld) int64 { return w.taskID }},
	{"Request", func(ctx context.Context, s *service.Service, a service.Actor, w accessWorld, id int64) error {
		_, err := s.Request(ctx, a, id)
		return err
	}, func(w accessWorld) int64 { return w.requestID }},
	{"RequestForm", func(ctx context.Context, s *service.Service, a service.Actor, w accessWorld, id int64) error {
		_, err := s.RequestForm(ctx, a, id)
		return err
	}, func(w accessWorld) int64 { return w.f.Case.ID }},
}

// accessWrites are the changes; each is called only by actors that must be turned
// away, so the world stays as it was between calls.
var accessWrites = []accessOp{
	{"BookSession", func(ctx context.Context, s *service.Service, a service.Actor, w accessWorld, id int64) error {
		_, err := s.BookSession(ctx, a, id, service.BookingInput{Date: "2026-11-03",
			Start: "10:00", End: "10:50", Mode: "phone"})
		return err
	}, func(w accessWorld) int64 { return w.f.Case.ID }},
	{"SetSessionStatus", func(ctx context.Context, s *service.Service, a service.Actor, w accessWorld, id int64) error {
		return s.SetSessionStatus(ctx, a, id, phoenix.SessionCancelled)
	}, func(w accessWorld) int64 { return w.sessionID }},
	{"SubmitRequest", func(ctx context.Context, s *service.Service, a service.Actor, w accessWorld, id int64) error {
		_, err := s.SubmitRequest(ctx, a, id, w.env.RequestInput(1, "access-"+a.User.Email))
		return err
	}, func(w accessWorld) int64 { return w.f.Case.ID }},
	{"Withdraw", func(ctx context.Context, s *service.Service, a service.Actor, w accessWorld, id int64) error {
		return s.Withdraw(ctx, a, id, "The client has moved interstate.")
	}, func(w accessWorld) int64 { return w.requestID }},
}

func TestAccessReads(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newAccessWorld(t, dsn)
		f := w.f
		ok, hidden, denied := "", phoenix.ENOTFOUND, phoenix.EFORBIDDEN
		want := []struct {
			role  string
			user  phoenix.User
			codes []string // in the order of accessReads
		}{
			{"own consultant", f.Consultant, []string{ok, ok, ok, ok, ok}},
			{"other consultant", f.Consultant2, []string{hidden, hidden, hidden, hidden, hidden}},
			{"intake", f.Intake, []string{ok, ok, ok, ok, ok}},
			{"clinical leader", f.Leader, []string{hidden, hidden, hidden, hidden, hidden}},
			{"reviewer", f.Reviewer, []string{hidden, hidden, hidden, hidden, hidden}},
			{"admin", f.Admin, []string{ok, ok, ok, ok, denied}},
		}
		ctx := context.Background()
		for _, tc := range want {
			for i, op := range accessReads {
				err := op.call(ctx, w.env.Svc, testenv.Actor(tc.user), w, op.id(w))
				if got := phoenix.ErrorCode(err); got != tc.codes[i] {
					t.Errorf("%s: %s = %q (%v), want %q", tc.role, op.name, got, err, tc.codes[i])
				}
			}
		}
	})
}

func TestAccessWrites(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newAccessWorld(t, dsn)
		f := w.f
		want := []struct {
			role string
			user phoenix.User
			code string
		}{
			{"other consultant", f.Consultant2, phoenix.ENOTFOUND},
			{"clinical leader", f.Leader, phoenix.ENOTFOUND},
			{"reviewer", f.Reviewer, phoenix.ENOTFOUND},
			{"admin", f.Admin, phoenix.EFORBIDDEN},
		}
		ctx := context.Background()
		for _, tc := range want {
			for _, op := range accessWrites {
				err := op.call(ctx, w.env.Svc, testenv.Actor(tc.user), w, op.id(w))
				if got := phoenix.ErrorCode(err); got != tc.code {
					t.Errorf("%s: %s = %q (%v), want %q", tc.role, op.name, got, err, tc.code)
				}
			}
		}

		// Nothing the rejected calls tried was stored.
		c := w.env.Conn()
		sessions, err := c.CaseSessions(ctx, f.Case.ID)
		testenv.Must(t, err)
		if len(sessions) != 1 || sessions[0].Status != phoenix.SessionScheduled {
			t.Errorf("sessions after rejected writes = %+v, want the one scheduled session",
				sessions)
		}
		r, err := c.Request(ctx, w.requestID)
		testenv.Must(t, err)
		if r.State != phoenix.StateAwaitingOrganisation {
			t.Errorf("request state after rejected writes = %s, want %s", r.State,
				phoenix.StateAwaitingOrganisation)
		}
	})
}

// TestAccessHiddenLikeMissing checks that an object the actor may not see gives the
// same error, code and message, as an ID that does not exist.
func TestAccessHiddenLikeMissing(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newAccessWorld(t, dsn)
		ctx := context.Background()
		other := testenv.Actor(w.f.Consultant2)
		const missing = 987654
		for _, op := range append(append([]accessOp{}, accessReads...), accessWrites...) {
			hiddenErr := op.call(ctx, w.env.Svc, other, w, op.id(w))
			missingErr := op.call(ctx, w.env.Svc, other, w, missing)
			if phoenix.ErrorCode(hiddenErr) != phoenix.ENOTFOUND {
				t.Errorf("%s(hidden) = %v, want not found", op.name, hiddenErr)
			}
			if phoenix.ErrorCode(missingErr) != phoenix.ENOTFOUND {
				t.Errorf("%s(missing) = %v, want not found", op.name, missingErr)
			}
			if h, m := phoenix.ErrorMessage(hiddenErr), phoenix.ErrorMessage(missingErr); h != m {
				t.Errorf("%s: hidden gives %q, missing gives %q; want the same", op.name, h, m)
			}
		}
	})
}

func TestAccessIntakeActs(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newAccessWorld(t, dsn)
		ctx := context.Background()
		intake := testenv.Actor(w.f.Intake)

		// Intake booked the world's session already; it may also change it and
		// withdraw the consultant's request.
		testenv.Must(t, w.env.Svc.SetSessionStatus(ctx, intake, w.sessionID,
			phoenix.SessionCancelled))
		testenv.Must(t, w.env.Svc.Withdraw(ctx, intake, w.requestID, "Submitted by mistake."))
		r, err := w.env.Conn().Request(ctx, w.requestID)
		testenv.Must(t, err)
		if r.State != phoenix.StateWithdrawn {
			t.Errorf("state after intake's withdrawal = %s, want withdrawn", r.State)
		}
	})
}

func TestAccessCalendar(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newAccessWorld(t, dsn)
		f := w.f
		ctx := context.Background()
		on := phoenix.MustParseDate("2026-11-02")
		want := []struct {
			role       string
			user       phoenix.User
			consultant int64
			code       string
		}{
			{"own, implied", f.Consultant, 0, ""},
			{"own, named", f.Consultant, f.Consultant.ID, ""},
			{"other consultant's", f.Consultant2, f.Consultant.ID, phoenix.ENOTFOUND},
			{"intake", f.Intake, f.Consultant.ID, ""},
			{"admin", f.Admin, f.Consultant.ID, ""},
			{"clinical leader", f.Leader, f.Consultant.ID, phoenix.ENOTFOUND},
			{"reviewer", f.Reviewer, f.Consultant.ID, phoenix.ENOTFOUND},
			{"reviewer, implied", f.Reviewer, 0, phoenix.ENOTFOUND},
			{"intake, of a non-consultant", f.Intake, f.Admin.ID, phoenix.ENOTFOUND},
			{"intake, missing", f.Intake, 987654, phoenix.ENOTFOUND},
		}
		for _, tc := range want {
			v, err := w.env.Svc.Calendar(ctx, testenv.Actor(tc.user), tc.consultant, on, true)
			if got := phoenix.ErrorCode(err); got != tc.code {
				t.Errorf("%s: Calendar = %q (%v), want %q", tc.role, got, err, tc.code)
				continue
			}
			if err != nil {
				continue
			}
			if n := countCalendarItems(v); n != 1 {
				t.Errorf("%s: Calendar shows %d appointments, want 1", tc.role, n)
			}
		}

		// The other consultant's own calendar does not show the first one's session.
		v, err := w.env.Svc.Calendar(ctx, testenv.Actor(f.Consultant2), 0, on, true)
		testenv.Must(t, err)
		if n := countCalendarItems(v); n != 0 {
			t.Errorf("other consultant's calendar shows %d appointments, want 0", n)
		}
	})
}

func countCalendarItems(v service.CalendarView) int {
	n := 0
	for _, d := range v.Days {
		n += len(d.Items)
	}
	return n
}

func TestAccessLists(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newAccessWorld(t, dsn)
		f := w.f
		ctx := context.Background()
		page := store.Page{}
		want := []struct {
			role  string
			user  phoenix.User
			code  string
			cases int
		}{
			{"own consultant", f.Consultant, "", 1},
			{"other consultant", f.Consultant2, "", 0},
			{"intake", f.Intake, "", 1},
			{"admin", f.Admin, "", 1},
			{"clinical leader", f.Leader, phoenix.EFORBIDDEN, 0},
			{"reviewer", f.Reviewer, phoenix.EFORBIDDEN, 0},
		}
		for _, tc := range want {
			a := testenv.Actor(tc.user)
			cases, err := w.env.Svc.Cases(ctx, a, false, page)
			if got := phoenix.ErrorCode(err); got != tc.code {
				t.Errorf("%s: Cases = %q (%v), want %q", tc.role, got, err, tc.code)
			}
			if len(cases) != tc.cases {
				t.Errorf("%s: Cases lists %d, want %d", tc.role, len(cases), tc.cases)
			}
			requests, err := w.env.Svc.MyRequests(ctx, a, page)
			if got := phoenix.ErrorCode(err); got != tc.code {
				t.Errorf("%s: MyRequests = %q (%v), want %q", tc.role, got, err, tc.code)
			}
			if len(requests) != tc.cases {
				t.Errorf("%s: MyRequests lists %d, want %d", tc.role, len(requests), tc.cases)
			}
		}
	})
}

// TestAccessFlame checks that the Task Filter flames only the tasks the viewer can act
// on: the consultant's own, not intake's view of them.
func TestAccessFlame(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newAccessWorld(t, dsn)
		ctx := context.Background()
		for _, tc := range []struct {
			user  phoenix.User
			flame bool
		}{{w.f.Consultant, true}, {w.f.Intake, false}, {w.f.Admin, false}} {
			v, err := w.env.Svc.Task(ctx, testenv.Actor(tc.user), w.taskID)
			testenv.Must(t, err)
			if v.Task.Flame != tc.flame {
				t.Errorf("Task(%s).Flame = %v, want %v", tc.user.Role, v.Task.Flame, tc.flame)
			}
		}
	})
}
