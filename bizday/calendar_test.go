package bizday

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/phoenix-eap/phoenix"
)

func TestNewInvalid(t *testing.T) {
	if _, err := New("NZ"); phoenix.ErrorCode(err) != phoenix.EINVALID {
		t.Errorf("New(NZ) error = %v, want an EINVALID error", err)
	}
	if _, err := New(NSW, Closure{Name: "no date"}); phoenix.ErrorCode(err) != phoenix.EINVALID {
		t.Errorf("New(NSW, closure without date) error = %v, want an EINVALID error", err)
	}
}

func TestIsBusinessDay(t *testing.T) {
	tests := []struct {
		region Region
		date   string
		want   bool
	}{
		{NSW, "2026-03-06", true},  // an ordinary Friday
		{NSW, "2026-03-07", false}, // Saturday
		{NSW, "2026-03-08", false}, // Sunday
		{NSW, "2026-04-27", false}, // Anzac Day additional day
		{VIC, "2026-04-27", true},  // Victoria adds no Monday for Anzac Day
		{QLD, "2026-04-27", true},  // Queensland adds a Monday only after a Sunday
		{QLD, "2027-04-26", false},
		{NT, "2027-04-26", false},
		{ACT, "2027-04-26", false},
		{WA, "2027-04-26", false},
		{TAS, "2027-04-26", true},
		{SA, "2023-04-24", true},  // Anzac Day 2023 was a Tuesday
		{SA, "2021-04-26", false}, // the Holidays Act 1910 moved a Sunday Anzac Day
		// NOTE: SA 2027 rests on a secondary source; see docs/holidays.md.
		{SA, "2027-04-26", true},
		{VIC, "2026-11-03", true},           // regional Victoria: Melbourne Cup not counted
		{VICMelbourne, "2026-11-03", false}, // metropolitan Melbourne
		{NSW, "2026-11-03", true},
		{QLD, "2026-08-12", true},          // Ekka is a Brisbane holiday only
		{QLDBrisbane, "2026-08-12", false}, // Royal Queensland Show
		{NSW, "2026-08-03", true},          // the NSW Bank Holiday closes banks only
		{ACT, "2026-08-03", true},
		{SA, "2026-12-24", true},  // Christmas Eve from 7pm is a part-day holiday
		{NT, "2026-12-31", true},  // New Year's Eve from 7pm is a part-day holiday
		{QLD, "2026-12-24", true}, // Christmas Eve from 6pm is a part-day holiday
		{TAS, "2026-04-07", true}, // Easter Tuesday: Tasmanian State Service only
		{TAS, "2026-02-09", true}, // Royal Hobart Regatta: southern Tasmania only
		{TAS, "2026-11-02", true}, // Recreation Day: northern Tasmania only
		{TAS, "2026-04-04", false},
		{VIC, "2026-09-25", false}, // AFL Grand Final Friday, provisional
		{VIC, "2026-03-09", false}, // Labour Day
		{NSW, "2026-03-09", true},
		{ACT, "2026-03-09", false}, // Canberra Day
		{SA, "2026-03-09", false},  // Adelaide Cup Day
		{TAS, "2026-03-09", false}, // Eight Hours Day
		{WA, "2026-03-02", false},  // Labour Day
		{WA, "2026-06-01", false},  // Western Australia Day
		{WA, "2026-06-08", true},   // the King's Birthday is in September in WA
		{WA, "2026-09-28", false},
		{QLD, "2026-06-08", true}, // and in October in Queensland
		{QLD, "2026-10-05", false},
		{NT, "2026-08-03", false},  // Picnic Day
		{ACT, "2026-06-01", false}, // Reconciliation Day
		{NSW, "2022-09-22", false}, // National Day of Mourning for Queen Elizabeth II
		{WA, "2022-09-22", false},
		{NSW, "2028-01-03", false}, // New Year's Day 2028 is a Saturday
		{NSW, "2025-01-27", false}, // Australia Day 2025 was a Sunday
	}
	for _, tt := range tests {
		cal := mustCalendar(t, tt.region)
		d := phoenix.MustParseDate(tt.date)
		if got := cal.IsBusinessDay(d); got != tt.want {
			t.Errorf("%s IsBusinessDay(%s) = %v, want %v", tt.region, tt.date, got, tt.want)
		}
	}
}

func TestHolidayLookup(t *testing.T) {
	cal, err := New(VIC,
		Closure{Date: phoenix.MustParseDate("2026-06-08"), Name: "Office move"},
		Closure{Date: phoenix.MustParseDate("2026-12-29")},
	)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		date string
		want Holiday
		ok   bool
	}{
		{"2026-06-08", Holiday{Name: "King's Birthday", Kind: KindPublicHoliday}, true},
		{"2026-12-29", Holiday{Name: "Closure day", Kind: KindClosure}, true},
		{"2026-09-25", Holiday{Name: "Friday before the AFL Grand Final",
			Kind: KindPublicHoliday, Provisional: true}, true},
		{"2026-04-25", Holiday{Name: "Anzac Day", Kind: KindPublicHoliday}, true},
		{"2026-04-26", Holiday{}, false},
		{"2026-06-09", Holiday{}, false},
	}
	for _, tt := range tests {
		d := phoenix.MustParseDate(tt.date)
		if tt.ok {
			tt.want.Date = d
		}
		got, ok := cal.Holiday(d)
		if ok != tt.ok {
			t.Errorf("Holiday(%s) ok = %v, want %v", tt.date, ok, tt.ok)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Holiday(%s) mismatch (-want +got):\n%s", tt.date, diff)
		}
	}
}

func TestHolidaysWithClosures(t *testing.T) {
	cal, err := New(TAS,
		Closure{Date: phoenix.MustParseDate("2026-12-31"), Name: "Shutdown"},
		Closure{Date: phoenix.MustParseDate("2026-01-26"), Name: "Duplicate of Australia Day"},
		Closure{Date: phoenix.MustParseDate("2027-01-04"), Name: "Next year"},
	)
	if err != nil {
		t.Fatal(err)
	}

	var got []string
	for _, h := range cal.Holidays(2026) {
		got = append(got, h.Date.String()+" "+h.Name+" ("+h.Kind.String()+")")
	}
	want := []string{
		"2026-01-01 New Year's Day (public holiday)",
		"2026-01-26 Australia Day (public holiday)",
		"2026-03-09 Eight Hours Day (public holiday)",
		"2026-04-03 Good Friday (public holiday)",
		"2026-04-06 Easter Monday (public holiday)",
		"2026-04-25 Anzac Day (public holiday)",
		"2026-06-08 King's Birthday (public holiday)",
		"2026-12-25 Christmas Day (public holiday)",
		"2026-12-26 Boxing Day (public holiday)",
		"2026-12-28 Boxing Day (additional day) (public holiday)",
		"2026-12-31 Shutdown (closure)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Holidays(2026) mismatch (-want +got):\n%s", diff)
	}
}

// TestHolidaysCopy checks that a caller cannot change the cached table.
func TestHolidaysCopy(t *testing.T) {
	cal := mustCalendar(t, NSW)
	first := cal.Holidays(2026)
	first[0].Name = "changed"

	if got := cal.Holidays(2026)[0].Name; got != "New Year's Day" {
		t.Errorf("Holidays(2026)[0].Name after a caller's change = %q, want %q",
			got, "New Year's Day")
	}
}

func TestAddBusinessDays(t *testing.T) {
	tests := []struct {
		region Region
		from   string
		n      int
		want   string
	}{
		{NSW, "2026-03-06", 0, "2026-03-06"},
		{NSW, "2026-03-07", 0, "2026-03-07"}, // n == 0 keeps a weekend date
		{NSW, "2026-03-06", 1, "2026-03-09"},
		{NSW, "2026-03-07", 1, "2026-03-09"},
		{NSW, "2026-03-09", -1, "2026-03-06"},
		{NSW, "2026-03-08", -1, "2026-03-06"},
		{VIC, "2026-03-10", -1, "2026-03-06"}, // skips Labour Day backwards
		{NSW, "2026-12-24", 1, "2026-12-29"},
		{NSW, "2026-12-29", -1, "2026-12-24"},
		{NSW, "2026-12-31", 1, "2027-01-04"},
		{NSW, "2027-01-04", -2, "2026-12-30"},
		{QLD, "2022-12-23", 1, "2022-12-28"},
		{WA, "2026-04-24", 1, "2026-04-28"},
	}
	for _, tt := range tests {
		cal := mustCalendar(t, tt.region)
		got := cal.AddBusinessDays(phoenix.MustParseDate(tt.from), tt.n)
		if got.String() != tt.want {
			t.Errorf("%s AddBusinessDays(%s, %d) = %s, want %s",
				tt.region, tt.from, tt.n, got, tt.want)
		}
	}
}

func TestBusinessDaysBetween(t *testing.T) {
	tests := []struct {
		name     string
		region   Region
		from, to string
		want     int
	}{
		{"same day", NSW, "2026-03-10", "2026-03-10", 0},
		{"tomorrow", NSW, "2026-03-10", "2026-03-11", 1},
		{"over weekend", NSW, "2026-03-06", "2026-03-09", 1},
		{"due on saturday", NSW, "2026-03-06", "2026-03-07", 0},
		{"week", NSW, "2026-03-09", "2026-03-16", 5},
		{"holiday skipped", VIC, "2026-03-06", "2026-03-10", 1},
		{"from weekend", NSW, "2026-03-07", "2026-03-09", 1},
		{"overdue one day", NSW, "2026-03-11", "2026-03-10", -1},
		{"overdue over weekend", NSW, "2026-03-09", "2026-03-06", -1},
		{"overdue since saturday", NSW, "2026-03-09", "2026-03-07", 0},
		{"overdue week", NSW, "2026-03-16", "2026-03-09", -5},
		{"overdue over holidays", NSW, "2027-01-04", "2026-12-24", -4},
		{"across year end", NSW, "2026-12-23", "2027-01-06", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal := mustCalendar(t, tt.region)
			from, to := phoenix.MustParseDate(tt.from), phoenix.MustParseDate(tt.to)
			if got := cal.BusinessDaysBetween(from, to); got != tt.want {
				t.Errorf("%s BusinessDaysBetween(%s, %s) = %d, want %d",
					tt.region, tt.from, tt.to, got, tt.want)
			}
		})
	}
}

// TestBusinessDaysBetweenInverse checks that BusinessDaysBetween undoes AddBusinessDays
// from every day of a year-end fortnight, for steps in both directions.
func TestBusinessDaysBetweenInverse(t *testing.T) {
	cal := mustCalendar(t, SA, "2026-12-30")
	start := phoenix.MustParseDate("2026-12-20")
	for i := 0; i < 14; i++ {
		from := start.AddDays(i)
		for n := -25; n <= 25; n++ {
			to := cal.AddBusinessDays(from, n)
			if got := cal.BusinessDaysBetween(from, to); got != n {
				t.Errorf("BusinessDaysBetween(%s, AddBusinessDays(%s, %d) = %s) = %d, want %d",
					from, from, n, to, got, n)
			}
		}
	}
}

// TestConcurrentYears builds years that no other test uses from many goroutines at
// once. Run it with -race to check the cache.
func TestConcurrentYears(t *testing.T) {
	var wg sync.WaitGroup
	results := make([][]Holiday, 16)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cal, err := New(VICMelbourne)
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = cal.Holidays(2041)
			cal.IsBusinessDay(phoenix.MustParseDate("2042-11-04"))
		}()
	}
	wg.Wait()

	for i := 1; i < len(results); i++ {
		if diff := cmp.Diff(results[0], results[i]); diff != "" {
			t.Errorf("Holidays(2041) in goroutine %d differs (-first +got):\n%s", i, diff)
		}
	}
	if len(results[0]) == 0 {
		t.Errorf("Holidays(2041) is empty, want the year's holidays")
	}
}
