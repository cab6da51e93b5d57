// Package web serves Phoenix's HTML pages and JSON API over net/http. Every page is
// also JSON when the request asks for it with Accept: application/json, and every form
// also takes a JSON body; both call the same service methods.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

// Config holds what the web server needs.
type Config struct {
	Service *service.Service
	Logger  *slog.Logger
	// SecureCookies marks cookies Secure; set it when Phoenix is served over TLS,
	// directly or behind a proxy that terminates TLS.
	SecureCookies bool
	// Ready reports whether the server can take requests, for /readyz.
	Ready func(ctx context.Context) error
	// Demo shows the demo banner, and the demo accounts on the sign-in page.
	Demo         bool
	DemoAccounts []phoenix.User
	DemoPassword string
}

// Server routes requests to handlers.
type Server struct {
	svc    *service.Service
	logger *slog.Logger
	cfg    Config
	pages  *pages
	mux    *http.ServeMux
}

// New parses the templates, so that a broken one fails at start, and registers the
// routes.
func New(cfg Config) (*Server, error) {
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{svc: cfg.Service, logger: cfg.Logger, cfg: cfg, pages: p,
		mux: http.NewServeMux()}
	s.routes()
	return s, nil
}

// Handler returns the server's handler with its middleware.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, phoenix.Errorf(phoenix.EFORBIDDEN,
			"Requests from other sites are not accepted. Use Phoenix's own pages."))
	}))
	var h http.Handler = s.mux
	h = s.authenticate(h)
	h = cop.Handler(h)
	h = flashes(h)
	h = securityHeaders(h)
	h = s.logRequests(h)
	h = requestID(h)
	return h
}

// notFound answers a path no route matches, as a page or JSON like every other error;
// a path that exists for another method gets 405 with the methods it has.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		s.renderError(w, r, &phoenix.Error{Code: phoenix.EMETHOD,
			Message: fmt.Sprintf("%s is not allowed here; use %s.", r.Method,
				strings.Join(allowed, " or "))})
		return
	}
	s.renderError(w, r, phoenix.NotFound("Page"))
}

// routes registers every route; docs/routes.md lists them.
func (s *Server) routes() {
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", staticFiles()))
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)

	s.mux.Handle("GET /{$}", s.page(s.home))
	s.mux.HandleFunc("/", s.notFound)
	s.mux.Handle("GET /signin", s.public(s.signInForm))
	s.mux.Handle("POST /signin", s.public(s.signIn))
	s.mux.Handle("POST /signout", s.page(s.signOut))
	s.mux.Handle("GET /me", s.page(s.me))

	s.consultantRoutes()
	s.requestRoutes()
	s.reviewRoutes()
	s.mailboxRoutes()
	s.clinicalRoutes()
	s.deadlineRoutes()
	s.accountRoutes()
	s.organisationRoutes()
	s.clientRoutes()
	s.auditRoutes()
}
