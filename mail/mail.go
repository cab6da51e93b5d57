// Package mail sends Phoenix's notification emails over SMTP.
//
// Callers build a Message and pass it to a Sender, normally from a job queue
// that retries failed sends. IsPermanent separates the failures that no retry
// can fix.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxRecipients is the maximum number of addresses in Message.To. RFC 5321
// section 4.5.3.1.8 (recipients buffer) requires servers to accept at least 100
// recipients per message, so a conforming server may reject a longer list.
const MaxRecipients = 100

// ErrInvalidMessage is wrapped by every error from Message.Validate.
var ErrInvalidMessage = errors.New("invalid message")

// Message is a plain-text email. The From address comes from Config.
type Message struct {
	// To lists the recipients, each an address such as "a@example.org" or
	// "Ann Lee <a@example.org>". The To header lists every address, so send
	// one Message per person when recipients must not learn of each other.
	To []string

	Subject string
	Text    string

	// MessageID is the Message-ID header without angle brackets, such as
	// "notification-42@example.org". Empty means a random ID at the From
	// domain. A stable ID marks two copies as the same message when a retry
	// follows a send whose result was lost.
	MessageID string
}

// Sender sends email. Implementations are safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Validate returns an error wrapping ErrInvalidMessage when m cannot be sent.
// Its errors name a recipient by position rather than quoting the address,
// because addresses are personal data.
func (m Message) Validate() error {
	if len(m.To) == 0 {
		return invalid("no recipient")
	}
	if len(m.To) > MaxRecipients {
		return invalid("%d recipients, want at most %d", len(m.To), MaxRecipients)
	}
	if _, err := parseRecipients(m.To); err != nil {
		return err
	}

	if err := validateSubject(m.Subject); err != nil {
		return err
	}
	if strings.TrimSpace(m.Text) == "" {
		return invalid("text is empty")
	}
	if !utf8.ValidString(m.Text) {
		return invalid("text is not valid UTF-8")
	}
	return validateMessageID(m.MessageID)
}

func parseRecipients(to []string) ([]*mail.Address, error) {
	addresses := make([]*mail.Address, len(to))
	for i, address := range to {
		// The parser's error can quote part of the address, so it is left out.
		parsed, err := mail.ParseAddress(address)
		if err != nil {
			return nil, invalid("recipient %d of %d is not a valid email address", i+1, len(to))
		}
		addresses[i] = parsed
	}
	return addresses, nil
}

func validateSubject(subject string) error {
	if strings.TrimSpace(subject) == "" {
		return invalid("subject is empty")
	}
	if !utf8.ValidString(subject) {
		return invalid("subject is not valid UTF-8")
	}

	// A line break would end the Subject header and start one of the
	// caller's choosing.
	if strings.ContainsFunc(subject, isControl) {
		return invalid("subject contains a line break or other control character")
	}
	return nil
}

func validateMessageID(id string) error {
	if id == "" {
		return nil
	}

	left, right, found := strings.Cut(id, "@")
	if !found || left == "" || right == "" || strings.Contains(right, "@") {
		return invalid("message ID %q must have the form left@right", id)
	}
	for _, r := range id {
		if r <= ' ' || r > '~' || r == '<' || r == '>' {
			return invalid("message ID %q must be printable ASCII without spaces or angle brackets", id)
		}
	}
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidMessage}, args...)...)
}

func isControl(r rune) bool {
	return r != '\t' && unicode.IsControl(r)
}

func isSpaceOrControl(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r)
}
