package service

import (
	"context"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// ClinicalTaskView is the Extra Sessions Clinical Review task page.
type ClinicalTaskView struct {
	TaskView
	Request phoenix.Request
	// ShowAnswers is set for the viewers who may read the clinical content: the case's
	// consultant and the clinical leaders. Rounds and Question stay empty for the rest.
	ShowAnswers bool
	// Rounds are the answers and decisions so far, the first round first.
	Rounds []ReviewRound
	// Question is the clinical leader's question while the request waits for more
	// information.
	Question string
	// CanAnswer is set when the viewer is the case's consultant and the request
	// awaits the answers.
	CanAnswer bool
	// Draft fills the form: the previous round's answers when the consultant answers
	// again.
	Draft ClinicalInput
}

// ClinicalTask returns the Extra Sessions Clinical Review task page, seen through the
// case's access rules.
func (s *Service) ClinicalTask(ctx context.Context, a Actor, taskID int64) (ClinicalTaskView, error) {
	tv, err := s.Task(ctx, a, taskID)
	if err != nil {
		return ClinicalTaskView{}, err
	}
	if tv.Task.Kind != phoenix.TaskClinicalReview || tv.Task.RequestID == 0 {
		return ClinicalTaskView{}, phoenix.NotFound("Clinical review task")
	}
	c := s.db.Conn()
	r, err := c.Request(ctx, tv.Task.RequestID)
	if err != nil {
		return ClinicalTaskView{}, err
	}
	v := ClinicalTaskView{TaskView: tv, Request: r}
	v.CanAnswer = r.State == phoenix.StateAwaitingClinicalQuestions &&
		isCaseConsultant(a, tv.Case)
	if !canReadClinicalAnswers(a, tv.Case) {
		return v, nil
	}
	v.ShowAnswers = true
	if v.Rounds, err = reviewRounds(ctx, c, r.ID); err != nil {
		return v, err
	}
	v.Question = openQuestion(r, v.Rounds)
	if v.CanAnswer && len(v.Rounds) > 0 {
		v.Draft = inputOf(v.Rounds[len(v.Rounds)-1].ClinicalReview)
	}
	err = s.audit(ctx, c, a, "view", "clinical_review", r.ID, r.ClientID, r.CaseID, "task")
	return v, err
}

// ClinicalQueueItem is a row of the clinical leaders' queue.
type ClinicalQueueItem struct {
	Request    phoenix.Request
	Latest     ReviewRound
	ClientName string
	Consultant string
}

// ClinicalQueue returns one page of the reviews awaiting a clinical decision, high risk
// first and then the oldest request first, for clinical leaders.
func (s *Service) ClinicalQueue(ctx context.Context, a Actor, page store.Page) ([]ClinicalQueueItem, error) {
	if !a.Is(phoenix.RoleClinicalLeader) {
		return nil, forbidden()
	}
	c := s.db.Conn()
	rows, err := c.ClinicalQueue(ctx, page)
	if err != nil {
		return nil, err
	}

	clientIDs := make([]int64, len(rows))
	userIDs := make([]int64, 0, 2*len(rows))
	for i, row := range rows {
		clientIDs[i] = row.Request.ClientID
		userIDs = append(userIDs, row.Request.ConsultantID, row.Review.SubmittedBy)
	}
	clients, err := c.ClientsByID(ctx, clientIDs)
	if err != nil {
		return nil, err
	}
	users, err := c.UsersByID(ctx, userIDs)
	if err != nil {
		return nil, err
	}

	out := make([]ClinicalQueueItem, len(rows))
	for i, row := range rows {
		out[i] = ClinicalQueueItem{Request: row.Request,
			Latest: ReviewRound{ClinicalReview: row.Review,
				SubmittedByName: users[row.Review.SubmittedBy].Name},
			ClientName: clients[row.Request.ClientID].Name(),
			Consultant: users[row.Request.ConsultantID].Name}
	}
	return out, nil
}

// ClinicalReviewView is a clinical review's page for the clinical leaders.
type ClinicalReviewView struct {
	Request      phoenix.Request
	Case         phoenix.Case
	ClientName   string
	Consultant   phoenix.User
	Organisation phoenix.Organisation
	// Rounds are the consultant's answers and the decisions, the first round first.
	Rounds []ReviewRound
	Events []store.Event
	// CanDecide is set while the request awaits a clinical decision.
	CanDecide bool
	TaskID    int64
}

// Latest returns the latest round of answers.
func (v ClinicalReviewView) Latest() ReviewRound { return v.Rounds[len(v.Rounds)-1] }

// ClinicalReview returns a request's clinical review for a clinical leader. A request
// that never reached the clinical leaders is "not found", like one that does not exist.
func (s *Service) ClinicalReview(ctx context.Context, a Actor, requestID int64) (ClinicalReviewView, error) {
	if !a.Is(phoenix.RoleClinicalLeader) {
		return ClinicalReviewView{}, forbidden()
	}
	c := s.db.Conn()
	r, k, err := s.loadRequest(ctx, c, a, requestID)
	if err != nil {
		return ClinicalReviewView{}, err
	}
	v := ClinicalReviewView{Request: r, Case: k}
	if v.Rounds, err = reviewRounds(ctx, c, r.ID); err != nil {
		return v, err
	}
	if len(v.Rounds) == 0 {
		return ClinicalReviewView{}, phoenix.NotFound("Clinical review")
	}
	if err := s.fillClinicalReview(ctx, c, &v); err != nil {
		return v, err
	}
	v.CanDecide = r.State == phoenix.StateAwaitingClinicalDecision
	err = s.audit(ctx, c, a, "view", "clinical_review", r.ID, r.ClientID, r.CaseID, "")
	return v, err
}

func (s *Service) fillClinicalReview(ctx context.Context, c *store.Conn, v *ClinicalReviewView) error {
	r := v.Request
	client, err := c.Client(ctx, r.ClientID)
	if err != nil {
		return err
	}
	v.ClientName = client.Name()
	if v.Consultant, err = c.User(ctx, r.ConsultantID); err != nil {
		return err
	}
	if v.Organisation, err = c.Organisation(ctx, r.OrganisationID); err != nil {
		return err
	}
	if v.Events, err = c.Events(ctx, r.ID); err != nil {
		return err
	}
	if t, err := c.RequestTask(ctx, r.ID); err == nil {
		v.TaskID = t.ID
	}
	return nil
}
