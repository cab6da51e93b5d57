package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/demo"
	"github.com/phoenix-eap/phoenix/jobs"
	"github.com/phoenix-eap/phoenix/mail"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
	"github.com/phoenix-eap/phoenix/web"
)

// Main is a running Phoenix: its database, job queue and web server. Tests boot one
// on a free port with Addr "127.0.0.1:0".
type Main struct {
	Config Config
	Logger *slog.Logger
	// LogOutput receives the logs; it defaults to standard error.
	LogOutput io.Writer
	// Clock is the clock in use; a *phoenix.SetClock in demo mode with --now. A clock
	// set before Run is kept, so that tests can give several servers one clock.
	Clock   phoenix.Clock
	DB      *store.DB
	Service *service.Service
	Queue   *jobs.Queue
	// DemoAccounts lists the demo accounts loaded, in demo mode.
	DemoAccounts []phoenix.User

	listener  net.Listener
	server    *http.Server
	skipServe bool
}

// NewMain returns a Main for the configuration; Run starts it.
func NewMain(cfg Config) *Main {
	return &Main{Config: cfg, LogOutput: os.Stderr}
}

// Run opens and migrates the database, loads the demo data in demo mode, starts the
// job queue and listens. It returns once the server accepts connections.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Config.validate(); err != nil {
		return err
	}
	m.Logger = slog.New(slog.NewTextHandler(m.LogOutput, &slog.HandlerOptions{
		Level: logLevel(m.Config.LogLevel)}))
	if err := m.setClock(); err != nil {
		return err
	}
	// Take the address before writing anything, so that a port already in use fails
	// at once instead of after migrating and loading the demo.
	var err error
	if !m.skipServe {
		if m.listener, err = net.Listen("tcp", m.Config.Addr); err != nil {
			return fmt.Errorf("listening on %s: %w", m.Config.Addr, err)
		}
	}
	m.DB, err = store.Open(ctx, m.Config.Database, store.Options{MaxConns: m.Config.DBMaxConns})
	if err != nil {
		return err
	}
	m.Logger.Info("database open", "dialect", m.DB.Dialect().String(), "source", m.DB.Source())
	if err := m.DB.Migrate(ctx, m.Logger); err != nil {
		return err
	}
	if err := m.startServices(); err != nil {
		return err
	}
	if m.Config.Demo {
		if err := m.loadDemo(ctx); err != nil {
			return err
		}
	}
	if m.skipServe {
		return nil
	}
	if err := m.Queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	return m.listen()
}

func (m *Main) setClock() error {
	if m.Clock != nil {
		return nil
	}
	m.Clock = phoenix.SystemClock{}
	if m.Config.Now == "" {
		return nil
	}
	start, err := time.Parse(time.RFC3339, m.Config.Now)
	if err != nil {
		return err
	}
	m.Clock = phoenix.NewSetClock(start)
	m.Logger.Info("clock set", "now", start.Format(time.RFC3339))
	return nil
}

func (m *Main) startServices() error {
	var sender mail.Sender
	if m.Config.SMTP.Enabled() {
		smtp, err := mail.NewSMTP(m.Config.SMTP, m.Logger)
		if err != nil {
			return err
		}
		sender = smtp
	} else {
		m.Logger.Info("SMTP is not configured: email goes to the administrators' mailbox page")
	}
	q, err := jobs.New(jobs.Config{DB: m.DB, Clock: m.Clock, Logger: m.Logger, Sender: sender,
		PollInterval: m.Config.JobPoll})
	if err != nil {
		return err
	}
	m.Queue = q
	m.Service = service.New(m.DB, m.Clock, q, m.Logger, service.Config{BaseURL: m.Config.BaseURL})
	q.SetTimerHandler(m.Service)
	q.SetImportHandler(m.Service)
	return nil
}

// loadDemo loads the demo data through a service whose clock is fixed at the start
// instant (--now, when set). Every timestamp in the data is then that instant, so two
// loads with the same --now store the same data.
func (m *Main) loadDemo(ctx context.Context) error {
	at := m.Clock.Now()
	if m.Config.Now != "" {
		at, _ = time.Parse(time.RFC3339, m.Config.Now)
	}
	loader := service.New(m.DB, stoppedClock(at), m.Queue, m.Logger,
		service.Config{BaseURL: m.Config.BaseURL})
	accounts, loaded, err := demo.Load(ctx, loader, m.DB)
	if err != nil {
		return fmt.Errorf("loading demo data: %w", err)
	}
	m.DemoAccounts = accounts
	if loaded {
		m.Logger.Info("demo data loaded")
	}
	m.Logger.Info("demo accounts ready", "accounts", len(accounts), "password", demo.Password)
	var b strings.Builder
	fmt.Fprintf(&b, "\nDemo accounts (password %s):\n", demo.Password)
	for _, u := range accounts {
		fmt.Fprintf(&b, "  %-40s %s\n", u.Email, u.Role.Label())
	}
	fmt.Fprint(m.LogOutput, b.String())
	return nil
}

// stoppedClock always reads the same instant.
type stoppedClock time.Time

func (c stoppedClock) Now() time.Time { return time.Time(c) }

func (m *Main) listen() error {
	srv, err := web.New(web.Config{Service: m.Service, Logger: m.Logger,
		SecureCookies: m.Config.SecureCookies, Demo: m.Config.Demo,
		DemoAccounts: m.DemoAccounts, DemoPassword: demo.Password, Ready: m.ready})
	if err != nil {
		return err
	}
	m.server = &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second,
		ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := m.server.Serve(m.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("server stopped", "error", err)
		}
	}()
	m.Logger.Info("listening", "url", m.URL())
	fmt.Fprintf(m.LogOutput, "\nPhoenix is running at %s\n\n", m.URL())
	return nil
}

// ready reports whether the database responds and its migrations are current.
func (m *Main) ready(ctx context.Context) error {
	if err := m.DB.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	current, err := m.DB.MigrationsCurrent(ctx)
	if err != nil {
		return err
	}
	if !current {
		return errors.New("database migrations are pending")
	}
	return nil
}

// URL returns the address the server listens on.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	return "http://" + m.listener.Addr().String()
}

// Shutdown stops taking requests, lets those under way finish, stops the job queue
// and closes the database.
func (m *Main) Shutdown(ctx context.Context) error {
	var errs []error
	if m.server != nil {
		errs = append(errs, m.server.Shutdown(ctx))
	} else if m.listener != nil {
		// Run failed after taking the address and before serving.
		errs = append(errs, m.listener.Close())
	}
	if m.Queue != nil {
		errs = append(errs, m.Queue.Stop(ctx))
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	m.Logger.Info("stopped")
	return errors.Join(errs...)
}

// Close stops everything at once.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if m.Logger == nil {
		return nil
	}
	return m.Shutdown(ctx)
}

func logLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}
