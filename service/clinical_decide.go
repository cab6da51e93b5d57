package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// ClinicalDecisionInput is a clinical leader's decision as typed. Reason goes with
// not_supported and Question with more_information.
type ClinicalDecisionInput struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
	Question string `json:"question"`
}

// parseClinicalDecision checks the decision form and returns the decision with its text.
func parseClinicalDecision(in ClinicalDecisionInput) (ClinicalDecision, string, error) {
	trimInput(&in.Decision, &in.Reason, &in.Question)
	var v Validation
	d := ClinicalDecision(in.Decision)
	text := ""
	switch d {
	case DecisionSupport:
	case DecisionNotSupported:
		text = in.Reason
		checkLength(&v, "reason", "Reason", text, phoenix.MaxReasonLength,
			"Reason is required when the request is not supported.")
	case DecisionMoreInformation:
		text = in.Question
		checkLength(&v, "question", "Question", text, MaxQuestionLength,
			"Question is required: ask the consultant what you need to know.")
	default:
		v.Add("decision", "Decision is required: choose support, not supported or more "+
			"information needed.")
	}
	return d, text, v.Err()
}

// ClinicalDecide records a clinical leader's decision on a request that awaits one,
// in one transaction that holds the request's lock, so that when two leaders decide
// at once one decision is stored and the other gets ECONFLICT naming it. Support
// sends the request to the organisation; not supported declines it; more information
// needed sends it back to the consultant and reopens the task.
func (s *Service) ClinicalDecide(ctx context.Context, a Actor, requestID int64,
	in ClinicalDecisionInput) (phoenix.Request, error) {
	if !a.Is(phoenix.RoleClinicalLeader) {
		return phoenix.Request{}, forbidden()
	}
	d, text, err := parseClinicalDecision(in)
	if err != nil {
		return phoenix.Request{}, err
	}
	var out phoenix.Request
	err = s.db.InTx(ctx, func(c *store.Conn) error {
		if _, _, err := s.loadRequest(ctx, c, a, requestID); err != nil {
			return err
		}
		r, err := c.LockRequest(ctx, requestID)
		if err != nil {
			return err
		}
		latest, err := c.LatestClinicalReview(ctx, r.ID)
		if err != nil {
			return phoenix.NotFound("Clinical review")
		}
		if r.State != phoenix.StateAwaitingClinicalDecision || latest.Decision != "" {
			return s.decidedConflict(ctx, c, r, latest)
		}
		now := s.clock.Now()
		err = c.DecideClinicalReview(ctx, latest.ID, string(d), text, a.User.ID, now)
		if err != nil {
			return err
		}
		if err := s.applyDecision(ctx, c, a, &r, d, text, latest); err != nil {
			return err
		}
		out = r
		return s.audit(ctx, c, a, "clinical_decision", "request", r.ID, r.ClientID,
			r.CaseID, fmt.Sprintf("round %d: %s", latest.Round, d))
	})
	return out, err
}

// applyDecision moves the request on. A request that is not supported is declined
// through the shared outcome step, which sends the consultant the reason and the
// client an outcome email without it.
func (s *Service) applyDecision(ctx context.Context, c *store.Conn, a Actor, r *phoenix.Request,
	d ClinicalDecision, text string, latest store.ClinicalReview) error {
	switch d {
	case DecisionSupport:
		return s.supportClinically(ctx, c, a, r)
	case DecisionNotSupported:
		return s.recordOutcome(ctx, c, r, 0, text, a)
	}
	return s.askForMoreInformation(ctx, c, a, r, latest.Round)
}

// decidedConflict is the error for a decision on a request that no longer awaits one.
// It names the decision already made and the clinical leader who made it.
func (s *Service) decidedConflict(ctx context.Context, c *store.Conn, r phoenix.Request,
	latest store.ClinicalReview) error {
	if latest.Decision == "" {
		// Answers without a decision mean the request left the queue another way, such
		// as a withdrawal.
		return alreadyDecided(r)
	}
	decidedBy := "another clinical leader"
	if u, err := c.User(ctx, latest.DecidedBy); err == nil {
		decidedBy = u.Name
	}
	outcome := ""
	switch ClinicalDecision(latest.Decision) {
	case DecisionSupport:
		outcome = "supported"
	case DecisionNotSupported:
		outcome = "not supported"
	case DecisionMoreInformation:
		outcome = "sent back to the consultant for more information"
	}
	return &phoenix.Error{Code: phoenix.ECONFLICT,
		Message: fmt.Sprintf("%s was already decided by %s: %s. It is now %s.",
			r.Reference(), decidedBy, outcome, strings.ToLower(r.State.Label())),
		Link: fmt.Sprintf("/clinical/reviews/%d", r.ID)}
}

// supportClinically marks the request supported and hands it to its organisation,
// whose deadlines start now.
func (s *Service) supportClinically(ctx context.Context, c *store.Conn, a Actor,
	r *phoenix.Request) error {
	r.ClinicallySupported = true
	err := s.event(ctx, c, r.ID, a.User.ID, "clinical_supported",
		"Supported by a clinical leader.", true)
	if err != nil {
		return err
	}
	org, err := c.Organisation(ctx, r.OrganisationID)
	if err != nil {
		return err
	}
	contract, err := c.Contract(ctx, r.ContractID)
	if err != nil {
		return err
	}
	if err := s.sendToOrganisation(ctx, c, r, org, contract); err != nil {
		return err
	}
	subject := fmt.Sprintf("Clinical review supported: %s", r.Reference())
	body := fmt.Sprintf("A clinical leader supported extra sessions request %s on %s. It "+
		"has gone to the client's organisation, and the outcome is expected by %s.\n\n"+
		"Follow it here: %s", r.Reference(), phoenix.CaseReference(r.CaseID),
		formatDue(*r.Goal, org.Location()), s.link(fmt.Sprintf("/requests/%d", r.ID)))
	return s.emailConsultant(ctx, c, *r, subject, body)
}

// askForMoreInformation sends the request back to the consultant: it reopens the
// clinical review task, with the flame, and emails the consultant. The question itself
// stays in the clinical review, which only the consultant and the leaders read.
func (s *Service) askForMoreInformation(ctx context.Context, c *store.Conn, a Actor,
	r *phoenix.Request, round int) error {
	r.State = phoenix.StateAwaitingClinicalQuestions
	if err := c.UpdateRequest(ctx, *r); err != nil {
		return err
	}
	now := s.clock.Now()
	t, err := c.RequestTask(ctx, r.ID)
	if err != nil {
		return err
	}
	err = c.SetTaskOpen(ctx, t.ID, true, "A clinical leader needs more information.", now)
	if err != nil {
		return err
	}
	err = s.event(ctx, c, r.ID, a.User.ID, "clinical_more_information", fmt.Sprintf(
		"Sent back to the consultant by %s: more information needed on round %d of the "+
			"clinical review.", a.User.Name, round), false)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("More information needed for %s", r.Reference())
	body := fmt.Sprintf("A clinical leader needs more information before deciding on extra "+
		"sessions request %s on %s.\n\nRead the question and answer it on the Extra "+
		"Sessions Clinical Review task: %s", r.Reference(), phoenix.CaseReference(r.CaseID),
		s.link(fmt.Sprintf("/tasks/%d", t.ID)))
	return s.emailConsultant(ctx, c, *r, subject, body)
}

// emailConsultant queues a message to the request's consultant.
func (s *Service) emailConsultant(ctx context.Context, c *store.Conn, r phoenix.Request,
	subject, body string) error {
	consultant, err := c.User(ctx, r.ConsultantID)
	if err != nil {
		return err
	}
	return s.emailUsers(ctx, c, []phoenix.User{consultant}, r.ID, AudienceConsultant,
		subject, body+s.signature())
}
