package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/demo"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
)

// TestLoadShape loads the demo data on each database and checks what the demo
// promises: no consultant has two sessions at once, every session status appears,
// and the first consultant has appointments in the week of the clock.
func TestLoadShape(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		accounts, loaded, err := demo.Load(ctx, env.Svc, env.DB)
		testenv.Must(t, err)
		if !loaded {
			t.Fatal("Load into an empty database reports nothing loaded")
		}

		c := env.Conn()
		statuses := map[phoenix.SessionStatus]int{}
		consultants := 0
		for _, u := range accounts {
			if u.Role != phoenix.RoleConsultant {
				continue
			}
			consultants++
			sessions, err := c.ConsultantSessions(ctx, u.ID, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
				time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
			testenv.Must(t, err)
			for i, s := range sessions {
				statuses[s.Status]++
				if i > 0 && s.StartsAt.Before(sessions[i-1].EndsAt()) {
					t.Errorf("%s has overlapping sessions %d at %s and %d at %s", u.Name,
						sessions[i-1].ID, sessions[i-1].StartsAt, s.ID, s.StartsAt)
				}
			}
		}
		if consultants != 6 {
			t.Errorf("demo has %d consultants, want 6", consultants)
		}
		for _, st := range phoenix.SessionStatuses {
			if statuses[st] == 0 {
				t.Errorf("no demo session is %s", st.Label())
			}
		}

		first := accounts[0]
		v, err := env.Svc.Calendar(ctx, testenv.Actor(first), 0, phoenix.Date{}, true)
		testenv.Must(t, err)
		n := 0
		for _, d := range v.Days {
			n += len(d.Items)
		}
		if n < 3 {
			t.Errorf("%s has %d appointments this week, want several", first.Name, n)
		}

		// Every request, decided or open, was submitted and decided before now.
		now := env.Clock.Now()
		requests, err := c.Requests(ctx, store.RequestFilter{Page: store.Page{Limit: 200}})
		testenv.Must(t, err)
		if len(requests) < 10 {
			t.Errorf("demo has %d requests, want at least 10", len(requests))
		}
		for _, r := range requests {
			if r.SubmittedAt.After(now) || (r.DecidedAt != nil && r.DecidedAt.After(now)) {
				t.Errorf("%s submitted %s, decided %v: after the clock's %s", r.Reference(),
					r.SubmittedAt, r.DecidedAt, now)
			}
		}

		// A second load leaves the data as they are.
		_, loaded, err = demo.Load(ctx, env.Svc, env.DB)
		testenv.Must(t, err)
		if loaded {
			t.Error("Load into a database with data loaded it again")
		}
		orgs, err := c.Organisations(ctx)
		testenv.Must(t, err)
		if len(orgs) < 4 {
			t.Errorf("demo has %d organisations, want at least 4", len(orgs))
		}
	})
}
