package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// RequestFormView is the content of the extra sessions request form before submission.
type RequestFormView struct {
	CaseView
	// MaxSessions is the most this request may ask for under the contract.
	MaxSessions int
	// Choices give, for each number of sessions the form allows, the period's total
	// with the request and whether it would go to clinical review.
	Choices []RequestChoice
}

// RequestChoice is one number of sessions the form allows, with the route a request
// of that many would take.
type RequestChoice struct {
	Sessions       int
	Total          int
	ClinicalReview bool
}

// RequestForm returns the form's content for a case: the client's current period and
// the contract's limits.
func (s *Service) RequestForm(ctx context.Context, a Actor, caseID int64) (RequestFormView, error) {
	c := s.db.Conn()
	k, err := s.loadCase(ctx, c, a, caseID)
	if err != nil {
		return RequestFormView{}, err
	}
	if !canActOnCase(a, k) {
		return RequestFormView{}, forbidden()
	}
	v := RequestFormView{CaseView: CaseView{Case: k, CanAct: true}}
	if err := s.fillCaseView(ctx, c, a, &v.CaseView); err != nil {
		return RequestFormView{}, err
	}
	v.MaxSessions = min(v.Contract.MaxExtraPerRequest, phoenix.MaxExtraLimit)
	for n := 1; n <= v.MaxSessions; n++ {
		counts := v.Counts
		counts.Requested = n
		v.Choices = append(v.Choices, RequestChoice{Sessions: n, Total: counts.Total(),
			ClinicalReview: counts.NeedsClinicalReview(v.Contract.ClinicalThreshold)})
	}
	return v, nil
}

// SubmitRequest submits an extra sessions request on a case, in one transaction that
// holds the case's lock. It checks the form, rejects a second open request, counts the
// client's period, and sends the request to clinical review or to the organisation.
// A repeat with the same idempotency key returns the request the first one created.
func (s *Service) SubmitRequest(ctx context.Context, a Actor, caseID int64, in RequestInput) (phoenix.Request, error) {
	key := strings.TrimSpace(in.IdempotencyKey)
	if key == "" || len(key) > 100 {
		return phoenix.Request{}, phoenix.Errorf(phoenix.EINVALID,
			"The form is missing its submission key (idempotency_key, 1 to 100 characters). "+
				"Reload the form and submit again.")
	}
	var out phoenix.Request
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		var err error
		out, err = s.submitRequest(ctx, c, a, caseID, in, key)
		return err
	})
	return out, err
}

// priorSubmission returns the request the actor already created with the idempotency
// key; ok is false when the key is new. It runs under the case's lock, so a repeat that
// arrives while the first submission is still running waits for it and finds it.
func priorSubmission(ctx context.Context, c *store.Conn, a Actor, k phoenix.Case,
	key string) (r phoenix.Request, ok bool, err error) {
	r, err = c.RequestByKey(ctx, a.User.ID, key)
	switch {
	case phoenix.ErrorCode(err) == phoenix.ENOTFOUND:
		return r, false, nil
	case err != nil:
		return r, false, err
	case r.CaseID != k.ID:
		return r, false, phoenix.Errorf(phoenix.ECONFLICT, "This form's submission key was "+
			"already used for another case. Reload the form and submit again.")
	}
	return r, true, nil
}

// sameSubmission reports whether a repeated form carries what the first submission
// stored, so that a retry gets the first request back and a changed form does not.
func sameSubmission(prior phoenix.Request, in RequestInput) bool {
	return strings.TrimSpace(in.Sessions) == strconv.Itoa(prior.Sessions) &&
		phoenix.CleanText(in.Goals) == prior.Goals &&
		strings.TrimSpace(in.Pathway) == string(prior.Pathway)
}

func (s *Service) submitRequest(ctx context.Context, c *store.Conn, a Actor, caseID int64,
	in RequestInput, key string) (phoenix.Request, error) {
	k, err := s.loadCase(ctx, c, a, caseID)
	if err != nil {
		return phoenix.Request{}, err
	}
	if !canActOnCase(a, k) {
		return phoenix.Request{}, forbidden()
	}
	if k.ConsultantID == 0 {
		return phoenix.Request{}, phoenix.Errorf(phoenix.EINVALID,
			"Select a consultant for %s before requesting extra sessions.", k.Reference())
	}
	if k, err = c.LockCase(ctx, caseID); err != nil {
		return phoenix.Request{}, err
	}
	if prior, ok, err := priorSubmission(ctx, c, a, k, key); err != nil || ok {
		if ok && !sameSubmission(prior, in) {
			return phoenix.Request{}, &phoenix.Error{Code: phoenix.ECONFLICT,
				Link: fmt.Sprintf("/requests/%d", prior.ID),
				Message: fmt.Sprintf("This form was already submitted as %s with other "+
					"details. Reload the form to submit a new request.", prior.Reference())}
		}
		return prior, err
	}
	client, err := c.Client(ctx, k.ClientID)
	if err != nil {
		return phoenix.Request{}, err
	}
	org, err := c.Organisation(ctx, k.OrganisationID)
	if err != nil {
		return phoenix.Request{}, err
	}
	if err := requireActive(org, "extra sessions requests"); err != nil {
		return phoenix.Request{}, err
	}
	now := s.clock.Now()
	today := phoenix.DateIn(now, org.Location())
	contract, err := c.ContractOn(ctx, org.ID, today)
	if err != nil {
		return phoenix.Request{}, err
	}
	r, err := parseRequest(in, contract, today, client.Identity())
	if err != nil {
		return phoenix.Request{}, err
	}
	if open, ok, err := c.OpenRequest(ctx, k.ID); err != nil {
		return phoenix.Request{}, err
	} else if ok {
		return phoenix.Request{}, &phoenix.Error{Code: phoenix.ECONFLICT,
			Link: fmt.Sprintf("/requests/%d", open.ID),
			Message: fmt.Sprintf("%s already has an open extra sessions request, %s. "+
				"Withdraw it or wait for its outcome before submitting another.",
				k.Reference(), open.Reference())}
	}

	r.Counts, err = s.counts(ctx, c, client, org, today, r.Sessions)
	if err != nil {
		return phoenix.Request{}, err
	}
	r.CaseID, r.ClientID, r.OrganisationID = k.ID, client.ID, org.ID
	r.ConsultantID, r.ContractID, r.Threshold = k.ConsultantID, contract.ID, contract.ClinicalThreshold
	r.Allowance = k.Allowance
	r.SubmittedAt = now
	r.State = phoenix.StateAwaitingOrganisation
	if r.Counts.NeedsClinicalReview(contract.ClinicalThreshold) {
		r.State = phoenix.StateAwaitingClinicalQuestions
	}
	if r.ID, err = c.CreateRequest(ctx, r, a.User.ID, key); err != nil {
		return phoenix.Request{}, err
	}
	err = s.event(ctx, c, r.ID, a.User.ID, "submitted", fmt.Sprintf(
		"Submitted: %d extra sessions requested; the period total would be %d.",
		r.Sessions, r.Counts.Total()), true)
	if err != nil {
		return phoenix.Request{}, err
	}
	if err := s.audit(ctx, c, a, "submit", "request", r.ID, r.ClientID, r.CaseID, ""); err != nil {
		return phoenix.Request{}, err
	}
	if r.State == phoenix.StateAwaitingClinicalQuestions {
		err = s.startClinicalReview(ctx, c, &r, k, client)
	} else {
		err = s.sendToOrganisation(ctx, c, &r, org, contract)
	}
	return r, err
}

// event appends a step to a request's timeline.
func (s *Service) event(ctx context.Context, c *store.Conn, requestID, actorID int64, kind,
	text string, orgVisible bool) error {
	return c.AddEvent(ctx, store.Event{RequestID: requestID, At: s.clock.Now(), Kind: kind,
		ActorID: actorID, Text: text, OrgVisible: orgVisible})
}
