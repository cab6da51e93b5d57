// Package smtptest runs a real SMTP server on 127.0.0.1 for tests. It stores
// every message it accepts, can require AUTH PLAIN and TLS, and can reject the
// next commands with a chosen reply so retry handling can be tested.
package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TLSMode selects how clients reach the server over TLS.
type TLSMode int

const (
	// TLSNone serves plain SMTP and offers no STARTTLS.
	TLSNone TLSMode = iota
	// TLSStartTLS offers STARTTLS on a plain connection.
	TLSStartTLS
	// TLSImplicit serves TLS from the first byte, as on port 465.
	TLSImplicit
)

// Options configures a server started with StartWith.
type Options struct {
	// Username and Password, when both are set, make the server offer
	// AUTH PLAIN and reject MAIL before a successful AUTH.
	Username, Password string

	TLS TLSMode
}

// Server is an SMTP server listening on 127.0.0.1. Its methods are safe for
// concurrent use.
type Server struct {
	smtp     *smtp.Server
	listener net.Listener
	rootCAs  *x509.CertPool
	opts     Options
	log      *testLogger

	mu          sync.Mutex
	messages    []Received
	arrived     chan struct{} // closed and replaced whenever a message is stored
	rcptReject  rejection
	dataReject  rejection
	hangUps     int
	authFailure int
}

// rejection is a reply the server sends instead of accepting the next count
// commands of one kind.
type rejection struct {
	count   int
	code    int
	message string
}

// Start starts a server with plain SMTP and no AUTH. The test's cleanup closes it.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith starts a server configured by opts. The test's cleanup closes it.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen on 127.0.0.1: %v", err)
	}

	s := &Server{opts: opts, arrived: make(chan struct{}), log: &testLogger{t: t}}
	s.smtp = smtp.NewServer(backend{s})
	s.smtp.Domain = "localhost"
	s.smtp.ReadTimeout = 30 * time.Second
	s.smtp.WriteTimeout = 30 * time.Second
	s.smtp.ErrorLog = s.log
	s.smtp.AllowInsecureAuth = opts.TLS == TLSNone

	if opts.TLS != TLSNone {
		tlsConfig, pool, err := selfSignedTLS()
		if err != nil {
			listener.Close()
			t.Fatalf("smtptest: create TLS certificate: %v", err)
		}
		s.rootCAs = pool
		if opts.TLS == TLSImplicit {
			listener = tls.NewListener(listener, tlsConfig)
		} else {
			s.smtp.TLSConfig = tlsConfig
		}
	}
	s.listener = listener

	go func() {
		err := s.smtp.Serve(listener)
		if err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			s.log.Printf("serve: %v", err)
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.log.stop()
	s.smtp.Close()
}

// Addr returns the server's address as host:port.
func (s *Server) Addr() string {
	return s.listener.Addr().String()
}

// Host returns the IP address the server listens on, 127.0.0.1.
func (s *Server) Host() string {
	return s.listener.Addr().(*net.TCPAddr).IP.String()
}

// Port returns the TCP port the server listens on.
func (s *Server) Port() int {
	return s.listener.Addr().(*net.TCPAddr).Port
}

// RootCAs returns a pool with the server's self-signed certificate, which is
// valid for 127.0.0.1 and localhost. It returns nil when the server has no TLS.
func (s *Server) RootCAs() *x509.CertPool {
	return s.rootCAs
}

// Messages returns a copy of the messages accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.messages...)
}

// AuthFailures returns the number of AUTH attempts rejected because of wrong
// credentials.
func (s *Server) AuthFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authFailure
}

// WaitFor waits until at least n messages have arrived and returns them. It
// fails the test if they have not arrived within timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()

	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.messages), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}

		select {
		case <-arrived:
		case <-deadline.C:
			t.Fatalf("smtptest: %d messages arrived within %v, want %d", got, timeout, n)
		}
	}
}

// Reset deletes the stored messages and cancels pending rejections.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = nil
	s.rcptReject = rejection{}
	s.dataReject = rejection{}
	s.hangUps = 0
	s.authFailure = 0
}

// RejectNext makes the server reply code and message to the next n RCPT
// commands, for example 451 for a temporary failure or 550 for a permanent one.
func (s *Server) RejectNext(n, code int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcptReject = rejection{count: n, code: code, message: message}
}

// RejectNextData makes the server reply code and message at the end of the
// next n DATA commands, after it has read the content, as a content filter
// would. Rejected messages are not stored.
func (s *Server) RejectNextData(n, code int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataReject = rejection{count: n, code: code, message: message}
}

// HangUpAfterNext makes the server close the connection right after it has
// accepted each of the next n messages, so the client's QUIT fails although
// the message was delivered.
func (s *Server) HangUpAfterNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hangUps = n
}

// take returns the SMTP error for the pending rejection r, or nil when none
// is pending, and counts it as used. The caller holds s.mu.
func (r *rejection) take() error {
	if r.count <= 0 {
		return nil
	}
	r.count--
	return &smtp.SMTPError{
		Code:         r.code,
		EnhancedCode: smtp.EnhancedCodeNotSet,
		Message:      r.message,
	}
}

func (s *Server) store(m Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// testLogger sends go-smtp's internal errors to the test log until the server
// closes, because logging after a test has finished panics.
type testLogger struct {
	t       testing.TB
	mu      sync.Mutex
	stopped bool
}

func (l *testLogger) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Logf("smtptest: "+format, v...)
	}
}

func (l *testLogger) Println(v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Log(append([]any{"smtptest:"}, v...)...)
	}
}

func (l *testLogger) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}
