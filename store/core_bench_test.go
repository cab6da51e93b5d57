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

// The benchmark provider: 10 organisations, 40 consultants, 4,000 clients with a case
// each, 5 appointments per case over the year to October 2026 (20,000 in all), and a
// request on every case, one in ten still awaiting its organisation.
const (
	benchOrgs        = 10
	benchConsultants = 40
	benchCases       = 4000
	benchSessions    = 5
)

// benchWorld is the benchmark provider on one database.
type benchWorld struct {
	db          *store.DB
	consultants []int64
	orgs        []int64
}

// eachDatabase runs the benchmark on SQLite and on PostgreSQL, as testenv.Each does
// for tests.
func eachDatabase(b *testing.B, fn func(b *testing.B, w *benchWorld)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, seedBench(b, testenv.SQLite(b))) })
	b.Run("postgres", func(b *testing.B) { fn(b, seedBench(b, testenv.PostgresDSN(b))) })
}

func seedBench(b *testing.B, dsn string) *benchWorld {
	b.Helper()
	w := &benchWorld{db: openDB(b, dsn)}
	ctx := context.Background()
	err := w.db.InTx(ctx, func(c *store.Conn) error {
		contracts := map[int64]int64{}
		for i := range benchOrgs {
			id, err := c.CreateOrganisation(ctx, phoenix.Organisation{Name: fmt.Sprintf("Org %02d", i),
				Region: "VIC-MEL", TimeZone: "Australia/Melbourne", Active: true}, t0)
			if err != nil {
				return err
			}
			contracts[id], err = c.AddContract(ctx, phoenix.Contract{OrganisationID: id,
				EffectiveFrom: phoenix.MustParseDate("2020-01-01"), SessionsPerPeriod: 6,
				MaxExtraPerRequest: 4, ClinicalThreshold: 12, GoalDays: 7, DeadlineDays: 8}, t0)
			if err != nil {
				return err
			}
			w.orgs = append(w.orgs, id)
		}
		for i := range benchConsultants {
			id, err := c.CreateUser(ctx, phoenix.User{Email: fmt.Sprintf("c%02d@provider.test", i),
				Name: fmt.Sprintf("Consultant %02d", i), Role: phoenix.RoleConsultant,
				TimeZone: "Australia/Melbourne", Active: true, CreatedAt: t0}, "")
			if err != nil {
				return err
			}
			w.consultants = append(w.consultants, id)
		}
		for i := range benchCases {
			if err := w.seedCase(ctx, c, i, contracts); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seeding the benchmark provider: %v", err)
	}
	return w
}

// seedCase stores client i with its case, appointments and request.
func (w *benchWorld) seedCase(ctx context.Context, c *store.Conn, i int, contracts map[int64]int64) error {
	org := w.orgs[i%benchOrgs]
	consultant := w.consultants[i%benchConsultants]
	clientID, err := c.CreateClient(ctx, phoenix.Client{OrganisationID: org,
		FirstName: fmt.Sprintf("First%d", i), LastName: fmt.Sprintf("Last%d", i),
		DateOfBirth: phoenix.MustParseDate("1980-01-01"), Relation: phoenix.RelationEmployee,
		CreatedAt: t0})
	if err != nil {
		return err
	}
	opened := phoenix.MustParseDate("2025-11-01").AddDays(i % 300)
	caseID, err := c.CreateCase(ctx, phoenix.Case{ClientID: clientID, OrganisationID: org,
		ConsultantID: consultant, Status: phoenix.CaseOpen, Allowance: 6, OpenedOn: opened,
		CreatedAt: t0})
	if err != nil {
		return err
	}
	start := opened.In(melbourne).Add(time.Duration(9+i%8) * time.Hour)
	for s := range benchSessions {
		_, err := c.CreateSession(ctx, phoenix.Session{CaseID: caseID, ConsultantID: consultant,
			StartsAt: start.AddDate(0, 0, 7*s), Minutes: 50, TimeZone: "Australia/Melbourne",
			Mode: phoenix.ModeVideo, Status: phoenix.SessionCompleted, UpdatedAt: t0}, clientID)
		if err != nil {
			return err
		}
	}
	// One request in ten is open, spread over the organisations: cases i%10 belong to
	// organisation i%10, so the open ones are those with (i/10)%10 == 0.
	state := phoenix.StateApproved
	if (i/benchOrgs)%10 == 0 {
		state = phoenix.StateAwaitingOrganisation
	}
	submitted := start.AddDate(0, 0, 7*benchSessions)
	goal, deadline := submitted.AddDate(0, 0, 9), submitted.AddDate(0, 0, 10)
	_, err = c.CreateRequest(ctx, phoenix.Request{CaseID: caseID, ClientID: clientID,
		OrganisationID: org, ConsultantID: consultant, ContractID: contracts[org],
		Requestor: phoenix.RequestorConsultant, Sessions: 2, RequestDate: opened,
		Goals: "Plan a return to full duties.", Pathway: phoenix.PathwayContinueEAP,
		State: state, Counts: phoenix.Counts{Period: phoenix.Period{Start: opened,
			End: opened.AddMonthsClamped(12)}, Completed: benchSessions, Remaining: 1},
		Threshold: 12, SubmittedAt: submitted, ReceivedAt: &submitted, Goal: &goal,
		Deadline: &deadline}, consultant, fmt.Sprintf("key-%d", i))
	return err
}

// BenchmarkCalendar reads a consultant's week as the calendar page does: the week's
// appointments, then their clients' names.
func BenchmarkCalendar(b *testing.B) {
	eachDatabase(b, func(b *testing.B, w *benchWorld) {
		ctx := context.Background()
		c := w.db.Conn()
		monday := time.Date(2026, 6, 1, 0, 0, 0, 0, melbourne)
		found, i := 0, 0
		for ; b.Loop(); i++ {
			sessions, err := c.ConsultantSessions(ctx, w.consultants[i%benchConsultants],
				monday, monday.AddDate(0, 0, 7))
			if err != nil {
				b.Fatal(err)
			}
			caseIDs := make([]int64, len(sessions))
			for j, s := range sessions {
				caseIDs[j] = s.CaseID
			}
			clientOf, err := c.CaseClients(ctx, caseIDs)
			if err != nil {
				b.Fatal(err)
			}
			clientIDs := make([]int64, 0, len(clientOf))
			for _, id := range clientOf {
				clientIDs = append(clientIDs, id)
			}
			if _, err := c.ClientsByID(ctx, clientIDs); err != nil {
				b.Fatal(err)
			}
			found += len(sessions)
		}
		b.ReportMetric(float64(found)/float64(i), "appointments/op")
	})
}

// BenchmarkRequestList reads the first page of two request lists: a consultant's
// requests, newest first, and an organisation's open requests by deadline.
func BenchmarkRequestList(b *testing.B) {
	eachDatabase(b, func(b *testing.B, w *benchWorld) {
		ctx := context.Background()
		c := w.db.Conn()
		lists := []struct {
			name   string
			filter func(i int) store.RequestFilter
		}{
			{"consultant", func(i int) store.RequestFilter {
				return store.RequestFilter{ConsultantID: w.consultants[i%benchConsultants]}
			}},
			{"organisation", func(i int) store.RequestFilter {
				return store.RequestFilter{OrganisationID: w.orgs[i%benchOrgs],
					States:          []phoenix.RequestState{phoenix.StateAwaitingOrganisation},
					OrderByDeadline: true}
			}},
		}
		for _, l := range lists {
			b.Run(l.name, func(b *testing.B) {
				rows, i := 0, 0
				for ; b.Loop(); i++ {
					list, err := c.Requests(ctx, l.filter(i))
					if err != nil {
						b.Fatal(err)
					}
					rows += len(list)
				}
				b.ReportMetric(float64(rows)/float64(i), "requests/op")
			})
		}
	})
}
