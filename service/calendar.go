package service

import (
	"context"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// CalendarItem is an appointment as the Calendar View shows it.
type CalendarItem struct {
	Session    phoenix.Session
	CaseRef    string
	ClientName string
	// Local is the start in the calendar's time zone.
	Local time.Time
}

// CalendarDay is one day column of the Calendar View.
type CalendarDay struct {
	Date  phoenix.Date
	Items []CalendarItem
}

// CalendarView is a consultant's day or week.
type CalendarView struct {
	Consultant phoenix.User
	Week       bool
	Days       []CalendarDay
	Prev, Next phoenix.Date
	Today      phoenix.Date
	Location   *time.Location
}

// Calendar returns a consultant's appointments for the day or the week (from Monday)
// that holds the date, in the consultant's time zone. Consultants see only their own
// calendar; intake and administrators may see any consultant's.
func (s *Service) Calendar(ctx context.Context, a Actor, consultantID int64, on phoenix.Date,
	week bool) (CalendarView, error) {
	if consultantID == 0 {
		consultantID = a.User.ID
	}
	if !a.Is(phoenix.RoleIntake, phoenix.RoleAdmin) && consultantID != a.User.ID {
		return CalendarView{}, phoenix.NotFound("Calendar")
	}
	c := s.db.Conn()
	consultant, err := c.User(ctx, consultantID)
	if err != nil || consultant.Role != phoenix.RoleConsultant {
		return CalendarView{}, phoenix.NotFound("Calendar")
	}
	loc := consultant.Location(time.UTC)
	v := CalendarView{Consultant: consultant, Week: week, Location: loc,
		Today: phoenix.DateIn(s.clock.Now(), loc)}
	if on.IsZero() {
		on = v.Today
	}
	first, days := on, 1
	if week {
		first = on.AddDays(-((int(on.Weekday()) + 6) % 7))
		days = 7
	}
	v.Prev, v.Next = first.AddDays(-days), first.AddDays(days)

	sessions, err := c.ConsultantSessions(ctx, consultantID, first.In(loc), v.Next.In(loc))
	if err != nil {
		return CalendarView{}, err
	}
	names, err := s.clientNamesByCase(ctx, c, sessions)
	if err != nil {
		return CalendarView{}, err
	}
	for i := range days {
		v.Days = append(v.Days, CalendarDay{Date: first.AddDays(i)})
	}
	for _, ses := range sessions {
		local := ses.StartsAt.In(loc)
		idx := daysBetween(first, phoenix.DateOf(local))
		if idx < 0 || idx >= days {
			continue
		}
		v.Days[idx].Items = append(v.Days[idx].Items, CalendarItem{Session: ses,
			CaseRef: phoenix.CaseReference(ses.CaseID), ClientName: names[ses.CaseID],
			Local: local})
	}
	return v, nil
}

// clientNamesByCase returns the client's name for each case of the sessions, in two
// queries whatever the number of sessions.
func (s *Service) clientNamesByCase(ctx context.Context, c *store.Conn, sessions []phoenix.Session) (map[int64]string, error) {
	caseIDs := make([]int64, 0, len(sessions))
	seen := map[int64]bool{}
	for _, ses := range sessions {
		if !seen[ses.CaseID] {
			seen[ses.CaseID] = true
			caseIDs = append(caseIDs, ses.CaseID)
		}
	}
	clientOf, err := c.CaseClients(ctx, caseIDs)
	if err != nil {
		return nil, err
	}
	clientIDs := make([]int64, 0, len(clientOf))
	for _, id := range clientOf {
		clientIDs = append(clientIDs, id)
	}
	clients, err := c.ClientsByID(ctx, clientIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(caseIDs))
	for caseID, clientID := range clientOf {
		out[caseID] = clients[clientID].Name()
	}
	return out, nil
}

func daysBetween(a, b phoenix.Date) int {
	return int(b.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
}
