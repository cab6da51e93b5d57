package service

import (
	"context"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// MailboxView is one page of the outbox for administrators.
type MailboxView struct {
	Emails []store.Email
	// Status is the status the page is filtered by, or "" for every message.
	Status string
	// Failed counts the messages that failed for good, whatever the filter.
	Failed int
}

// EmailStatuses lists the outbox statuses the mailbox can be filtered by.
var EmailStatuses = []string{store.EmailQueued, store.EmailSent, store.EmailMailbox,
	store.EmailFailed}

// Mailbox returns one page of the outbox, newest first, for administrators: every
// message Phoenix sent or would have sent, with its delivery status.
func (s *Service) Mailbox(ctx context.Context, a Actor, status string, page store.Page) (MailboxView, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return MailboxView{}, forbidden()
	}
	if status != "" && !validEmailStatus(status) {
		return MailboxView{}, &phoenix.Error{Code: phoenix.EINVALID,
			Message: "Status must be queued, sent, mailbox or failed, or empty for every message.",
			Fields:  map[string]string{"status": "Choose queued, sent, mailbox or failed."}}
	}
	c := s.db.Conn()
	v := MailboxView{Status: status}
	var err error
	v.Emails, err = c.Emails(ctx, store.EmailFilter{Status: status, Page: page})
	if err != nil {
		return v, err
	}
	v.Failed, err = c.CountEmails(ctx, store.EmailFailed)
	return v, err
}

// MailboxMessage returns one outbox message for administrators, and records the view
// in the audit log, since messages to consultants name clients.
func (s *Service) MailboxMessage(ctx context.Context, a Actor, id int64) (store.Email, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return store.Email{}, forbidden()
	}
	c := s.db.Conn()
	e, err := c.Email(ctx, id)
	if err != nil {
		return e, err
	}
	err = s.audit(ctx, c, a, "view", "email", e.ID, 0, 0, "")
	return e, err
}

func validEmailStatus(status string) bool {
	for _, s := range EmailStatuses {
		if s == status {
			return true
		}
	}
	return false
}
