package smtptest

import (
	"crypto/tls"
	"errors"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const qpMessage = "From: Phoenix <noreply@phoenix.test>\r\n" +
	"To: a@example.test\r\n" +
	"Subject: =?UTF-8?q?R=C3=A9sum=C3=A9_=E2=80=94_2_sessions?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Caf=C3=A9 line one\r\n" +
	"line two\r\n"

func sendPlain(t *testing.T, addr string, to []string, msg string) error {
	t.Helper()
	return smtp.SendMail(addr, nil, "noreply@phoenix.test", to, []byte(msg))
}

func TestServerReceivesMessage(t *testing.T) {
	t.Parallel()
	srv := Start(t)

	to := []string{"a@example.test", "b@example.test"}
	if err := sendPlain(t, srv.Addr(), to, qpMessage); err != nil {
		t.Fatalf("SendMail() = %v, want nil", err)
	}

	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if got.ParseError != nil {
		t.Fatalf("ParseError = %v, want nil", got.ParseError)
	}
	if got.From != "noreply@phoenix.test" {
		t.Errorf("From = %q, want %q", got.From, "noreply@phoenix.test")
	}
	if diff := cmp.Diff(to, got.To); diff != "" {
		t.Errorf("To mismatch (-want +got):\n%s", diff)
	}
	if want := "Résumé — 2 sessions"; got.Subject != want {
		t.Errorf("Subject = %q, want %q", got.Subject, want)
	}
	if want := "Café line one\nline two\n"; got.Text != want {
		t.Errorf("Text = %q, want %q", got.Text, want)
	}
	if got.TLS {
		t.Errorf("TLS = true, want false on a plain connection")
	}
	if string(got.Data) != qpMessage {
		t.Errorf("Data = %q, want %q", got.Data, qpMessage)
	}
}

func TestParseBase64Multipart(t *testing.T) {
	t.Parallel()
	data := "Subject: plain\r\n" +
		"Content-Type: multipart/alternative; boundary=XYZ\r\n" +
		"\r\n" +
		"--XYZ\r\n" +
		"Content-Type: text/html\r\n" +
		"\r\n" +
		"<p>html</p>\r\n" +
		"--XYZ\r\n" +
		"Content-Type: text/plain; charset=UTF-8\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n" +
		"UsOpc3Vtw6kg4oCUIDIg\r\n" +
		"c2Vzc2lvbnM=\r\n" +
		"--XYZ--\r\n"

	got := parseReceived([]byte(data))
	if got.ParseError != nil {
		t.Fatalf("ParseError = %v, want nil", got.ParseError)
	}
	if want := "Résumé — 2 sessions"; got.Text != want {
		t.Errorf("Text = %q, want %q", got.Text, want)
	}
}

func TestRejectNextRcpt(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	srv.RejectNext(1, 451, "Try again later")

	err := sendPlain(t, srv.Addr(), []string{"a@example.test"}, qpMessage)
	var protoErr *textproto.Error
	if !errors.As(err, &protoErr) || protoErr.Code != 451 {
		t.Fatalf("first SendMail() = %v, want a 451 reply", err)
	}

	if err := sendPlain(t, srv.Addr(), []string{"a@example.test"}, qpMessage); err != nil {
		t.Fatalf("second SendMail() = %v, want nil", err)
	}
	if got := len(srv.Messages()); got != 1 {
		t.Errorf("len(Messages()) = %d, want 1", got)
	}
}

func TestRejectNextData(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	srv.RejectNextData(1, 554, "Content rejected")

	err := sendPlain(t, srv.Addr(), []string{"a@example.test"}, qpMessage)
	var protoErr *textproto.Error
	if !errors.As(err, &protoErr) || protoErr.Code != 554 {
		t.Fatalf("SendMail() = %v, want a 554 reply", err)
	}
	if got := len(srv.Messages()); got != 0 {
		t.Errorf("len(Messages()) = %d, want 0", got)
	}
}

func TestResetClearsState(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	if err := sendPlain(t, srv.Addr(), []string{"a@example.test"}, qpMessage); err != nil {
		t.Fatalf("SendMail() = %v, want nil", err)
	}
	srv.RejectNext(5, 550, "No such user")

	srv.Reset()

	if got := len(srv.Messages()); got != 0 {
		t.Errorf("len(Messages()) after Reset = %d, want 0", got)
	}
	if err := sendPlain(t, srv.Addr(), []string{"a@example.test"}, qpMessage); err != nil {
		t.Errorf("SendMail() after Reset = %v, want nil", err)
	}
}

func TestAuthPlain(t *testing.T) {
	t.Parallel()
	srv := StartWith(t, Options{Username: "phoenix", Password: "s3cret"})

	wrong := smtp.PlainAuth("", "phoenix", "wrong", srv.Host())
	err := smtp.SendMail(srv.Addr(), wrong, "noreply@phoenix.test",
		[]string{"a@example.test"}, []byte(qpMessage))
	if err == nil {
		t.Fatalf("SendMail(wrong password) = nil, want an error")
	}
	if got := srv.AuthFailures(); got != 1 {
		t.Errorf("AuthFailures() = %d, want 1", got)
	}

	err = sendPlain(t, srv.Addr(), []string{"a@example.test"}, qpMessage)
	if err == nil || !strings.Contains(err.Error(), "530") {
		t.Errorf("SendMail(no auth) = %v, want a 530 reply", err)
	}

	right := smtp.PlainAuth("", "phoenix", "s3cret", srv.Host())
	err = smtp.SendMail(srv.Addr(), right, "noreply@phoenix.test",
		[]string{"a@example.test"}, []byte(qpMessage))
	if err != nil {
		t.Fatalf("SendMail(right password) = %v, want nil", err)
	}
	if got := srv.Messages()[0].Username; got != "phoenix" {
		t.Errorf("Username = %q, want %q", got, "phoenix")
	}
}

func TestStartTLS(t *testing.T) {
	t.Parallel()
	srv := StartWith(t, Options{TLS: TLSStartTLS})

	client, err := smtp.Dial(srv.Addr())
	if err != nil {
		t.Fatalf("Dial() = %v", err)
	}
	defer client.Close()
	tlsConfig := &tls.Config{ServerName: srv.Host(), RootCAs: srv.RootCAs()}
	if err := client.StartTLS(tlsConfig); err != nil {
		t.Fatalf("StartTLS() = %v, want nil", err)
	}
	sendWithClient(t, client)

	if got := srv.WaitFor(t, 1, 5*time.Second)[0].TLS; !got {
		t.Errorf("TLS = false, want true after STARTTLS")
	}
}

func TestImplicitTLS(t *testing.T) {
	t.Parallel()
	srv := StartWith(t, Options{TLS: TLSImplicit})

	tlsConfig := &tls.Config{ServerName: srv.Host(), RootCAs: srv.RootCAs()}
	conn, err := tls.Dial("tcp", srv.Addr(), tlsConfig)
	if err != nil {
		t.Fatalf("tls.Dial() = %v", err)
	}
	client, err := smtp.NewClient(conn, srv.Host())
	if err != nil {
		t.Fatalf("NewClient() = %v", err)
	}
	defer client.Close()
	if ok, _ := client.Extension("STARTTLS"); ok {
		t.Errorf("server offers STARTTLS over implicit TLS")
	}
	sendWithClient(t, client)

	if got := srv.WaitFor(t, 1, 5*time.Second)[0].TLS; !got {
		t.Errorf("TLS = false, want true over implicit TLS")
	}
}

func sendWithClient(t *testing.T, client *smtp.Client) {
	t.Helper()
	if err := client.Mail("noreply@phoenix.test"); err != nil {
		t.Fatalf("Mail() = %v", err)
	}
	if err := client.Rcpt("a@example.test"); err != nil {
		t.Fatalf("Rcpt() = %v", err)
	}
	w, err := client.Data()
	if err != nil {
		t.Fatalf("Data() = %v", err)
	}
	if _, err := w.Write([]byte(qpMessage)); err != nil {
		t.Fatalf("Write() = %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := client.Quit(); err != nil {
		t.Fatalf("Quit() = %v", err)
	}
}

func TestHangUpAfterNext(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	srv.HangUpAfterNext(1)

	client, err := smtp.Dial(srv.Addr())
	if err != nil {
		t.Fatalf("Dial() = %v", err)
	}
	defer client.Close()
	if err := client.Mail("noreply@phoenix.test"); err != nil {
		t.Fatalf("Mail() = %v", err)
	}
	if err := client.Rcpt("a@example.test"); err != nil {
		t.Fatalf("Rcpt() = %v", err)
	}
	w, err := client.Data()
	if err != nil {
		t.Fatalf("Data() = %v", err)
	}
	if _, err := w.Write([]byte(qpMessage)); err != nil {
		t.Fatalf("Write() = %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close() = %v, want the message accepted", err)
	}

	if err := client.Quit(); err == nil {
		t.Errorf("Quit() = nil, want an error after the server hung up")
	}
	if got := len(srv.Messages()); got != 1 {
		t.Errorf("len(Messages()) = %d, want 1", got)
	}
}
