package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
)

// TestPeriodCounts reads a client's sessions and grants on two cases and counts the
// period as the service does, so both databases must return the same rows.
func TestPeriodCounts(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		second := w.addCase(t, w.client, w.consultant2.ID)
		other := w.addCase(t, w.addClient(t, "Olive", "Other"), w.consultant.ID)

		book := func(k phoenix.Case, local time.Time, status phoenix.SessionStatus) {
			s := phoenix.Session{CaseID: k.ID, ConsultantID: k.ConsultantID, StartsAt: local,
				Minutes: 50, TimeZone: "Australia/Melbourne", Mode: phoenix.ModeVideo,
				Status: status, UpdatedAt: t0}
			newID(t)(c.CreateSession(ctx, s, k.ClientID))
		}
		at := func(day string, hour, minute int) time.Time {
			d := phoenix.MustParseDate(day)
			return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, melbourne)
		}
		// 00:30 on 12 April in Melbourne is still 11 April in UTC: the period starts on
		// the local date.
		book(w.kase, at("2026-04-12", 0, 30), phoenix.SessionCompleted)
		book(w.kase, at("2026-05-01", 9, 0), phoenix.SessionLateCancellation)
		book(w.kase, at("2026-06-01", 9, 0), phoenix.SessionDidNotAttend)
		book(w.kase, at("2026-07-01", 9, 0), phoenix.SessionCancelled)
		book(second, at("2026-08-01", 23, 30), phoenix.SessionCompleted)
		book(w.kase, at("2026-11-05", 9, 0), phoenix.SessionScheduled)
		book(other, at("2026-09-01", 9, 0), phoenix.SessionCompleted)
		testenv.Must(t, c.AddGrant(ctx, second.ID, w.client.ID, phoenix.MustParseDate("2026-08-01"), 2, 0))

		sessions, err := c.ClientSessions(ctx, w.client.ID)
		testenv.Must(t, err)
		grants, err := c.Grants(ctx, w.client.ID)
		testenv.Must(t, err)
		counted := make([]phoenix.CountedSession, len(sessions))
		for i, s := range sessions {
			counted[i] = phoenix.CountedSession{Date: phoenix.DateIn(s.StartsAt, melbourne),
				Status: s.Status}
		}
		got := phoenix.CountSessions(counted, grants, phoenix.MustParseDate("2026-10-29"), 2)

		// Grants of 6, 6 and 2 sessions; four sessions used and one booked.
		want := phoenix.Counts{Period: phoenix.Period{Start: phoenix.MustParseDate("2026-04-12"),
			End: phoenix.MustParseDate("2027-04-12")}, Completed: 4, Upcoming: 1,
			Remaining: 14 - 4 - 1, Requested: 2}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("counts on 2026-10-29 (-want +got):\n%s", diff)
		}
	})
}
