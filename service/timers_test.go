package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// timerWait is how long a test waits for a timer job. River v0.51.2's scheduler makes
// scheduled jobs available every five seconds, once its leader election is done.
const timerWait = 30 * time.Second

// The due instants of a request that reaches the fixture's Melbourne organisation at
// testenv.Start: the ends of Tuesday 10 and Wednesday 11 November 2026.
const (
	startGoal     = "2026-11-11T00:00:00+11:00"
	startDeadline = "2026-11-12T00:00:00+11:00"
)

// emailsWithSubject returns the outbox messages whose subject starts with prefix.
func emailsWithSubject(t *testing.T, env *testenv.Env, requestID int64, prefix string) []store.Email {
	t.Helper()
	all, err := env.Conn().Emails(context.Background(), store.EmailFilter{RequestID: requestID,
		Page: store.Page{Limit: 200}})
	testenv.Must(t, err)
	var out []store.Email
	for _, e := range all {
		if strings.HasPrefix(e.Subject, prefix) {
			out = append(out, e)
		}
	}
	return out
}

func countEvents(t *testing.T, env *testenv.Env, requestID int64, kind string) int {
	t.Helper()
	events, err := env.Conn().Events(context.Background(), requestID)
	testenv.Must(t, err)
	n := 0
	for _, e := range events {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func loadRequest(t *testing.T, env *testenv.Env, id int64) phoenix.Request {
	t.Helper()
	r, err := env.Conn().Request(context.Background(), id)
	testenv.Must(t, err)
	return r
}

// timerJob is a request timer as River stores it.
type timerJob struct {
	args        string
	state       string
	scheduledAt time.Time
}

func timerJobs(t *testing.T, env *testenv.Env) []timerJob {
	t.Helper()
	rows, err := env.DB.SQL().QueryContext(context.Background(), `SELECT args, state,
		scheduled_at FROM river_job WHERE kind = 'request_timer' ORDER BY id`)
	testenv.Must(t, err)
	defer rows.Close()
	var out []timerJob
	for rows.Next() {
		var j timerJob
		var args []byte
		testenv.Must(t, rows.Scan(&args, &j.state, &j.scheduledAt))
		j.args = string(args)
		out = append(out, j)
	}
	testenv.Must(t, rows.Err())
	return out
}

// waitEmail waits until an email about the request whose subject starts with prefix
// is in the outbox.
func waitEmail(t *testing.T, env *testenv.Env, requestID int64, prefix string) {
	t.Helper()
	testenv.WaitFor(t, timerWait, "an email "+prefix, func() bool {
		return len(emailsWithSubject(t, env, requestID, prefix)) > 0
	})
}

// TestTimerReminderAndEscalation checks that the reminder goes to the reviewers at the
// goal, and that the escalation goes to administrators and flags the request overdue
// at the deadline.
func TestTimerReminderAndEscalation(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{})
		f := env.Seed(t)
		r := submitAt(t, env, f, f.Case, testenv.Melbourne, testenv.Start)
		goal, deadline := mustTime(t, startGoal), mustTime(t, startDeadline)

		jobs := timerJobs(t, env)
		if len(jobs) != 2 {
			t.Fatalf("timer jobs = %d, want 2: %+v", len(jobs), jobs)
		}
		for _, j := range jobs {
			want := goal
			if strings.Contains(j.args, string(service.TimerDeadline)) {
				want = deadline
			}
			if !j.scheduledAt.Equal(want) {
				t.Errorf("timer %s scheduled at %s, want %s", j.args, j.scheduledAt, want)
			}
		}

		env.Clock.Set(goal.Add(time.Second))
		waitEmail(t, env, r.ID, "Reminder:")
		reminders := emailsWithSubject(t, env, r.ID, "Reminder:")
		if len(reminders) != 1 || reminders[0].To != f.Reviewer.Email {
			t.Fatalf("reminders = %+v, want one to %s", reminders, f.Reviewer.Email)
		}
		if !strings.Contains(reminders[0].Body, "Tuesday 10 November 2026") {
			t.Errorf("reminder body = %q, want the goal Tuesday 10 November 2026", reminders[0].Body)
		}
		if got := emailsWithSubject(t, env, r.ID, "Overdue:"); len(got) != 0 {
			t.Errorf("escalations before the deadline = %d, want 0", len(got))
		}
		if loadRequest(t, env, r.ID).Overdue {
			t.Errorf("request overdue at the goal, want not until the deadline")
		}

		env.Clock.Set(deadline.Add(time.Second))
		waitEmail(t, env, r.ID, "Overdue:")
		escalations := emailsWithSubject(t, env, r.ID, "Overdue:")
		if len(escalations) != 1 || escalations[0].To != f.Admin.Email {
			t.Fatalf("escalations = %+v, want one to %s", escalations, f.Admin.Email)
		}
		if escalations[0].Audience != service.AudienceAdministrator {
			t.Errorf("escalation audience = %q, want %q", escalations[0].Audience,
				service.AudienceAdministrator)
		}
		if !loadRequest(t, env, r.ID).Overdue {
			t.Errorf("request not overdue after the deadline")
		}
		if n := countEvents(t, env, r.ID, string(service.TimerDeadline)); n != 1 {
			t.Errorf("deadline events = %d, want 1", n)
		}
	})
}

// TestTimerSkipsDecided checks that neither timer acts on a request withdrawn or
// decided before it fires.
func TestTimerSkipsDecided(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{})
		f := env.Seed(t)
		ctx := context.Background()
		withdrawn := submitAt(t, env, f, f.Case, testenv.Melbourne, testenv.Start)
		second := addCase(t, env, f, f.Org.ID, "Decided")
		decided := submitAt(t, env, f, second, testenv.Melbourne, testenv.Start)

		env.Clock.Set(testenv.Start.Add(48 * time.Hour))
		testenv.Must(t, env.Svc.Withdraw(ctx, testenv.Actor(f.Consultant), withdrawn.ID,
			"The client found a service closer to home."))
		// The organisation's decision is stored as its outcome step would store it.
		testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
			r, err := c.LockRequest(ctx, decided.ID)
			if err != nil {
				return err
			}
			now := env.Clock.Now()
			r.State, r.Approved, r.DecidedAt = phoenix.StateApproved, 2, &now
			return c.UpdateRequest(ctx, r)
		}))

		if n := len(timerJobs(t, env)); n != 4 {
			t.Fatalf("timer jobs = %d, want 4", n)
		}
		env.Clock.Set(mustTime(t, startDeadline).Add(time.Second))
		// River's cleaner may delete completed jobs, so the wait is for no job left
		// in any other state.
		testenv.WaitFor(t, timerWait, "every timer job to complete", func() bool {
			for _, j := range timerJobs(t, env) {
				if j.state != "completed" {
					return false
				}
			}
			return true
		})
		for _, id := range []int64{withdrawn.ID, decided.ID} {
			for _, prefix := range []string{"Reminder:", "Overdue:"} {
				if got := emailsWithSubject(t, env, id, prefix); len(got) != 0 {
					t.Errorf("request %d: %d emails %q, want none", id, len(got), prefix)
				}
			}
			if loadRequest(t, env, id).Overdue {
				t.Errorf("request %d flagged overdue after its decision", id)
			}
		}
	})
}

// TestTimerFiresOnce checks that a timer run twice, or scheduled twice, acts once.
func TestTimerFiresOnce(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		r := submitAt(t, env, f, f.Case, testenv.Melbourne, testenv.Start)

		testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
			return env.Queue.ScheduleTimer(ctx, c.Tx(), r.ID, service.TimerGoal, *r.Goal)
		}))
		if n := len(timerJobs(t, env)); n != 2 {
			t.Errorf("timer jobs after scheduling the goal again = %d, want 2", n)
		}

		env.Clock.Set(mustTime(t, startDeadline).Add(time.Minute))
		for range 2 {
			testenv.Must(t, env.Svc.FireTimer(ctx, r.ID, service.TimerGoal))
			testenv.Must(t, env.Svc.FireTimer(ctx, r.ID, service.TimerDeadline))
		}
		for _, tc := range []struct {
			prefix, kind string
		}{{"Reminder:", string(service.TimerGoal)}, {"Overdue:", string(service.TimerDeadline)}} {
			if got := len(emailsWithSubject(t, env, r.ID, tc.prefix)); got != 1 {
				t.Errorf("emails %q = %d, want 1", tc.prefix, got)
			}
			if got := countEvents(t, env, r.ID, tc.kind); got != 1 {
				t.Errorf("%s events = %d, want 1", tc.kind, got)
			}
		}
	})
}

// TestTimerSurvivesRestart checks that timers scheduled by one server fire on another
// started later on the same database.
func TestTimerSurvivesRestart(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		first := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := first.Seed(t)
		r := submitAt(t, first, f, f.Case, testenv.Melbourne, testenv.Start)
		testenv.Must(t, first.Queue.Stop(context.Background()))
		testenv.Must(t, first.DB.Close())

		second := testenv.New(t, first.DSN, testenv.Options{})
		second.Clock.Set(mustTime(t, startGoal).Add(time.Second))
		waitEmail(t, second, r.ID, "Reminder:")
		if loadRequest(t, second, r.ID).Overdue {
			t.Errorf("request overdue at the goal, want not until the deadline")
		}

		second.Clock.Set(mustTime(t, startDeadline).Add(time.Second))
		waitEmail(t, second, r.ID, "Overdue:")
		if !loadRequest(t, second, r.ID).Overdue {
			t.Errorf("request not overdue after the deadline")
		}
		if got := len(emailsWithSubject(t, second, r.ID, "Reminder:")); got != 1 {
			t.Errorf("reminders = %d, want 1", got)
		}
	})
}
