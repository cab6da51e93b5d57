package service

import (
	"context"
	"fmt"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// startClinicalReview puts an Extra Sessions Clinical Review task in the consultant's
// Task Filter and emails the consultant that it waits.
func (s *Service) startClinicalReview(ctx context.Context, c *store.Conn, r *phoenix.Request,
	k phoenix.Case, client phoenix.Client) error {
	taskID, err := c.CreateTask(ctx, phoenix.Task{CaseID: k.ID, Kind: phoenix.TaskClinicalReview,
		AssigneeID: r.ConsultantID, RequestID: r.ID, Open: true, CreatedAt: s.clock.Now()})
	if err != nil {
		return err
	}
	err = s.event(ctx, c, r.ID, 0, "clinical_review", fmt.Sprintf(
		"Sent to clinical review: the period total would be %d, at or above the threshold of %d. "+
			"The consultant must answer the clinical review questions.",
		r.Counts.Total(), r.Threshold), false)
	if err != nil {
		return err
	}
	consultant, err := c.User(ctx, r.ConsultantID)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("Clinical review needed for %s on %s", r.Reference(), k.Reference())
	body := fmt.Sprintf("Extra sessions request %s for %s (%s) would take the client to %d "+
		"sessions in their 12-month period, so it needs clinical review before the "+
		"organisation sees it.\n\nAnswer the Extra Sessions Clinical Review questions here: %s",
		r.Reference(), client.Name(), k.Reference(), r.Counts.Total(),
		s.link(fmt.Sprintf("/tasks/%d", taskID)))
	return s.emailUsers(ctx, c, []phoenix.User{consultant}, r.ID, AudienceConsultant, subject,
		body+s.signature())
}
