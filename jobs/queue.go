// Package jobs runs Phoenix's durable background work with River: email delivery and
// the timers of extra sessions requests. Jobs live in the same database as the rest of
// Phoenix and are inserted in the transaction of the change that causes them.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/mail"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// TimerHandler acts when a request's timer fires.
type TimerHandler interface {
	FireTimer(ctx context.Context, requestID int64, kind service.TimerKind) error
}

// Config holds the queue's collaborators.
type Config struct {
	DB     *store.DB
	Clock  phoenix.Clock
	Logger *slog.Logger
	// Sender delivers email; nil keeps every message in the outbox, where the
	// administrators' mailbox page shows it.
	Sender mail.Sender
	// PollInterval is how often workers look for jobs that became due. River's
	// default is one second.
	PollInterval time.Duration
	// Workers is the number of jobs worked at once.
	Workers int
	// RetryPolicy sets when a failed job runs again; nil waits attempt^4 seconds
	// by Phoenix's clock (see clockRetryPolicy). Tests set a short one.
	RetryPolicy river.ClientRetryPolicy
}

// Queue inserts and works jobs.
type Queue struct {
	client  *river.Client[*sql.Tx]
	timers  *timerWorker
	imports *importWorker
	started bool
}

// New returns a queue whose timers go to the handler set later with SetTimerHandler,
// since the service that handles them needs the queue first.
func New(cfg Config) (*Queue, error) {
	var driver riverdriver.Driver[*sql.Tx]
	if cfg.DB.Dialect() == store.Postgres {
		driver = riverdatabasesql.New(cfg.DB.SQL())
	} else {
		driver = riversqlite.New(cfg.DB.SQL())
	}
	q := &Queue{timers: &timerWorker{}, imports: &importWorker{}}
	workers := river.NewWorkers()
	river.AddWorker(workers, &emailWorker{db: cfg.DB, sender: cfg.Sender, clock: cfg.Clock,
		logger: cfg.Logger})
	river.AddWorker(workers, q.timers)
	river.AddWorker(workers, q.imports)

	n := cfg.Workers
	if n <= 0 {
		n = 4
	}
	rc := &river.Config{
		Logger:            cfg.Logger,
		Workers:           workers,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}},
		FetchPollInterval: cfg.PollInterval,
		JobTimeout:        time.Minute,
		RetryPolicy:       cfg.RetryPolicy,
		Test:              river.TestConfig{Time: clockTime{cfg.Clock}},
	}
	if cfg.PollInterval <= 0 {
		rc.FetchPollInterval = time.Second
	}
	if rc.RetryPolicy == nil {
		rc.RetryPolicy = clockRetryPolicy{clock: cfg.Clock}
	}
	// River refuses a poll interval shorter than the cooldown between fetches, which
	// defaults to 100 ms; tests poll faster than that.
	rc.FetchCooldown = min(rc.FetchPollInterval, river.FetchCooldownDefault)
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("creating job queue: %w", err)
	}
	q.client = client
	return q, nil
}

// SetTimerHandler sets who acts when a timer fires.
func (q *Queue) SetTimerHandler(h TimerHandler) { q.timers.handler = h }

// Start begins working jobs.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("starting job queue: %w", err)
	}
	q.started = true
	return nil
}

// Stop finishes the jobs being worked and stops; jobs not yet worked stay queued for
// this or another server.
func (q *Queue) Stop(ctx context.Context) error {
	if !q.started {
		return nil
	}
	return q.client.Stop(ctx)
}

// SendEmail queues delivery of an outbox message in tx.
func (q *Queue) SendEmail(ctx context.Context, tx *sql.Tx, emailID int64) error {
	_, err := q.client.InsertTx(ctx, tx, EmailArgs{EmailID: emailID},
		&river.InsertOpts{MaxAttempts: emailMaxAttempts})
	return err
}

// ScheduleTimer queues a request's timer in tx. A second timer of the same kind for
// the same request is not inserted.
func (q *Queue) ScheduleTimer(ctx context.Context, tx *sql.Tx, requestID int64,
	kind service.TimerKind, at time.Time) error {
	_, err := q.client.InsertTx(ctx, tx, TimerArgs{RequestID: requestID, Timer: string(kind)},
		&river.InsertOpts{ScheduledAt: at, UniqueOpts: river.UniqueOpts{ByArgs: true}})
	return err
}

// clockTime gives River Phoenix's clock, so that a clock set for a demo or a test also
// decides when scheduled jobs are due.
// NOTE: River v0.51.2 stamps finished jobs and queues with this clock, but its
// cleaners age some of them by the system clock. Under a clock set far from the real
// one, finished jobs are deleted early and producers may log "Error fetching queue
// settings". The system clock used in production is unaffected.
type clockTime struct{ clock phoenix.Clock }

func (c clockTime) Now() time.Time { return c.clock.Now() }

// NowOrNil returns nil for the system clock, so that the database's own time is used.
func (c clockTime) NowOrNil() *time.Time {
	if _, ok := c.clock.(phoenix.SystemClock); ok {
		return nil
	}
	t := c.clock.Now()
	return &t
}
