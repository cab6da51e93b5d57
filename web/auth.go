package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pquerna/otp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

// pendingCookie holds the token of a sign-in waiting for its two-factor step. The
// database keeps only its hash, and only the sign-in pages read it.
const pendingCookie = "phoenix_pending"

type signInPage struct {
	Email        string
	Next         string
	Error        string
	RetryAt      time.Time
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
		return s.signInError(w, r, err, func(p *signInPage) { p.Email = in.Email }, in.Next)
	}
	s.signedIn(w, r, res, in.Next)
	return nil
}

// signInError renders a failed sign-in step: the sign-in page again for browsers, the
// error for API clients. A rejection that must wait carries a Retry-After header.
func (s *Server) signInError(w http.ResponseWriter, r *http.Request, err error,
	fill func(*signInPage), next string) error {
	retry := s.setRetryAfter(w, err)
	code := phoenix.ErrorCode(err)
	if wantsJSON(r) || isJSONBody(r) || code == phoenix.EINTERNAL {
		return err
	}
	p := s.signInPage("", safeNext(next), phoenix.ErrorMessage(err))
	if retry != nil && code == phoenix.ETOOMANY {
		p.RetryAt = retry.RetryAt
	}
	fill(&p)
	s.render(w, r, statusOf(code), "signin", p)
	return nil
}

// setRetryAfter sets the Retry-After header, in whole seconds on the service's clock,
// when err must wait, and returns the wait.
func (s *Server) setRetryAfter(w http.ResponseWriter, err error) *service.RetryError {
	var retry *service.RetryError
	if !errors.As(err, &retry) {
		return nil
	}
	wait := retry.RetryAt.Sub(s.svc.Now())
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	return retry
}

// signedIn responds to a correct password or code with the session cookie and the
// next page, or with the pending sign-in and its second step.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request, res service.SignInResult, next string) {
	next = safeNext(next)
	if res.Step != "" {
		s.setCookie(w, r, pendingCookie, "/signin", res.Pending, res.Expires)
		target := "/signin/code"
		if res.Step == service.StepEnrol {
			target = "/signin/two-factor"
		}
		if next != "" {
			target += "?next=" + urlQueryEscape(next)
		}
		redirectOrJSON(w, r, target, http.StatusOK, map[string]any{"step": res.Step,
			"pending_token": res.Pending, "expires": res.Expires})
		return
	}
	s.startSessionCookie(w, r, res)
	if next == "" {
		next = "/"
	}
	redirectOrJSON(w, r, next, http.StatusOK, signInJSON(res))
}

func signInJSON(res service.SignInResult) map[string]any {
	return map[string]any{"user": userJSON(res.User), "csrf_token": res.CSRF,
		"expires": res.Expires}
}

// startSessionCookie sets the session cookie and clears a pending sign-in's.
func (s *Server) startSessionCookie(w http.ResponseWriter, r *http.Request, res service.SignInResult) {
	s.setCookie(w, r, sessionCookie, "/", res.Token, res.Expires)
	s.setCookie(w, r, pendingCookie, "/signin", "", time.Time{})
}

// setCookie sets an HttpOnly cookie until expires, or deletes it when value is empty.
func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, path, value string,
	expires time.Time) {
	c := &http.Cookie{Name: name, Value: value, Path: path, Expires: expires, HttpOnly: true,
		Secure: s.cfg.SecureCookies || r.TLS != nil, SameSite: http.SameSiteLaxMode}
	// Max-Age counts from the service's clock, which browsers prefer to Expires, so a
	// demo clock set away from the browser's clock does not expire the cookie on arrival.
	if !expires.IsZero() {
		c.MaxAge = max(1, int(expires.Sub(s.svc.Now()).Seconds()))
	}
	if value == "" {
		c.Expires, c.MaxAge = time.Time{}, -1
	}
	http.SetCookie(w, c)
}

// safeNext returns next when it is a path on this site, for the redirect after sign-in,
// and "" otherwise. Browsers drop tabs and newlines from a URL and read a backslash as
// a slash, so "/\t/host" and "/\\host" would lead to another host. Any character that
// is not printable (controls, format characters), any backslash, and anything net/url
// reads with a scheme or host is therefore rejected.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsRune(next, '\\') || !utf8.ValidString(next) ||
		strings.IndexFunc(next, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil {
		return ""
	}
	return next
}

// pendingToken returns the pending sign-in's token: from the X-Pending-Token header or
// the pending_token field for API clients, from the cookie for browsers.
func pendingToken(r *http.Request, field string) string {
	if t := r.Header.Get("X-Pending-Token"); t != "" {
		return t
	}
	if field != "" {
		return field
	}
	if c, err := r.Cookie(pendingCookie); err == nil {
		return c.Value
	}
	return ""
}

type codePage struct {
	Next  string
	Error string
}

func (s *Server) codeForm(w http.ResponseWriter, r *http.Request) error {
	if pendingToken(r, "") == "" {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "account_code",
		codePage{Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

type codeInput struct {
	PendingToken string `json:"pending_token"`
	Code         string `json:"code"`
	Next         string `json:"next"`
}

func (s *Server) signInCode(w http.ResponseWriter, r *http.Request) error {
	var in codeInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	res, err := s.svc.SignInCode(r.Context(), pendingToken(r, in.PendingToken), in.Code,
		clientIP(r))
	if err == nil {
		s.signedIn(w, r, res, in.Next)
		return nil
	}
	code := phoenix.ErrorCode(err)
	if wantsJSON(r) || isJSONBody(r) || errors.Is(err, service.ErrSignInExpired) ||
		(code != phoenix.EUNAUTHORIZED && code != phoenix.ETOOMANY) {
		return s.signInError(w, r, err, func(*signInPage) {}, in.Next)
	}

	// A wrong code, or a wait, keeps the pending sign-in, so the code page comes back.
	s.setRetryAfter(w, err)
	s.render(w, r, statusOf(code), "account_code",
		codePage{Next: safeNext(in.Next), Error: phoenix.ErrorMessage(err)})
	return nil
}

// twoFactorPage shows two-factor sign-in: its state, the set-up for an authenticator
// app, or recovery codes shown once. Action is where the confirmation code goes: the
// signed-in page, or the sign-in that must enrol before it goes on.
type twoFactorPage struct {
	Status service.TwoFactorStatus
	Setup  service.TwoFactorSetup
	QR     template.URL
	// URILink is Setup.URI marked safe for an href; html/template rejects the
	// otpauth scheme otherwise.
	URILink template.URL
	Codes   []string
	Action  string
	Next    string
	Error   string
	Fields  map[string]string
}

// qrDataURL returns the otpauth URI as a QR code in a data: URL, which the
// Content-Security-Policy allows for images.
func qrDataURL(uri string) (template.URL, error) {
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return "", err
	}
	img, err := key.Image(220, 220)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	// The URL is built here from PNG bytes, never from user input.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}

func setupJSON(st service.TwoFactorSetup) map[string]any {
	return map[string]any{"otpauth_uri": st.URI, "secret": st.Secret, "issuer": st.Issuer,
		"account": st.Account}
}

// withSetup fills the page with the set-up to show.
func (p *twoFactorPage) withSetup(st service.TwoFactorSetup) error {
	qr, err := qrDataURL(st.URI)
	p.Setup, p.QR, p.URILink = st, qr, template.URL(st.URI)
	return err
}

func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.PendingEnrolment(r.Context(), pendingToken(r, ""))
	if err != nil {
		return s.signInError(w, r, err, func(*signInPage) {}, r.URL.Query().Get("next"))
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, setupJSON(st))
		return nil
	}
	p := twoFactorPage{Action: "/signin/two-factor", Next: safeNext(r.URL.Query().Get("next"))}
	if err := p.withSetup(st); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "account_two_factor", p)
	return nil
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) error {
	var in codeInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	token := pendingToken(r, in.PendingToken)
	res, codes, err := s.svc.FinishEnrolment(r.Context(), token, in.Code, clientIP(r))

	// A wrong code shows the same set-up again, so the app needs no new scan.
	if phoenix.ErrorCode(err) == phoenix.EINVALID && !wantsJSON(r) && !isJSONBody(r) {
		st, serr := s.svc.PendingEnrolment(r.Context(), token)
		if serr != nil {
			return s.signInError(w, r, serr, func(*signInPage) {}, in.Next)
		}
		p := twoFactorPage{Action: "/signin/two-factor", Next: safeNext(in.Next),
			Error: phoenix.ErrorMessage(err), Fields: phoenix.ErrorFields(err)}
		if err := p.withSetup(st); err != nil {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, "account_two_factor", p)
		return nil
	}
	if err != nil {
		return s.signInError(w, r, err, func(*signInPage) {}, in.Next)
	}

	s.startSessionCookie(w, r, res)
	if wantsJSON(r) || isJSONBody(r) {
		body := signInJSON(res)
		body["recovery_codes"] = codes
		writeJSON(w, http.StatusOK, body)
		return nil
	}
	next := safeNext(in.Next)
	if next == "" {
		next = "/"
	}
	s.render(w, r, http.StatusOK, "account_two_factor", twoFactorPage{Codes: codes,
		Next: next, Status: service.TwoFactorStatus{Enabled: true}})
	return nil
}

func twoFactorJSON(st service.TwoFactorStatus) map[string]any {
	return map[string]any{"enabled": st.Enabled, "required": st.Required,
		"enabled_at": st.EnabledAt, "recovery_codes_left": st.RecoveryLeft}
}

// twoFactorView returns the signed-in actor's page: the state, and the set-up while
// two-factor sign-in is off.
func (s *Server) twoFactorView(ctx context.Context, a service.Actor) (twoFactorPage, error) {
	st, err := s.svc.TwoFactor(ctx, a)
	if err != nil {
		return twoFactorPage{}, err
	}
	p := twoFactorPage{Status: st, Action: "/me/two-factor"}
	if st.Enabled {
		return p, nil
	}
	setup, err := s.svc.StartTwoFactor(ctx, a)
	if err != nil {
		return p, err
	}
	return p, p.withSetup(setup)
}

func (s *Server) twoFactorPage(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	p, err := s.twoFactorView(r.Context(), a)
	if err != nil {
		return err
	}
	body := twoFactorJSON(p.Status)
	if !p.Status.Enabled {
		for k, v := range setupJSON(p.Setup) {
			body[k] = v
		}
	}
	s.respond(w, r, "account_two_factor", p, body)
	return nil
}

type meCodeInput struct {
	Code string `json:"code"`
}

// twoFactorAction returns a handler that checks a code and shows the page again, with
// new recovery codes when act returns some.
func (s *Server) twoFactorAction(act func(ctx context.Context, a service.Actor, code string) ([]string, error),
	flash string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a service.Actor) error {
		var in meCodeInput
		if err := decode(w, r, &in); err != nil {
			return err
		}
		codes, err := act(r.Context(), a, in.Code)
		code := phoenix.ErrorCode(err)
		if err != nil && (wantsJSON(r) || isJSONBody(r) || code != phoenix.EINVALID) {
			return err
		}
		if wantsJSON(r) || isJSONBody(r) {
			st, err := s.svc.TwoFactor(r.Context(), a)
			if err != nil {
				return err
			}
			body := twoFactorJSON(st)
			if codes != nil {
				body["recovery_codes"] = codes
			}
			writeJSON(w, http.StatusOK, body)
			return nil
		}
		p, verr := s.twoFactorView(r.Context(), a)
		if verr != nil {
			return verr
		}
		status := http.StatusOK
		if err != nil {
			p.Error, p.Fields, status = phoenix.ErrorMessage(err), phoenix.ErrorFields(err),
				http.StatusUnprocessableEntity
		} else if codes == nil {
			http.Redirect(w, r, "/me/two-factor?flash="+urlQueryEscape(flash), http.StatusSeeOther)
			return nil
		}
		p.Codes = codes
		s.render(w, r, status, "account_two_factor", p)
		return nil
	}
}

// disableTwoFactor adapts DisableTwoFactor to twoFactorAction.
func (s *Server) disableTwoFactor(ctx context.Context, a service.Actor, code string) ([]string, error) {
	return nil, s.svc.DisableTwoFactor(ctx, a, code)
}

type forgotPage struct {
	Email  string
	Sent   bool
	Fields map[string]string
	Error  string
}

// forgotSent is the message for every reset request, whether or not the address has
// an account.
const forgotSent = "If an active account has this email address, a link to reset its " +
	"password is on its way. The link works once, for 1 hour."

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "account_password_forgot", forgotPage{})
	return nil
}

type forgotInput struct {
	Email string `json:"email"`
}

func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	var in forgotInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	err := s.svc.RequestPasswordReset(r.Context(), in.Email, clientIP(r))
	if wantsJSON(r) || isJSONBody(r) {
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusAccepted, map[string]string{"status": forgotSent})
		return nil
	}
	if phoenix.ErrorCode(err) == phoenix.EINVALID {
		s.render(w, r, http.StatusUnprocessableEntity, "account_password_forgot",
			forgotPage{Email: in.Email, Fields: phoenix.ErrorFields(err),
				Error: phoenix.ErrorMessage(err)})
		return nil
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "account_password_forgot", forgotPage{Sent: true})
	return nil
}

type passwordSetPage struct {
	Token  string
	Link   service.PasswordLink
	Fields map[string]string
	Error  string
}

func (s *Server) passwordSetForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	link, err := s.svc.PasswordLinkInfo(r.Context(), token)
	if err != nil {
		return err
	}
	s.respond(w, r, "account_password_set", passwordSetPage{Token: token, Link: link},
		map[string]any{"email": link.Email, "purpose": link.Purpose,
			"expires_at": link.ExpiresAt})
	return nil
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) error {
	var in service.SetPasswordInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	_, err := s.svc.SetPasswordWithLink(r.Context(), in, clientIP(r))
	if phoenix.ErrorCode(err) == phoenix.EINVALID && !wantsJSON(r) && !isJSONBody(r) {
		link, lerr := s.svc.PasswordLinkInfo(r.Context(), in.Token)
		if lerr != nil {
			return lerr
		}
		s.render(w, r, http.StatusUnprocessableEntity, "account_password_set",
			passwordSetPage{Token: in.Token, Link: link, Fields: phoenix.ErrorFields(err),
				Error: phoenix.ErrorMessage(err)})
		return nil
	}
	if err != nil {
		return err
	}
	redirectOrJSON(w, r, "/signin?flash="+urlQueryEscape("Your password is set. Sign in with it."),
		http.StatusOK, map[string]string{"status": "Your password is set."})
	return nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	c, err := r.Cookie(sessionCookie)
	if err == nil {
		if err := s.svc.SignOut(r.Context(), a, c.Value); err != nil {
			return err
		}
	}
	s.setCookie(w, r, sessionCookie, "/", "", time.Time{})
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

type mePage struct {
	User      phoenix.User
	TwoFactor service.TwoFactorStatus
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	st, err := s.svc.TwoFactor(r.Context(), a)
	if err != nil {
		return err
	}
	s.respond(w, r, "me", mePage{User: a.User, TwoFactor: st},
		map[string]any{"user": userJSON(a.User), "csrf_token": csrfOf(r),
			"two_factor": twoFactorJSON(st)})
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
