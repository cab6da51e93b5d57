package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

func (s *Server) clientRoutes() {
	s.mux.Handle("GET /clients", s.page(s.clients))
	s.mux.Handle("GET /clients/new", s.page(s.newClientForm))
	s.mux.Handle("POST /clients", s.page(s.createClient))
	s.mux.Handle("GET /clients/{id}", s.page(s.client))
	s.mux.Handle("GET /clients/{id}/edit", s.page(s.editClientForm))
	s.mux.Handle("POST /clients/{id}", s.page(s.updateClient))
	s.importRoutes()
}

type clientCaseJSON struct {
	ID         int64  `json:"id"`
	Reference  string `json:"reference"`
	Status     string `json:"status"`
	Consultant string `json:"consultant,omitempty"`
	Allowance  int    `json:"allowance"`
	OpenedOn   string `json:"opened_on"`
}

func toClientPageJSON(v service.ClientView) map[string]any {
	cases := make([]clientCaseJSON, len(v.Cases))
	for i, c := range v.Cases {
		cases[i] = clientCaseJSON{ID: c.Case.ID, Reference: c.Case.Reference(),
			Status: string(c.Case.Status), Consultant: c.Consultant,
			Allowance: c.Case.Allowance, OpenedOn: c.Case.OpenedOn.String()}
	}
	return map[string]any{"client": toClientJSON(v.Client), "organisation": map[string]any{
		"id": v.Organisation.ID, "name": v.Organisation.Name, "active": v.Organisation.Active},
		"cases": cases, "can_open_case": v.CanOpenCase}
}

func (s *Server) clients(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	page, n := pageParam(r)
	search := r.URL.Query().Get("q")
	list, err := s.svc.Clients(r.Context(), a, search, page)
	if err != nil {
		return err
	}
	rows := make([]map[string]any, len(list))
	for i, c := range list {
		rows[i] = map[string]any{"client": toClientJSON(c.Client), "organisation": c.Organisation}
	}
	s.respond(w, r, "client_list", map[string]any{"Clients": list, "Search": search,
		"Page": n, "More": len(list) == page.Limit},
		map[string]any{"clients": rows, "page": n, "more": len(list) == page.Limit})
	return nil
}

func (s *Server) client(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Client")
	if err != nil {
		return err
	}
	v, err := s.svc.Client(r.Context(), a, id)
	if err != nil {
		return err
	}
	s.respond(w, r, "client_detail", v, toClientPageJSON(v))
	return nil
}

// clientFormPage is the form to add or edit a client, with what was typed.
type clientFormPage struct {
	// ClientID is zero for a new client.
	ClientID      int64
	Input         service.ClientInput
	Organisations []service.OrganisationView
	Relations     []phoenix.Relation
	Fields        map[string]string
	Error         string
	Link          string
}

func (s *Server) renderClientForm(w http.ResponseWriter, r *http.Request, a service.Actor,
	status int, p clientFormPage) error {
	orgs, err := s.svc.Organisations(r.Context(), a)
	if err != nil {
		return err
	}
	p.Organisations, p.Relations = orgs, phoenix.Relations
	s.render(w, r, status, "client_form", p)
	return nil
}

func (s *Server) newClientForm(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	in := service.ClientInput{OrganisationID: r.URL.Query().Get("organisation_id"),
		Relation: string(phoenix.RelationEmployee)}
	return s.renderClientForm(w, r, a, http.StatusOK, clientFormPage{Input: in})
}

func (s *Server) editClientForm(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Client")
	if err != nil {
		return err
	}
	v, err := s.svc.Client(r.Context(), a, id)
	if err != nil {
		return err
	}
	return s.renderClientForm(w, r, a, http.StatusOK, clientFormPage{ClientID: id,
		Input: service.ClientInputOf(v.Client)})
}

// clientFormError shows the form again with the messages, or returns err.
func (s *Server) clientFormError(w http.ResponseWriter, r *http.Request, a service.Actor,
	id int64, in service.ClientInput, err error) error {
	if !showFormError(r, err) {
		return err
	}
	p := clientFormPage{ClientID: id, Input: in, Fields: phoenix.ErrorFields(err),
		Error: phoenix.ErrorMessage(err)}
	var e *phoenix.Error
	if errors.As(err, &e) {
		p.Link = e.Link
	}
	return s.renderClientForm(w, r, a, statusOf(phoenix.ErrorCode(err)), p)
}

func (s *Server) createClient(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	var in service.ClientInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	k, err := s.svc.CreateClient(r.Context(), a, in)
	if err != nil {
		return s.clientFormError(w, r, a, 0, in, err)
	}
	redirectOrJSON(w, r, fmt.Sprintf("/clients/%d?flash=Client+added", k.ID),
		http.StatusCreated, toClientJSON(k))
	return nil
}

func (s *Server) updateClient(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Client")
	if err != nil {
		return err
	}
	var in service.ClientInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	k, err := s.svc.UpdateClient(r.Context(), a, id, in)
	if err != nil {
		return s.clientFormError(w, r, a, id, in, err)
	}
	redirectOrJSON(w, r, fmt.Sprintf("/clients/%d?flash=Client+saved", k.ID),
		http.StatusOK, toClientJSON(k))
	return nil
}
