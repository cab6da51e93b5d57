// The store's conformance suite: every test runs on SQLite and on a fresh PostgreSQL
// database through testenv.Each, and expects the same results from both.
package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
)

// t0 is the suite's reference instant, with microseconds, the precision instants keep.
var t0 = time.Date(2026, 10, 29, 3, 0, 0, 123456000, time.UTC)

var melbourne = testenv.Melbourne

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// openDB opens and migrates the database dsn for one test, and closes it at the end.
func openDB(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatalf("Open(%s) = %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, quietLogger()); err != nil {
		t.Fatalf("Migrate = %v", err)
	}
	return db
}

// world is a small provider stored directly through the store: one organisation with a
// contract, one account of each role, and a client with a case.
type world struct {
	db          *store.DB
	org         phoenix.Organisation
	contract    phoenix.Contract
	consultant  phoenix.User
	consultant2 phoenix.User
	intake      phoenix.User
	leader      phoenix.User
	admin       phoenix.User
	reviewer    phoenix.User
	client      phoenix.Client
	kase        phoenix.Case
}

func newWorld(t testing.TB, dsn string) *world {
	t.Helper()
	w := &world{db: openDB(t, dsn)}
	ctx := context.Background()
	c := w.db.Conn()

	w.org = phoenix.Organisation{Name: "Acme Freight", Region: "VIC-MEL",
		TimeZone: "Australia/Melbourne", Active: true}
	w.org.ID = newID(t)(c.CreateOrganisation(ctx, w.org, t0))
	w.contract = phoenix.Contract{OrganisationID: w.org.ID,
		EffectiveFrom: phoenix.MustParseDate("2020-01-01"), SessionsPerPeriod: 6,
		MaxExtraPerRequest: 4, ClinicalThreshold: 12, GoalDays: 7, DeadlineDays: 8}
	w.contract.ID = newID(t)(c.AddContract(ctx, w.contract, t0))

	w.consultant = w.addUser(t, "consultant@provider.test", "Casey Consultant", phoenix.RoleConsultant, 0)
	w.consultant2 = w.addUser(t, "consultant2@provider.test", "Other Consultant", phoenix.RoleConsultant, 0)
	w.intake = w.addUser(t, "intake@provider.test", "Ian Intake", phoenix.RoleIntake, 0)
	w.leader = w.addUser(t, "leader@provider.test", "Lee Leader", phoenix.RoleClinicalLeader, 0)
	w.admin = w.addUser(t, "admin@provider.test", "Ada Admin", phoenix.RoleAdmin, 0)
	w.reviewer = w.addUser(t, "reviewer@acme.test", "Rita Reviewer", phoenix.RoleReviewer, w.org.ID)

	w.client = w.addClient(t, "Jordan", "Quill")
	w.kase = w.addCase(t, w.client, w.consultant.ID)
	return w
}

func (w *world) addUser(t testing.TB, email, name string, role phoenix.Role, orgID int64) phoenix.User {
	t.Helper()
	u := phoenix.User{Email: email, Name: name, Role: role, OrganisationID: orgID,
		TimeZone: "Australia/Melbourne", Active: true, CreatedAt: t0}
	u.ID = newID(t)(w.db.Conn().CreateUser(context.Background(), u, "hash-of-"+email))
	return u
}

func (w *world) addClient(t testing.TB, first, last string) phoenix.Client {
	t.Helper()
	k := phoenix.Client{OrganisationID: w.org.ID, FirstName: first, LastName: last,
		DateOfBirth: phoenix.MustParseDate("1984-07-19"),
		Email:       strings.ToLower(first + "." + last + "@mail.test"), Phone: "0412 555 019",
		EmployeeNumber: "EMP-40417", Relation: phoenix.RelationEmployee, CreatedAt: t0}
	k.ID = newID(t)(w.db.Conn().CreateClient(context.Background(), k))
	return k
}

// addCase opens a case with the contract's six sessions granted on its first day.
func (w *world) addCase(t testing.TB, client phoenix.Client, consultantID int64) phoenix.Case {
	t.Helper()
	ctx := context.Background()
	k := phoenix.Case{ClientID: client.ID, OrganisationID: client.OrganisationID,
		ConsultantID: consultantID, Status: phoenix.CaseOpen,
		OpenedOn: phoenix.MustParseDate("2026-04-12"), CreatedAt: t0}
	k.ID = newID(t)(w.db.Conn().CreateCase(ctx, k))
	testenv.Must(t, w.db.Conn().AddGrant(ctx, k.ID, client.ID, k.OpenedOn, 6, 0))
	k.Allowance = 6
	return k
}

// request returns a request on the case, awaiting its organisation, that
// CreateRequest accepts.
func (w *world) request(k phoenix.Case) phoenix.Request {
	goal, deadline := t0.Add(9*24*time.Hour), t0.Add(10*24*time.Hour)
	received := t0
	return phoenix.Request{CaseID: k.ID, ClientID: k.ClientID, OrganisationID: k.OrganisationID,
		ConsultantID: k.ConsultantID, ContractID: w.contract.ID,
		Requestor: phoenix.RequestorConsultant, Sessions: 2,
		RequestDate: phoenix.MustParseDate("2026-10-29"),
		Goals:       "Plan a return to full duties.", Pathway: phoenix.PathwayContinueEAP,
		State: phoenix.StateAwaitingOrganisation,
		Counts: phoenix.Counts{Period: phoenix.Period{Start: phoenix.MustParseDate("2026-04-12"),
			End: phoenix.MustParseDate("2027-04-12")}, Completed: 5, Upcoming: 1, Remaining: 0},
		Threshold: 12, SubmittedAt: t0, ReceivedAt: &received, Goal: &goal, Deadline: &deadline}
}

// addRequest stores the request and returns it with its ID.
func (w *world) addRequest(t testing.TB, r phoenix.Request, key string) phoenix.Request {
	t.Helper()
	r.ID = newID(t)(w.db.Conn().CreateRequest(context.Background(), r, w.consultant.ID, key))
	r.Counts.Requested = r.Sessions
	return r
}

// newID returns a function that fails the test on an error and returns the new ID.
func newID(t testing.TB) func(int64, error) int64 {
	return func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
}

// wantCode fails the test unless err carries the phoenix error code.
func wantCode(t testing.TB, call string, err error, code string) {
	t.Helper()
	if got := phoenix.ErrorCode(err); got != code {
		t.Errorf("%s: error code = %q (%v), want %q", call, got, err, code)
	}
}

// wantConstraint fails the test unless err is a violation of the kind on the table.
func wantConstraint(t testing.TB, call string, err error, kind store.ConstraintKind, table string) {
	t.Helper()
	var ce *store.ConstraintError
	if !errors.As(err, &ce) {
		t.Errorf("%s: error = %v, want a %s constraint error", call, err, kind)
		return
	}
	if ce.Kind != kind {
		t.Errorf("%s: constraint kind = %q, want %q (%v)", call, ce.Kind, kind, err)
	}
	if table != "" && ce.Table != "" && ce.Table != table {
		t.Errorf("%s: constraint table = %q, want %q", call, ce.Table, table)
	}
	if !strings.Contains(err.Error(), string(kind)+" constraint failed") {
		t.Errorf("%s: message %q does not name the %s constraint", call, err, kind)
	}
}

// count returns the number of rows of table that match where, which must contain no
// ? placeholder.
func count(t testing.TB, db *store.DB, table, where string) int {
	t.Helper()
	q := fmt.Sprintf("SELECT count(*) FROM %s", table)
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := db.SQL().QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// rebind numbers the ? placeholders of a raw query for PostgreSQL.
func (w *world) rebind(q string) string {
	if w.db.Dialect() != store.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestOpen(t *testing.T) {
	for dsn, want := range map[string]bool{
		"postgres://db.internal/phoenix":   true,
		"postgresql://db.internal/phoenix": true,
		"/var/lib/phoenix/phoenix.db":      false,
		"phoenix-data/postgres.db":         false,
	} {
		if got := store.IsPostgresURL(dsn); got != want {
			t.Errorf("IsPostgresURL(%q) = %t, want %t", dsn, got, want)
		}
	}

	testenv.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := openDB(t, dsn)
		want := store.SQLite
		if store.IsPostgresURL(dsn) {
			want = store.Postgres
		}
		if db.Dialect() != want {
			t.Errorf("Dialect() = %s, want %s", db.Dialect(), want)
		}
		testenv.Must(t, db.Ping(ctx))
		current, err := db.MigrationsCurrent(ctx)
		if err != nil || !current {
			t.Errorf("MigrationsCurrent() = %t, %v after Migrate, want true", current, err)
		}
		if want == store.SQLite {
			if db.Source() != dsn {
				t.Errorf("Source() = %q, want %q", db.Source(), dsn)
			}
			return
		}

		// The URL shown in logs hides the password. The local test server trusts
		// every connection, so a made-up password still connects.
		withPassword := strings.Replace(dsn, "://postgres@", "://postgres:s3cret@", 1)
		if withPassword == dsn {
			t.Skipf("the test server URL %q names no user postgres to add a password to", dsn)
		}
		other, err := store.Open(ctx, withPassword, store.Options{MaxConns: 1})
		testenv.Must(t, err)
		defer other.Close()
		if strings.Contains(other.Source(), "s3cret") {
			t.Errorf("Source() = %q shows the password", other.Source())
		}
	})
}

func TestOpenFails(t *testing.T) {
	ctx := context.Background()
	_, err := store.Open(ctx, "", store.Options{})
	if err == nil {
		t.Error(`Open("") = nil error, want an error for the empty path`)
	}
	// Port 1 on the loopback address refuses connections at once.
	_, err = store.Open(ctx, "postgres://postgres:pw@127.0.0.1:1/none?sslmode=disable&connect_timeout=2",
		store.Options{})
	if err == nil || strings.Contains(err.Error(), ":pw@") {
		t.Errorf("Open(refused PostgreSQL) = %v, want an error without the password", err)
	}
}

func TestInTx(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		closure := store.Closure{Day: phoenix.MustParseDate("2026-12-24"), Name: "Shutdown"}

		testenv.Must(t, w.db.InTx(ctx, func(c *store.Conn) error {
			if c.Tx() == nil {
				t.Error("Tx() = nil inside InTx")
			}
			_, err := c.AddClosure(ctx, closure, t0)
			return err
		}))
		if n := count(t, w.db, "closures", ""); n != 1 {
			t.Errorf("closures after a committed transaction = %d, want 1", n)
		}
		if w.db.Conn().Tx() != nil {
			t.Error("Tx() outside a transaction is not nil")
		}

		errStop := errors.New("stop")
		err := w.db.InTx(ctx, func(c *store.Conn) error {
			other := store.Closure{Day: phoenix.MustParseDate("2026-12-29"), Name: "Shutdown"}
			if _, err := c.AddClosure(ctx, other, t0); err != nil {
				return err
			}
			return errStop
		})
		if !errors.Is(err, errStop) {
			t.Errorf("InTx = %v, want the function's error", err)
		}
		if n := count(t, w.db, "closures", ""); n != 1 {
			t.Errorf("closures after a rolled-back transaction = %d, want 1", n)
		}
	})
}
