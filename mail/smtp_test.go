package mail

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	netmail "net/mail"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix/internal/smtptest"
)

const waitTimeout = 5 * time.Second

// newTestSender returns a sender for srv that trusts its TLS certificate.
// change, when not nil, adjusts the config first.
func newTestSender(t testing.TB, srv *smtptest.Server, change func(*Config)) *SMTPSender {
	t.Helper()
	cfg := Config{
		Host: srv.Host(),
		Port: srv.Port(),
		TLS:  TLSNone,
		From: "Phoenix <noreply@phoenix.test>",
	}
	if change != nil {
		change(&cfg)
	}

	sender, err := NewSMTP(cfg, nil)
	if err != nil {
		t.Fatalf("NewSMTP() = %v", err)
	}
	sender.rootCAs = srv.RootCAs()
	return sender
}

func TestSendDelivers(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	sender := newTestSender(t, srv, nil)
	m := Message{
		To:      []string{"Ann Lee <ann@example.test>"},
		Subject: "Request ASST-004211 awaits review",
		Text:    "A request awaits your review.\nIt is due on 12 March.\n",
	}

	before := time.Now().Truncate(time.Second)
	if err := sender.Send(t.Context(), m); err != nil {
		t.Fatalf("Send() = %v, want nil", err)
	}
	after := time.Now()

	got := srv.WaitFor(t, 1, waitTimeout)[0]
	if got.ParseError != nil {
		t.Fatalf("ParseError = %v", got.ParseError)
	}
	if got.From != "noreply@phoenix.test" {
		t.Errorf("envelope From = %q, want %q", got.From, "noreply@phoenix.test")
	}
	if diff := cmp.Diff([]string{"ann@example.test"}, got.To); diff != "" {
		t.Errorf("envelope To mismatch (-want +got):\n%s", diff)
	}
	if want := `"Phoenix" <noreply@phoenix.test>`; got.Header.Get("From") != want {
		t.Errorf("From header = %q, want %q", got.Header.Get("From"), want)
	}
	if want := `"Ann Lee" <ann@example.test>`; got.Header.Get("To") != want {
		t.Errorf("To header = %q, want %q", got.Header.Get("To"), want)
	}
	if got.Subject != m.Subject {
		t.Errorf("Subject = %q, want %q", got.Subject, m.Subject)
	}
	if got.Text != m.Text {
		t.Errorf("Text = %q, want %q", got.Text, m.Text)
	}
	if got.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted = %q, want auto-generated", got.Header.Get("Auto-Submitted"))
	}

	date, err := got.Header.Date()
	if err != nil {
		t.Fatalf("Date header %q: %v", got.Header.Get("Date"), err)
	}
	if date.Before(before) || date.After(after) {
		t.Errorf("Date = %v, want between %v and %v", date, before, after)
	}

	id := got.Header.Get("Message-ID")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@phoenix.test>") {
		t.Errorf("Message-ID = %q, want <random@phoenix.test>", id)
	}
}

func TestSendNonASCII(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	sender := newTestSender(t, srv, nil)
	m := Message{
		To:      []string{"Zoë Ångström <zoe@example.test>"},
		Subject: "Résumé — 2 sessions approuvées",
		Text: "Bonjour Zoë,\n\nDeux séances supplémentaires ont été approuvées — merci.\n" +
			strings.Repeat("Ligne très longue ", 20) + "\n",
	}

	if err := sender.Send(t.Context(), m); err != nil {
		t.Fatalf("Send() = %v, want nil", err)
	}

	got := srv.WaitFor(t, 1, waitTimeout)[0]
	if got.ParseError != nil {
		t.Fatalf("ParseError = %v", got.ParseError)
	}
	if got.Subject != m.Subject {
		t.Errorf("Subject = %q, want %q", got.Subject, m.Subject)
	}
	if got.Text != m.Text {
		t.Errorf("Text = %q, want %q", got.Text, m.Text)
	}
	to, err := netmail.ParseAddress(got.Header.Get("To"))
	if err != nil || to.Name != "Zoë Ångström" {
		t.Errorf("To header = %q (%v), want the name Zoë Ångström", got.Header.Get("To"), err)
	}
	if bytes.Contains(got.Data, []byte("é")) {
		t.Errorf("Data contains raw UTF-8, want it encoded for 7-bit transport")
	}
}

func TestSendMultipleRecipients(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	sender := newTestSender(t, srv, nil)
	to := []string{"a@example.test", "b@example.test", "c@example.test"}

	err := sender.Send(t.Context(), Message{To: to, Subject: "Due soon", Text: "Reminder."})
	if err != nil {
		t.Fatalf("Send() = %v, want nil", err)
	}

	got := srv.WaitFor(t, 1, waitTimeout)
	if len(got) != 1 {
		t.Fatalf("received %d messages, want 1", len(got))
	}
	if diff := cmp.Diff(to, got[0].To); diff != "" {
		t.Errorf("envelope To mismatch (-want +got):\n%s", diff)
	}
	header, err := got[0].Header.AddressList("To")
	if err != nil {
		t.Fatalf("To header: %v", err)
	}
	if len(header) != len(to) {
		t.Errorf("To header has %d addresses, want %d", len(header), len(to))
	}
}

func TestSendMessageID(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	sender := newTestSender(t, srv, nil)
	m := Message{
		To: []string{"a@example.test"}, Subject: "Outcome", Text: "Approved.",
		MessageID: "outcome-17@phoenix.test",
	}

	for range 2 {
		if err := sender.Send(t.Context(), m); err != nil {
			t.Fatalf("Send() = %v, want nil", err)
		}
	}

	for i, got := range srv.WaitFor(t, 2, waitTimeout) {
		if id := got.Header.Get("Message-ID"); id != "<outcome-17@phoenix.test>" {
			t.Errorf("message %d: Message-ID = %q, want <outcome-17@phoenix.test>", i, id)
		}
	}
}

func TestSendRandomMessageIDs(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	sender := newTestSender(t, srv, nil)
	m := Message{To: []string{"a@example.test"}, Subject: "Outcome", Text: "Approved."}

	for range 2 {
		if err := sender.Send(t.Context(), m); err != nil {
			t.Fatalf("Send() = %v, want nil", err)
		}
	}

	got := srv.WaitFor(t, 2, waitTimeout)
	first, second := got[0].Header.Get("Message-ID"), got[1].Header.Get("Message-ID")
	if first == second {
		t.Errorf("Message-ID %q repeats, want a new ID per message", first)
	}
}

func TestSendAuth(t *testing.T) {
	t.Parallel()
	srv := smtptest.StartWith(t, smtptest.Options{Username: "phoenix", Password: "s3cret"})
	m := Message{To: []string{"a@example.test"}, Subject: "Hello", Text: "Body."}

	right := newTestSender(t, srv, func(c *Config) { c.Username, c.Password = "phoenix", "s3cret" })
	if err := right.Send(t.Context(), m); err != nil {
		t.Fatalf("Send(right password) = %v, want nil", err)
	}
	if got := srv.WaitFor(t, 1, waitTimeout)[0].Username; got != "phoenix" {
		t.Errorf("Username = %q, want phoenix", got)
	}

	wrong := newTestSender(t, srv, func(c *Config) { c.Username, c.Password = "phoenix", "wrong" })
	err := wrong.Send(t.Context(), m)
	if err == nil {
		t.Fatal("Send(wrong password) = nil, want an error")
	}
	if got := ReplyCode(err); got != 535 {
		t.Errorf("ReplyCode(%v) = %d, want 535", err, got)
	}
	if IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = true, want false because fixing Config lets it send", err)
	}
	if got := srv.AuthFailures(); got != 1 {
		t.Errorf("AuthFailures() = %d, want 1", got)
	}

	none := newTestSender(t, srv, nil)
	if err := none.Send(t.Context(), m); err == nil {
		t.Errorf("Send(no credentials) = nil, want an error")
	}
	if got := len(srv.Messages()); got != 1 {
		t.Errorf("received %d messages, want only the one sent with the right password", got)
	}
}

func TestSendTLSModes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		server smtptest.TLSMode
		client TLSMode
	}{
		{"starttls", smtptest.TLSStartTLS, TLSStartTLS},
		{"implicit", smtptest.TLSImplicit, TLSImplicit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.StartWith(t, smtptest.Options{
				TLS: tt.server, Username: "phoenix", Password: "s3cret",
			})
			sender := newTestSender(t, srv, func(c *Config) {
				c.TLS, c.Username, c.Password = tt.client, "phoenix", "s3cret"
			})

			err := sender.Send(t.Context(), Message{
				To: []string{"a@example.test"}, Subject: "Hello", Text: "Body.",
			})
			if err != nil {
				t.Fatalf("Send() = %v, want nil", err)
			}

			got := srv.WaitFor(t, 1, waitTimeout)[0]
			if !got.TLS {
				t.Errorf("TLS = false, want the message to arrive over TLS")
			}
			if got.Username != "phoenix" {
				t.Errorf("Username = %q, want phoenix", got.Username)
			}
		})
	}
}

func TestSendStartTLSRequired(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	sender := newTestSender(t, srv, func(c *Config) { c.TLS = TLSStartTLS })

	err := sender.Send(t.Context(), Message{To: []string{"a@example.test"}, Subject: "S", Text: "T"})
	if err == nil {
		t.Fatal("Send() = nil, want an error because the server offers no STARTTLS")
	}
	if IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = true, want false", err)
	}
	if got := len(srv.Messages()); got != 0 {
		t.Errorf("received %d messages, want 0", got)
	}
}

func TestSendUntrustedCertificate(t *testing.T) {
	t.Parallel()
	srv := smtptest.StartWith(t, smtptest.Options{TLS: smtptest.TLSImplicit})
	sender := newTestSender(t, srv, func(c *Config) { c.TLS = TLSImplicit })
	sender.rootCAs = nil

	err := sender.Send(t.Context(), Message{To: []string{"a@example.test"}, Subject: "S", Text: "T"})
	if err == nil {
		t.Fatal("Send() = nil, want a certificate error")
	}
	if got := len(srv.Messages()); got != 0 {
		t.Errorf("received %d messages, want 0", got)
	}
}

func TestSendRejections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		reject        func(srv *smtptest.Server)
		wantCode      int
		wantPermanent bool
	}{
		{"rcpt 451", func(s *smtptest.Server) { s.RejectNext(1, 451, "Try again later") }, 451, false},
		{"rcpt 452", func(s *smtptest.Server) { s.RejectNext(1, 452, "Mailbox full") }, 452, false},
		{"rcpt 550", func(s *smtptest.Server) { s.RejectNext(1, 550, "Mailbox unavailable") }, 550, true},
		{"rcpt 553", func(s *smtptest.Server) { s.RejectNext(1, 553, "Mailbox name not allowed") }, 553, true},
		{"data 451", func(s *smtptest.Server) { s.RejectNextData(1, 451, "Local error") }, 451, false},
		{"data 554", func(s *smtptest.Server) { s.RejectNextData(1, 554, "Content rejected") }, 554, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.Start(t)
			sender := newTestSender(t, srv, nil)
			m := Message{To: []string{"a@example.test"}, Subject: "S", Text: "T"}
			tt.reject(srv)

			err := sender.Send(t.Context(), m)
			if err == nil {
				t.Fatal("Send() = nil, want an error")
			}
			if got := ReplyCode(err); got != tt.wantCode {
				t.Errorf("ReplyCode(%v) = %d, want %d", err, got, tt.wantCode)
			}
			if got := IsPermanent(err); got != tt.wantPermanent {
				t.Errorf("IsPermanent(%v) = %t, want %t", err, got, tt.wantPermanent)
			}

			// The rejection applied once, so a retry succeeds.
			if err := sender.Send(t.Context(), m); err != nil {
				t.Fatalf("retry Send() = %v, want nil", err)
			}
			if got := len(srv.WaitFor(t, 1, waitTimeout)); got != 1 {
				t.Errorf("received %d messages, want 1", got)
			}
		})
	}
}

func TestSendOneRecipientRejected(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	sender := newTestSender(t, srv, nil)
	srv.RejectNext(1, 550, "Mailbox unavailable")

	err := sender.Send(t.Context(), Message{
		To: []string{"gone@example.test", "b@example.test"}, Subject: "S", Text: "T",
	})
	if !IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = false, want true", err)
	}
	if got := len(srv.Messages()); got != 0 {
		t.Errorf("received %d messages, want 0 because go-mail resets the transaction", got)
	}
}

func TestSendConnectionRefused(t *testing.T) {
	t.Parallel()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := listener.Addr().(*net.TCPAddr).Port
	listener.Close()

	sender, err := NewSMTP(Config{Host: "127.0.0.1", Port: port, TLS: TLSNone,
		From: "noreply@phoenix.test"}, nil)
	if err != nil {
		t.Fatalf("NewSMTP() = %v", err)
	}

	err = sender.Send(t.Context(), Message{To: []string{"a@example.test"}, Subject: "S", Text: "T"})
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Send() = %v, want connection refused", err)
	}
	if IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = true, want false", err)
	}
	if got := ReplyCode(err); got != 0 {
		t.Errorf("ReplyCode(%v) = %d, want 0", err, got)
	}
}

// TestSendCancel checks that cancelling the context stops a Send that waits
// on a server which accepts connections but never greets.
func TestSendCancel(t *testing.T) {
	t.Parallel()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { listener.Close() })
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
		}
	}()

	sender, err := NewSMTP(Config{Host: "127.0.0.1", Port: listener.Addr().(*net.TCPAddr).Port,
		TLS: TLSNone, From: "noreply@phoenix.test", Timeout: time.Hour}, nil)
	if err != nil {
		t.Fatalf("NewSMTP() = %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)

	err = sender.Send(ctx, Message{To: []string{"a@example.test"}, Subject: "S", Text: "T"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Send() = %v, want context.Canceled", err)
	}
	if IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = true, want false", err)
	}
}

func TestSendInvalidMessage(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	sender := newTestSender(t, srv, nil)

	err := sender.Send(t.Context(), Message{
		To: []string{"a@example.test"}, Subject: "Hi\r\nBcc: x@evil.test", Text: "T",
	})
	if !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("Send() = %v, want ErrInvalidMessage", err)
	}
	if !IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = false, want true", err)
	}
	if got := len(srv.Messages()); got != 0 {
		t.Errorf("received %d messages, want 0", got)
	}
}

func TestSendLogsNoSecrets(t *testing.T) {
	t.Parallel()
	srv := smtptest.StartWith(t, smtptest.Options{Username: "phoenix", Password: "pw-9f3b"})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sender, err := NewSMTP(Config{Host: srv.Host(), Port: srv.Port(), TLS: TLSNone,
		From: "noreply@phoenix.test", Username: "phoenix", Password: "pw-9f3b"}, logger)
	if err != nil {
		t.Fatalf("NewSMTP() = %v", err)
	}

	err = sender.Send(t.Context(), Message{
		To: []string{"client@example.test"}, Subject: "Outcome", Text: "body-7c1e",
	})
	if err != nil {
		t.Fatalf("Send() = %v, want nil", err)
	}

	out := logs.String()
	if !strings.Contains(out, "recipients=1") || !strings.Contains(out, "subject=Outcome") {
		t.Errorf("logs = %q, want the recipient count and subject", out)
	}
	for _, secret := range []string{"pw-9f3b", "body-7c1e", "client@example.test"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs = %q, want no %q", out, secret)
		}
	}
}

func TestNewSMTPInvalidConfig(t *testing.T) {
	t.Parallel()
	sender, err := NewSMTP(Config{Host: "localhost"}, nil)
	if err == nil {
		t.Fatalf("NewSMTP(no port, TLS or From) = %v, nil, want an error", sender)
	}
}

func TestSendDeliveredBeforeHangUp(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	var logs bytes.Buffer
	sender := newTestSender(t, srv, nil)
	sender.logger = slog.New(slog.NewTextHandler(&logs, nil))
	srv.HangUpAfterNext(1)

	err := sender.Send(t.Context(), Message{To: []string{"a@example.test"}, Subject: "S", Text: "T"})
	if err != nil {
		t.Errorf("Send() = %v, want nil because the server accepted the message", err)
	}
	if got := len(srv.Messages()); got != 1 {
		t.Errorf("received %d messages, want 1", got)
	}
	if !strings.Contains(logs.String(), "did not close cleanly") {
		t.Errorf("logs = %q, want a warning about the connection", logs.String())
	}
}
