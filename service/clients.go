package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// ClientInput is the client form as typed.
type ClientInput struct {
	OrganisationID string `json:"organisation_id"`
	FirstName      string `json:"first_name"`
	LastName       string `json:"last_name"`
	PreferredName  string `json:"preferred_name"`
	// DateOfBirth is YYYY-MM-DD or DD/MM/YYYY.
	DateOfBirth    string `json:"date_of_birth"`
	Email          string `json:"email"`
	Phone          string `json:"phone"`
	EmployeeNumber string `json:"employee_number"`
	Relation       string `json:"relation"`
}

// ClientInputOf returns a stored client as the form shows it for editing.
func ClientInputOf(k phoenix.Client) ClientInput {
	return ClientInput{OrganisationID: strconv.FormatInt(k.OrganisationID, 10),
		FirstName: k.FirstName, LastName: k.LastName, PreferredName: k.PreferredName,
		DateOfBirth: k.DateOfBirth.String(), Email: k.Email, Phone: k.Phone,
		EmployeeNumber: k.EmployeeNumber, Relation: string(k.Relation)}
}

// canManageClients reports whether the actor may see, add and change clients: intake,
// and administrators, who also import them.
func canManageClients(a Actor) bool {
	return a.Is(phoenix.RoleIntake, phoenix.RoleAdmin)
}

// parseClient checks the form and returns the client. The organisation must exist, and
// must be active unless the client already belongs to it (keepOrg).
func (s *Service) parseClient(ctx context.Context, c *store.Conn, in ClientInput,
	keepOrg int64) (phoenix.Client, error) {
	var v phoenix.Validation
	org, msg := s.clientOrganisation(ctx, c, in.OrganisationID, keepOrg)
	if msg != "" {
		v.Add("organisation_id", msg)
	}
	loc := time.UTC
	if org.ID != 0 {
		loc = org.Location()
	}
	k := checkClientFields(in, phoenix.DateIn(s.clock.Now(), loc), &v)
	k.OrganisationID = org.ID
	return k, v.Err()
}

func (s *Service) clientOrganisation(ctx context.Context, c *store.Conn, idText string,
	keepOrg int64) (phoenix.Organisation, string) {
	id, err := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
	if err != nil || id <= 0 {
		return phoenix.Organisation{}, "Organisation is required: choose one from the list."
	}
	org, err := c.Organisation(ctx, id)
	if err != nil {
		return phoenix.Organisation{}, "Organisation must be chosen from the list."
	}
	if !org.Active && org.ID != keepOrg {
		return org, fmt.Sprintf("%s is deactivated and takes no new clients.", org.Name)
	}
	return org, ""
}

// duplicateOf returns the first other client that k would duplicate: one in the same
// organisation with the same name and date of birth, or one with the same email
// address, ignoring case. The message names the matching fields.
func duplicateOf(ctx context.Context, c *store.Conn, k phoenix.Client) (phoenix.Client, string, bool, error) {
	if k.Email != "" {
		found, err := c.ClientsByEmail(ctx, []string{k.Email})
		if err != nil {
			return phoenix.Client{}, "", false, err
		}
		for _, other := range found {
			if other.ID != k.ID {
				return other, "email", true, nil
			}
		}
	}
	found, err := c.ClientsByIdentity(ctx, []store.IdentityKey{{OrganisationID: k.OrganisationID,
		LastName: k.LastName, DateOfBirth: k.DateOfBirth}})
	if err != nil {
		return phoenix.Client{}, "", false, err
	}
	for _, other := range found {
		if other.ID != k.ID && sameName(other, k) {
			return other, "name", true, nil
		}
	}
	return phoenix.Client{}, "", false, nil
}

func sameName(a, b phoenix.Client) bool {
	return strings.EqualFold(a.FirstName, b.FirstName) && strings.EqualFold(a.LastName, b.LastName)
}

// duplicateError is the error for a client that already exists, with a link to it.
func duplicateError(other phoenix.Client, match string) error {
	e := &phoenix.Error{Code: phoenix.ECONFLICT, Link: fmt.Sprintf("/clients/%d", other.ID)}
	if match == "email" {
		e.Message = fmt.Sprintf("Client %s already has this email address; open that "+
			"record instead of adding the person twice.", other.Name())
		e.Fields = map[string]string{"email": "Another client already has this email address."}
		return e
	}
	e.Message = fmt.Sprintf("Client %s in this organisation already has this name and date "+
		"of birth; open that record instead of adding the person twice.", other.Name())
	e.Fields = map[string]string{"date_of_birth": "Another client of this organisation has " +
		"the same name and date of birth."}
	return e
}

// CreateClient adds a client. Intake and administrators only.
func (s *Service) CreateClient(ctx context.Context, a Actor, in ClientInput) (phoenix.Client, error) {
	if !canManageClients(a) {
		return phoenix.Client{}, forbidden()
	}
	var k phoenix.Client
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		if err := c.LockClients(ctx); err != nil {
			return err
		}
		var err error
		if k, err = s.parseClient(ctx, c, in, 0); err != nil {
			return err
		}
		if other, match, dup, err := duplicateOf(ctx, c, k); err != nil {
			return err
		} else if dup {
			return duplicateError(other, match)
		}
		k.CreatedAt = s.clock.Now()
		if k.ID, err = c.CreateClient(ctx, k); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "create", "client", k.ID, k.ID, 0, "")
	})
	return k, err
}

// UpdateClient changes a client's details. Intake and administrators only.
func (s *Service) UpdateClient(ctx context.Context, a Actor, id int64, in ClientInput) (phoenix.Client, error) {
	if !canManageClients(a) {
		return phoenix.Client{}, forbidden()
	}
	var k phoenix.Client
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		if err := c.LockClients(ctx); err != nil {
			return err
		}
		old, err := c.Client(ctx, id)
		if err != nil {
			return err
		}
		if k, err = s.parseClient(ctx, c, in, old.OrganisationID); err != nil {
			return err
		}
		k.ID, k.CreatedAt = old.ID, old.CreatedAt
		changed := changedFields(old, k)
		if changed == "" {
			return nil
		}
		if other, match, dup, err := duplicateOf(ctx, c, k); err != nil {
			return err
		} else if dup {
			return duplicateError(other, match)
		}
		if err := c.UpdateClient(ctx, k); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "update", "client", k.ID, k.ID, 0, "changed "+changed)
	})
	return k, err
}

// changedFields names the fields that differ, without their values: the audit log
// records that a detail changed, and the client's record holds the detail itself.
func changedFields(old, k phoenix.Client) string {
	pairs := []struct {
		name string
		a, b any
	}{
		{"organisation", old.OrganisationID, k.OrganisationID},
		{"first name", old.FirstName, k.FirstName},
		{"last name", old.LastName, k.LastName},
		{"preferred name", old.PreferredName, k.PreferredName},
		{"date of birth", old.DateOfBirth, k.DateOfBirth},
		{"email", old.Email, k.Email},
		{"phone", old.Phone, k.Phone},
		{"employee number", old.EmployeeNumber, k.EmployeeNumber},
		{"relation", old.Relation, k.Relation},
	}
	var names []string
	for _, p := range pairs {
		if p.a != p.b {
			names = append(names, p.name)
		}
	}
	return strings.Join(names, ", ")
}

// ClientView is the client page's content.
type ClientView struct {
	Client       phoenix.Client
	Organisation phoenix.Organisation
	Cases        []CaseSummary
	// CanOpenCase is set when the viewer may open an Assist case for the client.
	CanOpenCase bool
}

// Client returns a client's record and their Assist cases, and records the view in the
// audit log. Intake and administrators only. A consultant reads their own clients'
// details on the case page, and organisation reviewers never get client details.
func (s *Service) Client(ctx context.Context, a Actor, id int64) (ClientView, error) {
	if !canManageClients(a) {
		return ClientView{}, forbidden()
	}
	c := s.db.Conn()
	k, err := c.Client(ctx, id)
	if err != nil {
		return ClientView{}, err
	}
	v := ClientView{Client: k}
	if v.Organisation, err = c.Organisation(ctx, k.OrganisationID); err != nil {
		return ClientView{}, err
	}
	v.CanOpenCase = a.Is(phoenix.RoleIntake) && v.Organisation.Active

	cases, err := c.Cases(ctx, store.CaseFilter{ClientID: k.ID, Page: store.Page{Limit: 200}})
	if err != nil {
		return ClientView{}, err
	}
	ids := make([]int64, 0, len(cases))
	for _, kc := range cases {
		ids = append(ids, kc.ConsultantID)
	}
	users, err := c.UsersByID(ctx, ids)
	if err != nil {
		return ClientView{}, err
	}
	for _, kc := range cases {
		v.Cases = append(v.Cases, CaseSummary{Case: kc, ClientName: k.Name(),
			Consultant: users[kc.ConsultantID].Name})
	}

	err = s.audit(ctx, c, a, "view", "client", k.ID, k.ID, 0, "")
	return v, err
}

// ClientSummary is a row of the client list.
type ClientSummary struct {
	Client       phoenix.Client
	Organisation string
}

// Clients returns one page of clients ordered by name. A search keeps those whose first
// name, last name or email starts with it, and is recorded in the audit log, since its
// results show personal details. Intake and administrators only.
func (s *Service) Clients(ctx context.Context, a Actor, search string, page store.Page) ([]ClientSummary, error) {
	if !canManageClients(a) {
		return nil, forbidden()
	}
	search = strings.TrimSpace(search)
	c := s.db.Conn()
	list, err := c.Clients(ctx, search, page)
	if err != nil {
		return nil, err
	}
	orgs, err := c.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	out := make([]ClientSummary, len(list))
	for i, k := range list {
		out[i] = ClientSummary{Client: k, Organisation: names[k.OrganisationID]}
	}
	if search != "" {
		err = s.audit(ctx, c, a, "search", "client", 0, 0, 0, search)
	}
	return out, err
}
