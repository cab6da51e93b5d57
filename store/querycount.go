package store

import (
	"context"
	"database/sql"
	"sync/atomic"
)

// queryCount is the number of statements a DB has run through its Conns. Tests read it
// to check that a page costs the same number of queries whatever the data size.
type queryCount struct {
	n atomic.Int64
}

// QueryCount returns the number of statements run through the DB's Conns since it was
// opened. Statements the job queue runs on the pool or on Conn.Tx are not counted.
func (db *DB) QueryCount() int64 { return db.queries.n.Load() }

func (db *DB) counted(q querier) querier { return countingQuerier{q: q, n: &db.queries.n} }

// countingQuerier adds one to n for each statement it passes on.
type countingQuerier struct {
	q querier
	n *atomic.Int64
}

func (c countingQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.n.Add(1)
	return c.q.ExecContext(ctx, query, args...)
}

func (c countingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.q.QueryContext(ctx, query, args...)
}

func (c countingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.n.Add(1)
	return c.q.QueryRowContext(ctx, query, args...)
}
