package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
)

// tfCode returns the TOTP code of secret at t, as an authenticator app shows it.
func tfCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	testenv.Must(t, err)
	return code
}

// tfEnrol turns on two-factor sign-in for u and returns the secret and recovery codes.
// The clock then moves to the next time step, so that sign-in needs a fresh code.
func tfEnrol(t *testing.T, env *testenv.Env, u phoenix.User) (string, []string) {
	t.Helper()
	ctx := context.Background()
	setup, err := env.Svc.StartTwoFactor(ctx, testenv.Actor(u))
	testenv.Must(t, err)
	if !strings.HasPrefix(setup.URI, "otpauth://totp/") || !strings.Contains(setup.URI, setup.Secret) {
		t.Errorf("StartTwoFactor URI = %q, want an otpauth://totp URI with the secret", setup.URI)
	}
	codes, err := env.Svc.EnableTwoFactor(ctx, testenv.Actor(u), tfCode(t, setup.Secret, env.Clock.Now()))
	testenv.Must(t, err)
	if len(codes) != 10 {
		t.Fatalf("EnableTwoFactor returned %d recovery codes, want 10", len(codes))
	}
	env.Clock.Advance(30 * time.Second)
	return setup.Secret, codes
}

// tfPending signs u in with the password and returns the pending sign-in's token.
func tfPending(t *testing.T, env *testenv.Env, u phoenix.User, ip string) string {
	t.Helper()
	res, err := env.Svc.SignIn(context.Background(), u.Email, testenv.Password, ip)
	testenv.Must(t, err)
	if res.Step != service.StepCode || res.Token != "" || res.Pending == "" {
		t.Fatalf("SignIn with two-factor on = step %q, token %q; want step %q and no session",
			res.Step, res.Token, service.StepCode)
	}
	return res.Pending
}

func TestTwoFactorSignIn(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		secret, _ := tfEnrol(t, env, f.Reviewer)

		pending := tfPending(t, env, f.Reviewer, "127.0.0.1")
		_, _, err := env.Svc.Authenticate(ctx, pending)
		wantCode(t, "Authenticate(pending token)", err, phoenix.EUNAUTHORIZED)

		_, err = env.Svc.SignInCode(ctx, pending, "000000", "127.0.0.1")
		wantCode(t, "SignInCode(wrong)", err, phoenix.EUNAUTHORIZED)

		code := tfCode(t, secret, env.Clock.Now())
		res, err := env.Svc.SignInCode(ctx, pending, code, "127.0.0.1")
		testenv.Must(t, err)
		user, _, err := env.Svc.Authenticate(ctx, res.Token)
		testenv.Must(t, err)
		if user.ID != f.Reviewer.ID {
			t.Errorf("Authenticate after the code = user %d, want %d", user.ID, f.Reviewer.ID)
		}

		_, err = env.Svc.SignInCode(ctx, pending, code, "127.0.0.1")
		if !errors.Is(err, service.ErrSignInExpired) {
			t.Errorf("SignInCode(finished pending sign-in) = %v, want ErrSignInExpired", err)
		}

		// The same code in a new sign-in, within its time step, is refused.
		again := tfPending(t, env, f.Reviewer, "127.0.0.1")
		_, err = env.Svc.SignInCode(ctx, again, code, "127.0.0.1")
		if !strings.Contains(phoenix.ErrorMessage(err), "already been used") {
			t.Errorf("SignInCode(reused code) = %v, want a message that it was used", err)
		}
		env.Clock.Advance(30 * time.Second)
		_, err = env.Svc.SignInCode(ctx, again, tfCode(t, secret, env.Clock.Now()), "127.0.0.1")
		testenv.Must(t, err)
		if n := acctAuditCount(t, env, "sign_in_failed"); n != 2 {
			t.Errorf("sign_in_failed audit events = %d, want 2", n)
		}
	})
}

func TestTwoFactorCodeWindow(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		secret, _ := tfEnrol(t, env, f.Consultant)
		env.Clock.Advance(2 * time.Minute)

		// A code two steps old has expired; one step old is accepted, for slow phones.
		pending := tfPending(t, env, f.Consultant, "127.0.0.1")
		_, err := env.Svc.SignInCode(ctx, pending, tfCode(t, secret, env.Clock.Now().Add(-60*time.Second)),
			"127.0.0.1")
		wantCode(t, "SignInCode(code of 60 seconds ago)", err, phoenix.EUNAUTHORIZED)
		_, err = env.Svc.SignInCode(ctx, pending, tfCode(t, secret, env.Clock.Now().Add(-30*time.Second)),
			"127.0.0.1")
		testenv.Must(t, err)

		// A pending sign-in lasts 5 minutes.
		pending = tfPending(t, env, f.Consultant, "127.0.0.1")
		env.Clock.Advance(5 * time.Minute)
		_, err = env.Svc.SignInCode(ctx, pending, tfCode(t, secret, env.Clock.Now()), "127.0.0.1")
		if !errors.Is(err, service.ErrSignInExpired) {
			t.Errorf("SignInCode after 5 minutes = %v, want ErrSignInExpired", err)
		}
	})
}

func TestTwoFactorRecoveryCode(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		_, codes := tfEnrol(t, env, f.Intake)

		pending := tfPending(t, env, f.Intake, "127.0.0.1")
		typed := strings.ToUpper(strings.ReplaceAll(codes[3], "-", " "))
		res, err := env.Svc.SignInCode(ctx, pending, typed, "127.0.0.1")
		testenv.Must(t, err)
		if _, _, err := env.Svc.Authenticate(ctx, res.Token); err != nil {
			t.Errorf("Authenticate after a recovery code: %v", err)
		}

		pending = tfPending(t, env, f.Intake, "127.0.0.1")
		_, err = env.Svc.SignInCode(ctx, pending, codes[3], "127.0.0.1")
		wantCode(t, "SignInCode(used recovery code)", err, phoenix.EUNAUTHORIZED)
		st, err := env.Svc.TwoFactor(ctx, testenv.Actor(f.Intake))
		testenv.Must(t, err)
		if !st.Enabled || st.RecoveryLeft != 9 {
			t.Errorf("TwoFactor = %+v, want enabled with 9 recovery codes left", st)
		}
	})
}

func TestTwoFactorRequired(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		_, err := env.Svc.SetSecuritySettings(ctx, testenv.Actor(f.Admin),
			service.SecurityInput{TwoFactorStaff: "on"})
		testenv.Must(t, err)

		// Reviewers are not required, so they sign in as before.
		res, err := env.Svc.SignIn(ctx, f.Reviewer.Email, testenv.Password, "127.0.0.1")
		testenv.Must(t, err)
		if res.Token == "" {
			t.Errorf("reviewer SignIn = step %q, want a session", res.Step)
		}

		res, err = env.Svc.SignIn(ctx, f.Leader.Email, testenv.Password, "127.0.0.1")
		testenv.Must(t, err)
		if res.Step != service.StepEnrol || res.Token != "" {
			t.Fatalf("leader SignIn = step %q, token %q; want enrolment first", res.Step, res.Token)
		}
		setup, err := env.Svc.PendingEnrolment(ctx, res.Pending)
		testenv.Must(t, err)
		_, _, err = env.Svc.FinishEnrolment(ctx, res.Pending, "123456", "127.0.0.1")
		wantCode(t, "FinishEnrolment(wrong code)", err, phoenix.EINVALID)
		session, codes, err := env.Svc.FinishEnrolment(ctx, res.Pending,
			tfCode(t, setup.Secret, env.Clock.Now()), "127.0.0.1")
		testenv.Must(t, err)
		if len(codes) != 10 || session.Token == "" {
			t.Errorf("FinishEnrolment = %d codes, token %q; want 10 codes and a session",
				len(codes), session.Token)
		}

		env.Clock.Advance(30 * time.Second)
		tfPending(t, env, f.Leader, "127.0.0.1")
		err = env.Svc.DisableTwoFactor(ctx, testenv.Actor(f.Leader), codes[0])
		wantCode(t, "DisableTwoFactor while required", err, phoenix.EFORBIDDEN)
	})
}

func TestTwoFactorDisableAndReset(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		secret, _ := tfEnrol(t, env, f.Consultant)

		err := env.Svc.DisableTwoFactor(ctx, testenv.Actor(f.Consultant), "999999")
		if phoenix.ErrorFields(err)["code"] == "" {
			t.Errorf("DisableTwoFactor(wrong code) = %v, want a message for code", err)
		}
		testenv.Must(t, env.Svc.DisableTwoFactor(ctx, testenv.Actor(f.Consultant),
			tfCode(t, secret, env.Clock.Now())))
		res, err := env.Svc.SignIn(ctx, f.Consultant.Email, testenv.Password, "127.0.0.1")
		testenv.Must(t, err)
		if res.Token == "" {
			t.Errorf("SignIn after turning two-factor off = step %q, want a session", res.Step)
		}

		tfEnrol(t, env, f.Consultant)
		testenv.Must(t, env.Svc.ResetTwoFactor(ctx, testenv.Actor(f.Admin), f.Consultant.ID))
		res, err = env.Svc.SignIn(ctx, f.Consultant.Email, testenv.Password, "127.0.0.1")
		testenv.Must(t, err)
		if res.Token == "" {
			t.Errorf("SignIn after an administrator's reset = step %q, want a session", res.Step)
		}
	})
}
