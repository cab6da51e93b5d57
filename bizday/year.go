package bizday

import (
	"sync"

	"github.com/phoenix-eap/phoenix"
)

// additionalSuffix marks the weekday that a state adds, or moves a holiday to, when
// the holiday falls on a weekend.
const additionalSuffix = " (additional day)"

// yearTable holds the public holidays of one region in one calendar year. It is never
// changed after it is built, so it is shared between goroutines without locks.
type yearTable struct {
	byDate map[phoenix.Date]Holiday
	sorted []Holiday
}

type yearKey struct {
	region Region
	year   int
}

// yearEntry builds its table once, however many goroutines ask for it at the same time.
type yearEntry struct {
	once  sync.Once
	table *yearTable
}

// yearCache maps yearKey to *yearEntry. It grows by one small table per region and year
// that callers ask for, and is never evicted.
var yearCache sync.Map

// publicHolidays returns the cached table of region r in year.
func publicHolidays(r Region, year int) *yearTable {
	key := yearKey{r, year}
	value, ok := yearCache.Load(key)
	if !ok {
		value, _ = yearCache.LoadOrStore(key, &yearEntry{})
	}

	entry := value.(*yearEntry)
	entry.once.Do(func() { entry.table = buildYear(r, year, corrections) })
	return entry.table
}

// candidate is a holiday found for a date, before the corrections are applied.
type candidate struct {
	Holiday
	additional bool
}

// buildYear applies the region's definitions and then the dated corrections.
func buildYear(r Region, year int, corrections []correction) *yearTable {
	found := make(map[phoenix.Date]candidate)
	for _, def := range definitions[r] {
		// A substitute can cross into the next or previous year, so the neighbouring
		// years' dates are computed and filtered too.
		for y := year - 1; y <= year+1; y++ {
			addDefinition(found, def, y, year)
		}
	}

	for _, c := range corrections {
		if c.date.Year != year || !c.appliesTo(r) {
			continue
		}
		if c.action == actionRemove {
			delete(found, c.date)
			continue
		}
		found[c.date] = candidate{Holiday: Holiday{
			Date: c.date, Name: c.name, Kind: KindPublicHoliday,
			Provisional: c.status == statusExpected,
		}}
	}

	table := &yearTable{byDate: make(map[phoenix.Date]Holiday, len(found))}
	for date, c := range found {
		table.byDate[date] = c.Holiday
		table.sorted = append(table.sorted, c.Holiday)
	}
	sortHolidays(table.sorted)
	return table
}

// addDefinition adds the dates that def gives for ruleYear and that fall in year. The
// library returns times at midnight in time.Local, and only their calendar date is used.
func addDefinition(found map[phoenix.Date]candidate, def definition, ruleYear, year int) {
	actual, observed := def.holiday.Calc(ruleYear)
	if actual.IsZero() {
		return
	}

	provisional := def.confirmedUntil > 0 && ruleYear > def.confirmedUntil
	h := Holiday{Date: phoenix.DateOf(actual), Name: def.holiday.Name,
		Kind: KindPublicHoliday, Provisional: provisional}
	put(found, year, candidate{Holiday: h})

	if day := phoenix.DateOf(observed); day != h.Date {
		h.Date = day
		h.Name += additionalSuffix
		put(found, year, candidate{Holiday: h, additional: true})
	}
}

// put keeps one holiday per date: a holiday on its own date wins over another holiday's
// additional day, and otherwise the first definition wins.
func put(found map[phoenix.Date]candidate, year int, c candidate) {
	if c.Date.Year != year {
		return
	}
	old, exists := found[c.Date]
	if exists && (c.additional || !old.additional) {
		return
	}
	found[c.Date] = c
}
