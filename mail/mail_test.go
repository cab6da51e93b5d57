package mail

import (
	"errors"
	"strings"
	"testing"
)

func validMessage() Message {
	return Message{
		To:      []string{"client@example.org"},
		Subject: "Your request ASST-004211",
		Text:    "Your request has been approved.",
	}
}

func TestMessageValidate(t *testing.T) {
	t.Parallel()
	tooMany := make([]string, MaxRecipients+1)
	for i := range tooMany {
		tooMany[i] = "a@example.org"
	}

	tests := []struct {
		name    string
		change  func(*Message)
		wantErr string // substring; empty means valid
	}{
		{"valid", func(*Message) {}, ""},
		{"valid display name", func(m *Message) { m.To = []string{"Ann Lee <ann@example.org>"} }, ""},
		{"valid non-ASCII", func(m *Message) { m.Subject, m.Text = "Résumé — 2 sessions", "Café" }, ""},
		{"valid max recipients", func(m *Message) { m.To = tooMany[:MaxRecipients] }, ""},
		{"valid message ID", func(m *Message) { m.MessageID = "n-42@example.org" }, ""},
		{"no recipient", func(m *Message) { m.To = nil }, "no recipient"},
		{"too many recipients", func(m *Message) { m.To = tooMany }, "101 recipients, want at most 100"},
		{"recipient without at", func(m *Message) { m.To = []string{"a@example.org", "bob"} },
			"recipient 2 of 2 is not a valid email address"},
		{"recipient with header", func(m *Message) { m.To = []string{"a@example.org\r\nBcc: x@evil.test"} },
			"recipient 1 of 1"},
		{"subject empty", func(m *Message) { m.Subject = " " }, "subject is empty"},
		{"subject CRLF injection", func(m *Message) { m.Subject = "Hi\r\nBcc: x@evil.test" },
			"subject contains a line break"},
		{"subject LF injection", func(m *Message) { m.Subject = "Hi\nBcc: x@evil.test" },
			"subject contains a line break"},
		{"subject CR", func(m *Message) { m.Subject = "Hi\rthere" }, "subject contains a line break"},
		{"subject invalid UTF-8", func(m *Message) { m.Subject = "a\xffb" }, "subject is not valid UTF-8"},
		{"text empty", func(m *Message) { m.Text = "\n" }, "text is empty"},
		{"text invalid UTF-8", func(m *Message) { m.Text = "a\xffb" }, "text is not valid UTF-8"},
		{"message ID no at", func(m *Message) { m.MessageID = "abc" }, "left@right"},
		{"message ID brackets", func(m *Message) { m.MessageID = "<a@b>" }, "angle brackets"},
		{"message ID newline", func(m *Message) { m.MessageID = "a@b\r\nBcc: x@y" }, "message ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := validMessage()
			tt.change(&m)

			err := m.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidMessage) {
				t.Errorf("errors.Is(%v, ErrInvalidMessage) = false, want true", err)
			}
			if !IsPermanent(err) {
				t.Errorf("IsPermanent(%v) = false, want true", err)
			}
		})
	}
}

func TestMessageValidateHidesAddress(t *testing.T) {
	t.Parallel()
	m := validMessage()
	for _, to := range []string{"jane.doe.private", "ok@example.org jane.doe@private.test"} {
		m.To = []string{to}

		err := m.Validate()
		if err == nil || strings.Contains(err.Error(), "jane.doe") {
			t.Errorf("Validate(To: %q) = %v, want an error without the address", to, err)
		}
	}
}
