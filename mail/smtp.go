package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// authMechanisms lists the SMTP AUTH mechanisms to try, strongest first.
// go-mail v0.8.1 allows PLAIN and LOGIN only over TLS or to a loopback host.
var authMechanisms = []gomail.SMTPAuthType{
	gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5,
	gomail.SMTPAuthPlain, gomail.SMTPAuthLogin,
}

// SMTPSender sends each message on a new SMTP connection: it dials, sends and
// quits. A pooled connection would save handshakes, but it would need
// re-dialing after the server's idle timeout and a lock around each
// transaction. One connection per message keeps concurrent Sends independent,
// and Phoenix sends a few emails per case event, not bulk mail.
type SMTPSender struct {
	cfg    Config
	addr   string
	from   *mail.Address
	domain string
	logger *slog.Logger

	// rootCAs is the pool that verifies the server's certificate. Nil means
	// the system pool. Tests set it to trust their own server.
	rootCAs *x509.CertPool
}

var _ Sender = (*SMTPSender)(nil)

// NewSMTP returns a sender for the server in cfg, or the error from
// cfg.Validate. A nil logger discards logs.
func NewSMTP(cfg Config, logger *slog.Logger) (*SMTPSender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	// Validate has parsed From, so this cannot fail.
	from, _ := mail.ParseAddress(cfg.From)
	return &SMTPSender{
		cfg:    cfg,
		addr:   net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)),
		from:   from,
		domain: from.Address[strings.LastIndex(from.Address, "@")+1:],
		logger: logger,
	}, nil
}

// Send validates m and sends it. Cancelling ctx closes the connection. Check
// a failure with IsPermanent before retrying it.
//
// A server that accepted the message but failed to close the connection
// cleanly counts as success, because a retry would deliver a second copy.
//
// NOTE: When the server rejects a recipient, the error contains that address,
// because go-mail v0.8.1 adds it and servers often quote it in their reply.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}

	msg, err := s.newMsg(m)
	if err != nil {
		return err
	}

	conns := &sendConns{ctx: ctx, dial: s.dial}
	defer conns.closeAll()
	client, err := s.newClient(conns.dialContext)
	if err != nil {
		return fmt.Errorf("configure SMTP client for %s: %w", s.addr, err)
	}

	start := time.Now()
	err = client.DialAndSendWithContext(ctx, msg)
	if err != nil && msg.IsDelivered() {
		s.logger.WarnContext(ctx, "mail delivered but SMTP connection did not close cleanly",
			"server", s.addr, "message_id", msg.GetMessageID(), "error", err)
		err = nil
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("send mail via %s: %w: %w", s.addr, ctxErr, err)
		}
		return fmt.Errorf("send mail via %s: %w", s.addr, err)
	}

	s.logger.DebugContext(ctx, "mail sent", "server", s.addr, "recipients", len(m.To),
		"subject", m.Subject, "message_id", msg.GetMessageID(),
		"duration", time.Since(start))
	return nil
}

func (s *SMTPSender) newMsg(m Message) (*gomail.Msg, error) {
	to, err := parseRecipients(m.To)
	if err != nil {
		return nil, err
	}

	id := m.MessageID
	if id == "" {
		id = rand.Text() + "@" + s.domain
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(to...)
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(id)
	msg.SetDateWithValue(time.Now())

	// RFC 3834 section 5 defines this header for mail that no person sent,
	// and its section 2 says automatic responders should not answer such mail.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	return msg, nil
}

func (s *SMTPSender) newClient(dial gomail.DialContextFunc) (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.timeout()),
		gomail.WithDialContextFunc(dial),
		gomail.WithTLSConfig(s.tlsConfig()),

		// The connection is new and closes after one message, so NOOP and
		// RSET would only cost round trips.
		gomail.WithoutNoop(),
		gomail.WithoutRset(),
	}

	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		// s.dial does the TLS handshake. WithSSL only stops go-mail from
		// trying STARTTLS on top of it.
		opts = append(opts, gomail.WithSSL())
	}

	if s.cfg.Username != "" {
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(authMechanisms...),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	if s.cfg.HeloName != "" {
		opts = append(opts, gomail.WithHELO(s.cfg.HeloName))
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	return &tls.Config{
		ServerName: s.cfg.Host,
		RootCAs:    s.rootCAs,
		MinVersion: tls.VersionTLS12,
	}
}

// dial connects to the server, with a TLS handshake in TLSImplicit mode.
// go-mail bounds ctx by the configured timeout.
func (s *SMTPSender) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	dialer := &net.Dialer{}
	if s.cfg.TLS != TLSImplicit {
		return dialer.DialContext(ctx, network, addr)
	}

	tlsDialer := &tls.Dialer{NetDialer: dialer, Config: s.tlsConfig()}
	return tlsDialer.DialContext(ctx, network, addr)
}
