package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// mailboxWaitStatus waits until the queue has delivered every message to an address,
// and returns the newest one as the outbox holds it.
func mailboxWaitStatus(t *testing.T, env *testenv.Env, to, status string) store.Email {
	t.Helper()
	var newest store.Email
	testenv.WaitFor(t, 10*time.Second, "email to "+to+" with status "+status, func() bool {
		emails := acctEmailsTo(t, env, to)
		if len(emails) == 0 {
			return false
		}
		newest = emails[0]
		for _, e := range emails {
			if e.Status != status {
				return false
			}
		}
		return true
	})
	return newest
}

// mailboxShows returns a message as the administrators' list and message page show it,
// failing the test when the two differ.
func mailboxShows(t *testing.T, env *testenv.Env, admin phoenix.User, id int64) service.MailboxEmail {
	t.Helper()
	ctx := context.Background()
	box, err := env.Svc.Mailbox(ctx, testenv.Actor(admin), "", store.Page{Limit: 200})
	testenv.Must(t, err)
	one, err := env.Svc.MailboxMessage(ctx, testenv.Actor(admin), id)
	testenv.Must(t, err)
	for _, e := range box.Emails {
		if e.ID == id {
			if diff := cmp.Diff(e, one); diff != "" {
				t.Errorf("email %d: Mailbox and MailboxMessage differ (-list +message):\n%s",
					id, diff)
			}
			return one
		}
	}
	t.Fatalf("Mailbox does not list email %d", id)
	return one
}

// wantLink checks whether a message shown in the mailbox holds the link's token.
func wantLink(t *testing.T, what string, e service.MailboxEmail, token string, shown bool) {
	t.Helper()
	if got := strings.Contains(e.Body, token); got != shown {
		t.Errorf("%s: text holds the token = %v, want %v:\n%s", what, got, shown, e.Body)
	}
	if got := strings.Contains(e.Body, "token=[hidden]"); got == shown {
		t.Errorf("%s: text holds token=[hidden] = %v, want %v", what, got, !shown)
	}
	if e.LinkShown != shown || e.LinkNote == "" {
		t.Errorf("%s: LinkShown = %v with note %q, want %v with a note", what, e.LinkShown,
			e.LinkNote, shown)
	}
}

func TestMailboxPasswordLinksUnsent(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{})
		f := env.Seed(t)
		ctx := context.Background()

		// Without SMTP the mailbox is the only delivery, so a working link shows.
		u := acctCreate(t, env, f.Admin, service.AccountInput{Email: "new@provider.test",
			Name: "New Person", Role: "intake", TimeZone: "Australia/Melbourne"})
		first := mailboxWaitStatus(t, env, u.Email, store.EmailMailbox)
		firstToken := acctLatestToken(t, env, u.Email)
		e := mailboxShows(t, env, f.Admin, first.ID)
		wantLink(t, "unsent working link", e, firstToken, true)
		if e.LinkNote != service.LinkShownNote {
			t.Errorf("unsent working link note = %q, want %q", e.LinkNote, service.LinkShownNote)
		}

		// A newer link retires the first; using it retires both.
		testenv.Must(t, env.Svc.SendPasswordLink(ctx, testenv.Actor(f.Admin), u.ID))
		second := mailboxWaitStatus(t, env, u.Email, store.EmailMailbox)
		secondToken := acctLatestToken(t, env, u.Email)
		wantLink(t, "replaced link", mailboxShows(t, env, f.Admin, first.ID), firstToken, false)
		wantLink(t, "newer link", mailboxShows(t, env, f.Admin, second.ID), secondToken, true)
		testenv.Must(t, acctSetPassword(env, secondToken, acctPassword))
		wantLink(t, "used link", mailboxShows(t, env, f.Admin, second.ID), secondToken, false)

		// An expired link hides too; the outbox keeps the token for delivery.
		v := acctCreate(t, env, f.Admin, service.AccountInput{Email: "late@provider.test",
			Name: "Late Person", Role: "intake", TimeZone: "Australia/Melbourne"})
		late := mailboxWaitStatus(t, env, v.Email, store.EmailMailbox)
		lateToken := acctLatestToken(t, env, v.Email)
		env.Clock.Advance(72 * time.Hour)
		wantLink(t, "expired link", mailboxShows(t, env, f.Admin, late.ID), lateToken, false)
		row, err := env.Conn().Email(ctx, late.ID)
		testenv.Must(t, err)
		if !strings.Contains(row.Body, lateToken) {
			t.Errorf("outbox row lost the token:\n%s", row.Body)
		}
	})
}

func TestMailboxPasswordLinksSent(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{SMTP: true})
		f := env.Seed(t)

		// A link delivered by SMTP works for its owner but never shows to administrators.
		u := acctCreate(t, env, f.Admin, service.AccountInput{Email: "new@provider.test",
			Name: "New Person", Role: "intake", TimeZone: "Australia/Melbourne"})
		sent := mailboxWaitStatus(t, env, u.Email, store.EmailSent)
		token := acctLatestToken(t, env, u.Email)
		wantLink(t, "sent working link", mailboxShows(t, env, f.Admin, sent.ID), token, false)
		if _, err := env.Svc.PasswordLinkInfo(context.Background(), token); err != nil {
			t.Errorf("PasswordLinkInfo(sent link) = %v, want the link to work", err)
		}
	})
}

func TestMailboxPasswordLinksQueued(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)

		u := acctCreate(t, env, f.Admin, service.AccountInput{Email: "new@provider.test",
			Name: "New Person", Role: "intake", TimeZone: "Australia/Melbourne"})
		queued := mailboxWaitStatus(t, env, u.Email, store.EmailQueued)
		token := acctLatestToken(t, env, u.Email)
		wantLink(t, "queued link", mailboxShows(t, env, f.Admin, queued.ID), token, false)
	})
}

func TestMailboxHidesClinicalDetail(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		w.answer(t, w.taskID, service.RiskHigh)

		mails := clinicalEmailsTo(t, w.env, w.r.ID, w.f.Leader.Email)
		if len(mails) != 1 || !strings.HasPrefix(mails[0].Subject, "High risk:") {
			t.Fatalf("outbox messages to the leader = %+v, want one with a high-risk subject",
				mails)
		}
		e := mailboxShows(t, w.env, w.f.Admin, mails[0].ID)
		if want := "Clinical review waiting: " + w.r.Reference(); e.Subject != want {
			t.Errorf("mailbox subject = %q, want %q", e.Subject, want)
		}
		if e.Body != service.ClinicalHiddenBody {
			t.Errorf("mailbox text = %q, want %q", e.Body, service.ClinicalHiddenBody)
		}

		// Delivery reads the outbox row, which keeps the real message.
		row, err := w.env.Conn().Email(context.Background(), mails[0].ID)
		testenv.Must(t, err)
		if row.Subject != mails[0].Subject || row.Body != mails[0].Body {
			t.Errorf("outbox row changed to %q:\n%s", row.Subject, row.Body)
		}
	})
}
