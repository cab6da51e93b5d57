package store_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
)

func TestInstants(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		sydney, err := time.LoadLocation("Australia/Sydney")
		testenv.Must(t, err)
		london, err := time.LoadLocation("Europe/London")
		testenv.Must(t, err)

		tests := []struct {
			name string
			in   time.Time
			want time.Time
			text string
		}{
			{"UTC with microseconds", t0, t0, "2026-10-29T03:00:00.123456Z"},
			{"Melbourne daylight time", time.Date(2026, 10, 29, 14, 0, 0, 1000, melbourne),
				time.Date(2026, 10, 29, 3, 0, 0, 1000, time.UTC), "2026-10-29T03:00:00.000001Z"},
			{"nanoseconds truncated", time.Date(2026, 1, 2, 3, 4, 5, 999999999, time.UTC),
				time.Date(2026, 1, 2, 3, 4, 5, 999999000, time.UTC), "2026-01-02T03:04:05.999999Z"},
			// 02:30 on 5 April 2026 happens twice in Sydney; the offset keeps them apart.
			{"repeated hour, first", time.Date(2026, 4, 5, 2, 30, 0, 0, time.FixedZone("AEDT", 11*3600)),
				time.Date(2026, 4, 4, 15, 30, 0, 0, time.UTC), "2026-04-04T15:30:00.000000Z"},
			{"repeated hour, second", time.Date(2026, 4, 5, 2, 30, 0, 0, time.FixedZone("AEST", 10*3600)),
				time.Date(2026, 4, 4, 16, 30, 0, 0, time.UTC), "2026-04-04T16:30:00.000000Z"},
			{"Sydney midnight", time.Date(2027, 1, 1, 0, 0, 0, 0, sydney),
				time.Date(2026, 12, 31, 13, 0, 0, 0, time.UTC), "2026-12-31T13:00:00.000000Z"},
			{"London summer", time.Date(2026, 7, 1, 9, 0, 0, 0, london),
				time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC), "2026-07-01T08:00:00.000000Z"},
		}
		for _, tt := range tests {
			e := phoenix.AuditEvent{At: tt.in, Action: "test", Object: tt.name}
			testenv.Must(t, c.AddAudit(ctx, e))
			var text string
			err := w.db.SQL().QueryRow(w.rebind(`SELECT at FROM audit_events WHERE object = ?`),
				tt.name).Scan(&text)
			testenv.Must(t, err)
			if text != tt.text {
				t.Errorf("%s: stored %q, want %q", tt.name, text, tt.text)
			}
			got, err := c.Audit(ctx, store.AuditFilter{From: tt.want, To: tt.want.Add(time.Microsecond)})
			testenv.Must(t, err)
			if len(got) != 1 {
				t.Errorf("%s: Audit([%v, +1µs)) found %d events, want 1", tt.name, tt.want, len(got))
				continue
			}
			if !got[0].At.Equal(tt.want) || got[0].At.Location() != time.UTC {
				t.Errorf("%s: read back %v, want %v in UTC", tt.name, got[0].At, tt.want)
			}
		}
	})
}

// TestInstantOrder stores appointments at shuffled instants a microsecond to years
// apart, written in several zones, and expects the database's text order, its range
// queries and Go's time order to agree.
func TestInstantOrder(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		zones := []*time.Location{time.UTC, melbourne, time.FixedZone("UTC-9:30", -(9*3600 + 1800)),
			time.FixedZone("UTC+14", 14*3600)}
		base := time.Date(2026, 10, 4, 15, 59, 59, 999999000, time.UTC)
		steps := []time.Duration{0, time.Microsecond, 2 * time.Microsecond, time.Millisecond,
			time.Second, time.Minute, time.Hour, 24 * time.Hour, 400 * 24 * time.Hour,
			-time.Microsecond, -time.Hour, -3000 * 24 * time.Hour}
		rng := rand.New(rand.NewPCG(7, 11))
		order := rng.Perm(len(steps))

		var want []time.Time
		for i, p := range order {
			at := base.Add(steps[p]).In(zones[i%len(zones)])
			want = append(want, at)
			s := phoenix.Session{CaseID: w.kase.ID, ConsultantID: w.consultant.ID, StartsAt: at,
				Minutes: 50, TimeZone: at.Location().String(), Mode: phoenix.ModeVideo,
				Status: phoenix.SessionScheduled, UpdatedAt: t0}
			newID(t)(c.CreateSession(ctx, s, w.client.ID))
		}
		slices.SortFunc(want, time.Time.Compare)

		starts := func(list []phoenix.Session) []time.Time {
			out := []time.Time{}
			for _, s := range list {
				out = append(out, s.StartsAt)
			}
			return out
		}
		all, err := c.CaseSessions(ctx, w.kase.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(want, starts(all), instantEqual); diff != "" {
			t.Errorf("CaseSessions order (-want +got):\n%s", diff)
		}

		// [base, base+1h) holds base, +1µs, +2µs, +1ms, +1s and +1m, whatever zone the
		// bounds are written in.
		from, to := base.In(melbourne), base.Add(time.Hour).In(zones[2])
		got, err := c.ConsultantSessions(ctx, w.consultant.ID, from, to)
		testenv.Must(t, err)
		var inRange []time.Time
		for _, at := range want {
			if !at.Before(from) && at.Before(to) {
				inRange = append(inRange, at)
			}
		}
		if len(inRange) != 6 {
			t.Fatalf("test setup: %d instants in range, want 6", len(inRange))
		}
		if diff := cmp.Diff(inRange, starts(got), instantEqual); diff != "" {
			t.Errorf("ConsultantSessions([%v, %v)) (-want +got):\n%s", from, to, diff)
		}
	})
}

func TestDates(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()

		for _, day := range []string{"1900-01-01", "1999-12-31", "2000-02-29", "2024-02-29",
			"2026-10-04", "9999-12-31"} {
			k := w.client
			k.DateOfBirth = phoenix.MustParseDate(day)
			k.ID = newID(t)(c.CreateClient(ctx, k))
			got, err := c.Client(ctx, k.ID)
			testenv.Must(t, err)
			if got.DateOfBirth != k.DateOfBirth {
				t.Errorf("date of birth %s read back as %s", day, got.DateOfBirth)
			}
		}

		// Dates compare as text in ContractOn: ten terms, each taking effect on the
		// first of a month, across a change of year.
		var contracts []phoenix.Contract
		first := phoenix.MustParseDate("2026-08-01")
		for i := range 10 {
			k := w.contract
			k.EffectiveFrom = first.AddMonthsClamped(i)
			k.SessionsPerPeriod = 10 + i
			k.ID = newID(t)(c.AddContract(ctx, k, t0))
			contracts = append(contracts, k)
		}
		for i, k := range contracts {
			last := k.EffectiveFrom.AddMonthsClamped(1).AddDays(-1)
			for _, day := range []phoenix.Date{k.EffectiveFrom, last} {
				got, err := c.ContractOn(ctx, w.org.ID, day)
				testenv.Must(t, err)
				if got.ID != k.ID {
					t.Errorf("ContractOn(%s) = terms from %s, want those from %s (number %d)",
						day, got.EffectiveFrom, k.EffectiveFrom, i)
				}
			}
		}

		// An instant or date left zero is stored as NULL, which NOT NULL columns reject.
		k := w.client
		k.CreatedAt = time.Time{}
		_, err := c.CreateClient(ctx, k)
		wantConstraint(t, "CreateClient(zero created_at)", err, store.NotNullConstraint, "clients")
	})
}
