package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

// The browser tests drive Debian's Chromium through the DevTools protocol against a
// Phoenix with the demo data, by clicking and typing as users do. Each saves a
// screenshot of every step; the test log names the folder.

// e2e is a browser test's Phoenix and Chromium.
type e2e struct {
	m *Main
	b *e2eBrowser
}

// newE2E skips the test when Chromium is missing (see requireChromium), then boots
// Phoenix with the demo data and starts Chromium.
func newE2E(t *testing.T) *e2e {
	t.Helper()
	path := requireChromium(t)
	dir := screenshotDir(t)
	m := e2eStartPhoenix(t, dir)
	b := e2eStartBrowser(t, path, m.URL(), dir)
	t.Cleanup(b.checkExceptions)
	return &e2e{m: m, b: b}
}

// e2eUnderThreshold accepts a case where a request of n sessions stays under the
// clinical review threshold, so it goes straight to the organisation.
func e2eUnderThreshold(n int) func(service.CaseView) bool {
	return func(v service.CaseView) bool {
		return v.Counts.Total()+n < v.Contract.ClinicalThreshold
	}
}

// submitFromCalendar signs the consultant in and walks the guide from the calendar
// to a submitted request of n sessions for appt's client. It returns the request ID.
func (e *e2e) submitFromCalendar(consultant *e2eTab, appt e2eAppointment, n int) int64 {
	e.b.t.Helper()
	consultant.signIn(e2eConsultantEmail)
	consultant.openFormFromCalendar(appt)
	consultant.fillRequest(e2eRequestForm{Sessions: strconv.Itoa(n), Date: appt.Case.Today,
		Goals: e2eNeutralGoals, Pathway: phoenix.PathwayContinueEAP})
	consultant.shot("request form filled")
	id := consultant.submitRequest()
	consultant.shot("status page")
	return id
}

// TestE2EConsultantRequest walks the consultant guide by clicking, from the
// calendar to the status page of a request that goes to the organisation.
func TestE2EConsultantRequest(t *testing.T) {
	e := newE2E(t)
	const n = 2
	appt := e2eFindAppointment(t, e.m, e2eConsultantEmail, e2eUnderThreshold(n))
	consultant := e.b.newTab("consultant")

	e.submitFromCalendar(consultant, appt, n)
	consultant.checkSentToOrganisation(appt.Case, n)
}

// TestE2ERejectedRequest submits a request with a wrong number and the client's
// name in the goals: the form comes back with both messages beside their fields
// and everything as typed, and a corrected form goes through.
func TestE2ERejectedRequest(t *testing.T) {
	e := newE2E(t)
	appt := e2eFindAppointment(t, e.m, e2eConsultantEmail, e2eUnderThreshold(2))
	k := appt.Case.Case
	consultant := e.b.newTab("consultant")
	consultant.signIn(e2eConsultantEmail)

	consultant.open(fmt.Sprintf("/cases/%d", k.ID), "#task-filter")
	name := consultant.clientName()
	if name != appt.Case.Client.Name() {
		t.Errorf("case page client name = %q, want %q", name, appt.Case.Client.Name())
	}
	consultant.shot("assist case")

	consultant.open(fmt.Sprintf("/cases/%d/requests/new", k.ID), "#sessions")
	form := e2eRequestForm{Sessions: "5", Date: appt.Case.Today, Pathway: phoenix.PathwayGP,
		Goals: "Help " + name + " rebuild confidence at work after a restructure."}
	for _, sessions := range []string{"5", "2.5"} {
		form.Sessions = sessions
		consultant.fillRequest(form)
		consultant.shot("form with " + sessions + " sessions")
		status := consultant.navigateStatus("submit the request",
			chromedp.Click(chromedp.CSS("#submit-esr")))
		if status != 422 {
			t.Errorf("submitting %q sessions and the client's name: HTTP status %d, want 422",
				sessions, status)
		}
		consultant.do("wait for the messages", chromedp.WaitVisible(chromedp.CSS("#goals-error")))
		consultant.shot("rejected with " + sessions + " sessions")
		consultant.checkRejected(form,
			min(appt.Case.Contract.MaxExtraPerRequest, phoenix.MaxExtraLimit))
	}

	form.Sessions, form.Goals = "2", e2eNeutralGoals
	consultant.fillRequest(form)
	consultant.submitRequest()
	consultant.shot("status page")
	consultant.checkSentToOrganisation(appt.Case, 2)
}

// TestE2EKeyboardMenu opens the three-dots menu and its Add Work sub-menu with the
// keyboard alone, closes them with Escape, and follows Extra Sessions Request.
func TestE2EKeyboardMenu(t *testing.T) {
	e := newE2E(t)
	anyCase := func(service.CaseView) bool { return true }
	appt := e2eFindAppointment(t, e.m, e2eConsultantEmail, anyCase)
	task := e2eFlamedTask(appt.Case)
	consultant := e.b.newTab("consultant")
	consultant.signIn(e2eConsultantEmail)
	consultant.open(fmt.Sprintf("/tasks/%d", task.ID), "#actions-button")

	consultant.tabTo("actions-button")
	consultant.shot("actions button focused")

	steps := []struct {
		name, keys string
		// focus is the element that must have the focus afterwards; menu and sub
		// are whether the menu and the Add Work sub-menu must be open.
		focus     string
		menu, sub bool
	}{
		{"Enter opens the menu", kb.Enter, "add-work", true, false},
		{"Escape closes the menu", kb.Escape, "actions-button", false, false},
		{"ArrowDown opens the menu", kb.ArrowDown, "add-work", true, false},
		{"ArrowRight opens Add Work", kb.ArrowRight, "extra-sessions-request", true, true},
		{"Escape closes Add Work", kb.Escape, "add-work", true, false},
		{"Enter opens Add Work", kb.Enter, "extra-sessions-request", true, true},
		{"ArrowLeft closes Add Work", kb.ArrowLeft, "add-work", true, false},
		{"Space opens Add Work", " ", "extra-sessions-request", true, true},
		{"Escape closes Add Work again", kb.Escape, "add-work", true, false},
		{"Escape closes the menu again", kb.Escape, "actions-button", false, false},
		{"Space opens the menu", " ", "add-work", true, false},
		{"ArrowRight opens Add Work again", kb.ArrowRight, "extra-sessions-request", true, true},
	}
	for _, s := range steps {
		consultant.do(s.name, e2ePress(s.keys))
		consultant.shot(s.name)
		consultant.checkMenu(s.name, s.focus, s.menu, s.sub)
	}

	consultant.navigate("Enter follows Extra Sessions Request", e2ePress(kb.Enter))
	consultant.waitPath("wait for the request form",
		fmt.Sprintf(`/cases/%d/requests/new\?task=%d`, appt.Case.Case.ID, task.ID))
	consultant.do("wait for the request form", chromedp.WaitVisible(chromedp.CSS("#sessions")))
	consultant.shot("request form")
}

// TestE2EReviewerApproves takes a request from the consultant to the organisation's
// reviewer, whose pages carry no identifying details, and who approves some of the
// sessions. The consultant's status page then shows the outcome, and both outcome
// emails exist.
func TestE2EReviewerApproves(t *testing.T) {
	e := newE2E(t)
	const n = 2
	appt := e2eFindAppointment(t, e.m, e2eConsultantEmail, e2eUnderThreshold(n))
	consultant := e.b.newTab("consultant")
	id := e.submitFromCalendar(consultant, appt, n)
	ref := phoenix.RequestReference(id)

	reviewer := e.b.newTab("reviewer")
	reviewer.signIn(e.reviewerEmail(appt.Case.Organisation.ID))
	reviewer.openFromReviewQueue(id, appt.Case)
	reviewer.approve(id, "1")
	want := "Approved: 1 of 2 sessions"
	if got := reviewer.text("#outcome"); got != want {
		t.Errorf("reviewer's outcome = %q, want %q", got, want)
	}
	reviewer.checkNoIdentifiers("the decided request", appt.Case)

	consultant.open(fmt.Sprintf("/requests/%d", id), "#request-state")
	consultant.shot("status page with the outcome")
	if got := consultant.text("#request-state"); got != phoenix.StateApproved.Label() {
		t.Errorf("consultant's request state = %q, want %q", got, phoenix.StateApproved.Label())
	}
	if got := consultant.text("#approved"); got != "1" {
		t.Errorf("consultant's sessions approved = %q, want 1", got)
	}

	admin := e.b.newTab("admin")
	admin.signIn(e2eAdminEmail)
	subjects := []string{
		fmt.Sprintf("Extra sessions request %s approved: 1 of 2 sessions", ref),
		fmt.Sprintf("Extra sessions approved (%s)", ref),
	}
	rows := admin.waitForMailbox(subjects)
	admin.shot("mailbox")
	for _, to := range []string{e2eConsultantEmail, appt.Case.Client.Email} {
		if !strings.Contains(rows, to) {
			t.Errorf("mailbox has no outcome email to %s; rows:\n%s", to, rows)
		}
	}
	e2eCheckOutcomeEmails(t, e.m, id, appt.Case.Client.Email)
}

// TestE2EClinicalReview submits a request that takes a client near the threshold to
// 12 or more sessions. The consultant answers the clinical questions on the flamed
// task and a clinical leader supports the request. The organisation's queue then
// lists it with its due date.
func TestE2EClinicalReview(t *testing.T) {
	e := newE2E(t)
	k, n := e2eFindNearThreshold(t, e.m, e2eConsultantEmail)
	consultant := e.b.newTab("consultant")
	consultant.signIn(e2eConsultantEmail)

	consultant.follow("open My Cases", `nav.sidebar a[href="/cases"]`, `/cases`,
		fmt.Sprintf(`a[href="/cases/%d"]`, k.Case.ID))
	consultant.shot("my cases")
	consultant.follow("open the case", fmt.Sprintf(`a[href="/cases/%d"]`, k.Case.ID),
		fmt.Sprintf(`/cases/%d`, k.Case.ID), "#task-filter")
	consultant.shot("assist case")
	// The near-limit cases have no open task, so no flame: any task page has the menu.
	consultant.follow("open a task", `#task-filter a`, `/tasks/\d+`, "#actions-button")
	consultant.shot("task")
	consultant.openFormThroughMenu(k.Case.ID)
	consultant.fillRequest(e2eRequestForm{Sessions: strconv.Itoa(n), Date: k.Today,
		Goals: e2eNeutralGoals, Pathway: phoenix.PathwayContinueEAP})
	id := consultant.submitRequest()
	consultant.shot("status page")
	want := phoenix.StateAwaitingClinicalQuestions.Label()
	if got := consultant.text("#request-state"); got != want {
		t.Errorf("request state = %q, want %q", got, want)
	}
	consultant.checkCounts(k.Counts, n)

	taskID := e2eClinicalTaskID(t, e.m, id)
	consultant.answerClinicalQuestions(k.Case.ID, taskID)

	lead := e.b.newTab("clinical lead")
	lead.signIn(e2eClinicalLeadEmail)
	lead.supportReview(id)

	reviewer := e.b.newTab("reviewer")
	reviewerEmail := e.reviewerEmail(k.Organisation.ID)
	reviewer.signIn(reviewerEmail)
	row := fmt.Sprintf("#request-%d", id)
	reviewer.follow("open the Review Queue", `nav.sidebar a[href="/review"]`, `/review`, row)
	reviewer.shot("review queue")
	reviewer.checkNoIdentifiers("the review queue", k)
	item, err := e.m.Service.ReviewRequest(context.Background(),
		e2eActor(t, e.m, reviewerEmail), id)
	if err != nil {
		t.Fatalf("ReviewRequest(%d) = %v", id, err)
	}
	if !item.Goal.After(k.Today) {
		t.Errorf("due date = %s, want a date after the request's %s", item.Goal, k.Today)
	}
	text := reviewer.text(row)
	due := item.Goal.In(time.UTC).Format(e2eDayLayout)
	if !strings.Contains(text, due) {
		t.Errorf("review queue row = %q, want the due date %q", text, due)
	}
	if !strings.Contains(text, "Supported") {
		t.Errorf("review queue row = %q, want it marked Supported", text)
	}
}
