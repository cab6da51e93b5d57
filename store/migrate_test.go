package store_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
)

// recorder is a slog handler that keeps the messages of every logger made from it.
type recorder struct {
	mu       *sync.Mutex
	messages *[]string
}

func newRecorder() recorder { return recorder{mu: &sync.Mutex{}, messages: &[]string{}} }

func (r recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r recorder) WithGroup(string) slog.Handler            { return r }
func (r recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.messages = append(*r.messages, rec.Message)
	return nil
}

func (r recorder) count(message string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range *r.messages {
		if m == message {
			n++
		}
	}
	return n
}

// TestMigrateConcurrently starts several servers' migrations at once on one PostgreSQL
// database: all succeed, and each migration is applied once. It runs on a new database,
// and again after River's tables are removed, as an upgrade that brings new River
// migrations finds them: River's migrator takes no lock of its own.
func TestMigrateConcurrently(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	ctx := context.Background()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	testenv.Must(t, err)

	t.Run("new database", func(t *testing.T) {
		rec := migrateTogether(t, dsn)
		if got := rec.count("migration applied"); got != len(files) {
			t.Errorf("migrations applied by all servers = %d, want %d, once each", got, len(files))
		}
		checkMigrated(t, dsn, rec, len(files))
	})

	t.Run("new River migrations", func(t *testing.T) {
		db, err := store.Open(ctx, dsn, store.Options{MaxConns: 2})
		testenv.Must(t, err)
		migrator, err := rivermigrate.New(riverdatabasesql.New(db.SQL()), nil)
		testenv.Must(t, err)
		_, err = migrator.Migrate(ctx, rivermigrate.DirectionDown,
			&rivermigrate.MigrateOpts{TargetVersion: -1})
		db.Close()
		testenv.Must(t, err)

		rec := migrateTogether(t, dsn)
		if got := rec.count("migration applied"); got != 0 {
			t.Errorf("migrations applied by all servers = %d, want 0", got)
		}
		checkMigrated(t, dsn, rec, len(files))
	})
}

// migrateTogether opens the database from several goroutines, as servers starting
// together do, and migrates it from each at once.
func migrateTogether(t *testing.T, dsn string) recorder {
	t.Helper()
	ctx := context.Background()
	rec := newRecorder()
	const servers = 6
	errs := runTogether(servers, func(int) error {
		db, err := store.Open(ctx, dsn, store.Options{MaxConns: 3})
		if err != nil {
			return err
		}
		defer db.Close()
		return db.Migrate(ctx, slog.New(rec))
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("server %d: Migrate = %v", i, err)
		}
	}
	return rec
}

// checkMigrated checks that every goose migration is recorded once and every River
// migration was applied once, by one of the servers.
func checkMigrated(t *testing.T, dsn string, rec recorder, files int) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{MaxConns: 2})
	testenv.Must(t, err)
	defer db.Close()

	current, err := db.MigrationsCurrent(ctx)
	if err != nil || !current {
		t.Errorf("MigrationsCurrent() = %t, %v; want true", current, err)
	}
	if n := count(t, db, "goose_db_version", "version_id > 0"); n != files {
		t.Errorf("goose_db_version rows = %d, want %d", n, files)
	}
	var duplicates int
	err = db.SQL().QueryRow(`SELECT count(*) FROM (SELECT version_id FROM goose_db_version
		GROUP BY version_id HAVING count(*) > 1) d`).Scan(&duplicates)
	testenv.Must(t, err)
	if duplicates != 0 {
		t.Errorf("goose versions recorded more than once: %d", duplicates)
	}

	migrator, err := rivermigrate.New(riverdatabasesql.New(db.SQL()), nil)
	testenv.Must(t, err)
	riverVersions := len(migrator.AllVersions())
	if got := rec.count("job queue migration applied"); got != riverVersions {
		t.Errorf("job queue migrations applied by all servers = %d, want %d", got, riverVersions)
	}
	if n := count(t, db, "river_migration", ""); n != riverVersions {
		t.Errorf("river_migration rows = %d, want %d", n, riverVersions)
	}
	checkTables(t, db)
}

// TestMigrateTwice runs Migrate again on a migrated database: nothing is applied.
func TestMigrateTwice(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		db := openDB(t, dsn)
		rec := newRecorder()
		testenv.Must(t, db.Migrate(context.Background(), slog.New(rec)))
		if n := rec.count("migration applied") + rec.count("job queue migration applied"); n != 0 {
			t.Errorf("second Migrate applied %d migrations, want 0", n)
		}
		checkTables(t, db)
	})
}

// checkTables fails the test unless the core tables and River's exist.
func checkTables(t *testing.T, db *store.DB) {
	t.Helper()
	list := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if db.Dialect() == store.Postgres {
		list = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	rows, err := db.SQL().Query(list)
	testenv.Must(t, err)
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		testenv.Must(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	testenv.Must(t, rows.Err())
	want := []string{"organisations", "contracts", "users", "web_sessions", "clients", "cases",
		"grants", "appointments", "tasks", "requests", "request_events", "clinical_reviews",
		"emails", "audit_events", "closures", "river_job", "river_leader", "river_migration"}
	for _, name := range want {
		if !slices.Contains(tables, name) {
			t.Errorf("table %s is missing; tables: %s", name, strings.Join(tables, ", "))
		}
	}
}
