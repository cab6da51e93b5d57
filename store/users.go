package store

import (
	"context"
	"time"

	"github.com/phoenix-eap/phoenix"
)

const userColumns = `id, email, name, role, coalesce(organisation_id, 0), time_zone, active,
	created_at`

func scanUser(row interface{ Scan(...any) error }) (phoenix.User, error) {
	var u phoenix.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.OrganisationID, &u.TimeZone,
		&u.Active, at(&u.CreatedAt))
	return u, err
}

// CreateUser stores a new account with the given password hash, which may be empty for
// an account whose owner has not yet set a password.
func (c *Conn) CreateUser(ctx context.Context, u phoenix.User, passwordHash string) (int64, error) {
	id, err := c.insert(ctx, `INSERT INTO users (email, name, role, organisation_id, time_zone,
		password_hash, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Email, u.Name, u.Role, nullID(u.OrganisationID), u.TimeZone, passwordHash, u.Active,
		atValue(u.CreatedAt))
	if isUniqueViolation(err) {
		return 0, &phoenix.Error{Code: phoenix.ECONFLICT,
			Message: "An account with this email address already exists.",
			Fields:  map[string]string{"email": "An account with this email address already exists."}}
	}
	return id, err
}

// User returns the account with the given ID.
func (c *Conn) User(ctx context.Context, id int64) (phoenix.User, error) {
	u, err := scanUser(c.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return u, notFound(err, "User")
}

// UserByEmail returns the account with the given email address and its password hash.
func (c *Conn) UserByEmail(ctx context.Context, email string) (phoenix.User, string, error) {
	var hash string
	row := c.queryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users
		WHERE email = ?`, email)
	var u phoenix.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.OrganisationID, &u.TimeZone,
		&u.Active, at(&u.CreatedAt), &hash)
	return u, hash, notFound(err, "User")
}

// Users returns the accounts of a role, ordered by name; orgID narrows organisation
// reviewers to one organisation when it is not zero.
func (c *Conn) Users(ctx context.Context, role phoenix.Role, orgID int64) ([]phoenix.User, error) {
	w := where{}
	w.add("role = ?", role)
	if orgID != 0 {
		w.add("organisation_id = ?", orgID)
	}
	rows, err := c.query(ctx, `SELECT `+userColumns+` FROM users`+w.String()+
		` ORDER BY name, id`, w.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanUser)
}

// UsersByID returns the accounts with the given IDs, keyed by ID.
func (c *Conn) UsersByID(ctx context.Context, ids []int64) (map[int64]phoenix.User, error) {
	out := make(map[int64]phoenix.User, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	rows, err := c.query(ctx, `SELECT `+userColumns+` FROM users WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	users, err := collect(rows, scanUser)
	for _, u := range users {
		out[u.ID] = u
	}
	return out, err
}

// SetPassword replaces an account's password hash.
func (c *Conn) SetPassword(ctx context.Context, userID int64, hash string) error {
	_, err := c.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	return err
}

// CreateWebSession stores a signed-in session under the hash of its token.
func (c *Conn) CreateWebSession(ctx context.Context, tokenHash string, userID int64, csrf string,
	created, expires time.Time) error {
	_, err := c.exec(ctx, `INSERT INTO web_sessions (token_hash, user_id, csrf_token, created_at,
		expires_at) VALUES (?, ?, ?, ?, ?)`, tokenHash, userID, csrf, atValue(created),
		atValue(expires))
	return err
}

// WebSession returns the active user and CSRF token of the session whose token hashes to
// tokenHash, when the session has not expired at now.
func (c *Conn) WebSession(ctx context.Context, tokenHash string, now time.Time) (phoenix.User, string, error) {
	row := c.queryRow(ctx, `SELECT u.id, u.email, u.name, u.role, coalesce(u.organisation_id, 0),
		u.time_zone, u.active, u.created_at, s.csrf_token
		FROM web_sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND u.active`, tokenHash, atValue(now))
	var u phoenix.User
	var csrf string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.OrganisationID, &u.TimeZone,
		&u.Active, at(&u.CreatedAt), &csrf)
	return u, csrf, notFound(err, "Session")
}

// DeleteWebSession ends one session.
func (c *Conn) DeleteWebSession(ctx context.Context, tokenHash string) error {
	_, err := c.exec(ctx, `DELETE FROM web_sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteUserSessions ends every session of a user.
func (c *Conn) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := c.exec(ctx, `DELETE FROM web_sessions WHERE user_id = ?`, userID)
	return err
}
