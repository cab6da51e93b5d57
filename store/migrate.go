package store

import (
	"context"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"testing/fstest"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockID is the PostgreSQL advisory lock that Migrate holds. It differs from
// goose's own lock ID, so goose can still take that one on another connection.
const migrationLockID int64 = 0x70686f656e6978 // "phoenix" in ASCII

// Migrate brings Phoenix's tables and the job queue's tables up to date. On PostgreSQL
// it holds an advisory lock meanwhile, so that servers starting together migrate one
// after the other: the first applies the migrations and the rest find nothing to do.
func (db *DB) Migrate(ctx context.Context, logger *slog.Logger) error {
	if db.dialect == Postgres {
		unlock, err := db.lockMigrations(ctx, logger)
		if err != nil {
			return err
		}
		defer unlock()
	}
	provider, err := db.gooseProvider(logger)
	if err != nil {
		return err
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	for _, r := range results {
		logger.Info("migration applied", "version", r.Source.Version, "duration", r.Duration)
	}
	return db.migrateJobQueue(ctx, logger)
}

// lockMigrations waits up to five minutes for the migration lock, on a connection of
// its own that the returned function unlocks and releases. goose locks its own
// migrations, but River's migrator (rivermigrate, v0.51) takes no lock: two servers
// migrating one new database at once would both try to create River's tables.
func (db *DB) lockMigrations(ctx context.Context, logger *slog.Logger) (func(), error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connecting to take the migration lock: %w", err)
	}
	wait, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if _, err := conn.ExecContext(wait, `SELECT pg_advisory_lock($1)`, migrationLockID); err != nil {
		conn.Close()
		return nil, fmt.Errorf("waiting for the migration lock, which another server "+
			"migrating this database holds: %w", err)
	}
	return func() {
		// A session lock outlives a connection that returns to the pool, so unlock
		// first; closing the connection unlocks too should that fail.
		_, err := conn.ExecContext(context.WithoutCancel(ctx),
			`SELECT pg_advisory_unlock($1)`, migrationLockID)
		if err != nil {
			logger.Warn("releasing the migration lock failed", "error", err)
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

// MigrationsCurrent reports whether every migration has been applied.
func (db *DB) MigrationsCurrent(ctx context.Context) (bool, error) {
	provider, err := db.gooseProvider(slog.New(slog.DiscardHandler))
	if err != nil {
		return false, err
	}
	pending, err := provider.HasPending(ctx)
	return !pending, err
}

func (db *DB) gooseProvider(logger *slog.Logger) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	fsys, err := replaceTokens(sub, db.dialect.migrationTokens())
	if err != nil {
		return nil, err
	}

	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockTimeout(1, 300), // one-second polls for up to five minutes
		)
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	opts = append(opts, goose.WithSlog(logger), goose.WithDisableGlobalRegistry(true))
	return goose.NewProvider(dialect, db.sql, fsys, opts...)
}

func (db *DB) migrateJobQueue(ctx context.Context, logger *slog.Logger) error {
	cfg := &rivermigrate.Config{Logger: logger}
	var res *rivermigrate.MigrateResult
	var err error
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if db.dialect == Postgres {
		m, merr := rivermigrate.New(riverdatabasesql.New(db.sql), cfg)
		if merr != nil {
			return merr
		}
		res, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	} else {
		m, merr := rivermigrate.New(riversqlite.New(db.sql), cfg)
		if merr != nil {
			return merr
		}
		res, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	}
	if err != nil {
		return fmt.Errorf("migrating the job queue: %w", err)
	}
	for _, v := range res.Versions {
		logger.Info("job queue migration applied", "version", v.Version)
	}
	return nil
}

// replaceTokens returns the migration files with the dialect's tokens replaced.
func replaceTokens(src fs.FS, tokens *strings.Replacer) (fs.FS, error) {
	out := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, path)
		if err != nil {
			return err
		}
		out[path] = &fstest.MapFile{Data: []byte(tokens.Replace(string(b))), Mode: 0o444}
		return nil
	})
	return out, err
}
