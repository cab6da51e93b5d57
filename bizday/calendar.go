package bizday

import (
	"slices"
	"time"

	"github.com/phoenix-eap/phoenix"
)

// Kind is the reason a date is not a business day: a public holiday or a closure.
type Kind int

// Kinds of non-business days. The zero Kind is invalid.
const (
	KindPublicHoliday Kind = iota + 1
	KindClosure
)

// String returns the kind in words for holiday lists.
func (k Kind) String() string {
	switch k {
	case KindPublicHoliday:
		return "public holiday"
	case KindClosure:
		return "closure"
	}
	return "unknown"
}

// Holiday is a public holiday or closure day, which is never a business day.
type Holiday struct {
	Date phoenix.Date
	Name string
	Kind Kind

	// Provisional is true when the government has not yet set the date, such as the
	// Friday before an AFL Grand Final whose date the AFL has not fixed. The date is
	// still skipped as a holiday.
	Provisional bool
}

// Closure is a day on which the provider, or one organisation, does not work.
// Administrators add closures, and the caller loads them and passes them to New.
type Closure struct {
	Date phoenix.Date
	Name string // shown in holiday lists, or "Closure day" when empty
}

const defaultClosureName = "Closure day"

// Calendar counts business days for one holiday region plus its closure days. It is
// safe for concurrent use.
type Calendar struct {
	region   Region
	closures map[phoenix.Date]Holiday
}

// New returns the calendar of region r with the given closure days. It returns an
// EINVALID error for an unknown region or a closure without a date.
func New(r Region, closures ...Closure) (*Calendar, error) {
	if _, ok := r.Info(); !ok {
		return nil, unknownRegion(r)
	}

	c := &Calendar{region: r, closures: make(map[phoenix.Date]Holiday, len(closures))}
	for _, closure := range closures {
		if closure.Date.IsZero() {
			return nil, phoenix.Errorf(phoenix.EINVALID,
				"Missing date of closure day %q: give every closure day a date.", closure.Name)
		}
		name := closure.Name
		if name == "" {
			name = defaultClosureName
		}
		c.closures[closure.Date] = Holiday{Date: closure.Date, Name: name, Kind: KindClosure}
	}
	return c, nil
}

// Region returns the holiday region of c.
func (c *Calendar) Region() Region { return c.region }

// IsBusinessDay reports whether d is a weekday that is neither a public holiday nor a
// closure day.
func (c *Calendar) IsBusinessDay(d phoenix.Date) bool {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	_, holiday := c.Holiday(d)
	return !holiday
}

// Holiday returns the public holiday or closure on d. A public holiday wins when a
// closure falls on the same day. Weekends are not holidays unless a holiday falls on
// them.
func (c *Calendar) Holiday(d phoenix.Date) (Holiday, bool) {
	if h, ok := publicHolidays(c.region, d.Year).byDate[d]; ok {
		return h, true
	}
	h, ok := c.closures[d]
	return h, ok
}

// Holidays returns the public holidays and closure days of year, sorted by date, with
// one entry per date. Weekend dates are included, such as Anzac Day on a Saturday.
// The caller owns the returned slice.
func (c *Calendar) Holidays(year int) []Holiday {
	public := publicHolidays(c.region, year)
	list := make([]Holiday, 0, len(public.sorted)+len(c.closures))
	list = append(list, public.sorted...)
	for date, closure := range c.closures {
		if _, isPublic := public.byDate[date]; date.Year == year && !isPublic {
			list = append(list, closure)
		}
	}
	sortHolidays(list)
	return list
}

func sortHolidays(list []Holiday) {
	slices.SortFunc(list, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
}

// AddBusinessDays returns the nth business day after from, or the |n|th business day
// before from when n is negative. from itself is never counted, so from may be a weekend
// or holiday. n == 0 returns from unchanged.
func (c *Calendar) AddBusinessDays(from phoenix.Date, n int) phoenix.Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}

	d := from
	for n > 0 {
		d = d.AddDays(step)
		if c.IsBusinessDay(d) {
			n--
		}
	}
	return d
}

// BusinessDaysBetween returns the business days left from from until to, for a
// dashboard. When to is after from, it counts the business days d with from < d <= to.
// When to is before from, it returns minus the count of business days d with
// to <= d < from, so an overdue date gives a negative number. With today as from, a
// due date of today gives 0, and of the previous business day -1. For any n,
// BusinessDaysBetween(from, AddBusinessDays(from, n)) == n.
func (c *Calendar) BusinessDaysBetween(from, to phoenix.Date) int {
	if to.Before(from) {
		return -c.countBusinessDays(to, from)
	}
	return c.countBusinessDays(from.AddDays(1), to.AddDays(1))
}

// countBusinessDays counts the business days d with start <= d < end.
func (c *Calendar) countBusinessDays(start, end phoenix.Date) int {
	count := 0
	for d := start; d.Before(end); d = d.AddDays(1) {
		if c.IsBusinessDay(d) {
			count++
		}
	}
	return count
}
