package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

type signInPage struct {
	Email        string
	Next         string
	Error        string
	Accounts     []phoenix.User
	DemoPassword string
}

func (s *Server) signInPage(email, next, msg string) signInPage {
	p := signInPage{Email: email, Next: next, Error: msg}
	if s.cfg.Demo {
		p.Accounts, p.DemoPassword = s.cfg.DemoAccounts, s.cfg.DemoPassword
	}
	return p
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "signin", s.signInPage("", safeNext(r.URL.Query().Get("next")), ""))
	return nil
}

type signInInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Next     string `json:"next"`
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	var in signInInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	res, err := s.svc.SignIn(r.Context(), in.Email, in.Password, clientIP(r))
	if err != nil {
		if wantsJSON(r) || isJSONBody(r) || phoenix.ErrorCode(err) == phoenix.EINTERNAL {
			return err
		}
		status := statusOf(phoenix.ErrorCode(err))
		s.render(w, r, status, "signin", s.signInPage(in.Email, safeNext(in.Next),
			phoenix.ErrorMessage(err)))
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: res.Token, Path: "/",
		Expires: res.Expires, HttpOnly: true, Secure: s.cfg.SecureCookies || r.TLS != nil,
		SameSite: http.SameSiteLaxMode})
	next := safeNext(in.Next)
	if next == "" {
		next = "/"
	}
	redirectOrJSON(w, r, next, http.StatusOK, map[string]any{"user": userJSON(res.User),
		"csrf_token": res.CSRF, "expires": res.Expires})
	return nil
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	c, err := r.Cookie(sessionCookie)
	if err == nil {
		if err := s.svc.SignOut(r.Context(), a, c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies || r.TLS != nil,
		SameSite: http.SameSiteLaxMode})
	redirectOrJSON(w, r, "/signin", http.StatusOK, map[string]string{"status": "signed out"})
	return nil
}

// home sends each role to its start page.
func (s *Server) home(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	target := map[phoenix.Role]string{
		phoenix.RoleConsultant:     "/calendar",
		phoenix.RoleIntake:         "/cases",
		phoenix.RoleClinicalLeader: "/clinical",
		phoenix.RoleReviewer:       "/review",
		phoenix.RoleAdmin:          "/admin/dashboard",
	}[a.User.Role]
	if target == "" {
		target = "/me"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	s.respond(w, r, "me", a.User, map[string]any{"user": userJSON(a.User),
		"csrf_token": csrfOf(r)})
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(ctx); err != nil {
			s.logger.Warn("not ready", "error", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready",
				"reason": err.Error()})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// userJSON is an account as the API shows it.
func userJSON(u phoenix.User) map[string]any {
	m := map[string]any{"id": u.ID, "email": u.Email, "name": u.Name, "role": u.Role,
		"time_zone": u.TimeZone}
	if u.OrganisationID != 0 {
		m["organisation_id"] = u.OrganisationID
	}
	return m
}
