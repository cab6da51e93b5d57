package store

import (
	"context"
	"time"

	"github.com/phoenix-eap/phoenix"
)

const taskColumns = `id, case_id, kind, coalesce(assignee_id, 0), assignee_role,
	coalesce(request_id, 0), coalesce(session_id, 0), open, note, created_at, done_at`

func scanTask(row interface{ Scan(...any) error }) (phoenix.Task, error) {
	var t phoenix.Task
	err := row.Scan(&t.ID, &t.CaseID, &t.Kind, &t.AssigneeID, &t.AssigneeRole, &t.RequestID,
		&t.SessionID, &t.Open, &t.Note, at(&t.CreatedAt), nullableAt{&t.DoneAt})
	return t, err
}

// CreateTask stores a new task and returns its ID.
func (c *Conn) CreateTask(ctx context.Context, t phoenix.Task) (int64, error) {
	return c.insert(ctx, `INSERT INTO tasks (case_id, kind, assignee_id, assignee_role,
		request_id, session_id, open, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.CaseID, t.Kind, nullID(t.AssigneeID), t.AssigneeRole, nullID(t.RequestID),
		nullID(t.SessionID), t.Open, t.Note, atValue(t.CreatedAt))
}

// Task returns the task with the given ID.
func (c *Conn) Task(ctx context.Context, id int64) (phoenix.Task, error) {
	t, err := scanTask(c.queryRow(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = ?`, id))
	return t, notFound(err, "Task")
}

// CaseTasks returns a case's tasks, open ones first.
func (c *Conn) CaseTasks(ctx context.Context, caseID int64) ([]phoenix.Task, error) {
	rows, err := c.query(ctx, `SELECT `+taskColumns+` FROM tasks WHERE case_id = ?
		ORDER BY open DESC, id`, caseID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanTask)
}

// SetTaskOpen opens or closes a task, with an optional note that replaces the old one
// when not empty.
func (c *Conn) SetTaskOpen(ctx context.Context, id int64, open bool, note string, now time.Time) error {
	var done any
	if !open {
		done = atValue(now)
	}
	_, err := c.exec(ctx, `UPDATE tasks SET open = ?, done_at = ?,
		note = CASE WHEN ? = '' THEN note ELSE ? END WHERE id = ?`, open, done, note, note, id)
	return err
}

// CloseTasks closes a case's open tasks of a kind, such as the Waiting for Appointment
// Completion task of one session.
func (c *Conn) CloseTasks(ctx context.Context, caseID int64, kind phoenix.TaskKind,
	sessionID int64, now time.Time) error {
	_, err := c.exec(ctx, `UPDATE tasks SET open = FALSE, done_at = ?
		WHERE case_id = ? AND kind = ? AND open AND (? = 0 OR session_id = ?)`,
		atValue(now), caseID, kind, sessionID, sessionID)
	return err
}

// RequestTask returns the clinical review task of a request.
func (c *Conn) RequestTask(ctx context.Context, requestID int64) (phoenix.Task, error) {
	t, err := scanTask(c.queryRow(ctx, `SELECT `+taskColumns+` FROM tasks
		WHERE request_id = ? ORDER BY id DESC LIMIT 1`, requestID))
	return t, notFound(err, "Task")
}
