package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/phoenix-eap/phoenix"
)

// notFound converts sql.ErrNoRows into Phoenix's not-found error for what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return phoenix.NotFound(what)
	}
	return err
}

// ConstraintKind names the kind of integrity constraint a statement broke.
type ConstraintKind string

const (
	UniqueConstraint     ConstraintKind = "unique"
	ForeignKeyConstraint ConstraintKind = "foreign key"
	CheckConstraint      ConstraintKind = "check"
	NotNullConstraint    ConstraintKind = "not null"
)

// ConstraintError is a statement that the schema's integrity constraints rejected, in
// the same form on both databases. Query functions turn the violations a user can
// cause, such as a second account with one email address, into a phoenix.Error; any
// other ConstraintError means that a caller skipped a check, and it stays an internal
// error.
type ConstraintError struct {
	Kind ConstraintKind
	// Table is the table whose constraint failed. PostgreSQL always names it; SQLite
	// names it for unique and not-null constraints only.
	Table string
	// Name is the constraint's name on PostgreSQL (contracts_sessions_per_period_check),
	// and on SQLite the columns or the CHECK expression it reports
	// (users.email, sessions_per_period BETWEEN 1 AND 52), or "" for a foreign key.
	Name string
	// Err is the driver's error.
	Err error
}

func (e *ConstraintError) Error() string {
	var where []string
	if e.Table != "" {
		where = append(where, "table "+e.Table)
	}
	if e.Name != "" {
		where = append(where, e.Name)
	}
	if len(where) == 0 {
		return fmt.Sprintf("store: %s constraint failed: %v", e.Kind, e.Err)
	}
	return fmt.Sprintf("store: %s constraint failed (%s): %v", e.Kind, strings.Join(where, ", "),
		e.Err)
}

func (e *ConstraintError) Unwrap() error { return e.Err }

// AsConstraintError returns the constraint violation in err's chain, whether or not a
// query function has converted it yet, and false when there is none.
func AsConstraintError(err error) (*ConstraintError, bool) {
	if err == nil {
		return nil, false
	}
	var ce *ConstraintError
	if errors.As(err, &ce) {
		return ce, true
	}
	ce = fromPostgres(err)
	if ce == nil {
		ce = fromSQLite(err)
	}
	return ce, ce != nil
}

// constraintError converts a driver's constraint violation into a *ConstraintError and
// returns any other error unchanged.
func constraintError(err error) error {
	if ce, ok := AsConstraintError(err); ok {
		return ce
	}
	return err
}

// fromPostgres reads SQLSTATE class 23, integrity constraint violation.
func fromPostgres(err error) *ConstraintError {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	kinds := map[string]ConstraintKind{
		"23505": UniqueConstraint,
		"23503": ForeignKeyConstraint,
		"23514": CheckConstraint,
		"23502": NotNullConstraint,
	}
	kind, ok := kinds[pe.Code]
	if !ok {
		return nil
	}
	name := pe.ConstraintName
	if kind == NotNullConstraint {
		name = pe.ColumnName
	}
	return &ConstraintError{Kind: kind, Table: pe.TableName, Name: name, Err: err}
}

// fromSQLite reads SQLite's extended result codes. SQLite reports a violation as
// "UNIQUE constraint failed: users.email", so the table and name come from the text.
func fromSQLite(err error) *ConstraintError {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	var kind ConstraintKind
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		kind = UniqueConstraint
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		kind = ForeignKeyConstraint
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		kind = CheckConstraint
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		kind = NotNullConstraint
	default:
		return nil
	}
	ce := &ConstraintError{Kind: kind, Err: err}
	msg := se.Error()
	if i := strings.LastIndex(msg, " constraint failed: "); i >= 0 {
		ce.Name = strings.TrimSpace(msg[i+len(" constraint failed: "):])
		// modernc.org/sqlite appends the numeric code: "... users.email (2067)".
		if j := strings.LastIndex(ce.Name, " ("); j >= 0 && strings.HasSuffix(ce.Name, ")") {
			ce.Name = ce.Name[:j]
		}
	}
	if kind == UniqueConstraint || kind == NotNullConstraint {
		if table, _, ok := strings.Cut(ce.Name, "."); ok {
			ce.Table = table
		}
	}
	return ce
}

// isUniqueViolation reports whether err is a unique-constraint failure in either
// database.
func isUniqueViolation(err error) bool {
	ce, ok := AsConstraintError(err)
	return ok && ce.Kind == UniqueConstraint
}
