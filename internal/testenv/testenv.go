// Package testenv builds a real Phoenix back end for tests: a migrated database (a
// SQLite file, or a fresh PostgreSQL database), the job queue and the service, with a
// clock the test sets. Each runs a test on every database the machine offers.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/smtptest"
	"github.com/phoenix-eap/phoenix/jobs"
	"github.com/phoenix-eap/phoenix/mail"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// Environment variables that choose the test databases.
const (
	// PostgresEnv names a PostgreSQL server, such as
	// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable. Each test
	// creates a database of its own there and drops it afterwards.
	PostgresEnv = "PHOENIX_TEST_POSTGRES"
	// RequirePostgresEnv, when set to 1, makes a missing PostgreSQL server a test
	// failure instead of a skip. CI sets it.
	RequirePostgresEnv = "PHOENIX_TEST_REQUIRE_POSTGRES"
)

// Start is the instant the test clock reads when an environment is built: Thursday
// 29 October 2026, 2 pm in Melbourne.
var Start = time.Date(2026, 10, 29, 14, 0, 0, 0, Melbourne)

// Melbourne is the time zone of the default test organisation.
var Melbourne = mustLoad("Australia/Melbourne")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Options change the environment New builds.
type Options struct {
	// SMTP starts a test SMTP server and delivers email to it; otherwise email stays
	// in the outbox as the mailbox page shows it.
	SMTP bool
	// NoQueue leaves the job queue stopped, so queued jobs stay in the database.
	NoQueue bool
}

// Env is a running back end.
type Env struct {
	DB     *store.DB
	Svc    *service.Service
	Queue  *jobs.Queue
	Clock  *phoenix.SetClock
	SMTP   *smtptest.Server
	Logger *slog.Logger
	// DSN is the database's path or URL, for tests that start a second server on it.
	DSN string
}

// Each runs fn as a subtest on SQLite and on PostgreSQL. The PostgreSQL run is skipped,
// with the reason printed, when PHOENIX_TEST_POSTGRES names no server, and fails
// instead when PHOENIX_TEST_REQUIRE_POSTGRES is 1.
func Each(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, filepath.Join(t.TempDir(), "phoenix.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, PostgresDSN(t))
	})
}

// SQLite returns the path of a new SQLite database in the test's temporary folder.
func SQLite(t testing.TB) string {
	return filepath.Join(t.TempDir(), "phoenix.db")
}

// PostgresDSN creates an empty PostgreSQL database for the test, dropped when the test
// ends, and returns its URL; it skips or fails the test when no server is named.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		if os.Getenv(RequirePostgresEnv) == "1" {
			t.Fatalf("%s is not set, and %s=1 requires PostgreSQL", PostgresEnv, RequirePostgresEnv)
		}
		t.Skipf("skipping PostgreSQL: set %s to a server URL to run it", PostgresEnv)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "phoenix_test_" + hex.EncodeToString(b)

	ctx := context.Background()
	admin, err := store.Open(ctx, server, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatalf("connecting to the PostgreSQL server in %s: %v", PostgresEnv, err)
	}
	if _, err := admin.SQL().ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("creating test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		_, err := admin.SQL().ExecContext(context.Background(),
			"DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		if err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
		admin.Close()
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("parsing %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// New builds a back end on the database dsn, with the clock at Start.
func New(t testing.TB, dsn string, opts Options) *Env {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("PHOENIX_TEST_LOG") == "1" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatalf("opening %s: %v", dsn, err)
	}
	if err := db.Migrate(ctx, logger); err != nil {
		db.Close()
		t.Fatalf("migrating: %v", err)
	}
	env := &Env{DB: db, Clock: phoenix.NewSetClock(Start), Logger: logger, DSN: dsn}
	var sender mail.Sender
	if opts.SMTP {
		env.SMTP = smtptest.Start(t)
		sender, err = mail.NewSMTP(mail.Config{Host: env.SMTP.Host(), Port: env.SMTP.Port(),
			TLS: mail.TLSNone, From: "phoenix@provider.example", Timeout: 5 * time.Second}, logger)
		if err != nil {
			t.Fatalf("configuring SMTP: %v", err)
		}
	}
	env.Queue, err = jobs.New(jobs.Config{DB: db, Clock: env.Clock, Logger: logger,
		Sender: sender, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("creating job queue: %v", err)
	}
	env.Svc = service.New(db, env.Clock, env.Queue, logger,
		service.Config{BaseURL: "http://phoenix.test"})
	env.Queue.SetTimerHandler(env.Svc)
	env.Queue.SetImportHandler(env.Svc)
	if !opts.NoQueue {
		if err := env.Queue.Start(ctx); err != nil {
			t.Fatalf("starting job queue: %v", err)
		}
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := env.Queue.Stop(stop); err != nil {
			t.Errorf("stopping job queue: %v", err)
		}
		db.Close()
	})
	return env
}

// Conn returns a connection outside any transaction.
func (e *Env) Conn() *store.Conn { return e.DB.Conn() }

// Must fails the test when err is not nil.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// WaitFor polls cond every 20 ms until it is true or timeout passes.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
