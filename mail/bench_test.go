package mail

import (
	"testing"

	"github.com/phoenix-eap/phoenix/internal/smtptest"
)

// BenchmarkSend measures one Send, which dials, sends and quits, against an
// smtptest server on the loopback interface.
func BenchmarkSend(b *testing.B) {
	benchmarks := []struct {
		name string
		opts smtptest.Options
		tls  TLSMode
	}{
		{"plain", smtptest.Options{}, TLSNone},
		{"starttls auth", smtptest.Options{TLS: smtptest.TLSStartTLS, Username: "u", Password: "p"},
			TLSStartTLS},
		{"implicit tls auth", smtptest.Options{TLS: smtptest.TLSImplicit, Username: "u", Password: "p"},
			TLSImplicit},
	}
	m := Message{
		To:      []string{"Ann Lee <ann@example.test>"},
		Subject: "Résumé — 2 sessions",
		Text:    "Two extra sessions were approved for request ASST-004211.\n",
	}

	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			srv := smtptest.StartWith(b, bm.opts)
			sender := newTestSender(b, srv, func(c *Config) {
				c.TLS, c.Username, c.Password = bm.tls, bm.opts.Username, bm.opts.Password
			})

			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := sender.Send(b.Context(), m); err != nil {
					b.Fatalf("Send() = %v", err)
				}

				// The server keeps every message, so drop them to bound memory.
				if i++; i%1000 == 0 {
					srv.Reset()
				}
			}
		})
	}
}

// BenchmarkSendParallel measures concurrent Sends from one SMTPSender.
func BenchmarkSendParallel(b *testing.B) {
	srv := smtptest.Start(b)
	sender := newTestSender(b, srv, nil)
	m := Message{To: []string{"ann@example.test"}, Subject: "Due soon", Text: "Reminder.\n"}

	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := sender.Send(b.Context(), m); err != nil {
				b.Errorf("Send() = %v", err)
				return
			}
		}
	})
	b.StopTimer()
	if got := len(srv.Messages()); got < b.N {
		b.Errorf("server received %d messages, want at least %d", got, b.N)
	}
}
