package web

import (
	"fmt"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

// The JSON shapes of clinical review. Only the case's consultant and the clinical
// leaders get the answers; organisation reviewers never reach these handlers' data.

type reviewRoundJSON struct {
	Round            int        `json:"round"`
	Risk             string     `json:"risk"`
	HighRisk         bool       `json:"high_risk"`
	RiskActions      string     `json:"risk_actions,omitempty"`
	PresentingIssues string     `json:"presenting_issues"`
	Progress         string     `json:"progress"`
	WhyEAP           string     `json:"why_eap"`
	ReferralPlan     string     `json:"referral_plan"`
	SubmittedBy      string     `json:"submitted_by"`
	SubmittedAt      time.Time  `json:"submitted_at"`
	Decision         string     `json:"decision,omitempty"`
	DecisionText     string     `json:"decision_text,omitempty"`
	DecidedBy        string     `json:"decided_by,omitempty"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`
}

func toReviewRoundJSON(r service.ReviewRound) reviewRoundJSON {
	return reviewRoundJSON{Round: r.Round, Risk: r.Risk, HighRisk: r.HighRisk(),
		RiskActions: r.RiskActions, PresentingIssues: r.PresentingIssues,
		Progress: r.Progress, WhyEAP: r.WhyEAP, ReferralPlan: r.ReferralPlan,
		SubmittedBy: r.SubmittedByName, SubmittedAt: r.SubmittedAt, Decision: r.Decision,
		DecisionText: r.DecisionText, DecidedBy: r.DecidedByName, DecidedAt: r.DecidedAt}
}

func toReviewRoundsJSON(list []service.ReviewRound) []reviewRoundJSON {
	out := make([]reviewRoundJSON, len(list))
	for i, r := range list {
		out[i] = toReviewRoundJSON(r)
	}
	return out
}

// toClinicalTaskJSON shows the task page. Viewers who may not read the clinical
// content get the task, the case and the request without the rounds.
func toClinicalTaskJSON(v service.ClinicalTaskView) map[string]any {
	m := map[string]any{"task": toTaskJSON(v.Task), "case": toCaseJSON(v.CaseView),
		"request": toRequestJSON(v.Request), "can_answer": v.CanAnswer,
		"answers_url": fmt.Sprintf("/tasks/%d/clinical-answers", v.Task.ID)}
	if v.ShowAnswers {
		m["rounds"] = toReviewRoundsJSON(v.Rounds)
		m["question"] = v.Question
	}
	return m
}

type clinicalQueueJSON struct {
	Request       requestJSON     `json:"request"`
	CaseReference string          `json:"case_reference"`
	ClientName    string          `json:"client_name"`
	Consultant    string          `json:"consultant"`
	HighRisk      bool            `json:"high_risk"`
	Latest        reviewRoundJSON `json:"latest_round"`
	URL           string          `json:"url"`
}

func toClinicalQueueJSON(it service.ClinicalQueueItem) clinicalQueueJSON {
	return clinicalQueueJSON{Request: toRequestJSON(it.Request),
		CaseReference: phoenix.CaseReference(it.Request.CaseID), ClientName: it.ClientName,
		Consultant: it.Consultant, HighRisk: it.Latest.HighRisk(),
		Latest: toReviewRoundJSON(it.Latest),
		URL:    fmt.Sprintf("/clinical/reviews/%d", it.Request.ID)}
}

func toClinicalReviewJSON(v service.ClinicalReviewView) map[string]any {
	events := make([]map[string]any, len(v.Events))
	for i, e := range v.Events {
		events[i] = map[string]any{"at": e.At, "kind": e.Kind, "text": e.Text}
	}
	return map[string]any{"request": toRequestJSON(v.Request),
		"case_reference": v.Case.Reference(), "client_name": v.ClientName,
		"consultant": v.Consultant.Name, "organisation": v.Organisation.Name,
		"rounds": toReviewRoundsJSON(v.Rounds), "high_risk": v.Latest().HighRisk(),
		"timeline": events, "can_decide": v.CanDecide, "task_id": v.TaskID,
		"decision_url": fmt.Sprintf("/clinical/reviews/%d/decision", v.Request.ID)}
}
