package service_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

const acctPassword = "a long and unusual passphrase"

// acctLinkPattern finds a password link in an email body.
var acctLinkPattern = regexp.MustCompile(`http://phoenix\.test/password/set\?token=[A-Za-z0-9_-]+`)

// acctEmailsTo returns the outbox messages to an address, newest first.
func acctEmailsTo(t *testing.T, env *testenv.Env, to string) []store.Email {
	t.Helper()
	all, err := env.Conn().Emails(context.Background(), store.EmailFilter{
		Page: store.Page{Limit: 200}})
	testenv.Must(t, err)
	var out []store.Email
	for _, e := range all {
		if e.To == to {
			out = append(out, e)
		}
	}
	return out
}

// acctLatestToken returns the token of the newest password link emailed to an address.
func acctLatestToken(t *testing.T, env *testenv.Env, to string) string {
	t.Helper()
	emails := acctEmailsTo(t, env, to)
	if len(emails) == 0 {
		t.Fatalf("no email to %s in the outbox", to)
	}
	e := emails[0]
	if e.Audience != service.AudienceAccount {
		t.Errorf("email to %s has audience %q, want %q", to, e.Audience, service.AudienceAccount)
	}
	link := acctLinkPattern.FindString(e.Body)
	if link == "" {
		t.Fatalf("email %q to %s holds no password link:\n%s", e.Subject, to, e.Body)
	}
	u, err := url.Parse(link)
	testenv.Must(t, err)
	return u.Query().Get("token")
}

// acctAuditCount returns how many audit events of an action the log holds.
func acctAuditCount(t *testing.T, env *testenv.Env, action string) int {
	t.Helper()
	events, err := env.Conn().Audit(context.Background(), store.AuditFilter{
		Page: store.Page{Limit: 200}})
	testenv.Must(t, err)
	n := 0
	for _, e := range events {
		if e.Action == action {
			n++
		}
	}
	return n
}

func acctSetPassword(env *testenv.Env, token, password string) error {
	_, err := env.Svc.SetPasswordWithLink(context.Background(), service.SetPasswordInput{
		Token: token, Password: password, PasswordConfirm: password}, "127.0.0.1")
	return err
}

func acctCreate(t *testing.T, env *testenv.Env, admin phoenix.User, in service.AccountInput) phoenix.User {
	t.Helper()
	u, err := env.Svc.CreateAccount(context.Background(), testenv.Actor(admin), in)
	testenv.Must(t, err)
	return u
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := phoenix.ErrorCode(err); got != code {
		t.Errorf("%s: error code = %q (%v), want %q", what, got, err, code)
	}
}

func TestCreateAccountLink(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()

		u := acctCreate(t, env, f.Admin, service.AccountInput{Email: " Rae@Acme.Test ",
			Name: "Rae Reviewer", Role: "org_reviewer", OrganisationID: strconv.FormatInt(f.Org.ID, 10)})
		if u.Email != "rae@acme.test" || u.TimeZone != f.Org.TimeZone || !u.Active {
			t.Errorf("CreateAccount = %+v, want rae@acme.test, active, in %s", u, f.Org.TimeZone)
		}
		token := acctLatestToken(t, env, "rae@acme.test")

		_, err := env.Svc.SignIn(ctx, "rae@acme.test", acctPassword, "127.0.0.1")
		wantCode(t, "SignIn before the password is set", err, phoenix.EUNAUTHORIZED)

		link, err := env.Svc.PasswordLinkInfo(ctx, token)
		testenv.Must(t, err)
		if link.Purpose != service.PurposeWelcome || link.Email != "rae@acme.test" {
			t.Errorf("PasswordLinkInfo = %+v, want a welcome link for rae@acme.test", link)
		}
		if want := env.Clock.Now().Add(72 * time.Hour); link.ExpiresAt.Sub(want).Abs() > time.Minute {
			t.Errorf("link expires at %v, want about %v", link.ExpiresAt, want)
		}
		testenv.Must(t, acctSetPassword(env, token, acctPassword))

		res, err := env.Svc.SignIn(ctx, "rae@acme.test", acctPassword, "127.0.0.1")
		testenv.Must(t, err)
		if res.Token == "" || res.Step != "" {
			t.Errorf("SignIn after setting the password = step %q, token %q; want a session",
				res.Step, res.Token)
		}
		wantCode(t, "second use of the link", acctSetPassword(env, token, acctPassword+"!"),
			phoenix.ENOTFOUND)
		_, err = env.Svc.PasswordLinkInfo(ctx, token)
		wantCode(t, "PasswordLinkInfo after use", err, phoenix.ENOTFOUND)
		if n := acctAuditCount(t, env, "user_created"); n != 1 {
			t.Errorf("user_created audit events = %d, want 1", n)
		}
	})
}

func TestPasswordLinkExpires(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()

		acctCreate(t, env, f.Admin, service.AccountInput{Email: "new@provider.test",
			Name: "Nia New", Role: "consultant", TimeZone: "Australia/Perth"})
		token := acctLatestToken(t, env, "new@provider.test")
		env.Clock.Advance(71 * time.Hour)
		if _, err := env.Svc.PasswordLinkInfo(ctx, token); err != nil {
			t.Errorf("PasswordLinkInfo after 71 hours: %v, want the link to work", err)
		}
		env.Clock.Advance(time.Hour)
		wantCode(t, "SetPasswordWithLink after 72 hours", acctSetPassword(env, token, acctPassword),
			phoenix.ENOTFOUND)

		// A new link from the administrator works and retires the old one.
		testenv.Must(t, env.Svc.SendPasswordLink(ctx, testenv.Actor(f.Admin), mustUserID(t, env, "new@provider.test")))
		fresh := acctLatestToken(t, env, "new@provider.test")
		if fresh == token {
			t.Fatal("SendPasswordLink emailed the old token again")
		}
		testenv.Must(t, acctSetPassword(env, fresh, acctPassword))
	})
}

func mustUserID(t *testing.T, env *testenv.Env, email string) int64 {
	t.Helper()
	u, _, err := env.Conn().UserByEmail(context.Background(), email)
	testenv.Must(t, err)
	return u.ID
}

func TestPasswordResetNoEnumeration(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()

		known := env.Svc.RequestPasswordReset(ctx, "Consultant@Provider.test", "127.0.0.1")
		unknown := env.Svc.RequestPasswordReset(ctx, "nobody@provider.test", "127.0.0.1")
		if known != nil || unknown != nil {
			t.Fatalf("RequestPasswordReset = %v (known), %v (unknown); want nil for both",
				known, unknown)
		}
		if n := len(acctEmailsTo(t, env, "nobody@provider.test")); n != 0 {
			t.Errorf("emails to an address without an account = %d, want 0", n)
		}
		token := acctLatestToken(t, env, f.Consultant.Email)
		want := "Reset your Phoenix password"
		if got := acctEmailsTo(t, env, f.Consultant.Email)[0].Subject; got != want {
			t.Errorf("reset email subject = %q, want %q", got, want)
		}
		if n := acctAuditCount(t, env, "password_reset_requested"); n != 2 {
			t.Errorf("password_reset_requested audit events = %d, want 2", n)
		}

		// The reset ends the sessions signed in with the old password.
		old, err := env.Svc.SignIn(ctx, f.Consultant.Email, testenv.Password, "127.0.0.1")
		testenv.Must(t, err)
		env.Clock.Advance(59 * time.Minute)
		testenv.Must(t, acctSetPassword(env, token, acctPassword))
		_, _, err = env.Svc.Authenticate(ctx, old.Token)
		wantCode(t, "Authenticate after a reset", err, phoenix.EUNAUTHORIZED)
		_, err = env.Svc.SignIn(ctx, f.Consultant.Email, acctPassword, "127.0.0.1")
		testenv.Must(t, err)
	})
}

func TestPasswordResetExpiresAndLimits(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()

		testenv.Must(t, env.Svc.RequestPasswordReset(ctx, f.Intake.Email, "127.0.0.1"))
		token := acctLatestToken(t, env, f.Intake.Email)
		env.Clock.Advance(time.Hour)
		wantCode(t, "reset link after 1 hour", acctSetPassword(env, token, acctPassword),
			phoenix.ENOTFOUND)

		for range 4 {
			testenv.Must(t, env.Svc.RequestPasswordReset(ctx, f.Intake.Email, "127.0.0.1"))
		}
		if n := len(acctEmailsTo(t, env, f.Intake.Email)); n != 4 {
			t.Errorf("reset emails after 5 requests over 2 hours = %d, want 4 (3 an hour)", n)
		}

		// Only the newest link works.
		emails := acctEmailsTo(t, env, f.Intake.Email)
		older := acctLinkPattern.FindString(emails[1].Body)
		u, _ := url.Parse(older)
		wantCode(t, "an older reset link", acctSetPassword(env, u.Query().Get("token"), acctPassword),
			phoenix.ENOTFOUND)
		testenv.Must(t, acctSetPassword(env, acctLatestToken(t, env, f.Intake.Email), acctPassword))
	})
}

func TestPasswordRules(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		testenv.Must(t, env.Svc.RequestPasswordReset(ctx, f.Leader.Email, "127.0.0.1"))
		token := acctLatestToken(t, env, f.Leader.Email)

		tests := []struct {
			name, password, confirm, field string
		}{
			{"short", "eleven char", "eleven char", "password"},
			{"long", strings.Repeat("x", 257), strings.Repeat("x", 257), "password"},
			{"email", "LEADER@provider.test", "LEADER@provider.test", "password"},
			{"mismatch", acctPassword, acctPassword + "?", "password_confirm"},
		}
		for _, tt := range tests {
			_, err := env.Svc.SetPasswordWithLink(ctx, service.SetPasswordInput{Token: token,
				Password: tt.password, PasswordConfirm: tt.confirm}, "127.0.0.1")
			if phoenix.ErrorFields(err)[tt.field] == "" {
				t.Errorf("SetPasswordWithLink(%s) = %v, want a message for %s", tt.name, err, tt.field)
			}
		}
		// Rejected attempts leave the link unused; 256 characters are allowed.
		testenv.Must(t, acctSetPassword(env, token, strings.Repeat("é", 256)))
	})
}

func TestCreateAccountRejects(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		org := strconv.FormatInt(f.Org.ID, 10)
		ok := service.AccountInput{Email: "x@provider.test", Name: "X", Role: "intake",
			TimeZone: "Australia/Sydney"}

		tests := []struct {
			name  string
			edit  func(*service.AccountInput)
			field string
		}{
			{"reviewer without organisation", func(in *service.AccountInput) { in.Role = "org_reviewer" }, "organisation_id"},
			{"reviewer of unknown organisation", func(in *service.AccountInput) {
				in.Role, in.OrganisationID = "org_reviewer", "99999"
			}, "organisation_id"},
			{"staff with organisation", func(in *service.AccountInput) { in.OrganisationID = org }, "organisation_id"},
			{"unknown role", func(in *service.AccountInput) { in.Role = "superuser" }, "role"},
			{"bad time zone", func(in *service.AccountInput) { in.TimeZone = "Australia/Gotham" }, "time_zone"},
			{"no time zone", func(in *service.AccountInput) { in.TimeZone = "" }, "time_zone"},
			{"bad email", func(in *service.AccountInput) { in.Email = "x at provider" }, "email"},
			{"display name", func(in *service.AccountInput) { in.Email = "X <x@provider.test>" }, "email"},
			{"no name", func(in *service.AccountInput) { in.Name = " " }, "name"},
			{"taken email", func(in *service.AccountInput) { in.Email = "INTAKE@provider.test" }, "email"},
		}
		for _, tt := range tests {
			in := ok
			tt.edit(&in)
			_, err := env.Svc.CreateAccount(context.Background(), testenv.Actor(f.Admin), in)
			if phoenix.ErrorFields(err)[tt.field] == "" {
				t.Errorf("CreateAccount(%s) = %v, want a message for %s", tt.name, err, tt.field)
			}
		}
		if n := len(acctEmailsTo(t, env, "x@provider.test")); n != 0 {
			t.Errorf("emails after rejected accounts = %d, want 0", n)
		}
	})
}

func TestUpdateAccount(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)

		u, err := env.Svc.UpdateAccount(ctx, admin, f.Consultant.ID, service.AccountInput{
			Email: f.Consultant.Email, Name: "Casey Consultant-Lee", Role: "consultant",
			TimeZone: "Australia/Brisbane"})
		testenv.Must(t, err)
		got, err := env.Conn().User(ctx, f.Consultant.ID)
		testenv.Must(t, err)
		if got.Name != "Casey Consultant-Lee" || got.TimeZone != "Australia/Brisbane" || u.ID != got.ID {
			t.Errorf("User after UpdateAccount = %+v, want the new name and Australia/Brisbane", got)
		}

		_, err = env.Svc.UpdateAccount(ctx, admin, f.Admin.ID, service.AccountInput{
			Email: f.Admin.Email, Name: f.Admin.Name, Role: "intake", TimeZone: f.Admin.TimeZone})
		if phoenix.ErrorFields(err)["role"] == "" {
			t.Errorf("UpdateAccount(own role) = %v, want a message for role", err)
		}
		wantCode(t, "DeactivateAccount(self)", env.Svc.DeactivateAccount(ctx, admin, f.Admin.ID),
			phoenix.EINVALID)
		_, err = env.Svc.UpdateAccount(ctx, admin, 99999, service.AccountInput{})
		wantCode(t, "UpdateAccount(unknown)", err, phoenix.ENOTFOUND)
	})
}

func TestDeactivateEndsSessions(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)

		res, err := env.Svc.SignIn(ctx, f.Reviewer.Email, testenv.Password, "127.0.0.1")
		testenv.Must(t, err)
		if _, _, err := env.Svc.Authenticate(ctx, res.Token); err != nil {
			t.Fatalf("Authenticate before deactivation: %v", err)
		}
		testenv.Must(t, env.Svc.RequestPasswordReset(ctx, f.Reviewer.Email, "127.0.0.1"))
		token := acctLatestToken(t, env, f.Reviewer.Email)

		testenv.Must(t, env.Svc.DeactivateAccount(ctx, admin, f.Reviewer.ID))
		_, _, err = env.Svc.Authenticate(ctx, res.Token)
		wantCode(t, "Authenticate after deactivation", err, phoenix.EUNAUTHORIZED)
		_, err = env.Svc.SignIn(ctx, f.Reviewer.Email, testenv.Password, "127.0.0.1")
		wantCode(t, "SignIn after deactivation", err, phoenix.EUNAUTHORIZED)
		wantCode(t, "reset link after deactivation", acctSetPassword(env, token, acctPassword),
			phoenix.ENOTFOUND)

		// The account stays on record, with its history.
		acc, err := env.Svc.Account(ctx, admin, f.Reviewer.ID)
		testenv.Must(t, err)
		if acc.Active || acc.Email != f.Reviewer.Email {
			t.Errorf("Account after deactivation = %+v, want the same account, inactive", acc.User)
		}
		events, err := env.Conn().Audit(ctx, store.AuditFilter{ActorID: f.Reviewer.ID})
		testenv.Must(t, err)
		if len(events) == 0 {
			t.Error("the deactivated account's audit events are gone")
		}

		testenv.Must(t, env.Svc.ActivateAccount(ctx, admin, f.Reviewer.ID))
		_, err = env.Svc.SignIn(ctx, f.Reviewer.Email, testenv.Password, "127.0.0.1")
		testenv.Must(t, err)
	})
}

func TestAccountsAccess(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		in := service.AccountInput{Email: "sneaky@provider.test", Name: "Sneaky",
			Role: "admin", TimeZone: "Australia/Sydney"}

		calls := map[string]func(a service.Actor) error{
			"Accounts": func(a service.Actor) error {
				_, err := env.Svc.Accounts(ctx, a, store.AccountFilter{})
				return err
			},
			"Account": func(a service.Actor) error {
				_, err := env.Svc.Account(ctx, a, f.Admin.ID)
				return err
			},
			"AccountOrganisations": func(a service.Actor) error {
				_, err := env.Svc.AccountOrganisations(ctx, a)
				return err
			},
			"CreateAccount": func(a service.Actor) error {
				_, err := env.Svc.CreateAccount(ctx, a, in)
				return err
			},
			"UpdateAccount": func(a service.Actor) error {
				_, err := env.Svc.UpdateAccount(ctx, a, a.User.ID, service.AccountInput{
					Email: a.User.Email, Name: a.User.Name, Role: "admin", TimeZone: a.User.TimeZone})
				return err
			},
			"DeactivateAccount": func(a service.Actor) error {
				return env.Svc.DeactivateAccount(ctx, a, f.Admin.ID)
			},
			"ActivateAccount": func(a service.Actor) error {
				return env.Svc.ActivateAccount(ctx, a, a.User.ID)
			},
			"SendPasswordLink": func(a service.Actor) error {
				return env.Svc.SendPasswordLink(ctx, a, f.Admin.ID)
			},
			"ResetTwoFactor": func(a service.Actor) error {
				return env.Svc.ResetTwoFactor(ctx, a, f.Admin.ID)
			},
			"SecuritySettings": func(a service.Actor) error {
				_, err := env.Svc.SecuritySettings(ctx, a)
				return err
			},
			"SetSecuritySettings": func(a service.Actor) error {
				_, err := env.Svc.SetSecuritySettings(ctx, a, service.SecurityInput{})
				return err
			},
		}
		for _, u := range []phoenix.User{f.Consultant, f.Intake, f.Leader, f.Reviewer} {
			for name, call := range calls {
				err := call(testenv.Actor(u))
				if phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
					t.Errorf("%s by %s = %v, want %s", name, u.Role, err, phoenix.EFORBIDDEN)
				}
			}
		}
		if n := len(acctEmailsTo(t, env, "sneaky@provider.test")); n != 0 {
			t.Errorf("emails to the refused account = %d, want 0", n)
		}
		for name, call := range calls {
			if name == "DeactivateAccount" || name == "CreateAccount" {
				continue
			}
			if err := call(testenv.Actor(f.Admin)); phoenix.ErrorCode(err) == phoenix.EFORBIDDEN {
				t.Errorf("%s by admin = %v, want it allowed", name, err)
			}
		}
	})
}

func TestPasswordLinkConcurrent(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		testenv.Must(t, env.Svc.RequestPasswordReset(context.Background(), f.Consultant2.Email,
			"127.0.0.1"))
		token := acctLatestToken(t, env, f.Consultant2.Email)

		const n = 4
		errs := make(chan error, n)
		for i := range n {
			go func() { errs <- acctSetPassword(env, token, acctPassword+strconv.Itoa(i)) }()
		}
		ok := 0
		for range n {
			err := <-errs
			if err == nil {
				ok++
			} else if phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
				t.Errorf("concurrent SetPasswordWithLink = %v, want nil or %s", err, phoenix.ENOTFOUND)
			}
		}
		if ok != 1 {
			t.Errorf("concurrent uses of one link that succeeded = %d, want 1", ok)
		}
	})
}
