package mail

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// TLSMode selects how the SMTP connection is encrypted.
type TLSMode string

const (
	// TLSNone sends in plain text. It suits a relay on the same host or network.
	TLSNone TLSMode = "none"
	// TLSStartTLS upgrades a plain connection with STARTTLS and fails when the
	// server does not offer it, usually on port 587.
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte, usually on port 465.
	TLSImplicit TLSMode = "tls"
)

// DefaultTimeout bounds dialing and each SMTP command when Config.Timeout is
// zero, so a stalled server cannot hold a job queue worker for long.
const DefaultTimeout = 30 * time.Second

// Config is the SMTP server that sends Phoenix's email.
type Config struct {
	Host string
	Port int
	TLS  TLSMode

	// Username and Password authenticate with SMTP AUTH. Both are empty when
	// the server needs no authentication.
	Username string
	Password string

	// From is the From address of every message, such as
	// "Phoenix <noreply@example.org>".
	From string

	// Timeout bounds dialing and each SMTP command. Zero means DefaultTimeout.
	Timeout time.Duration

	// HeloName is the name sent with EHLO. Empty means the machine's host name.
	HeloName string
}

// Enabled reports whether email is configured. When it is not, Phoenix sends
// no email and Validate need not be called.
func (c Config) Enabled() bool {
	return c.Host != ""
}

// Validate returns every problem in c, joined, or nil when c can be used.
func (c Config) Validate() error {
	var errs []error
	if c.Host == "" {
		errs = append(errs, errors.New("Host is required"))
	}
	if c.Port < 1 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("Port %d is out of range, want 1 to 65535", c.Port))
	}
	if err := validateTLS(c.TLS); err != nil {
		errs = append(errs, err)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		errs = append(errs, fmt.Errorf("From %q is not a valid email address: %w", c.From, err))
	}
	if err := c.validateAuth(); err != nil {
		errs = append(errs, err)
	}
	if c.Timeout < 0 {
		errs = append(errs,
			fmt.Errorf("Timeout %v is negative, want 0 for the default or more", c.Timeout))
	}
	if strings.ContainsFunc(c.HeloName, isSpaceOrControl) {
		errs = append(errs, fmt.Errorf("HeloName %q contains a space or control character", c.HeloName))
	}

	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid mail config: %w", err)
	}
	return nil
}

func validateTLS(mode TLSMode) error {
	switch mode {
	case TLSNone, TLSStartTLS, TLSImplicit:
		return nil
	}
	return fmt.Errorf("TLS mode %q is invalid, want %q, %q or %q",
		mode, TLSNone, TLSStartTLS, TLSImplicit)
}

func (c Config) validateAuth() error {
	if (c.Username == "") != (c.Password == "") {
		return errors.New("Username and Password must both be set or both be empty")
	}

	// Without TLS, go-mail v0.8.1 sends PLAIN and LOGIN credentials only to
	// these three host names, so any other host would fail on every send.
	loopback := c.Host == "localhost" || c.Host == "127.0.0.1" || c.Host == "::1"
	if c.Username != "" && c.TLS == TLSNone && !loopback {
		return fmt.Errorf("Username and Password need TLS mode %q or %q unless Host is "+
			"localhost, 127.0.0.1 or ::1, so the password is never sent unencrypted",
			TLSStartTLS, TLSImplicit)
	}
	return nil
}

func (c Config) timeout() time.Duration {
	if c.Timeout == 0 {
		return DefaultTimeout
	}
	return c.Timeout
}
