package service_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// validClient returns a client form that passes every check.
func validClient(orgID int64) service.ClientInput {
	return service.ClientInput{OrganisationID: strconv.FormatInt(orgID, 10),
		FirstName: "Mereana", LastName: "Tuhoe", DateOfBirth: "1990-03-14",
		Email: "mereana.tuhoe@mail.test", Phone: "0413 222 981", EmployeeNumber: "AF-2231",
		Relation: "employee"}
}

func TestNormalizePhone(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"0412345678", "0412 345 678"},
		{"0412 345 678", "0412 345 678"},
		{"0412-345-678", "0412 345 678"},
		{"+61 412 345 678", "0412 345 678"},
		{"+61412345678", "0412 345 678"},
		{"+61 (0)412 345 678", "0412 345 678"},
		{"0061 412 345 678", "0412 345 678"},
		{"(03) 9123 4567", "(03) 9123 4567"},
		{"03 9123 4567", "(03) 9123 4567"},
		{"+61 3 9123 4567", "(03) 9123 4567"},
		{"02.9876.5432", "(02) 9876 5432"},
		{"(08) 8123 4567", "(08) 8123 4567"},
		{"07 3123 4567", "(07) 3123 4567"},
	}
	for _, tc := range cases {
		got, err := service.NormalizePhone(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizePhone(%q) = %q, %v, want %q", tc.in, got, err, tc.want)
		}
	}
	bad := []string{"", "412345678", "041234567", "04123456789", "1300 123 456",
		"1800 123 456", "0512 345 678", "+1 212 555 0100", "61412345678", "0412 345 67a",
		"04+12345678", "+64 21 123 4567", "13 11 14"}
	for _, in := range bad {
		if got, err := service.NormalizePhone(in); err == nil {
			t.Errorf("NormalizePhone(%q) = %q, want an error", in, got)
		}
	}
}

func TestClientValidation(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		intake := testenv.Actor(f.Intake)
		cases := []struct {
			name  string
			edit  func(in *service.ClientInput)
			field string // "" when the form is valid
		}{
			{"valid", func(in *service.ClientInput) {}, ""},
			{"no first name", func(in *service.ClientInput) { in.FirstName = "  " }, "first_name"},
			{"no last name", func(in *service.ClientInput) { in.LastName = "" }, "last_name"},
			{"long first name", func(in *service.ClientInput) { in.FirstName = strings.Repeat("é", 101) }, "first_name"},
			{"100 characters", func(in *service.ClientInput) { in.LastName = strings.Repeat("é", 100) }, ""},
			{"name with newline", func(in *service.ClientInput) { in.LastName = "Tu\nhoe" }, "last_name"},
			{"long preferred", func(in *service.ClientInput) { in.PreferredName = strings.Repeat("a", 101) }, "preferred_name"},
			{"no birth date", func(in *service.ClientInput) { in.DateOfBirth = "" }, "date_of_birth"},
			{"birth date text", func(in *service.ClientInput) { in.DateOfBirth = "March 1990" }, "date_of_birth"},
			{"30 February", func(in *service.ClientInput) { in.DateOfBirth = "1990-02-30" }, "date_of_birth"},
			{"31/02/1990", func(in *service.ClientInput) { in.DateOfBirth = "31/02/1990" }, "date_of_birth"},
			{"Australian order", func(in *service.ClientInput) { in.DateOfBirth = "14/03/1990" }, ""},
			{"born today", func(in *service.ClientInput) { in.DateOfBirth = "2026-10-29" }, "date_of_birth"},
			{"born tomorrow", func(in *service.ClientInput) { in.DateOfBirth = "2026-10-30" }, "date_of_birth"},
			{"born yesterday", func(in *service.ClientInput) { in.DateOfBirth = "2026-10-28" }, ""},
			{"born 1899", func(in *service.ClientInput) { in.DateOfBirth = "1899-12-31" }, "date_of_birth"},
			{"born 1900", func(in *service.ClientInput) { in.DateOfBirth = "1900-01-01" }, ""},
			{"no email", func(in *service.ClientInput) { in.Email = "" }, ""},
			{"email no at", func(in *service.ClientInput) { in.Email = "mereana.mail.test" }, "email"},
			{"email two ats", func(in *service.ClientInput) { in.Email = "a@b@mail.test" }, "email"},
			{"email with name", func(in *service.ClientInput) { in.Email = "Mereana <m@mail.test>" }, "email"},
			{"two emails", func(in *service.ClientInput) { in.Email = "a@mail.test, b@mail.test" }, "email"},
			{"email no dot", func(in *service.ClientInput) { in.Email = "m@localhost" }, "email"},
			{"email long", func(in *service.ClientInput) { in.Email = strings.Repeat("a", 250) + "@x.au" }, "email"},
			{"no phone", func(in *service.ClientInput) { in.Phone = "" }, ""},
			{"US phone", func(in *service.ClientInput) { in.Phone = "+1 212 555 0100" }, "phone"},
			{"short phone", func(in *service.ClientInput) { in.Phone = "0412 345" }, "phone"},
			{"no relation", func(in *service.ClientInput) { in.Relation = "" }, "relation"},
			{"cousin", func(in *service.ClientInput) { in.Relation = "cousin" }, "relation"},
			{"employee no number", func(in *service.ClientInput) { in.EmployeeNumber = "" }, "employee_number"},
			{"partner no number", func(in *service.ClientInput) {
				in.Relation, in.EmployeeNumber = "partner", ""
			}, ""},
			{"dependant", func(in *service.ClientInput) { in.Relation = "Dependent" }, ""},
			{"number with space", func(in *service.ClientInput) { in.EmployeeNumber = "AF 2231" }, "employee_number"},
			{"number 31 long", func(in *service.ClientInput) { in.EmployeeNumber = strings.Repeat("7", 31) }, "employee_number"},
			{"no organisation", func(in *service.ClientInput) { in.OrganisationID = "" }, "organisation_id"},
			{"unknown organisation", func(in *service.ClientInput) { in.OrganisationID = "999" }, "organisation_id"},
		}
		for i, tc := range cases {
			in := validClient(f.Org.ID)
			in.Email = "client" + strconv.Itoa(i) + "@mail.test"
			in.FirstName = "Client" + strconv.Itoa(i)
			tc.edit(&in)
			_, err := env.Svc.CreateClient(ctx, intake, in)
			switch {
			case tc.field == "" && err != nil:
				t.Errorf("%s: CreateClient = %v, want success", tc.name, err)
			case tc.field != "" && phoenix.ErrorFields(err)[tc.field] == "":
				t.Errorf("%s: CreateClient = %v, want a message on %s", tc.name, err, tc.field)
			case tc.field != "" && len(phoenix.ErrorFields(err)) != 1:
				t.Errorf("%s: messages %v, want one, on %s", tc.name, phoenix.ErrorFields(err), tc.field)
			}
		}
	})
}

func TestCreateClientStored(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		in := validClient(f.Org.ID)
		in.Phone, in.DateOfBirth, in.Relation = "+61 3 9123 4567", "14/3/1990", "Spouse"
		in.FirstName = "  Mereana "
		k, err := env.Svc.CreateClient(ctx, testenv.Actor(f.Intake), in)
		testenv.Must(t, err)
		got, err := env.Conn().Client(ctx, k.ID)
		testenv.Must(t, err)
		if got.FirstName != "Mereana" || got.Phone != "(03) 9123 4567" ||
			got.DateOfBirth != phoenix.MustParseDate("1990-03-14") ||
			got.Relation != phoenix.RelationPartner {
			t.Errorf("stored client = %+v", got)
		}
		assertAudit(t, env, "create", "client", k.ID)
	})
}

func TestCreateClientDuplicates(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		intake := testenv.Actor(f.Intake)

		// The fixture's client is Jordan Quill, born 1984-07-19, Jordan.Quill@mail.test.
		same := validClient(f.Org.ID)
		same.FirstName, same.LastName, same.DateOfBirth = "JORDAN", "quill", "19/07/1984"
		_, err := env.Svc.CreateClient(ctx, intake, same)
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT || phoenix.ErrorFields(err)["date_of_birth"] == "" {
			t.Errorf("same name and birth date = %v, want ECONFLICT on date_of_birth", err)
		}
		var e *phoenix.Error
		if err, ok := err.(*phoenix.Error); ok {
			e = err
		}
		if e == nil || e.Link != "/clients/"+strconv.FormatInt(f.Client.ID, 10) {
			t.Errorf("duplicate error link = %+v, want the existing client's page", e)
		}

		email := validClient(f.Org.ID)
		email.Email = "jordan.QUILL@mail.test"
		_, err = env.Svc.CreateClient(ctx, intake, email)
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT || phoenix.ErrorFields(err)["email"] == "" {
			t.Errorf("same email = %v, want ECONFLICT on email", err)
		}

		// The same name and birth date in another organisation is another person.
		var other phoenix.Organisation
		testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
			var err error
			other, _, err = env.AddOrganisation(ctx, c, "Bayside Council", "VIC",
				"Australia/Melbourne", 4)
			return err
		}))
		same.OrganisationID = strconv.FormatInt(other.ID, 10)
		same.Email = "jordan.quill@bayside.test"
		if _, err := env.Svc.CreateClient(ctx, intake, same); err != nil {
			t.Errorf("same person in another organisation = %v, want success", err)
		}

		// Editing a client to match another is a duplicate too; saving unchanged is not.
		k, err := env.Svc.CreateClient(ctx, intake, validClient(f.Org.ID))
		testenv.Must(t, err)
		edit := service.ClientInputOf(k)
		if _, err := env.Svc.UpdateClient(ctx, intake, k.ID, edit); err != nil {
			t.Errorf("UpdateClient unchanged = %v", err)
		}
		edit.Email = f.Client.Email
		_, err = env.Svc.UpdateClient(ctx, intake, k.ID, edit)
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT {
			t.Errorf("UpdateClient to another's email = %v, want ECONFLICT", err)
		}
	})
}

func TestUpdateClient(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		admin := testenv.Actor(f.Admin)

		in := service.ClientInputOf(f.Client)
		in.Phone, in.PreferredName = "0400 111 222", "Jo"
		k, err := env.Svc.UpdateClient(ctx, admin, f.Client.ID, in)
		testenv.Must(t, err)
		got, err := env.Conn().Client(ctx, f.Client.ID)
		testenv.Must(t, err)
		if got.Phone != "0400 111 222" || got.PreferredName != "Jo" || got != k {
			t.Errorf("client after update = %+v, returned %+v", got, k)
		}
		events, err := env.Conn().Audit(ctx, store.AuditFilter{ClientID: f.Client.ID})
		testenv.Must(t, err)
		if len(events) != 1 || events[0].Action != "update" ||
			events[0].Detail != "changed preferred name, phone" {
			t.Errorf("audit of update = %+v, want one update naming preferred name and phone", events)
		}

		// A client stays in a deactivated organisation and can still be corrected.
		testenv.Must(t, env.Svc.SetOrganisationActive(ctx, admin, f.Org.ID, false))
		in.Phone = "0400 111 333"
		if _, err := env.Svc.UpdateClient(ctx, admin, f.Client.ID, in); err != nil {
			t.Errorf("UpdateClient in a deactivated organisation = %v", err)
		}
		if _, err := env.Svc.UpdateClient(ctx, admin, 999, in); phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
			t.Errorf("UpdateClient(missing) = %v, want ENOTFOUND", err)
		}
	})
}

func TestClientRoles(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		s := env.Svc
		calls := map[string]func(a service.Actor) error{
			"Client": func(a service.Actor) error {
				_, err := s.Client(ctx, a, f.Client.ID)
				return err
			},
			"Clients": func(a service.Actor) error {
				_, err := s.Clients(ctx, a, "", store.Page{})
				return err
			},
			"CreateClient": func(a service.Actor) error {
				_, err := s.CreateClient(ctx, a, validClient(f.Org.ID))
				return err
			},
			"UpdateClient": func(a service.Actor) error {
				_, err := s.UpdateClient(ctx, a, f.Client.ID, validClient(f.Org.ID))
				return err
			},
			"StartImport": func(a service.Actor) error {
				_, err := s.StartImport(ctx, a, service.ImportUpload{FileName: "a.csv",
					Content: []byte(cleanCSV)})
				return err
			},
			"Imports": func(a service.Actor) error {
				_, err := s.Imports(ctx, a, store.Page{})
				return err
			},
			"Import": func(a service.Actor) error {
				_, err := s.Import(ctx, a, 1)
				return err
			},
		}
		for _, u := range []phoenix.User{f.Consultant, f.Leader, f.Reviewer} {
			for name, call := range calls {
				if err := call(testenv.Actor(u)); phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
					t.Errorf("%s as %s = %v, want EFORBIDDEN", name, u.Role, err)
				}
			}
		}
		list, err := s.Clients(ctx, testenv.Actor(f.Admin), "", store.Page{})
		testenv.Must(t, err)
		if len(list) != 1 || list[0].Organisation != "Acme Freight" {
			t.Errorf("Clients as admin = %+v, want the fixture's client", list)
		}
		got, err := env.Conn().Client(ctx, f.Client.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(f.Client, got); diff != "" {
			t.Errorf("client after rejected calls (-want +got):\n%s", diff)
		}
	})
}

func TestClientView(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()

		v, err := env.Svc.Client(ctx, testenv.Actor(f.Intake), f.Client.ID)
		testenv.Must(t, err)
		if len(v.Cases) != 1 || v.Cases[0].Case.ID != f.Case.ID ||
			v.Cases[0].Consultant != f.Consultant.Name || !v.CanOpenCase {
			t.Errorf("client view = %+v, want the fixture's case, which intake may add to", v)
		}
		v, err = env.Svc.Client(ctx, testenv.Actor(f.Admin), f.Client.ID)
		testenv.Must(t, err)
		if v.CanOpenCase {
			t.Error("CanOpenCase for an administrator, want only intake")
		}
		if _, err := env.Svc.Client(ctx, testenv.Actor(f.Admin), 999); phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
			t.Errorf("Client(missing) = %v, want ENOTFOUND", err)
		}
	})
}
