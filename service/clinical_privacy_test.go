package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// The risk rating is clinical detail: the request page shows administrators and
// consultants neither the leaders' email subject nor a timeline step that names it.
func TestRequestPageHidesClinicalSubjects(t *testing.T) {
	w := newClinicalWorld(t, testenv.SQLite(t), testenv.Options{})
	ctx := context.Background()
	_, err := w.env.Svc.SubmitClinicalAnswers(ctx, testenv.Actor(w.f.Consultant), w.taskID,
		clinicalAnswers(service.RiskHigh))
	testenv.Must(t, err)

	// Wait for the leaders' email to reach the mailbox, which adds its timeline step.
	testenv.WaitFor(t, 20*time.Second, "the clinical leaders' email", func() bool {
		v, err := w.env.Svc.Request(ctx, testenv.Actor(w.f.Admin), w.r.ID)
		if err != nil {
			return false
		}
		for _, e := range v.Events {
			if e.Kind == "email" && strings.Contains(e.Text, "clinical leaders") {
				return true
			}
		}
		return false
	})

	// The outbox keeps the real subject, which is what makes this test able to fail.
	raw, err := w.env.Conn().Emails(ctx, store.EmailFilter{RequestID: w.r.ID})
	testenv.Must(t, err)
	named := false
	for _, e := range raw {
		named = named || strings.Contains(e.Subject, "High risk")
	}
	if !named {
		t.Fatal("no outbox message names the risk; the check below would prove nothing")
	}

	for _, who := range []struct {
		name  string
		actor service.Actor
	}{{"administrator", testenv.Actor(w.f.Admin)}, {"consultant", testenv.Actor(w.f.Consultant)}} {
		v, err := w.env.Svc.Request(ctx, who.actor, w.r.ID)
		testenv.Must(t, err)
		for _, e := range v.Emails {
			if strings.Contains(strings.ToLower(e.Subject), "risk") {
				t.Errorf("%s sees email subject %q", who.name, e.Subject)
			}
		}
		for _, e := range v.Events {
			if strings.Contains(strings.ToLower(e.Text), "high risk") {
				t.Errorf("%s sees timeline step %q", who.name, e.Text)
			}
		}
	}
}
