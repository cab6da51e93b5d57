package phoenix

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var clientJane = ClientIdentity{
	FirstName:      "Jane",
	LastName:       "Citizen",
	PreferredName:  "Janey",
	Email:          "jane.citizen@example.com",
	Phone:          "0412 345 678",
	EmployeeNumber: "E-10234",
	DateOfBirth:    MustParseDate("1985-03-07"),
}

var (
	clientZoe  = ClientIdentity{FirstName: "Zoë", LastName: "O'Brien"}
	clientJose = ClientIdentity{FirstName: "José", LastName: "Smith-Jones"}
	clientWill = ClientIdentity{FirstName: "Will", LastName: "Brown"}
	clientAnn  = ClientIdentity{FirstName: "Ann", LastName: "Lee", Phone: "(03) 9123 4567"}
	clientAnna = ClientIdentity{FirstName: "Anna", LastName: "van der Berg"}
)

var (
	wantName      = []string{IdentifierName}
	wantEmail     = []string{IdentifierEmail}
	wantPhone     = []string{IdentifierPhone}
	wantEmployee  = []string{IdentifierEmployeeNumber}
	wantBirth     = []string{IdentifierDateOfBirth}
	wantNameEmail = []string{IdentifierName, IdentifierEmail}
)

func TestFindIdentifiersFound(t *testing.T) {
	tests := []struct {
		client ClientIdentity
		text   string
		want   []string
	}{
		// The client's names, in any case, order and punctuation.
		{clientJane, "Jane reports better sleep", wantName},
		{clientJane, "JANE", wantName},
		{clientJane, "jane", wantName},
		{clientJane, "Ms Citizen attended", wantName},
		{clientJane, "CITIZEN, Jane", wantName},
		{clientJane, "Citizen, J.", wantName},
		{clientJane, "j citizen", wantName},
		{clientJane, "Jane Citizen's goals", wantName},
		{clientJane, "Jane's goals", wantName},
		{clientJane, "Janey prefers mornings", wantName},
		{clientJane, "(Jane)", wantName},
		{clientJane, "jane2", wantName},
		{clientAnn, "Ann's manager", wantName},
		{clientAnn, "ANN", wantName},
		{clientAnn, "Lee", wantName},

		// Accents, apostrophes and hyphens, with or without them in the text.
		{clientZoe, "Zoe", wantName},
		{clientZoe, "ZOË", wantName},
		{clientZoe, "Zoë", wantName},
		{clientZoe, "Zoe\u0308", wantName},
		{clientZoe, "O'Brien", wantName},
		{clientZoe, "O’Brien", wantName},
		{clientZoe, "OBrien", wantName},
		{clientZoe, "o brien", wantName},
		{clientZoe, "Brien", wantName},
		{clientZoe, "obrien's", wantName},
		{clientJose, "Jose", wantName},
		{clientJose, "JOSÉ", wantName},
		{clientJose, "Smith-Jones", wantName},
		{clientJose, "Smith Jones", wantName},
		{clientJose, "SmithJones", wantName},
		{clientJose, "Mr Jones", wantName},
		{clientAnna, "van der Berg", wantName},
		{clientAnna, "Ms Berg", wantName},
		{clientAnna, "VanDerBerg", wantName},

		// Names that are also words: found when capitalised or in full.
		{clientWill, "Will reports", wantName},
		{clientWill, "Met with WILL", wantName},
		{clientWill, "will brown", wantName},
		{clientWill, "brown, will", wantName},
		{clientWill, "Ms Brown", wantName},
		// A known false positive: the month May for a client named May.
		{ClientIdentity{FirstName: "May"}, "seen in May", wantName},

		// The client's email address, plain and spelt out.
		{clientJane, "jane.citizen@example.com", wantNameEmail},
		{clientJane, "JANE.CITIZEN@EXAMPLE.COM", wantNameEmail},
		{clientJane, "jane.citizen @ example.com", wantNameEmail},
		{clientJane, "jane.citizen at example dot com", wantNameEmail},
		{clientJane, "jane.citizen at example.com", wantNameEmail},
		{clientJane, "jane.citizen [at] example [dot] com", wantNameEmail},
		{clientJane, "jane.citizen(at)example(dot)com", wantNameEmail},
		{clientJane, "jane . citizen at example dot com", wantNameEmail},
		{ClientIdentity{Email: "jc85@mail.example"}, "write to jc85 at mail dot example", wantEmail},

		// Any email address.
		{clientJane, "someone@else.org", wantEmail},
		{clientJane, "contact: bob at work dot com dot au", wantEmail},
		{clientJane, "bob [at] work.net", wantEmail},
		{clientJane, "b.smith(at)clinic(dot)org(dot)au", wantEmail},
		{ClientIdentity{}, "x_y+z@sub.domain.com.au", wantEmail},

		// The client's phone number.
		{clientJane, "0412 345 678", wantPhone},
		{clientJane, "0412-345-678", wantPhone},
		{clientJane, "0412.345.678", wantPhone},
		{clientJane, "0412345678", wantPhone},
		{clientJane, "+61 412 345 678", wantPhone},
		{clientJane, "+61412345678", wantPhone},
		{clientJane, "+61 (0)412 345 678", wantPhone},
		{clientJane, "412 345 678", wantPhone},
		{clientJane, "score 14 0412 345 678 daily", wantPhone},
		{clientAnn, "(03) 9123 4567", wantPhone},
		{clientAnn, "9123 4567", wantPhone},
		{clientAnn, "9123-4567", wantPhone},

		// Any Australian phone number, and international ones written with +.
		{clientJane, "0498 765 432", wantPhone},
		{clientJane, "(03) 9876 5432", wantPhone},
		{clientJane, "02 9876 5432", wantPhone},
		{clientJane, "(08)98765432", wantPhone},
		{clientJane, "+61 3 9876 5432", wantPhone},
		{clientJane, "61 3 9876 5432", wantPhone},
		{clientJane, "1300 123 456", wantPhone},
		{clientJane, "1800-555-123", wantPhone},
		{clientJane, "1300 22 4636", wantPhone},
		{clientJane, "call 13 11 14", wantPhone},
		{clientJane, "+44 20 7946 0958", wantPhone},
		{clientJane, "０４９８ ７６５ ４３２", wantPhone},

		// The client's employee number.
		{clientJane, "E-10234", wantEmployee},
		{clientJane, "e10234", wantEmployee},
		{clientJane, "E 10234", wantEmployee},
		{clientJane, "E.10234", wantEmployee},
		{clientJane, "e_10234", wantEmployee},
		{clientJane, "Employee no. E10234.", wantEmployee},
		{ClientIdentity{EmployeeNumber: "ab-12-cd"}, "AB12CD", wantEmployee},
		{ClientIdentity{EmployeeNumber: "10234"}, "E10234", wantEmployee},

		// The client's date of birth.
		{clientJane, "1985-03-07", wantBirth},
		{clientJane, "1985/3/7", wantBirth},
		{clientJane, "85-03-07", wantBirth},
		{clientJane, "07/03/1985", wantBirth},
		{clientJane, "7/3/1985", wantBirth},
		{clientJane, "7/3/85", wantBirth},
		{clientJane, "07.03.1985", wantBirth},
		{clientJane, "07-03-1985", wantBirth},
		{clientJane, "7 March 1985", wantBirth},
		{clientJane, "7th March 1985", wantBirth},
		{clientJane, "7th of March, 1985", wantBirth},
		{clientJane, "7 Mar 1985", wantBirth},
		{clientJane, "7 Mar. 1985", wantBirth},
		{clientJane, "March 7, 1985", wantBirth},
		{clientJane, "Mar. 7th, 1985", wantBirth},
		{clientJane, "7 MARCH 1985", wantBirth},
		{clientJane, "19850307", wantBirth},
		{clientJane, "07031985", wantBirth},
		{clientJane, "03/07/1985", wantBirth},
		{clientJane, "born (7/3/1985)", wantBirth},

		// Several kinds at once, each named once in a fixed order.
		{clientJane, "1985-03-07 E10234 0412 345 678 jane@x.com Jane Jane", []string{
			IdentifierName, IdentifierEmail, IdentifierPhone,
			IdentifierEmployeeNumber, IdentifierDateOfBirth,
		}},
	}
	for _, tt := range tests {
		got := FindIdentifiers(tt.text, tt.client)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("FindIdentifiers(%q, %s) mismatch (-want +got):\n%s",
				tt.text, tt.client.FirstName, diff)
		}
	}
}

func TestFindIdentifiersInnocent(t *testing.T) {
	tests := []struct {
		client ClientIdentity
		text   string
	}{
		{clientJane, "Client reports improved sleep; K10 score fell from 32 to 24 over " +
			"4 sessions; goals: return to work plan with GP"},
		{clientJane, "12 sessions"},
		{clientJane, "2026"},
		{clientJane, "4 of 6"},
		{clientJane, "PHQ-9 score 14"},
		{clientJane, "K10 of 28"},
		{clientJane, "12/03/2026"},
		{clientJane, "session on 12.03.2026 at 10:30"},
		{clientJane, "13.03.26"},
		{clientJane, "DASS-21: 14, 10, 18"},
		{clientJane, "scores 32 24 18 12 over 4 weeks"},
		{clientJane, "reduce from 30 to 14 standard drinks a week"},
		{clientJane, "budget $1,300 a month"},
		{clientJane, "between 1300 and 1800 hours"},
		{clientJane, "works 0900-1700"},
		{clientJane, "ABN 51 824 753 556"},
		{clientJane, "self-help resources at beyondblue.org.au"},
		{clientJane, "met at work. Comfortable with plan"},
		{clientJane, "Janet and Janelle"},
		{clientJane, "J.C. and JC"},
		{clientJane, "Jan 2026"},
		{clientJane, "citizenship application"},
		{clientJane, "employee 1023"},
		{clientJane, "7 March 1986"},
		{clientJane, "7 March"},
		{clientJane, "07/03"},
		{clientJane, "7/3/2026"},
		{clientJane, "17/3/1985"},
		{clientJane, "7/13/1985"},
		{clientJane, "1985"},
		{clientJane, "0412 345"},
		{clientJane, "call Lifeline"},
		{clientAnn, "annual review planned"},
		{clientAnn, "Anne"},
		{clientAnn, "leeway"},
		{clientAnn, "9123 4568"},
		{clientZoe, "Zoey"},
		{clientZoe, "Brienne"},
		{clientWill, "client will return to work"},
		{clientWill, "brown paper bag"},
		{clientJose, "Josef"},
		{clientAnna, "drove the van"},
		{clientAnna, "iceberg"},
		{ClientIdentity{FirstName: "May"}, "client may return to work"},
		{ClientIdentity{FirstName: "J", LastName: "Li", EmployeeNumber: "12"}, "j 12"},
		{ClientIdentity{}, "Jane Citizen, 0412 3456"},
	}
	for _, tt := range tests {
		if got := FindIdentifiers(tt.text, tt.client); len(got) != 0 {
			t.Errorf("FindIdentifiers(%q, %s) = %q, want none", tt.text, tt.client.FirstName, got)
		}
	}
}

func TestCheckFreeText(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{"Return to work plan with GP", ""},
		{
			"Jane to call 0412 345 678",
			"Goals must not identify the client: remove the name and phone number. " +
				"Organisations must not be able to tell who the client is.",
		},
		{
			"E10234",
			"Goals must not identify the client: remove the employee number. " +
				"Organisations must not be able to tell who the client is.",
		},
		{
			"Jane, jane.citizen@example.com, 0412 345 678",
			"Goals must not identify the client: remove the name, email address and " +
				"phone number. Organisations must not be able to tell who the client is.",
		},
	}
	for _, tt := range tests {
		if got := CheckFreeText("Goals", tt.text, clientJane); got != tt.want {
			t.Errorf("CheckFreeText(Goals, %q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// FuzzFindIdentifiers checks that no text panics, that each kind is known and named
// once in order, and that the client's email and phone are still found after any text.
func FuzzFindIdentifiers(f *testing.F) {
	for _, seed := range []string{
		"", "Jane", "0412 345 678", "+", "+61 (0", "7th of", "jane at example dot",
		"Zoë O’Brien", "E-10234", "19850307", "13 11", "\u0308\u0308", "\xff\xfe",
		"\u202enezitiC enaJ", "\u2067678 345 0412", "J a n e C-i-t-i-z-e-n", "Сitizеn",
		"oh four one two double three", "born 7 March", "d.o.b. 1985", "employee 10234",
	} {
		f.Add(seed)
	}
	kinds := []string{
		IdentifierName, IdentifierEmail, IdentifierPhone,
		IdentifierEmployeeNumber, IdentifierDateOfBirth,
	}

	f.Fuzz(func(t *testing.T, text string) {
		got := FindIdentifiers(text, clientJane)
		last := -1
		for _, kind := range got {
			at := slices.Index(kinds, kind)
			if at <= last {
				t.Fatalf("FindIdentifiers(%q) = %q, want known kinds in order, once", text, got)
			}
			last = at
		}

		withEmail := FindIdentifiers(text+" "+clientJane.Email+" ", clientJane)
		if !slices.Contains(withEmail, IdentifierEmail) {
			t.Errorf("FindIdentifiers(%q + email) = %q, want an email address", text, withEmail)
		}
		withPhone := FindIdentifiers(text+" "+clientJane.Phone+" ", clientJane)
		if !slices.Contains(withPhone, IdentifierPhone) {
			t.Errorf("FindIdentifiers(%q + phone) = %q, want a phone number", text, withPhone)
		}
	})
}

// BenchmarkFindIdentifiers checks a 2,000-character clinical text with no identifier,
// the common case, which runs every check to the end.
func BenchmarkFindIdentifiers(b *testing.B) {
	sentence := "Client reports improved sleep; K10 score fell from 32 to 24 over 4 " +
		"sessions (12/03/2026); goals: return to work plan with GP, 3 days a week. "
	text := strings.Repeat(sentence, 2000/len(sentence)+1)[:2000]

	b.ReportAllocs()
	for b.Loop() {
		if got := FindIdentifiers(text, clientJane); len(got) != 0 {
			b.Fatalf("FindIdentifiers = %q, want none", got)
		}
	}
}
