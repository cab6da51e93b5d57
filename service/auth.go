package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 12 * time.Hour

// errSignIn is the one message for every failed sign-in, so that it does not reveal
// whether an address has an account.
var errSignIn = &phoenix.Error{Code: phoenix.EUNAUTHORIZED,
	Message: "The email address or password is incorrect."}

// SignInResult is a new signed-in session.
type SignInResult struct {
	Token   string
	CSRF    string
	User    phoenix.User
	Expires time.Time
}

// SignIn checks an email address and password and starts a session.
func (s *Service) SignIn(ctx context.Context, email, password, ip string) (SignInResult, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	conn := s.db.Conn()
	user, hash, err := conn.UserByEmail(ctx, email)
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND || (err == nil && (hash == "" || !user.Active)) {
		_, _ = CheckPassword(dummyHash, password)
		s.auditSignIn(ctx, 0, "sign_in_failed", ip, email)
		return SignInResult{}, errSignIn
	}
	if err != nil {
		return SignInResult{}, err
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return SignInResult{}, err
	}
	if !ok {
		s.auditSignIn(ctx, user.ID, "sign_in_failed", ip, email)
		return SignInResult{}, errSignIn
	}
	res, err := s.startSession(ctx, user)
	if err != nil {
		return SignInResult{}, err
	}
	s.auditSignIn(ctx, user.ID, "sign_in", ip, "")
	return res, nil
}

func (s *Service) startSession(ctx context.Context, user phoenix.User) (SignInResult, error) {
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
	err = s.db.Conn().CreateWebSession(ctx, hashToken(token), user.ID, csrf, now, expires)
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

// Authenticate returns the user and CSRF token of a session token.
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
func (s *Service) CreateUser(ctx context.Context, c *store.Conn, u phoenix.User, password string) (int64, error) {
	hash := ""
	if password != "" {
		var err error
		if hash, err = HashPassword(password); err != nil {
			return 0, err
		}
	}
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.CreatedAt.IsZero() {
		u.CreatedAt = s.clock.Now()
	}
	return c.CreateUser(ctx, u, hash)
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashToken is what the database keeps of a session token, so that a copy of the
// database cannot be used to take over sessions.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
