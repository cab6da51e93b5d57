package store

import (
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/phoenix-eap/phoenix"
)

// instantLayout stores every instant as fixed-width UTC text in both databases, so
// instants compare correctly as text and read back the same on either.
const instantLayout = "2006-01-02T15:04:05.000000Z"

// instant converts a time.Time to and from its stored form.
type instant struct{ t *time.Time }

func (i instant) Value() (driver.Value, error) {
	if i.t == nil || i.t.IsZero() {
		return nil, nil
	}
	return i.t.UTC().Format(instantLayout), nil
}

func (i instant) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*i.t = time.Time{}
		return nil
	case string:
		return i.parse(v)
	case []byte:
		return i.parse(string(v))
	}
	return fmt.Errorf("store: cannot scan %T into an instant", src)
}

func (i instant) parse(s string) error {
	t, err := time.Parse(instantLayout, s)
	if err != nil {
		return fmt.Errorf("store: parsing instant %q: %w", s, err)
	}
	*i.t = t
	return nil
}

// at wraps t for a query argument or a Scan destination.
func at(t *time.Time) instant { return instant{t: t} }

// atValue wraps a copy of t for a query argument.
func atValue(t time.Time) instant { return instant{t: &t} }

// nullableAt wraps an optional instant.
type nullableAt struct{ t **time.Time }

func (n nullableAt) Scan(src any) error {
	if src == nil {
		*n.t = nil
		return nil
	}
	var t time.Time
	if err := at(&t).Scan(src); err != nil {
		return err
	}
	*n.t = &t
	return nil
}

func optAt(t *time.Time) any {
	if t == nil {
		return nil
	}
	return atValue(*t)
}

// date converts a phoenix.Date to and from ISO 8601 text.
type date struct{ d *phoenix.Date }

func (d date) Value() (driver.Value, error) {
	if d.d == nil || d.d.IsZero() {
		return nil, nil
	}
	return d.d.String(), nil
}

func (d date) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*d.d = phoenix.Date{}
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("store: cannot scan %T into a date", src)
	}
	parsed, err := phoenix.ParseDate(s)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	*d.d = parsed
	return nil
}

func dateValue(d phoenix.Date) date { return date{d: &d} }
