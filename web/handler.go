package web

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

// handlerFunc is a handler that returns its error for one place to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request, a service.Actor) error

// page wraps a handler that needs a signed-in user; state-changing requests must also
// carry the session's CSRF token.
func (s *Server) page(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := actorOf(r)
		if !ok {
			s.needSignIn(w, r)
			return
		}
		if !safeMethod(r.Method) && !s.validCSRF(r) {
			s.renderError(w, r, phoenix.Errorf(phoenix.EFORBIDDEN,
				"The form's security token is missing or out of date. Reload the page and try again."))
			return
		}
		if err := h(w, r, a); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// public wraps a handler that anyone may call, such as the sign-in form. Cross-origin
// form posts are refused by the CrossOriginProtection middleware.
func (s *Server) public(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// validCSRF compares the token sent in the form or the X-CSRF-Token header with the
// session's.
func (s *Server) validCSRF(r *http.Request) bool {
	want := csrfOf(r)
	got := r.Header.Get("X-CSRF-Token")
	if got == "" && !isJSONBody(r) {
		got = r.PostFormValue("csrf_token")
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (s *Server) needSignIn(w http.ResponseWriter, r *http.Request) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusUnauthorized, errorBody(phoenix.Errorf(phoenix.EUNAUTHORIZED,
			"Please sign in.")))
		return
	}
	next := r.URL.RequestURI()
	http.Redirect(w, r, "/signin?next="+urlQueryEscape(next), http.StatusSeeOther)
}

// statusOf maps an error code to an HTTP status.
func statusOf(code string) int {
	switch code {
	case phoenix.EINVALID:
		return http.StatusUnprocessableEntity
	case phoenix.ENOTFOUND:
		return http.StatusNotFound
	case phoenix.ECONFLICT:
		return http.StatusConflict
	case phoenix.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case phoenix.EFORBIDDEN:
		return http.StatusForbidden
	case phoenix.ETOOMANY:
		return http.StatusTooManyRequests
	case phoenix.EMETHOD:
		return http.StatusMethodNotAllowed
	case phoenix.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// renderError shows err as an error page or a JSON error, and logs internal errors
// only, since the rest are the user's to fix.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	code := phoenix.ErrorCode(err)
	if code == phoenix.EINTERNAL {
		s.logError(r, err)
	}
	status := statusOf(code)
	if wantsJSON(r) {
		writeJSON(w, status, errorBody(err))
		return
	}
	var link string
	var e *phoenix.Error
	if errors.As(err, &e) {
		link = e.Link
	}
	s.render(w, r, status, "error", map[string]any{
		"Status": status, "Message": phoenix.ErrorMessage(err), "Fields": phoenix.ErrorFields(err),
		"Link": link})
}

type errorJSON struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
		Link    string            `json:"link,omitempty"`
	} `json:"error"`
}

func errorBody(err error) errorJSON {
	var b errorJSON
	b.Error.Code = phoenix.ErrorCode(err)
	b.Error.Message = phoenix.ErrorMessage(err)
	b.Error.Fields = phoenix.ErrorFields(err)
	var e *phoenix.Error
	if errors.As(err, &e) {
		b.Error.Link = e.Link
	}
	return b
}

// wantsJSON reports whether the client asked for JSON.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func isJSONBody(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// respond writes JSON when the client asked for it and the page otherwise.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, page string, data any, jsonValue any) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, jsonValue)
		return
	}
	s.render(w, r, http.StatusOK, page, data)
}

// redirectOrJSON answers a successful form post: a redirect for browsers, JSON for
// API clients.
func redirectOrJSON(w http.ResponseWriter, r *http.Request, location string, status int, v any) {
	if wantsJSON(r) || isJSONBody(r) {
		writeJSON(w, status, v)
		return
	}
	http.Redirect(w, r, location, http.StatusSeeOther)
}
