package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/phoenix-eap/phoenix/internal/testenv"
)

func TestSafeNext(t *testing.T) {
	bad := []string{
		"", "cases", "https://evil.example/", "//evil.example/x", "/\\evil.example",
		"/\t/evil.example/x", "/\n/evil.example", "/\r/evil.example", "/x\x00y",
		"/\x7f", "/a\u0085b", "/a\u200eb", "/cases\\..\\x", "/\xff", "/a%zz",
	}
	for _, next := range bad {
		if got := safeNext(next); got != "" {
			t.Errorf("safeNext(%q) = %q, want \"\"", next, got)
		}
	}
	good := []string{
		"/", "/cases", "/cases/12?tab=tasks", "/requests?page=2&status=open#top",
		"/search?q=a%20b", "/%2F%2Fevil.example", "/a b", "/clients/Zoë",
	}
	for _, next := range good {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it unchanged", next, got)
		}
	}
}

func TestSignInRedirect(t *testing.T) {
	env := testenv.New(t, testenv.SQLite(t), testenv.Options{NoQueue: true})
	f := env.Seed(t)
	srv, err := New(Config{Service: env.Svc, Logger: env.Logger})
	testenv.Must(t, err)
	for _, tt := range []struct{ next, want string }{
		{"/\t/evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"/requests?page=2", "/requests?page=2"},
	} {
		form := url.Values{"email": {f.Intake.Email}, "password": {testenv.Password},
			"next": {tt.next}}
		r := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, r)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tt.want {
			t.Errorf("POST /signin next=%q = %d to %q, want 303 to %q", tt.next, rec.Code,
				rec.Header().Get("Location"), tt.want)
		}
	}
}
