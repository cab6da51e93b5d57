package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
)

// flashCookie carries a one-time status message from a form's redirect to the page
// that follows. The message travels in a cookie rather than the URL so that nobody can
// make Phoenix show a message of their own by sending someone a link.
const flashCookie = "phoenix_flash"

// maxFlash is the longest message kept, in bytes.
const maxFlash = 300

// flashes moves a "flash" query parameter of every redirect this server sends into
// the flash cookie, so handlers can keep writing "/page?flash=Saved".
func flashes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&flashWriter{ResponseWriter: w, r: r}, r)
	})
}

type flashWriter struct {
	http.ResponseWriter
	r *http.Request
}

func (w *flashWriter) WriteHeader(code int) {
	if code >= 300 && code < 400 {
		w.moveFlash()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *flashWriter) moveFlash() {
	u, err := url.Parse(w.Header().Get("Location"))
	if err != nil {
		return
	}
	q := u.Query()
	msg := q.Get("flash")
	if msg == "" {
		return
	}
	q.Del("flash")
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	if len(msg) > maxFlash {
		msg = msg[:maxFlash]
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie,
		Value: base64.RawURLEncoding.EncodeToString([]byte(msg)), Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: w.r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// takeFlash returns the pending flash message and clears its cookie.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(b) > maxFlash {
		return ""
	}
	return string(b)
}
