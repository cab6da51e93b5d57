package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// Limits on a session's length, which the appointments table also enforces.
const (
	minSessionLength = 15 * time.Minute
	maxSessionLength = 4 * time.Hour
)

// maxBookingDays is how far ahead a session may be booked: two years, well past any
// contract's 12-month period, and a bound that catches mistyped years.
const maxBookingDays = 730

// BookingInput is the booking form as typed, so that a rejected form can be shown
// again exactly as it was.
type BookingInput struct {
	Date  string `json:"date"`
	Start string `json:"start"`
	End   string `json:"end"`
	Mode  string `json:"mode"`
	// TimeZone defaults to the consultant's.
	TimeZone string `json:"time_zone"`
}

// BookSession books an appointment on a case, for its consultant. The case's consultant
// and intake may book.
func (s *Service) BookSession(ctx context.Context, a Actor, caseID int64, in BookingInput) (int64, error) {
	var id int64
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		k, err := s.loadCase(ctx, c, a, caseID)
		if err != nil {
			return err
		}
		if !canActOnCase(a, k) {
			return forbidden()
		}
		// The locked row is the one the allowance check reads.
		if k, err = c.LockCase(ctx, k.ID); err != nil {
			return err
		}
		if k.ConsultantID == 0 {
			return phoenix.Errorf(phoenix.EINVALID,
				"Select a consultant for %s before booking a session.", k.Reference())
		}
		// Bookings of one consultant run one at a time, whatever the case, so that two
		// cannot both pass the overlap check.
		consultant, err := c.LockUser(ctx, k.ConsultantID)
		if err != nil {
			return err
		}
		ses, err := s.parseBooking(in, consultant)
		if err != nil {
			return err
		}
		ses.CaseID, ses.ConsultantID = k.ID, consultant.ID
		if err := s.checkBookable(ctx, c, k, ses); err != nil {
			return err
		}
		if id, err = c.CreateSession(ctx, ses, k.ClientID); err != nil {
			return err
		}
		_, err = c.CreateTask(ctx, phoenix.Task{CaseID: k.ID,
			Kind: phoenix.TaskWaitingForCompletion, AssigneeID: consultant.ID, SessionID: id,
			Open: true, CreatedAt: ses.UpdatedAt})
		if err != nil {
			return err
		}
		return s.audit(ctx, c, a, "book", "session", id, k.ClientID, k.ID, "")
	})
	return id, err
}

// parseBooking checks each field of the form and returns the session it describes.
func (s *Service) parseBooking(in BookingInput, consultant phoenix.User) (phoenix.Session, error) {
	var v Validation
	zone := strings.TrimSpace(in.TimeZone)
	if zone == "" {
		zone = consultant.TimeZone
	}
	loc := time.UTC
	if msg := checkTimeZone(zone); msg != "" {
		v.Add("time_zone", msg)
	} else {
		loc, _ = time.LoadLocation(zone)
	}
	day, err := phoenix.ParseDate(strings.TrimSpace(in.Date))
	if err != nil {
		v.Add("date", "Date must be a real calendar date in the form YYYY-MM-DD; "+
			strconv.Quote(in.Date)+" is not.")
	}
	startMin, ok := parseClock(in.Start)
	if !ok {
		v.Add("start", "Start must be a time of day from 00:00 to 23:59, such as 09:30.")
	}
	endMin, ok := parseClock(in.End)
	if !ok {
		v.Add("end", "End must be a time of day from 00:00 to 23:59, such as 10:20.")
	}
	mode := phoenix.SessionMode(in.Mode)
	if !validMode(mode) {
		v.Add("mode", "Mode must be in person, phone or video.")
	}
	if !v.Has("start") && !v.Has("end") && endMin <= startMin {
		v.Add("end", "End must be after the start.")
	}
	if err := v.Err(); err != nil {
		return phoenix.Session{}, err
	}
	start, err := localInstant(day, startMin, loc)
	if err != nil {
		v.Add("start", err.Error())
	}
	end, err := localInstant(day, endMin, loc)
	if err != nil {
		v.Add("end", err.Error())
	}
	// The length is measured between the instants, so a session across a daylight
	// saving change is judged by the time it really lasts.
	if d := end.Sub(start); err == nil && !v.Has("start") &&
		(d < minSessionLength || d > maxSessionLength) {
		v.Add("end", "A session lasts from 15 minutes to 4 hours.")
	}
	if err := v.Err(); err != nil {
		return phoenix.Session{}, err
	}
	now := s.clock.Now()
	switch {
	case !start.After(now):
		v.Add("start", "Start must be in the future: Phoenix books sessions ahead of time.")
	case start.After(now.AddDate(0, 0, maxBookingDays)):
		v.Add("date", fmt.Sprintf("Sessions can be booked up to %d days ahead.", maxBookingDays))
	}
	if err := v.Err(); err != nil {
		return phoenix.Session{}, err
	}
	return phoenix.Session{StartsAt: start, Minutes: int(end.Sub(start) / time.Minute),
		TimeZone: loc.String(), Mode: mode, Status: phoenix.SessionScheduled, UpdatedAt: now}, nil
}

// checkBookable rejects a booking that would go beyond the case's allowance, with a
// message that names an open extra sessions request when there is one, and a booking
// that overlaps another of the consultant's sessions.
func (s *Service) checkBookable(ctx context.Context, c *store.Conn, k phoenix.Case, ses phoenix.Session) error {
	existing, err := c.CaseSessions(ctx, k.ID)
	if err != nil {
		return err
	}
	used := 0
	for _, e := range existing {
		if e.Status == phoenix.SessionScheduled || e.Status.UsesSession() {
			used++
		}
	}
	if used >= k.Allowance {
		open, ok, err := c.OpenRequest(ctx, k.ID)
		if err != nil {
			return err
		}
		if ok {
			return &phoenix.Error{Code: phoenix.ECONFLICT, Link: fmt.Sprintf("/requests/%d", open.ID),
				Message: fmt.Sprintf("%s has no remaining sessions and extra sessions request %s "+
					"is awaiting its outcome. Book once the outcome arrives.", k.Reference(),
					open.Reference())}
		}
		return phoenix.Errorf(phoenix.ECONFLICT, "%s has used all %d sessions of its allowance. "+
			"Request extra sessions before booking another.", k.Reference(), k.Allowance)
	}
	return s.checkOverlap(ctx, c, ses)
}

func (s *Service) checkOverlap(ctx context.Context, c *store.Conn, ses phoenix.Session) error {
	day, err := c.ConsultantSessions(ctx, ses.ConsultantID, ses.StartsAt.Add(-4*time.Hour),
		ses.EndsAt())
	if err != nil {
		return err
	}
	for _, o := range day {
		if o.Status == phoenix.SessionScheduled && o.StartsAt.Before(ses.EndsAt()) &&
			ses.StartsAt.Before(o.EndsAt()) {
			return &phoenix.Error{Code: phoenix.ECONFLICT,
				Message: "The consultant already has a session at that time.",
				Fields: map[string]string{"start": "The consultant already has a session " +
					"that overlaps this time."}}
		}
	}
	return nil
}

// parseClock reads "HH:MM" as minutes after midnight.
func parseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// localInstant returns the instant of a wall-clock time on a date in loc, and rejects
// a time that daylight saving skips or repeats, since either would be a guess.
func localInstant(day phoenix.Date, minutes int, loc *time.Location) (time.Time, error) {
	h, m := minutes/60, minutes%60
	t := time.Date(day.Year, day.Month, day.Day, h, m, 0, 0, loc)
	if t.Hour() != h || t.Minute() != m || phoenix.DateOf(t) != day {
		return time.Time{}, fmt.Errorf("%02d:%02d does not exist on %s in %s: daylight saving "+
			"skips it. Choose another time.", h, m, day, loc)
	}
	for _, shift := range []time.Duration{-time.Hour, time.Hour} {
		o := t.Add(shift)
		if o.Hour() == h && o.Minute() == m && phoenix.DateOf(o) == day {
			return time.Time{}, fmt.Errorf("%02d:%02d happens twice on %s in %s because "+
				"daylight saving ends. Choose another time.", h, m, day, loc)
		}
	}
	return t, nil
}

func validMode(m phoenix.SessionMode) bool {
	for _, v := range phoenix.SessionModes {
		if v == m {
			return true
		}
	}
	return false
}

// Validation is phoenix.Validation, named here for brevity.
type Validation = phoenix.Validation
