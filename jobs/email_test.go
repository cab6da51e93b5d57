package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/smtptest"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/jobs"
	"github.com/phoenix-eap/phoenix/mail"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// mailWait bounds every wait for a delivery. River's default backoff retries the first
// failure after about a second.
const mailWait = 15 * time.Second

// fixedBackoff retries a failed job after a fixed wait on the queue's clock.
type fixedBackoff struct {
	clock phoenix.Clock
	wait  time.Duration
}

func (b fixedBackoff) NextRetry(*rivertype.JobRow) time.Time { return b.clock.Now().Add(b.wait) }

// newMailEnv builds a back end on dsn whose email goes to a test SMTP server, with a
// retry policy: nil keeps River's default.
func newMailEnv(t *testing.T, dsn string, policy func(phoenix.Clock) river.ClientRetryPolicy) *testenv.Env {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := store.Open(ctx, dsn, store.Options{})
	testenv.Must(t, err)
	t.Cleanup(func() { db.Close() })
	testenv.Must(t, db.Migrate(ctx, logger))

	env := &testenv.Env{DB: db, Clock: phoenix.NewSetClock(testenv.Start), Logger: logger,
		DSN: dsn, SMTP: smtptest.Start(t)}
	sender, err := mail.NewSMTP(mail.Config{Host: env.SMTP.Host(), Port: env.SMTP.Port(),
		TLS: mail.TLSNone, From: "phoenix@provider.example", Timeout: 5 * time.Second}, logger)
	testenv.Must(t, err)
	cfg := jobs.Config{DB: db, Clock: env.Clock, Logger: logger, Sender: sender,
		PollInterval: 50 * time.Millisecond}
	if policy != nil {
		cfg.RetryPolicy = policy(env.Clock)
	}
	env.Queue, err = jobs.New(cfg)
	testenv.Must(t, err)
	env.Svc = service.New(db, env.Clock, env.Queue, logger,
		service.Config{BaseURL: "http://phoenix.test"})
	env.Queue.SetTimerHandler(env.Svc)
	testenv.Must(t, env.Queue.Start(ctx))
	t.Cleanup(func() { stopQueue(t, env.Queue) })
	return env
}

func stopQueue(t *testing.T, q *jobs.Queue) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		t.Errorf("stopping job queue: %v", err)
	}
}

// submit submits a request of four sessions on the case, which goes to the
// organisation and emails its reviewers.
func submit(t *testing.T, env *testenv.Env, f testenv.Fixture, k phoenix.Case, key string) phoenix.Request {
	t.Helper()
	r, err := env.Svc.SubmitRequest(context.Background(), testenv.Actor(f.Consultant), k.ID,
		env.RequestInput(4, key))
	testenv.Must(t, err)
	if r.State != phoenix.StateAwaitingOrganisation {
		t.Fatalf("SubmitRequest state = %s, want %s", r.State, phoenix.StateAwaitingOrganisation)
	}
	return r
}

// outbox returns every outbox message, oldest first.
func outbox(t *testing.T, env *testenv.Env) []store.Email {
	t.Helper()
	list, err := env.Conn().Emails(context.Background(), store.EmailFilter{
		Page: store.Page{Limit: 200}})
	testenv.Must(t, err)
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

// waitStatus waits until the outbox message has left the queued status and returns it.
func waitStatus(t *testing.T, env *testenv.Env, id int64) store.Email {
	t.Helper()
	var e store.Email
	testenv.WaitFor(t, mailWait, fmt.Sprintf("email %d to leave the queue", id), func() bool {
		var err error
		e, err = env.Conn().Email(context.Background(), id)
		testenv.Must(t, err)
		return e.Status != store.EmailQueued
	})
	return e
}

// TestEmailDelivery follows a request from submission to approval and checks each
// message the SMTP server receives: the reviewer's notice, then the consultant's and
// the client's outcomes.
func TestEmailDelivery(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := newMailEnv(t, dsn, nil)
		f := env.Seed(t)
		ctx := context.Background()
		r := submit(t, env, f, f.Case, "delivery")
		_, err := env.Svc.Decide(ctx, testenv.Actor(f.Reviewer), r.ID,
			service.DecisionInput{Decision: "approve", Sessions: "2"})
		testenv.Must(t, err)

		got := map[string]smtptest.Received{}
		for _, m := range env.SMTP.WaitFor(t, 3, mailWait) {
			if m.ParseError != nil {
				t.Fatalf("message to %v does not parse: %v", m.To, m.ParseError)
			}
			if len(m.To) != 1 {
				t.Fatalf("message has recipients %v, want one", m.To)
			}
			got[m.To[0]] = m
		}
		tests := []struct {
			to, subject string
			body        []string
		}{
			{f.Reviewer.Email, "Extra sessions request " + r.Reference() + " awaits your review",
				[]string{"Hello Rita Reviewer", "Sessions requested: 4",
					"Outcome due by: Tuesday 10 November 2026",
					fmt.Sprintf("http://phoenix.test/review/requests/%d", r.ID)}},
			{f.Consultant.Email, "Extra sessions request " + r.Reference() +
				" approved: 2 of 4 sessions",
				[]string{"Hello Casey Consultant", "Acme Freight approved 2 of the 4",
					f.Client.Name(), f.Case.Reference(), "allowance is now 8 sessions",
					fmt.Sprintf("http://phoenix.test/requests/%d", r.ID)}},
			{f.Client.Email, "Extra sessions approved (" + r.Reference() + ")",
				[]string{"Hello,\n", "was approved: 2 sessions of the 4 requested"}},
		}
		for _, tt := range tests {
			m, ok := got[tt.to]
			if !ok {
				t.Errorf("no message to %s; got messages to %v", tt.to, mapKeys(got))
				continue
			}
			if m.From != "phoenix@provider.example" || m.Subject != tt.subject {
				t.Errorf("message to %s = from %q subject %q, want from %q subject %q", tt.to,
					m.From, m.Subject, "phoenix@provider.example", tt.subject)
			}
			for _, want := range tt.body {
				if !strings.Contains(m.Text, want) {
					t.Errorf("message to %s lacks %q:\n%s", tt.to, want, m.Text)
				}
			}
			if id := m.Header.Get("Message-Id"); !strings.Contains(id, "@phoenix.invalid") {
				t.Errorf("message to %s has Message-Id %q, want a stable Phoenix ID", tt.to, id)
			}
		}
		if text := got[f.Client.Email].Text; strings.Contains(text, r.Goals) ||
			strings.Contains(text, f.Client.FirstName) {
			t.Errorf("client message carries the goals or the client's name:\n%s", text)
		}

		for _, e := range outbox(t, env) {
			e = waitStatus(t, env, e.ID)
			if e.Status != store.EmailSent || e.Attempts != 1 || e.SentAt == nil {
				t.Errorf("outbox %s to %s: status %s, %d attempts, sent %v; want sent once",
					e.Audience, e.To, e.Status, e.Attempts, e.SentAt)
			}
		}
	})
}

func mapKeys(m map[string]smtptest.Received) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestEmailRetry makes the SMTP server reject the reviewer's notice with 451, a
// temporary failure, before accepting it: River retries the job until it is sent. The
// outbox row's attempts are the job's attempt number. The jobs themselves are not
// inspected, because River v0.51.2 stamps finished jobs with the test clock and its job
// cleaner ages them by the real clock. With the test clock more than a day behind, the
// cleaner deletes them within seconds.
func TestEmailRetry(t *testing.T) {
	tests := []struct {
		name       string
		policy     func(phoenix.Clock) river.ClientRetryPolicy
		rejections int
	}{
		{"fixed backoff", func(c phoenix.Clock) river.ClientRetryPolicy {
			return fixedBackoff{clock: c, wait: 100 * time.Millisecond}
		}, 3},
		// River's own policy waits about a second before the second attempt.
		{"default backoff", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testenv.Each(t, func(t *testing.T, dsn string) {
				env := newMailEnv(t, dsn, tt.policy)
				f := env.Seed(t)
				env.SMTP.RejectNext(tt.rejections, 451, "Mailbox busy, try again later")
				r := submit(t, env, f, f.Case, "retry")

				msgs := env.SMTP.WaitFor(t, 1, mailWait)
				if len(msgs) != 1 || msgs[0].To[0] != f.Reviewer.Email {
					t.Fatalf("SMTP server received %d messages, want the reviewer's notice",
						len(msgs))
				}
				list := outbox(t, env)
				if len(list) != 1 || list[0].RequestID != r.ID {
					t.Fatalf("outbox holds %d messages, want the reviewer's notice", len(list))
				}
				e := waitStatus(t, env, list[0].ID)
				if e.Status != store.EmailSent || e.Attempts != tt.rejections+1 || e.LastError != "" {
					t.Errorf("outbox message: status %s, %d attempts, last error %q; want sent "+
						"on attempt %d with no error", e.Status, e.Attempts, e.LastError,
						tt.rejections+1)
				}
			})
		})
	}
}

// TestEmailPermanentFailure makes the SMTP server reject the recipient with 550: the
// message is marked failed at once, its job is cancelled, and administrators see it in
// the mailbox.
func TestEmailPermanentFailure(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := newMailEnv(t, dsn, nil)
		f := env.Seed(t)
		ctx := context.Background()
		env.SMTP.RejectNext(1, 550, "No such user here")
		r := submit(t, env, f, f.Case, "permanent")

		list := outbox(t, env)
		if len(list) != 1 {
			t.Fatalf("outbox holds %d messages, want 1", len(list))
		}
		e := waitStatus(t, env, list[0].ID)
		if e.Status != store.EmailFailed || e.Attempts != 1 || !strings.Contains(e.LastError, "550") {
			t.Errorf("outbox message: status %s, %d attempts, last error %q; want failed on "+
				"attempt 1 with the 550 reply", e.Status, e.Attempts, e.LastError)
		}
		// A retry would show as a second attempt or a delivered message.
		time.Sleep(1500 * time.Millisecond)
		if e, _ = env.Conn().Email(ctx, e.ID); e.Attempts != 1 {
			t.Errorf("outbox message attempts = %d after a permanent failure, want 1",
				e.Attempts)
		}
		if n := len(env.SMTP.Messages()); n != 0 {
			t.Errorf("SMTP server stored %d messages, want 0", n)
		}

		admin := testenv.Actor(f.Admin)
		box, err := env.Svc.Mailbox(ctx, admin, store.EmailFailed, store.Page{})
		testenv.Must(t, err)
		if box.Failed != 1 || len(box.Emails) != 1 || box.Emails[0].ID != e.ID {
			t.Errorf("Mailbox(failed) = %d failed, %d listed; want message %d", box.Failed,
				len(box.Emails), e.ID)
		}
		box, err = env.Svc.Mailbox(ctx, admin, store.EmailSent, store.Page{})
		testenv.Must(t, err)
		if len(box.Emails) != 0 {
			t.Errorf("Mailbox(sent) lists %d messages, want 0", len(box.Emails))
		}
		if _, err := env.Svc.Mailbox(ctx, testenv.Actor(f.Reviewer), "", store.Page{}); phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
			t.Errorf("Mailbox as a reviewer = %v, want %s", err, phoenix.EFORBIDDEN)
		}

		events, err := env.Conn().Events(ctx, r.ID)
		testenv.Must(t, err)
		failed := false
		for _, ev := range events {
			failed = failed || ev.Kind == "email" && strings.Contains(ev.Text, "failed")
		}
		if !failed {
			t.Errorf("timeline of %s has no failed email step", r.Reference())
		}
	})
}

// TestEmailTwoQueues runs a second queue on the same database, as a second server
// would: each message is delivered once.
func TestEmailTwoQueues(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := newMailEnv(t, dsn, nil)
		f := env.Seed(t)
		ctx := context.Background()
		for i := range 4 {
			env.AddUser(t, phoenix.User{Email: fmt.Sprintf("reviewer%d@acme.test", i),
				Name: fmt.Sprintf("Reviewer %d", i), Role: phoenix.RoleReviewer,
				OrganisationID: f.Org.ID})
		}

		db2, err := store.Open(ctx, dsn, store.Options{})
		testenv.Must(t, err)
		t.Cleanup(func() { db2.Close() })
		sender, err := mail.NewSMTP(mail.Config{Host: env.SMTP.Host(), Port: env.SMTP.Port(),
			TLS: mail.TLSNone, From: "phoenix@provider.example"}, env.Logger)
		testenv.Must(t, err)
		second, err := jobs.New(jobs.Config{DB: db2, Clock: env.Clock, Logger: env.Logger,
			Sender: sender, PollInterval: 50 * time.Millisecond})
		testenv.Must(t, err)
		second.SetTimerHandler(env.Svc)
		testenv.Must(t, second.Start(ctx))
		t.Cleanup(func() { stopQueue(t, second) })

		const requests, reviewers = 3, 5
		for i := range requests {
			k := f.Case
			if i > 0 {
				k = addCase(t, env, f, fmt.Sprintf("Client%d", i))
			}
			submit(t, env, f, k, fmt.Sprintf("two-queues-%d", i))
		}
		const want = requests * reviewers
		env.SMTP.WaitFor(t, want, mailWait)
		// Give a duplicate delivery time to arrive before counting.
		time.Sleep(time.Second)
		seen := map[string]int{}
		for _, m := range env.SMTP.Messages() {
			seen[m.Header.Get("Message-Id")]++
		}
		if len(env.SMTP.Messages()) != want || len(seen) != want {
			t.Errorf("SMTP server received %d messages with %d Message-IDs, want %d of each",
				len(env.SMTP.Messages()), len(seen), want)
		}
		for _, e := range outbox(t, env) {
			if e.Status != store.EmailSent || e.Attempts != 1 {
				t.Errorf("outbox message %d: status %s, %d attempts; want sent on attempt 1",
					e.ID, e.Status, e.Attempts)
			}
		}
	})
}

// addCase opens a case for a new client of the fixture's organisation.
func addCase(t *testing.T, env *testenv.Env, f testenv.Fixture, first string) phoenix.Case {
	t.Helper()
	ctx := context.Background()
	var k phoenix.Case
	testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
		client, err := env.AddClient(ctx, c, f.Org.ID, first, "Mailtest")
		if err != nil {
			return err
		}
		k, err = env.AddCase(ctx, c, client, f.Consultant.ID, 6,
			phoenix.DateIn(testenv.Start, testenv.Melbourne).AddDays(-30))
		return err
	}))
	return k
}
