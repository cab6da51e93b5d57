package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
)

// throttleRetry returns the retry time of a refusal, failing the test when err has
// none.
func throttleRetry(t *testing.T, what string, err error) time.Time {
	t.Helper()
	var re *service.RetryError
	if !errors.As(err, &re) {
		t.Fatalf("%s = %v, want a *service.RetryError", what, err)
	}
	return re.RetryAt
}

func wantMessage(t *testing.T, what string, err error, part string) {
	t.Helper()
	if msg := phoenix.ErrorMessage(err); !strings.Contains(msg, part) {
		t.Errorf("%s message = %q, want it to contain %q", what, msg, part)
	}
}

func TestThrottleAccount(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()

		// An address without an account is throttled the same way, so the throttle
		// reveals nothing about who has one.
		for _, tt := range []struct{ email, password string }{
			{f.Consultant.Email, testenv.Password},
			{"nobody@provider.test", ""},
		} {
			signIn := func(password string) error {
				_, err := env.Svc.SignIn(ctx, tt.email, password, "198.51.100.7")
				return err
			}
			for i := range 2 {
				wantCode(t, fmt.Sprintf("%s failure %d", tt.email, i+1), signIn("wrong password"),
					phoenix.EUNAUTHORIZED)
			}
			err := signIn("wrong password")
			wantCode(t, tt.email+" failure 3", err, phoenix.EUNAUTHORIZED)
			wantMessage(t, tt.email+" failure 3", err, "wait 15 seconds")

			err = signIn(tt.password)
			wantCode(t, tt.email+" attempt within 15 seconds", err, phoenix.ETOOMANY)
			wantMessage(t, tt.email+" attempt within 15 seconds", err, "Try again in 15 seconds")
			env.Clock.Set(throttleRetry(t, "early attempt", err))

			err = signIn("wrong password")
			wantMessage(t, tt.email+" failure 4", err, "wait 30 seconds")
			env.Clock.Set(throttleRetry(t, "failure 4", err))

			err = signIn("wrong password")
			wantCode(t, tt.email+" failure 5", err, phoenix.ETOOMANY)
			wantMessage(t, tt.email+" failure 5", err, "Try again in 15 minutes")
			retry := throttleRetry(t, "failure 5", err)

			env.Clock.Advance(14 * time.Minute)
			err = signIn(tt.password)
			wantCode(t, tt.email+" correct password while locked", err, phoenix.ETOOMANY)
			wantMessage(t, tt.email+" correct password while locked", err, "Try again in 60 seconds")
			env.Clock.Set(retry)
		}

		if _, err := env.Svc.SignIn(ctx, f.Consultant.Email, testenv.Password, "198.51.100.7"); err != nil {
			t.Errorf("SignIn after the lock = %v, want a session", err)
		}
		if n := acctAuditCount(t, env, "sign_in_locked"); n != 2 {
			t.Errorf("sign_in_locked audit events = %d, want 2", n)
		}
		if n := acctAuditCount(t, env, "sign_in_failed"); n != 10 {
			t.Errorf("sign_in_failed audit events = %d, want 10", n)
		}
		if n := acctAuditCount(t, env, "sign_in"); n != 1 {
			t.Errorf("sign_in audit events = %d, want 1", n)
		}
	})
}

func TestThrottleSuccessClears(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()

		for round := range 3 {
			for range 2 {
				_, err := env.Svc.SignIn(ctx, f.Intake.Email, "wrong password", "198.51.100.8")
				wantCode(t, fmt.Sprintf("round %d failure", round), err, phoenix.EUNAUTHORIZED)
			}
			if _, err := env.Svc.SignIn(ctx, f.Intake.Email, testenv.Password, "198.51.100.8"); err != nil {
				t.Fatalf("round %d: SignIn after 2 failures = %v, want a session", round, err)
			}
		}

		// Failures more than 15 minutes apart never add up to a wait.
		for i := range 4 {
			_, err := env.Svc.SignIn(ctx, f.Leader.Email, "wrong password", "198.51.100.8")
			want := "The email address or password is incorrect."
			if got := phoenix.ErrorMessage(err); got != want {
				t.Errorf("spaced failure %d = %q, want %q", i+1, got, want)
			}
			env.Clock.Advance(8 * time.Minute)
		}
	})
}

func TestThrottleAddress(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		const ip = "203.0.113.9"

		// Twenty addresses, one failure each: no account waits, but the client
		// address slows down after 10 and is refused after 20.
		var err error
		for i := range 20 {
			_, err = env.Svc.SignIn(ctx, fmt.Sprintf("guess%d@provider.test", i), "password1234", ip)
			if i < 9 {
				wantCode(t, fmt.Sprintf("failure %d", i+1), err, phoenix.EUNAUTHORIZED)
				continue
			}
			if i < 19 {
				env.Clock.Set(throttleRetry(t, fmt.Sprintf("failure %d", i+1), err))
			}
		}
		wantCode(t, "failure 20", err, phoenix.ETOOMANY)
		wantMessage(t, "failure 20", err, "Try again in 15 minutes")
		retry := throttleRetry(t, "failure 20", err)

		_, err = env.Svc.SignIn(ctx, f.Admin.Email, testenv.Password, ip)
		wantCode(t, "correct password from the locked address", err, phoenix.ETOOMANY)
		if _, err := env.Svc.SignIn(ctx, f.Admin.Email, testenv.Password, "203.0.113.10"); err != nil {
			t.Errorf("SignIn from another address = %v, want a session", err)
		}
		env.Clock.Set(retry)
		if _, err := env.Svc.SignIn(ctx, f.Admin.Email, testenv.Password, ip); err != nil {
			t.Errorf("SignIn after the address lock = %v, want a session", err)
		}
		if n := acctAuditCount(t, env, "sign_in_locked"); n != 1 {
			t.Errorf("sign_in_locked audit events = %d, want 1", n)
		}
	})
}

func TestThrottleTwoFactorCodes(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		secret, _ := tfEnrol(t, env, f.Reviewer)

		// Someone with the password still gets only 5 guesses at the code.
		pending := tfPending(t, env, f.Reviewer, "198.51.100.20")
		var err error
		for i := range 5 {
			wrong := tfWrongCode(t, secret, env.Clock.Now(), i)
			_, err = env.Svc.SignInCode(ctx, pending, wrong, "198.51.100.20")
			if i >= 2 && i < 4 {
				env.Clock.Set(throttleRetry(t, fmt.Sprintf("code failure %d", i+1), err))
			}
		}
		wantCode(t, "code failure 5", err, phoenix.ETOOMANY)
		_, err = env.Svc.SignInCode(ctx, pending, tfCode(t, secret, env.Clock.Now()), "198.51.100.20")
		wantCode(t, "correct code while locked", err, phoenix.ETOOMANY)
	})
}

// tfWrongCode returns a code that is not valid at now, the nth such.
func tfWrongCode(t *testing.T, secret string, now time.Time, n int) string {
	t.Helper()
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		valid[tfCode(t, secret, now.Add(d))] = true
	}
	for i := n; ; i += 10 {
		if code := fmt.Sprintf("%06d", i); !valid[code] {
			return code
		}
	}
}

// BenchmarkSignIn measures a password sign-in with the throttle's two transactions,
// on SQLite. Argon2id hashing is most of the time.
func BenchmarkSignIn(b *testing.B) {
	env := testenv.New(b, testenv.SQLite(b), testenv.Options{NoQueue: true})
	f := env.Seed(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := env.Svc.SignIn(ctx, f.Intake.Email, testenv.Password, "192.0.2.1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignInRejected measures an attempt that the throttle rejects, which checks
// no password: the cost of a flood against a locked account.
func BenchmarkSignInRejected(b *testing.B) {
	env := testenv.New(b, testenv.SQLite(b), testenv.Options{NoQueue: true})
	f := env.Seed(b)
	ctx := context.Background()
	for range 5 {
		_, _ = env.Svc.SignIn(ctx, f.Intake.Email, "wrong password", "192.0.2.1")
	}
	for b.Loop() {
		_, err := env.Svc.SignIn(ctx, f.Intake.Email, testenv.Password, "192.0.2.1")
		if phoenix.ErrorCode(err) != phoenix.ETOOMANY {
			b.Fatalf("SignIn while locked = %v, want %s", err, phoenix.ETOOMANY)
		}
	}
}
