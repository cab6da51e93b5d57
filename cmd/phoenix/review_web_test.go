package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// reviewWebItem is the part of a reviewer's JSON request the tests read.
type reviewWebItem struct {
	ID                int64  `json:"id"`
	Reference         string `json:"reference"`
	SessionsRequested int    `json:"sessions_requested"`
	Allowance         int    `json:"allowance"`
	DueDate           string `json:"due_date"`
	State             string `json:"state"`
	Approved          int    `json:"approved_sessions"`
}

// TestReviewWeb walks the reviewer's pages over HTTP. A rejected decision comes back
// with its messages and what was typed. An approval of two of four sessions raises the
// case's allowance by two, and a second decision gets 409. The administrators'
// mailbox then shows both outcome emails.
func TestReviewWeb(t *testing.T) {
	m := privacyBoot(t)
	ctx := context.Background()
	reviewer := reviewWebUser(t, m, "reviewer@southbank.example")
	s := privacySignIn(t, m, reviewer)

	_, body := s.get("/review", true)
	var queue struct {
		Requests []reviewWebItem `json:"requests"`
	}
	if err := json.Unmarshal([]byte(body), &queue); err != nil {
		t.Fatalf("GET /review JSON: %v in %s", err, body)
	}
	var item reviewWebItem
	for _, it := range queue.Requests {
		if it.SessionsRequested == 4 {
			item = it
		}
	}
	if item.ID == 0 || item.DueDate == "" {
		t.Fatalf("GET /review JSON has no request of 4 sessions with a due date: %s", body)
	}
	r, err := m.DB.Conn().Request(ctx, item.ID)
	if err != nil {
		t.Fatal(err)
	}
	before := reviewWebAllowance(t, m, r.CaseID)
	if item.Allowance != before {
		t.Errorf("queue allowance = %d, want the case's %d", item.Allowance, before)
	}

	page := fmt.Sprintf("/review/requests/%d", item.ID)
	status, body := s.get(page, false)
	if status != http.StatusOK || !strings.Contains(body, `name="sessions" inputmode="numeric" value="4"`) {
		t.Errorf("GET %s = %d; want the form with 4 sessions approved by default", page, status)
	}

	decision := page + "/decision"
	rejected := []struct {
		form  url.Values
		field string
		kept  string
	}{
		{url.Values{"decision": {"approve"}, "sessions": {"2.5"}}, "sessions-error",
			`value="2.5"`},
		{url.Values{"decision": {"decline"}, "sessions": {"4"}, "reason": {""}}, "reason-error",
			`value="decline" id="decision-decline" checked`},
	}
	for _, tt := range rejected {
		status, body := s.send(http.MethodPost, decision, "text/html", tt.form)
		if status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s %v = %d, want 422", decision, tt.form, status)
		}
		if !strings.Contains(body, `id="`+tt.field+`"`) || !strings.Contains(body, tt.kept) {
			t.Errorf("POST %s %v: page lacks the message %s or the typed %s", decision,
				tt.form, tt.field, tt.kept)
		}
	}

	status, _ = s.send(http.MethodPost, decision, "text/html",
		url.Values{"decision": {"approve"}, "sessions": {"2"}})
	if status != http.StatusSeeOther {
		t.Fatalf("POST %s approve 2 = %d, want 303", decision, status)
	}
	if got := reviewWebAllowance(t, m, r.CaseID); got != before+2 {
		t.Errorf("case allowance = %d after approving 2, want %d", got, before+2)
	}
	status, body = s.send(http.MethodPost, decision, "text/html",
		url.Values{"decision": {"approve"}, "sessions": {"4"}})
	if status != http.StatusConflict || !strings.Contains(body, "already decided: approved with 2 sessions") {
		t.Errorf("second POST %s = %d; want 409 naming the outcome", decision, status)
	}
	_, body = s.get(page, true)
	var got struct {
		Request reviewWebItem `json:"request"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Request.State != "approved" || got.Request.Approved != 2 || got.Request.Allowance != before+2 {
		t.Errorf("GET %s JSON = %+v, want approved with 2 and allowance %d", page, got.Request,
			before+2)
	}

	reviewWebMailbox(t, m, s, r)
}

// reviewWebMailbox checks that the administrators' mailbox shows both outcome emails of
// the request, and that reviewers may not open it.
func reviewWebMailbox(t *testing.T, m *Main, reviewer *privacySession, r phoenix.Request) {
	t.Helper()
	admin := privacySignIn(t, m, reviewWebUser(t, m, "admin@provider.example"))
	type mailboxEmail struct {
		ID        int64  `json:"id"`
		RequestID int64  `json:"request_id"`
		Audience  string `json:"audience"`
		Subject   string `json:"subject"`
		Status    string `json:"status"`
		Text      string `json:"text"`
	}
	var outcomes map[string]mailboxEmail
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, body := admin.get("/admin/mailbox", true)
		var box struct {
			Emails []mailboxEmail `json:"emails"`
		}
		if err := json.Unmarshal([]byte(body), &box); err != nil {
			t.Fatalf("GET /admin/mailbox JSON: %v in %s", err, body)
		}
		outcomes = map[string]mailboxEmail{}
		for _, e := range box.Emails {
			if e.RequestID == r.ID && e.Status == store.EmailMailbox &&
				(e.Audience == "consultant" || e.Audience == "client") {
				outcomes[e.Audience] = e
			}
		}
		if len(outcomes) == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(outcomes) != 2 {
		t.Fatalf("mailbox has outcome emails to %v for %s, want the consultant and the client",
			outcomes, r.Reference())
	}
	if !strings.Contains(outcomes["consultant"].Text, "approved 2 of the 4") ||
		!strings.Contains(outcomes["client"].Text, "2 sessions of the 4") {
		t.Errorf("outcome emails do not give the number approved:\n%s\n%s",
			outcomes["consultant"].Text, outcomes["client"].Text)
	}

	_, list := admin.get("/admin/mailbox", false)
	for _, e := range outcomes {
		if !strings.Contains(list, fmt.Sprintf(`href="/admin/mailbox/%d"`, e.ID)) {
			t.Errorf("mailbox page has no link to email %d", e.ID)
		}
		path := fmt.Sprintf("/admin/mailbox/%d", e.ID)
		status, body := admin.get(path, false)
		firstLine := strings.SplitN(e.Text, "\n", 2)[0]
		if status != http.StatusOK || !strings.Contains(body, firstLine) {
			t.Errorf("GET %s = %d; want the message text %q", path, status, firstLine)
		}
	}
	if status, _ := admin.get("/admin/mailbox?status=failed", true); status != http.StatusOK {
		t.Errorf("GET /admin/mailbox?status=failed = %d, want 200", status)
	}
	if status, _ := admin.get("/admin/mailbox?status=lost", true); status != http.StatusUnprocessableEntity {
		t.Errorf("GET /admin/mailbox?status=lost = %d, want 422", status)
	}
	if status, _ := reviewer.get("/admin/mailbox", true); status != http.StatusForbidden {
		t.Errorf("GET /admin/mailbox as a reviewer = %d, want 403", status)
	}
	if status, _ := admin.get("/review", true); status != http.StatusForbidden {
		t.Errorf("GET /review as an administrator = %d, want 403", status)
	}
}

func reviewWebAllowance(t *testing.T, m *Main, caseID int64) int {
	t.Helper()
	k, err := m.DB.Conn().Case(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	return k.Allowance
}

// reviewWebUser returns the demo account with the email address.
func reviewWebUser(t *testing.T, m *Main, email string) phoenix.User {
	t.Helper()
	u, _, err := m.DB.Conn().UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("demo account %s: %v", email, err)
	}
	return u
}
