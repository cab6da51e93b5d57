package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// e2eFindNearThreshold returns one of the consultant's cases with no open request
// whose client is below the clinical review threshold but reaches it with a request
// of the returned number of sessions: the demo's near-limit cases.
func e2eFindNearThreshold(t *testing.T, m *Main, email string) (service.CaseView, int) {
	t.Helper()
	ctx := context.Background()
	a := e2eActor(t, m, email)
	cases, err := m.Service.Cases(ctx, a, false, store.Page{Limit: 500})
	if err != nil {
		t.Fatalf("Cases(%s) = %v", email, err)
	}
	for _, c := range cases {
		v, err := m.Service.Case(ctx, a, c.Case.ID)
		if err != nil {
			t.Fatalf("Case(%d) = %v", c.Case.ID, err)
		}
		total, threshold := v.Counts.Total(), v.Contract.ClinicalThreshold
		n := threshold - total
		maxN := min(v.Contract.MaxExtraPerRequest, phoenix.MaxExtraLimit)
		if v.OpenRequest == nil && total < threshold && n >= 1 && n <= maxN {
			return v, n
		}
	}
	t.Fatalf("none of %s's cases is within one request of the clinical review threshold",
		email)
	return service.CaseView{}, 0
}

// e2eClinicalTaskID returns the Extra Sessions Clinical Review task of a request.
func e2eClinicalTaskID(t *testing.T, m *Main, requestID int64) int64 {
	t.Helper()
	task, err := m.DB.Conn().RequestTask(context.Background(), requestID)
	if err != nil {
		t.Fatalf("RequestTask(%d) = %v", requestID, err)
	}
	if task.Kind != phoenix.TaskClinicalReview {
		t.Fatalf("request %d's task is %q, want %q", requestID, task.Kind,
			phoenix.TaskClinicalReview)
	}
	return task.ID
}

// answerClinicalQuestions goes back to the Assist case as the guide tells consultants
// to, opens the
// flamed Extra Sessions Clinical Review task in the Task Filter, and submits the
// answers.
func (tb *e2eTab) answerClinicalQuestions(caseID, taskID int64) {
	tb.b.t.Helper()
	t := tb.b.t
	tb.follow("return to the Assist case", fmt.Sprintf(`dd a[href="/cases/%d"]`, caseID),
		fmt.Sprintf(`/cases/%d`, caseID), "#task-filter")
	task := fmt.Sprintf(`#task-filter li:has(> .flame) a[href="/tasks/%d"]`, taskID)
	tb.do("find the flamed clinical review task", chromedp.WaitVisible(chromedp.CSS(task)))
	if got := tb.text(task); got != phoenix.TaskClinicalReview.Label() {
		t.Errorf("flamed task = %q, want %q", got, phoenix.TaskClinicalReview.Label())
	}
	tb.shot("assist case with the clinical review task")

	tb.follow("open the clinical review task", task, fmt.Sprintf(`/tasks/%d`, taskID),
		"#submit-clinical")
	tb.shot("clinical review task")
	tb.do("choose the current risk",
		chromedp.Click(chromedp.CSS(`input[name=risk][value=low]`)))
	answers := map[string]string{
		"#presenting_issues": "Work-related stress and poor sleep after a team restructure.",
		"#progress":          "K10 fell from 28 to 21 over ten sessions; sleep is improving.",
		"#why_eap":           "Relapse prevention needs a few more sessions with the same consultant.",
		"#referral_plan":     "Refer to a GP for a mental health care plan if scores rise again.",
	}
	for sel, text := range answers {
		tb.typeInto(sel, text)
	}
	tb.shot("clinical answers")
	tb.navigate("submit the answers", chromedp.Click(chromedp.CSS("#submit-clinical")))
	tb.waitPath("wait for the task", fmt.Sprintf(`/tasks/%d`, taskID))
	tb.do("see the confirmation", chromedp.WaitVisible(chromedp.CSS("p.flash")))
	tb.do("wait for the task", chromedp.WaitVisible(chromedp.CSS("#request-state")))
	tb.shot("answers sent")
	want := phoenix.StateAwaitingClinicalDecision.Label()
	if got := tb.text("#request-state"); got != want {
		t.Errorf("request state after the answers = %q, want %q", got, want)
	}
}

// supportReview opens the clinical leaders' queue from the navigation, opens the
// request's review and records support.
func (tb *e2eTab) supportReview(requestID int64) {
	tb.b.t.Helper()
	t := tb.b.t
	item := fmt.Sprintf("#review-%d", requestID)
	tb.follow("open Clinical Reviews", `nav.sidebar a[href="/clinical"]`, `/clinical`, item)
	tb.shot("clinical queue")
	tb.follow("open the review", item+" h2 a", fmt.Sprintf(`/clinical/reviews/%d`, requestID),
		"#record-decision")
	tb.shot("clinical review")
	tb.do("choose Support",
		chromedp.Click(chromedp.CSS(`input[name=decision][value=support]`)))
	tb.navigate("record the decision", chromedp.Click(chromedp.CSS("#record-decision")))
	tb.waitPath("wait for the decided review", fmt.Sprintf(`/clinical/reviews/%d`, requestID))
	tb.do("see the confirmation", chromedp.WaitVisible(chromedp.CSS("p.flash")))
	tb.do("wait for the decided review", chromedp.WaitNotPresent(chromedp.CSS("#record-decision")))
	tb.shot("supported")
	want := phoenix.StateAwaitingOrganisation.Label()
	if got := tb.text("#request-state"); got != want {
		t.Errorf("request state after support = %q, want %q", got, want)
	}
}
