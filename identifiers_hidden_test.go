package phoenix

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Tests of identifiers written so that a plain comparison misses them: split, hidden
// by invisible characters, in look-alike letters, reversed, or spelt out.

var clientRuby = ClientIdentity{
	FirstName:      "Ruby",
	LastName:       "Galloway",
	Phone:          "0428 154 838",
	EmployeeNumber: "E10666",
	DateOfBirth:    MustParseDate("1983-05-11"),
}

var (
	clientKate   = ClientIdentity{FirstName: "Katherine", PreferredName: "Kate", LastName: "Oakes"}
	clientMartin = ClientIdentity{FirstName: "Sam", LastName: "Martin"}
	clientNewman = ClientIdentity{FirstName: "Tom", LastName: "Newman"}
	clientAlison = ClientIdentity{FirstName: "Jo", LastName: "Allison"}
)

type identifierCase struct {
	client ClientIdentity
	text   string
	want   []string // nil when the text must pass
}

func checkIdentifierCases(t *testing.T, tests []identifierCase) {
	t.Helper()
	for _, tt := range tests {
		got := FindIdentifiers(tt.text, tt.client)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("FindIdentifiers(%q, %s %s) mismatch (-want +got):\n%s",
				tt.text, tt.client.FirstName, tt.client.LastName, diff)
		}
	}
}

func TestFindIdentifiersEmployeeDigits(t *testing.T) {
	checkIdentifierCases(t, []identifierCase{
		{clientRuby, "Employee 10666", wantEmployee},
		{clientRuby, "employee no. 10666.", wantEmployee},
		{clientRuby, "staff ID (10666)", wantEmployee},
		{clientRuby, "10666's leave", wantEmployee},
		{clientRuby, "１０６６６", wantEmployee},
		{clientJane, "employee 10234", wantEmployee},
		{ClientIdentity{EmployeeNumber: "AB-1234"}, "number 1234", wantEmployee},
		{ClientIdentity{EmployeeNumber: "E-10-666"}, "ID 10666", wantEmployee},

		// Not a whole number, another number, or too few digits.
		{clientRuby, "110666", nil},
		{clientRuby, "106660", nil},
		{clientRuby, "10666.5 hours", nil},
		{clientRuby, "3.10666", nil},
		{clientRuby, "ref 10666-2", nil},
		{clientRuby, "ref 2/10666", nil},
		{clientRuby, "10,666", nil},
		{clientRuby, "10 666", nil},
		{clientRuby, "1066", nil},
		{ClientIdentity{EmployeeNumber: "E123"}, "scored 123", nil},
		{ClientIdentity{EmployeeNumber: "AB12CD"}, "12 sessions", nil},
	})
}

func TestFindIdentifiersInvisible(t *testing.T) {
	checkIdentifierCases(t, []identifierCase{
		// Right-to-left override, embedding and isolate.
		{clientRuby, "\u202eyawollaG ybuR", wantName},
		{clientRuby, "Goals: \u202eyawollaG ybuR\u202c to sleep", wantName},
		{clientRuby, "\u202e838 451 8240", wantPhone},
		{clientRuby, "\u2067838 154 0428\u2069", wantPhone},
		{clientRuby, "\u202b838 154 0428\u202c", wantPhone},
		{clientRuby, "\u202e3891 yaM 11 nroB", wantBirth},
		{clientRuby, "\u202eybuR", wantName},
		{clientRuby, "\u200f838 154 0428", wantPhone},
		{clientRuby, "טלפון 838 154 0428", wantPhone},
		// The same text after CleanText has removed the override.
		{clientRuby, "yawollaG ybuR", wantName},
		{clientRuby, "ms yawollag", wantName},

		// Zero-width characters, the soft hyphen and other format characters.
		{clientRuby, "Gal\u200bloway", wantName},
		{clientRuby, "Gal\u00adloway", wantName},
		{clientRuby, "G\u200ca\u200dl\u2060l\ufeffoway", wantName},
		{clientRuby, "Gal\u034floway", wantName},
		{clientRuby, "Gal\u3164loway", wantName},
		{clientRuby, "Gal\U000e0041loway", wantName},
		{clientRuby, "Ruby\u200bGalloway", wantName},
		{clientRuby, "R\u200bu\u200bb\u200by", wantName},
		{clientRuby, "E1\u200b0666", wantEmployee},
		{clientRuby, "0428\u200b154\u200b838", wantPhone},
		{clientJane, "jane\u200b.citizen@example\u200b.com", wantNameEmail},

		// Innocent text with the same characters.
		{clientRuby, "\u202eplan fo nruter", nil},
		{clientRuby, "\u202eybur", nil},
		{clientRuby, "\u202e11 sessions", nil},
		{clientRuby, "\u202e2026/05/11", nil},
		{clientRuby, "\u2067GP review\u2069 in 6 weeks", nil},
		{clientRuby, "\u200bgoals\u200b", nil},
		{clientRuby, "שלום, return to work", nil},
		{clientRuby, "a ruby\u00adcoloured scarf", nil},
	})
}

func TestFindIdentifiersSplitName(t *testing.T) {
	checkIdentifierCases(t, []identifierCase{
		{clientRuby, "R u b y G a l l o w a y", wantName},
		{clientRuby, "r.u.b.y g.a.l.l.o.w.a.y", wantName},
		{clientRuby, "G a l l o w a y", wantName},
		{clientRuby, "g-a-l-l-o-w-a-y", wantName},
		{clientRuby, "Gal-loway", wantName},
		{clientRuby, "Gal.loway", wantName},
		{clientRuby, "Gal_loway", wantName},
		{clientRuby, "gal·loway", wantName},
		{clientRuby, "GALLO-WAY", wantName},
		{clientRuby, "Gál-lo-way's goals", wantName},
		{clientRuby, "Gal1oway", nil},
		{clientRuby, "RubyGalloway", wantName},
		{clientRuby, "#rubygalloway", wantName},
		{clientRuby, "ruby gal loway", wantName},
		{clientRuby, "Galloway-Ruby", wantName},
		{clientKate, "K a t e O a k e s", wantName},
		{clientKate, "k a t h e r i n e o a k e s", wantName},
		{clientJane, "j-a-n-e c-i-t-i-z-e-n", wantName},

		// First names and short last names are not looked for across breaks.
		{clientRuby, "grub yard", nil},
		{clientRuby, "R u b y", nil},
		{clientRuby, "r-u-b-y", nil},
		{clientRuby, "a ruby ring", nil},
		{clientKate, "O a k e s", nil},
		{clientKate, "K-a-t-e", nil},
		{clientAnn, "L-e-e", nil},
		{clientAnn, "plan needs review", nil},

		// A last name spelt by ordinary words, or inside other words.
		{clientMartin, "was smart in meetings", nil},
		{clientNewman, "feels like a new man", nil},
		{clientAlison, "all is on track", nil},
		{clientJane, "citizenship application", nil},
		{clientRuby, "gall oway", nil},
	})
}

func TestFindIdentifiersLookalike(t *testing.T) {
	checkIdentifierCases(t, []identifierCase{
		{clientRuby, "Rub\u0443", wantName},               // Cyrillic у
		{clientRuby, "G\u0430lloway", wantName},           // Cyrillic а
		{clientRuby, "G\u0410LL\u041eW\u0410Y", wantName}, // Cyrillic А О
		{clientRuby, "RU\u0392\u03a5", wantName},          // Greek Β Υ
		{clientRuby, "G\u03b1ll\u03bfw\u03b1y", wantName}, // Greek α ο
		{clientRuby, "\u0261alloway", wantName},           // Latin script g
		{clientRuby, "Gall\u0585way", wantName},           // Armenian օ
		{clientRuby, "Ｒｕｂｙ　Ｇａｌｌｏｗａｙ", wantName},
		{clientRuby, "𝐆𝐚𝐥𝐥𝐨𝐰𝐚𝐲", wantName},
		{clientJane, "C\u0456t\u0456zen", wantName}, // Cyrillic і
		{clientJane, "\u0458ane.citizen@example.com", wantNameEmail},

		// Text in Cyrillic or Greek that only shares letters.
		{clientRuby, "Привет, как дела", nil},
		{clientRuby, "Рубин", nil},
		{clientRuby, "Καλημέρα", nil},
		{clientRuby, "rub\u0443", nil}, // an everyday-word name in lower case
	})
}

func TestFindIdentifiersPartialBirth(t *testing.T) {
	checkIdentifierCases(t, []identifierCase{
		{clientRuby, "Born 11 May", wantBirth},
		{clientRuby, "born on the 11th of May", wantBirth},
		{clientRuby, "DOB 11/05", wantBirth},
		{clientRuby, "dob: 11-5", wantBirth},
		{clientRuby, "D.O.B. 11/05", wantBirth},
		{clientRuby, "d.o.b 11.05", wantBirth},
		{clientRuby, "birthday is 11 May", wantBirth},
		{clientRuby, "11 May is her birthday", wantBirth},
		{clientRuby, "May 11th (birthday)", wantBirth},
		{clientRuby, "date of birth 05/11", wantBirth},
		{clientRuby, "born in 1983", wantBirth},
		{clientRuby, "Born 1983", wantBirth},
		{clientRuby, "year of birth: 1983", wantBirth},
		{clientRuby, "born in Perth in 1983", wantBirth},
		{clientRuby, "born in '83", wantBirth},
		{clientRuby, "1983 (birth year)", wantBirth},

		// A day and month or a year without a birth word, or not the client's.
		{clientRuby, "11 May", nil},
		{clientRuby, "session on 11 May", nil},
		{clientRuby, "May 11", nil},
		{clientRuby, "11/05", nil},
		{clientRuby, "1983", nil},
		{clientRuby, "since 1983", nil},
		{clientRuby, "born 12 May", nil},
		{clientRuby, "born 11 June", nil},
		{clientRuby, "born in 1984", nil},
		{clientRuby, "son born 11 May 2015", nil},
		{clientRuby, "birthday party on 11/05/2026", nil},
		{clientRuby, "born 2026/05/11", nil},
		{clientRuby, "born 83 days early", nil},
		{clientRuby, "gave birth in 2015", nil},
		{clientRuby, "newborn care from 11 May", nil},
		{clientRuby, "born on a farm; moved to the city for work and at 11 May", nil},
	})
}

func TestFindIdentifiersSpeltDigits(t *testing.T) {
	checkIdentifierCases(t, []identifierCase{
		{clientRuby, "zero four two eight one five four eight three eight", wantPhone},
		{clientRuby, "oh four two eight, one five four, eight three eight", wantPhone},
		{clientRuby, "Nought-four-two-eight 154 838", wantPhone},
		{clientRuby, "0428 one five four 838", wantPhone},
		{clientAnn, "nine one two three, four five six seven", wantPhone},
		{clientJane, "oh four one two, three four five, six seven eight", wantPhone},
		{clientJane, "zero four nine eight seven six five four three two", wantPhone},
		{clientRuby, "employee one zero six six six", wantEmployee},
		{clientRuby, "E one zero triple six", wantEmployee},
		{clientRuby, "E-one-zero-six-six-six", wantEmployee},
		{clientRuby, "one oh double 6 six", wantEmployee},

		{clientRuby, "one on one sessions", nil},
		{clientRuby, "four or five sessions", nil},
		{clientRuby, "one two three", nil},
		{clientRuby, "nine to five", nil},
		{clientRuby, "one, two, three and four", nil},
		{clientRuby, "zero four two", nil},
		{clientRuby, "oh well, one more try", nil},
		{clientRuby, "double the sessions", nil},
		{clientRuby, "one five four", nil},
	})
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{"", ""},
		{"\u200b\u200b", ""},
		{" \u00a0\u3000\t\n ", ""},
		{"\u202e\u2066\u2069\u200f", ""},
		{"\ufeff\u2060\u00ad", ""},
		{"\u3164\u2800", ""},
		{"\ufe0f", ""},
		{"  plan  ", "plan"},
		{"\ufeffgoals\u200b ", "goals"},
		{"Gal\u00adloway", "Galloway"},
		{"\u202eyawollaG ybuR", "yawollaG ybuR"},
		{"line one\nline two", "line one\nline two"},
		{"Zoë O’Brien", "Zoë O’Brien"},
		{"a\u200db", "ab"},
	}
	for _, tt := range tests {
		if got := CleanText(tt.text); got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
