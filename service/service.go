// Package service decides who may see and do what in Phoenix, and carries out each
// action in one database transaction. The HTML pages and the JSON API both call it, so
// both obey the same rules on either database.
package service

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// Jobs queues background work inside the caller's transaction, so that the work
// commits or rolls back with the change that caused it.
type Jobs interface {
	// SendEmail queues delivery of an outbox message.
	SendEmail(ctx context.Context, tx *sql.Tx, emailID int64) error
	// ScheduleTimer queues a request's timer to fire at the given instant.
	ScheduleTimer(ctx context.Context, tx *sql.Tx, requestID int64, kind TimerKind, at time.Time) error
	// QueueImport queues the job that checks and imports a CSV file of clients.
	QueueImport(ctx context.Context, tx *sql.Tx, importID int64) error
}

// Config holds what the service needs beyond its collaborators.
type Config struct {
	// BaseURL is Phoenix's public address, used in links inside emails.
	BaseURL string
	// ProviderName is the EAP provider's name, shown in emails.
	ProviderName string
}

// Service carries out every action in Phoenix.
type Service struct {
	db     *store.DB
	clock  phoenix.Clock
	jobs   Jobs
	logger *slog.Logger
	cfg    Config
}

// New returns a Service.
func New(db *store.DB, clock phoenix.Clock, jobs Jobs, logger *slog.Logger, cfg Config) *Service {
	if cfg.ProviderName == "" {
		cfg.ProviderName = "Phoenix EAP"
	}
	return &Service{db: db, clock: clock, jobs: jobs, logger: logger, cfg: cfg}
}

// Now returns the service clock's current instant.
func (s *Service) Now() time.Time { return s.clock.Now() }

// DB returns the database, for the job workers that share it.
func (s *Service) DB() *store.DB { return s.db }

// Actor is the signed-in user making a call, with the address the call came from.
type Actor struct {
	User phoenix.User
	IP   string
}

// Is reports whether the actor has one of the roles.
func (a Actor) Is(roles ...phoenix.Role) bool {
	for _, r := range roles {
		if a.User.Role == r {
			return true
		}
	}
	return false
}

// forbidden is the error for an action the actor's role may never take.
func forbidden() error {
	return phoenix.Errorf(phoenix.EFORBIDDEN, "Your role does not allow this action.")
}

// audit appends an audit event for the actor.
func (s *Service) audit(ctx context.Context, c *store.Conn, a Actor, action, object string,
	objectID, clientID, caseID int64, detail string) error {
	return c.AddAudit(ctx, phoenix.AuditEvent{At: s.clock.Now(), ActorID: a.User.ID,
		Action: action, Object: object, ObjectID: objectID, ClientID: clientID,
		CaseID: caseID, IP: a.IP, Detail: detail})
}
