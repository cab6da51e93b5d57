package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
)

func TestUsers(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()

		t.Run("User", func(t *testing.T) {
			got, err := c.User(ctx, w.reviewer.ID)
			testenv.Must(t, err)
			if diff := cmp.Diff(w.reviewer, got); diff != "" {
				t.Errorf("User(%d) (-want +got):\n%s", w.reviewer.ID, diff)
			}
			_, err = c.User(ctx, 9999)
			wantCode(t, "User(9999)", err, phoenix.ENOTFOUND)
		})

		t.Run("UserByEmail", func(t *testing.T) {
			got, hash, err := c.UserByEmail(ctx, "admin@provider.test")
			testenv.Must(t, err)
			if diff := cmp.Diff(w.admin, got); diff != "" {
				t.Errorf("UserByEmail (-want +got):\n%s", diff)
			}
			if hash != "hash-of-admin@provider.test" {
				t.Errorf("UserByEmail hash = %q, want hash-of-admin@provider.test", hash)
			}
			_, _, err = c.UserByEmail(ctx, "nobody@provider.test")
			wantCode(t, "UserByEmail(nobody)", err, phoenix.ENOTFOUND)
		})

		t.Run("DuplicateEmail", func(t *testing.T) {
			u := w.admin
			u.Name = "Second Admin"
			_, err := c.CreateUser(ctx, u, "")
			wantCode(t, "CreateUser(same email)", err, phoenix.ECONFLICT)
			if phoenix.ErrorFields(err)["email"] == "" {
				t.Errorf("CreateUser(same email) fields = %v, want a message for email",
					phoenix.ErrorFields(err))
			}
		})

		t.Run("Users", func(t *testing.T) {
			got, err := c.Users(ctx, phoenix.RoleConsultant, 0)
			testenv.Must(t, err)
			want := []phoenix.User{w.consultant, w.consultant2}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Users(consultant) (-want +got):\n%s", diff)
			}

			other := newID(t)(c.CreateOrganisation(ctx, phoenix.Organisation{Name: "Other Org",
				Region: "NSW-SYD", TimeZone: "Australia/Sydney", Active: true}, t0))
			elsewhere := w.addUser(t, "reviewer@other.test", "Oscar Other", phoenix.RoleReviewer, other)
			got, err = c.Users(ctx, phoenix.RoleReviewer, w.org.ID)
			testenv.Must(t, err)
			if diff := cmp.Diff([]phoenix.User{w.reviewer}, got); diff != "" {
				t.Errorf("Users(reviewer, org) (-want +got):\n%s", diff)
			}
			got, err = c.Users(ctx, phoenix.RoleReviewer, 0)
			testenv.Must(t, err)
			if diff := cmp.Diff([]phoenix.User{elsewhere, w.reviewer}, got); diff != "" {
				t.Errorf("Users(reviewer, any org) (-want +got):\n%s", diff)
			}
		})

		t.Run("UsersByID", func(t *testing.T) {
			got, err := c.UsersByID(ctx, []int64{w.leader.ID, w.intake.ID, 9999})
			testenv.Must(t, err)
			want := map[int64]phoenix.User{w.leader.ID: w.leader, w.intake.ID: w.intake}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("UsersByID (-want +got):\n%s", diff)
			}
			empty, err := c.UsersByID(ctx, nil)
			if err != nil || len(empty) != 0 {
				t.Errorf("UsersByID(nil) = %v, %v, want an empty map", empty, err)
			}
		})

		t.Run("SetPassword", func(t *testing.T) {
			testenv.Must(t, c.SetPassword(ctx, w.intake.ID, "new-hash"))
			_, hash, err := c.UserByEmail(ctx, w.intake.Email)
			testenv.Must(t, err)
			if hash != "new-hash" {
				t.Errorf("hash after SetPassword = %q, want new-hash", hash)
			}
		})
	})
}

func TestWebSessions(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		expires := t0.Add(12 * time.Hour)

		testenv.Must(t, c.CreateWebSession(ctx, "hash-1", w.consultant.ID, "csrf-1", t0, expires))
		testenv.Must(t, c.CreateWebSession(ctx, "hash-2", w.consultant.ID, "csrf-2", t0, expires))
		testenv.Must(t, c.CreateWebSession(ctx, "hash-3", w.admin.ID, "csrf-3", t0, expires))

		user, csrf, err := c.WebSession(ctx, "hash-1", t0.Add(time.Hour))
		testenv.Must(t, err)
		if diff := cmp.Diff(w.consultant, user); diff != "" {
			t.Errorf("WebSession user (-want +got):\n%s", diff)
		}
		if csrf != "csrf-1" {
			t.Errorf("WebSession csrf = %q, want csrf-1", csrf)
		}

		// A session is valid up to its expiry instant, exclusive, to the microsecond.
		_, _, err = c.WebSession(ctx, "hash-1", expires.Add(-time.Microsecond))
		wantCode(t, "WebSession(just before expiry)", err, "")
		_, _, err = c.WebSession(ctx, "hash-1", expires)
		wantCode(t, "WebSession(at expiry)", err, phoenix.ENOTFOUND)
		_, _, err = c.WebSession(ctx, "no-such-hash", t0)
		wantCode(t, "WebSession(unknown)", err, phoenix.ENOTFOUND)

		err = c.CreateWebSession(ctx, "hash-1", w.admin.ID, "csrf-x", t0, expires)
		wantConstraint(t, "CreateWebSession(same token hash)", err, store.UniqueConstraint, "web_sessions")
		err = c.CreateWebSession(ctx, "hash-9", 9999, "csrf-9", t0, expires)
		wantConstraint(t, "CreateWebSession(no user)", err, store.ForeignKeyConstraint, "web_sessions")

		testenv.Must(t, c.DeleteWebSession(ctx, "hash-1"))
		_, _, err = c.WebSession(ctx, "hash-1", t0)
		wantCode(t, "WebSession(deleted)", err, phoenix.ENOTFOUND)
		_, _, err = c.WebSession(ctx, "hash-2", t0)
		wantCode(t, "WebSession(other session of the user)", err, "")

		testenv.Must(t, c.DeleteUserSessions(ctx, w.consultant.ID))
		_, _, err = c.WebSession(ctx, "hash-2", t0)
		wantCode(t, "WebSession(after DeleteUserSessions)", err, phoenix.ENOTFOUND)
		_, _, err = c.WebSession(ctx, "hash-3", t0)
		wantCode(t, "WebSession(another user's)", err, "")

		// A deactivated account's sessions stop working at once.
		_, err = w.db.SQL().Exec(`UPDATE users SET active = FALSE WHERE email = 'admin@provider.test'`)
		testenv.Must(t, err)
		_, _, err = c.WebSession(ctx, "hash-3", t0)
		wantCode(t, "WebSession(inactive user)", err, phoenix.ENOTFOUND)
	})
}
