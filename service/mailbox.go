package service

import (
	"context"
	"regexp"
	"strings"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// MailboxView is one page of the outbox for administrators.
type MailboxView struct {
	Emails []MailboxEmail
	// Status is the status the page is filtered by, or "" for every message.
	Status string
	// Failed counts the messages that failed for good, whatever the filter.
	Failed int
}

// MailboxEmail is an outbox message as administrators may read it: clinical detail
// and password links that work are taken out (see forAdministrators).
type MailboxEmail struct {
	store.Email
	// LinkNote explains why a password link is shown or hidden; it is empty for
	// messages without one. LinkShown is true when the text holds a working link.
	LinkNote  string
	LinkShown bool
}

// Notes beside a password link in the mailbox.
const (
	LinkShownNote = "SMTP is not configured, so this mailbox is the only delivery of " +
		"this password link. Give the link only to the account's owner: whoever opens it " +
		"can set the password."
	linkSentNote = "The link is hidden because it was emailed to the account's owner."
	linkDeadNote = "The link is hidden. It no longer works: it was used, replaced by a " +
		"newer link, or has expired."
	linkQueuedNote = "The link is hidden while its email waits for delivery. Without SMTP, " +
		"it shows here once the message is kept in the mailbox."
	linkFailedNote = "The link is hidden. Its email could not be delivered, so send a new " +
		"link from the account's page."
)

// ClinicalHiddenBody replaces the text of a message to the clinical leaders in the
// mailbox.
const ClinicalHiddenBody = "This message to the clinical leaders holds clinical detail, " +
	"which administrators do not see."

// passwordLinkToken finds the token of a password link in a message.
var passwordLinkToken = regexp.MustCompile(`/password/set\?token=([A-Za-z0-9_-]+)`)

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
	emails, err := c.Emails(ctx, store.EmailFilter{Status: status, Page: page})
	if err != nil {
		return v, err
	}
	if v.Emails, err = s.forAdministrators(ctx, c, emails); err != nil {
		return v, err
	}
	v.Failed, err = c.CountEmails(ctx, store.EmailFailed)
	return v, err
}

// MailboxMessage returns one outbox message for administrators, and records the view
// in the audit log, since messages to consultants name clients.
func (s *Service) MailboxMessage(ctx context.Context, a Actor, id int64) (MailboxEmail, error) {
	if !a.Is(phoenix.RoleAdmin) {
		return MailboxEmail{}, forbidden()
	}
	c := s.db.Conn()
	e, err := c.Email(ctx, id)
	if err != nil {
		return MailboxEmail{}, err
	}
	shown, err := s.forAdministrators(ctx, c, []store.Email{e})
	if err != nil {
		return MailboxEmail{}, err
	}
	return shown[0], s.audit(ctx, c, a, "view", "email", e.ID, 0, 0, "")
}

func validEmailStatus(status string) bool {
	for _, s := range EmailStatuses {
		if s == status {
			return true
		}
	}
	return false
}

// forAdministrators returns the messages as administrators may read them; the outbox
// rows keep the full text for delivery. A message to the clinical leaders shows only
// its request reference, because administrators see everything except clinical
// detail. A password link keeps its token only while it works and its message stayed
// in the mailbox, which is then its only delivery. Otherwise an administrator could
// use a link meant for someone else.
func (s *Service) forAdministrators(ctx context.Context, c *store.Conn, emails []store.Email) ([]MailboxEmail, error) {
	var hashes []string
	for _, e := range emails {
		if e.Audience != AudienceAccount || e.Status != store.EmailMailbox {
			continue
		}
		for _, m := range passwordLinkToken.FindAllStringSubmatch(e.Body, -1) {
			hashes = append(hashes, hashToken(m[1]))
		}
	}
	usable, err := c.UsableAccountTokens(ctx, hashes, s.clock.Now())
	if err != nil {
		return nil, err
	}

	out := make([]MailboxEmail, len(emails))
	for i, e := range emails {
		out[i] = MailboxEmail{Email: e}
		switch e.Audience {
		case AudienceClinicalLeader:
			hideClinical(&out[i].Email)
		case AudienceAccount:
			out[i].Body, out[i].LinkNote = hidePasswordLinks(e, usable)
			out[i].LinkShown = out[i].LinkNote == LinkShownNote
		}
	}
	return out, nil
}

// hideClinical replaces the subject and text of a message to the clinical leaders,
// which may name the client's risk, for readers who are not clinical leaders.
func hideClinical(e *store.Email) {
	e.Subject = "Clinical review waiting"
	if e.RequestID != 0 {
		e.Subject += ": " + phoenix.RequestReference(e.RequestID)
	}
	e.Body = ClinicalHiddenBody
}

// hidePasswordLinks replaces the token of every password link in the message's text
// with "[hidden]", except a working link in a message kept in the mailbox. It returns
// the text and the note that explains what it shows.
func hidePasswordLinks(e store.Email, usable map[string]bool) (string, string) {
	shown, hidden := false, false
	body := passwordLinkToken.ReplaceAllStringFunc(e.Body, func(link string) string {
		token := passwordLinkToken.FindStringSubmatch(link)[1]
		if e.Status == store.EmailMailbox && usable[hashToken(token)] {
			shown = true
			return link
		}
		hidden = true
		return strings.TrimSuffix(link, token) + "[hidden]"
	})
	switch {
	case shown:
		return body, LinkShownNote
	case !hidden:
		return body, ""
	case e.Status == store.EmailFailed:
		return body, linkFailedNote
	case e.Status == store.EmailMailbox:
		return body, linkDeadNote
	case e.Status == store.EmailQueued:
		return body, linkQueuedNote
	}
	return body, linkSentNote
}
