package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/bizday"
	"github.com/phoenix-eap/phoenix/store"
)

// caseSessions books a demo case's sessions and keeps its allowance ahead of them with
// approved requests, as the provider would have.
type caseSessions struct {
	g          *generator
	c          *store.Conn
	k          phoenix.Case
	client     phoenix.Client
	org        phoenix.Organisation
	contract   phoenix.Contract
	consultant phoenix.User
	allowance  int
	used       int
	// last is the start of the latest session before the clock's instant.
	last time.Time
}

func (cs *caseSessions) add(ctx context.Context, at time.Time, j, stage int) error {
	status := cs.status(at, stage)
	if status != phoenix.SessionCancelled {
		if cs.used >= cs.allowance {
			if err := cs.historicRequest(ctx, phoenix.StateApproved, 4); err != nil {
				return err
			}
		}
		cs.used++
	}
	if at.Before(cs.g.now) {
		cs.last = at
	}
	ses := phoenix.Session{CaseID: cs.k.ID, ConsultantID: cs.consultant.ID, StartsAt: at,
		Minutes: 50, TimeZone: cs.consultant.TimeZone, Mode: cs.mode(j), Status: status,
		UpdatedAt: at}
	id, err := cs.c.CreateSession(ctx, ses, cs.client.ID)
	if err != nil {
		return err
	}
	if status != phoenix.SessionScheduled {
		return nil
	}
	_, err = cs.c.CreateTask(ctx, phoenix.Task{CaseID: cs.k.ID,
		Kind: phoenix.TaskWaitingForCompletion, AssigneeID: cs.consultant.ID, SessionID: id,
		Open: true, CreatedAt: at.Add(-7 * 24 * time.Hour)})
	return err
}

// status picks what happened to a session: sessions from this week on are scheduled
// (so some in the past await completion); earlier ones mostly completed.
func (cs *caseSessions) status(at time.Time, stage int) phoenix.SessionStatus {
	if !at.Before(cs.g.monday.In(at.Location())) {
		return phoenix.SessionScheduled
	}
	if stage == stageNearLimit || stage == stageAwaitingOrg {
		return phoenix.SessionCompleted
	}
	switch n := cs.g.rng.IntN(100); {
	case n < 8:
		return phoenix.SessionCancelled
	case n < 15:
		return phoenix.SessionLateCancellation
	case n < 21:
		return phoenix.SessionDidNotAttend
	}
	return phoenix.SessionCompleted
}

func (cs *caseSessions) mode(j int) phoenix.SessionMode {
	return phoenix.SessionModes[(int(cs.k.ID)+j)%len(phoenix.SessionModes)]
}

// historicDue returns the due dates a past request was given. The demo has no
// closure days, so public holidays alone decide them.
func historicDue(org phoenix.Organisation, k phoenix.Contract,
	received time.Time) (bizday.DueDates, error) {
	region, err := bizday.ParseRegion(org.Region)
	if err != nil {
		return bizday.DueDates{}, err
	}
	cal, err := bizday.New(region)
	if err != nil {
		return bizday.DueDates{}, err
	}
	return bizday.Due(received, org.Location(), cal, k.GoalDays, k.DeadlineDays)
}

// historicRequest stores a request decided in the past, dated just after the latest
// session, with its timeline; an approval raises the allowance.
func (cs *caseSessions) historicRequest(ctx context.Context, state phoenix.RequestState, n int) error {
	n = max(1, min(n, 4))
	loc := cs.org.Location()
	submitted := cs.last.Add(26 * time.Hour)
	if cs.last.IsZero() {
		submitted = cs.k.CreatedAt.Add(24 * time.Hour)
	}
	// A decided request lies in the past: it was decided three days after it was
	// received, at least a day before the clock's instant.
	if latest := cs.g.now.Add(-4*24*time.Hour - time.Minute); submitted.After(latest) {
		submitted = latest
	}
	received := submitted.Add(time.Minute)
	decided := received.Add(3 * 24 * time.Hour)
	due, err := historicDue(cs.org, cs.contract, received)
	if err != nil {
		return err
	}
	goal, deadline := due.Goal, due.Deadline
	day := phoenix.DateIn(submitted, loc)
	r := phoenix.Request{CaseID: cs.k.ID, ClientID: cs.client.ID, OrganisationID: cs.org.ID,
		ConsultantID: cs.consultant.ID, ContractID: cs.contract.ID,
		Requestor: phoenix.RequestorConsultant, Sessions: n, RequestDate: day,
		Goals:   "Consolidate coping strategies for workplace change and plan the return to full duties.",
		Pathway: phoenix.PathwayContinueEAP, State: state,
		Counts: phoenix.Counts{Period: phoenix.Period{Start: day.AddDays(-60),
			End: day.AddDays(-60).AddMonthsClamped(12)}, Completed: cs.used, Requested: n},
		Threshold: cs.contract.ClinicalThreshold, SubmittedAt: submitted, ReceivedAt: &received,
		Goal: &goal, Deadline: &deadline, DecidedAt: &decided, Allowance: cs.allowance}
	if state == phoenix.StateApproved {
		r.Approved = n
		r.Allowance += n
	} else {
		r.Reason = "The organisation's EAP budget for this quarter is fully committed."
	}
	id, err := cs.c.CreateRequest(ctx, r, cs.consultant.ID, fmt.Sprintf("demo-%d-%d", cs.k.ID, submitted.Unix()))
	if err != nil {
		return err
	}
	r.ID = id
	if err := cs.c.UpdateRequest(ctx, r); err != nil {
		return err
	}
	events := []store.Event{
		{At: submitted, Kind: "submitted", Text: fmt.Sprintf("Submitted: %d extra sessions requested.", n), OrgVisible: true},
		{At: received, Kind: "received", Text: "Received by the organisation.", OrgVisible: true},
		{At: decided, Kind: string(state), Text: "Outcome: " + state.Label() + ".", OrgVisible: true},
	}
	for _, e := range events {
		e.RequestID = id
		if err := cs.c.AddEvent(ctx, e); err != nil {
			return err
		}
	}
	if state != phoenix.StateApproved {
		return nil
	}
	cs.allowance += n
	return cs.c.AddGrant(ctx, cs.k.ID, cs.client.ID, phoenix.DateIn(decided, loc), n, id)
}
