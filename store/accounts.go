package store

import (
	"context"
	"time"

	"github.com/phoenix-eap/phoenix"
)

// Account is a user with the state of their sign-in set-up.
type Account struct {
	phoenix.User
	PasswordSet bool
	TwoFactor   bool
}

// AccountFilter narrows a list of accounts. Zero fields do not filter.
type AccountFilter struct {
	Role phoenix.Role
	// Active is "active", "inactive" or "" for both.
	Active string
	// Query matches part of the name or email address, ignoring case.
	Query string
	Page  Page
}

const accountColumns = `u.id, u.email, u.name, u.role, coalesce(u.organisation_id, 0),
	u.time_zone, u.active, u.created_at, u.password_hash <> '',
	coalesce(t.enabled_at, '') <> ''`

const accountFrom = ` FROM users u LEFT JOIN two_factor t ON t.user_id = u.id`

func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	err := row.Scan(&a.ID, &a.Email, &a.Name, &a.Role, &a.OrganisationID, &a.TimeZone,
		&a.Active, at(&a.CreatedAt), &a.PasswordSet, &a.TwoFactor)
	return a, err
}

// Accounts returns accounts ordered by name.
func (c *Conn) Accounts(ctx context.Context, f AccountFilter) ([]Account, error) {
	p := f.Page.normal()
	like := "%" + f.Query + "%"
	rows, err := c.query(ctx, `SELECT `+accountColumns+accountFrom+`
		WHERE (? = '' OR u.role = ?)
		AND (? = '' OR (? = 'active') = u.active)
		AND (? = '' OR lower(u.name) LIKE lower(?) OR lower(u.email) LIKE lower(?))
		ORDER BY u.name, u.id LIMIT ? OFFSET ?`, string(f.Role), string(f.Role),
		f.Active, f.Active, f.Query, like, like, p.Limit, p.Offset)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAccount)
}

// Account returns one account.
func (c *Conn) Account(ctx context.Context, id int64) (Account, error) {
	a, err := scanAccount(c.queryRow(ctx, `SELECT `+accountColumns+accountFrom+`
		WHERE u.id = ?`, id))
	return a, notFound(err, "Account")
}

// LockUser returns a user and locks the row until the transaction ends.
func (c *Conn) LockUser(ctx context.Context, id int64) (phoenix.User, error) {
	u, err := scanUser(c.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`+
		c.d.forUpdate(), id))
	return u, notFound(err, "User")
}

// UpdateUser stores a user's email address, name, role, organisation and time zone.
func (c *Conn) UpdateUser(ctx context.Context, u phoenix.User) error {
	_, err := c.exec(ctx, `UPDATE users SET email = ?, name = ?, role = ?, organisation_id = ?,
		time_zone = ? WHERE id = ?`, u.Email, u.Name, u.Role, nullID(u.OrganisationID),
		u.TimeZone, u.ID)
	if isUniqueViolation(err) {
		msg := "An account with this email address already exists."
		return &phoenix.Error{Code: phoenix.ECONFLICT, Message: msg,
			Fields: map[string]string{"email": msg}}
	}
	return err
}

// SetUserActive activates or deactivates an account.
func (c *Conn) SetUserActive(ctx context.Context, id int64, active bool) error {
	_, err := c.exec(ctx, `UPDATE users SET active = ? WHERE id = ?`, active, id)
	return err
}

// AccountToken is a single-use link that sets a password.
type AccountToken struct {
	Hash      string
	UserID    int64
	Purpose   string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// CreateAccountToken stores a link's token hash.
func (c *Conn) CreateAccountToken(ctx context.Context, t AccountToken) error {
	_, err := c.exec(ctx, `INSERT INTO account_tokens (token_hash, user_id, purpose, created_at,
		expires_at) VALUES (?, ?, ?, ?, ?)`, t.Hash, t.UserID, t.Purpose, atValue(t.CreatedAt),
		atValue(t.ExpiresAt))
	return err
}

// AccountTokenByHash returns the link whose token hashes to hash.
func (c *Conn) AccountTokenByHash(ctx context.Context, hash string) (AccountToken, error) {
	var t AccountToken
	err := c.queryRow(ctx, `SELECT token_hash, user_id, purpose, created_at, expires_at, used_at
		FROM account_tokens WHERE token_hash = ?`, hash).Scan(&t.Hash, &t.UserID, &t.Purpose,
		at(&t.CreatedAt), at(&t.ExpiresAt), nullableAt{&t.UsedAt})
	return t, notFound(err, "Link")
}

// UseAccountToken marks a link used at now and reports whether it was unused and
// unexpired until then. The single UPDATE makes the check and the marking one step, so
// two requests with the same link cannot both succeed.
func (c *Conn) UseAccountToken(ctx context.Context, hash string, now time.Time) (bool, error) {
	res, err := c.exec(ctx, `UPDATE account_tokens SET used_at = ?
		WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
		atValue(now), hash, atValue(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RetireAccountTokens marks every unused link of a user as used at now, so that only
// the newest link works and a deactivated account has none.
func (c *Conn) RetireAccountTokens(ctx context.Context, userID int64, now time.Time) error {
	_, err := c.exec(ctx, `UPDATE account_tokens SET used_at = ?
		WHERE user_id = ? AND used_at IS NULL`, atValue(now), userID)
	return err
}

// CountAccountTokens returns how many links of a purpose a user was sent since since.
func (c *Conn) CountAccountTokens(ctx context.Context, userID int64, purpose string,
	since time.Time) (int, error) {
	var n int
	err := c.queryRow(ctx, `SELECT count(*) FROM account_tokens
		WHERE user_id = ? AND purpose = ? AND created_at >= ?`, userID, purpose,
		atValue(since)).Scan(&n)
	return n, err
}

// SecuritySettings are the provider's sign-in rules.
type SecuritySettings struct {
	// TwoFactorStaff requires two-factor sign-in of every provider staff account.
	TwoFactorStaff bool
	// TwoFactorReviewers requires it of every organisation reviewer.
	TwoFactorReviewers bool
	UpdatedAt          *time.Time
	UpdatedBy          int64
}

// Requires reports whether the settings require two-factor sign-in of role.
func (s SecuritySettings) Requires(role phoenix.Role) bool {
	if role == phoenix.RoleReviewer {
		return s.TwoFactorReviewers
	}
	return s.TwoFactorStaff && role.IsProviderStaff()
}

// SecuritySettings returns the sign-in rules.
func (c *Conn) SecuritySettings(ctx context.Context) (SecuritySettings, error) {
	var s SecuritySettings
	err := c.queryRow(ctx, `SELECT two_factor_staff, two_factor_reviewers, updated_at,
		coalesce(updated_by, 0) FROM security_settings WHERE id = 1`).Scan(&s.TwoFactorStaff,
		&s.TwoFactorReviewers, nullableAt{&s.UpdatedAt}, &s.UpdatedBy)
	return s, notFound(err, "Security settings")
}

// SaveSecuritySettings stores the sign-in rules.
func (c *Conn) SaveSecuritySettings(ctx context.Context, s SecuritySettings) error {
	_, err := c.exec(ctx, `UPDATE security_settings SET two_factor_staff = ?,
		two_factor_reviewers = ?, updated_at = ?, updated_by = ? WHERE id = 1`,
		s.TwoFactorStaff, s.TwoFactorReviewers, optAt(s.UpdatedAt), nullID(s.UpdatedBy))
	return err
}

// TwoFactor is a user's TOTP secret and the latest time step accepted.
// NOTE: the secret is stored in clear, because codes are computed from it, so a copy of
// the database gives the second factor (not the password).
type TwoFactor struct {
	UserID    int64
	Secret    string
	CreatedAt time.Time
	// EnabledAt is nil while enrolment waits for its confirmation code.
	EnabledAt *time.Time
	LastStep  int64
}

// TwoFactorOf returns a user's TOTP secret, enabled or awaiting confirmation.
func (c *Conn) TwoFactorOf(ctx context.Context, userID int64) (TwoFactor, error) {
	var t TwoFactor
	err := c.queryRow(ctx, `SELECT user_id, secret, created_at, enabled_at, last_step
		FROM two_factor WHERE user_id = ?`, userID).Scan(&t.UserID, &t.Secret,
		at(&t.CreatedAt), nullableAt{&t.EnabledAt}, &t.LastStep)
	return t, notFound(err, "Two-factor set-up")
}

// StartTwoFactor stores a new secret awaiting confirmation. It replaces a secret that
// was never confirmed, and fails with ECONFLICT when two-factor sign-in is already on.
func (c *Conn) StartTwoFactor(ctx context.Context, userID int64, secret string, now time.Time) error {
	_, err := c.exec(ctx, `DELETE FROM two_factor WHERE user_id = ? AND enabled_at IS NULL`,
		userID)
	if err != nil {
		return err
	}
	_, err = c.exec(ctx, `INSERT INTO two_factor (user_id, secret, created_at)
		VALUES (?, ?, ?)`, userID, secret, atValue(now))
	if isUniqueViolation(err) {
		return phoenix.Errorf(phoenix.ECONFLICT, "Two-factor sign-in is already on.")
	}
	return err
}

// EnableTwoFactor turns two-factor sign-in on with the time step of the confirmation
// code as the latest one used.
func (c *Conn) EnableTwoFactor(ctx context.Context, userID, step int64, now time.Time) error {
	_, err := c.exec(ctx, `UPDATE two_factor SET enabled_at = ?, last_step = ?
		WHERE user_id = ?`, atValue(now), step, userID)
	return err
}

// UseTimeStep records step as the latest time step used and reports whether it is
// later than the one before, in one UPDATE, so that a code signs in once even when two
// servers check it at the same moment.
func (c *Conn) UseTimeStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := c.exec(ctx, `UPDATE two_factor SET last_step = ?
		WHERE user_id = ? AND last_step < ?`, step, userID, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteTwoFactor turns two-factor sign-in off and removes the recovery codes.
func (c *Conn) DeleteTwoFactor(ctx context.Context, userID int64) error {
	if _, err := c.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err := c.exec(ctx, `DELETE FROM two_factor WHERE user_id = ?`, userID)
	return err
}

// ReplaceRecoveryCodes stores a new set of recovery code hashes in place of the old.
func (c *Conn) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string,
	now time.Time) error {
	if _, err := c.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		_, err := c.exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash, created_at)
			VALUES (?, ?, ?)`, userID, h, atValue(now))
		if err != nil {
			return err
		}
	}
	return nil
}

// UseRecoveryCode marks the unused code with the given hash used and reports whether
// there was one.
func (c *Conn) UseRecoveryCode(ctx context.Context, userID int64, hash string, now time.Time) (bool, error) {
	res, err := c.exec(ctx, `UPDATE recovery_codes SET used_at = ?
		WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`, atValue(now), userID, hash)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CountRecoveryCodes returns how many of a user's recovery codes are unused.
func (c *Conn) CountRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	var n int
	err := c.queryRow(ctx, `SELECT count(*) FROM recovery_codes
		WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&n)
	return n, err
}

// PendingSignIn is a sign-in whose password was correct, waiting for its second step.
type PendingSignIn struct {
	Hash   string
	UserID int64
	// Purpose is "code" or "enrol".
	Purpose   string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreatePendingSignIn stores a pending sign-in under the hash of its token.
func (c *Conn) CreatePendingSignIn(ctx context.Context, p PendingSignIn) error {
	_, err := c.exec(ctx, `INSERT INTO pending_sign_ins (token_hash, user_id, purpose,
		created_at, expires_at) VALUES (?, ?, ?, ?, ?)`, p.Hash, p.UserID, p.Purpose,
		atValue(p.CreatedAt), atValue(p.ExpiresAt))
	return err
}

// PendingSignInByHash returns the pending sign-in of an active user whose token hashes
// to hash, when it has not expired at now.
func (c *Conn) PendingSignInByHash(ctx context.Context, hash string, now time.Time) (PendingSignIn, error) {
	var p PendingSignIn
	err := c.queryRow(ctx, `SELECT p.token_hash, p.user_id, p.purpose, p.created_at,
		p.expires_at FROM pending_sign_ins p JOIN users u ON u.id = p.user_id
		WHERE p.token_hash = ? AND p.expires_at > ? AND u.active`, hash,
		atValue(now)).Scan(&p.Hash, &p.UserID, &p.Purpose, at(&p.CreatedAt),
		at(&p.ExpiresAt))
	return p, notFound(err, "Sign-in")
}

// DeletePendingSignIn removes one pending sign-in and reports whether it existed, so
// that of two requests finishing the same sign-in only one goes on.
func (c *Conn) DeletePendingSignIn(ctx context.Context, hash string) (bool, error) {
	res, err := c.exec(ctx, `DELETE FROM pending_sign_ins WHERE token_hash = ?`, hash)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteUserPendingSignIns removes a user's pending sign-ins, and any that expired
// before now, whoever's they were.
func (c *Conn) DeleteUserPendingSignIns(ctx context.Context, userID int64, now time.Time) error {
	_, err := c.exec(ctx, `DELETE FROM pending_sign_ins WHERE user_id = ? OR expires_at <= ?`,
		userID, atValue(now))
	return err
}

// Throttle is the sign-in failure count of one email address or client address.
type Throttle struct {
	// Scope is "account" or "address"; Subject is the email or client address.
	Scope, Subject string
	Failures       int
	WindowStart    time.Time
	LastAttemptAt  *time.Time
	LockedUntil    *time.Time
}

// LockThrottle returns the failure count of a subject, creating it at now when it is
// new, and locks its row until the transaction ends.
func (c *Conn) LockThrottle(ctx context.Context, scope, subject string, now time.Time) (Throttle, error) {
	_, err := c.exec(ctx, `INSERT INTO sign_in_throttle (scope, subject, window_start)
		VALUES (?, ?, ?) ON CONFLICT (scope, subject) DO NOTHING`, scope, subject, atValue(now))
	if err != nil {
		return Throttle{}, err
	}
	t := Throttle{Scope: scope, Subject: subject}
	err = c.queryRow(ctx, `SELECT failures, window_start, last_attempt_at, locked_until
		FROM sign_in_throttle WHERE scope = ? AND subject = ?`+c.d.forUpdate(), scope,
		subject).Scan(&t.Failures, at(&t.WindowStart), nullableAt{&t.LastAttemptAt},
		nullableAt{&t.LockedUntil})
	return t, err
}

// SaveThrottle stores a failure count.
func (c *Conn) SaveThrottle(ctx context.Context, t Throttle) error {
	_, err := c.exec(ctx, `UPDATE sign_in_throttle SET failures = ?, window_start = ?,
		last_attempt_at = ?, locked_until = ? WHERE scope = ? AND subject = ?`, t.Failures,
		atValue(t.WindowStart), optAt(t.LastAttemptAt), optAt(t.LockedUntil), t.Scope,
		t.Subject)
	return err
}

// DeleteThrottle deletes a subject's failure count.
func (c *Conn) DeleteThrottle(ctx context.Context, scope, subject string) error {
	_, err := c.exec(ctx, `DELETE FROM sign_in_throttle WHERE scope = ? AND subject = ?`,
		scope, subject)
	return err
}

// PurgeThrottle deletes the failure counts whose window began before before and that
// hold no lock after it, so that the table keeps only recent subjects.
func (c *Conn) PurgeThrottle(ctx context.Context, before time.Time) error {
	_, err := c.exec(ctx, `DELETE FROM sign_in_throttle WHERE window_start < ?
		AND (locked_until IS NULL OR locked_until < ?)`, atValue(before), atValue(before))
	return err
}
