package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

// e2eDayLayout is how Phoenix's pages show a date.
const e2eDayLayout = "Mon 2 Jan 2006"

// e2eIdentifyingDetails returns the case's details that must never reach an
// organisation, keyed by what each is. They are the client's name, contact details,
// date of birth (in ISO form and as pages show dates) and employee number, the ASST
// number and the consultant's name and email.
func e2eIdentifyingDetails(v service.CaseView) map[string]string {
	c := v.Client
	dob := c.DateOfBirth.In(time.UTC)
	out := map[string]string{
		"client's first name":      c.FirstName,
		"client's last name":       c.LastName,
		"client's email":           c.Email,
		"client's phone":           c.Phone,
		"client's phone, digits":   strings.ReplaceAll(c.Phone, " ", ""),
		"client's date of birth":   c.DateOfBirth.String(),
		"date of birth as shown":   dob.Format("2 Jan 2006"),
		"date of birth, d/m/y":     dob.Format("02/01/2006"),
		"ASST number":              v.Case.Reference(),
		"consultant's name":        v.Consultant.Name,
		"consultant's email":       v.Consultant.Email,
		"client's employee number": c.EmployeeNumber,
		"client's preferred name":  c.PreferredName,
	}
	for k, s := range out {
		if s == "" {
			delete(out, k)
		}
	}
	return out
}

// checkNoIdentifiers fails the test for each identifying detail of the case found as
// a whole word in the page's text or HTML, and for any link to a case or an
// appointment, which would carry their IDs.
func (tb *e2eTab) checkNoIdentifiers(page string, v service.CaseView) {
	tb.b.t.Helper()
	text := tb.pageText()
	html := e2eResult(tb, "read the HTML", chromedp.Evaluate[string](
		`document.documentElement.outerHTML`))
	for what, s := range e2eIdentifyingDetails(v) {
		re := regexp.MustCompile(`(?i)(^|\W)` + regexp.QuoteMeta(s) + `($|\W)`)
		if re.MatchString(text) {
			tb.b.t.Errorf("%s shows the %s %q", page, what, s)
		}
		if re.MatchString(html) {
			tb.b.t.Errorf("%s has the %s %q in its HTML", page, what, s)
		}
	}
	for _, link := range []string{"/cases/", "/sessions/", "/clients/"} {
		if strings.Contains(html, link) {
			tb.b.t.Errorf("%s links to %s, which carries provider IDs", page, link)
		}
	}
}

// reviewerEmail returns the demo reviewer of the organisation.
func (e *e2e) reviewerEmail(orgID int64) string {
	e.b.t.Helper()
	for _, u := range e.m.DemoAccounts {
		if u.Role == phoenix.RoleReviewer && u.OrganisationID == orgID {
			return u.Email
		}
	}
	e.b.t.Fatalf("no demo reviewer for organisation %d", orgID)
	return ""
}

// openFromReviewQueue opens the Review Queue from the navigation, checks the request
// is listed without identifying details, and opens it.
func (tb *e2eTab) openFromReviewQueue(requestID int64, v service.CaseView) {
	tb.b.t.Helper()
	row := fmt.Sprintf("#request-%d", requestID)
	tb.follow("open the Review Queue", `nav.sidebar a[href="/review"]`, `/review`, row)
	tb.shot("review queue")
	tb.checkNoIdentifiers("the review queue", v)
	tb.follow("open the request", row+" a", fmt.Sprintf(`/review/requests/%d`, requestID),
		"#request-state")
	tb.shot("review request")
	tb.checkNoIdentifiers("the reviewer's request page", v)
}

// approve records an approval of n sessions on the reviewer's request page.
func (tb *e2eTab) approve(requestID int64, n string) {
	tb.b.t.Helper()
	tb.do("choose Approve", chromedp.Click(chromedp.CSS("#decision-approve")))
	tb.typeInto("#sessions", n)
	tb.shot("approval")
	tb.navigate("record the decision", chromedp.Click(chromedp.CSS("#submit-decision")))
	tb.waitPath("wait for the decided request", fmt.Sprintf(`/review/requests/%d`, requestID))
	tb.do("see the confirmation", chromedp.WaitVisible(chromedp.CSS("p.flash")))
	tb.do("wait for the outcome", chromedp.WaitVisible(chromedp.CSS("#outcome")))
	tb.shot("approved")
}

// waitForMailbox reloads the administrators' mailbox until every subject in want is
// listed with the mailbox status (delivered to the page, as SMTP is off), and
// returns the page text.
func (tb *e2eTab) waitForMailbox(want []string) string {
	tb.b.t.Helper()
	deadline := time.Now().Add(e2eStepTimeout)
	for {
		tb.open("/admin/mailbox", "#mailbox")
		rows := e2eResult(tb, "read the mailbox", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("#mailbox tbody tr.status-mailbox"))
				.map(tr => tr.innerText)`))
		missing := e2eMissingSubjects(rows, want)
		if len(missing) == 0 {
			return strings.Join(rows, "\n")
		}
		if time.Now().After(deadline) {
			tb.fail("wait for the outcome emails", fmt.Errorf(
				"the mailbox has no delivered message with subject %q", missing))
		}
		// The job queue delivers within a poll interval of 100 ms; wait a little
		// before reloading.
		time.Sleep(200 * time.Millisecond)
	}
}

// e2eMissingSubjects returns the subjects in want that no row contains.
func e2eMissingSubjects(rows, want []string) []string {
	var missing []string
	for _, w := range want {
		found := false
		for _, r := range rows {
			if strings.Contains(r, w) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, w)
		}
	}
	return missing
}

// e2eCheckOutcomeEmails checks the outbox holds an outcome email to the consultant and
// one to the client.
func e2eCheckOutcomeEmails(t *testing.T, m *Main, requestID int64, clientEmail string) {
	t.Helper()
	want := map[string]string{service.AudienceConsultant: e2eConsultantEmail,
		service.AudienceClient: clientEmail}
	got := map[string]string{}
	for _, e := range e2eRequestEmails(t, m, requestID) {
		if e.Audience == service.AudienceConsultant || e.Audience == service.AudienceClient {
			if strings.Contains(e.Subject, "approved") {
				got[e.Audience] = e.To
			}
		}
	}
	for audience, to := range want {
		if got[audience] != to {
			t.Errorf("outcome email to the %s goes to %q, want %q", audience, got[audience], to)
		}
	}
}
