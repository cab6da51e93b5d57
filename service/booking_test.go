package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// booking returns a valid form for Monday 2 November 2026, in the consultant's zone,
// with the given date and times.
func booking(date, start, end string) service.BookingInput {
	return service.BookingInput{Date: date, Start: start, End: end, Mode: "in_person"}
}

func TestBookSessionRejects(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)

		withMode := func(in service.BookingInput, mode string) service.BookingInput {
			in.Mode = mode
			return in
		}
		withZone := func(in service.BookingInput, zone string) service.BookingInput {
			in.TimeZone = zone
			return in
		}
		tests := []struct {
			name  string
			in    service.BookingInput
			field string
			text  string
		}{
			{"end before start", booking("2026-11-02", "10:00", "09:00"), "end", "after the start"},
			{"end equals start", booking("2026-11-02", "10:00", "10:00"), "end", "after the start"},
			{"too short", booking("2026-11-02", "10:00", "10:14"), "end", "15 minutes to 4 hours"},
			{"too long", booking("2026-11-02", "10:00", "14:01"), "end", "15 minutes to 4 hours"},
			{"30 February", booking("2026-02-30", "10:00", "10:50"), "date", "real calendar date"},
			{"month 13", booking("2026-13-01", "10:00", "10:50"), "date", "real calendar date"},
			{"word for a date", booking("tomorrow", "10:00", "10:50"), "date", "real calendar date"},
			{"blank date", booking("", "10:00", "10:50"), "date", "real calendar date"},
			{"day first", booking("02/11/2026", "10:00", "10:50"), "date", "real calendar date"},
			{"hour 25", booking("2026-11-02", "25:00", "10:50"), "start", "00:00 to 23:59"},
			{"am and pm", booking("2026-11-02", "9am", "10:50"), "start", "00:00 to 23:59"},
			{"blank start", booking("2026-11-02", "", "10:50"), "start", "00:00 to 23:59"},
			{"bad end", booking("2026-11-02", "10:00", "10:60"), "end", "00:00 to 23:59"},
			{"unknown zone", withZone(booking("2026-11-02", "10:00", "10:50"), "Mars/Olympus"),
				"time_zone", "is not in the tz database"},
			{"unknown mode", withMode(booking("2026-11-02", "10:00", "10:50"), "carrier pigeon"),
				"mode", "in person, phone or video"},
			{"blank mode", withMode(booking("2026-11-02", "10:00", "10:50"), ""),
				"mode", "in person, phone or video"},
			{"in the past", booking("2026-10-29", "10:00", "10:50"), "start", "in the future"},
			{"starting now", booking("2026-10-29", "14:00", "14:50"), "start", "in the future"},
			{"last year", booking("2025-11-02", "10:00", "10:50"), "start", "in the future"},
			{"zone Local", withZone(booking("2026-11-02", "10:00", "10:50"), "Local"),
				"time_zone", "IANA name"},
			{"year 9999", booking("9999-12-31", "10:00", "10:50"), "date", "730 days ahead"},
			{"three years ahead", booking("2029-11-02", "10:00", "10:50"), "date", "730 days ahead"},
		}
		for _, tc := range tests {
			_, err := env.Svc.BookSession(ctx, consultant, f.Case.ID, tc.in)
			if got := phoenix.ErrorCode(err); got != phoenix.EINVALID {
				t.Errorf("%s: BookSession(%+v) = %q (%v), want invalid", tc.name, tc.in, got, err)
				continue
			}
			msg := phoenix.ErrorFields(err)[tc.field]
			if !strings.Contains(msg, tc.text) {
				t.Errorf("%s: message for %s = %q, want it to contain %q", tc.name, tc.field,
					msg, tc.text)
			}
		}
		assertSessionCount(t, env, f.Case.ID, 0)
	})
}

// TestBookSessionDaylightSaving checks that a local time daylight saving skips or
// repeats is rejected rather than guessed, while the hours around it are booked.
func TestBookSessionDaylightSaving(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)
		env.Clock.Set(time.Date(2026, 3, 1, 9, 0, 0, 0, testenv.Melbourne))

		tests := []struct {
			name, date, start, end string
			field, text            string
		}{
			// Clocks in Melbourne go from 03:00 back to 02:00 on Sunday 5 April 2026.
			{"repeated start", "2026-04-05", "02:30", "03:30", "start", "happens twice"},
			{"repeated end", "2026-04-05", "01:30", "02:15", "end", "happens twice"},
			// Clocks go from 02:00 on to 03:00 on Sunday 4 October 2026.
			{"skipped start", "2026-10-04", "02:30", "03:30", "start", "skips it"},
			{"skipped end", "2026-10-04", "01:30", "02:15", "end", "skips it"},
		}
		for _, tc := range tests {
			_, err := env.Svc.BookSession(ctx, consultant, f.Case.ID,
				booking(tc.date, tc.start, tc.end))
			msg := phoenix.ErrorFields(err)[tc.field]
			if phoenix.ErrorCode(err) != phoenix.EINVALID || !strings.Contains(msg, tc.text) {
				t.Errorf("%s: BookSession(%s %s-%s) = %v, want %s message containing %q",
					tc.name, tc.date, tc.start, tc.end, err, tc.field, tc.text)
			}
		}
		assertSessionCount(t, env, f.Case.ID, 0)

		// The hours next to the change exist once and are booked at the right instant:
		// 03:00 on 4 October is the first instant of daylight saving time (UTC+11).
		id, err := env.Svc.BookSession(ctx, consultant, f.Case.ID,
			booking("2026-10-04", "03:00", "03:50"))
		testenv.Must(t, err)
		ses, err := env.Conn().Session(ctx, id)
		testenv.Must(t, err)
		want := time.Date(2026, 10, 3, 16, 0, 0, 0, time.UTC)
		if !ses.StartsAt.Equal(want) {
			t.Errorf("03:00 on 2026-10-04 in Melbourne starts at %s, want %s", ses.StartsAt.UTC(), want)
		}

		// A session across the change lasts its real length: 01:00 to 03:00 on the
		// day clocks go forward is one hour.
		id, err = env.Svc.BookSession(ctx, consultant, f.Case.ID,
			booking("2026-10-04", "01:00", "03:00"))
		testenv.Must(t, err)
		ses, err = env.Conn().Session(ctx, id)
		testenv.Must(t, err)
		if ses.Minutes != 60 {
			t.Errorf("01:00-03:00 on 2026-10-04 lasts %d minutes, want 60", ses.Minutes)
		}

		// On the day clocks go back, 00:30 to 04:15 reads 3 h 45 min but lasts
		// 4 h 45 min, over the limit of 4 hours.
		_, err = env.Svc.BookSession(ctx, consultant, f.Case.ID,
			booking("2026-04-05", "00:30", "04:15"))
		if msg := phoenix.ErrorFields(err)["end"]; !strings.Contains(msg, "4 hours") {
			t.Errorf("BookSession(00:30-04:15 on 2026-04-05) = %v, want the length rejected", err)
		}
	})
}

func TestBookSessionSuccess(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		c := env.Conn()

		// Intake books in another zone; the instant is what counts.
		in := service.BookingInput{Date: "2026-11-02", Start: " 09:00 ", End: "09:50",
			Mode: "video", TimeZone: "Australia/Perth"}
		id, err := env.Svc.BookSession(ctx, testenv.Actor(f.Intake), f.Case.ID, in)
		testenv.Must(t, err)
		ses, err := c.Session(ctx, id)
		testenv.Must(t, err)
		perth, _ := time.LoadLocation("Australia/Perth")
		want := phoenix.Session{ID: id, CaseID: f.Case.ID, ConsultantID: f.Consultant.ID,
			StartsAt: time.Date(2026, 11, 2, 9, 0, 0, 0, perth), Minutes: 50,
			TimeZone: "Australia/Perth", Mode: phoenix.ModeVideo, Status: phoenix.SessionScheduled}
		ses.UpdatedAt = time.Time{}
		if !ses.StartsAt.Equal(want.StartsAt) {
			t.Errorf("StartsAt = %s, want %s", ses.StartsAt, want.StartsAt)
		}
		ses.StartsAt = want.StartsAt
		if ses != want {
			t.Errorf("stored session = %+v, want %+v", ses, want)
		}

		// The consultant gets a Waiting for Appointment Completion task with the flame.
		tasks, err := c.CaseTasks(ctx, f.Case.ID)
		testenv.Must(t, err)
		if len(tasks) != 1 || tasks[0].Kind != phoenix.TaskWaitingForCompletion ||
			tasks[0].SessionID != id || tasks[0].AssigneeID != f.Consultant.ID || !tasks[0].Open {
			t.Errorf("tasks after booking = %+v, want one open waiting task for session %d",
				tasks, id)
		}
		assertAudit(t, env, "book", "session", id)

		// The consultant books their own case in their own zone by default.
		id2, err := env.Svc.BookSession(ctx, testenv.Actor(f.Consultant), f.Case.ID,
			booking("2026-11-02", "13:00", "13:50"))
		testenv.Must(t, err)
		ses, err = c.Session(ctx, id2)
		testenv.Must(t, err)
		if ses.TimeZone != "Australia/Melbourne" ||
			!ses.StartsAt.Equal(time.Date(2026, 11, 2, 13, 0, 0, 0, testenv.Melbourne)) {
			t.Errorf("default zone booking = %s in %s, want 13:00 Melbourne", ses.StartsAt,
				ses.TimeZone)
		}
	})
}

func TestBookSessionConflicts(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)

		_, err := env.Svc.BookSession(ctx, consultant, f.Case.ID, booking("2026-11-02", "10:00", "10:50"))
		testenv.Must(t, err)

		// A second client of the same consultant cannot take an overlapping hour.
		var other phoenix.Case
		testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
			client, err := env.AddClient(ctx, c, f.Org.ID, "Robin", "Ashgrove")
			if err != nil {
				return err
			}
			other, err = env.AddCase(ctx, c, client, f.Consultant.ID, 6,
				phoenix.MustParseDate("2026-10-01"))
			return err
		}))
		for _, span := range [][2]string{{"10:30", "11:20"}, {"09:30", "10:20"},
			{"10:10", "10:40"}, {"09:00", "12:00"}} {
			_, err := env.Svc.BookSession(ctx, consultant, other.ID, booking("2026-11-02", span[0], span[1]))
			if phoenix.ErrorCode(err) != phoenix.ECONFLICT || phoenix.ErrorFields(err)["start"] == "" {
				t.Errorf("BookSession(overlapping %s-%s) = %v, want a conflict on start",
					span[0], span[1], err)
			}
		}
		assertSessionCount(t, env, other.ID, 0)

		// Back-to-back sessions do not overlap, and neither does another consultant.
		_, err = env.Svc.BookSession(ctx, consultant, other.ID, booking("2026-11-02", "10:50", "11:40"))
		testenv.Must(t, err)
		_, err = env.Svc.BookSession(ctx, consultant, other.ID, booking("2026-11-02", "09:10", "10:00"))
		testenv.Must(t, err)

		// A cancelled session frees its hour.
		id, err := env.Svc.BookSession(ctx, consultant, f.Case.ID, booking("2026-11-05", "10:00", "10:50"))
		testenv.Must(t, err)
		testenv.Must(t, env.Svc.SetSessionStatus(ctx, consultant, id, phoenix.SessionCancelled))
		_, err = env.Svc.BookSession(ctx, consultant, other.ID, booking("2026-11-05", "10:00", "10:50"))
		testenv.Must(t, err)
	})
}

// TestBookSessionConcurrent books one hour of one consultant on two cases at once:
// one booking is stored and the other gets the overlap conflict.
func TestBookSessionConcurrent(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		cases := []phoenix.Case{f.Case}
		for i := range 3 {
			cases = append(cases, newClientCase(t, env, f.Org.ID, f.Consultant.ID, "Parallel",
				fmt.Sprintf("Client%c", 'A'+i), 6, phoenix.MustParseDate("2026-10-01")))
		}
		errs := make(chan error, len(cases))
		for _, k := range cases {
			go func() {
				_, err := env.Svc.BookSession(ctx, testenv.Actor(f.Intake), k.ID,
					booking("2026-11-02", "10:00", "10:50"))
				errs <- err
			}()
		}
		booked := 0
		for range cases {
			switch err := <-errs; phoenix.ErrorCode(err) {
			case "":
				booked++
			case phoenix.ECONFLICT:
			default:
				t.Errorf("concurrent BookSession = %v, want success or conflict", err)
			}
		}
		if booked != 1 {
			t.Errorf("%d concurrent bookings of one hour succeeded, want 1", booked)
		}
	})
}

func TestBookSessionAllowance(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)

		// The allowance is 6: two past sessions that used one, one cancelled with
		// notice that did not, and four booked.
		past := time.Date(2026, 9, 1, 10, 0, 0, 0, testenv.Melbourne)
		env.AddSession(t, f.Case, past, phoenix.SessionCompleted)
		env.AddSession(t, f.Case, past.AddDate(0, 0, 7), phoenix.SessionDidNotAttend)
		env.AddSession(t, f.Case, past.AddDate(0, 0, 14), phoenix.SessionCancelled)
		for i := range 4 {
			day := phoenix.MustParseDate("2026-11-02").AddDays(i)
			_, err := env.Svc.BookSession(ctx, consultant, f.Case.ID, booking(day.String(), "10:00", "10:50"))
			testenv.Must(t, err)
		}
		_, err := env.Svc.BookSession(ctx, consultant, f.Case.ID, booking("2026-11-10", "10:00", "10:50"))
		if phoenix.ErrorCode(err) != phoenix.ECONFLICT ||
			!strings.Contains(err.Error(), "used all 6 sessions") {
			t.Errorf("BookSession(seventh session) = %v, want a conflict naming the allowance of 6", err)
		}
		assertSessionCount(t, env, f.Case.ID, 7)
	})
}

func TestBookSessionNoConsultant(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		caseID, err := env.Svc.OpenCase(ctx, testenv.Actor(f.Intake), f.Client.ID)
		testenv.Must(t, err)

		_, err = env.Svc.BookSession(ctx, testenv.Actor(f.Intake), caseID,
			booking("2026-11-02", "10:00", "10:50"))
		if phoenix.ErrorCode(err) != phoenix.EINVALID ||
			!strings.Contains(err.Error(), "Select a consultant") {
			t.Errorf("BookSession(case without consultant) = %v, want invalid asking for a consultant", err)
		}
		_, err = env.Svc.BookSession(ctx, testenv.Actor(f.Admin), caseID,
			booking("2026-11-02", "10:00", "10:50"))
		if phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
			t.Errorf("BookSession(admin, case without consultant) = %v, want forbidden", err)
		}
		assertSessionCount(t, env, caseID, 0)

		// Once intake selects the consultant, the Select Consultant task is done and
		// the consultant may book.
		testenv.Must(t, env.Svc.SelectConsultant(ctx, testenv.Actor(f.Intake), caseID, f.Consultant.ID))
		_, err = env.Svc.BookSession(ctx, testenv.Actor(f.Consultant), caseID,
			booking("2026-11-02", "10:00", "10:50"))
		testenv.Must(t, err)
		tasks, err := env.Conn().CaseTasks(ctx, caseID)
		testenv.Must(t, err)
		open := map[phoenix.TaskKind]bool{}
		for _, task := range tasks {
			open[task.Kind] = task.Open
		}
		want := map[phoenix.TaskKind]bool{phoenix.TaskSelectConsultant: false,
			phoenix.TaskNextSteps: true, phoenix.TaskWaitingForCompletion: true}
		for kind, o := range want {
			if open[kind] != o {
				t.Errorf("task %s open = %v, want %v", kind.Label(), open[kind], o)
			}
		}
	})
}

func TestSelectConsultantRejects(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		caseID, err := env.Svc.OpenCase(ctx, testenv.Actor(f.Intake), f.Client.ID)
		testenv.Must(t, err)
		for _, id := range []int64{0, f.Admin.ID, 987654} {
			err := env.Svc.SelectConsultant(ctx, testenv.Actor(f.Intake), caseID, id)
			if phoenix.ErrorCode(err) != phoenix.EINVALID {
				t.Errorf("SelectConsultant(%d) = %v, want invalid", id, err)
			}
		}
		err = env.Svc.SelectConsultant(ctx, testenv.Actor(f.Consultant), caseID, f.Consultant.ID)
		if phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
			t.Errorf("SelectConsultant(by a consultant) = %v, want forbidden", err)
		}
		_, err = env.Svc.OpenCase(ctx, testenv.Actor(f.Consultant), f.Client.ID)
		if phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
			t.Errorf("OpenCase(by a consultant) = %v, want forbidden", err)
		}
	})
}

func TestSetSessionStatus(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)

		// Each case books one session at 10:00 on Monday 2 November and moves the clock
		// to the given time before the change.
		start := time.Date(2026, 11, 2, 10, 0, 0, 0, testenv.Melbourne)
		tests := []struct {
			name   string
			now    time.Time
			status phoenix.SessionStatus
			text   string // "" when the change is allowed
		}{
			{"completed after start", start.Add(55 * time.Minute), phoenix.SessionCompleted, ""},
			{"completed at start", start, phoenix.SessionCompleted, ""},
			{"completed before start", start.Add(-time.Hour), phoenix.SessionCompleted, "once the session has started"},
			{"did not attend", start.Add(20 * time.Minute), phoenix.SessionDidNotAttend, ""},
			{"did not attend early", start.Add(-time.Minute), phoenix.SessionDidNotAttend, "once the session has started"},
			{"cancelled with notice", start.Add(-25 * time.Hour), phoenix.SessionCancelled, ""},
			{"cancelled days ahead", start.Add(-72 * time.Hour), phoenix.SessionCancelled, ""},
			{"cancelled too late", start.Add(-23 * time.Hour), phoenix.SessionCancelled, "24 hours' notice"},
			{"cancelled after start", start.Add(time.Hour), phoenix.SessionCancelled, "24 hours' notice"},
			{"late cancellation", start.Add(-23 * time.Hour), phoenix.SessionLateCancellation, ""},
			{"late cancellation at the hour", start.Add(-time.Minute), phoenix.SessionLateCancellation, ""},
			{"late cancellation with notice", start.Add(-25 * time.Hour), phoenix.SessionLateCancellation, "under 24 hours"},
			{"late cancellation after start", start.Add(time.Minute), phoenix.SessionLateCancellation, "has started"},
			{"back to scheduled", start.Add(time.Hour), phoenix.SessionScheduled, "Status must be"},
			{"unknown status", start.Add(time.Hour), "postponed", "Status must be"},
		}
		for i, tc := range tests {
			env.Clock.Set(testenv.Start)
			day := start.AddDate(0, 0, 7*i)
			in := booking(phoenix.DateOf(day).String(), "10:00", "10:50")
			id, err := env.Svc.BookSession(ctx, consultant, f.Case.ID, in)
			testenv.Must(t, err)
			env.Clock.Set(tc.now.AddDate(0, 0, 7*i))

			err = env.Svc.SetSessionStatus(ctx, consultant, id, tc.status)
			ses, gerr := env.Conn().Session(ctx, id)
			testenv.Must(t, gerr)
			task := waitingTask(t, env, f.Case.ID, id)
			if tc.text == "" {
				if err != nil {
					t.Errorf("%s: SetSessionStatus = %v, want success", tc.name, err)
				}
				if ses.Status != tc.status || task.Open || task.DoneAt == nil {
					t.Errorf("%s: status %s, waiting task open %v; want %s and the task done",
						tc.name, ses.Status, task.Open, tc.status)
				}
				// Once recorded, the status does not change again.
				err := env.Svc.SetSessionStatus(ctx, consultant, id, phoenix.SessionCompleted)
				if phoenix.ErrorCode(err) != phoenix.EINVALID ||
					!strings.Contains(phoenix.ErrorFields(err)["status"], "Only a scheduled session") {
					t.Errorf("%s: second change = %v, want invalid", tc.name, err)
				}
				// Free the allowance for the next case.
				continue
			}
			msg := phoenix.ErrorFields(err)["status"]
			if phoenix.ErrorCode(err) != phoenix.EINVALID || !strings.Contains(msg, tc.text) {
				t.Errorf("%s: SetSessionStatus = %v, want invalid with %q", tc.name, err, tc.text)
			}
			if ses.Status != phoenix.SessionScheduled || !task.Open {
				t.Errorf("%s: after rejection status %s, task open %v; want scheduled and open",
					tc.name, ses.Status, task.Open)
			}
			// Cancel it with notice, so the allowance has room for the next case.
			env.Clock.Set(testenv.Start)
			testenv.Must(t, env.Svc.SetSessionStatus(ctx, consultant, id, phoenix.SessionCancelled))
		}
	})
}

// TestSetSessionStatusClosesOwnTask checks that a status change closes the waiting task
// of its own session only.
func TestSetSessionStatusClosesOwnTask(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)
		first, err := env.Svc.BookSession(ctx, consultant, f.Case.ID, booking("2026-11-02", "10:00", "10:50"))
		testenv.Must(t, err)
		second, err := env.Svc.BookSession(ctx, consultant, f.Case.ID, booking("2026-11-03", "10:00", "10:50"))
		testenv.Must(t, err)
		env.Clock.Set(time.Date(2026, 11, 2, 11, 0, 0, 0, testenv.Melbourne))
		testenv.Must(t, env.Svc.SetSessionStatus(ctx, consultant, first, phoenix.SessionCompleted))

		if task := waitingTask(t, env, f.Case.ID, first); task.Open {
			t.Error("waiting task of the completed session is still open")
		}
		if task := waitingTask(t, env, f.Case.ID, second); !task.Open {
			t.Error("waiting task of the other session was closed")
		}
		assertAudit(t, env, "set_status", "session", first)
	})
}

// TestSetSessionStatusConcurrent checks that two changes of one session at once leave
// one recorded status: the second sees the first and is rejected.
func TestSetSessionStatusConcurrent(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)
		id, err := env.Svc.BookSession(ctx, consultant, f.Case.ID, booking("2026-11-02", "10:00", "10:50"))
		testenv.Must(t, err)
		env.Clock.Set(time.Date(2026, 11, 2, 11, 0, 0, 0, testenv.Melbourne))

		statuses := []phoenix.SessionStatus{phoenix.SessionCompleted, phoenix.SessionDidNotAttend}
		errs := make(chan error, len(statuses))
		for _, st := range statuses {
			go func() { errs <- env.Svc.SetSessionStatus(ctx, consultant, id, st) }()
		}
		succeeded := 0
		for range statuses {
			err := <-errs
			switch phoenix.ErrorCode(err) {
			case "":
				succeeded++
			case phoenix.EINVALID:
			default:
				t.Errorf("concurrent SetSessionStatus = %v, want success or invalid", err)
			}
		}
		if succeeded != 1 {
			t.Errorf("%d concurrent status changes succeeded, want 1", succeeded)
		}
	})
}

func waitingTask(t *testing.T, env *testenv.Env, caseID, sessionID int64) phoenix.Task {
	t.Helper()
	tasks, err := env.Conn().CaseTasks(context.Background(), caseID)
	testenv.Must(t, err)
	for _, task := range tasks {
		if task.Kind == phoenix.TaskWaitingForCompletion && task.SessionID == sessionID {
			return task
		}
	}
	t.Fatalf("no waiting task for session %d", sessionID)
	return phoenix.Task{}
}

func assertSessionCount(t *testing.T, env *testenv.Env, caseID int64, want int) {
	t.Helper()
	sessions, err := env.Conn().CaseSessions(context.Background(), caseID)
	testenv.Must(t, err)
	if len(sessions) != want {
		t.Errorf("case %d has %d sessions, want %d", caseID, len(sessions), want)
	}
}

// assertAudit checks that the audit log holds one event of an action on an object.
func assertAudit(t *testing.T, env *testenv.Env, action, object string, id int64) {
	t.Helper()
	events, err := env.Conn().Audit(context.Background(), store.AuditFilter{
		Page: store.Page{Limit: 200}})
	testenv.Must(t, err)
	n := 0
	for _, e := range events {
		if e.Action == action && e.Object == object && e.ObjectID == id {
			n++
		}
	}
	if n != 1 {
		t.Errorf("audit events %s %s %d = %d, want 1", action, object, id, n)
	}
}
