package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/mail"
	"github.com/phoenix-eap/phoenix/store"
)

// emailMaxAttempts is how often a temporary failure is retried. With River's default
// backoff (attempt^4 seconds) the nine waits between ten attempts add up to about four
// hours and a quarter.
const emailMaxAttempts = 10

// EmailArgs queues delivery of one outbox message.
type EmailArgs struct {
	EmailID int64 `json:"email_id"`
}

// Kind names the job for River.
func (EmailArgs) Kind() string { return "email" }

type emailWorker struct {
	river.WorkerDefaults[EmailArgs]
	db     *store.DB
	sender mail.Sender
	clock  phoenix.Clock
	logger *slog.Logger
}

// Work delivers the message once. A message already sent is skipped, so a job that
// runs again after a crash between sending and recording sends nothing more. The NOTE
// below describes the one window that remains.
func (w *emailWorker) Work(ctx context.Context, job *river.Job[EmailArgs]) error {
	e, err := w.db.Conn().Email(ctx, job.Args.EmailID)
	if err != nil {
		return err
	}
	if e.Status != store.EmailQueued {
		return nil
	}
	if w.sender == nil {
		return w.record(ctx, e, store.EmailMailbox, "", job.Attempt)
	}
	// NOTE: a crash after the SMTP server accepts the message and before the status
	// below commits sends it again when the job is retried: SMTP gives no way to ask
	// whether a message was already received.
	//
	// The Message-ID is stable, so a mail program can drop such a copy. mail.Message
	// requires the form left@right, and the creation time keeps the ID unique across
	// databases whose outbox IDs start again at 1.
	err = w.sender.Send(ctx, mail.Message{To: []string{e.To}, Subject: e.Subject, Text: e.Body,
		MessageID: fmt.Sprintf("phoenix-email-%d-%d@phoenix.invalid", e.ID,
			e.CreatedAt.UnixMicro())})
	if err == nil {
		return w.record(ctx, e, store.EmailSent, "", job.Attempt)
	}
	// The error text can hold the recipient's address, which is personal information,
	// so the log keeps the reply code and the outbox row keeps the full text.
	w.logger.Warn("email delivery failed", "email_id", e.ID, "attempt", job.Attempt,
		"reply_code", mail.ReplyCode(err), "permanent", mail.IsPermanent(err))
	if mail.IsPermanent(err) || job.Attempt >= job.MaxAttempts {
		if rerr := w.record(ctx, e, store.EmailFailed, err.Error(), job.Attempt); rerr != nil {
			return rerr
		}
		return river.JobCancel(err)
	}
	if rerr := w.db.Conn().MarkEmail(ctx, e.ID, store.EmailQueued, err.Error(), job.Attempt,
		nil); rerr != nil {
		return rerr
	}
	return err
}

// record stores the outcome and, for a request's message, a step on its timeline.
func (w *emailWorker) record(ctx context.Context, e store.Email, status, lastError string, attempt int) error {
	now := w.clock.Now()
	return w.db.InTx(ctx, func(c *store.Conn) error {
		var sentAt *time.Time
		if status != store.EmailFailed {
			sentAt = &now
		}
		if err := c.MarkEmail(ctx, e.ID, status, lastError, attempt, sentAt); err != nil {
			return err
		}
		if e.RequestID == 0 {
			return nil
		}
		subject := e.Subject
		if e.Audience == "clinical_leader" {
			// The subject can name the client's risk, a clinical detail that the
			// timeline's readers (consultants, intake, administrators) need not see.
			subject = "Clinical review waiting"
		}
		text := fmt.Sprintf("Email to the %s sent: %q.", audienceLabel(e.Audience), subject)
		switch status {
		case store.EmailMailbox:
			text = fmt.Sprintf("Email to the %s placed in the mailbox (SMTP is not configured): %q.",
				audienceLabel(e.Audience), subject)
		case store.EmailFailed:
			text = fmt.Sprintf("Email to the %s failed: %q.", audienceLabel(e.Audience), subject)
		}
		return c.AddEvent(ctx, store.Event{RequestID: e.RequestID, At: now, Kind: "email",
			Text: text, OrgVisible: e.Audience == "organisation"})
	})
}

func audienceLabel(audience string) string {
	switch audience {
	case "organisation":
		return "organisation's reviewers"
	case "clinical_leader":
		return "clinical leaders"
	case "administrator":
		return "administrators"
	}
	return audience
}
