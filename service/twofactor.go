package service

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// Two-factor sign-in uses TOTP (RFC 6238) as authenticator apps expect it: 30-second
// time steps, 6 digits, HMAC-SHA1, and a code accepted one step either side of the
// current one, for phones whose clocks drift.
var totpOptions = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix,
	Algorithm: otp.AlgorithmSHA1}

// recoveryCodeCount is how many recovery codes a user gets at a time.
const recoveryCodeCount = 10

var (
	errWrongCode = &phoenix.Error{Code: phoenix.EUNAUTHORIZED,
		Message: "The code is incorrect or has expired. Enter the current 6-digit code " +
			"from your authenticator app, or one of your unused recovery codes."}
	errUsedCode = &phoenix.Error{Code: phoenix.EUNAUTHORIZED,
		Message: "This code has already been used. Wait for the next code in your " +
			"authenticator app and enter that one."}
)

// ErrSignInExpired is the error for a pending sign-in that expired, finished or never
// existed: the person must start again with their password.
var ErrSignInExpired error = &phoenix.Error{Code: phoenix.EUNAUTHORIZED,
	Message: "This sign-in has expired. Sign in again with your email address and password."}

// TwoFactorSetup is the data an authenticator app needs to add an account: the
// otpauth URI, shown as a QR code, and the secret for typing in by hand.
type TwoFactorSetup struct {
	Issuer  string
	Account string
	Secret  string
	URI     string
}

// TwoFactorStatus is the state of a user's two-factor sign-in.
type TwoFactorStatus struct {
	Enabled   bool
	EnabledAt *time.Time
	// Required is true when an administrator requires it of the user's role.
	Required     bool
	RecoveryLeft int
}

// matchStep returns the time step whose code is code, among the steps that totpOptions
// accepts at now.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	period := int64(totpOptions.Period)
	current := now.Unix() / period
	for _, step := range []int64{current, current - 1, current + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*period, 0), totpOptions)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// checkSecondFactor accepts a TOTP code whose time step is later than the last one
// used, or an unused recovery code, and marks it used in c's transaction. It returns
// how the user proved themselves, for the audit log.
func (s *Service) checkSecondFactor(ctx context.Context, c *store.Conn, userID int64,
	code string, now time.Time) (string, error) {
	tf, err := c.TwoFactorOf(ctx, userID)
	if err != nil || tf.EnabledAt == nil {
		return "", errWrongCode
	}
	code = strings.Join(strings.Fields(code), "")
	if len(code) == 6 && allDigits(code) {
		step, ok := matchStep(tf.Secret, code, now)
		if !ok {
			return "", errWrongCode
		}
		fresh, err := c.UseTimeStep(ctx, userID, step)
		if err != nil {
			return "", err
		}
		if !fresh {
			return "", errUsedCode
		}
		return "authenticator code", nil
	}
	ok, err := c.UseRecoveryCode(ctx, userID, hashToken(normalRecoveryCode(code)), now)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errWrongCode
	}
	return "recovery code", nil
}

// SignInCode finishes a pending sign-in with a code from the authenticator app or a
// recovery code, and starts the session. Wrong codes go through the sign-in throttle
// like wrong passwords. The pending sign-in stays until it expires, so that a mistyped
// code can be corrected.
func (s *Service) SignInCode(ctx context.Context, pending, code, ip string) (SignInResult, error) {
	p, user, err := s.pendingSignIn(ctx, pending, StepCode)
	if err != nil {
		return SignInResult{}, err
	}
	keys, err := s.signInKeys(ctx, user.ID, user.Email, ip)
	if err != nil {
		return SignInResult{}, err
	}
	if err := s.admit(ctx, keys); err != nil {
		return SignInResult{}, err
	}

	now := s.clock.Now()
	var res SignInResult
	var method string
	var wrong *phoenix.Error
	err = s.db.InTx(ctx, func(c *store.Conn) error {
		m, err := s.checkSecondFactor(ctx, c, user.ID, code, now)
		if err != nil {
			if phoenix.ErrorCode(err) == phoenix.EUNAUTHORIZED {
				wrong = &phoenix.Error{Code: phoenix.EUNAUTHORIZED, Message: phoenix.ErrorMessage(err)}
			}
			return err
		}
		method = "password and " + m
		res, err = s.finishPending(ctx, c, p, user)
		return err
	})
	if wrong != nil {
		return SignInResult{}, s.failAttempt(ctx, keys, user.ID, ip,
			user.Email+": wrong two-factor code", wrong)
	}
	if err != nil {
		return SignInResult{}, err
	}
	if err := s.release(ctx, keys, true); err != nil {
		return SignInResult{}, err
	}
	s.auditSignIn(ctx, user.ID, "sign_in", ip, method)
	return res, nil
}

// pendingSignIn returns an unexpired pending sign-in of an active user, waiting for
// step.
func (s *Service) pendingSignIn(ctx context.Context, token, step string) (store.PendingSignIn,
	phoenix.User, error) {
	c := s.db.Conn()
	p, err := c.PendingSignInByHash(ctx, hashToken(token), s.clock.Now())
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND || (err == nil && p.Purpose != step) {
		return p, phoenix.User{}, ErrSignInExpired
	}
	if err != nil {
		return p, phoenix.User{}, err
	}
	user, err := c.User(ctx, p.UserID)
	return p, user, err
}

// finishPending ends a pending sign-in and starts its session, once: a second request
// with the same pending sign-in finds it gone.
func (s *Service) finishPending(ctx context.Context, c *store.Conn, p store.PendingSignIn,
	user phoenix.User) (SignInResult, error) {
	ok, err := c.DeletePendingSignIn(ctx, p.Hash)
	if err != nil {
		return SignInResult{}, err
	}
	if !ok {
		return SignInResult{}, ErrSignInExpired
	}
	return s.startSession(ctx, c, user)
}

// PendingEnrolment returns the set-up for a sign-in that must enrol in two-factor
// sign-in before it goes on.
func (s *Service) PendingEnrolment(ctx context.Context, pending string) (TwoFactorSetup, error) {
	_, user, err := s.pendingSignIn(ctx, pending, StepEnrol)
	if err != nil {
		return TwoFactorSetup{}, err
	}
	return s.twoFactorSetup(ctx, user)
}

// FinishEnrolment turns two-factor sign-in on for a pending sign-in with the first
// code from the app, starts the session and returns the new recovery codes.
func (s *Service) FinishEnrolment(ctx context.Context, pending, code, ip string) (SignInResult,
	[]string, error) {
	p, user, err := s.pendingSignIn(ctx, pending, StepEnrol)
	if err != nil {
		return SignInResult{}, nil, err
	}
	var res SignInResult
	var codes []string
	err = s.db.InTx(ctx, func(c *store.Conn) error {
		var err error
		codes, err = s.enable(ctx, c, Actor{User: user, IP: ip}, code)
		if err != nil {
			return err
		}
		res, err = s.finishPending(ctx, c, p, user)
		return err
	})
	if err != nil {
		return SignInResult{}, nil, err
	}
	s.auditSignIn(ctx, user.ID, "sign_in", ip, "password and two-factor enrolment")
	return res, codes, nil
}

// TwoFactor returns the state of the actor's two-factor sign-in.
func (s *Service) TwoFactor(ctx context.Context, a Actor) (TwoFactorStatus, error) {
	c := s.db.Conn()
	var st TwoFactorStatus
	settings, err := c.SecuritySettings(ctx)
	if err != nil {
		return st, err
	}
	st.Required = settings.Requires(a.User.Role)
	tf, err := c.TwoFactorOf(ctx, a.User.ID)
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND || (err == nil && tf.EnabledAt == nil) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.Enabled, st.EnabledAt = true, tf.EnabledAt
	st.RecoveryLeft, err = c.CountRecoveryCodes(ctx, a.User.ID)
	return st, err
}

// StartTwoFactor returns the set-up for the actor's authenticator app. The secret is
// kept unconfirmed until EnableTwoFactor, and the same one is returned until then.
func (s *Service) StartTwoFactor(ctx context.Context, a Actor) (TwoFactorSetup, error) {
	return s.twoFactorSetup(ctx, a.User)
}

func (s *Service) twoFactorSetup(ctx context.Context, user phoenix.User) (TwoFactorSetup, error) {
	c := s.db.Conn()
	tf, err := c.TwoFactorOf(ctx, user.ID)
	switch {
	case err == nil && tf.EnabledAt != nil:
		return TwoFactorSetup{}, phoenix.Errorf(phoenix.ECONFLICT, "Two-factor sign-in is already on.")
	case err == nil:
		return s.setupFor(user, tf.Secret)
	case phoenix.ErrorCode(err) != phoenix.ENOTFOUND:
		return TwoFactorSetup{}, err
	}

	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.cfg.ProviderName,
		AccountName: user.Email, Period: totpOptions.Period, Digits: totpOptions.Digits,
		Algorithm: totpOptions.Algorithm})
	if err != nil {
		return TwoFactorSetup{}, err
	}
	if err := c.StartTwoFactor(ctx, user.ID, key.Secret(), s.clock.Now()); err != nil {
		return TwoFactorSetup{}, err
	}
	return s.setupFor(user, key.Secret())
}

func (s *Service) setupFor(user phoenix.User, secret string) (TwoFactorSetup, error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return TwoFactorSetup{}, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.cfg.ProviderName,
		AccountName: user.Email, Period: totpOptions.Period, Secret: raw,
		Digits: totpOptions.Digits, Algorithm: totpOptions.Algorithm})
	if err != nil {
		return TwoFactorSetup{}, err
	}
	return TwoFactorSetup{Issuer: s.cfg.ProviderName, Account: user.Email, Secret: secret,
		URI: key.URL()}, nil
}

// EnableTwoFactor turns on the actor's two-factor sign-in with the first code from the
// app, and returns the recovery codes, which are shown this once.
func (s *Service) EnableTwoFactor(ctx context.Context, a Actor, code string) ([]string, error) {
	var codes []string
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		var err error
		codes, err = s.enable(ctx, c, a, code)
		return err
	})
	return codes, err
}

func (s *Service) enable(ctx context.Context, c *store.Conn, a Actor, code string) ([]string, error) {
	tf, err := c.TwoFactorOf(ctx, a.User.ID)
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND {
		return nil, phoenix.Errorf(phoenix.EINVALID,
			"Two-factor set-up has not started. Reload the page and scan the new QR code.")
	}
	if err != nil {
		return nil, err
	}
	if tf.EnabledAt != nil {
		return nil, phoenix.Errorf(phoenix.ECONFLICT, "Two-factor sign-in is already on.")
	}
	step, ok := matchStep(tf.Secret, strings.Join(strings.Fields(code), ""), s.clock.Now())
	if !ok {
		return nil, &phoenix.Error{Code: phoenix.EINVALID,
			Message: "The code does not match this key. Check that the app added the key " +
				"shown here and that the phone's clock is right.",
			Fields: map[string]string{"code": "Enter the 6-digit code your app shows now."}}
	}
	if err := c.EnableTwoFactor(ctx, a.User.ID, step, s.clock.Now()); err != nil {
		return nil, err
	}
	codes, err := s.replaceRecoveryCodes(ctx, c, a.User.ID)
	if err != nil {
		return nil, err
	}
	return codes, s.audit(ctx, c, a, "two_factor_enabled", "user", a.User.ID, 0, 0, "")
}

// NewRecoveryCodes replaces the actor's recovery codes, after checking a current code.
func (s *Service) NewRecoveryCodes(ctx context.Context, a Actor, code string) ([]string, error) {
	var codes []string
	err := s.withCode(ctx, a, code, "to replace recovery codes", func(c *store.Conn) error {
		var err error
		if codes, err = s.replaceRecoveryCodes(ctx, c, a.User.ID); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "recovery_codes_replaced", "user", a.User.ID, 0, 0, "")
	})
	return codes, err
}

// DisableTwoFactor turns off the actor's two-factor sign-in after checking a current
// code, unless an administrator requires it of the actor's role.
func (s *Service) DisableTwoFactor(ctx context.Context, a Actor, code string) error {
	settings, err := s.db.Conn().SecuritySettings(ctx)
	if err != nil {
		return err
	}
	if settings.Requires(a.User.Role) {
		return phoenix.Errorf(phoenix.EFORBIDDEN, "Your administrator requires "+
			"two-factor sign-in for your role, so it cannot be turned off.")
	}
	return s.withCode(ctx, a, code, "to turn off two-factor sign-in", func(c *store.Conn) error {
		if err := c.DeleteTwoFactor(ctx, a.User.ID); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "two_factor_disabled", "user", a.User.ID, 0, 0, "")
	})
}

// withCode runs fn in the transaction that accepts a current code from the actor. Wrong
// codes go through the sign-in throttle, so that a stolen session cannot guess codes.
func (s *Service) withCode(ctx context.Context, a Actor, code, purpose string,
	fn func(c *store.Conn) error) error {
	keys, err := s.signInKeys(ctx, a.User.ID, a.User.Email, a.IP)
	if err != nil {
		return err
	}
	if err := s.admit(ctx, keys); err != nil {
		return err
	}
	var wrong bool
	err = s.db.InTx(ctx, func(c *store.Conn) error {
		_, err := s.checkSecondFactor(ctx, c, a.User.ID, code, s.clock.Now())
		if err != nil {
			wrong = phoenix.ErrorCode(err) == phoenix.EUNAUTHORIZED
			return err
		}
		return fn(c)
	})
	if !wrong {
		if err != nil {
			return err
		}
		return s.release(ctx, keys, false)
	}
	msg := phoenix.ErrorMessage(err)
	err = s.failAttempt(ctx, keys, a.User.ID, a.IP, "wrong two-factor code "+purpose,
		&phoenix.Error{Code: phoenix.EINVALID, Message: msg})
	if phoenix.ErrorCode(err) == phoenix.EINVALID {
		return &phoenix.Error{Code: phoenix.EINVALID, Message: phoenix.ErrorMessage(err),
			Fields: map[string]string{"code": msg}}
	}
	return err
}

// ResetTwoFactor turns off another user's two-factor sign-in, for a user who lost both
// their authenticator and their recovery codes. Only administrators may.
func (s *Service) ResetTwoFactor(ctx context.Context, a Actor, userID int64) error {
	if !a.Is(phoenix.RoleAdmin) {
		return forbidden()
	}
	return s.db.InTx(ctx, func(c *store.Conn) error {
		if _, err := c.LockUser(ctx, userID); err != nil {
			return err
		}
		if err := c.DeleteTwoFactor(ctx, userID); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "two_factor_reset", "user", userID, 0, 0, "")
	})
}

func (s *Service) replaceRecoveryCodes(ctx context.Context, c *store.Conn, userID int64) ([]string, error) {
	codes := make([]string, recoveryCodeCount)
	hashes := make([]string, recoveryCodeCount)
	for i := range codes {
		code, err := newRecoveryCode()
		if err != nil {
			return nil, err
		}
		codes[i], hashes[i] = code, hashToken(normalRecoveryCode(code))
	}
	return codes, c.ReplaceRecoveryCodes(ctx, userID, hashes, s.clock.Now())
}

// recoveryAlphabet is lower-case base32: 32 letters and digits, so each random byte
// maps to one without bias, and 10 of them carry 50 bits.
const recoveryAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

// newRecoveryCode returns 10 random characters shown as two groups of five.
func newRecoveryCode() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = recoveryAlphabet[int(b[i])%len(recoveryAlphabet)]
	}
	return string(b[:5]) + "-" + string(b[5:]), nil
}

// normalRecoveryCode ignores case, spaces and hyphens, as users type codes variously.
func normalRecoveryCode(code string) string {
	code = strings.ToLower(code)
	return strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(code)
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
