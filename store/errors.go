package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/phoenix-eap/phoenix"
)

// notFound converts sql.ErrNoRows into Phoenix's not-found error for what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return phoenix.NotFound(what)
	}
	return err
}

// isUniqueViolation reports whether err is a unique-constraint failure in either
// database.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || // SQLite
		strings.Contains(msg, "SQLSTATE 23505") // PostgreSQL unique_violation
}
