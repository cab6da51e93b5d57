package demo

import (
	"context"
	"fmt"
	"slices"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// clinicalDemoCases is how many near-threshold cases of the first consultant go
// through clinical review at load: the first waits for the consultant's answers and
// the second, answered with a high risk, waits for a clinical leader. The others are
// left for the demo user to submit.
const clinicalDemoCases = 2

// clinicalStages takes some of the demo's near-threshold requests through clinical
// review, so the clinical leaders' queue has work in it.
func (g *generator) clinicalStages(ctx context.Context) error {
	consultant := g.consultants[0]
	a := service.Actor{User: consultant, IP: "127.0.0.1"}
	cases, err := g.nearThresholdCases(ctx, a)
	if err != nil {
		return err
	}
	if len(cases) < clinicalDemoCases+2 {
		return fmt.Errorf("the demo has %d near-threshold cases for %s, want at least %d",
			len(cases), consultant.Name, clinicalDemoCases+2)
	}
	for i, caseID := range cases[:clinicalDemoCases] {
		r, err := g.submitNearThreshold(ctx, a, caseID)
		if err != nil {
			return err
		}
		if i == 0 {
			continue
		}
		if err := g.answerClinically(ctx, a, r); err != nil {
			return err
		}
	}
	return nil
}

// nearThresholdCases returns the consultant's cases with ten or more sessions used in
// the current period and no open request, oldest case first. Only the stageNearLimit
// cases have that many, since other demo cases have at most seven past sessions.
func (g *generator) nearThresholdCases(ctx context.Context, a service.Actor) ([]int64, error) {
	list, err := g.svc.Cases(ctx, a, false, store.Page{Limit: 200})
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, k := range list {
		form, err := g.svc.RequestForm(ctx, a, k.Case.ID)
		if err != nil {
			return nil, err
		}
		if form.OpenRequest == nil && form.Counts.Completed >= 10 {
			out = append(out, k.Case.ID)
		}
	}
	slices.Sort(out)
	return out, nil
}

// submitNearThreshold submits a request of two sessions, which takes the client to the
// threshold, as the consultant would.
func (g *generator) submitNearThreshold(ctx context.Context, a service.Actor,
	caseID int64) (phoenix.Request, error) {
	form, err := g.svc.RequestForm(ctx, a, caseID)
	if err != nil {
		return phoenix.Request{}, err
	}
	r, err := g.svc.SubmitRequest(ctx, a, caseID, service.RequestInput{
		Requestor: string(phoenix.RequestorConsultant), Sessions: "2",
		RequestDate: form.Today.String(), Pathway: string(phoenix.PathwayContinueEAP),
		Goals: "Finish the relapse prevention plan and taper sessions before " +
			"handing over to the client's GP.",
		IdempotencyKey: fmt.Sprintf("demo-clinical-%d", caseID)})
	if err != nil {
		return r, fmt.Errorf("submitting the demo request on %s: %w",
			phoenix.CaseReference(caseID), err)
	}
	if r.State != phoenix.StateAwaitingClinicalQuestions {
		return r, fmt.Errorf("the demo request on %s is %s, want it in clinical review",
			phoenix.CaseReference(caseID), r.State)
	}
	return r, nil
}

// answerClinically answers a request's clinical review questions with a high risk.
func (g *generator) answerClinically(ctx context.Context, a service.Actor, r phoenix.Request) error {
	t, err := g.svc.DB().Conn().RequestTask(ctx, r.ID)
	if err != nil {
		return err
	}
	_, err = g.svc.SubmitClinicalAnswers(ctx, a, t.ID, service.ClinicalInput{
		Risk: string(service.RiskHigh),
		RiskActions: "Safety plan reviewed and updated at the last session; the client " +
			"agreed to contact a crisis line and their GP if thoughts of self-harm return.",
		PresentingIssues: "Low mood and passive thoughts of self-harm after a workplace " +
			"restructure, with poor sleep.",
		Progress: "K10 down from 34 at intake to 27; sleep improving; back at work on " +
			"reduced hours.",
		WhyEAP: "The client has a strong working alliance with the consultant and is mid-way " +
			"through a relapse prevention plan; a new provider now would set that back.",
		ReferralPlan: "GP mental health care plan and referral to a psychologist after the " +
			"extra sessions; the GP appointment is booked.",
	})
	if err != nil {
		return fmt.Errorf("answering the demo clinical review on %s: %w",
			phoenix.CaseReference(r.CaseID), err)
	}
	return nil
}
