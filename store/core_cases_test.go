package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
)

func TestClients(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()

		got, err := c.Client(ctx, w.client.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(w.client, got); diff != "" {
			t.Errorf("Client (-want +got):\n%s", diff)
		}
		_, err = c.Client(ctx, 9999)
		wantCode(t, "Client(9999)", err, phoenix.ENOTFOUND)

		avery := w.addClient(t, "Avery", "Quill")
		blake := w.addClient(t, "Blake", "Adams")
		zed := w.addClient(t, "Zed", "Zimmer")

		tests := []struct {
			search string
			want   []phoenix.Client
		}{
			{"", []phoenix.Client{blake, avery, w.client, zed}},
			{"qui", []phoenix.Client{avery, w.client}},
			{"QUILL", []phoenix.Client{avery, w.client}},
			{"blake", []phoenix.Client{blake}},
			{"zed.zimmer@", []phoenix.Client{zed}},
			{"uill", nil},
		}
		for _, tt := range tests {
			got, err := c.Clients(ctx, tt.search, store.Page{})
			testenv.Must(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Clients(%q) (-want +got):\n%s", tt.search, diff)
			}
		}
		page, err := c.Clients(ctx, "", store.Page{Limit: 2, Offset: 1})
		testenv.Must(t, err)
		if diff := cmp.Diff([]phoenix.Client{avery, w.client}, page); diff != "" {
			t.Errorf("Clients(limit 2, offset 1) (-want +got):\n%s", diff)
		}

		byID, err := c.ClientsByID(ctx, []int64{zed.ID, blake.ID})
		testenv.Must(t, err)
		if diff := cmp.Diff(map[int64]phoenix.Client{zed.ID: zed, blake.ID: blake}, byID); diff != "" {
			t.Errorf("ClientsByID (-want +got):\n%s", diff)
		}

		zed.PreferredName, zed.Email, zed.Relation = "Zee", "", phoenix.RelationPartner
		zed.DateOfBirth = phoenix.MustParseDate("1990-02-28")
		testenv.Must(t, c.UpdateClient(ctx, zed))
		got, err = c.Client(ctx, zed.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(zed, got); diff != "" {
			t.Errorf("Client after UpdateClient (-want +got):\n%s", diff)
		}
	})
}

func TestCases(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()

		got, err := c.Case(ctx, w.kase.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(w.kase, got); diff != "" {
			t.Errorf("Case (-want +got):\n%s", diff)
		}
		_, err = c.Case(ctx, 9999)
		wantCode(t, "Case(9999)", err, phoenix.ENOTFOUND)
		_, err = c.LockCase(ctx, 9999)
		wantCode(t, "LockCase(9999)", err, phoenix.ENOTFOUND)

		second := w.addClient(t, "Sam", "Second")
		unassigned := w.addCase(t, second, 0)
		other := w.addCase(t, second, w.consultant2.ID)

		tests := []struct {
			name string
			f    store.CaseFilter
			want []phoenix.Case
		}{
			{"all, newest first", store.CaseFilter{}, []phoenix.Case{other, unassigned, w.kase}},
			{"consultant", store.CaseFilter{ConsultantID: w.consultant.ID}, []phoenix.Case{w.kase}},
			{"unassigned", store.CaseFilter{Unassigned: true}, []phoenix.Case{unassigned}},
			{"client", store.CaseFilter{ClientID: second.ID}, []phoenix.Case{other, unassigned}},
			{"page", store.CaseFilter{Page: store.Page{Limit: 1, Offset: 1}}, []phoenix.Case{unassigned}},
		}
		for _, tt := range tests {
			got, err := c.Cases(ctx, tt.f)
			testenv.Must(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Cases(%s) (-want +got):\n%s", tt.name, diff)
			}
		}

		testenv.Must(t, c.SetCaseConsultant(ctx, unassigned.ID, w.consultant2.ID))
		got, err = c.Case(ctx, unassigned.ID)
		testenv.Must(t, err)
		if got.ConsultantID != w.consultant2.ID {
			t.Errorf("ConsultantID after SetCaseConsultant = %d, want %d", got.ConsultantID,
				w.consultant2.ID)
		}

		clients, err := c.CaseClients(ctx, []int64{w.kase.ID, other.ID})
		testenv.Must(t, err)
		want := map[int64]int64{w.kase.ID: w.client.ID, other.ID: second.ID}
		if diff := cmp.Diff(want, clients); diff != "" {
			t.Errorf("CaseClients (-want +got):\n%s", diff)
		}
	})
}

func TestGrants(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		r := w.addRequest(t, w.request(w.kase), "key-1")

		testenv.Must(t, c.AddGrant(ctx, w.kase.ID, w.client.ID, phoenix.MustParseDate("2026-11-02"),
			2, r.ID))
		k, err := c.Case(ctx, w.kase.ID)
		testenv.Must(t, err)
		if k.Allowance != 8 {
			t.Errorf("Allowance after a grant of 2 = %d, want 8", k.Allowance)
		}

		// A request's grant is stored once, and the failed grant leaves the allowance as
		// it was, because InTx rolls both statements back.
		err = w.db.InTx(ctx, func(c *store.Conn) error {
			return c.AddGrant(ctx, w.kase.ID, w.client.ID, phoenix.MustParseDate("2026-11-03"),
				2, r.ID)
		})
		wantConstraint(t, "AddGrant(same request)", err, store.UniqueConstraint, "grants")
		k, err = c.Case(ctx, w.kase.ID)
		testenv.Must(t, err)
		if k.Allowance != 8 {
			t.Errorf("Allowance after a rejected grant = %d, want 8", k.Allowance)
		}

		grants, err := c.Grants(ctx, w.client.ID)
		testenv.Must(t, err)
		want := []phoenix.Grant{{Date: phoenix.MustParseDate("2026-04-12"), Sessions: 6},
			{Date: phoenix.MustParseDate("2026-11-02"), Sessions: 2}}
		sortGrants(grants)
		if diff := cmp.Diff(want, grants); diff != "" {
			t.Errorf("Grants (-want +got):\n%s", diff)
		}
	})
}

func sortGrants(g []phoenix.Grant) {
	for i := 1; i < len(g); i++ {
		for j := i; j > 0 && g[j].Date.Before(g[j-1].Date); j-- {
			g[j], g[j-1] = g[j-1], g[j]
		}
	}
}

func TestAppointments(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		second := w.addClient(t, "Sam", "Second")
		otherCase := w.addCase(t, second, w.consultant.ID)

		book := func(k phoenix.Case, consultantID int64, start time.Time) phoenix.Session {
			s := phoenix.Session{CaseID: k.ID, ConsultantID: consultantID, StartsAt: start,
				Minutes: 50, TimeZone: "Australia/Melbourne", Mode: phoenix.ModeVideo,
				Status: phoenix.SessionScheduled, UpdatedAt: t0}
			s.ID = newID(t)(c.CreateSession(ctx, s, k.ClientID))
			return s
		}
		// Monday 2 November 2026 in Melbourne (UTC+11) starts at 13:00 UTC on Sunday.
		monday := time.Date(2026, 11, 2, 0, 0, 0, 0, melbourne)
		early := book(w.kase, w.consultant.ID, monday)
		later := book(otherCase, w.consultant.ID, monday.Add(10*time.Hour))
		tuesday := book(w.kase, w.consultant.ID, monday.Add(24*time.Hour))
		theirs := book(w.kase, w.consultant2.ID, monday.Add(9*time.Hour))
		before := book(w.kase, w.consultant.ID, monday.Add(-time.Microsecond))

		got, err := c.Session(ctx, later.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(later, got, instantEqual); diff != "" {
			t.Errorf("Session (-want +got):\n%s", diff)
		}
		_, err = c.Session(ctx, 9999)
		wantCode(t, "Session(9999)", err, phoenix.ENOTFOUND)

		day, err := c.ConsultantSessions(ctx, w.consultant.ID, monday, monday.AddDate(0, 0, 1))
		testenv.Must(t, err)
		if diff := cmp.Diff([]phoenix.Session{early, later}, day, instantEqual); diff != "" {
			t.Errorf("ConsultantSessions(Monday) (-want +got):\n%s", diff)
		}
		cases, err := c.CaseSessions(ctx, w.kase.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff([]phoenix.Session{before, early, theirs, tuesday}, cases, instantEqual); diff != "" {
			t.Errorf("CaseSessions (-want +got):\n%s", diff)
		}
		clients, err := c.ClientSessions(ctx, w.client.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(cases, clients, instantEqual); diff != "" {
			t.Errorf("ClientSessions (-want +got):\n%s", diff)
		}

		changed := t0.Add(time.Hour)
		testenv.Must(t, c.SetSessionStatus(ctx, early.ID, phoenix.SessionCompleted, changed))
		got, err = c.Session(ctx, early.ID)
		testenv.Must(t, err)
		if got.Status != phoenix.SessionCompleted || !got.UpdatedAt.Equal(changed) {
			t.Errorf("after SetSessionStatus: status %q updated %v, want completed at %v",
				got.Status, got.UpdatedAt, changed)
		}
		err = c.SetSessionStatus(ctx, early.ID, "rescheduled", changed)
		wantConstraint(t, "SetSessionStatus(rescheduled)", err, store.CheckConstraint, "appointments")
	})
}

func TestTasks(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		r := w.addRequest(t, w.request(w.kase), "key-1")
		ses := phoenix.Session{CaseID: w.kase.ID, ConsultantID: w.consultant.ID,
			StartsAt: t0, Minutes: 50, TimeZone: "Australia/Melbourne",
			Mode: phoenix.ModePhone, Status: phoenix.SessionScheduled, UpdatedAt: t0}
		ses.ID = newID(t)(c.CreateSession(ctx, ses, w.client.ID))

		add := func(k phoenix.Task) phoenix.Task {
			k.CaseID, k.Open, k.CreatedAt = w.kase.ID, true, t0
			k.ID = newID(t)(c.CreateTask(ctx, k))
			return k
		}
		selectTask := add(phoenix.Task{Kind: phoenix.TaskSelectConsultant,
			AssigneeRole: phoenix.RoleIntake})
		waiting := add(phoenix.Task{Kind: phoenix.TaskWaitingForCompletion,
			AssigneeID: w.consultant.ID, SessionID: ses.ID})
		review := add(phoenix.Task{Kind: phoenix.TaskClinicalReview, AssigneeID: w.consultant.ID,
			RequestID: r.ID})

		got, err := c.Task(ctx, waiting.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(waiting, got); diff != "" {
			t.Errorf("Task (-want +got):\n%s", diff)
		}
		_, err = c.Task(ctx, 9999)
		wantCode(t, "Task(9999)", err, phoenix.ENOTFOUND)
		got, err = c.RequestTask(ctx, r.ID)
		testenv.Must(t, err)
		if got.ID != review.ID {
			t.Errorf("RequestTask(%d) = task %d, want %d", r.ID, got.ID, review.ID)
		}
		_, err = c.RequestTask(ctx, 9999)
		wantCode(t, "RequestTask(9999)", err, phoenix.ENOTFOUND)

		// Closing a task stamps it, keeps its note unless a new one is given, and sorts
		// it after the open ones.
		done := t0.Add(2 * time.Hour)
		testenv.Must(t, c.SetTaskOpen(ctx, selectTask.ID, false, "Assigned to Casey.", done))
		testenv.Must(t, c.SetTaskOpen(ctx, review.ID, false, "", done))
		list, err := c.CaseTasks(ctx, w.kase.ID)
		testenv.Must(t, err)
		selectTask.Open, selectTask.Note, selectTask.DoneAt = false, "Assigned to Casey.", &done
		review.Open, review.DoneAt = false, &done
		if diff := cmp.Diff([]phoenix.Task{waiting, selectTask, review}, list); diff != "" {
			t.Errorf("CaseTasks, open first (-want +got):\n%s", diff)
		}

		testenv.Must(t, c.SetTaskOpen(ctx, selectTask.ID, true, "", done))
		got, err = c.Task(ctx, selectTask.ID)
		testenv.Must(t, err)
		if !got.Open || got.DoneAt != nil || got.Note != "Assigned to Casey." {
			t.Errorf("reopened task = open %t, done %v, note %q; want open, no done time, "+
				"note kept", got.Open, got.DoneAt, got.Note)
		}

		task := func(id int64) phoenix.Task {
			t.Helper()
			k, err := c.Task(ctx, id)
			testenv.Must(t, err)
			return k
		}
		// CloseTasks closes one session's task, or every open task of the kind.
		other := add(phoenix.Task{Kind: phoenix.TaskWaitingForCompletion,
			AssigneeID: w.consultant.ID, SessionID: ses.ID + 1000})
		testenv.Must(t, c.CloseTasks(ctx, w.kase.ID, phoenix.TaskWaitingForCompletion, ses.ID, done))
		if got := task(waiting.ID); got.Open || got.DoneAt == nil {
			t.Errorf("session's task after CloseTasks = open %t, done %v, want closed", got.Open, got.DoneAt)
		}
		if got := task(other.ID); !got.Open {
			t.Error("another session's task was closed by CloseTasks, want it open")
		}
		testenv.Must(t, c.CloseTasks(ctx, w.kase.ID, phoenix.TaskWaitingForCompletion, 0, done))
		if got := task(other.ID); got.Open {
			t.Error("CloseTasks with session 0 left a task of the kind open")
		}
		if got := task(selectTask.ID); !got.Open {
			t.Error("CloseTasks closed a task of another kind")
		}

		_, err = c.CreateTask(ctx, phoenix.Task{CaseID: w.kase.ID, Kind: "phone_client",
			Open: true, CreatedAt: t0})
		wantConstraint(t, "CreateTask(unknown kind)", err, store.CheckConstraint, "tasks")
	})
}

// instantEqual compares instants with Equal, since one read back from the database is
// in UTC while the one written may carry another location.
var instantEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
