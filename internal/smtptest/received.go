package smtptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Received is a message the server accepted.
type Received struct {
	// From and To are the envelope addresses of MAIL FROM and RCPT TO.
	From string
	To   []string

	// Username is the AUTH identity of the session, empty without AUTH.
	Username string

	// TLS reports whether the message arrived over TLS.
	TLS bool

	Header mail.Header

	// Subject is the Subject header with RFC 2047 encoded words decoded.
	Subject string

	// Text is the first text/plain part, decoded from its transfer encoding,
	// with CRLF line endings turned into LF.
	Text string

	// Data is the message as sent after DATA.
	Data []byte

	// ParseError is the error from reading Header, Subject or Text out of
	// Data, or nil when the message parsed.
	ParseError error
}

// parseReceived fills the header fields of a Received from raw message data.
// A parse failure is stored, not returned, so tests can still inspect Data.
func parseReceived(data []byte) Received {
	r := Received{Data: data}

	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		r.ParseError = fmt.Errorf("read message: %w", err)
		return r
	}
	r.Header = msg.Header

	var decoder mime.WordDecoder
	r.Subject, err = decoder.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		r.ParseError = fmt.Errorf("decode subject: %w", err)
		return r
	}

	text, err := plainText(msg.Header.Get("Content-Type"),
		msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		r.ParseError = fmt.Errorf("read text body: %w", err)
		return r
	}
	r.Text = strings.ReplaceAll(text, "\r\n", "\n")
	return r
}

// plainText returns the first text/plain part of a body with the given
// Content-Type, searching multipart bodies depth first.
func plainText(contentType, transferEncoding string, body io.Reader) (string, error) {
	if contentType == "" {
		contentType = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", fmt.Errorf("parse Content-Type %q: %w", contentType, err)
	}

	if strings.HasPrefix(mediaType, "multipart/") {
		return multipartText(params["boundary"], body)
	}
	if mediaType != "text/plain" {
		return "", fmt.Errorf("no text/plain part, found %s", mediaType)
	}

	decoded, err := io.ReadAll(decodeTransfer(transferEncoding, body))
	if err != nil {
		return "", fmt.Errorf("decode %s body: %w", transferEncoding, err)
	}
	return string(decoded), nil
}

func multipartText(boundary string, body io.Reader) (string, error) {
	reader := multipart.NewReader(body, boundary)
	for {
		part, err := reader.NextRawPart()
		if err == io.EOF {
			return "", fmt.Errorf("no text/plain part in multipart body")
		}
		if err != nil {
			return "", err
		}

		text, err := plainText(part.Header.Get("Content-Type"),
			part.Header.Get("Content-Transfer-Encoding"), part)
		if err == nil {
			return text, nil
		}
	}
}

func decodeTransfer(encoding string, body io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		return quotedprintable.NewReader(body)
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, newlineStripper{body})
	default:
		return body
	}
}

// newlineStripper drops CR and LF, which split base64 bodies into lines but
// which encoding/base64's decoder rejects.
type newlineStripper struct {
	r io.Reader
}

func (s newlineStripper) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	kept := 0
	for _, b := range p[:n] {
		if b != '\r' && b != '\n' {
			p[kept] = b
			kept++
		}
	}
	return kept, err
}
