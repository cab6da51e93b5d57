package store

import "context"

// CountEmails returns the number of outbox messages with the status, or of every
// message when status is empty.
func (c *Conn) CountEmails(ctx context.Context, status string) (int, error) {
	var n int
	err := c.queryRow(ctx, `SELECT count(*) FROM emails WHERE ? = '' OR status = ?`,
		status, status).Scan(&n)
	return n, err
}
