package store

import (
	"context"
	"strings"
	"time"
)

// SignedInFrom reports whether a user completed a sign-in from a client address at or
// after since, as the sign_in audit events record it. User ID 0 matches no one.
func (c *Conn) SignedInFrom(ctx context.Context, userID int64, ip string, since time.Time) (bool, error) {
	var n int
	err := c.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM audit_events
		WHERE actor_id = ? AND at >= ? AND action = 'sign_in' AND ip = ? LIMIT 1) AS found`,
		userID, atValue(since), ip).Scan(&n)
	return n > 0, err
}

// UsableAccountTokens returns which of the given token hashes belong to a password link
// that is unused and unexpired at now.
func (c *Conn) UsableAccountTokens(ctx context.Context, hashes []string, now time.Time) (map[string]bool, error) {
	usable := map[string]bool{}
	if len(hashes) == 0 {
		return usable, nil
	}
	args := make([]any, 0, len(hashes)+1)
	for _, h := range hashes {
		args = append(args, h)
	}
	args = append(args, atValue(now))
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(hashes)), ", ")
	rows, err := c.query(ctx, `SELECT token_hash FROM account_tokens
		WHERE token_hash IN (`+marks+`) AND used_at IS NULL AND expires_at > ?`, args...)
	if err != nil {
		return nil, err
	}
	hits, err := collect(rows, func(r interface{ Scan(...any) error }) (string, error) {
		var h string
		return h, r.Scan(&h)
	})
	for _, h := range hits {
		usable[h] = true
	}
	return usable, err
}
