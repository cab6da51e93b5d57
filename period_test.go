package phoenix

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var isoDate = MustParseDate

func completedOn(date string) CountedSession {
	return CountedSession{Date: isoDate(date), Status: SessionCompleted}
}

func scheduledOn(date string) CountedSession {
	return CountedSession{Date: isoDate(date), Status: SessionScheduled}
}

func sessionOn(date string, status SessionStatus) CountedSession {
	return CountedSession{Date: isoDate(date), Status: status}
}

func grantOn(date string, sessions int) Grant {
	return Grant{Date: isoDate(date), Sessions: sessions}
}

func periodOf(start, end string) Period {
	return Period{Start: isoDate(start), End: isoDate(end)}
}

func TestPeriodFor(t *testing.T) {
	tests := []struct {
		name     string
		sessions []CountedSession
		on       string
		want     Period
	}{
		{
			// 29 Feb 2028 + 12 months: February 2029 has 28 days, so the end clamps
			// to 28 Feb 2029, which already belongs to the next period.
			name:     "leap day start",
			sessions: []CountedSession{completedOn("2028-02-29")},
			on:       "2028-06-01",
			want:     periodOf("2028-02-29", "2029-02-28"),
		},
		{
			// 27 Feb 2029 is the last day of the period that began on 29 Feb 2028.
			name:     "leap day start, last day",
			sessions: []CountedSession{completedOn("2028-02-29"), completedOn("2029-02-27")},
			on:       "2029-02-27",
			want:     periodOf("2028-02-29", "2029-02-28"),
		},
		{
			// A session on the clamped end date begins the next period:
			// 28 Feb 2029 + 12 months = 28 Feb 2030.
			name:     "leap day start, session on end",
			sessions: []CountedSession{completedOn("2028-02-29"), completedOn("2029-02-28")},
			on:       "2029-03-10",
			want:     periodOf("2029-02-28", "2030-02-28"),
		},
		{
			// 31 Mar 2026 + 12 months = 31 Mar 2027: the same month a year later
			// always has a 31st, so only 29 February ever clamps.
			name:     "start on the 31st",
			sessions: []CountedSession{completedOn("2026-03-31")},
			on:       "2027-03-30",
			want:     periodOf("2026-03-31", "2027-03-31"),
		},
		{
			// 31 Dec 2026 + 12 months = 31 Dec 2027, across the turn of the year.
			name:     "start on 31 December",
			sessions: []CountedSession{completedOn("2026-12-31")},
			on:       "2027-01-01",
			want:     periodOf("2026-12-31", "2027-12-31"),
		},
		{
			// First period 10 Mar 2025 to 10 Mar 2026. 9 Mar 2026 is inside it.
			name:     "session just before end",
			sessions: []CountedSession{completedOn("2025-03-10"), completedOn("2026-03-09")},
			on:       "2026-03-09",
			want:     periodOf("2025-03-10", "2026-03-10"),
		},
		{
			// 10 Mar 2026 is the end of the first period, so that session begins the
			// second: 10 Mar 2026 to 10 Mar 2027.
			name:     "session on end",
			sessions: []CountedSession{completedOn("2025-03-10"), completedOn("2026-03-10")},
			on:       "2026-03-10",
			want:     periodOf("2026-03-10", "2027-03-10"),
		},
		{
			// 11 Mar 2026 is after the first period's end: it begins the second period
			// on its own date, 11 Mar 2026 to 11 Mar 2027.
			name:     "session just after end",
			sessions: []CountedSession{completedOn("2025-03-10"), completedOn("2026-03-11")},
			on:       "2026-04-01",
			want:     periodOf("2026-03-11", "2027-03-11"),
		},
		{
			// First period 10 Mar 2025 to 10 Mar 2026. Nothing until 20 May 2026,
			// which begins the second period (20 May 2026 to 20 May 2027). The gap
			// from 10 Mar to 19 May 2026 belongs to no period.
			name: "second period after gap",
			sessions: []CountedSession{
				completedOn("2025-03-10"), completedOn("2025-09-01"), completedOn("2026-05-20"),
			},
			on:   "2026-06-01",
			want: periodOf("2026-05-20", "2027-05-20"),
		},
		{
			// The period 10 Mar 2025 to 10 Mar 2026 ended and no session has begun a
			// new one, so the date of request does: 1 Apr 2026 to 1 Apr 2027.
			name:     "request in gap",
			sessions: []CountedSession{completedOn("2025-03-10")},
			on:       "2026-04-01",
			want:     periodOf("2026-04-01", "2027-04-01"),
		},
		{
			// A session booked after the date of request in a gap falls in the period
			// that the request begins: 1 Apr 2026 to 1 Apr 2027.
			name:     "request in gap, later booking",
			sessions: []CountedSession{completedOn("2025-03-10"), scheduledOn("2026-04-15")},
			on:       "2026-04-01",
			want:     periodOf("2026-04-01", "2027-04-01"),
		},
		{
			name: "no sessions",
			on:   "2026-07-15",
			want: periodOf("2026-07-15", "2027-07-15"),
		},
		{
			// Only a future booking: the request date comes first, so it begins the
			// period, 20 Jul 2026 to 20 Jul 2027, and the booking falls inside it.
			name:     "only future booking",
			sessions: []CountedSession{scheduledOn("2026-08-01")},
			on:       "2026-07-20",
			want:     periodOf("2026-07-20", "2027-07-20"),
		},
		{
			// The booking on 5 Jan was cancelled with notice, so the period begins at
			// the next session that was not: 12 Jan 2026 to 12 Jan 2027.
			name: "first booking cancelled",
			sessions: []CountedSession{
				sessionOn("2026-01-05", SessionCancelled), completedOn("2026-01-12"),
			},
			on:   "2026-02-01",
			want: periodOf("2026-01-12", "2027-01-12"),
		},
		{
			// A cancellation with notice on or after the end does not begin a period,
			// so the request on 20 Mar 2026, after the end, begins one.
			name: "cancellation after end",
			sessions: []CountedSession{
				completedOn("2025-03-10"), sessionOn("2026-03-12", SessionCancelled),
			},
			on:   "2026-03-20",
			want: periodOf("2026-03-20", "2027-03-20"),
		},
		{
			name:     "late cancellation starts",
			sessions: []CountedSession{sessionOn("2026-02-02", SessionLateCancellation)},
			on:       "2026-02-10",
			want:     periodOf("2026-02-02", "2027-02-02"),
		},
		{
			name:     "did not attend starts",
			sessions: []CountedSession{sessionOn("2026-02-02", SessionDidNotAttend)},
			on:       "2026-02-10",
			want:     periodOf("2026-02-02", "2027-02-02"),
		},
		{
			// A scheduled session in the past, not yet marked completed, also begins a
			// period: 2 Feb 2026 to 2 Feb 2027.
			name:     "past scheduled starts",
			sessions: []CountedSession{scheduledOn("2026-02-02")},
			on:       "2026-02-10",
			want:     periodOf("2026-02-02", "2027-02-02"),
		},
		{
			// Periods chain from the first session, not back from the date of request:
			// 10 Jan 2024 to 10 Jan 2025 (9 Jan 2025 inside), then 10 Jan 2025 to
			// 10 Jan 2026, which contains 31 Dec 2025.
			name: "chain of periods, unsorted",
			sessions: []CountedSession{
				completedOn("2025-06-01"), completedOn("2025-01-10"),
				completedOn("2024-01-10"), completedOn("2025-01-09"),
			},
			on:   "2025-12-31",
			want: periodOf("2025-01-10", "2026-01-10"),
		},
		{
			name:     "session on request date",
			sessions: []CountedSession{scheduledOn("2026-05-04")},
			on:       "2026-05-04",
			want:     periodOf("2026-05-04", "2027-05-04"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PeriodFor(tt.sessions, isoDate(tt.on))
			if got != tt.want {
				t.Errorf("PeriodFor(%v, %s) = %v, want %v", tt.sessions, tt.on, got, tt.want)
			}
		})
	}
}

func TestPeriodContains(t *testing.T) {
	p := periodOf("2028-02-29", "2029-02-28")
	tests := []struct {
		date string
		want bool
	}{
		{"2028-02-28", false},
		{"2028-02-29", true},
		{"2029-02-27", true},
		{"2029-02-28", false},
	}
	for _, tt := range tests {
		if got := p.Contains(isoDate(tt.date)); got != tt.want {
			t.Errorf("%v.Contains(%s) = %t, want %t", p, tt.date, got, tt.want)
		}
	}
	if got, want := p.LastDay(), isoDate("2029-02-27"); got != want {
		t.Errorf("%v.LastDay() = %s, want %s", p, got, want)
	}
}

func TestCountSessions(t *testing.T) {
	tests := []struct {
		name      string
		sessions  []CountedSession
		grants    []Grant
		on        string
		requested int
		want      Counts
	}{
		{
			// Period 12 Jan 2026 to 12 Jan 2027 (5 Jan was cancelled with notice).
			// Completed: 12 Jan completed, 2 Feb late cancellation, 9 Feb did not
			// attend = 3. The cancellation on 16 Feb is not counted. Upcoming: 2 Mar
			// (past, not yet marked), 20 Mar (the date of request), 1 Apr = 3.
			// Granted: 6 on 10 Jan (before the period) + 2 on 1 Mar = 8;
			// remaining 8 - 3 - 3 = 2.
			name: "every status",
			sessions: []CountedSession{
				sessionOn("2026-01-05", SessionCancelled),
				completedOn("2026-01-12"),
				sessionOn("2026-02-02", SessionLateCancellation),
				sessionOn("2026-02-09", SessionDidNotAttend),
				sessionOn("2026-02-16", SessionCancelled),
				scheduledOn("2026-03-02"),
				scheduledOn("2026-03-20"),
				scheduledOn("2026-04-01"),
			},
			grants:    []Grant{grantOn("2026-01-10", 6), grantOn("2026-03-01", 2)},
			on:        "2026-03-20",
			requested: 2,
			want: Counts{
				Period:    periodOf("2026-01-12", "2027-01-12"),
				Completed: 3, Upcoming: 3, Remaining: 2, Requested: 2,
			},
		},
		{
			// Granted 4, completed 5, upcoming 1: 4 - 5 - 1 = -2, shown as 0.
			name: "remaining never negative",
			sessions: []CountedSession{
				completedOn("2026-01-05"), completedOn("2026-01-12"), completedOn("2026-01-19"),
				completedOn("2026-01-26"), completedOn("2026-02-02"), scheduledOn("2026-02-09"),
			},
			grants:    []Grant{grantOn("2026-01-01", 4)},
			on:        "2026-02-03",
			requested: 4,
			want: Counts{
				Period:    periodOf("2026-01-05", "2027-01-05"),
				Completed: 5, Upcoming: 1, Remaining: 0, Requested: 4,
			},
		},
		{
			// No sessions: the period begins on 15 Jul 2026. The case opened on
			// 1 Jul with 6 sessions, before the period, so they count: remaining 6.
			name:      "no sessions, grant before",
			grants:    []Grant{grantOn("2026-07-01", 6)},
			on:        "2026-07-15",
			requested: 1,
			want: Counts{
				Period:    periodOf("2026-07-15", "2027-07-15"),
				Remaining: 6, Requested: 1,
			},
		},
		{
			name:      "nothing at all",
			on:        "2026-07-15",
			requested: 3,
			want:      Counts{Period: periodOf("2026-07-15", "2027-07-15"), Requested: 3},
		},
		{
			// First period 10 Mar 2025 to 10 Mar 2026, second from 20 May 2026.
			// The sessions and grants of the first period do not count. The second
			// case opened on 1 May 2026 in the gap, so its 4 count in the second
			// period, as does the 2 approved on 1 Jun. Completed 1 (20 May),
			// upcoming 1 (3 Jun); remaining 4 + 2 - 1 - 1 = 4.
			name: "second period, grant in gap",
			sessions: []CountedSession{
				completedOn("2025-03-10"), completedOn("2025-09-01"),
				completedOn("2026-05-20"), scheduledOn("2026-06-03"),
			},
			grants: []Grant{
				grantOn("2025-03-01", 6), grantOn("2025-10-01", 4),
				grantOn("2026-05-01", 4), grantOn("2026-06-01", 2),
			},
			on:        "2026-06-02",
			requested: 2,
			want: Counts{
				Period:    periodOf("2026-05-20", "2027-05-20"),
				Completed: 1, Upcoming: 1, Remaining: 4, Requested: 2,
			},
		},
		{
			// The request on 1 Apr 2026 falls after the period that ended on
			// 10 Mar 2026 and begins a new period. The session of 2025 and its grant
			// do not count, but the grant of 20 Mar 2026, in the gap, does: remaining 4.
			name:      "request in gap",
			sessions:  []CountedSession{completedOn("2025-03-10")},
			grants:    []Grant{grantOn("2025-03-01", 6), grantOn("2026-03-20", 4)},
			on:        "2026-04-01",
			requested: 1,
			want: Counts{
				Period:    periodOf("2026-04-01", "2027-04-01"),
				Remaining: 4, Requested: 1,
			},
		},
		{
			// Period 12 Jan 2026 to 12 Jan 2027. The booking on 11 Jan 2027 is inside
			// it. The one on 12 Jan 2027, the end, belongs to the next period.
			// Upcoming 1 (11 Jan 2027). The grant dated 12 Jan 2027 is outside too.
			// Remaining 6 - 1 - 1 = 4.
			name: "bookings around end",
			sessions: []CountedSession{
				completedOn("2026-01-12"), scheduledOn("2027-01-11"), scheduledOn("2027-01-12"),
			},
			grants:    []Grant{grantOn("2026-01-12", 6), grantOn("2027-01-12", 4)},
			on:        "2026-12-01",
			requested: 2,
			want: Counts{
				Period:    periodOf("2026-01-12", "2027-01-12"),
				Completed: 1, Upcoming: 1, Remaining: 4, Requested: 2,
			},
		},
		{
			// A completed session on the date of request counts as completed, a
			// scheduled one as upcoming. Remaining 6 - 1 - 1 = 4.
			name: "sessions on request date",
			sessions: []CountedSession{
				completedOn("2026-05-04"), scheduledOn("2026-05-04"),
			},
			grants:    []Grant{grantOn("2026-05-01", 6)},
			on:        "2026-05-04",
			requested: 1,
			want: Counts{
				Period:    periodOf("2026-05-04", "2027-05-04"),
				Completed: 1, Upcoming: 1, Remaining: 4, Requested: 1,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CountSessions(tt.sessions, tt.grants, isoDate(tt.on), tt.requested)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CountSessions(on %s) mismatch (-want +got):\n%s", tt.on, diff)
			}
		})
	}
}

func TestCountSessionsKeepsInput(t *testing.T) {
	sessions := []CountedSession{
		completedOn("2026-03-01"), completedOn("2026-01-01"), scheduledOn("2026-02-01"),
	}
	grants := []Grant{grantOn("2026-02-01", 2), grantOn("2026-01-01", 6)}
	sessionsBefore := slices.Clone(sessions)
	grantsBefore := slices.Clone(grants)

	CountSessions(sessions, grants, isoDate("2026-02-15"), 1)

	if diff := cmp.Diff(sessionsBefore, sessions); diff != "" {
		t.Errorf("CountSessions changed sessions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(grantsBefore, grants); diff != "" {
		t.Errorf("CountSessions changed grants (-want +got):\n%s", diff)
	}
}

// TestCountsThreshold checks totals of 11 and 12 against a threshold of 12, with each
// count in turn making the difference.
func TestCountsThreshold(t *testing.T) {
	const threshold = 12
	on := "2026-06-01"
	weekly := func(n int, first string, status SessionStatus) []CountedSession {
		var out []CountedSession
		for i := range n {
			out = append(out, CountedSession{Date: isoDate(first).AddDays(7 * i), Status: status})
		}
		return out
	}
	// Allowance used up: granted 4, completed 5 (Jan), upcoming 2 (Jun), remaining 0.
	usedUp := slices.Concat(
		weekly(5, "2026-01-05", SessionCompleted),
		weekly(2, "2026-06-08", SessionScheduled),
	)
	// Allowance left: granted 8, completed 3, upcoming 2, remaining 3.
	someLeft := slices.Concat(
		weekly(3, "2026-01-05", SessionCompleted),
		weekly(2, "2026-06-08", SessionScheduled),
	)

	tests := []struct {
		name      string
		sessions  []CountedSession
		grants    []Grant
		requested int
		want      int
	}{
		// 5 + 2 + 0 + 4 = 11.
		{"used up", usedUp, []Grant{grantOn("2026-01-01", 4)}, 4, 11},
		// One more completed session (2 Feb): 6 + 2 + 0 + 4 = 12.
		{
			"completed makes 12",
			append(slices.Clone(usedUp), completedOn("2026-02-02")),
			[]Grant{grantOn("2026-01-01", 4)}, 4, 12,
		},
		// One more booking (22 Jun): 5 + 3 + 0 + 4 = 12.
		{
			"upcoming makes 12",
			append(slices.Clone(usedUp), scheduledOn("2026-06-22")),
			[]Grant{grantOn("2026-01-01", 4)}, 4, 12,
		},
		// 3 + 2 + 3 + 3 = 11.
		{"some left", someLeft, []Grant{grantOn("2026-01-01", 8)}, 3, 11},
		// One more granted session: remaining 4, so 3 + 2 + 4 + 3 = 12.
		{
			"remaining makes 12", someLeft,
			[]Grant{grantOn("2026-01-01", 8), grantOn("2026-03-01", 1)}, 3, 12,
		},
		// One more requested: 3 + 2 + 3 + 4 = 12.
		{"requested makes 12", someLeft, []Grant{grantOn("2026-01-01", 8)}, 4, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CountSessions(tt.sessions, tt.grants, isoDate(on), tt.requested)
			if got := c.Total(); got != tt.want {
				t.Fatalf("%+v.Total() = %d, want %d", c, got, tt.want)
			}
			wantReview := tt.want >= threshold
			if got := c.NeedsClinicalReview(threshold); got != wantReview {
				t.Errorf("%+v.NeedsClinicalReview(%d) = %t, want %t",
					c, threshold, got, wantReview)
			}
		})
	}
}

// TestCountSessionsLocalDate shows the contract with the caller: a session at 09:00 in
// Sydney on 15 Jun 2026 (AEST, UTC+10) is 23:00 UTC on 14 Jun, and the caller passes
// the Sydney date.
func TestCountSessionsLocalDate(t *testing.T) {
	sydney, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		t.Fatal(err)
	}
	startsAt := time.Date(2026, time.June, 14, 23, 0, 0, 0, time.UTC)

	local := DateIn(startsAt, sydney)
	if want := isoDate("2026-06-15"); local != want {
		t.Fatalf("DateIn(%v, Australia/Sydney) = %s, want %s", startsAt, local, want)
	}

	// Requested on 15 Jun, the Sydney date: the session is on the date of request,
	// so it counts as upcoming. The UTC date, 14 Jun, would have begun the period a
	// day early.
	session := []CountedSession{{Date: local, Status: SessionScheduled}}
	got := CountSessions(session, nil, isoDate("2026-06-15"), 1)
	want := Counts{Period: periodOf("2026-06-15", "2027-06-15"), Upcoming: 1, Requested: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CountSessions mismatch (-want +got):\n%s", diff)
	}
}

// BenchmarkCountSessions counts 500 sessions, one a week for almost ten years, with
// 50 grants, in shuffled order.
func BenchmarkCountSessions(b *testing.B) {
	statuses := []SessionStatus{
		SessionCompleted, SessionCancelled, SessionLateCancellation,
		SessionDidNotAttend, SessionScheduled,
	}
	first := isoDate("2017-01-02")
	sessions := make([]CountedSession, 500)
	for i := range sessions {
		// 7919 is prime, so i*7919 % 500 visits every week once, out of order.
		week := i * 7919 % len(sessions)
		sessions[i] = CountedSession{Date: first.AddDays(7 * week), Status: statuses[i%5]}
	}
	grants := make([]Grant, 50)
	for i := range grants {
		grants[i] = Grant{Date: first.AddDays(70 * i), Sessions: 2}
	}
	on := isoDate("2026-06-01")

	b.ReportAllocs()
	for b.Loop() {
		CountSessions(sessions, grants, on, 2)
	}
}
