package testenv

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// Password is the password of every fixture account.
const Password = "correct horse battery staple"

// Fixture is a small provider: one organisation in metropolitan Melbourne with a
// contract of 6 sessions, one account of each role, a second consultant, and one
// client with an Assist case assigned to the first consultant.
type Fixture struct {
	Org         phoenix.Organisation
	Contract    phoenix.Contract
	Consultant  phoenix.User
	Consultant2 phoenix.User
	Intake      phoenix.User
	Leader      phoenix.User
	Admin       phoenix.User
	Reviewer    phoenix.User
	Client      phoenix.Client
	Case        phoenix.Case
}

// Actor returns an actor for u.
func Actor(u phoenix.User) service.Actor { return service.Actor{User: u, IP: "127.0.0.1"} }

// Seed stores the fixture.
func (e *Env) Seed(t testing.TB) Fixture {
	t.Helper()
	var f Fixture
	ctx := context.Background()
	err := e.DB.InTx(ctx, func(c *store.Conn) error {
		var err error
		f.Org, f.Contract, err = e.AddOrganisation(ctx, c, "Acme Freight", "VIC-MEL",
			"Australia/Melbourne", 6)
		if err != nil {
			return err
		}
		users := []*phoenix.User{&f.Consultant, &f.Consultant2, &f.Intake, &f.Leader,
			&f.Admin, &f.Reviewer}
		specs := []phoenix.User{
			{Email: "consultant@provider.test", Name: "Casey Consultant", Role: phoenix.RoleConsultant},
			{Email: "consultant2@provider.test", Name: "Other Consultant", Role: phoenix.RoleConsultant},
			{Email: "intake@provider.test", Name: "Ian Intake", Role: phoenix.RoleIntake},
			{Email: "leader@provider.test", Name: "Lee Leader", Role: phoenix.RoleClinicalLeader},
			{Email: "admin@provider.test", Name: "Ada Admin", Role: phoenix.RoleAdmin},
			{Email: "reviewer@acme.test", Name: "Rita Reviewer", Role: phoenix.RoleReviewer,
				OrganisationID: f.Org.ID},
		}
		for i, u := range specs {
			if *users[i], err = e.addUser(ctx, c, u); err != nil {
				return err
			}
		}
		f.Client, err = e.AddClient(ctx, c, f.Org.ID, "Jordan", "Quill")
		if err != nil {
			return err
		}
		f.Case, err = e.AddCase(ctx, c, f.Client, f.Consultant.ID, f.Contract.SessionsPerPeriod,
			phoenix.DateIn(Start, Melbourne).AddDays(-200))
		return err
	})
	Must(t, err)
	return f
}

func (e *Env) addUser(ctx context.Context, c *store.Conn, u phoenix.User) (phoenix.User, error) {
	if u.TimeZone == "" {
		u.TimeZone = "Australia/Melbourne"
	}
	u.Active = true
	id, err := e.Svc.CreateUser(ctx, c, u, Password)
	u.ID = id
	return u, err
}

// AddUser stores an account with the fixture password.
func (e *Env) AddUser(t testing.TB, u phoenix.User) phoenix.User {
	t.Helper()
	var out phoenix.User
	Must(t, e.DB.InTx(context.Background(), func(c *store.Conn) error {
		var err error
		out, err = e.addUser(context.Background(), c, u)
		return err
	}))
	return out
}

// AddOrganisation stores an organisation with a contract of the given sessions,
// in force since 2020.
func (e *Env) AddOrganisation(ctx context.Context, c *store.Conn, name, region, zone string,
	sessions int) (phoenix.Organisation, phoenix.Contract, error) {
	o := phoenix.Organisation{Name: name, Region: region, TimeZone: zone, Active: true}
	id, err := c.CreateOrganisation(ctx, o, Start)
	if err != nil {
		return o, phoenix.Contract{}, err
	}
	o.ID = id
	k := phoenix.Contract{OrganisationID: id, EffectiveFrom: phoenix.MustParseDate("2020-01-01"),
		SessionsPerPeriod: sessions, MaxExtraPerRequest: 4, ClinicalThreshold: 12,
		GoalDays: 7, DeadlineDays: 8}
	k.ID, err = c.AddContract(ctx, k, Start)
	return o, k, err
}

// AddClient stores a client with invented, distinctive identifiers.
func (e *Env) AddClient(ctx context.Context, c *store.Conn, orgID int64, first, last string) (phoenix.Client, error) {
	k := phoenix.Client{OrganisationID: orgID, FirstName: first, LastName: last,
		DateOfBirth: phoenix.MustParseDate("1984-07-19"),
		Email:       fmt.Sprintf("%s.%s@mail.test", first, last), Phone: "0412 555 019",
		EmployeeNumber: "EMP-40417", Relation: phoenix.RelationEmployee, CreatedAt: Start}
	id, err := c.CreateClient(ctx, k)
	k.ID = id
	return k, err
}

// AddCase opens a case for the client with an allowance granted on opened.
func (e *Env) AddCase(ctx context.Context, c *store.Conn, client phoenix.Client, consultantID int64,
	allowance int, opened phoenix.Date) (phoenix.Case, error) {
	k := phoenix.Case{ClientID: client.ID, OrganisationID: client.OrganisationID,
		ConsultantID: consultantID, Status: phoenix.CaseOpen, OpenedOn: opened, CreatedAt: Start}
	id, err := c.CreateCase(ctx, k)
	if err != nil {
		return k, err
	}
	k.ID = id
	if err := c.AddGrant(ctx, id, client.ID, opened, allowance, 0); err != nil {
		return k, err
	}
	k.Allowance = allowance
	return k, nil
}

// AddSession stores a session on a case directly, in any status and at any time,
// as records of past sessions need.
func (e *Env) AddSession(t testing.TB, k phoenix.Case, at time.Time, status phoenix.SessionStatus) phoenix.Session {
	t.Helper()
	s := phoenix.Session{CaseID: k.ID, ConsultantID: k.ConsultantID, StartsAt: at, Minutes: 50,
		TimeZone: at.Location().String(), Mode: phoenix.ModeVideo, Status: status, UpdatedAt: at}
	id, err := e.Conn().CreateSession(context.Background(), s, k.ClientID)
	Must(t, err)
	s.ID = id
	return s
}

// RequestInput returns a valid request form for today in the fixture's organisation.
func (e *Env) RequestInput(sessions int, key string) service.RequestInput {
	return service.RequestInput{Requestor: "consultant", Sessions: fmt.Sprint(sessions),
		RequestDate: phoenix.DateIn(e.Clock.Now(), Melbourne).String(),
		Goals:       "Build coping strategies for a restructure at work and plan a return to full duties.",
		Pathway:     string(phoenix.PathwayContinueEAP), IdempotencyKey: key}
}
