package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// accountRoutes registers the administrators' account pages and every page a person
// uses for their own password and two-factor sign-in (auth.go).
func (s *Server) accountRoutes() {
	s.mux.Handle("GET /admin/users", s.page(s.listAccounts))
	s.mux.Handle("GET /admin/users/new", s.page(s.newAccountForm))
	s.mux.Handle("POST /admin/users", s.page(s.createAccount))
	s.mux.Handle("GET /admin/users/{id}", s.page(s.accountPage))
	s.mux.Handle("POST /admin/users/{id}", s.page(s.updateAccount))
	s.mux.Handle("POST /admin/users/{id}/deactivate", s.page(s.accountAction(
		s.svc.DeactivateAccount, "Account deactivated. Its sessions have ended.")))
	s.mux.Handle("POST /admin/users/{id}/activate", s.page(s.accountAction(
		s.svc.ActivateAccount, "Account activated.")))
	s.mux.Handle("POST /admin/users/{id}/password-link", s.page(s.accountAction(
		s.svc.SendPasswordLink,
		"A new link to set a password was emailed. Older links no longer work.")))
	s.mux.Handle("POST /admin/users/{id}/two-factor/reset", s.page(s.accountAction(
		s.svc.ResetTwoFactor, "Two-factor sign-in is off for this account. If it is "+
			"required, the person sets it up again at their next sign-in.")))
	s.mux.Handle("GET /admin/security", s.page(s.securityPage))
	s.mux.Handle("POST /admin/security", s.page(s.saveSecurity))

	s.mux.Handle("GET /password/forgot", s.public(s.forgotForm))
	s.mux.Handle("POST /password/forgot", s.public(s.forgotPassword))
	s.mux.Handle("GET /password/set", s.public(s.passwordSetForm))
	s.mux.Handle("POST /password/set", s.public(s.setPassword))
	s.mux.Handle("GET /signin/code", s.public(s.codeForm))
	s.mux.Handle("POST /signin/code", s.public(s.signInCode))
	s.mux.Handle("GET /signin/two-factor", s.public(s.enrolForm))
	s.mux.Handle("POST /signin/two-factor", s.public(s.enrol))
	s.mux.Handle("GET /me/two-factor", s.page(s.twoFactorPage))
	s.mux.Handle("POST /me/two-factor", s.page(s.twoFactorAction(s.svc.EnableTwoFactor, "")))
	s.mux.Handle("POST /me/two-factor/recovery-codes",
		s.page(s.twoFactorAction(s.svc.NewRecoveryCodes, "")))
	s.mux.Handle("POST /me/two-factor/disable",
		s.page(s.twoFactorAction(s.disableTwoFactor, "Two-factor sign-in is off.")))
}

// accountJSON is an account as administrators see it in the API.
type accountJSON struct {
	ID             int64     `json:"id"`
	Email          string    `json:"email"`
	Name           string    `json:"name"`
	Role           string    `json:"role"`
	OrganisationID int64     `json:"organisation_id,omitempty"`
	TimeZone       string    `json:"time_zone"`
	Active         bool      `json:"active"`
	PasswordSet    bool      `json:"password_set"`
	TwoFactor      bool      `json:"two_factor"`
	CreatedAt      time.Time `json:"created_at"`
}

func toAccountJSON(a store.Account) accountJSON {
	return accountJSON{ID: a.ID, Email: a.Email, Name: a.Name, Role: string(a.Role),
		OrganisationID: a.OrganisationID, TimeZone: a.TimeZone, Active: a.Active,
		PasswordSet: a.PasswordSet, TwoFactor: a.TwoFactor, CreatedAt: a.CreatedAt}
}

// accountZones are the time zones the account form offers; any IANA name is accepted.
var accountZones = []string{"Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane",
	"Australia/Adelaide", "Australia/Darwin", "Australia/Perth", "Australia/Hobart",
	"Australia/Canberra", "Pacific/Auckland", "UTC"}

type accountListPage struct {
	Accounts []store.Account
	Orgs     map[int64]string
	Filter   store.AccountFilter
	Roles    []phoenix.Role
	Page     int
	More     bool
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	q := r.URL.Query()
	page, n := pageParam(r)
	f := store.AccountFilter{Role: phoenix.Role(q.Get("role")), Active: q.Get("status"),
		Query: q.Get("q"), Page: page}
	if f.Active != "inactive" && f.Active != "all" {
		f.Active = "active"
	}
	if f.Active == "all" {
		f.Active = ""
	}
	list, err := s.svc.Accounts(r.Context(), a, f)
	if err != nil {
		return err
	}
	orgs, err := s.orgNames(r, a)
	if err != nil {
		return err
	}
	out := make([]accountJSON, len(list))
	for i, acc := range list {
		out[i] = toAccountJSON(acc)
	}
	s.respond(w, r, "users_list", accountListPage{Accounts: list, Orgs: orgs, Filter: f,
		Roles: phoenix.Roles, Page: n, More: len(list) == page.Limit},
		map[string]any{"accounts": out, "page": n})
	return nil
}

func (s *Server) orgNames(r *http.Request, a service.Actor) (map[int64]string, error) {
	orgs, err := s.svc.AccountOrganisations(r.Context(), a)
	names := make(map[int64]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return names, err
}

// accountFormPage is the form to create or edit an account, with what was typed.
type accountFormPage struct {
	Account *store.Account
	Input   service.AccountInput
	Orgs    []phoenix.Organisation
	Roles   []phoenix.Role
	Zones   []string
	Fields  map[string]string
	Error   string
}

func (s *Server) accountForm(r *http.Request, a service.Actor, p accountFormPage) (accountFormPage, error) {
	orgs, err := s.svc.AccountOrganisations(r.Context(), a)
	p.Orgs, p.Roles, p.Zones = orgs, phoenix.Roles, accountZones
	return p, err
}

func (s *Server) newAccountForm(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	in := service.AccountInput{Role: r.URL.Query().Get("role"),
		OrganisationID: r.URL.Query().Get("organisation_id")}
	p, err := s.accountForm(r, a, accountFormPage{Input: in})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "users_form", p)
	return nil
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	var in service.AccountInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	u, err := s.svc.CreateAccount(r.Context(), a, in)
	if err != nil {
		return s.accountFormError(w, r, a, nil, in, err)
	}
	acc, err := s.svc.Account(r.Context(), a, u.ID)
	if err != nil {
		return err
	}
	flash := fmt.Sprintf("Account created. A link to set a password was emailed to %s.", u.Email)
	redirectOrJSON(w, r, fmt.Sprintf("/admin/users/%d?flash=%s", u.ID, url.QueryEscape(flash)),
		http.StatusCreated, toAccountJSON(acc))
	return nil
}

// accountFormError shows the form again with each message beside its field, or returns
// err for JSON clients and for errors a form cannot fix.
func (s *Server) accountFormError(w http.ResponseWriter, r *http.Request, a service.Actor,
	acc *store.Account, in service.AccountInput, err error) error {
	code := phoenix.ErrorCode(err)
	if wantsJSON(r) || isJSONBody(r) || (code != phoenix.EINVALID && code != phoenix.ECONFLICT) {
		return err
	}
	p, ferr := s.accountForm(r, a, accountFormPage{Account: acc, Input: in,
		Fields: phoenix.ErrorFields(err), Error: phoenix.ErrorMessage(err)})
	if ferr != nil {
		return ferr
	}
	s.render(w, r, statusOf(code), "users_form", p)
	return nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	acc, err := s.loadAccount(r, a)
	if err != nil {
		return err
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, toAccountJSON(acc))
		return nil
	}
	in := service.AccountInput{Email: acc.Email, Name: acc.Name, Role: string(acc.Role),
		TimeZone: acc.TimeZone}
	if acc.OrganisationID != 0 {
		in.OrganisationID = strconv.FormatInt(acc.OrganisationID, 10)
	}
	p, err := s.accountForm(r, a, accountFormPage{Account: &acc, Input: in})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "users_form", p)
	return nil
}

func (s *Server) loadAccount(r *http.Request, a service.Actor) (store.Account, error) {
	id, err := pathID(r, "id", "Account")
	if err != nil {
		return store.Account{}, err
	}
	return s.svc.Account(r.Context(), a, id)
}

func (s *Server) updateAccount(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	acc, err := s.loadAccount(r, a)
	if err != nil {
		return err
	}
	var in service.AccountInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := s.svc.UpdateAccount(r.Context(), a, acc.ID, in); err != nil {
		return s.accountFormError(w, r, a, &acc, in, err)
	}
	return s.afterAccountAction(w, r, a, acc.ID, "Account saved.")
}

// afterAccountAction responds to a change to an account with the account page and a
// message for browsers, or the account as JSON for API clients.
func (s *Server) afterAccountAction(w http.ResponseWriter, r *http.Request, a service.Actor,
	id int64, flash string) error {
	acc, err := s.svc.Account(r.Context(), a, id)
	if err != nil {
		return err
	}
	redirectOrJSON(w, r, fmt.Sprintf("/admin/users/%d?flash=%s", id, url.QueryEscape(flash)),
		http.StatusOK, toAccountJSON(acc))
	return nil
}

// accountAction returns a handler for a POST that acts on one account.
func (s *Server) accountAction(act func(ctx context.Context, a service.Actor, id int64) error,
	flash string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a service.Actor) error {
		id, err := pathID(r, "id", "Account")
		if err != nil {
			return err
		}
		if err := act(r.Context(), a, id); err != nil {
			return err
		}
		return s.afterAccountAction(w, r, a, id, flash)
	}
}

type securityPage struct {
	Settings store.SecuritySettings
	Fields   map[string]string
	Error    string
}

func securityJSON(st store.SecuritySettings) map[string]any {
	return map[string]any{"two_factor_staff": st.TwoFactorStaff,
		"two_factor_reviewers": st.TwoFactorReviewers, "updated_at": st.UpdatedAt}
}

func (s *Server) securityPage(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	st, err := s.svc.SecuritySettings(r.Context(), a)
	if err != nil {
		return err
	}
	s.respond(w, r, "users_security", securityPage{Settings: st}, securityJSON(st))
	return nil
}

func (s *Server) saveSecurity(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	var in service.SecurityInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.svc.SetSecuritySettings(r.Context(), a, in)
	if err != nil {
		return err
	}
	redirectOrJSON(w, r, "/admin/security?flash=Two-factor+requirements+saved", http.StatusOK,
		securityJSON(st))
	return nil
}
