package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// e2eNow is the demo clock of the browser tests: a Thursday afternoon in Melbourne,
// so the demo's week (from Monday the 26th) has appointments before and after it.
const e2eNow = "2026-10-29T14:00:00+11:00"

// Demo accounts the browser tests sign in with.
const (
	e2eConsultantEmail   = "priya.raman@provider.example"
	e2eClinicalLeadEmail = "clinical.lead@provider.example"
	e2eAdminEmail        = "admin@provider.example"
)

// e2eStartPhoenix boots Phoenix with the demo data on a free port of 127.0.0.1, with a
// SQLite database in a temporary folder. Its log goes to phoenix.log in logDir, so
// it sits beside the screenshots.
func e2eStartPhoenix(t *testing.T, logDir string) *Main {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.Demo = true
	cfg.Now = e2eNow
	cfg.DataDir = t.TempDir()
	cfg.Database = filepath.Join(cfg.DataDir, "phoenix.db")
	cfg.JobPoll = 100 * time.Millisecond
	m := NewMain(cfg)
	logFile, err := os.Create(filepath.Join(logDir, "phoenix.log"))
	if err != nil {
		t.Fatalf("creating the server log: %v", err)
	}
	m.LogOutput = logFile
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("stopping Phoenix: %v", err)
		}
		logFile.Close()
	})
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("starting Phoenix: %v", err)
	}
	return m
}

// e2eDemoUser returns the demo account with the email address.
func e2eDemoUser(t *testing.T, m *Main, email string) phoenix.User {
	t.Helper()
	for _, u := range m.DemoAccounts {
		if u.Email == email {
			return u
		}
	}
	t.Fatalf("no demo account %s", email)
	return phoenix.User{}
}

// e2eActor returns the service actor of a demo account, for reading what the browser
// should show.
func e2eActor(t *testing.T, m *Main, email string) service.Actor {
	t.Helper()
	return service.Actor{User: e2eDemoUser(t, m, email), IP: "127.0.0.1"}
}

// e2eAppointment is a session on the consultant's calendar this week whose case
// suits a test, and what that case's page shows.
type e2eAppointment struct {
	Session phoenix.Session
	Case    service.CaseView
}

// e2eFindAppointment returns the first appointment on the consultant's Calendar View
// (this week) whose case has a flamed task, no open request, and passes ok.
func e2eFindAppointment(t *testing.T, m *Main, email string,
	ok func(service.CaseView) bool) e2eAppointment {
	t.Helper()
	ctx := context.Background()
	a := e2eActor(t, m, email)
	cal, err := m.Service.Calendar(ctx, a, 0, phoenix.Date{}, true)
	if err != nil {
		t.Fatalf("Calendar(%s) = %v", email, err)
	}
	for _, day := range cal.Days {
		for _, item := range day.Items {
			v, err := m.Service.Case(ctx, a, item.Session.CaseID)
			if err != nil {
				t.Fatalf("Case(%d) = %v", item.Session.CaseID, err)
			}
			if v.OpenRequest == nil && e2eFlamedTask(v) != nil && ok(v) {
				return e2eAppointment{Session: item.Session, Case: v}
			}
		}
	}
	t.Fatalf("no appointment on %s's calendar this week has a case that suits the test", email)
	return e2eAppointment{}
}

// e2eFlamedTask returns the first open task of the case the viewer can act on.
func e2eFlamedTask(v service.CaseView) *service.TaskItem {
	for i := range v.Tasks {
		if v.Tasks[i].Flame {
			return &v.Tasks[i]
		}
	}
	return nil
}

// e2eRequestEmails returns the emails queued for a request, newest first.
func e2eRequestEmails(t *testing.T, m *Main, requestID int64) []store.Email {
	t.Helper()
	emails, err := m.DB.Conn().Emails(context.Background(),
		store.EmailFilter{RequestID: requestID})
	if err != nil {
		t.Fatalf("Emails(request %d) = %v", requestID, err)
	}
	return emails
}
