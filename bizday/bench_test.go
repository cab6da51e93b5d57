package bizday

import (
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
)

// BenchmarkDue measures one due-date computation as a list page makes it, with the
// year's holidays already cached.
func BenchmarkDue(b *testing.B) {
	loc := mustLocation(b, VICMelbourne)
	cal := mustCalendar(b, VICMelbourne, "2026-12-29", "2026-12-30")
	received := time.Date(2026, time.December, 21, 9, 0, 0, 0, loc)

	b.ReportAllocs()
	for b.Loop() {
		if _, err := Due(received, loc, cal, DefaultGoalDays, DefaultDeadlineDays); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHolidays measures the cached list of a year's holidays, merged with closures.
func BenchmarkHolidays(b *testing.B) {
	cal := mustCalendar(b, NSW, "2026-12-29", "2026-12-30")

	b.ReportAllocs()
	for b.Loop() {
		if len(cal.Holidays(2026)) == 0 {
			b.Fatal("no holidays")
		}
	}
}

// BenchmarkBuildYear measures the uncached computation that Holidays does once per
// region and year.
func BenchmarkBuildYear(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		buildYear(VICMelbourne, 2026, corrections)
	}
}

// BenchmarkBusinessDaysBetween measures a dashboard's days-left count over a month.
func BenchmarkBusinessDaysBetween(b *testing.B) {
	cal := mustCalendar(b, NSW)
	from := phoenix.MustParseDate("2026-12-01")
	to := phoenix.MustParseDate("2026-12-31")

	b.ReportAllocs()
	for b.Loop() {
		cal.BusinessDaysBetween(from, to)
	}
}
