package bizday

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/phoenix-eap/phoenix"
)

func TestCorrectionsTable(t *testing.T) {
	rows, err := parseCorrections(correctionsTSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("corrections.tsv has no rows")
	}
	for _, row := range rows {
		if !strings.Contains(row.source, "https://") {
			t.Errorf("correction %s %q source %q has no URL", row.date, row.name, row.source)
		}
	}
}

func TestParseCorrections(t *testing.T) {
	text := "# comment\n\n" +
		"ALL\t2030-01-02\tadd\tTest day\tofficial\tsource https://example.org\n" +
		"VIC,SA\t2030-03-11\tremove\tLabour Day\texpected\tsource https://example.org\n"
	got, err := parseCorrections(text)
	if err != nil {
		t.Fatal(err)
	}

	if len(got) != 2 {
		t.Fatalf("parseCorrections returned %d rows, want 2", len(got))
	}
	if len(got[0].regions) != len(Regions()) {
		t.Errorf("ALL expanded to %d regions, want %d", len(got[0].regions), len(Regions()))
	}
	want := correction{
		regions: []Region{VIC, SA}, date: phoenix.MustParseDate("2030-03-11"), action: actionRemove,
		name: "Labour Day", status: statusExpected, source: "source https://example.org",
	}
	if diff := cmp.Diff(want, got[1], cmp.AllowUnexported(correction{})); diff != "" {
		t.Errorf("parseCorrections row 2 mismatch (-want +got):\n%s", diff)
	}
}

func TestParseCorrectionsInvalid(t *testing.T) {
	tests := []struct {
		name, line, wantErr string
	}{
		{"fields", "NSW\t2030-01-02\tadd\tDay\tofficial", "6"},
		{"region", "NZ\t2030-01-02\tadd\tDay\tofficial\tsrc", "unknown region"},
		{"date", "NSW\t2030-02-30\tadd\tDay\tofficial\tsrc", "invalid date"},
		{"action", "NSW\t2030-01-02\tmove\tDay\tofficial\tsrc", "invalid action"},
		{"status", "NSW\t2030-01-02\tadd\tDay\tguess\tsrc", "invalid status"},
		{"name", "NSW\t2030-01-02\tadd\t \tofficial\tsrc", "missing holiday name"},
		{"source", "NSW\t2030-01-02\tadd\tDay\tofficial\t", "missing source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCorrections("# header\n" + tt.line + "\n")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("parseCorrections(%q) error = %v, want one containing %q",
					tt.line, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), "line 2") {
				t.Errorf("parseCorrections(%q) error = %v, want the line number", tt.line, err)
			}
		})
	}
}

// TestBuildYearCorrections applies rows that the embedded table does not use: removing
// a library holiday, and adding an expected one.
func TestBuildYearCorrections(t *testing.T) {
	rows := []correction{
		{regions: []Region{NSW}, date: phoenix.MustParseDate("2026-06-08"),
			action: actionRemove, name: "King's Birthday", status: statusOfficial},
		{regions: []Region{NSW}, date: phoenix.MustParseDate("2026-06-09"),
			action: actionAdd, name: "Test holiday", status: statusExpected},
		{regions: []Region{VIC}, date: phoenix.MustParseDate("2026-06-10"),
			action: actionAdd, name: "Other region", status: statusOfficial},
	}
	table := buildYear(NSW, 2026, rows)

	if h, ok := table.byDate[phoenix.MustParseDate("2026-06-08")]; ok {
		t.Errorf("removed holiday still present: %+v", h)
	}
	got, ok := table.byDate[phoenix.MustParseDate("2026-06-09")]
	if !ok || got.Name != "Test holiday" || !got.Provisional {
		t.Errorf("added holiday = %+v, %v, want Test holiday, provisional", got, ok)
	}
	if h, ok := table.byDate[phoenix.MustParseDate("2026-06-10")]; ok {
		t.Errorf("correction for VIC applied to NSW: %+v", h)
	}
	if len(table.sorted) != len(table.byDate) {
		t.Errorf("sorted has %d holidays, byDate %d", len(table.sorted), len(table.byDate))
	}
}

// TestCorrectionActions checks each row of corrections.tsv against the library alone:
// an added date is missing there, a confirmed date is present, and a removed date is
// present. A library upgrade that changes one of these dates fails here.
func TestCorrectionActions(t *testing.T) {
	for _, row := range corrections {
		for _, r := range row.regions {
			_, inLibrary := buildYear(r, row.date.Year, nil).byDate[row.date]
			got, inCalendar := publicHolidays(r, row.date.Year).byDate[row.date]

			switch row.action {
			case actionAdd:
				if inLibrary {
					t.Errorf("%s add %s: the library already has the date; use confirm", r, row.date)
				}
			case actionConfirm:
				if !inLibrary {
					t.Errorf("%s confirm %s: the library lacks the date; use add", r, row.date)
				}
			case actionRemove:
				if !inLibrary {
					t.Errorf("%s remove %s: the library has no holiday to remove", r, row.date)
				}
			}

			wantPresent := row.action != actionRemove
			if inCalendar != wantPresent {
				t.Errorf("%s %s %s: holiday present = %v, want %v",
					r, row.action, row.date, inCalendar, wantPresent)
			}
			if wantPresent && (got.Name != row.name || got.Provisional != (row.status == statusExpected)) {
				t.Errorf("%s %s %s = %q provisional %v, want %q with status %s",
					r, row.action, row.date, got.Name, got.Provisional, row.name, row.status)
			}
		}
	}
}
