package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// Audiences of outbox messages. Messages for the organisation and the client carry no
// detail that identifies the client or that is clinical.
const (
	AudienceOrganisation   = "organisation"
	AudienceConsultant     = "consultant"
	AudienceClient         = "client"
	AudienceClinicalLeader = "clinical_leader"
	AudienceAdministrator  = "administrator"
)

// queueEmail stores a message in the outbox and queues its delivery, both in the
// caller's transaction: a rolled-back change sends nothing.
func (s *Service) queueEmail(ctx context.Context, c *store.Conn, e store.Email) error {
	e.CreatedAt = s.clock.Now()
	id, err := c.CreateEmail(ctx, e)
	if err != nil {
		return err
	}
	return s.jobs.SendEmail(ctx, c.Tx(), id)
}

// emailUsers queues one message to each user.
func (s *Service) emailUsers(ctx context.Context, c *store.Conn, users []phoenix.User,
	requestID int64, audience, subject, body string) error {
	for _, u := range users {
		if !u.Active {
			continue
		}
		err := s.queueEmail(ctx, c, store.Email{RequestID: requestID, Audience: audience,
			To: u.Email, Subject: subject, Body: greet(u.Name) + body})
		if err != nil {
			return err
		}
	}
	return nil
}

// link returns an absolute link to a Phoenix page for an email.
func (s *Service) link(path string) string {
	return strings.TrimSuffix(s.cfg.BaseURL, "/") + path
}

func greet(name string) string {
	if name == "" {
		return "Hello,\n\n"
	}
	return fmt.Sprintf("Hello %s,\n\n", name)
}

// signature ends every message.
func (s *Service) signature() string {
	return "\n\n" + s.cfg.ProviderName + "\nThis message was sent by Phoenix. Please do not reply to it.\n"
}
