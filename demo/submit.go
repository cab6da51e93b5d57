package demo

import (
	"context"
	"fmt"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

// submitOpenRequests submits the open demo requests through the service, as their
// consultants would, so that they have due dates, timers and emails like any other.
func (g *generator) submitOpenRequests(ctx context.Context) error {
	for _, p := range g.pending {
		a := service.Actor{User: p.consultant, IP: "127.0.0.1"}
		form, err := g.svc.RequestForm(ctx, a, p.caseID)
		if err != nil {
			return err
		}
		_, err = g.svc.SubmitRequest(ctx, a, p.caseID, service.RequestInput{
			Requestor: string(phoenix.RequestorConsultant), Sessions: fmt.Sprint(p.sessions),
			RequestDate: form.Today.String(), Goals: p.goals, Pathway: string(p.pathway),
			IdempotencyKey: fmt.Sprintf("demo-open-%d", p.caseID)})
		if err != nil {
			return fmt.Errorf("submitting the demo request on %s: %w",
				phoenix.CaseReference(p.caseID), err)
		}
	}
	return g.clinicalStages(ctx)
}
