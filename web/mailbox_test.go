package web

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

var mailboxToken = regexp.MustCompile(`/password/set\?token=([A-Za-z0-9_-]+)`)

// mailboxPages returns the mailbox list, the message page, and the two as JSON, as an
// administrator sees them.
func mailboxPages(t *testing.T, p clinicalPages, id int64) []string {
	t.Helper()
	var out []string
	for _, asJSON := range []bool{false, true} {
		rec := p.call(t, p.srv.mailbox, p.f.Admin, clinicalGet("/admin/mailbox", asJSON), 0)
		out = append(out, rec.Body.String())
		rec = p.call(t, p.srv.mailboxMessage, p.f.Admin, clinicalGet("/admin/mailbox/1", asJSON), id)
		out = append(out, rec.Body.String())
	}
	return out
}

func TestMailboxPagesHideClinicalDetail(t *testing.T) {
	p := newClinicalPages(t)
	ctx := context.Background()
	_, err := p.env.Svc.SubmitClinicalAnswers(ctx, testenv.Actor(p.f.Consultant), p.taskID,
		service.ClinicalInput{Risk: "high", RiskActions: clinicalSecrets.Get("risk_actions"),
			PresentingIssues: clinicalSecrets.Get("presenting_issues"),
			Progress:         clinicalSecrets.Get("progress"), WhyEAP: clinicalSecrets.Get("why_eap"),
			ReferralPlan: clinicalSecrets.Get("referral_plan")})
	testenv.Must(t, err)
	emails, err := p.env.Conn().Emails(ctx, store.EmailFilter{RequestID: p.r.ID})
	testenv.Must(t, err)
	var id int64
	for _, e := range emails {
		if e.Audience == service.AudienceClinicalLeader {
			id = e.ID
		}
	}
	if id == 0 {
		t.Fatalf("no outbox message to the clinical leaders among %d", len(emails))
	}

	for i, page := range mailboxPages(t, p, id) {
		for _, secret := range []string{"High risk", "rated the client", "answered the clinical"} {
			if strings.Contains(page, secret) {
				t.Errorf("mailbox page %d shows %q:\n%.3000s", i, secret, page)
			}
		}
		if want := "Clinical review waiting: " + p.r.Reference(); !strings.Contains(page, want) {
			t.Errorf("mailbox page %d lacks the subject %q", i, want)
		}
		if !strings.Contains(page, "holds clinical detail, which administrators do not see") {
			t.Errorf("mailbox page %d lacks the replacement text", i)
		}
	}
}

func TestMailboxPagesPasswordLinks(t *testing.T) {
	env := testenv.New(t, testenv.SQLite(t), testenv.Options{})
	p := clinicalPages{env: env, f: env.Seed(t)}
	var err error
	p.srv, err = New(Config{Service: env.Svc, Logger: env.Logger})
	testenv.Must(t, err)
	ctx := context.Background()
	u, err := env.Svc.CreateAccount(ctx, testenv.Actor(p.f.Admin), service.AccountInput{
		Email: "new@provider.test", Name: "New Person", Role: "intake",
		TimeZone: "Australia/Melbourne"})
	testenv.Must(t, err)
	var e store.Email
	testenv.WaitFor(t, 10*time.Second, "the link kept in the mailbox", func() bool {
		emails, err := env.Conn().Emails(ctx, store.EmailFilter{Status: store.EmailMailbox})
		testenv.Must(t, err)
		if len(emails) > 0 {
			e = emails[0]
		}
		return len(emails) > 0
	})
	token := mailboxToken.FindStringSubmatch(e.Body)[1]

	// The only delivery of a working link shows it, with a note beside it.
	pages := mailboxPages(t, p, e.ID)
	for i, page := range pages {
		if !strings.Contains(page, token) {
			t.Errorf("mailbox page %d hides the unsent working link", i)
		}
	}
	for i, page := range []string{pages[0], pages[1]} {
		if !strings.Contains(page, `class="notice link-note">SMTP is not configured`) {
			t.Errorf("mailbox HTML page %d has no note beside the link:\n%.3000s", i, page)
		}
	}
	var list struct {
		Emails []struct {
			LinkNote string `json:"link_note"`
		} `json:"emails"`
	}
	testenv.Must(t, json.Unmarshal([]byte(pages[2]), &list))
	if len(list.Emails) != 1 || list.Emails[0].LinkNote != service.LinkShownNote {
		t.Errorf("mailbox JSON = %s, want one email with link_note %q", pages[2],
			service.LinkShownNote)
	}

	// A newer link retires it, and no page shows it any more.
	testenv.Must(t, env.Svc.SendPasswordLink(ctx, testenv.Actor(p.f.Admin), u.ID))
	for i, page := range mailboxPages(t, p, e.ID) {
		if strings.Contains(page, token) {
			t.Errorf("mailbox page %d shows a replaced link", i)
		}
		if !strings.Contains(page, "token=[hidden]") {
			t.Errorf("mailbox page %d lacks token=[hidden]", i)
		}
	}
}
