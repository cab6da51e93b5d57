package service

import (
	"context"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// noticePeriod is the notice a cancellation needs so that it does not use a session.
const noticePeriod = 24 * time.Hour

// SessionView is an appointment's details.
type SessionView struct {
	Session    phoenix.Session
	Case       phoenix.Case
	ClientName string
	Consultant phoenix.User
	// CanChange is set when the viewer may change the session's status.
	CanChange bool
}

// Session returns an appointment's details, seen through its case's access rules.
func (s *Service) Session(ctx context.Context, a Actor, id int64) (SessionView, error) {
	c := s.db.Conn()
	ses, err := c.Session(ctx, id)
	if err != nil {
		return SessionView{}, err
	}
	k, err := s.loadSessionCase(ctx, c, a, ses)
	if err != nil {
		return SessionView{}, err
	}
	client, err := c.Client(ctx, k.ClientID)
	if err != nil {
		return SessionView{}, err
	}
	consultant, err := c.User(ctx, ses.ConsultantID)
	if err != nil {
		return SessionView{}, err
	}
	return SessionView{Session: ses, Case: k, ClientName: client.Name(), Consultant: consultant,
		CanChange: canActOnCase(a, k) && ses.Status == phoenix.SessionScheduled}, nil
}

// loadSessionCase returns the case of a session the actor may see. A session of a case
// the actor may not see is "not found", like one that does not exist.
func (s *Service) loadSessionCase(ctx context.Context, c *store.Conn, a Actor,
	ses phoenix.Session) (phoenix.Case, error) {
	k, err := s.loadCase(ctx, c, a, ses.CaseID)
	if phoenix.ErrorCode(err) == phoenix.ENOTFOUND {
		return k, phoenix.NotFound("Appointment")
	}
	return k, err
}

// SetSessionStatus records what happened to a scheduled session: completed, cancelled
// with notice, late cancellation or did not attend.
func (s *Service) SetSessionStatus(ctx context.Context, a Actor, id int64, status phoenix.SessionStatus) error {
	return s.db.InTx(ctx, func(c *store.Conn) error {
		ses, err := c.Session(ctx, id)
		if err != nil {
			return err
		}
		k, err := s.loadSessionCase(ctx, c, a, ses)
		if err != nil {
			return err
		}
		if !canActOnCase(a, k) {
			return forbidden()
		}
		// Changes of one case's sessions run one at a time, so two changes of the same
		// session cannot both find it scheduled.
		if _, err := c.LockCase(ctx, k.ID); err != nil {
			return err
		}
		if ses, err = c.Session(ctx, id); err != nil {
			return err
		}
		now := s.clock.Now()
		if err := checkStatusChange(ses, status, now); err != nil {
			return err
		}
		if err := c.SetSessionStatus(ctx, id, status, now); err != nil {
			return err
		}
		err = c.CloseTasks(ctx, k.ID, phoenix.TaskWaitingForCompletion, ses.ID, now)
		if err != nil {
			return err
		}
		return s.audit(ctx, c, a, "set_status", "session", id, k.ClientID, k.ID, string(status))
	})
}

// checkStatusChange applies the rules of a session's status: only a scheduled session
// changes; completed and did not attend come after the start; a cancellation with
// notice needs 24 hours of it.
func checkStatusChange(ses phoenix.Session, to phoenix.SessionStatus, now time.Time) error {
	field := func(msg string) error {
		return &phoenix.Error{Code: phoenix.EINVALID, Message: msg,
			Fields: map[string]string{"status": msg}}
	}
	if ses.Status != phoenix.SessionScheduled {
		return field("Only a scheduled session can change; this one is " +
			ses.Status.Label() + ".")
	}
	started := !now.Before(ses.StartsAt)
	switch to {
	case phoenix.SessionCompleted, phoenix.SessionDidNotAttend:
		if !started {
			return field(to.Label() + " can be recorded once the session has started.")
		}
	case phoenix.SessionCancelled:
		if ses.StartsAt.Sub(now) < noticePeriod {
			return field("A cancellation with notice needs 24 hours' notice; " +
				"record a late cancellation instead.")
		}
	case phoenix.SessionLateCancellation:
		if started {
			return field("A session that has started cannot be cancelled; " +
				"record did not attend instead.")
		}
		if ses.StartsAt.Sub(now) >= noticePeriod {
			return field("A late cancellation is one with under 24 hours' notice; " +
				"record a cancellation with notice instead.")
		}
	default:
		return field("Status must be completed, cancelled, late cancellation or did not attend.")
	}
	return nil
}
