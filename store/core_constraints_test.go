package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
)

// TestConstraints breaks each constraint of the core tables through the store's own
// functions and expects the same kind of ConstraintError from both databases.
func TestConstraints(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		r := w.addRequest(t, w.request(w.kase), "key-1")

		contract := func(edit func(*phoenix.Contract)) func(*store.Conn) error {
			return func(c *store.Conn) error {
				k := w.contract
				k.EffectiveFrom = phoenix.MustParseDate("2030-01-01")
				edit(&k)
				_, err := c.AddContract(ctx, k, t0)
				return err
			}
		}
		user := func(edit func(*phoenix.User)) func(*store.Conn) error {
			return func(c *store.Conn) error {
				u := phoenix.User{Email: "new@provider.test", Name: "New", Role: phoenix.RoleAdmin,
					TimeZone: "UTC", Active: true, CreatedAt: t0}
				edit(&u)
				_, err := c.CreateUser(ctx, u, "")
				return err
			}
		}
		client := func(edit func(*phoenix.Client)) func(*store.Conn) error {
			return func(c *store.Conn) error {
				k := w.client
				edit(&k)
				_, err := c.CreateClient(ctx, k)
				return err
			}
		}
		kase := func(edit func(*phoenix.Case)) func(*store.Conn) error {
			return func(c *store.Conn) error {
				k := w.kase
				edit(&k)
				_, err := c.CreateCase(ctx, k)
				return err
			}
		}
		session := func(edit func(*phoenix.Session, *int64)) func(*store.Conn) error {
			return func(c *store.Conn) error {
				s := phoenix.Session{CaseID: w.kase.ID, ConsultantID: w.consultant.ID,
					StartsAt: t0, Minutes: 50, TimeZone: "UTC", Mode: phoenix.ModePhone,
					Status: phoenix.SessionScheduled, UpdatedAt: t0}
				clientID := w.client.ID
				edit(&s, &clientID)
				_, err := c.CreateSession(ctx, s, clientID)
				return err
			}
		}
		task := func(edit func(*phoenix.Task)) func(*store.Conn) error {
			return func(c *store.Conn) error {
				k := phoenix.Task{CaseID: w.kase.ID, Kind: phoenix.TaskNextSteps,
					AssigneeID: w.consultant.ID, Open: true, CreatedAt: t0}
				edit(&k)
				_, err := c.CreateTask(ctx, k)
				return err
			}
		}
		// Each request goes on a case of its own, made before the transaction begins
		// since a SQLite transaction holds the only write lock.
		request := func(edit func(*phoenix.Request, *int64)) func(*store.Conn) error {
			k := w.addCase(t, w.client, w.consultant.ID)
			return func(c *store.Conn) error {
				q := w.request(k)
				createdBy := w.consultant.ID
				edit(&q, &createdBy)
				_, err := c.CreateRequest(ctx, q, createdBy, fmt.Sprintf("key-case-%d", k.ID))
				return err
			}
		}
		const missing = 9999

		tests := []struct {
			name  string
			do    func(*store.Conn) error
			kind  store.ConstraintKind
			table string
		}{
			{"contract without organisation", contract(func(k *phoenix.Contract) { k.OrganisationID = missing }),
				store.ForeignKeyConstraint, "contracts"},
			{"contract of 0 sessions", contract(func(k *phoenix.Contract) { k.SessionsPerPeriod = 0 }),
				store.CheckConstraint, "contracts"},
			{"contract of 53 sessions", contract(func(k *phoenix.Contract) { k.SessionsPerPeriod = 53 }),
				store.CheckConstraint, "contracts"},
			{"contract of 5 extra", contract(func(k *phoenix.Contract) { k.MaxExtraPerRequest = 5 }),
				store.CheckConstraint, "contracts"},
			{"contract threshold 1", contract(func(k *phoenix.Contract) { k.ClinicalThreshold = 1 }),
				store.CheckConstraint, "contracts"},
			{"contract goal 0 days", contract(func(k *phoenix.Contract) { k.GoalDays, k.DeadlineDays = 0, 0 }),
				store.CheckConstraint, "contracts"},
			{"contract deadline before goal", contract(func(k *phoenix.Contract) { k.DeadlineDays = 6 }),
				store.CheckConstraint, "contracts"},
			{"user of unknown role", user(func(u *phoenix.User) { u.Role = "superuser" }),
				store.CheckConstraint, "users"},
			{"reviewer without organisation", user(func(u *phoenix.User) { u.Role = phoenix.RoleReviewer }),
				store.CheckConstraint, "users"},
			{"staff with organisation", user(func(u *phoenix.User) { u.OrganisationID = w.org.ID }),
				store.CheckConstraint, "users"},
			{"reviewer of missing organisation", user(func(u *phoenix.User) {
				u.Role, u.OrganisationID = phoenix.RoleReviewer, missing
			}), store.ForeignKeyConstraint, "users"},
			{"client without organisation", client(func(k *phoenix.Client) { k.OrganisationID = missing }),
				store.ForeignKeyConstraint, "clients"},
			{"client of unknown relation", client(func(k *phoenix.Client) { k.Relation = "friend" }),
				store.CheckConstraint, "clients"},
			{"client without date of birth", client(func(k *phoenix.Client) { k.DateOfBirth = phoenix.Date{} }),
				store.NotNullConstraint, "clients"},
			{"case without client", kase(func(k *phoenix.Case) { k.ClientID = missing }),
				store.ForeignKeyConstraint, "cases"},
			{"case without organisation", kase(func(k *phoenix.Case) { k.OrganisationID = missing }),
				store.ForeignKeyConstraint, "cases"},
			{"case of missing consultant", kase(func(k *phoenix.Case) { k.ConsultantID = missing }),
				store.ForeignKeyConstraint, "cases"},
			{"case of unknown status", kase(func(k *phoenix.Case) { k.Status = "paused" }),
				store.CheckConstraint, "cases"},
			{"case of negative allowance", kase(func(k *phoenix.Case) { k.Allowance = -1 }),
				store.CheckConstraint, "cases"},
			{"grant of no sessions", func(c *store.Conn) error {
				return c.AddGrant(ctx, w.kase.ID, w.client.ID, phoenix.MustParseDate("2026-11-01"), 0, 0)
			}, store.CheckConstraint, "grants"},
			{"grant on missing case", func(c *store.Conn) error {
				return c.AddGrant(ctx, missing, w.client.ID, phoenix.MustParseDate("2026-11-01"), 2, 0)
			}, store.ForeignKeyConstraint, "grants"},
			{"second grant for a request", func(c *store.Conn) error {
				day := phoenix.MustParseDate("2026-11-01")
				if err := c.AddGrant(ctx, w.kase.ID, w.client.ID, day, 2, r.ID); err != nil {
					return err
				}
				return c.AddGrant(ctx, w.kase.ID, w.client.ID, day, 2, r.ID)
			}, store.UniqueConstraint, "grants"},
			{"appointment of 10 minutes", session(func(s *phoenix.Session, _ *int64) { s.Minutes = 10 }),
				store.CheckConstraint, "appointments"},
			{"appointment of 241 minutes", session(func(s *phoenix.Session, _ *int64) { s.Minutes = 241 }),
				store.CheckConstraint, "appointments"},
			{"appointment by carrier pigeon", session(func(s *phoenix.Session, _ *int64) { s.Mode = "pigeon" }),
				store.CheckConstraint, "appointments"},
			{"appointment of unknown status", session(func(s *phoenix.Session, _ *int64) { s.Status = "moved" }),
				store.CheckConstraint, "appointments"},
			{"appointment on missing case", session(func(s *phoenix.Session, _ *int64) { s.CaseID = missing }),
				store.ForeignKeyConstraint, "appointments"},
			{"appointment of missing client", session(func(_ *phoenix.Session, id *int64) { *id = missing }),
				store.ForeignKeyConstraint, "appointments"},
			{"appointment of missing consultant", session(func(s *phoenix.Session, _ *int64) { s.ConsultantID = missing }),
				store.ForeignKeyConstraint, "appointments"},
			{"task of unknown kind", task(func(k *phoenix.Task) { k.Kind = "call_back" }),
				store.CheckConstraint, "tasks"},
			{"task on missing case", task(func(k *phoenix.Task) { k.CaseID = missing }),
				store.ForeignKeyConstraint, "tasks"},
			{"task of missing assignee", task(func(k *phoenix.Task) { k.AssigneeID = missing }),
				store.ForeignKeyConstraint, "tasks"},
			{"request of 0 sessions", request(func(q *phoenix.Request, _ *int64) { q.Sessions = 0 }),
				store.CheckConstraint, "requests"},
			{"request of 5 sessions", request(func(q *phoenix.Request, _ *int64) { q.Sessions = 5 }),
				store.CheckConstraint, "requests"},
			{"request of unknown state", request(func(q *phoenix.Request, _ *int64) { q.State = "lost" }),
				store.CheckConstraint, "requests"},
			{"request on missing case", request(func(q *phoenix.Request, _ *int64) { q.CaseID = missing }),
				store.ForeignKeyConstraint, "requests"},
			{"request of missing client", request(func(q *phoenix.Request, _ *int64) { q.ClientID = missing }),
				store.ForeignKeyConstraint, "requests"},
			{"request of missing organisation", request(func(q *phoenix.Request, _ *int64) { q.OrganisationID = missing }),
				store.ForeignKeyConstraint, "requests"},
			{"request of missing consultant", request(func(q *phoenix.Request, _ *int64) { q.ConsultantID = missing }),
				store.ForeignKeyConstraint, "requests"},
			{"request under missing contract", request(func(q *phoenix.Request, _ *int64) { q.ContractID = missing }),
				store.ForeignKeyConstraint, "requests"},
			{"request by missing user", request(func(_ *phoenix.Request, by *int64) { *by = missing }),
				store.ForeignKeyConstraint, "requests"},
			{"event on missing request", func(c *store.Conn) error {
				return c.AddEvent(ctx, store.Event{RequestID: missing, At: t0, Kind: "note", Text: "x"})
			}, store.ForeignKeyConstraint, "request_events"},
			{"email of unknown status", func(c *store.Conn) error {
				id, err := c.CreateEmail(ctx, store.Email{Audience: "client", To: "a@b.test",
					Subject: "s", Body: "b", CreatedAt: t0})
				if err != nil {
					return err
				}
				return c.MarkEmail(ctx, id, "lost", "", 1, nil)
			}, store.CheckConstraint, "emails"},
			{"closure of missing organisation", func(c *store.Conn) error {
				_, err := c.AddClosure(ctx, store.Closure{OrganisationID: missing,
					Day: phoenix.MustParseDate("2026-12-01"), Name: "x"}, t0)
				return err
			}, store.ForeignKeyConstraint, "closures"},
			{"web session of missing user", func(c *store.Conn) error {
				return c.CreateWebSession(ctx, "h", missing, "csrf", t0, t0.Add(time.Hour))
			}, store.ForeignKeyConstraint, "web_sessions"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := count(t, w.db, tt.table, "")
				err := w.db.InTx(ctx, tt.do)
				t.Log(err)
				wantConstraint(t, tt.name, err, tt.kind, tt.table)
				if phoenix.ErrorCode(err) != phoenix.EINTERNAL {
					t.Errorf("%s: error code = %q, want %q", tt.name, phoenix.ErrorCode(err),
						phoenix.EINTERNAL)
				}
				if after := count(t, w.db, tt.table, ""); after != before {
					t.Errorf("%s: %s rows = %d after the failed transaction, want %d",
						tt.name, tt.table, after, before)
				}
			})
		}
	})
}

// TestFailedStatementEndsTx checks that a transaction whose function swallows a failed
// statement rolls back on both databases, as PostgreSQL requires.
func TestFailedStatementEndsTx(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		err := w.db.InTx(ctx, func(c *store.Conn) error {
			_, err := c.AddClosure(ctx, store.Closure{Day: phoenix.MustParseDate("2026-12-24"),
				Name: "Provider shutdown"}, t0)
			if err != nil {
				return err
			}
			_ = c.AddEvent(ctx, store.Event{RequestID: 9999, At: t0, Kind: "note", Text: "x"})
			return nil
		})
		wantConstraint(t, "InTx(swallowed failure)", err, store.ForeignKeyConstraint, "")
		if n := count(t, w.db, "closures", ""); n != 0 {
			t.Errorf("closures = %d after the rolled-back transaction, want 0", n)
		}
	})
}
