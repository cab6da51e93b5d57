package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/bizday"
	"github.com/phoenix-eap/phoenix/store"
)

// Limits of the closure day form.
const (
	MaxClosureNameLength = 100
	// closureMonthsAhead is how far ahead a closure day may be. A later date is more
	// likely a mistyped year than a plan.
	closureMonthsAhead = 24
)

// ClosureInput is the form that adds a closure day, as text the way forms send it.
type ClosureInput struct {
	// OrganisationID is blank for a closure of the whole provider.
	OrganisationID string `json:"organisation_id"`
	Date           string `json:"date"`
	Name           string `json:"name"`
}

// ClosureItem is a closure day as the closure days page lists it.
type ClosureItem struct {
	store.Closure
	// Organisation is the organisation's name, or "" for the whole provider.
	Organisation string
	// Past is set once the day is over in every time zone it applies to. A past
	// closure day is kept as the record of the due dates it moved.
	Past bool
}

// ClosuresView is the closure days page.
type ClosuresView struct {
	Upcoming []ClosureItem
	// Past lists the closure days that are over, latest first.
	Past []ClosureItem
	// Organisations are the form's choices besides the whole provider.
	Organisations []phoenix.Organisation
	// Today is the earliest date a new closure day may have.
	Today phoenix.Date
}

// Closures returns the closure days page for administrators.
func (s *Service) Closures(ctx context.Context, a Actor) (ClosuresView, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return ClosuresView{}, forbidden()
	}
	c := s.db.Conn()
	orgs, err := c.Organisations(ctx)
	if err != nil {
		return ClosuresView{}, err
	}
	closures, err := c.Closures(ctx, -1)
	if err != nil {
		return ClosuresView{}, err
	}
	now := s.clock.Now()
	v := ClosuresView{Organisations: orgs, Today: closureToday(now, 0, orgs)}
	for _, k := range closures {
		item := closureItem(k, now, orgs)
		if item.Past {
			v.Past = append([]ClosureItem{item}, v.Past...)
		} else {
			v.Upcoming = append(v.Upcoming, item)
		}
	}
	return v, nil
}

func closureItem(k store.Closure, now time.Time, orgs []phoenix.Organisation) ClosureItem {
	item := ClosureItem{Closure: k, Past: k.Day.Before(closureToday(now, k.OrganisationID, orgs))}
	if o, ok := findOrganisation(orgs, k.OrganisationID); ok {
		item.Organisation = o.Name
	}
	return item
}

// AddClosure adds a closure day for the whole provider or for one organisation, for
// administrators. Due dates already given to requests do not move, because the
// reviewers' email and the status page showed them when the request reached the
// organisation.
func (s *Service) AddClosure(ctx context.Context, a Actor, in ClosureInput) (ClosureItem, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return ClosureItem{}, forbidden()
	}
	var v Validation
	k := parseClosure(in, &v)
	var out ClosureItem
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		orgs, err := c.Organisations(ctx)
		if err != nil {
			return err
		}
		org, found := findOrganisation(orgs, k.OrganisationID)
		if k.OrganisationID != 0 && !found {
			v.Add("organisation_id", "Organisation not found: choose one from the list, "+
				"or leave it blank for the whole provider.")
		}
		if !v.Has("date") && !v.Has("organisation_id") {
			if err := s.checkClosureDate(ctx, c, k, orgs, &v); err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}

		now := s.clock.Now()
		if k.ID, err = c.AddClosure(ctx, k, now); err != nil {
			return err
		}
		out = closureItem(k, now, orgs)
		return s.audit(ctx, c, a, "add", "closure", k.ID, 0, 0,
			closureDetail(k, org, found))
	})
	return out, err
}

// parseClosure reads the form's fields, adding a message for each one rejected.
func parseClosure(in ClosureInput, v *Validation) store.Closure {
	var k store.Closure
	k.Name = strings.TrimSpace(in.Name)
	switch n := utf8.RuneCountInString(k.Name); {
	case n == 0:
		v.Add("name", "Name is required, such as \"Office closed for the holidays\".")
	case n > MaxClosureNameLength:
		v.Add("name", fmt.Sprintf("Name must be at most %d characters; it has %d.",
			MaxClosureNameLength, n))
	}

	date := strings.TrimSpace(in.Date)
	day, err := phoenix.ParseDate(date)
	switch {
	case date == "":
		v.Add("date", "Date is required, in the form YYYY-MM-DD.")
	case err != nil:
		v.Add("date", fmt.Sprintf("Date %q is not a real date in the form YYYY-MM-DD.", date))
	}
	k.Day = day

	if id := strings.TrimSpace(in.OrganisationID); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			v.Add("organisation_id", "Organisation must be chosen from the list, or left "+
				"blank for the whole provider.")
		}
		k.OrganisationID = n
	}
	return k
}

// checkClosureDate rejects a date on which a closure would change nothing: a day that
// is over, a day on which none of the organisations concerned does business, or a
// day that is already closed. It also rejects a date too far ahead.
func (s *Service) checkClosureDate(ctx context.Context, c *store.Conn, k store.Closure,
	orgs []phoenix.Organisation, v *Validation) error {
	today := closureToday(s.clock.Now(), k.OrganisationID, orgs)
	latest := today.AddMonthsClamped(closureMonthsAhead)
	switch {
	case k.Day.Before(today):
		v.Add("date", fmt.Sprintf("%s is in the past. A closure day only moves due dates "+
			"still to come, so choose today, %s, or a later date.", longDate(k.Day),
			longDate(today)))
		return nil
	case k.Day.After(latest):
		v.Add("date", fmt.Sprintf("Date must be at most two years ahead, on or before %s.",
			longDate(latest)))
		return nil
	}

	concerned := orgs
	if k.OrganisationID != 0 {
		o, _ := findOrganisation(orgs, k.OrganisationID)
		concerned = []phoenix.Organisation{o}
	}
	reason, err := notBusinessDay(k.Day, concerned)
	if err != nil {
		return err
	}
	if reason != "" {
		v.Add("date", reason+" A closure day on it changes nothing.")
		return nil
	}

	existing, err := c.Closures(ctx, k.OrganisationID)
	if err != nil {
		return err
	}
	for _, e := range existing {
		if e.Day != k.Day {
			continue
		}
		scope := "the whole provider"
		if o, ok := findOrganisation(orgs, e.OrganisationID); ok {
			scope = o.Name
		}
		v.Add("date", fmt.Sprintf("%s is already a closure day for %s: %s.",
			longDate(k.Day), scope, e.Name))
	}
	return nil
}

// notBusinessDay returns why d is a business day for none of orgs, or "" when it is
// one for at least one of them. With no organisations only weekends count.
func notBusinessDay(d phoenix.Date, orgs []phoenix.Organisation) (string, error) {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return fmt.Sprintf("%s is a %s, which is never a business day.", longDate(d), wd), nil
	}
	var holiday bizday.Holiday
	for _, o := range orgs {
		region, err := bizday.ParseRegion(o.Region)
		if err != nil {
			return "", err
		}
		cal, err := bizday.New(region)
		if err != nil {
			return "", err
		}
		h, ok := cal.Holiday(d)
		if !ok {
			return "", nil
		}
		holiday = h
	}
	switch {
	case len(orgs) == 1:
		return fmt.Sprintf("%s is a public holiday for %s: %s.", longDate(d), orgs[0].Name,
			holiday.Name), nil
	case len(orgs) > 1:
		return fmt.Sprintf("%s is a public holiday for every organisation.", longDate(d)), nil
	}
	return "", nil
}

// DeleteClosure deletes a closure day that is not over yet, for administrators. Due
// dates already given to requests do not move.
func (s *Service) DeleteClosure(ctx context.Context, a Actor, id int64) error {
	if !a.Is(phoenix.RoleAdmin) {
		return forbidden()
	}
	return s.db.InTx(ctx, func(c *store.Conn) error {
		closures, err := c.Closures(ctx, -1)
		if err != nil {
			return err
		}
		i := indexClosure(closures, id)
		if i < 0 {
			return phoenix.NotFound("Closure day")
		}
		k := closures[i]
		orgs, err := c.Organisations(ctx)
		if err != nil {
			return err
		}
		if k.Day.Before(closureToday(s.clock.Now(), k.OrganisationID, orgs)) {
			return phoenix.Errorf(phoenix.ECONFLICT, "The closure day on %s is over, so it "+
				"stays as the record of the due dates it moved.", longDate(k.Day))
		}
		if err := c.DeleteClosure(ctx, id); err != nil {
			return err
		}
		org, found := findOrganisation(orgs, k.OrganisationID)
		return s.audit(ctx, c, a, "delete", "closure", id, 0, 0, closureDetail(k, org, found))
	})
}

func indexClosure(closures []store.Closure, id int64) int {
	for i, k := range closures {
		if k.ID == id {
			return i
		}
	}
	return -1
}

// closureToday returns the first date on which a closure day still matters: today in
// the organisation's zone or, for the whole provider, the earliest today of any
// organisation, since a provider closure applies in each organisation's own zone.
func closureToday(now time.Time, orgID int64, orgs []phoenix.Organisation) phoenix.Date {
	if o, ok := findOrganisation(orgs, orgID); ok {
		return phoenix.DateIn(now, o.Location())
	}
	today := phoenix.DateIn(now, time.UTC)
	for i, o := range orgs {
		d := phoenix.DateIn(now, o.Location())
		if i == 0 || d.Before(today) {
			today = d
		}
	}
	return today
}

func findOrganisation(orgs []phoenix.Organisation, id int64) (phoenix.Organisation, bool) {
	for _, o := range orgs {
		if o.ID == id && id != 0 {
			return o, true
		}
	}
	return phoenix.Organisation{}, false
}

func closureDetail(k store.Closure, org phoenix.Organisation, found bool) string {
	scope := "the whole provider"
	if found {
		scope = fmt.Sprintf("%s (organisation %d)", org.Name, org.ID)
	}
	return fmt.Sprintf("%s %q for %s", k.Day, k.Name, scope)
}

func longDate(d phoenix.Date) string {
	return d.In(time.UTC).Format("Monday 2 January 2006")
}
