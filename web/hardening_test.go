package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/web"
)

// hardenedServer starts the web server on SQLite with the fixture, and returns a
// client signed in as the fixture's consultant with its CSRF token.
func hardenedServer(t *testing.T) (*httptest.Server, *http.Client, string, testenv.Fixture) {
	t.Helper()
	env := testenv.New(t, testenv.SQLite(t), testenv.Options{NoQueue: true})
	f := env.Seed(t)
	srv, err := web.New(web.Config{Service: env.Svc, Logger: env.Logger})
	testenv.Must(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	client := signedInClient(t, ts.URL, f.Consultant.Email)

	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/me", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	testenv.Must(t, err)
	defer resp.Body.Close()
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	testenv.Must(t, json.NewDecoder(resp.Body).Decode(&me))
	return ts, client, me.CSRF, f
}

func TestFlashFromURLIgnored(t *testing.T) {
	ts, client, _, f := hardenedServer(t)
	resp, err := client.Get(fmt.Sprintf("%s/cases/%d?flash=Email+your+password+to+us",
		ts.URL, f.Case.ID))
	testenv.Must(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "Email your password") {
		t.Error("a flash message from the URL is shown on the page")
	}
}

func TestJSONBodyRejects(t *testing.T) {
	ts, client, csrf, f := hardenedServer(t)
	url := fmt.Sprintf("%s/cases/%d/requests", ts.URL, f.Case.ID)
	tests := []struct {
		name   string
		body   string
		status int
	}{
		{"object value", `{"goals": {"a": 1}, "idempotency_key": "k1"}`, 422},
		{"array value", `{"goals": ["a"], "idempotency_key": "k1"}`, 422},
		{"trailing data", `{"idempotency_key": "k1"} {}`, 422},
		{"not an object", `[1, 2]`, 422},
		{"NUL in goals", validRequestJSON(`ab\u0000cd`), 422},
		{"too large", `{"goals": "` + strings.Repeat("x", 2<<20) + `"}`, 413},
	}
	tests = append(tests, struct {
		name   string
		body   string
		status int
	}{"control case", validRequestJSON("return to work"), 201})
	for _, tc := range tests {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(tc.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		resp, err := client.Do(req)
		testenv.Must(t, err)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: POST = %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
	}
}

// validRequestJSON returns a request body that passes every check but its goals.
func validRequestJSON(goals string) string {
	return `{"requestor": "consultant", "sessions": 2, "request_date": "2026-10-29", ` +
		`"pathway": "continue_eap", "idempotency_key": "k1", "goals": "Plan ` + goals + `"}`
}

func TestFormInvalidUTF8Rejected(t *testing.T) {
	ts, client, csrf, f := hardenedServer(t)
	body := "csrf_token=" + csrf + "&goals=Plan+ab%ff%fecd&sessions=2&idempotency_key=k2" +
		"&requestor=consultant&request_date=2026-10-29&pathway=continue_eap"
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/cases/%d/requests", ts.URL,
		f.Case.ID), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	testenv.Must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("POST with invalid UTF-8 = %d, want 422", resp.StatusCode)
	}
}

func TestErrorsAreJSON(t *testing.T) {
	ts, client, _, _ := hardenedServer(t)
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodGet, "/no/such/page", 404, "not_found"},
		{http.MethodPost, "/calendar", 405, "method_not_allowed"},
		{http.MethodGet, "/static/", 404, ""},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		testenv.Must(t, err)
		var body struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
		if tc.code != "" && body.Error.Code != tc.code {
			t.Errorf("%s %s error code = %q, want %q", tc.method, tc.path, body.Error.Code, tc.code)
		}
	}
}
