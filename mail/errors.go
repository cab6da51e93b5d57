package mail

import (
	"errors"
	"net/textproto"

	gomail "github.com/wneessen/go-mail"
)

// IsPermanent reports whether err means the message can never be sent as it
// is, so a job queue should stop retrying it. That is the case when the
// message failed Validate or when the server rejected a recipient or the
// content with a 5xx reply.
//
// Every other failure is temporary, including 5xx replies to EHLO, STARTTLS,
// AUTH and MAIL FROM. Those depend on the server or on Config rather than on
// the message, so the message can go out once the setup is fixed. Timeouts,
// refused connections, 4xx replies and a cancelled context are temporary too.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrInvalidMessage) {
		return true
	}

	var sendErr *gomail.SendError
	if !errors.As(err, &sendErr) {
		return false
	}
	switch sendErr.Reason {
	case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
		// NOTE: With several rejected recipients, go-mail v0.8.1 keeps only
		// the last RCPT reply code, so a 5xx followed by a 4xx is temporary.
		code := sendErr.ErrorCode()
		return code >= 500 && code <= 599
	}
	return false
}

// ReplyCode returns the SMTP reply code in err, such as 550, or 0 when err
// carries none, as with a refused connection.
func ReplyCode(err error) int {
	var sendErr *gomail.SendError
	if errors.As(err, &sendErr) {
		return sendErr.ErrorCode()
	}

	// go-mail returns replies to EHLO, STARTTLS and AUTH as a wrapped
	// *textproto.Error instead of a SendError.
	var protoErr *textproto.Error
	if errors.As(err, &protoErr) {
		return protoErr.Code
	}
	return 0
}
