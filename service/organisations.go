package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/bizday"
	"github.com/phoenix-eap/phoenix/store"
)

// OrganisationInput is the organisation form as typed.
type OrganisationInput struct {
	Name   string `json:"name"`
	Region string `json:"region"`
	// TimeZone is an IANA zone. Empty means the region's zone.
	TimeZone string `json:"time_zone"`
}

// ContractInput is one version of an organisation's terms as typed.
type ContractInput struct {
	// EffectiveFrom is the first day the terms apply, as YYYY-MM-DD. Empty means today
	// in the organisation's time zone.
	EffectiveFrom      string `json:"effective_from"`
	SessionsPerPeriod  string `json:"sessions_per_period"`
	MaxExtraPerRequest string `json:"max_extra_per_request"`
	ClinicalThreshold  string `json:"clinical_threshold"`
	GoalDays           string `json:"goal_days"`
	DeadlineDays       string `json:"deadline_days"`
}

// DefaultContractInput returns the usual terms, to fill a new organisation's form.
func DefaultContractInput() ContractInput {
	return ContractInput{SessionsPerPeriod: "6",
		MaxExtraPerRequest: strconv.Itoa(phoenix.MaxExtraLimit),
		ClinicalThreshold:  strconv.Itoa(phoenix.DefaultThreshold),
		GoalDays:           strconv.Itoa(phoenix.DefaultGoalDays),
		DeadlineDays:       strconv.Itoa(phoenix.DefaultDeadline)}
}

const maxOrganisationName = 200

// parseOrganisation checks the organisation form into v and returns the organisation.
func parseOrganisation(in OrganisationInput, v *phoenix.Validation) phoenix.Organisation {
	o := phoenix.Organisation{Name: strings.TrimSpace(in.Name), Active: true}
	switch {
	case o.Name == "":
		v.Add("name", "Name is required.")
	case utf8.RuneCountInString(o.Name) > maxOrganisationName:
		v.Add("name", fmt.Sprintf("Name must be at most %d characters.", maxOrganisationName))
	case hasControl(o.Name):
		v.Add("name", "Name must be one line of text.")
	}

	region, err := bizday.ParseRegion(in.Region)
	if err != nil {
		v.Add("region", phoenix.ErrorMessage(err))
		return o
	}
	o.Region = string(region)
	info, _ := region.Info()
	o.TimeZone = strings.TrimSpace(in.TimeZone)
	if o.TimeZone == "" {
		o.TimeZone = info.TimeZone
	}
	if msg := checkTimeZone(o.TimeZone); msg != "" {
		v.Add("time_zone", msg)
	}
	return o
}

// checkTimeZone returns a message when name is not an IANA zone of the tz database.
// "Local" and "" load without error but name no zone, so they are rejected too.
func checkTimeZone(name string) string {
	if name == "" || name == "Local" {
		return "Time zone is required: an IANA name such as Australia/Melbourne."
	}
	if _, err := time.LoadLocation(name); err != nil {
		return fmt.Sprintf("Time zone %q is not in the tz database; use an IANA name "+
			"such as Australia/Melbourne.", name)
	}
	return ""
}

// parseContract checks the terms form into v. An empty effective date means today.
func parseContract(in ContractInput, today phoenix.Date, v *phoenix.Validation) phoenix.Contract {
	k := phoenix.Contract{EffectiveFrom: today}
	if s := strings.TrimSpace(in.EffectiveFrom); s != "" {
		d, err := phoenix.ParseDate(s)
		if err != nil {
			v.Add("effective_from", "Effective from must be a real date in the form YYYY-MM-DD.")
		}
		k.EffectiveFrom = d
	}
	k.SessionsPerPeriod = wholeNumber(in.SessionsPerPeriod)
	k.MaxExtraPerRequest = wholeNumber(in.MaxExtraPerRequest)
	k.ClinicalThreshold = wholeNumber(in.ClinicalThreshold)
	k.GoalDays = wholeNumber(in.GoalDays)
	k.DeadlineDays = wholeNumber(in.DeadlineDays)
	// The first message for a field wins, so a malformed date keeps its own message.
	addFields(v, bizday.ValidateDueDays(k.GoalDays, k.DeadlineDays))
	addFields(v, k.Validate())
	return k
}

// wholeNumber parses a form's whole number. Anything else gives -1, which every rule
// rejects.
func wholeNumber(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return -1
	}
	return n
}

// addFields copies the field messages of an EINVALID error into v.
func addFields(v *phoenix.Validation, err error) {
	for field, msg := range phoenix.ErrorFields(err) {
		v.Add(field, msg)
	}
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// CreateOrganisation stores a new organisation with its first version of terms. The
// first version may take effect on any date, since no request can refer to it yet.
// Administrators only.
func (s *Service) CreateOrganisation(ctx context.Context, a Actor, in OrganisationInput,
	terms ContractInput) (int64, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return 0, forbidden()
	}
	var v phoenix.Validation
	o := parseOrganisation(in, &v)
	now := s.clock.Now()
	k := parseContract(terms, phoenix.DateIn(now, o.Location()), &v)
	if err := v.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		if err := checkNameFree(ctx, c, o); err != nil {
			return err
		}
		var err error
		if id, err = c.CreateOrganisation(ctx, o, now); err != nil {
			return err
		}
		k.OrganisationID = id
		if k.ID, err = c.AddContract(ctx, k, now); err != nil {
			return err
		}
		if err := s.audit(ctx, c, a, "create", "organisation", id, 0, 0, o.Name); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "add_contract", "organisation", id, 0, 0, contractDetail(k))
	})
	return id, err
}

// contractDetail describes terms for the audit log.
func contractDetail(k phoenix.Contract) string {
	return fmt.Sprintf("from %s: %d sessions per 12 months, at most %d extra per request, "+
		"clinical review at %d, goal %d and deadline %d business days", k.EffectiveFrom,
		k.SessionsPerPeriod, k.MaxExtraPerRequest, k.ClinicalThreshold, k.GoalDays,
		k.DeadlineDays)
}

// UpdateOrganisation changes an organisation's name, holiday region and time zone.
// Requests already with the organisation keep the due dates they were given.
// Administrators only.
func (s *Service) UpdateOrganisation(ctx context.Context, a Actor, id int64, in OrganisationInput) error {
	if !a.Is(phoenix.RoleAdmin) {
		return forbidden()
	}
	var v phoenix.Validation
	o := parseOrganisation(in, &v)
	if err := v.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(c *store.Conn) error {
		old, err := c.LockOrganisation(ctx, id)
		if err != nil {
			return err
		}
		o.ID, o.Active = id, old.Active
		changes := organisationChanges(old, o)
		if changes == "" {
			return nil
		}
		if err := checkNameFree(ctx, c, o); err != nil {
			return err
		}
		if err := c.UpdateOrganisation(ctx, o); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "update", "organisation", id, 0, 0, changes)
	})
}

// checkNameFree rejects a name that another organisation has, ignoring case, because
// import files name organisations that way.
func checkNameFree(ctx context.Context, c *store.Conn, o phoenix.Organisation) error {
	list, err := c.Organisations(ctx)
	if err != nil {
		return err
	}
	for _, other := range list {
		if other.ID != o.ID && strings.EqualFold(other.Name, o.Name) {
			msg := fmt.Sprintf("Another organisation is named %q; choose a different name.", other.Name)
			return &phoenix.Error{Code: phoenix.ECONFLICT, Message: msg,
				Fields: map[string]string{"name": msg}}
		}
	}
	return nil
}

func organisationChanges(old, o phoenix.Organisation) string {
	var parts []string
	if old.Name != o.Name {
		parts = append(parts, fmt.Sprintf("name %q to %q", old.Name, o.Name))
	}
	if old.Region != o.Region {
		parts = append(parts, fmt.Sprintf("region %s to %s", old.Region, o.Region))
	}
	if old.TimeZone != o.TimeZone {
		parts = append(parts, fmt.Sprintf("time zone %s to %s", old.TimeZone, o.TimeZone))
	}
	return strings.Join(parts, "; ")
}

// SetOrganisationActive deactivates or reactivates an organisation. A deactivated
// organisation takes no new clients, Assist cases or extra sessions requests, and its
// existing cases and open requests carry on (see requireActive). Administrators only.
func (s *Service) SetOrganisationActive(ctx context.Context, a Actor, id int64, active bool) error {
	if !a.Is(phoenix.RoleAdmin) {
		return forbidden()
	}
	return s.db.InTx(ctx, func(c *store.Conn) error {
		o, err := c.LockOrganisation(ctx, id)
		if err != nil {
			return err
		}
		if o.Active == active {
			return nil
		}
		o.Active = active
		if err := c.UpdateOrganisation(ctx, o); err != nil {
			return err
		}
		action := "deactivate"
		if active {
			action = "reactivate"
		}
		return s.audit(ctx, c, a, action, "organisation", id, 0, 0, o.Name)
	})
}

// requireActive rejects new work, such as "Assist cases", for a deactivated
// organisation.
func requireActive(o phoenix.Organisation, newWork string) error {
	if o.Active {
		return nil
	}
	return phoenix.Errorf(phoenix.ECONFLICT,
		"%s is deactivated, so it takes no new %s. Existing cases and open requests carry on; "+
			"an administrator can reactivate it.", o.Name, newWork)
}

// AddContract adds a version of an organisation's terms. It must take effect today or
// later in the organisation's time zone, so that the terms a submitted request was
// judged by never change. Such a request keeps a reference to its version.
// Administrators only.
func (s *Service) AddContract(ctx context.Context, a Actor, orgID int64, in ContractInput) (phoenix.Contract, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return phoenix.Contract{}, forbidden()
	}
	var k phoenix.Contract
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		o, err := c.LockOrganisation(ctx, orgID)
		if err != nil {
			return err
		}
		today := phoenix.DateIn(s.clock.Now(), o.Location())
		var v phoenix.Validation
		k = parseContract(in, today, &v)
		if !v.Has("effective_from") && k.EffectiveFrom.Before(today) {
			v.Add("effective_from", fmt.Sprintf("Effective from must be today (%s) or later: "+
				"requests already submitted keep the terms they were judged by.", today))
		}
		if err := v.Err(); err != nil {
			return err
		}
		k.OrganisationID = o.ID
		if k.ID, err = c.AddContract(ctx, k, s.clock.Now()); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "add_contract", "organisation", o.ID, 0, 0, contractDetail(k))
	})
	return k, err
}

// DeleteContract withdraws a version of terms that has not yet taken effect.
// Administrators only.
func (s *Service) DeleteContract(ctx context.Context, a Actor, orgID, contractID int64) error {
	if !a.Is(phoenix.RoleAdmin) {
		return forbidden()
	}
	return s.db.InTx(ctx, func(c *store.Conn) error {
		o, err := c.LockOrganisation(ctx, orgID)
		if err != nil {
			return err
		}
		k, err := c.Contract(ctx, contractID)
		if err != nil || k.OrganisationID != o.ID {
			return phoenix.NotFound("Contract")
		}
		today := phoenix.DateIn(s.clock.Now(), o.Location())
		if !k.EffectiveFrom.After(today) {
			return phoenix.Errorf(phoenix.ECONFLICT, "The terms from %s are already in force "+
				"or past, so they stay on record. Add a new version to change the terms.",
				k.EffectiveFrom)
		}
		if err := c.DeleteContract(ctx, o.ID, k.ID); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "delete_contract", "organisation", o.ID, 0, 0,
			contractDetail(k))
	})
}

// ContractVersion is one version of terms as the organisation page lists it.
type ContractVersion struct {
	phoenix.Contract
	// InForce marks the version that applies today. Scheduled marks a version that
	// takes effect later and can still be withdrawn.
	InForce   bool
	Scheduled bool
}

// OrganisationView is the organisation page's content.
type OrganisationView struct {
	Organisation phoenix.Organisation
	Contracts    []ContractVersion
	// Today is today's date in the organisation's time zone.
	Today phoenix.Date
}

// Organisation returns an organisation with every version of its terms.
// Administrators only.
func (s *Service) Organisation(ctx context.Context, a Actor, id int64) (OrganisationView, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return OrganisationView{}, forbidden()
	}
	c := s.db.Conn()
	o, err := c.Organisation(ctx, id)
	if err != nil {
		return OrganisationView{}, err
	}
	return s.organisationView(ctx, c, o)
}

func (s *Service) organisationView(ctx context.Context, c *store.Conn,
	o phoenix.Organisation) (OrganisationView, error) {
	v := OrganisationView{Organisation: o, Today: phoenix.DateIn(s.clock.Now(), o.Location())}
	list, err := c.Contracts(ctx, o.ID)
	if err != nil {
		return v, err
	}
	inForce := false
	for _, k := range list {
		cv := ContractVersion{Contract: k, Scheduled: k.EffectiveFrom.After(v.Today)}
		if !cv.Scheduled && !inForce {
			cv.InForce, inForce = true, true
			v.Organisation.Contract = k
		}
		v.Contracts = append(v.Contracts, cv)
	}
	return v, nil
}

// Organisations returns every organisation with the terms in force today to
// administrators, and the active ones to intake, who choose a client's organisation
// from them.
func (s *Service) Organisations(ctx context.Context, a Actor) ([]OrganisationView, error) {
	if !a.Is(phoenix.RoleAdmin, phoenix.RoleIntake) {
		return nil, forbidden()
	}
	c := s.db.Conn()
	list, err := c.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]OrganisationView, 0, len(list))
	for _, o := range list {
		if !o.Active && !a.Is(phoenix.RoleAdmin) {
			continue
		}
		v, err := s.organisationView(ctx, c, o)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
