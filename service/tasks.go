package service

import (
	"context"

	"github.com/phoenix-eap/phoenix"
)

// TaskView is a task page: the task and its case.
type TaskView struct {
	Task TaskItem
	CaseView
}

// Task returns a task page, seen through its case's access rules.
func (s *Service) Task(ctx context.Context, a Actor, id int64) (TaskView, error) {
	c := s.db.Conn()
	t, err := c.Task(ctx, id)
	if err != nil {
		return TaskView{}, err
	}
	k, err := s.loadCase(ctx, c, a, t.CaseID)
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND {
		return TaskView{}, phoenix.NotFound("Task")
	}
	if err != nil {
		return TaskView{}, err
	}
	v := TaskView{Task: TaskItem{Task: t, Flame: t.ActionableBy(a.User)},
		CaseView: CaseView{Case: k, CanAct: canActOnCase(a, k)}}
	if err := s.fillCaseView(ctx, c, a, &v.CaseView); err != nil {
		return TaskView{}, err
	}
	return v, nil
}
