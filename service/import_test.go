package service_test

import (
	"context"
	"fmt"
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

// cleanCSV is an employer's export with a byte order mark, headings spelt its own
// way, a column Phoenix ignores, a quoted value with a comma, Australian dates and
// phone numbers in several forms. It names no organisation.
const cleanCSV = "\ufeffGiven Name,Surname,DOB,E-mail,Mobile,Employee No,Relationship,Notes\r\n" +
	"Aroha,Ngata,14/03/1990,aroha.ngata@mail.test,+61 412 000 101,AF-1001,Employee,\r\n" +
	"Bilal,Haddad,1985-11-02,,(03) 9000 0102,AF-1002,employee,\"Prefers phone, mornings\"\r\n" +
	"Chloe,Haddad,2012-06-30,,,AF-1002,Dependant,\r\n" +
	"Dmitri,Volkov,2/1/1979,d.volkov@mail.test,0413000104,,partner,\r\n"

// importFile uploads a file and waits for its import to finish.
func importFile(t *testing.T, env *testenv.Env, a service.Actor, orgID int64, content string) store.Import {
	t.Helper()
	ctx := context.Background()
	org := ""
	if orgID != 0 {
		org = strconv.FormatInt(orgID, 10)
	}
	id, err := env.Svc.StartImport(ctx, a, service.ImportUpload{FileName: "staff.csv",
		Content: []byte(content), OrganisationID: org})
	testenv.Must(t, err)
	var imp store.Import
	testenv.WaitFor(t, 60*time.Second, "the import to finish", func() bool {
		imp, err = env.Conn().Import(ctx, id)
		testenv.Must(t, err)
		return imp.Finished()
	})
	return imp
}

func countClients(t *testing.T, env *testenv.Env) int {
	t.Helper()
	var n int
	err := env.DB.SQL().QueryRow("SELECT count(*) FROM clients").Scan(&n)
	testenv.Must(t, err)
	return n
}

func TestImportClean(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{})
		f := env.Seed(t)
		ctx := context.Background()

		imp := importFile(t, env, testenv.Actor(f.Admin), f.Org.ID, cleanCSV)
		if imp.Status != store.ImportDone || imp.ImportedRows != 4 || imp.TotalRows != 4 {
			t.Fatalf("import = %s, %d of %d imported, problems %+v; want done, 4 of 4",
				imp.Status, imp.ImportedRows, imp.TotalRows, imp.Problems)
		}
		content, err := env.Conn().ImportContent(ctx, imp.ID)
		testenv.Must(t, err)
		if content != "" {
			t.Errorf("file kept after the import: %d bytes", len(content))
		}

		list, err := env.Conn().Clients(ctx, "haddad", store.Page{})
		testenv.Must(t, err)
		if len(list) != 2 {
			t.Fatalf("clients named Haddad = %d, want 2", len(list))
		}
		bilal := list[0]
		if bilal.FirstName != "Bilal" {
			bilal = list[1]
		}
		want := phoenix.Client{ID: bilal.ID, OrganisationID: f.Org.ID, FirstName: "Bilal",
			LastName: "Haddad", DateOfBirth: phoenix.MustParseDate("1985-11-02"),
			Phone: "(03) 9000 0102", EmployeeNumber: "AF-1002",
			Relation: phoenix.RelationEmployee, CreatedAt: bilal.CreatedAt}
		if diff := cmp.Diff(want, bilal); diff != "" {
			t.Errorf("imported client (-want +got):\n%s", diff)
		}
		aroha, err := env.Conn().Clients(ctx, "aroha", store.Page{})
		testenv.Must(t, err)
		if len(aroha) != 1 || aroha[0].Phone != "0412 000 101" ||
			aroha[0].DateOfBirth != phoenix.MustParseDate("1990-03-14") {
			t.Errorf("Aroha = %+v, want phone 0412 000 101 and birth date 1990-03-14", aroha)
		}
		if countClients(t, env) != 5 {
			t.Errorf("clients = %d, want the fixture's one and 4 imported", countClients(t, env))
		}
		assertAudit(t, env, "create", "client", bilal.ID)
		assertAudit(t, env, "import", "import", imp.ID)
	})
}

// TestImportBadRows checks that a file with bad rows imports nothing and names each
// bad row by the line it starts on, counting the lines inside quoted values.
func TestImportBadRows(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{})
		f := env.Seed(t)
		file := strings.Join([]string{
			"first_name,last_name,date_of_birth,email,phone,employee_number,relation,notes",
			"Ana,Silva,1990-01-01,ana@mail.test,0412000001,E-1,employee,",
			`Ben,Okoro,1991-02-03,ben@mail.test,0412000002,E-2,employee,"first line`,
			`second line, still the note`,
			`third line"`,
			"Cai,Ling,1992-13-01,cai@mail.test,0412000003,E-3,employee,",
			"",
			"Dee,,1993-01-01,dee@@mail.test,555-1234,,employee,",
			"Eli,Stone,1994-01-01,eli@mail.test,0412000005,E-5,cousin,",
			`"Fay ""Fi""",Moss,2030-01-01,fay@mail.test,0412000006,E 6,employee,`,
			"Gus,Lee,1995-01-01,gus@mail.test,0412000007,E-7",
			"Hal,Ng,1996-01-01,hal@mail.test,0412000008,E-8,employee,",
		}, "\n") + "\n"

		imp := importFile(t, env, testenv.Actor(f.Intake), f.Org.ID, file)
		if imp.Status != store.ImportRejected {
			t.Fatalf("import status = %s, want rejected", imp.Status)
		}
		var got []string
		for _, p := range imp.Problems {
			got = append(got, fmt.Sprintf("%d %s", p.Line, p.Field))
		}
		want := []string{
			"6 date_of_birth",
			"8 last_name", "8 email", "8 phone", "8 employee_number",
			"9 relation",
			"10 date_of_birth", "10 employee_number",
			"11 ",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("problems by line and field (-want +got):\n%s\nall: %+v", diff, imp.Problems)
		}
		if imp.BadRows != 5 || imp.TotalRows != 8 || imp.ImportedRows != 0 {
			t.Errorf("bad %d, total %d, imported %d; want 5, 8, 0", imp.BadRows, imp.TotalRows,
				imp.ImportedRows)
		}
		if n := countClients(t, env); n != 1 {
			t.Errorf("clients after a rejected import = %d, want only the fixture's", n)
		}
		assertAudit(t, env, "reject", "import", imp.ID)
	})
}

func TestImportDuplicates(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{})
		f := env.Seed(t)
		// The fixture's client is Jordan Quill of Acme Freight, born 1984-07-19,
		// Jordan.Quill@mail.test.
		file := strings.Join([]string{
			"First Name,Last Name,Date of Birth,Email,Organisation,Relation,Employee Number",
			"Kim,Tran,1980-05-05,kim@mail.test,acme freight,employee,E-1",
			"KIM,TRAN,05/05/1980,kim.tran@mail.test,Acme Freight,employee,E-2",
			"Lou,Park,1981-01-01,KIM@mail.test,Acme Freight,partner,",
			"jordan,quill,1984-07-19,,Acme Freight,employee,E-3",
			"Max,Webb,1982-02-02,jordan.quill@MAIL.test,Acme Freight,employee,E-4",
			"Jordan,Quill,1984-07-19,,Tasman Ferries,employee,E-5",
			"Ned,Hay,1983-03-03,,Nowhere Pty Ltd,employee,E-6",
		}, "\r\n")
		ctx := context.Background()
		testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
			_, _, err := env.AddOrganisation(ctx, c, "Tasman Ferries", "TAS", "Australia/Hobart", 4)
			return err
		}))

		imp := importFile(t, env, testenv.Actor(f.Intake), 0, file)
		var got []string
		for _, p := range imp.Problems {
			got = append(got, fmt.Sprintf("%d %s", p.Line, p.Field))
		}
		want := []string{"3 date_of_birth", "4 email", "5 date_of_birth", "6 email",
			"8 organisation"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("problems (-want +got):\n%s\nall: %+v", diff, imp.Problems)
		}
		if imp.Status != store.ImportRejected || countClients(t, env) != 1 {
			t.Errorf("import %s with %d clients stored, want rejected with only the fixture's",
				imp.Status, countClients(t, env))
		}
		for _, p := range imp.Problems {
			if p.Line == 3 && !strings.Contains(p.Message, "line 2") {
				t.Errorf("line 3 message %q, want it to name line 2", p.Message)
			}
			if p.Line == 5 && !strings.Contains(p.Message, "Jordan Quill") {
				t.Errorf("line 5 message %q, want it to name the existing client", p.Message)
			}
		}
	})
}

func TestImportFileRejects(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{})
		f := env.Seed(t)
		ctx := context.Background()
		intake := testenv.Actor(f.Intake)

		uploads := []struct {
			name    string
			content []byte
			org     string
			field   string
		}{
			{"empty", nil, "", "file"},
			{"only a byte order mark", []byte("\ufeff \r\n"), "", "file"},
			{"Latin-1", []byte("first_name,last_name\nJos\xe9,Garc\xeda\n"), "", "file"},
			{"NUL byte", []byte("first_name\x00,last_name\n"), "", "file"},
			{"too large", make([]byte, service.MaxImportBytes+1), "", "file"},
			{"unknown organisation", []byte(cleanCSV), "999", "organisation_id"},
		}
		for _, tc := range uploads {
			_, err := env.Svc.StartImport(ctx, intake, service.ImportUpload{FileName: "x.csv",
				Content: tc.content, OrganisationID: tc.org})
			if phoenix.ErrorFields(err)[tc.field] == "" {
				t.Errorf("%s: StartImport = %v, want a message on %s", tc.name, err, tc.field)
			}
		}

		files := []struct {
			name, content string
			want          []store.ImportProblem
		}{
			{"no date of birth column", "first_name,last_name,email\nA,B,a@mail.test\n",
				[]store.ImportProblem{{Line: 1, Field: "date_of_birth",
					Message: "The header has no date of birth column."}}},
			{"two surname columns", "first_name,surname,last name,dob\nA,B,B,1990-01-01\n",
				[]store.ImportProblem{{Line: 1, Field: "last_name",
					Message: "Two columns hold the last name: keep one."}}},
			{"header only", "first_name,last_name,dob\n",
				[]store.ImportProblem{{Line: 1, Message: "The file has a header row but no clients."}}},
			{"bare quote", "first_name,last_name,dob,employee_number\nA,B\"c,1990-01-01,E-1\n",
				[]store.ImportProblem{{Line: 2, Message: "The file is not valid CSV here " +
					"(column 4: bare \" in non-quoted-field); rows from this line on were not checked."}}},
		}
		for _, tc := range files {
			imp := importFile(t, env, intake, f.Org.ID, tc.content)
			if diff := cmp.Diff(tc.want, imp.Problems); diff != "" || imp.Status != store.ImportRejected {
				t.Errorf("%s: status %s, problems (-want +got):\n%s", tc.name, imp.Status, diff)
			}
		}
	})
}

// largeCSV returns a file of n clients of the organisation named org, each unique
// within the run tag.
func largeCSV(n int, org, tag string) string {
	var b strings.Builder
	b.WriteString("first_name,last_name,date_of_birth,email,phone,employee_number,relation,organisation\n")
	for i := range n {
		fmt.Fprintf(&b, "Person%d,%s,%d-%02d-%02d,p%d.%s@mail.test,04%08d,E-%d,employee,%s\n",
			i, tag, 1950+i%50, 1+i%12, 1+i%28, i, tag, i, i, org)
	}
	return b.String()
}

func TestImportLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the 5,000-row import in short mode")
	}
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{})
		f := env.Seed(t)
		imp := importFile(t, env, testenv.Actor(f.Intake), 0, largeCSV(5000, "Acme Freight", "large"))
		if imp.Status != store.ImportDone || imp.ImportedRows != 5000 || imp.CheckedRows != 5000 {
			t.Fatalf("import = %s, %d imported, %d checked, problems %+v; want done, 5000",
				imp.Status, imp.ImportedRows, imp.CheckedRows, imp.Problems[:min(5, len(imp.Problems))])
		}
		if n := countClients(t, env); n != 5001 {
			t.Errorf("clients = %d, want 5001", n)
		}
		var audits int
		err := env.DB.SQL().QueryRow(
			"SELECT count(*) FROM audit_events WHERE action = 'create' AND object = 'client'").Scan(&audits)
		testenv.Must(t, err)
		if audits != 5000 {
			t.Errorf("client creation audit events = %d, want 5000", audits)
		}
	})
}

// BenchmarkImport measures checking and importing a 5,000-row file, from the stored
// upload to the committed clients, without the job queue's polling.
func BenchmarkImport(b *testing.B) {
	for _, db := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", testenv.SQLite}, {"postgres", testenv.PostgresDSN}} {
		b.Run(db.name, func(b *testing.B) {
			env := testenv.New(b, db.dsn(b), testenv.Options{NoQueue: true})
			f := env.Seed(b)
			ctx := context.Background()
			intake := testenv.Actor(f.Intake)
			files := make([]string, b.N)
			for i := range files {
				files[i] = largeCSV(5000, "Acme Freight", fmt.Sprintf("run%d", i))
			}
			b.ResetTimer()
			for i := range b.N {
				id, err := env.Svc.StartImport(ctx, intake, service.ImportUpload{
					FileName: "bench.csv", Content: []byte(files[i])})
				if err != nil {
					b.Fatal(err)
				}
				if err := env.Svc.RunImport(ctx, id); err != nil {
					b.Fatal(err)
				}
				imp, err := env.Conn().Import(ctx, id)
				if err != nil || imp.Status != store.ImportDone {
					b.Fatalf("import %d: %s, %v, %+v", id, imp.Status, err, imp.Problems)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/file")
		})
	}
}
