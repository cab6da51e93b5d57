package store

import (
	"database/sql"
	"strings"
)

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// inList returns "?, ?, ?" and the arguments for an IN clause over ids.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// nullID stores a zero ID as NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Page selects one page of a list.
type Page struct {
	Limit  int
	Offset int
}

// normal returns the page with its limit clamped to 1..200 and a default of 50.
func (p Page) normal() Page {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	p.Limit = min(p.Limit, 200)
	p.Offset = max(p.Offset, 0)
	return p
}

// where collects the conditions of a filtered list. Only the filters in use become
// SQL, so each query can use the index that matches them; a condition such as
// "(? = 0 OR column = ?)" would keep both databases from using one.
type where struct {
	clauses []string
	args    []any
}

func (w *where) add(clause string, args ...any) {
	w.clauses = append(w.clauses, clause)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.clauses) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.clauses, " AND ")
}
