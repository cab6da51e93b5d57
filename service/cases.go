package service

import (
	"context"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// TaskItem is a task as the Task Filter lists it.
type TaskItem struct {
	phoenix.Task
	// Flame is set on open tasks the viewer can act on.
	Flame bool
}

// CaseView is everything the Assist case page shows.
type CaseView struct {
	Case         phoenix.Case
	Client       phoenix.Client
	Organisation phoenix.Organisation
	Contract     phoenix.Contract
	Consultant   *phoenix.User
	Sessions     []phoenix.Session
	Tasks        []TaskItem
	Requests     []phoenix.Request
	// Counts are the client's current 12-month period, as of today in the
	// organisation's time zone.
	Counts      phoenix.Counts
	OpenRequest *phoenix.Request
	// CanAct is set when the viewer may book sessions and request extra sessions.
	CanAct bool
	Today  phoenix.Date
}

// Case returns the Assist case page's content, and records the view in the audit log.
func (s *Service) Case(ctx context.Context, a Actor, id int64) (CaseView, error) {
	c := s.db.Conn()
	k, err := s.loadCase(ctx, c, a, id)
	if err != nil {
		return CaseView{}, err
	}
	v := CaseView{Case: k, CanAct: canActOnCase(a, k)}
	if err := s.fillCaseView(ctx, c, a, &v); err != nil {
		return CaseView{}, err
	}
	err = s.audit(ctx, c, a, "view", "case", k.ID, k.ClientID, k.ID, "")
	return v, err
}

func (s *Service) fillCaseView(ctx context.Context, c *store.Conn, a Actor, v *CaseView) error {
	var err error
	k := v.Case
	if v.Client, err = c.Client(ctx, k.ClientID); err != nil {
		return err
	}
	if v.Organisation, err = c.Organisation(ctx, k.OrganisationID); err != nil {
		return err
	}
	v.Today = phoenix.DateIn(s.clock.Now(), v.Organisation.Location())
	if v.Contract, err = c.ContractOn(ctx, k.OrganisationID, v.Today); err != nil {
		return err
	}
	if k.ConsultantID != 0 {
		u, err := c.User(ctx, k.ConsultantID)
		if err != nil {
			return err
		}
		v.Consultant = &u
	}
	if v.Sessions, err = c.CaseSessions(ctx, k.ID); err != nil {
		return err
	}
	tasks, err := c.CaseTasks(ctx, k.ID)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		v.Tasks = append(v.Tasks, TaskItem{Task: t, Flame: t.ActionableBy(a.User)})
	}
	if v.Requests, err = c.Requests(ctx, store.RequestFilter{CaseID: k.ID}); err != nil {
		return err
	}
	for i := range v.Requests {
		if v.Requests[i].State.Open() {
			v.OpenRequest = &v.Requests[i]
		}
	}
	v.Counts, err = s.counts(ctx, c, v.Client, v.Organisation, v.Today, 0)
	return err
}

// counts returns the client's period counts on a date, with requested extra sessions.
func (s *Service) counts(ctx context.Context, c *store.Conn, client phoenix.Client,
	org phoenix.Organisation, on phoenix.Date, requested int) (phoenix.Counts, error) {
	sessions, err := c.ClientSessions(ctx, client.ID)
	if err != nil {
		return phoenix.Counts{}, err
	}
	grants, err := c.Grants(ctx, client.ID)
	if err != nil {
		return phoenix.Counts{}, err
	}
	loc := org.Location()
	counted := make([]phoenix.CountedSession, len(sessions))
	for i, ses := range sessions {
		counted[i] = phoenix.CountedSession{Date: phoenix.DateIn(ses.StartsAt, loc),
			Status: ses.Status}
	}
	return phoenix.CountSessions(counted, grants, on, requested), nil
}

// CaseSummary is a row of a list of cases.
type CaseSummary struct {
	Case       phoenix.Case
	ClientName string
	Consultant string
}

// Cases returns one page of the cases the actor may see: a consultant's own, or every
// case for intake and administrators.
func (s *Service) Cases(ctx context.Context, a Actor, unassigned bool, page store.Page) ([]CaseSummary, error) {
	f := store.CaseFilter{Unassigned: unassigned, Page: page}
	switch a.User.Role {
	case phoenix.RoleConsultant:
		f.ConsultantID = a.User.ID
	case phoenix.RoleIntake, phoenix.RoleAdmin:
	default:
		return nil, forbidden()
	}
	c := s.db.Conn()
	cases, err := c.Cases(ctx, f)
	if err != nil {
		return nil, err
	}
	clientIDs := make([]int64, 0, len(cases))
	userIDs := make([]int64, 0, len(cases))
	for _, k := range cases {
		clientIDs = append(clientIDs, k.ClientID)
		if k.ConsultantID != 0 {
			userIDs = append(userIDs, k.ConsultantID)
		}
	}
	clients, err := c.ClientsByID(ctx, clientIDs)
	if err != nil {
		return nil, err
	}
	users, err := c.UsersByID(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	out := make([]CaseSummary, len(cases))
	for i, k := range cases {
		out[i] = CaseSummary{Case: k, ClientName: clients[k.ClientID].Name(),
			Consultant: users[k.ConsultantID].Name}
	}
	return out, nil
}

// OpenCase opens an Assist case for a client with the contract's sessions, and a
// Select Consultant task for intake. Only intake opens cases.
func (s *Service) OpenCase(ctx context.Context, a Actor, clientID int64) (int64, error) {
	if !a.Is(phoenix.RoleIntake) {
		return 0, forbidden()
	}
	var id int64
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		client, err := c.Client(ctx, clientID)
		if err != nil {
			return err
		}
		org, err := c.Organisation(ctx, client.OrganisationID)
		if err != nil {
			return err
		}
		if err := requireActive(org, "Assist cases"); err != nil {
			return err
		}
		now := s.clock.Now()
		today := phoenix.DateIn(now, org.Location())
		contract, err := c.ContractOn(ctx, org.ID, today)
		if err != nil {
			return err
		}
		id, err = s.openCase(ctx, c, client, contract, today, now)
		if err != nil {
			return err
		}
		return s.audit(ctx, c, a, "open", "case", id, client.ID, id, "")
	})
	return id, err
}

func (s *Service) openCase(ctx context.Context, c *store.Conn, client phoenix.Client,
	contract phoenix.Contract, today phoenix.Date, now time.Time) (int64, error) {
	id, err := c.CreateCase(ctx, phoenix.Case{ClientID: client.ID,
		OrganisationID: client.OrganisationID, Status: phoenix.CaseOpen, OpenedOn: today,
		CreatedAt: now})
	if err != nil {
		return 0, err
	}
	if err := c.AddGrant(ctx, id, client.ID, today, contract.SessionsPerPeriod, 0); err != nil {
		return 0, err
	}
	_, err = c.CreateTask(ctx, phoenix.Task{CaseID: id, Kind: phoenix.TaskSelectConsultant,
		AssigneeRole: phoenix.RoleIntake, Open: true, CreatedAt: now})
	return id, err
}

// SelectConsultant assigns the case to a consultant, completes the Select Consultant
// task and gives the consultant a Next Steps task.
func (s *Service) SelectConsultant(ctx context.Context, a Actor, caseID, consultantID int64) error {
	if !a.Is(phoenix.RoleIntake) {
		return forbidden()
	}
	return s.db.InTx(ctx, func(c *store.Conn) error {
		k, err := c.LockCase(ctx, caseID)
		if err != nil {
			return err
		}
		u, err := c.User(ctx, consultantID)
		if err != nil || u.Role != phoenix.RoleConsultant || !u.Active {
			return &phoenix.Error{Code: phoenix.EINVALID, Message: "Choose an active consultant.",
				Fields: map[string]string{"consultant_id": "Choose an active consultant."}}
		}
		now := s.clock.Now()
		if err := c.SetCaseConsultant(ctx, k.ID, u.ID); err != nil {
			return err
		}
		if err := c.CloseTasks(ctx, k.ID, phoenix.TaskSelectConsultant, 0, now); err != nil {
			return err
		}
		_, err = c.CreateTask(ctx, phoenix.Task{CaseID: k.ID, Kind: phoenix.TaskNextSteps,
			AssigneeID: u.ID, Open: true, CreatedAt: now})
		if err != nil {
			return err
		}
		return s.audit(ctx, c, a, "select_consultant", "case", k.ID, k.ClientID, k.ID, u.Name)
	})
}

// Consultants returns the active consultants, for intake's Select Consultant form.
func (s *Service) Consultants(ctx context.Context, a Actor) ([]phoenix.User, error) {
	if !a.Is(phoenix.RoleIntake, phoenix.RoleAdmin) {
		return nil, forbidden()
	}
	return s.db.Conn().Users(ctx, phoenix.RoleConsultant, 0)
}
