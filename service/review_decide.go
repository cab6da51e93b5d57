package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// The choices of a reviewer's decision.
const (
	ReviewApprove = "approve"
	ReviewDecline = "decline"
)

// DecisionInput is a reviewer's decision form as typed. Every field is kept as text so
// that a rejected form comes back exactly as it was sent.
type DecisionInput struct {
	// Decision is "approve" or "decline".
	Decision string `json:"decision"`
	// Sessions is the number approved, a whole number from 1 to the number requested.
	Sessions string `json:"sessions"`
	// Reason is required to decline; with an approval it is an optional note.
	Reason string `json:"reason"`
}

// Decide records a reviewer's decision on a request of their organisation, in one
// transaction that locks the request: of two decisions made at once, the second finds
// the request decided and gets ECONFLICT naming the outcome. An approval adds the
// approved sessions to the case's allowance; the consultant and the client are
// emailed the outcome.
func (s *Service) Decide(ctx context.Context, a Actor, id int64, in DecisionInput) (ReviewItem, error) {
	if !a.Is(phoenix.RoleReviewer) {
		return ReviewItem{}, forbidden()
	}
	var item ReviewItem
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		r, err := c.LockRequest(ctx, id)
		if err != nil {
			return err
		}
		if !reviewable(a, r) {
			return phoenix.NotFound("Request")
		}
		if r.State != phoenix.StateAwaitingOrganisation {
			return alreadyDecided(r)
		}
		approved, reason, err := parseDecision(in, r.Sessions)
		if err != nil {
			return err
		}
		if err := s.recordOutcome(ctx, c, &r, approved, reason, a); err != nil {
			return err
		}
		item, err = s.reviewPage(ctx, c, r)
		return err
	})
	return item, err
}

// parseDecision checks the decision form against the number of sessions requested and
// returns the number approved, zero for a decline, and the trimmed reason.
func parseDecision(in DecisionInput, requested int) (int, string, error) {
	var v Validation
	reason := strings.TrimSpace(in.Reason)
	decision := strings.TrimSpace(in.Decision)
	approved := 0

	switch decision {
	case ReviewApprove:
		approved = parseApproved(&v, in.Sessions, requested)
	case ReviewDecline:
		if reason == "" {
			v.Add("reason", "Reason is required to decline a request; the consultant reads it.")
		}
	default:
		v.Add("decision", "Decision is required: choose Approve or Decline.")
	}
	if n := utf8.RuneCountInString(reason); n > phoenix.MaxReasonLength {
		v.Add("reason", fmt.Sprintf("Reason must be at most %d characters; it has %d.",
			phoenix.MaxReasonLength, n))
	}
	return approved, reason, v.Err()
}

// parseApproved reads the number of sessions approved: a whole number from 1 to the
// number requested.
func parseApproved(v *Validation, text string, requested int) int {
	text = strings.TrimSpace(text)
	rule := fmt.Sprintf("a whole number from 1 to %d, the number requested", requested)
	if text == "" {
		v.Add("sessions", "Sessions approved is required: "+rule+".")
		return 0
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > requested {
		v.Add("sessions", "Sessions approved must be "+rule+".")
		return 0
	}
	return n
}
