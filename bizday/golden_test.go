package bizday

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/phoenix-eap/phoenix"
)

// goldenRow is one line of testdata/holidays/<REGION>.tsv.
type goldenRow struct {
	Date        string
	Name        string
	Provisional bool
}

// The golden tables were written independently of the library and checked by hand
// against the official lists named in docs/holidays.md.
const firstGoldenYear, lastGoldenYear = 2022, 2028

func readGolden(t *testing.T, r Region) map[int][]goldenRow {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "holidays", string(r)+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	byYear := make(map[int][]goldenRow)
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := scanner.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) < 2 || len(fields) > 3 {
			t.Fatalf("%s golden line %q: want date, name and optional flag", r, line)
		}
		date := phoenix.MustParseDate(fields[0])
		row := goldenRow{Date: fields[0], Name: fields[1],
			Provisional: len(fields) == 3 && fields[2] == "provisional"}
		byYear[date.Year] = append(byYear[date.Year], row)
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	return byYear
}

func TestHolidaysGolden(t *testing.T) {
	for _, info := range Regions() {
		t.Run(string(info.Code), func(t *testing.T) {
			t.Parallel()
			cal, err := New(info.Code)
			if err != nil {
				t.Fatal(err)
			}
			golden := readGolden(t, info.Code)

			for year := firstGoldenYear; year <= lastGoldenYear; year++ {
				var got []goldenRow
				for _, h := range cal.Holidays(year) {
					got = append(got, goldenRow{h.Date.String(), h.Name, h.Provisional})
				}
				if diff := cmp.Diff(golden[year], got); diff != "" {
					t.Errorf("Holidays(%d) mismatch (-want +got):\n%s", year, diff)
				}
			}
		})
	}
}
