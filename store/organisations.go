package store

import (
	"context"
	"time"

	"github.com/phoenix-eap/phoenix"
)

// CreateOrganisation stores a new organisation and returns its ID.
func (c *Conn) CreateOrganisation(ctx context.Context, o phoenix.Organisation, now time.Time) (int64, error) {
	id, err := c.insert(ctx, `INSERT INTO organisations (name, region, time_zone, active,
		created_at) VALUES (?, ?, ?, ?, ?)`, o.Name, o.Region, o.TimeZone, o.Active, atValue(now))
	if isUniqueViolation(err) {
		msg := "An organisation with this name already exists."
		return 0, &phoenix.Error{Code: phoenix.ECONFLICT, Message: msg,
			Fields: map[string]string{"name": msg}}
	}
	return id, err
}

// UpdateOrganisation changes an organisation's name, region, time zone and status.
func (c *Conn) UpdateOrganisation(ctx context.Context, o phoenix.Organisation) error {
	_, err := c.exec(ctx, `UPDATE organisations SET name = ?, region = ?, time_zone = ?,
		active = ? WHERE id = ?`, o.Name, o.Region, o.TimeZone, o.Active, o.ID)
	if isUniqueViolation(err) {
		msg := "An organisation with this name already exists."
		return &phoenix.Error{Code: phoenix.ECONFLICT, Message: msg,
			Fields: map[string]string{"name": msg}}
	}
	return err
}

// AddContract stores a version of an organisation's terms.
func (c *Conn) AddContract(ctx context.Context, k phoenix.Contract, now time.Time) (int64, error) {
	id, err := c.insert(ctx, `INSERT INTO contracts (organisation_id, effective_from,
		sessions_per_period, max_extra_per_request, clinical_threshold, goal_days,
		deadline_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		k.OrganisationID, dateValue(k.EffectiveFrom), k.SessionsPerPeriod,
		k.MaxExtraPerRequest, k.ClinicalThreshold, k.GoalDays, k.DeadlineDays, atValue(now))
	if isUniqueViolation(err) {
		msg := "Terms taking effect on this date already exist; choose another date."
		return 0, &phoenix.Error{Code: phoenix.ECONFLICT, Message: msg,
			Fields: map[string]string{"effective_from": msg}}
	}
	return id, err
}

const contractColumns = `id, organisation_id, effective_from, sessions_per_period,
	max_extra_per_request, clinical_threshold, goal_days, deadline_days`

func scanContract(row interface{ Scan(...any) error }) (phoenix.Contract, error) {
	var k phoenix.Contract
	err := row.Scan(&k.ID, &k.OrganisationID, date{&k.EffectiveFrom}, &k.SessionsPerPeriod,
		&k.MaxExtraPerRequest, &k.ClinicalThreshold, &k.GoalDays, &k.DeadlineDays)
	return k, err
}

// ContractOn returns the terms in force for an organisation on day: the version with
// the latest effective date on or before it.
func (c *Conn) ContractOn(ctx context.Context, orgID int64, day phoenix.Date) (phoenix.Contract, error) {
	k, err := scanContract(c.queryRow(ctx, `SELECT `+contractColumns+` FROM contracts
		WHERE organisation_id = ? AND effective_from <= ?
		ORDER BY effective_from DESC LIMIT 1`, orgID, dateValue(day)))
	return k, notFound(err, "Contract")
}

// Contract returns one version of terms by ID.
func (c *Conn) Contract(ctx context.Context, id int64) (phoenix.Contract, error) {
	k, err := scanContract(c.queryRow(ctx, `SELECT `+contractColumns+` FROM contracts
		WHERE id = ?`, id))
	return k, notFound(err, "Contract")
}

// Contracts returns every version of an organisation's terms, newest first.
func (c *Conn) Contracts(ctx context.Context, orgID int64) ([]phoenix.Contract, error) {
	rows, err := c.query(ctx, `SELECT `+contractColumns+` FROM contracts
		WHERE organisation_id = ? ORDER BY effective_from DESC`, orgID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanContract)
}

func scanOrganisation(row interface{ Scan(...any) error }) (phoenix.Organisation, error) {
	var o phoenix.Organisation
	err := row.Scan(&o.ID, &o.Name, &o.Region, &o.TimeZone, &o.Active)
	return o, err
}

// Organisation returns an organisation without its contract.
func (c *Conn) Organisation(ctx context.Context, id int64) (phoenix.Organisation, error) {
	o, err := scanOrganisation(c.queryRow(ctx, `SELECT id, name, region, time_zone, active
		FROM organisations WHERE id = ?`, id))
	return o, notFound(err, "Organisation")
}

// Organisations returns every organisation, ordered by name.
func (c *Conn) Organisations(ctx context.Context) ([]phoenix.Organisation, error) {
	rows, err := c.query(ctx, `SELECT id, name, region, time_zone, active FROM organisations
		ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOrganisation)
}

// Closure is a day on which the provider, or one organisation, does no business.
type Closure struct {
	ID int64
	// OrganisationID is zero for a closure of the whole provider.
	OrganisationID int64
	Day            phoenix.Date
	Name           string
}

// AddClosure stores a closure day.
func (c *Conn) AddClosure(ctx context.Context, k Closure, now time.Time) (int64, error) {
	id, err := c.insert(ctx, `INSERT INTO closures (organisation_id, day, name, created_at)
		VALUES (?, ?, ?, ?)`, nullID(k.OrganisationID), dateValue(k.Day), k.Name, atValue(now))
	if isUniqueViolation(err) {
		msg := "That day is already a closure day."
		return 0, &phoenix.Error{Code: phoenix.ECONFLICT, Message: msg,
			Fields: map[string]string{"date": msg}}
	}
	return id, err
}

// DeleteClosure removes a closure day.
func (c *Conn) DeleteClosure(ctx context.Context, id int64) error {
	_, err := c.exec(ctx, `DELETE FROM closures WHERE id = ?`, id)
	return err
}

// Closures returns the provider's closure days and, when orgID is not zero, that
// organisation's too; orgID -1 returns every closure.
func (c *Conn) Closures(ctx context.Context, orgID int64) ([]Closure, error) {
	rows, err := c.query(ctx, `SELECT id, coalesce(organisation_id, 0), day, name FROM closures
		WHERE ? = -1 OR organisation_id IS NULL OR organisation_id = ? ORDER BY day`, orgID, orgID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (Closure, error) {
		var k Closure
		err := r.Scan(&k.ID, &k.OrganisationID, date{&k.Day}, &k.Name)
		return k, err
	})
}

// CountOrganisations returns the number of organisations, so that demo data is loaded
// into an empty database only.
func (c *Conn) CountOrganisations(ctx context.Context) (int, error) {
	var n int
	err := c.queryRow(ctx, `SELECT count(*) FROM organisations`).Scan(&n)
	return n, err
}
