package service

import (
	"context"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// loadCase returns a case the actor may see. A case the actor may not see gives the
// same "not found" as a case that does not exist, so guessing numbers reveals nothing.
func (s *Service) loadCase(ctx context.Context, c *store.Conn, a Actor, id int64) (phoenix.Case, error) {
	k, err := c.Case(ctx, id)
	if err != nil {
		return phoenix.Case{}, err
	}
	ok, err := s.canSeeCase(ctx, c, a, k)
	if err != nil {
		return phoenix.Case{}, err
	}
	if !ok {
		return phoenix.Case{}, phoenix.NotFound("Case")
	}
	return k, nil
}

// canSeeCase applies the case access rules: intake and administrators see every case,
// consultants their own, clinical leaders those with a request that reached clinical
// review, and organisation reviewers none.
func (s *Service) canSeeCase(ctx context.Context, c *store.Conn, a Actor, k phoenix.Case) (bool, error) {
	switch a.User.Role {
	case phoenix.RoleAdmin, phoenix.RoleIntake:
		return true, nil
	case phoenix.RoleConsultant:
		return k.ConsultantID == a.User.ID, nil
	case phoenix.RoleClinicalLeader:
		return c.CaseReachedClinicalReview(ctx, k.ID)
	}
	return false, nil
}

// canActOnCase reports whether the actor may book sessions and request extra sessions
// on the case: its consultant, or intake.
func canActOnCase(a Actor, k phoenix.Case) bool {
	if a.Is(phoenix.RoleIntake) {
		return true
	}
	return a.Is(phoenix.RoleConsultant) && k.ConsultantID == a.User.ID
}
