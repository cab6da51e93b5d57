package store

import (
	"context"

	"github.com/phoenix-eap/phoenix"
)

// ReviewQueue returns one page of the requests awaiting an organisation's outcome,
// earliest goal first.
func (c *Conn) ReviewQueue(ctx context.Context, orgID int64, page Page) ([]phoenix.Request, error) {
	p := page.normal()
	rows, err := c.query(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE organisation_id = ? AND state = ? AND received_at IS NOT NULL
		ORDER BY goal_at, deadline_at, id LIMIT ? OFFSET ?`, orgID,
		phoenix.StateAwaitingOrganisation, p.Limit, p.Offset)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanRequest)
}

// DecidedReviews returns one page of the requests that reached an organisation and were
// then approved, declined or withdrawn, most recently decided first.
func (c *Conn) DecidedReviews(ctx context.Context, orgID int64, page Page) ([]phoenix.Request, error) {
	p := page.normal()
	rows, err := c.query(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE organisation_id = ? AND state IN (?, ?, ?) AND received_at IS NOT NULL
		ORDER BY decided_at DESC, id DESC LIMIT ? OFFSET ?`, orgID, phoenix.StateApproved,
		phoenix.StateDeclined, phoenix.StateWithdrawn, p.Limit, p.Offset)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanRequest)
}
