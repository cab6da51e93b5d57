package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/phoenix-eap/phoenix/service"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	actorKey
	csrfKey
)

// sessionCookie holds the session token; the database keeps only its hash.
const sessionCookie = "phoenix_session"

func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

func reqID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				s.logger.Error("panic serving request", "request_id", reqID(r), "panic", v,
					"stack", string(debug.Stack()))
				http.Error(rec, "Internal error", http.StatusInternalServerError)
			}
			s.logger.Debug("request", "request_id", reqID(r), "method", r.Method,
				"path", r.URL.Path, "status", rec.status, "duration", time.Since(start))
		}()
		next.ServeHTTP(rec, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "+
			"frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// authenticate loads the signed-in user, if any, into the request's context.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err == nil && c.Value != "" {
			user, csrf, err := s.svc.Authenticate(r.Context(), c.Value)
			if err == nil {
				a := service.Actor{User: user, IP: clientIP(r)}
				ctx := context.WithValue(r.Context(), actorKey, a)
				ctx = context.WithValue(ctx, csrfKey, csrf)
				r = r.WithContext(ctx)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func actorOf(r *http.Request) (service.Actor, bool) {
	a, ok := r.Context().Value(actorKey).(service.Actor)
	return a, ok
}

func csrfOf(r *http.Request) string {
	t, _ := r.Context().Value(csrfKey).(string)
	return t
}

// clientIP returns the address the request came from. It does not trust
// X-Forwarded-For, which any client can set.
// NOTE: behind a load balancer this is the balancer's address; taking the client's
// address from a trusted proxy header needs a configured list of proxies.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) logError(r *http.Request, err error) {
	s.logger.LogAttrs(r.Context(), slog.LevelError, "internal error",
		slog.String("request_id", reqID(r)), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.Any("error", err))
}
