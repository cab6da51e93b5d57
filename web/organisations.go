package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/bizday"
	"github.com/phoenix-eap/phoenix/service"
)

func (s *Server) organisationRoutes() {
	s.mux.Handle("GET /admin/organisations", s.page(s.organisations))
	s.mux.Handle("GET /admin/organisations/new", s.page(s.newOrganisationForm))
	s.mux.Handle("POST /admin/organisations", s.page(s.createOrganisation))
	s.mux.Handle("GET /admin/organisations/{id}", s.page(s.organisation))
	s.mux.Handle("POST /admin/organisations/{id}", s.page(s.updateOrganisation))
	s.mux.Handle("POST /admin/organisations/{id}/active", s.page(s.setOrganisationActive))
	s.mux.Handle("POST /admin/organisations/{id}/contracts", s.page(s.addContract))
	s.mux.Handle("POST /admin/organisations/{id}/contracts/{contract}/delete",
		s.page(s.deleteContract))
	s.mux.Handle("DELETE /admin/organisations/{id}/contracts/{contract}", s.page(s.deleteContract))
}

// showFormError reports whether a failed form post should show its form again with the
// messages: for browsers, and for errors the person can fix.
func showFormError(r *http.Request, err error) bool {
	code := phoenix.ErrorCode(err)
	return !wantsJSON(r) && !isJSONBody(r) && (code == phoenix.EINVALID || code == phoenix.ECONFLICT)
}

// zoneChoices are the zones offered beside each region's own; any IANA zone is accepted.
var zoneChoices = []string{"Australia/Adelaide", "Australia/Brisbane", "Australia/Broken_Hill",
	"Australia/Darwin", "Australia/Eucla", "Australia/Hobart", "Australia/Lord_Howe",
	"Australia/Melbourne", "Australia/Perth", "Australia/Sydney"}

type contractJSON struct {
	ID                 int64  `json:"id"`
	EffectiveFrom      string `json:"effective_from"`
	SessionsPerPeriod  int    `json:"sessions_per_period"`
	MaxExtraPerRequest int    `json:"max_extra_per_request"`
	ClinicalThreshold  int    `json:"clinical_threshold"`
	GoalDays           int    `json:"goal_days"`
	DeadlineDays       int    `json:"deadline_days"`
	InForce            bool   `json:"in_force"`
	Scheduled          bool   `json:"scheduled"`
}

func toContractJSON(v service.ContractVersion) contractJSON {
	return contractJSON{ID: v.ID, EffectiveFrom: v.EffectiveFrom.String(),
		SessionsPerPeriod: v.SessionsPerPeriod, MaxExtraPerRequest: v.MaxExtraPerRequest,
		ClinicalThreshold: v.ClinicalThreshold, GoalDays: v.GoalDays,
		DeadlineDays: v.DeadlineDays, InForce: v.InForce, Scheduled: v.Scheduled}
}

type organisationJSON struct {
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	Region    string         `json:"region"`
	TimeZone  string         `json:"time_zone"`
	Active    bool           `json:"active"`
	Today     string         `json:"today"`
	Contracts []contractJSON `json:"contracts"`
}

func toOrganisationJSON(v service.OrganisationView) organisationJSON {
	o := organisationJSON{ID: v.Organisation.ID, Name: v.Organisation.Name,
		Region: v.Organisation.Region, TimeZone: v.Organisation.TimeZone,
		Active: v.Organisation.Active, Today: v.Today.String(),
		Contracts: make([]contractJSON, len(v.Contracts))}
	for i, k := range v.Contracts {
		o.Contracts[i] = toContractJSON(k)
	}
	return o
}

func (s *Server) organisations(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	list, err := s.svc.Organisations(r.Context(), a)
	if err != nil {
		return err
	}
	out := make([]organisationJSON, len(list))
	for i, v := range list {
		out[i] = toOrganisationJSON(v)
	}
	s.respond(w, r, "org_list", map[string]any{"Organisations": list,
		"CanManage": a.Is(phoenix.RoleAdmin)}, map[string]any{"organisations": out})
	return nil
}

// orgFormPage is the new organisation form, or an organisation's page with its edit
// and new terms forms; Fields and Error belong to the form named by Form.
type orgFormPage struct {
	View    service.OrganisationView
	Regions []bizday.RegionInfo
	Zones   []string
	Org     service.OrganisationInput
	Terms   service.ContractInput
	Form    string
	Fields  map[string]string
	Error   string
}

func newOrgFormPage() orgFormPage {
	return orgFormPage{Regions: bizday.Regions(), Zones: zoneChoices,
		Terms: service.DefaultContractInput()}
}

func (s *Server) newOrganisationForm(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	if !a.Is(phoenix.RoleAdmin) {
		return phoenix.Errorf(phoenix.EFORBIDDEN, "Your role does not allow this action.")
	}
	s.render(w, r, http.StatusOK, "org_new", newOrgFormPage())
	return nil
}

// newOrganisationInput is the new organisation form: the organisation and its first
// version of terms.
type newOrganisationInput struct {
	Name               string `json:"name"`
	Region             string `json:"region"`
	TimeZone           string `json:"time_zone"`
	EffectiveFrom      string `json:"effective_from"`
	SessionsPerPeriod  string `json:"sessions_per_period"`
	MaxExtraPerRequest string `json:"max_extra_per_request"`
	ClinicalThreshold  string `json:"clinical_threshold"`
	GoalDays           string `json:"goal_days"`
	DeadlineDays       string `json:"deadline_days"`
}

func (in newOrganisationInput) split() (service.OrganisationInput, service.ContractInput) {
	return service.OrganisationInput{Name: in.Name, Region: in.Region, TimeZone: in.TimeZone},
		service.ContractInput{EffectiveFrom: in.EffectiveFrom,
			SessionsPerPeriod: in.SessionsPerPeriod, MaxExtraPerRequest: in.MaxExtraPerRequest,
			ClinicalThreshold: in.ClinicalThreshold, GoalDays: in.GoalDays,
			DeadlineDays: in.DeadlineDays}
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	var in newOrganisationInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	org, terms := in.split()
	id, err := s.svc.CreateOrganisation(r.Context(), a, org, terms)
	if err != nil {
		if !showFormError(r, err) {
			return err
		}
		p := newOrgFormPage()
		p.Org, p.Terms = org, terms
		p.Fields, p.Error = phoenix.ErrorFields(err), phoenix.ErrorMessage(err)
		s.render(w, r, statusOf(phoenix.ErrorCode(err)), "org_new", p)
		return nil
	}
	v, err := s.svc.Organisation(r.Context(), a, id)
	if err != nil {
		return err
	}
	redirectOrJSON(w, r, fmt.Sprintf("/admin/organisations/%d?flash=Organisation+created", id),
		http.StatusCreated, toOrganisationJSON(v))
	return nil
}

// organisationPage renders an organisation's page, with p's forms and messages.
func (s *Server) organisationPage(w http.ResponseWriter, r *http.Request, a service.Actor,
	status int, p orgFormPage) error {
	id, err := pathID(r, "id", "Organisation")
	if err != nil {
		return err
	}
	if p.View, err = s.svc.Organisation(r.Context(), a, id); err != nil {
		return err
	}
	if p.Form != "org" {
		o := p.View.Organisation
		p.Org = service.OrganisationInput{Name: o.Name, Region: o.Region, TimeZone: o.TimeZone}
	}
	if p.Form != "terms" {
		p.Terms = termsInput(p.View)
	}
	s.render(w, r, status, "org_detail", p)
	return nil
}

// termsInput fills the new terms form with the terms in force and tomorrow's date.
func termsInput(v service.OrganisationView) service.ContractInput {
	in := service.DefaultContractInput()
	if k := v.Organisation.Contract; k.ID != 0 {
		in = service.ContractInput{SessionsPerPeriod: strconv.Itoa(k.SessionsPerPeriod),
			MaxExtraPerRequest: strconv.Itoa(k.MaxExtraPerRequest),
			ClinicalThreshold:  strconv.Itoa(k.ClinicalThreshold),
			GoalDays:           strconv.Itoa(k.GoalDays), DeadlineDays: strconv.Itoa(k.DeadlineDays)}
	}
	in.EffectiveFrom = v.Today.AddDays(1).String()
	return in
}

func (s *Server) organisation(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	if wantsJSON(r) {
		id, err := pathID(r, "id", "Organisation")
		if err != nil {
			return err
		}
		v, err := s.svc.Organisation(r.Context(), a, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toOrganisationJSON(v))
		return nil
	}
	p := newOrgFormPage()
	return s.organisationPage(w, r, a, http.StatusOK, p)
}

func (s *Server) updateOrganisation(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Organisation")
	if err != nil {
		return err
	}
	var in service.OrganisationInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.UpdateOrganisation(r.Context(), a, id, in); err != nil {
		if !showFormError(r, err) {
			return err
		}
		p := newOrgFormPage()
		p.Org, p.Form = in, "org"
		p.Fields, p.Error = phoenix.ErrorFields(err), phoenix.ErrorMessage(err)
		return s.organisationPage(w, r, a, statusOf(phoenix.ErrorCode(err)), p)
	}
	return s.afterOrganisationChange(w, r, a, id, "Organisation saved", http.StatusOK)
}

// afterOrganisationChange redirects a browser to the organisation's page with a flash
// message, and gives an API client the organisation.
func (s *Server) afterOrganisationChange(w http.ResponseWriter, r *http.Request, a service.Actor,
	id int64, flash string, status int) error {
	v, err := s.svc.Organisation(r.Context(), a, id)
	if err != nil {
		return err
	}
	redirectOrJSON(w, r, fmt.Sprintf("/admin/organisations/%d?flash=%s", id,
		url.QueryEscape(flash)), status, toOrganisationJSON(v))
	return nil
}

type activeInput struct {
	Active string `json:"active"`
}

func (s *Server) setOrganisationActive(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Organisation")
	if err != nil {
		return err
	}
	var in activeInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	active, err := strconv.ParseBool(in.Active)
	if err != nil {
		msg := "Active must be true or false."
		return &phoenix.Error{Code: phoenix.EINVALID, Message: msg,
			Fields: map[string]string{"active": msg}}
	}
	if err := s.svc.SetOrganisationActive(r.Context(), a, id, active); err != nil {
		return err
	}
	flash := "Organisation deactivated"
	if active {
		flash = "Organisation reactivated"
	}
	return s.afterOrganisationChange(w, r, a, id, flash, http.StatusOK)
}

func (s *Server) addContract(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Organisation")
	if err != nil {
		return err
	}
	var in service.ContractInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := s.svc.AddContract(r.Context(), a, id, in); err != nil {
		if !showFormError(r, err) {
			return err
		}
		p := newOrgFormPage()
		p.Terms, p.Form = in, "terms"
		p.Fields, p.Error = phoenix.ErrorFields(err), phoenix.ErrorMessage(err)
		return s.organisationPage(w, r, a, statusOf(phoenix.ErrorCode(err)), p)
	}
	return s.afterOrganisationChange(w, r, a, id, "Terms added", http.StatusCreated)
}

func (s *Server) deleteContract(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Organisation")
	if err != nil {
		return err
	}
	contractID, err := pathID(r, "contract", "Contract")
	if err != nil {
		return err
	}
	if err := s.svc.DeleteContract(r.Context(), a, id, contractID); err != nil {
		return err
	}
	return s.afterOrganisationChange(w, r, a, id, "Scheduled terms withdrawn", http.StatusOK)
}
