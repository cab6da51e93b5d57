// Package store keeps Phoenix's data in SQLite or PostgreSQL through database/sql.
// Every query is written once; the differences between the two databases sit in
// dialect.go. Access rules live above this package, in package service.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Options tunes the connection pool.
type Options struct {
	// MaxConns is the most open connections; 0 picks a default for the database.
	MaxConns int
}

// DB is an open Phoenix database.
type DB struct {
	sql     *sql.DB
	dialect Dialect
	source  string
	queries queryCount
}

// IsPostgresURL reports whether dsn names a PostgreSQL server rather than a SQLite file.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database that dsn names: a postgres:// URL, or the path of a
// SQLite file, which is created with its folder when missing.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	var db *DB
	var err error
	if IsPostgresURL(dsn) {
		db, err = openPostgres(dsn, opts)
	} else {
		db, err = openSQLite(dsn, opts)
	}
	if err != nil {
		return nil, err
	}

	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.sql.PingContext(pingCtx); err != nil {
		db.sql.Close()
		return nil, fmt.Errorf("connecting to %s database %s: %w", db.dialect, db.source, err)
	}
	return db, nil
}

func openPostgres(dsn string, opts Options) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening PostgreSQL: %w", err)
	}
	conns := opts.MaxConns
	if conns <= 0 {
		conns = 20
	}
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{sql: pool, dialect: Postgres, source: redactURL(dsn)}, nil
}

// openSQLite opens the file in WAL mode, so readers never wait for the writer. A busy
// timeout makes writers queue instead of failing. Every transaction begins IMMEDIATE,
// so one that reads then writes holds the write lock from its first statement. That
// lock keeps two submissions on one case apart (the store tests check it).
func openSQLite(path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("database path is empty")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("creating database folder: %w", err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	pool, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("opening SQLite: %w", err)
	}
	conns := opts.MaxConns
	if conns <= 0 {
		conns = 8
	}
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	return &DB{sql: pool, dialect: SQLite, source: path}, nil
}

func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres"
	}
	return u.Redacted()
}

// Close closes the connection pool.
func (db *DB) Close() error { return db.sql.Close() }

// SQL returns the pool, for the job queue, which keeps its own tables in the same
// database.
func (db *DB) SQL() *sql.DB { return db.sql }

// Dialect returns which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Source returns the database's path, or its URL without the password.
func (db *DB) Source() string { return db.source }

// Ping checks that the database responds.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Conn returns a handle that runs each query on its own, outside any transaction.
func (db *DB) Conn() *Conn { return &Conn{q: db.counted(db.sql), d: db.dialect} }

// InTx runs fn in a transaction, committing when fn returns nil and rolling back
// otherwise. On SQLite the transaction holds the database's write lock throughout.
//
// A statement that fails ends the transaction on both databases. PostgreSQL rejects
// every later statement of a transaction once one has failed, so InTx rolls back after
// a failed statement even when fn goes on and returns nil, and SQLite then behaves the
// same way. fn should return such errors rather than try another statement.
func (db *DB) InTx(ctx context.Context, fn func(*Conn) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	conn := &Conn{q: db.counted(tx), d: db.dialect, tx: tx}
	if err := fn(conn); err != nil {
		_ = tx.Rollback()
		return err
	}
	if conn.failed != nil {
		_ = tx.Rollback()
		return fmt.Errorf("transaction rolled back because a statement in it failed: %w",
			conn.failed)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing transaction: %w", err)
	}
	return nil
}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Conn runs queries on the pool or inside one transaction.
type Conn struct {
	q  querier
	d  Dialect
	tx *sql.Tx
	// failed is the first error of an exec, query or insert inside the transaction.
	// Errors of queryRow surface in the caller's Scan and are not seen here.
	failed error
}

// Tx returns the transaction, or nil outside one. The job queue inserts its jobs
// through it so that they commit or roll back with the change that caused them.
func (c *Conn) Tx() *sql.Tx { return c.tx }

func (c *Conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := c.q.ExecContext(ctx, c.d.rebind(query), args...)
	return res, c.check(err)
}

func (c *Conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := c.q.QueryContext(ctx, c.d.rebind(query), args...)
	return rows, c.check(err)
}

func (c *Conn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, c.d.rebind(query), args...)
}

// insert runs an INSERT ... RETURNING id and returns the new row's ID.
func (c *Conn) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := c.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, c.check(err)
}

// check converts a constraint violation into a *ConstraintError and records the first
// failed statement of a transaction.
func (c *Conn) check(err error) error {
	if err == nil {
		return nil
	}
	err = constraintError(err)
	if c.tx != nil && c.failed == nil {
		c.failed = err
	}
	return err
}
