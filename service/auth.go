package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 12 * time.Hour

// How long a correct password waits for its second step: a code from the
// authenticator app, or enrolment, which takes longer because the app must be set up.
const (
	codeStepLifetime  = 5 * time.Minute
	enrolStepLifetime = 15 * time.Minute
)

// The second steps of a sign-in whose password was correct.
const (
	// StepCode waits for a code from the authenticator app or a recovery code.
	StepCode = "code"
	// StepEnrol waits for the user to set up two-factor sign-in, which an
	// administrator requires of their role.
	StepEnrol = "enrol"
)

// errSignIn is the one message for every failed sign-in, so that it does not reveal
// whether an address has an account.
var errSignIn = &phoenix.Error{Code: phoenix.EUNAUTHORIZED,
	Message: "The email address or password is incorrect."}

// SignInResult is a new signed-in session or, when Step is set, a sign-in waiting for
// its second step under the token Pending.
type SignInResult struct {
	Token   string
	CSRF    string
	User    phoenix.User
	Expires time.Time
	Step    string
	Pending string
}

// SignIn checks an email address and password. It starts a session, or a pending
// sign-in when the account needs a two-factor code or enrolment. Attempts go through
// the sign-in throttle, which refuses them with a *RetryError while they must wait.
func (s *Service) SignIn(ctx context.Context, email, password, ip string) (SignInResult, error) {
	email = normalEmail(email)
	user, hash, usable, err := s.signInAccount(ctx, email)
	if err != nil {
		return SignInResult{}, err
	}
	keys, err := s.signInKeys(ctx, user.ID, email, ip)
	if err != nil {
		return SignInResult{}, err
	}
	if err := s.admit(ctx, keys); err != nil {
		return SignInResult{}, err
	}

	// Every admitted attempt checks exactly one password, against dummyHash when the
	// account cannot sign in, so that the time taken does not tell why it failed.
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return SignInResult{}, err
	}
	if !ok || !usable {
		return SignInResult{}, s.failAttempt(ctx, keys, user.ID, ip, email, errSignIn)
	}
	return s.passwordAccepted(ctx, keys, user, ip)
}

// signInAccount returns the account of an email address and the hash to check the
// password against. usable is false when there is no account, when it is inactive or
// when it has no password yet: then the hash is dummyHash, and the user is the zero
// User or the inactive account.
func (s *Service) signInAccount(ctx context.Context, email string) (user phoenix.User,
	hash string, usable bool, err error) {
	user, hash, err = s.db.Conn().UserByEmail(ctx, email)
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND {
		return phoenix.User{}, dummyHash, false, nil
	}
	if err != nil {
		return user, "", false, err
	}
	if hash == "" || !user.Active {
		return user, dummyHash, false, nil
	}
	return user, hash, true, nil
}

// passwordAccepted starts the session, or the pending sign-in of an account with
// two-factor sign-in on or required.
func (s *Service) passwordAccepted(ctx context.Context, keys []throttleKey, user phoenix.User,
	ip string) (SignInResult, error) {
	step, err := s.secondStep(ctx, s.db.Conn(), user)
	if err != nil {
		return SignInResult{}, err
	}
	if err := s.release(ctx, keys, step == ""); err != nil {
		return SignInResult{}, err
	}
	if step == "" {
		return s.signInNow(ctx, user, ip, "password")
	}

	token, err := randomToken()
	if err != nil {
		return SignInResult{}, err
	}
	now := s.clock.Now()
	p := store.PendingSignIn{Hash: hashToken(token), UserID: user.ID, Purpose: step,
		CreatedAt: now, ExpiresAt: now.Add(codeStepLifetime)}
	if step == StepEnrol {
		p.ExpiresAt = now.Add(enrolStepLifetime)
	}
	c := s.db.Conn()
	if err := c.CreatePendingSignIn(ctx, p); err != nil {
		return SignInResult{}, err
	}
	// User ID 0 matches no one, so this deletes only pending sign-ins that expired.
	if err := c.DeleteUserPendingSignIns(ctx, 0, now); err != nil {
		return SignInResult{}, err
	}
	s.auditSignIn(ctx, user.ID, "sign_in_password_accepted", ip, "waiting for step: "+step)
	return SignInResult{User: user, Expires: p.ExpiresAt, Step: step, Pending: token}, nil
}

// secondStep returns the step a correct password leads to: "" for none.
func (s *Service) secondStep(ctx context.Context, c *store.Conn, user phoenix.User) (string, error) {
	tf, err := c.TwoFactorOf(ctx, user.ID)
	if err == nil && tf.EnabledAt != nil {
		return StepCode, nil
	}
	if err != nil && phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
		return "", err
	}
	settings, err := c.SecuritySettings(ctx)
	if err != nil {
		return "", err
	}
	if settings.Requires(user.Role) {
		return StepEnrol, nil
	}
	return "", nil
}

func (s *Service) signInNow(ctx context.Context, user phoenix.User, ip, method string) (SignInResult, error) {
	res, err := s.startSession(ctx, s.db.Conn(), user)
	if err != nil {
		return SignInResult{}, err
	}
	s.auditSignIn(ctx, user.ID, "sign_in", ip, method)
	return res, nil
}

func (s *Service) startSession(ctx context.Context, c *store.Conn, user phoenix.User) (SignInResult, error) {
	token, err := randomToken()
	if err != nil {
		return SignInResult{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return SignInResult{}, err
	}
	now := s.clock.Now()
	expires := now.Add(SessionLifetime)
	err = c.CreateWebSession(ctx, hashToken(token), user.ID, csrf, now, expires)
	if err != nil {
		return SignInResult{}, err
	}
	return SignInResult{Token: token, CSRF: csrf, User: user, Expires: expires}, nil
}

func (s *Service) auditSignIn(ctx context.Context, userID int64, action, ip, detail string) {
	err := s.db.Conn().AddAudit(ctx, phoenix.AuditEvent{At: s.clock.Now(), ActorID: userID,
		Action: action, Object: "user", ObjectID: userID, IP: ip, Detail: detail})
	if err != nil {
		s.logger.Error("recording sign-in audit event", "error", err, "user_id", userID)
	}
}

// Authenticate returns the user and CSRF token of a session token. The session of a
// deactivated account no longer authenticates.
func (s *Service) Authenticate(ctx context.Context, token string) (phoenix.User, string, error) {
	if token == "" {
		return phoenix.User{}, "", phoenix.Errorf(phoenix.EUNAUTHORIZED, "Please sign in.")
	}
	user, csrf, err := s.db.Conn().WebSession(ctx, hashToken(token), s.clock.Now())
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND {
		return user, "", phoenix.Errorf(phoenix.EUNAUTHORIZED,
			"Your session has ended. Please sign in again.")
	}
	return user, csrf, err
}

// SignOut ends the session of token.
func (s *Service) SignOut(ctx context.Context, a Actor, token string) error {
	if err := s.db.Conn().DeleteWebSession(ctx, hashToken(token)); err != nil {
		return err
	}
	s.auditSignIn(ctx, a.User.ID, "sign_out", a.IP, "")
	return nil
}

// CreateUser stores an account with a password; it is for set-up and demo data.
// Administrators create accounts with CreateAccount, which emails a link instead.
func (s *Service) CreateUser(ctx context.Context, c *store.Conn, u phoenix.User, password string) (int64, error) {
	hash := ""
	if password != "" {
		var err error
		if hash, err = HashPassword(password); err != nil {
			return 0, err
		}
	}
	u.Email = normalEmail(u.Email)
	if u.CreatedAt.IsZero() {
		u.CreatedAt = s.clock.Now()
	}
	return c.CreateUser(ctx, u, hash)
}

// errLink is the one message for a password link that is unknown, used, expired or
// for a deactivated account.
var errLink = phoenix.Errorf(phoenix.ENOTFOUND, "This link has expired or has already "+
	"been used. Ask for a new one on the forgotten password page, or ask your administrator.")

// forgotMinDuration is the minimum time RequestPasswordReset takes, so that a request
// for an address with an account, which costs database writes, returns as fast as one
// without.
const forgotMinDuration = 300 * time.Millisecond

// PasswordLink is a valid link to set a password, as its page shows it.
type PasswordLink struct {
	Purpose   string
	Email     string
	Name      string
	ExpiresAt time.Time
}

// SetPasswordInput is the form behind a password link.
type SetPasswordInput struct {
	Token           string `json:"token"`
	Password        string `json:"password"`
	PasswordConfirm string `json:"password_confirm"`
}

// sendPasswordLink stores a new link for u, retires the older ones, and queues the
// email, in c's transaction.
func (s *Service) sendPasswordLink(ctx context.Context, c *store.Conn, u phoenix.User, purpose string) error {
	token, err := randomToken()
	if err != nil {
		return err
	}
	now := s.clock.Now()
	life := welcomeLinkLife
	if purpose == PurposeReset {
		life = resetLinkLife
	}
	t := store.AccountToken{Hash: hashToken(token), UserID: u.ID, Purpose: purpose,
		CreatedAt: now, ExpiresAt: now.Add(life)}
	if err := c.RetireAccountTokens(ctx, u.ID, now); err != nil {
		return err
	}
	if err := c.CreateAccountToken(ctx, t); err != nil {
		return err
	}
	subject, body := s.passwordLinkEmail(u, purpose, s.link("/password/set?token="+token),
		t.ExpiresAt)
	return s.queueEmail(ctx, c, store.Email{Audience: AudienceAccount, To: u.Email,
		Subject: subject, Body: greet(u.Name) + body + s.signature()})
}

func (s *Service) passwordLinkEmail(u phoenix.User, purpose, link string, expires time.Time) (string, string) {
	until := expires.In(u.Location(time.UTC)).Format("Mon 2 Jan 2006, 3:04 pm MST")
	if purpose == PurposeReset {
		return "Reset your Phoenix password", fmt.Sprintf("Someone asked to reset the "+
			"password of your Phoenix account. Choose a new password with this link, "+
			"which works once and until %s:\n\n%s\n\nIf you did not ask for this, ignore "+
			"this email: your password stays as it is.", until, link)
	}
	return "Set your Phoenix password", fmt.Sprintf("%s has opened a Phoenix account for "+
		"you (%s, %s). Choose your password with this link, which works once and until "+
		"%s:\n\n%s\n\nIf the link has expired, ask your administrator for a new one.",
		s.cfg.ProviderName, u.Email, u.Role.Label(), until, link)
}

// RequestPasswordReset emails a reset link to an active account with the address.
// It returns the same result, in about the same time, whether or not there is one, so
// that the form does not reveal who has an account.
func (s *Service) RequestPasswordReset(ctx context.Context, email, ip string) error {
	defer waitSince(ctx, time.Now(), forgotMinDuration)
	email = normalEmail(email)
	var v phoenix.Validation
	checkAccountEmail(&v, email)
	if err := v.Err(); err != nil {
		return err
	}

	user, _, err := s.db.Conn().UserByEmail(ctx, email)
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND || (err == nil && !user.Active) {
		s.auditSignIn(ctx, user.ID, "password_reset_requested", ip,
			email+": no active account, no email sent")
		return nil
	}
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(c *store.Conn) error {
		// Holding the account's row makes requests at once count each other's links,
		// so together they cannot pass the hourly limit.
		if _, err := c.LockUser(ctx, user.ID); err != nil {
			return err
		}
		now := s.clock.Now()
		n, err := c.CountAccountTokens(ctx, user.ID, PurposeReset, now.Add(-time.Hour))
		if err != nil {
			return err
		}
		detail := email + ": reset link sent"
		if n >= maxResetsPerHour {
			detail = fmt.Sprintf("%s: not sent, %d links already sent in the last hour", email, n)
		} else if err := s.sendPasswordLink(ctx, c, user, PurposeReset); err != nil {
			return err
		}
		return c.AddAudit(ctx, phoenix.AuditEvent{At: now, ActorID: user.ID,
			Action: "password_reset_requested", Object: "user", ObjectID: user.ID, IP: ip,
			Detail: detail})
	})
}

// waitSince sleeps until d has passed since start, or ctx ends.
func waitSince(ctx context.Context, start time.Time, d time.Duration) {
	t := time.NewTimer(time.Until(start.Add(d)))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// PasswordLinkInfo returns the link of token when it can still set a password.
func (s *Service) PasswordLinkInfo(ctx context.Context, token string) (PasswordLink, error) {
	t, u, err := s.usableLink(ctx, token)
	if err != nil {
		return PasswordLink{}, err
	}
	return PasswordLink{Purpose: t.Purpose, Email: u.Email, Name: u.Name,
		ExpiresAt: t.ExpiresAt}, nil
}

func (s *Service) usableLink(ctx context.Context, token string) (store.AccountToken, phoenix.User, error) {
	c := s.db.Conn()
	t, err := c.AccountTokenByHash(ctx, hashToken(token))
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND {
		return t, phoenix.User{}, errLink
	}
	if err != nil {
		return t, phoenix.User{}, err
	}
	if t.UsedAt != nil || !s.clock.Now().Before(t.ExpiresAt) {
		return t, phoenix.User{}, errLink
	}
	u, err := c.User(ctx, t.UserID)
	if err == nil && !u.Active {
		return t, u, errLink
	}
	return t, u, err
}

// SetPasswordWithLink sets the password of the link's account and uses the link up.
// The account's other sessions end, since a reset often follows a suspected leak.
func (s *Service) SetPasswordWithLink(ctx context.Context, in SetPasswordInput, ip string) (phoenix.User, error) {
	t, u, err := s.usableLink(ctx, in.Token)
	if err != nil {
		return u, err
	}
	if err := checkNewPassword(in.Password, in.PasswordConfirm, u.Email); err != nil {
		return u, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return u, err
	}
	err = s.db.InTx(ctx, func(c *store.Conn) error {
		now := s.clock.Now()
		ok, err := c.UseAccountToken(ctx, t.Hash, now)
		if err != nil {
			return err
		}
		if !ok {
			return errLink
		}
		if err := c.SetPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := c.RetireAccountTokens(ctx, u.ID, now); err != nil {
			return err
		}
		if err := c.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		return c.AddAudit(ctx, phoenix.AuditEvent{At: now, ActorID: u.ID,
			Action: "password_set", Object: "user", ObjectID: u.ID, IP: ip, Detail: t.Purpose})
	})
	return u, err
}

func normalEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashToken returns the SHA-256 hash that the database keeps of a session token, a
// link's token or a recovery code, so that a copy of the database cannot sign anyone in.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
