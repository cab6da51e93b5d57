package service

import (
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// AudienceAccount marks outbox messages about a person's own account, such as the
// link to set a password.
const AudienceAccount = "account"

// Links that set a password. A new account's link lasts 72 hours, so that a link sent
// on a Friday still works on Monday. A reset lasts 1 hour, because the person asked for
// it and is waiting for it. At most 3 resets are emailed to one account in an hour, so
// that the form cannot be used to flood someone's inbox.
const (
	PurposeWelcome   = "welcome"
	PurposeReset     = "reset"
	welcomeLinkLife  = 72 * time.Hour
	resetLinkLife    = time.Hour
	maxResetsPerHour = 3
)

// Password rules: long enough to resist guessing, short enough to hash quickly.
const (
	minPasswordRunes = 12
	maxPasswordRunes = 256
)

// AccountInput is the form for an account. OrganisationID is required for organisation
// reviewers and must be empty for every other role.
type AccountInput struct {
	Email          string `json:"email"`
	Name           string `json:"name"`
	Role           string `json:"role"`
	OrganisationID string `json:"organisation_id"`
	TimeZone       string `json:"time_zone"`
}

// Accounts lists accounts for administrators.
func (s *Service) Accounts(ctx context.Context, a Actor, f store.AccountFilter) ([]store.Account, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return nil, forbidden()
	}
	return s.db.Conn().Accounts(ctx, f)
}

// Account returns one account for administrators.
func (s *Service) Account(ctx context.Context, a Actor, id int64) (store.Account, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return store.Account{}, forbidden()
	}
	return s.db.Conn().Account(ctx, id)
}

// AccountOrganisations returns the organisations a reviewer account can belong to.
func (s *Service) AccountOrganisations(ctx context.Context, a Actor) ([]phoenix.Organisation, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return nil, forbidden()
	}
	return s.db.Conn().Organisations(ctx)
}

// CreateAccount stores a new active account without a password and emails its owner a
// link to set one.
func (s *Service) CreateAccount(ctx context.Context, a Actor, in AccountInput) (phoenix.User, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return phoenix.User{}, forbidden()
	}
	var u phoenix.User
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		var err error
		if u, err = s.checkAccount(ctx, c, in); err != nil {
			return err
		}
		u.Active, u.CreatedAt = true, s.clock.Now()
		if u.ID, err = c.CreateUser(ctx, u, ""); err != nil {
			return err
		}
		if err := s.sendPasswordLink(ctx, c, u, PurposeWelcome); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "user_created", "user", u.ID, 0, 0,
			fmt.Sprintf("%s, %s", u.Email, u.Role.Label()))
	})
	return u, err
}

// UpdateAccount changes an account's email address, name, role, organisation and time
// zone. Administrators cannot change their own role, so one always remains.
func (s *Service) UpdateAccount(ctx context.Context, a Actor, id int64, in AccountInput) (phoenix.User, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return phoenix.User{}, forbidden()
	}
	var u phoenix.User
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		old, err := c.LockUser(ctx, id)
		if err != nil {
			return err
		}
		if u, err = s.checkAccount(ctx, c, in); err != nil {
			return err
		}
		if id == a.User.ID && u.Role != old.Role {
			return &phoenix.Error{Code: phoenix.EINVALID,
				Message: "You cannot change your own role; ask another administrator.",
				Fields:  map[string]string{"role": "You cannot change your own role."}}
		}
		u.ID, u.Active, u.CreatedAt = old.ID, old.Active, old.CreatedAt
		if err := c.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "user_updated", "user", id, 0, 0, accountChanges(old, u))
	})
	return u, err
}

// accountChanges describes an edit for the audit log.
func accountChanges(old, u phoenix.User) string {
	var parts []string
	add := func(field, from, to string) {
		if from != to {
			parts = append(parts, fmt.Sprintf("%s %q to %q", field, from, to))
		}
	}
	add("email", old.Email, u.Email)
	add("name", old.Name, u.Name)
	add("role", string(old.Role), string(u.Role))
	add("organisation", strconv.FormatInt(old.OrganisationID, 10),
		strconv.FormatInt(u.OrganisationID, 10))
	add("time zone", old.TimeZone, u.TimeZone)
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, "; ")
}

// DeactivateAccount stops an account from signing in: its sessions, pending sign-ins
// and password links end at once. The account and everything it did stay on record.
func (s *Service) DeactivateAccount(ctx context.Context, a Actor, id int64) error {
	if !a.Is(phoenix.RoleAdmin) {
		return forbidden()
	}
	if id == a.User.ID {
		return phoenix.Errorf(phoenix.EINVALID,
			"You cannot deactivate your own account; ask another administrator.")
	}
	return s.db.InTx(ctx, func(c *store.Conn) error {
		u, err := c.LockUser(ctx, id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		steps := []func() error{
			func() error { return c.SetUserActive(ctx, id, false) },
			func() error { return c.DeleteUserSessions(ctx, id) },
			func() error { return c.DeleteUserPendingSignIns(ctx, id, now) },
			func() error { return c.RetireAccountTokens(ctx, id, now) },
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return s.audit(ctx, c, a, "user_deactivated", "user", id, 0, 0, u.Email)
	})
}

// ActivateAccount lets a deactivated account sign in again with its old password, or
// with a new link if it never set one.
func (s *Service) ActivateAccount(ctx context.Context, a Actor, id int64) error {
	if !a.Is(phoenix.RoleAdmin) {
		return forbidden()
	}
	return s.db.InTx(ctx, func(c *store.Conn) error {
		u, err := c.LockUser(ctx, id)
		if err != nil {
			return err
		}
		if err := c.SetUserActive(ctx, id, true); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "user_activated", "user", id, 0, 0, u.Email)
	})
}

// SendPasswordLink emails an active account a new link: a 72-hour link while it has no
// password, a 1-hour reset link once it has one. Older links stop working.
func (s *Service) SendPasswordLink(ctx context.Context, a Actor, id int64) error {
	if !a.Is(phoenix.RoleAdmin) {
		return forbidden()
	}
	return s.db.InTx(ctx, func(c *store.Conn) error {
		acc, err := c.Account(ctx, id)
		if err != nil {
			return err
		}
		if !acc.Active {
			return phoenix.Errorf(phoenix.EINVALID,
				"This account is deactivated. Activate it before sending a link.")
		}
		purpose := PurposeWelcome
		if acc.PasswordSet {
			purpose = PurposeReset
		}
		if err := s.sendPasswordLink(ctx, c, acc.User, purpose); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "password_link_sent", "user", id, 0, 0, purpose)
	})
}

// checkAccount validates the form and returns the account it describes.
func (s *Service) checkAccount(ctx context.Context, c *store.Conn, in AccountInput) (phoenix.User, error) {
	var v phoenix.Validation
	u := phoenix.User{Email: normalEmail(in.Email), Name: strings.TrimSpace(in.Name),
		Role: phoenix.Role(strings.TrimSpace(in.Role)), TimeZone: strings.TrimSpace(in.TimeZone)}
	checkAccountName(&v, u.Name)
	checkAccountEmail(&v, u.Email)
	if !isKnownRole(u.Role) {
		v.Add("role", "Choose a role: consultant, intake, clinical leader, organisation "+
			"reviewer or administrator.")
	}

	orgText := strings.TrimSpace(in.OrganisationID)
	if u.Role == phoenix.RoleReviewer {
		org, err := s.reviewerOrganisation(ctx, c, &v, orgText)
		if err != nil {
			return u, err
		}
		u.OrganisationID = org.ID
		if u.TimeZone == "" {
			u.TimeZone = org.TimeZone
		}
	} else if orgText != "" && orgText != "0" {
		v.Add("organisation_id", "Only organisation reviewers belong to an organisation; "+
			"leave it empty for this role.")
	}
	checkAccountZone(&v, u.TimeZone)
	return u, v.Err()
}

func checkAccountName(v *phoenix.Validation, name string) {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		v.Add("name", "Enter the person's name.")
	case n > 200:
		v.Add("name", "Use at most 200 characters.")
	}
}

func checkAccountEmail(v *phoenix.Validation, email string) {
	if email == "" {
		v.Add("email", "Enter an email address.")
		return
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 {
		v.Add("email", "Enter one email address such as name@example.com, without a display name.")
	}
}

func isKnownRole(r phoenix.Role) bool {
	for _, role := range phoenix.Roles {
		if r == role {
			return true
		}
	}
	return false
}

func checkAccountZone(v *phoenix.Validation, zone string) {
	if zone == "" {
		v.Add("time_zone", "Choose the time zone the person works in, such as Australia/Melbourne.")
		return
	}
	if _, err := time.LoadLocation(zone); err != nil || zone == "Local" {
		v.Add("time_zone", fmt.Sprintf("%q is not a time zone name; use one such as "+
			"Australia/Melbourne.", zone))
	}
}

// reviewerOrganisation returns the active organisation a reviewer account belongs to,
// adding a message to v when there is none.
func (s *Service) reviewerOrganisation(ctx context.Context, c *store.Conn, v *phoenix.Validation,
	text string) (phoenix.Organisation, error) {
	id, err := strconv.ParseInt(text, 10, 64)
	if err != nil || id <= 0 {
		v.Add("organisation_id", "Choose the organisation this reviewer works for.")
		return phoenix.Organisation{}, nil
	}
	org, err := c.Organisation(ctx, id)
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND {
		v.Add("organisation_id", fmt.Sprintf("There is no organisation with ID %d.", id))
		return org, nil
	}
	if err != nil {
		return org, err
	}
	if !org.Active {
		v.Add("organisation_id", fmt.Sprintf("%s is deactivated; activate it first.", org.Name))
	}
	return org, nil
}

// checkNewPassword applies the password rules.
func checkNewPassword(password, confirm, email string) error {
	var v phoenix.Validation
	switch n := utf8.RuneCountInString(password); {
	case n < minPasswordRunes:
		v.Add("password", fmt.Sprintf("Use at least %d characters.", minPasswordRunes))
	case n > maxPasswordRunes:
		v.Add("password", fmt.Sprintf("Use at most %d characters.", maxPasswordRunes))
	case strings.EqualFold(strings.TrimSpace(password), email):
		v.Add("password", "Do not use your email address as your password.")
	}
	if confirm != password {
		v.Add("password_confirm", "The two passwords differ. Type the same password in both.")
	}
	return v.Err()
}

// SecurityInput is the form for the two-factor requirements. Each field is a checkbox:
// "on", "true" or "1" sets it, and empty, "off", "false" or "0" clears it.
type SecurityInput struct {
	TwoFactorStaff     string `json:"two_factor_staff"`
	TwoFactorReviewers string `json:"two_factor_reviewers"`
}

// SecuritySettings returns the sign-in rules for administrators.
func (s *Service) SecuritySettings(ctx context.Context, a Actor) (store.SecuritySettings, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return store.SecuritySettings{}, forbidden()
	}
	return s.db.Conn().SecuritySettings(ctx)
}

// SetSecuritySettings changes whether provider staff and organisation reviewers must
// use two-factor sign-in. Those without it enrol at their next sign-in; sessions
// already signed in go on until they end.
func (s *Service) SetSecuritySettings(ctx context.Context, a Actor, in SecurityInput) (store.SecuritySettings, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return store.SecuritySettings{}, forbidden()
	}
	var v phoenix.Validation
	staff := parseCheckbox(&v, "two_factor_staff", in.TwoFactorStaff)
	reviewers := parseCheckbox(&v, "two_factor_reviewers", in.TwoFactorReviewers)
	if err := v.Err(); err != nil {
		return store.SecuritySettings{}, err
	}
	now := s.clock.Now()
	st := store.SecuritySettings{TwoFactorStaff: staff, TwoFactorReviewers: reviewers,
		UpdatedAt: &now, UpdatedBy: a.User.ID}
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		if err := c.SaveSecuritySettings(ctx, st); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "security_settings_changed", "settings", 0, 0, 0,
			fmt.Sprintf("two-factor required: provider staff %t, organisation reviewers %t",
				staff, reviewers))
	})
	return st, err
}

func parseCheckbox(v *phoenix.Validation, field, text string) bool {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "on", "true", "1":
		return true
	case "", "off", "false", "0":
		return false
	}
	v.Add(field, "Use true or false.")
	return false
}
