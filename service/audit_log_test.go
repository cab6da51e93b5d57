package service_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// auditActions returns "actor action object" for each entry, oldest first.
func auditActions(entries []service.AuditEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[len(entries)-1-i] = e.Person + " " + e.Action + " " + e.Object
	}
	return out
}

// TestAuditViewsAndChanges checks that opening a client's record or case is recorded
// as well as changing them, with who, when and from which address.
func TestAuditViewsAndChanges(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		intake := service.Actor{User: f.Intake, IP: "203.0.113.7"}
		admin := testenv.Actor(f.Admin)

		k, err := env.Svc.CreateClient(ctx, intake, validClient(f.Org.ID))
		testenv.Must(t, err)
		env.Clock.Advance(time.Minute)
		_, err = env.Svc.Client(ctx, intake, k.ID)
		testenv.Must(t, err)
		in := service.ClientInputOf(k)
		in.Phone = "0499 000 111"
		_, err = env.Svc.UpdateClient(ctx, intake, k.ID, in)
		testenv.Must(t, err)
		caseID, err := env.Svc.OpenCase(ctx, intake, k.ID)
		testenv.Must(t, err)
		_, err = env.Svc.Case(ctx, testenv.Actor(f.Consultant), f.Case.ID)
		testenv.Must(t, err)
		_, err = env.Svc.Client(ctx, admin, k.ID)
		testenv.Must(t, err)

		entries, err := env.Svc.AuditLog(ctx, admin, service.AuditQuery{
			Client: strconv.FormatInt(k.ID, 10)}, testenv.Melbourne, store.Page{})
		testenv.Must(t, err)
		want := []string{"Ian Intake create client", "Ian Intake view client",
			"Ian Intake update client", "Ian Intake open case", "Ada Admin view client"}
		if diff := cmp.Diff(want, auditActions(entries)); diff != "" {
			t.Errorf("client's audit log (-want +got):\n%s", diff)
		}
		view := entries[len(entries)-2]
		if view.IP != "203.0.113.7" || view.ClientID != k.ID || view.PersonEmail != f.Intake.Email ||
			view.ClientName != "Mereana Tuhoe" {
			t.Errorf("view entry = %+v, want intake's address and the client", view)
		}
		// The test clock runs on from where it is set.
		if late := view.At.Sub(testenv.Start.Add(time.Minute)); late < 0 || late > 30*time.Second {
			t.Errorf("view entry at %s, want the clock's time, %s", view.At,
				testenv.Start.Add(time.Minute))
		}
		opened := entries[1]
		if opened.CaseID != caseID {
			t.Errorf("open case entry case = %d, want %d", opened.CaseID, caseID)
		}

		entries, err = env.Svc.AuditLog(ctx, admin, service.AuditQuery{
			Case: phoenix.CaseReference(f.Case.ID)}, testenv.Melbourne, store.Page{})
		testenv.Must(t, err)
		if diff := cmp.Diff([]string{"Casey Consultant view case"}, auditActions(entries)); diff != "" {
			t.Errorf("fixture case's audit log (-want +got):\n%s", diff)
		}
	})
}

func TestAuditSearch(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)

		// Views on Thursday 29 and Saturday 31 October, Melbourne time.
		_, err := env.Svc.Case(ctx, testenv.Actor(f.Intake), f.Case.ID)
		testenv.Must(t, err)
		env.Clock.Advance(48 * time.Hour)
		_, err = env.Svc.Case(ctx, testenv.Actor(f.Consultant), f.Case.ID)
		testenv.Must(t, err)
		_, err = env.Svc.Client(ctx, admin, f.Client.ID)
		testenv.Must(t, err)

		cases := []struct {
			name string
			q    service.AuditQuery
			want []string
		}{
			{"person by email", service.AuditQuery{Person: " INTAKE@provider.test "},
				[]string{"Ian Intake view case"}},
			{"person by number", service.AuditQuery{Person: strconv.FormatInt(f.Consultant.ID, 10)},
				[]string{"Casey Consultant view case"}},
			{"case number", service.AuditQuery{Case: strconv.FormatInt(f.Case.ID, 10)},
				[]string{"Ian Intake view case", "Casey Consultant view case"}},
			{"client", service.AuditQuery{Client: strconv.FormatInt(f.Client.ID, 10)},
				[]string{"Ian Intake view case", "Casey Consultant view case", "Ada Admin view client"}},
			{"one day", service.AuditQuery{From: "2026-10-29", To: "2026-10-29"},
				[]string{"Ian Intake view case"}},
			{"from a day", service.AuditQuery{From: "2026-10-30", Case: "asst-" +
				strconv.FormatInt(f.Case.ID, 10)}, []string{"Casey Consultant view case"}},
			{"nothing", service.AuditQuery{To: "2026-10-28"}, []string{}},
		}
		for _, tc := range cases {
			entries, err := env.Svc.AuditLog(ctx, admin, tc.q, testenv.Melbourne, store.Page{})
			if err != nil {
				t.Errorf("%s: AuditLog = %v", tc.name, err)
				continue
			}
			if diff := cmp.Diff(tc.want, auditActions(entries)); diff != "" {
				t.Errorf("%s: entries (-want +got):\n%s", tc.name, diff)
			}
		}

		bad := []struct {
			q     service.AuditQuery
			field string
		}{
			{service.AuditQuery{Person: "nobody@provider.test"}, "person"},
			{service.AuditQuery{Client: "Jordan"}, "client"},
			{service.AuditQuery{Case: "ESR-000001"}, "case"},
			{service.AuditQuery{From: "29/10/2026"}, "from"},
			{service.AuditQuery{From: "2026-10-30", To: "2026-10-29"}, "to"},
		}
		for _, tc := range bad {
			_, err := env.Svc.AuditLog(ctx, admin, tc.q, testenv.Melbourne, store.Page{})
			if phoenix.ErrorFields(err)[tc.field] == "" {
				t.Errorf("AuditLog(%+v) = %v, want a message on %s", tc.q, err, tc.field)
			}
		}
	})
}

func TestAuditExport(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)

		// A search typed by intake lands in the audit detail: a spreadsheet must not
		// run it as a formula.
		_, err := env.Svc.Clients(ctx, testenv.Actor(f.Intake), `=HYPERLINK("http://x.test")`,
			store.Page{})
		testenv.Must(t, err)
		for range 1200 {
			_, err := env.Svc.Client(ctx, admin, f.Client.ID)
			testenv.Must(t, err)
		}

		export, err := env.Svc.ExportAudit(ctx, admin, service.AuditQuery{}, testenv.Melbourne)
		testenv.Must(t, err)
		var buf bytes.Buffer
		testenv.Must(t, export.WriteCSV(ctx, &buf))
		rows, err := csv.NewReader(&buf).ReadAll()
		testenv.Must(t, err)
		if len(rows) != 1202 || export.Count != 1201 {
			t.Fatalf("export rows = %d, count %d; want a header and 1201 events", len(rows), export.Count)
		}
		header := strings.Join(rows[0], ",")
		if header != "event_id,time,person_id,person,person_email,action,object,object_id,"+
			"client_id,client,case,ip,detail" {
			t.Errorf("header = %s", header)
		}
		ids := map[string]bool{}
		for _, r := range rows[1:] {
			if ids[r[0]] {
				t.Fatalf("event %s exported twice", r[0])
			}
			ids[r[0]] = true
		}
		last := rows[len(rows)-1]
		if last[5] != "search" || last[12] != `'=HYPERLINK("http://x.test")` {
			t.Errorf("oldest row = %q, want the search with its detail guarded by a quote", last)
		}
		if !strings.HasSuffix(rows[1][1], "+11:00") || rows[1][9] != "Jordan Quill" {
			t.Errorf("newest row = %q, want Melbourne daylight time and the client's name", rows[1])
		}

		// The export itself is recorded, after the events it holds.
		entries, err := env.Svc.AuditLog(ctx, admin, service.AuditQuery{}, testenv.Melbourne,
			store.Page{Limit: 1})
		testenv.Must(t, err)
		if len(entries) != 1 || entries[0].Action != "export" || entries[0].Object != "audit_log" {
			t.Errorf("newest audit event = %+v, want the export", entries)
		}

		_, err = env.Svc.ExportAudit(ctx, admin, service.AuditQuery{Client: "x"}, testenv.Melbourne)
		if phoenix.ErrorCode(err) != phoenix.EINVALID {
			t.Errorf("ExportAudit(bad client) = %v, want EINVALID", err)
		}
	})
}

// TestAuditAppendOnly checks that the database itself rejects changes to the audit
// log, whatever code runs against it.
func TestAuditAppendOnly(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		_, err := env.Svc.Case(ctx, testenv.Actor(f.Intake), f.Case.ID)
		testenv.Must(t, err)

		for _, stmt := range []string{
			"UPDATE audit_events SET detail = 'changed'",
			"UPDATE audit_events SET actor_id = NULL",
			"DELETE FROM audit_events",
		} {
			if _, err := env.DB.SQL().ExecContext(ctx, stmt); err == nil ||
				!strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: error %v, want the append-only rejection", stmt, err)
			}
		}
		if store.IsPostgresURL(dsn) {
			_, err := env.DB.SQL().ExecContext(ctx, "TRUNCATE audit_events")
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("TRUNCATE: error %v, want the append-only rejection", err)
			}
		}
		events, err := env.Conn().Audit(ctx, store.AuditFilter{})
		testenv.Must(t, err)
		if len(events) != 1 || events[0].Detail != "" || events[0].ActorID != f.Intake.ID {
			t.Errorf("audit events = %+v, want the one view, unchanged", events)
		}
	})
}

func TestAuditRoles(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		for _, u := range []phoenix.User{f.Consultant, f.Intake, f.Leader, f.Reviewer} {
			_, err := env.Svc.AuditLog(ctx, testenv.Actor(u), service.AuditQuery{},
				testenv.Melbourne, store.Page{})
			if phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
				t.Errorf("AuditLog as %s = %v, want EFORBIDDEN", u.Role, err)
			}
			_, err = env.Svc.ExportAudit(ctx, testenv.Actor(u), service.AuditQuery{}, testenv.Melbourne)
			if phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
				t.Errorf("ExportAudit as %s = %v, want EFORBIDDEN", u.Role, err)
			}
		}
	})
}

func TestCSVSafe(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"=1+2", "'=1+2"},
		{"+61 412", "'+61 412"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"a=b", "a=b"},
		{"2026-10-29T14:00:00+11:00", "2026-10-29T14:00:00+11:00"},
	}
	for _, tc := range cases {
		if got := service.CSVSafe(tc.in); got != tc.want {
			t.Errorf("CSVSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// BenchmarkAuditExport measures streaming 10,000 audit events as CSV.
func BenchmarkAuditExport(b *testing.B) {
	for _, db := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", testenv.SQLite}, {"postgres", testenv.PostgresDSN}} {
		b.Run(db.name, func(b *testing.B) {
			env := testenv.New(b, db.dsn(b), testenv.Options{NoQueue: true})
			f := env.Seed(b)
			ctx := context.Background()
			events := make([]phoenix.AuditEvent, 10_000)
			for i := range events {
				events[i] = phoenix.AuditEvent{At: testenv.Start.Add(-time.Duration(i) * time.Second),
					ActorID: f.Intake.ID, Action: "view", Object: "client", ObjectID: f.Client.ID,
					ClientID: f.Client.ID, IP: "192.0.2.10"}
			}
			testenv.Must(b, env.Conn().AddAudits(ctx, events))
			q := service.AuditQuery{To: "2026-10-29"}
			b.ResetTimer()
			for range b.N {
				export, err := env.Svc.ExportAudit(ctx, testenv.Actor(f.Admin), q, testenv.Melbourne)
				if err != nil {
					b.Fatal(err)
				}
				var buf bytes.Buffer
				if err := export.WriteCSV(ctx, &buf); err != nil {
					b.Fatal(err)
				}
				if export.Count < 10_000 {
					b.Fatalf("exported %d events, want at least 10,000", export.Count)
				}
			}
			b.ReportMetric(float64(b.N*10_000)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
