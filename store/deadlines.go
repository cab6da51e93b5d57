package store

import (
	"context"

	"github.com/phoenix-eap/phoenix"
)

// AwaitingOrganisation returns every request that awaits its organisation's outcome,
// earliest deadline first, in one query. The list is not paged: a case has at most one
// open request, so it is bounded by the number of open cases.
func (c *Conn) AwaitingOrganisation(ctx context.Context) ([]phoenix.Request, error) {
	rows, err := c.query(ctx, `SELECT `+requestColumns+` FROM requests WHERE state = ?
		ORDER BY deadline_at, id`, string(phoenix.StateAwaitingOrganisation))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanRequest)
}
