// Package demo loads an invented data set for demonstrations, training and tests:
// organisations in five time zones, the provider's staff, 80 clients and twelve months
// of their sessions, Assist cases at every stage and extra sessions requests.
//
// The data are generated from a fixed seed and placed around the Monday of the
// current week of the service's clock, so two loads with the same clock give the same
// data, and a demo started on any day shows sessions this week.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// ClientCount is the number of demo clients.
const ClientCount = 80

// Load fills an empty database with the demo data and returns the demo accounts.
// A database that already has organisations is left as it is; loaded reports which.
func Load(ctx context.Context, svc *service.Service, db *store.DB) (accounts []phoenix.User, loaded bool, err error) {
	n, err := db.Conn().CountOrganisations(ctx)
	if err != nil {
		return nil, false, err
	}
	if n == 0 {
		g := newGenerator(svc)
		if err := db.InTx(ctx, g.generate); err != nil {
			return nil, false, err
		}
		if err := g.submitOpenRequests(ctx); err != nil {
			return nil, false, err
		}
		loaded = true
	}
	accounts, err = Accounts(ctx, db)
	return accounts, loaded, err
}

// Accounts returns the demo accounts that exist in the database.
func Accounts(ctx context.Context, db *store.DB) ([]phoenix.User, error) {
	var out []phoenix.User
	c := db.Conn()
	for _, role := range phoenix.Roles {
		users, err := c.Users(ctx, role, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, users...)
	}
	return out, nil
}

type generator struct {
	svc    *service.Service
	rng    *rand.Rand
	now    time.Time
	monday phoenix.Date

	orgs        []phoenix.Organisation
	contracts   []phoenix.Contract
	consultants []phoenix.User
	intake      phoenix.User
	// booked holds the start, in Unix seconds, of every session booked so far for
	// each consultant, so that no consultant has two sessions at once.
	booked map[int64]map[int64]bool
	// pending are cases whose open requests are submitted through the service once
	// the data are committed, so that they take the real path.
	pending []pendingRequest
}

type pendingRequest struct {
	caseID     int64
	consultant phoenix.User
	sessions   int
	goals      string
	pathway    phoenix.Pathway
}

func newGenerator(svc *service.Service) *generator {
	now := svc.Now()
	mel, _ := time.LoadLocation("Australia/Melbourne")
	today := phoenix.DateIn(now, mel)
	monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	return &generator{svc: svc, rng: rand.New(rand.NewPCG(2026, 1204)), now: now, monday: monday,
		booked: map[int64]map[int64]bool{}}
}

func (g *generator) generate(c *store.Conn) error {
	ctx := context.Background()
	if err := g.organisations(ctx, c); err != nil {
		return err
	}
	if err := g.staff(ctx, c); err != nil {
		return err
	}
	for i := range ClientCount {
		if err := g.client(ctx, c, i); err != nil {
			return fmt.Errorf("demo client %d: %w", i, err)
		}
	}
	return nil
}

func (g *generator) organisations(ctx context.Context, c *store.Conn) error {
	from := g.monday.AddDays(-3 * 365)
	for _, spec := range orgSpecs {
		o := phoenix.Organisation{Name: spec.name, Region: spec.region, TimeZone: spec.zone,
			Active: true}
		id, err := c.CreateOrganisation(ctx, o, g.now)
		if err != nil {
			return err
		}
		o.ID = id
		k := phoenix.Contract{OrganisationID: id, EffectiveFrom: from,
			SessionsPerPeriod: spec.sessions, MaxExtraPerRequest: phoenix.MaxExtraLimit,
			ClinicalThreshold: phoenix.DefaultThreshold, GoalDays: phoenix.DefaultGoalDays,
			DeadlineDays: phoenix.DefaultDeadline}
		if k.ID, err = c.AddContract(ctx, k, g.now); err != nil {
			return err
		}
		g.orgs = append(g.orgs, o)
		g.contracts = append(g.contracts, k)

		reviewer := phoenix.User{Email: "reviewer@" + spec.domain,
			Name: "Reviewer, " + spec.name, Role: phoenix.RoleReviewer, OrganisationID: id,
			TimeZone: spec.zone, Active: true, CreatedAt: g.now}
		if _, err := g.svc.CreateUser(ctx, c, reviewer, Password); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) staff(ctx context.Context, c *store.Conn) error {
	for _, spec := range staffSpecs {
		u := phoenix.User{Email: spec.email, Name: spec.name, Role: spec.role,
			TimeZone: spec.zone, Active: true, CreatedAt: g.now}
		id, err := g.svc.CreateUser(ctx, c, u, Password)
		if err != nil {
			return err
		}
		u.ID = id
		switch spec.role {
		case phoenix.RoleConsultant:
			g.consultants = append(g.consultants, u)
		case phoenix.RoleIntake:
			g.intake = u
		}
	}
	return nil
}
