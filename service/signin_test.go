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

// signInFailures returns the email addresses of every way a sign-in can fail: no
// account, an inactive account, an account without a password, a wrong password.
func signInFailures(t testing.TB, env *testenv.Env, f testenv.Fixture) map[string]string {
	t.Helper()
	ctx := context.Background()
	inactive := env.AddUser(t, phoenix.User{Email: "gone@provider.test", Name: "Gone",
		Role: phoenix.RoleIntake})
	testenv.Must(t, env.Svc.DeactivateAccount(ctx, testenv.Actor(f.Admin), inactive.ID))
	fresh, err := env.Svc.CreateAccount(ctx, testenv.Actor(f.Admin), service.AccountInput{
		Email: "fresh@provider.test", Name: "Fresh", Role: "intake",
		TimeZone: "Australia/Melbourne"})
	testenv.Must(t, err)
	return map[string]string{
		"no account":     "nobody@provider.test",
		"inactive":       inactive.Email,
		"no password":    fresh.Email,
		"wrong password": f.Consultant.Email,
	}
}

func TestSignInChecksOnePassword(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()

		i := 0
		for name, email := range signInFailures(t, env, f) {
			// The dummy hash's own password must not sign anyone in.
			for _, password := range []string{"wrong password", "phoenix-no-such-account"} {
				i++
				before := service.PasswordChecks()
				_, err := env.Svc.SignIn(ctx, email, password, fmt.Sprintf("192.0.2.%d", i))
				wantCode(t, name, err, phoenix.EUNAUTHORIZED)
				if n := service.PasswordChecks() - before; n != 1 {
					t.Errorf("SignIn(%s, %q) checked %d passwords, want 1", name, password, n)
				}
			}
		}

		before := service.PasswordChecks()
		_, err := env.Svc.SignIn(ctx, f.Consultant.Email, testenv.Password, "192.0.2.99")
		testenv.Must(t, err)
		if n := service.PasswordChecks() - before; n != 1 {
			t.Errorf("SignIn(correct password) checked %d passwords, want 1", n)
		}
	})
}

func TestDummyHashParameters(t *testing.T) {
	hash, err := service.HashPassword("any password at all")
	testenv.Must(t, err)
	params := func(h string) string { return strings.Join(strings.Split(h, "$")[:4], "$") }
	if got, want := params(service.DummyHash), params(hash); got != want {
		t.Errorf("dummy hash parameters = %q, want %q as new hashes have", got, want)
	}
}

// throttleFail makes one failed sign-in, and moves the clock past any wait it starts,
// so that the next attempt is checked.
func throttleFail(t *testing.T, env *testenv.Env, email, ip string) error {
	t.Helper()
	_, err := env.Svc.SignIn(context.Background(), email, "wrong password", ip)
	var re *service.RetryError
	if phoenix.ErrorCode(err) == phoenix.EUNAUTHORIZED && errors.As(err, &re) {
		env.Clock.Set(re.RetryAt)
	}
	return err
}

func TestThrottleKnownAddress(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		const office, elsewhere, other = "198.51.100.30", "203.0.113.50", "203.0.113.51"
		signIn := func(u phoenix.User, ip string) error {
			_, err := env.Svc.SignIn(ctx, u.Email, testenv.Password, ip)
			return err
		}
		testenv.Must(t, signIn(f.Consultant, office))

		// Guesses at made-up addresses from the office lock the office's address.
		var err error
		for i := range 30 {
			err = throttleFail(t, env, fmt.Sprintf("guess%d@provider.test", i), office)
		}
		wantCode(t, "guess 30", err, phoenix.ETOOMANY)
		wantCode(t, "first sign-in from the locked office", signIn(f.Intake, office),
			phoenix.ETOOMANY)
		if err := signIn(f.Consultant, office); err != nil {
			t.Errorf("SignIn from the office it signed in from = %v, want a session", err)
		}

		// Failures from elsewhere lock the email address everywhere but the office.
		for range 5 {
			err = throttleFail(t, env, f.Consultant.Email, elsewhere)
		}
		wantCode(t, "failure 5 from elsewhere", err, phoenix.ETOOMANY)
		if err := signIn(f.Consultant, office); err != nil {
			t.Errorf("SignIn from the office while locked elsewhere = %v, want a session", err)
		}
		wantCode(t, "sign-in from a third address", signIn(f.Consultant, other),
			phoenix.ETOOMANY)
	})
}

func TestThrottleKnownAddressLimits(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		const office, elsewhere = "198.51.100.31", "203.0.113.52"
		signIn := func(ip string) error {
			_, err := env.Svc.SignIn(ctx, f.Consultant.Email, testenv.Password, ip)
			return err
		}
		testenv.Must(t, signIn(office))

		// Someone at the known address still gets 5 guesses at the account.
		var err error
		for range 5 {
			err = throttleFail(t, env, f.Consultant.Email, office)
		}
		wantCode(t, "failure 5 from the office", err, phoenix.ETOOMANY)
		wantMessage(t, "failure 5 from the office", err, "Try again in 15 minutes")
		wantCode(t, "correct password from the office", signIn(office), phoenix.ETOOMANY)
		if n := acctAuditCount(t, env, "sign_in_locked"); n != 2 {
			t.Errorf("sign_in_locked audit events = %d, want 2 (the pair and the email)", n)
		}

		// Those failures count for the email address too.
		wantCode(t, "sign-in from elsewhere", signIn(elsewhere), phoenix.ETOOMANY)

		// An address stays known for 90 days after the last sign-in from it.
		env.Clock.Advance(91 * 24 * time.Hour)
		for range 5 {
			err = throttleFail(t, env, f.Consultant.Email, elsewhere)
		}
		wantCode(t, "failure 5 from elsewhere", err, phoenix.ETOOMANY)
		wantCode(t, "office after 91 days", signIn(office), phoenix.ETOOMANY)
	})
}

// BenchmarkSignInFailed measures each kind of failed sign-in on SQLite, from an
// address of its own so that the throttle never rejects one. Each should cost one
// Argon2id check.
func BenchmarkSignInFailed(b *testing.B) {
	env := testenv.New(b, testenv.SQLite(b), testenv.Options{NoQueue: true})
	f := env.Seed(b)
	ctx := context.Background()
	for name, email := range signInFailures(b, env, f) {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				ip := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
				env.Clock.Advance(time.Hour)
				_, err := env.Svc.SignIn(ctx, email, "wrong password", ip)
				if phoenix.ErrorCode(err) != phoenix.EUNAUTHORIZED {
					b.Fatalf("SignIn(%s) = %v, want %s", name, err, phoenix.EUNAUTHORIZED)
				}
			}
		})
	}
}
