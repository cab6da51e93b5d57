package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

// e2eRequestForm is what a test types into the extra sessions request form.
type e2eRequestForm struct {
	Sessions string
	Date     phoenix.Date
	Goals    string
	Pathway  phoenix.Pathway
}

// e2eNeutralGoals are goals with no detail that identifies a client.
const e2eNeutralGoals = "Build coping strategies for workplace stress and plan a graded " +
	"return to full duties."

// openFormFromCalendar takes the guide's steps 1 to 4: My Calendar, the appointment,
// its Parent Case link, a flamed task in the Task Filter, then the actions menu's
// Add Work > Extra Sessions Request, and waits for the form.
func (tb *e2eTab) openFormFromCalendar(appt e2eAppointment) {
	tb.b.t.Helper()
	t := tb.b.t
	k := appt.Case.Case

	tb.follow("open My Calendar", "#nav-my-calendar", `/calendar.*`, "#calendar-view")
	apptLink := fmt.Sprintf(`a.appt[href="/sessions/%d"]`, appt.Session.ID)
	tb.do("find the appointment", chromedp.WaitVisible(chromedp.CSS(apptLink)))
	tb.shot("calendar view")

	tb.follow("open the appointment", apptLink, fmt.Sprintf(`/sessions/%d`, appt.Session.ID),
		"#parent-case")
	if got := tb.text("#parent-case"); got != k.Reference() {
		t.Errorf("Parent Case link = %q, want %q", got, k.Reference())
	}
	tb.shot("appointment")

	tb.follow("open the parent case", "#parent-case", fmt.Sprintf(`/cases/%d`, k.ID),
		"#task-filter")
	tb.shot("assist case")

	tb.follow("open a flamed task", `#task-filter li:has(> .flame) a`, `/tasks/\d+`,
		"#actions-button")
	tb.do("find the task's flame", chromedp.WaitVisible(chromedp.CSS(".task-head h1 .flame")))
	tb.shot("flamed task")
	tb.openFormThroughMenu(k.ID)
}

// openFormThroughMenu clicks the task page's three-dots menu, Add Work and Extra
// Sessions Request, and waits for the form of case caseID.
func (tb *e2eTab) openFormThroughMenu(caseID int64) {
	tb.b.t.Helper()
	tb.do("open the actions menu", chromedp.Click(chromedp.CSS("#actions-button")),
		chromedp.WaitVisible(chromedp.CSS("#add-work")))
	tb.shot("actions menu")
	tb.do("open Add Work", chromedp.Click(chromedp.CSS("#add-work")),
		chromedp.WaitVisible(chromedp.CSS("#extra-sessions-request")))
	tb.shot("add work menu")
	tb.follow("choose Extra Sessions Request", "#extra-sessions-request",
		fmt.Sprintf(`/cases/%d/requests/new\?task=\d+`, caseID), "#sessions")
	tb.shot("request form")
}

// fillRequest fills the request form as in the guide's step 5: Consultant as
// requestor, the number of sessions, today's date in the date field, the goals and
// the referral pathway.
func (tb *e2eTab) fillRequest(f e2eRequestForm) {
	tb.b.t.Helper()
	t := tb.b.t
	tb.do("choose Consultant as requestor",
		chromedp.Click(chromedp.CSS(`input[name=requestor][value=consultant]`)))
	tb.typeInto("#sessions", f.Sessions)

	tb.typeDate("#request_date", f.Date)
	if got := tb.value("#request_date"); got != f.Date.String() {
		t.Errorf("date of request = %q, want the organisation's today %s", got, f.Date)
	}

	tb.typeInto("#goals", f.Goals)
	tb.chooseOption("#pathway", f.Pathway.Label())
	if got := tb.value("#pathway"); got != string(f.Pathway) {
		t.Errorf("referral pathway = %q, want %q", got, f.Pathway)
	}
}

// chooseOption chooses the option with the label in a closed select with the
// keyboard: Home, then ArrowDown to it.
func (tb *e2eTab) chooseOption(sel, label string) {
	tb.b.t.Helper()
	index := e2eResult(tb, "find the option "+label, chromedp.Evaluate[int](fmt.Sprintf(
		`Array.from(document.querySelector(%q).options).findIndex(o => o.text === %q)`,
		sel, label)))
	if index < 0 {
		tb.b.t.Fatalf("%s has no option %q", sel, label)
	}
	tb.do("choose "+label, chromedp.Focus(chromedp.CSS(sel)), e2ePress(kb.Home),
		e2ePress(strings.Repeat(kb.ArrowDown, index)))
}

// submitRequest submits the filled form and returns the new request's ID, read from
// the status page's address.
func (tb *e2eTab) submitRequest() int64 {
	tb.b.t.Helper()
	tb.navigate("submit the request", chromedp.Click(chromedp.CSS("#submit-esr")))
	path := tb.waitPath("wait for the status page", `/requests/\d+`)
	tb.do("wait for the status page", chromedp.WaitVisible(chromedp.CSS("#request-state")))
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/requests/"), 10, 64)
	if err != nil {
		tb.b.t.Fatalf("status page address %q has no request ID: %v", path, err)
	}
	return id
}

// typeDate empties a date field and types the date into it with the keyboard, in
// the order of the browser's locale: Chromium's date field orders its day, month
// and year segments by it.
func (tb *e2eTab) typeDate(sel string, d phoenix.Date) {
	tb.b.t.Helper()
	order := e2eResult(tb, "read the locale's date order", chromedp.Evaluate[[]string](
		`new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2000, 0, 2))
			.map(p => p.type).filter(t => t === "day" || t === "month" || t === "year")`))
	if len(order) != 3 {
		tb.b.t.Fatalf("the browser's date order is %q, want day, month and year", order)
	}
	digits := map[string]string{"day": fmt.Sprintf("%02d", d.Day),
		"month": fmt.Sprintf("%02d", int(d.Month)), "year": fmt.Sprintf("%04d", d.Year)}
	var typed strings.Builder
	for _, part := range order {
		typed.WriteString(digits[part])
	}
	// Focus puts the caret in the first segment, where a click might not.
	tb.do("type the date "+d.String(), e2eClearField(sel),
		chromedp.Focus(chromedp.CSS(sel)), e2ePress(typed.String()))
}

// typeInto replaces a text field's content with text typed on the keyboard: select
// all, delete, type.
func (tb *e2eTab) typeInto(sel, text string) {
	tb.b.t.Helper()
	tb.do("type into "+sel, chromedp.Focus(chromedp.CSS(sel)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(kb.Backspace),
		chromedp.SendKeys(chromedp.CSS(sel), text))
	if got := tb.value(sel); got != text {
		tb.b.t.Fatalf("%s holds %q after typing, want %q", sel, got, text)
	}
}

// e2eClearField empties a form field in the page. A date field has no select-all
// for the keyboard to empty it with.
func e2eClearField(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`document.querySelector(%q).value = ""`, sel))
}

// checkCounts checks the status page's counts at submission: the case's counts
// before the request plus the n sessions requested.
func (tb *e2eTab) checkCounts(c phoenix.Counts, n int) {
	tb.b.t.Helper()
	want := []struct {
		sel   string
		count int
	}{
		{"#sub-completed", c.Completed}, {"#sub-upcoming", c.Upcoming},
		{"#sub-remaining", c.Remaining}, {"#sub-requested", n}, {"#sub-total", c.Total() + n},
	}
	for _, w := range want {
		if got := tb.text(w.sel); got != strconv.Itoa(w.count) {
			tb.b.t.Errorf("status page %s = %q, want %d", w.sel, got, w.count)
		}
	}
}

// checkSentToOrganisation checks the status page of a request of n sessions that
// went straight to the organisation.
func (tb *e2eTab) checkSentToOrganisation(v service.CaseView, n int) {
	tb.b.t.Helper()
	t := tb.b.t
	want := phoenix.StateAwaitingOrganisation.Label()
	if got := tb.text("#request-state"); got != want {
		t.Errorf("request state = %q, want %q", got, want)
	}
	tb.checkCounts(v.Counts, n)
	if got := tb.text("#goal"); !regexp.MustCompile(`\b20\d\d\b`).MatchString(got) {
		t.Errorf("status page outcome date = %q, want a date", got)
	}
	if got := tb.text("#holder"); got != phoenix.StateAwaitingOrganisation.Holder() {
		t.Errorf("status page holder = %q, want %q", got,
			phoenix.StateAwaitingOrganisation.Holder())
	}
}

// clientName returns the client's name as the Assist case page shows it, without a
// preferred name in brackets.
func (tb *e2eTab) clientName() string {
	tb.b.t.Helper()
	name := tb.text(`section[aria-labelledby=client-h] dd`)
	name, _, _ = strings.Cut(name, " (")
	return name
}

// checkRejected checks the rejected form: the number and goals messages right after
// their fields, the fields marked invalid, and every field as typed. maxSessions is
// the most one request may ask for.
func (tb *e2eTab) checkRejected(f e2eRequestForm, maxSessions int) {
	tb.b.t.Helper()
	t := tb.b.t
	messages := []struct{ field, want string }{
		{"sessions", fmt.Sprintf("whole number from 1 to %d", maxSessions)},
		{"goals", "must not identify the client: remove the name"},
	}
	for _, m := range messages {
		got := tb.text("#" + m.field + "-error")
		if !strings.Contains(got, m.want) {
			t.Errorf("#%s-error = %q, want it to contain %q", m.field, got, m.want)
		}
		next := fmt.Sprintf(
			`document.getElementById(%q).nextElementSibling === document.getElementById(%q)`,
			m.field, m.field+"-error")
		beside := e2eResult(tb, "find the message of "+m.field, chromedp.Evaluate[bool](next))
		if !beside {
			t.Errorf("#%s-error is not the element after #%s", m.field, m.field)
		}
		invalid := e2eResult(tb, "read aria-invalid", chromedp.Evaluate[string](fmt.Sprintf(
			`document.getElementById(%q).getAttribute("aria-invalid") || ""`, m.field)))
		if invalid != "true" {
			t.Errorf("#%s aria-invalid = %q, want \"true\"", m.field, invalid)
		}
	}

	typed := map[string]string{"#sessions": f.Sessions, "#goals": f.Goals,
		"#request_date": f.Date.String(), "#pathway": string(f.Pathway)}
	for sel, want := range typed {
		if got := tb.value(sel); got != want {
			t.Errorf("rejected form %s = %q, want %q as typed", sel, got, want)
		}
	}
	requestor := e2eResult(tb, "read the requestor", chromedp.Evaluate[string](
		`document.querySelector("input[name=requestor]:checked")?.value || ""`))
	if requestor != string(phoenix.RequestorConsultant) {
		t.Errorf("rejected form requestor = %q, want %q", requestor, phoenix.RequestorConsultant)
	}
}
