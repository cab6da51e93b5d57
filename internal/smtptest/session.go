package smtptest

import (
	"bytes"
	"io"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

var errAuthRequired = &smtp.SMTPError{
	Code:         530,
	EnhancedCode: smtp.EnhancedCode{5, 7, 0},
	Message:      "Authentication required",
}

// backend creates a session for each connection to s.
type backend struct {
	server *Server
}

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{server: b.server, conn: c, tls: isTLS}, nil
}

// session is one client connection, or the part of it after STARTTLS, for
// which go-smtp creates a new session. go-smtp calls its methods from a single
// goroutine, so its own fields need no lock.
type session struct {
	server   *Server
	conn     *smtp.Conn
	tls      bool
	hangUp   bool
	username string
	from     string
	to       []string
}

// AuthMechanisms offers PLAIN only when the server has credentials, so clients
// without credentials see no AUTH extension.
func (s *session) AuthMechanisms() []string {
	if !s.server.requiresAuth() {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || !s.server.requiresAuth() {
		return nil, smtp.ErrAuthUnknownMechanism
	}

	return sasl.NewPlainServer(func(identity, username, password string) error {
		want := s.server.opts
		if username != want.Username || password != want.Password {
			s.server.countAuthFailure()
			return smtp.ErrAuthFailed
		}
		s.username = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.server.requiresAuth() && s.username == "" {
		return errAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.server.mu.Lock()
	err := s.server.rcptReject.take()
	s.server.mu.Unlock()
	if err != nil {
		return err
	}

	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	var data bytes.Buffer
	if _, err := io.Copy(&data, r); err != nil {
		return err
	}

	s.server.mu.Lock()
	err := s.server.dataReject.take()
	s.server.mu.Unlock()
	if err != nil {
		return err
	}

	received := parseReceived(data.Bytes())
	received.From = s.from
	received.To = append([]string(nil), s.to...)
	received.Username = s.username
	received.TLS = s.tls
	s.server.store(received)
	s.hangUp = s.server.takeHangUp()
	return nil
}

// Reset also runs after go-smtp has replied to DATA, which makes it the place
// to hang up on a client that is about to send QUIT.
func (s *session) Reset() {
	s.from = ""
	s.to = nil
	if s.hangUp {
		// Close the net.Conn, because smtp.Conn.Close takes the lock that
		// go-smtp holds while it calls Reset.
		s.conn.Conn().Close()
	}
}

func (s *session) Logout() error {
	return nil
}

func (s *Server) requiresAuth() bool {
	return s.opts.Username != "" && s.opts.Password != ""
}

func (s *Server) takeHangUp() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hangUps <= 0 {
		return false
	}
	s.hangUps--
	return true
}

func (s *Server) countAuthFailure() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authFailure++
}
