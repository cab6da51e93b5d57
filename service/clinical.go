package service

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// Risk is the client's current risk as the consultant rates it at clinical review.
type Risk string

const (
	RiskNone     Risk = "none"
	RiskLow      Risk = "low"
	RiskModerate Risk = "moderate"
	RiskHigh     Risk = "high"
)

// Risks lists the choices in the order the form shows them.
var Risks = []Risk{RiskNone, RiskLow, RiskModerate, RiskHigh}

// Label returns the risk as screens show it.
func (r Risk) Label() string {
	switch r {
	case RiskNone:
		return "None"
	case RiskLow:
		return "Low"
	case RiskModerate:
		return "Moderate"
	case RiskHigh:
		return "High"
	}
	return string(r)
}

// needsActions reports whether the consultant must say what actions were taken.
func (r Risk) needsActions() bool { return r == RiskModerate || r == RiskHigh }

// ClinicalDecision is a clinical leader's decision on a round of answers.
type ClinicalDecision string

const (
	DecisionSupport         ClinicalDecision = "support"
	DecisionNotSupported    ClinicalDecision = "not_supported"
	DecisionMoreInformation ClinicalDecision = "more_information"
)

// ClinicalDecisions lists the choices in the order the form shows them.
var ClinicalDecisions = []ClinicalDecision{DecisionSupport, DecisionNotSupported,
	DecisionMoreInformation}

// Label returns the decision as screens show it.
func (d ClinicalDecision) Label() string {
	switch d {
	case DecisionSupport:
		return "Supported"
	case DecisionNotSupported:
		return "Not supported"
	case DecisionMoreInformation:
		return "More information needed"
	}
	return string(d)
}

// Limits on the clinical review answers and decisions, in characters.
const (
	MaxClinicalAnswerLength = 2000
	MaxRiskActionsLength    = 1000
	MaxReferralPlanLength   = 1000
	MaxQuestionLength       = 1000
)

// ReviewRound is one round of clinical review answers with the names of the people
// involved.
type ReviewRound struct {
	store.ClinicalReview
	SubmittedByName string
	DecidedByName   string
}

// RiskLabel returns the rated risk as screens show it.
func (r ReviewRound) RiskLabel() string { return Risk(r.Risk).Label() }

// HighRisk reports whether the consultant rated the risk high.
func (r ReviewRound) HighRisk() bool { return Risk(r.Risk) == RiskHigh }

// DecisionLabel returns the decision as screens show it, or "" before one is made.
func (r ReviewRound) DecisionLabel() string {
	if r.Decision == "" {
		return ""
	}
	return ClinicalDecision(r.Decision).Label()
}

// canReadClinicalAnswers reports whether the actor may read a case's clinical review
// answers and decisions: its consultant and the clinical leaders. Intake and
// administrators see the review's progress but not its clinical content, and
// organisation reviewers never see the case at all.
func canReadClinicalAnswers(a Actor, k phoenix.Case) bool {
	if a.Is(phoenix.RoleClinicalLeader) {
		return true
	}
	return a.Is(phoenix.RoleConsultant) && k.ConsultantID == a.User.ID
}

// reviewRounds returns a request's rounds with the names of who answered and decided.
func reviewRounds(ctx context.Context, c *store.Conn, requestID int64) ([]ReviewRound, error) {
	list, err := c.ClinicalReviews(ctx, requestID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, 2*len(list))
	for _, r := range list {
		ids = append(ids, r.SubmittedBy)
		if r.DecidedBy != 0 {
			ids = append(ids, r.DecidedBy)
		}
	}
	users, err := c.UsersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]ReviewRound, len(list))
	for i, r := range list {
		out[i] = ReviewRound{ClinicalReview: r, SubmittedByName: users[r.SubmittedBy].Name,
			DecidedByName: users[r.DecidedBy].Name}
	}
	return out, nil
}

// openQuestion returns the clinical leader's question that the consultant must answer,
// or "" when the request does not wait for more information.
func openQuestion(r phoenix.Request, rounds []ReviewRound) string {
	if r.State != phoenix.StateAwaitingClinicalQuestions || len(rounds) == 0 {
		return ""
	}
	last := rounds[len(rounds)-1]
	if ClinicalDecision(last.Decision) != DecisionMoreInformation {
		return ""
	}
	return last.DecisionText
}

// checkLength applies a free-text field's rules: a limit in characters and, when
// missing is not empty, a required value with missing as the message.
func checkLength(v *Validation, field, label, text string, maxLen int, missing string) {
	n := utf8.RuneCountInString(text)
	switch {
	case n == 0 && missing != "":
		v.Add(field, missing)
	case n > maxLen:
		v.Add(field, fmt.Sprintf("%s must be at most %d characters; it has %d.", label, maxLen, n))
	}
}

// trimInput trims the spaces around every field of a form of strings.
func trimInput(fields ...*string) {
	for _, f := range fields {
		*f = strings.TrimSpace(*f)
	}
}
