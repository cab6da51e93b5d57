package service

import (
	"context"
	"fmt"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// ClinicalInput is the Extra Sessions Clinical Review form as typed. Every field is
// kept as text so that a rejected form comes back exactly as it was sent.
type ClinicalInput struct {
	Risk             string `json:"risk"`
	RiskActions      string `json:"risk_actions"`
	PresentingIssues string `json:"presenting_issues"`
	Progress         string `json:"progress"`
	WhyEAP           string `json:"why_eap"`
	ReferralPlan     string `json:"referral_plan"`
}

// parseClinicalInput checks every field of the form. The answers stay with the
// provider's clinicians, so unlike the request form they may name people.
func parseClinicalInput(in ClinicalInput) (store.ClinicalReview, error) {
	trimInput(&in.Risk, &in.RiskActions, &in.PresentingIssues, &in.Progress, &in.WhyEAP,
		&in.ReferralPlan)
	var v Validation

	risk := Risk(in.Risk)
	if !validRisk(risk) {
		v.Add("risk", "Current risk is required: choose none, low, moderate or high.")
	}
	missingActions := ""
	if risk.needsActions() {
		missingActions = fmt.Sprintf("Actions taken are required when the current risk is "+
			"%s: say what you did to keep the client safe.", in.Risk)
	}
	checkLength(&v, "risk_actions", "Actions taken", in.RiskActions, MaxRiskActionsLength,
		missingActions)
	checkLength(&v, "presenting_issues", "Presenting issues", in.PresentingIssues,
		MaxClinicalAnswerLength, "Presenting issues are required: describe what the client "+
			"is presenting with now.")
	checkLength(&v, "progress", "Progress so far", in.Progress, MaxClinicalAnswerLength,
		"Progress so far is required: describe the progress, with any outcome measure "+
			"scores you use.")
	checkLength(&v, "why_eap", "Why further EAP sessions", in.WhyEAP, MaxClinicalAnswerLength,
		"Say why further EAP sessions suit the client rather than a referral.")
	checkLength(&v, "referral_plan", "Referral plan", in.ReferralPlan, MaxReferralPlanLength,
		"Referral plan is required: say where the client goes after these sessions.")

	return store.ClinicalReview{Risk: in.Risk, RiskActions: in.RiskActions,
		PresentingIssues: in.PresentingIssues, Progress: in.Progress, WhyEAP: in.WhyEAP,
		ReferralPlan: in.ReferralPlan}, v.Err()
}

func validRisk(r Risk) bool {
	for _, x := range Risks {
		if x == r {
			return true
		}
	}
	return false
}

// inputOf returns a round's answers as form input, to start the next round from.
func inputOf(r store.ClinicalReview) ClinicalInput {
	return ClinicalInput{Risk: r.Risk, RiskActions: r.RiskActions,
		PresentingIssues: r.PresentingIssues, Progress: r.Progress, WhyEAP: r.WhyEAP,
		ReferralPlan: r.ReferralPlan}
}

// isCaseConsultant reports whether the actor is the consultant the case is assigned to.
func isCaseConsultant(a Actor, k phoenix.Case) bool {
	return a.Is(phoenix.RoleConsultant) && k.ConsultantID == a.User.ID
}

// SubmitClinicalAnswers stores the consultant's answers on an Extra Sessions Clinical
// Review task, in one transaction that holds the request's lock: it sends the request
// to the clinical leaders' queue, closes the task and emails every clinical leader.
// Only the case's consultant may answer, and only while the request awaits answers.
func (s *Service) SubmitClinicalAnswers(ctx context.Context, a Actor, taskID int64,
	in ClinicalInput) (phoenix.Request, error) {
	var out phoenix.Request
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		t, k, err := s.loadClinicalTask(ctx, c, a, taskID)
		if err != nil {
			return err
		}
		// NOTE: the task stays assigned to the consultant who submitted the request, so
		// after a change of consultant the new one may answer but sees no flame.
		if !isCaseConsultant(a, k) {
			return forbidden()
		}
		review, err := parseClinicalInput(in)
		if err != nil {
			return err
		}
		r, err := c.LockRequest(ctx, t.RequestID)
		if err != nil {
			return err
		}
		if r.State != phoenix.StateAwaitingClinicalQuestions {
			return answersClosed(r)
		}
		out, err = s.storeAnswers(ctx, c, a, r, t, k, review)
		return err
	})
	return out, err
}

// loadClinicalTask returns a clinical review task whose case the actor may see.
func (s *Service) loadClinicalTask(ctx context.Context, c *store.Conn, a Actor,
	taskID int64) (phoenix.Task, phoenix.Case, error) {
	t, err := c.Task(ctx, taskID)
	if err != nil {
		return t, phoenix.Case{}, err
	}
	k, err := s.loadCase(ctx, c, a, t.CaseID)
	if err != nil || t.Kind != phoenix.TaskClinicalReview || t.RequestID == 0 {
		return t, k, phoenix.NotFound("Clinical review task")
	}
	return t, k, nil
}

// answersClosed is the error for answers sent when the request no longer awaits them.
func answersClosed(r phoenix.Request) error {
	if r.State == phoenix.StateAwaitingClinicalDecision {
		return phoenix.Errorf(phoenix.ECONFLICT, "The clinical review answers for %s were "+
			"already submitted; the request awaits a clinical leader's decision.", r.Reference())
	}
	if r.State == phoenix.StateAwaitingOrganisation {
		return phoenix.Errorf(phoenix.ECONFLICT, "%s no longer needs clinical review answers: "+
			"it awaits the organisation's outcome.", r.Reference())
	}
	return alreadyDecided(r)
}

func (s *Service) storeAnswers(ctx context.Context, c *store.Conn, a Actor, r phoenix.Request,
	t phoenix.Task, k phoenix.Case, review store.ClinicalReview) (phoenix.Request, error) {
	now := s.clock.Now()
	rounds, err := c.ClinicalReviews(ctx, r.ID)
	if err != nil {
		return r, err
	}
	review.RequestID, review.Round = r.ID, len(rounds)+1
	review.SubmittedBy, review.SubmittedAt = a.User.ID, now
	if _, err := c.AddClinicalReview(ctx, review); err != nil {
		return r, err
	}

	r.State = phoenix.StateAwaitingClinicalDecision
	if err := c.UpdateRequest(ctx, r); err != nil {
		return r, err
	}
	err = c.SetTaskOpen(ctx, t.ID, false, "Answers sent to the clinical leaders.", now)
	if err != nil {
		return r, err
	}
	err = s.event(ctx, c, r.ID, a.User.ID, "clinical_answers", fmt.Sprintf(
		"Clinical review questions answered by %s (round %d) and sent to the clinical "+
			"leaders.", a.User.Name, review.Round), false)
	if err != nil {
		return r, err
	}
	err = s.audit(ctx, c, a, "clinical_answers", "request", r.ID, r.ClientID, r.CaseID,
		fmt.Sprintf("round %d", review.Round))
	if err != nil {
		return r, err
	}
	return r, s.emailLeaders(ctx, c, a, r, k, review)
}

// emailLeaders queues a message to every clinical leader that a review awaits a
// decision. The message carries no answers, only the risk when it is high, so that
// the review is read first.
func (s *Service) emailLeaders(ctx context.Context, c *store.Conn, a Actor, r phoenix.Request,
	k phoenix.Case, review store.ClinicalReview) error {
	leaders, err := c.Users(ctx, phoenix.RoleClinicalLeader, 0)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("Clinical review awaits your decision: %s", r.Reference())
	high := ""
	if Risk(review.Risk) == RiskHigh {
		subject = "High risk: " + subject
		high = "The consultant rated the client's current risk as high, so the review is " +
			"at the top of the queue.\n\n"
	}
	body := fmt.Sprintf("%s answered the clinical review questions for extra sessions "+
		"request %s on %s. The request needs a clinical leader's decision before the "+
		"organisation sees it.\n\n%sDecide here: %s", a.User.Name, r.Reference(),
		k.Reference(), high, s.link(fmt.Sprintf("/clinical/reviews/%d", r.ID)))
	return s.emailUsers(ctx, c, leaders, r.ID, AudienceClinicalLeader, subject,
		body+s.signature())
}
