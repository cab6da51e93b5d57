package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// mainTestNow is the clock of the HTTP tests: Thursday 29 October 2026, 2 pm in
// Melbourne, so the demo's week has appointments before and after it.
const mainTestNow = "2026-10-29T14:00:00+11:00"

// syncBuffer is a log destination that the server and the test may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// bootDemo starts Phoenix in demo mode with the clock at mainTestNow, on a free port
// of 127.0.0.1 and a SQLite database in dir.
func bootDemo(t *testing.T, dir string) (*Main, *syncBuffer) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = dir
	cfg.Demo = true
	cfg.Now = mainTestNow
	cfg.JobPoll = 200 * time.Millisecond
	m := NewMain(cfg)
	logs := &syncBuffer{}
	m.LogOutput = logs
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("Run() = %v\nlog:\n%s", err, logs)
	}
	return m, logs
}

// webClient is one browser: a cookie jar, and redirects left for the test to read.
type webClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newWebClient(t *testing.T, base string) *webClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &webClient{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// webReply is a response with its body read.
type webReply struct {
	status int
	header http.Header
	body   string
}

func (r webReply) location() string { return r.header.Get("Location") }

func (w *webClient) send(method, path, contentType string, body io.Reader, header http.Header) webReply {
	w.t.Helper()
	req, err := http.NewRequest(method, w.base+path, body)
	if err != nil {
		w.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := w.c.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return webReply{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (w *webClient) page(path string) webReply {
	w.t.Helper()
	return w.send(http.MethodGet, path, "", nil, nil)
}

func (w *webClient) json(path string) webReply {
	w.t.Helper()
	return w.send(http.MethodGet, path, "", nil, http.Header{"Accept": {"application/json"}})
}

func (w *webClient) postForm(path string, form url.Values) webReply {
	w.t.Helper()
	return w.send(http.MethodPost, path, "application/x-www-form-urlencoded",
		strings.NewReader(form.Encode()), nil)
}

func (w *webClient) postJSON(path string, v any, header http.Header) webReply {
	w.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		w.t.Fatal(err)
	}
	if header == nil {
		header = http.Header{}
	}
	header.Set("Accept", "application/json")
	return w.send(http.MethodPost, path, "application/json", bytes.NewReader(b), header)
}

// signIn signs in with the HTML form and returns the session's CSRF token, read from
// the first page as a browser would.
func (w *webClient) signIn(email string) string {
	w.t.Helper()
	r := w.postForm("/signin", url.Values{"email": {email}, "password": {"phoenix-demo"}})
	if r.status != http.StatusSeeOther {
		w.t.Fatalf("POST /signin as %s = %d, want 303\n%s", email, r.status, r.body)
	}
	me := w.page("/me")
	return mustFind(w.t, me.body, `name="csrf_token" value="([^"]+)"`)
}

// signInJSON signs in through the JSON API and returns the CSRF token it gives.
func (w *webClient) signInJSON(email string) string {
	w.t.Helper()
	r := w.postJSON("/signin", map[string]string{"email": email, "password": "phoenix-demo"}, nil)
	if r.status != http.StatusOK {
		w.t.Fatalf("JSON sign-in as %s = %d, want 200\n%s", email, r.status, r.body)
	}
	var out struct {
		CSRF string `json:"csrf_token"`
		User struct {
			Email string `json:"email"`
		} `json:"user"`
	}
	decodeJSON(w.t, r.body, &out)
	if out.CSRF == "" || out.User.Email != email {
		w.t.Fatalf("JSON sign-in reply = %s, want the user and a CSRF token", r.body)
	}
	return out.CSRF
}

func mustFind(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no match for %s in:\n%s", pattern, body)
	}
	return m[1]
}

func decodeJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
}

func expectStatus(t *testing.T, what string, r webReply, want int) {
	t.Helper()
	if r.status != want {
		t.Errorf("%s = %d, want %d\n%.600s", what, r.status, want, r.body)
	}
}

func TestMainHealth(t *testing.T) {
	m, logs := bootDemo(t, t.TempDir())
	w := newWebClient(t, m.URL())
	for _, path := range []string{"/healthz", "/readyz"} {
		r := w.page(path)
		expectStatus(t, "GET "+path, r, http.StatusOK)
		if !strings.Contains(r.body, `"status"`) {
			t.Errorf("GET %s body = %s, want a status", path, r.body)
		}
	}
	log := logs.String()
	for _, want := range []string{"listening", "database open", "priya.raman@provider.example",
		"intake@provider.example", "phoenix-demo", m.URL()} {
		if !strings.Contains(log, want) {
			t.Errorf("start-up log lacks %q:\n%s", want, log)
		}
	}
}

func TestMainSignIn(t *testing.T) {
	m, _ := bootDemo(t, t.TempDir())
	w := newWebClient(t, m.URL())

	// Signed out, pages send the browser to the sign-in form and the API returns 401.
	r := w.page("/calendar")
	if r.status != http.StatusSeeOther || r.location() != "/signin?next=%2Fcalendar" {
		t.Errorf("GET /calendar signed out = %d to %q, want 303 to the sign-in form", r.status,
			r.location())
	}
	expectStatus(t, "GET /calendar signed out as JSON", w.json("/calendar"), http.StatusUnauthorized)

	// A wrong password and an unknown account get one generic message.
	wrong := w.postForm("/signin", url.Values{"email": {"priya.raman@provider.example"},
		"password": {"not-the-password"}})
	unknown := w.postForm("/signin", url.Values{"email": {"nobody@provider.example"},
		"password": {"phoenix-demo"}})
	expectStatus(t, "wrong password", wrong, http.StatusUnauthorized)
	expectStatus(t, "unknown account", unknown, http.StatusUnauthorized)
	msg := mustFind(t, wrong.body, `<p class="error" role="alert">([^<]+)</p>`)
	if got := mustFind(t, unknown.body, `<p class="error" role="alert">([^<]+)</p>`); got != msg {
		t.Errorf("unknown account message %q differs from wrong password message %q", got, msg)
	}
	wrongJSON := w.postJSON("/signin", map[string]string{"email": "priya.raman@provider.example",
		"password": "nope"}, nil)
	expectStatus(t, "wrong password as JSON", wrongJSON, http.StatusUnauthorized)
	if !strings.Contains(wrongJSON.body, htmlUnescape(msg)) {
		t.Errorf("JSON wrong password = %s, want the message %q", wrongJSON.body, msg)
	}

	// A cross-site sign-in form is refused.
	cross := w.send(http.MethodPost, "/signin", "application/x-www-form-urlencoded",
		strings.NewReader("email=priya.raman%40provider.example&password=phoenix-demo"),
		http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}})
	expectStatus(t, "cross-site sign-in", cross, http.StatusForbidden)

	// The right password: a session cookie, HttpOnly and SameSite.
	ok := w.postForm("/signin", url.Values{"email": {"priya.raman@provider.example"},
		"password": {"phoenix-demo"}, "next": {"/cases"}})
	if ok.status != http.StatusSeeOther || ok.location() != "/cases" {
		t.Fatalf("sign-in = %d to %q, want 303 to /cases", ok.status, ok.location())
	}
	cookie := ok.header.Get("Set-Cookie")
	for _, want := range []string{"phoenix_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie = %q, want %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("Set-Cookie = %q, want no Secure over plain HTTP", cookie)
	}
	home := w.page("/")
	if home.status != http.StatusSeeOther || home.location() != "/calendar" {
		t.Errorf("GET / as a consultant = %d to %q, want 303 to /calendar", home.status, home.location())
	}

	// A state change without the form's token is refused, and sign-out needs it too.
	expectStatus(t, "sign-out without token", w.postForm("/signout", url.Values{}), http.StatusForbidden)
	expectStatus(t, "still signed in", w.page("/calendar"), http.StatusOK)
	csrf := mustFind(t, w.page("/me").body, `name="csrf_token" value="([^"]+)"`)
	out := w.postForm("/signout", url.Values{"csrf_token": {csrf}})
	if out.status != http.StatusSeeOther || out.location() != "/signin" {
		t.Errorf("sign-out = %d to %q, want 303 to /signin", out.status, out.location())
	}
	if r := w.page("/calendar"); r.status != http.StatusSeeOther {
		t.Errorf("GET /calendar after sign-out = %d, want 303", r.status)
	}

	// The old cookie no longer works, even sent by hand.
	token := mustFind(t, cookie, `phoenix_session=([^;]+)`)
	replay := w.send(http.MethodGet, "/calendar", "", nil, http.Header{
		"Cookie": {"phoenix_session=" + token}, "Accept": {"application/json"}})
	expectStatus(t, "replayed cookie after sign-out", replay, http.StatusUnauthorized)

	// The JSON API signs in too, and takes the token in a header.
	j := newWebClient(t, m.URL())
	token = j.signInJSON("intake@provider.example")
	bad := j.postJSON("/signout", map[string]string{}, nil)
	expectStatus(t, "JSON sign-out without token", bad, http.StatusForbidden)
	good := j.postJSON("/signout", map[string]string{}, http.Header{"X-Csrf-Token": {token}})
	expectStatus(t, "JSON sign-out", good, http.StatusOK)
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#39;", "'", "&#34;", `"`, "&amp;", "&", "&lt;", "<",
		"&gt;", ">").Replace(s)
}

// consultantPath is what the walk through the consultant's path found.
type consultantPath struct {
	sessionID, caseID, taskID, requestID string
}

// walkConsultantPath follows the guide in HTML: My Calendar, an appointment, its
// Parent Case, a flamed task, the three-dots menu's Add Work, and the form, which it
// submits.
func walkConsultantPath(t *testing.T, w *webClient, csrf string) consultantPath {
	t.Helper()
	var p consultantPath
	cal := w.page("/calendar")
	expectStatus(t, "My Calendar", cal, http.StatusOK)
	for _, want := range []string{`id="nav-my-calendar">My Calendar</a>`, "Calendar View",
		"Priya Raman", "Australia/Melbourne", `rel="prev"`, `rel="next"`, ">Today<"} {
		if !strings.Contains(cal.body, want) {
			t.Errorf("My Calendar lacks %q", want)
		}
	}
	p.sessionID = mustFind(t, cal.body, `<a class="appt status-scheduled" href="/sessions/(\d+)">`)

	appt := w.page("/sessions/" + p.sessionID)
	expectStatus(t, "appointment", appt, http.StatusOK)
	p.caseID = mustFind(t, appt.body, `Parent Case: <a href="/cases/(\d+)" id="parent-case">ASST-\d{6}</a>`)
	if !strings.Contains(appt.body, "Record what happened") {
		t.Error("the appointment page of a scheduled session offers no status change")
	}

	k := w.page("/cases/" + p.caseID)
	expectStatus(t, "Assist case", k, http.StatusOK)
	for _, want := range []string{"Task Filter", "Sessions list", "Date of birth", "Remaining",
		"Book a session"} {
		if !strings.Contains(k.body, want) {
			t.Errorf("Assist case page lacks %q", want)
		}
	}
	p.taskID = mustFind(t, k.body, `<svg class="flame"[^>]*>.*?</svg>\s*<a href="/tasks/(\d+)">`+
		`(?:Select Consultant|Next Steps|Waiting for Appointment Completion)</a>`)

	task := w.page("/tasks/" + p.taskID)
	expectStatus(t, "task page", task, http.StatusOK)
	formPath := fmt.Sprintf("/cases/%s/requests/new?task=%s", p.caseID, p.taskID)
	for _, want := range []string{`id="actions-button"`, `>Add Work</button>`,
		`href="` + strings.ReplaceAll(formPath, "&", "&amp;") + `">Extra Sessions Request</a>`} {
		if !strings.Contains(task.body, want) {
			t.Errorf("task page lacks %q", want)
		}
	}

	form := w.page(formPath)
	expectStatus(t, "request form", form, http.StatusOK)
	key := mustFind(t, form.body, `name="idempotency_key" value="([0-9a-f]+)"`)
	today := mustFind(t, form.body, `name="request_date" type="date" value="(\d{4}-\d\d-\d\d)"`)
	for _, want := range []string{"Submit Extra Sessions Request", "Current 12-month period",
		`value="consultant" checked`, "Total with this request", `id="request-choices"`,
		"<td>4</td>"} {
		if !strings.Contains(form.body, want) {
			t.Errorf("request form lacks %q", want)
		}
	}

	values := url.Values{"requestor": {"consultant"}, "sessions": {"2"}, "request_date": {today},
		"goals":   {"Consolidate strategies for workplace stress and plan the return to full duties."},
		"pathway": {"continue_eap"}, "idempotency_key": {key}, "task": {p.taskID}}
	expectStatus(t, "submit without CSRF token", w.postForm("/cases/"+p.caseID+"/requests", values),
		http.StatusForbidden)

	// A rejected form comes back with what was typed and the message beside the field.
	bad := url.Values{}
	for k, v := range values {
		bad[k] = v
	}
	bad.Set("sessions", "five")
	bad.Set("csrf_token", csrf)
	rejected := w.postForm("/cases/"+p.caseID+"/requests", bad)
	expectStatus(t, "submit with five sessions", rejected, http.StatusUnprocessableEntity)
	for _, want := range []string{`value="five"`, `id="sessions-error"`, "Consolidate strategies"} {
		if !strings.Contains(rejected.body, want) {
			t.Errorf("rejected form lacks %q", want)
		}
	}

	values.Set("csrf_token", csrf)
	sent := w.postForm("/cases/"+p.caseID+"/requests", values)
	if sent.status != http.StatusSeeOther {
		t.Fatalf("submit = %d, want 303\n%s", sent.status, sent.body)
	}
	p.requestID = mustFind(t, sent.location(), `^/requests/(\d+)$`)
	again := w.postForm("/cases/"+p.caseID+"/requests", values)
	if again.location() != sent.location() {
		t.Errorf("repeated POST went to %q, want the first request %q", again.location(),
			sent.location())
	}
	status := w.page(sent.location())
	expectStatus(t, "request status page", status, http.StatusOK)
	for _, want := range []string{"Extra sessions request ESR-", "Counts at submission",
		"Who has it now", "Timeline", "Withdraw this request"} {
		if !strings.Contains(status.body, want) {
			t.Errorf("request status page lacks %q", want)
		}
	}
	return p
}

func TestMainConsultantPath(t *testing.T) {
	m, _ := bootDemo(t, t.TempDir())
	w := newWebClient(t, m.URL())
	csrf := w.signIn("priya.raman@provider.example")
	p := walkConsultantPath(t, w, csrf)

	// The same path as JSON.
	var cal struct {
		Days []struct {
			Sessions []struct {
				ID         int64  `json:"id"`
				ClientName string `json:"client_name"`
			} `json:"sessions"`
		} `json:"days"`
	}
	r := w.json("/calendar")
	expectStatus(t, "calendar JSON", r, http.StatusOK)
	decodeJSON(t, r.body, &cal)
	found := false
	for _, d := range cal.Days {
		for _, s := range d.Sessions {
			found = found || fmt.Sprint(s.ID) == p.sessionID && s.ClientName != ""
		}
	}
	if !found {
		t.Errorf("calendar JSON lacks session %s with its client: %.400s", p.sessionID, r.body)
	}

	var appt struct {
		ParentCaseURL string `json:"parent_case_url"`
	}
	decodeJSON(t, w.json("/sessions/"+p.sessionID).body, &appt)
	if appt.ParentCaseURL != "/cases/"+p.caseID {
		t.Errorf("appointment JSON parent_case_url = %q, want /cases/%s", appt.ParentCaseURL, p.caseID)
	}

	var task struct {
		Task struct {
			Flame bool `json:"flame"`
		} `json:"task"`
		Actions []struct {
			Label string `json:"label"`
			Items []struct {
				Label, URL string
			} `json:"items"`
		} `json:"actions"`
	}
	decodeJSON(t, w.json("/tasks/"+p.taskID).body, &task)
	if !task.Task.Flame || len(task.Actions) != 1 || task.Actions[0].Label != "Add Work" ||
		len(task.Actions[0].Items) != 1 || task.Actions[0].Items[0].Label != "Extra Sessions Request" {
		t.Errorf("task JSON = %+v, want a flamed task with Add Work > Extra Sessions Request", task)
	}

	var form struct {
		Key         string `json:"idempotency_key"`
		Today       string `json:"today"`
		MaxSessions int    `json:"max_sessions"`
	}
	decodeJSON(t, w.json("/cases/"+p.caseID+"/requests/new").body, &form)
	if form.Key == "" || form.Today != "2026-10-29" || form.MaxSessions != 4 {
		t.Errorf("form JSON = %+v, want a key, today 2026-10-29 and 4 at most", form)
	}

	// JSON submissions meet the same rules: a second open request is a conflict that
	// links to the first, and a bad number is rejected by field.
	header := http.Header{"X-Csrf-Token": {w.csrfOf(t)}}
	in := map[string]any{"requestor": "consultant", "sessions": 1, "request_date": form.Today,
		"goals": "Plan the next steps of treatment.", "pathway": "continue_eap",
		"idempotency_key": form.Key}
	conflict := w.postJSON("/cases/"+p.caseID+"/requests", in, header)
	expectStatus(t, "JSON second request", conflict, http.StatusConflict)
	if !strings.Contains(conflict.body, `"link": "/requests/`+p.requestID+`"`) {
		t.Errorf("JSON conflict = %s, want a link to request %s", conflict.body, p.requestID)
	}
	in["sessions"] = 2.5
	invalid := w.postJSON("/cases/"+p.caseID+"/requests", in, header)
	expectStatus(t, "JSON 2.5 sessions", invalid, http.StatusUnprocessableEntity)
	if !strings.Contains(invalid.body, `"sessions": "Number of extra sessions must be a whole number`) {
		t.Errorf("JSON 2.5 sessions = %s, want the rule beside sessions", invalid.body)
	}

	var status struct {
		Request struct {
			Reference string `json:"reference"`
			State     string `json:"state"`
			Counts    struct {
				Requested int `json:"requested"`
			} `json:"counts"`
		} `json:"request"`
		Timeline []struct {
			Kind string `json:"kind"`
		} `json:"timeline"`
	}
	decodeJSON(t, w.json("/requests/"+p.requestID).body, &status)
	if !strings.HasPrefix(status.Request.Reference, "ESR-") || status.Request.Counts.Requested != 2 ||
		len(status.Timeline) == 0 || status.Timeline[0].Kind != "submitted" {
		t.Errorf("request status JSON = %+v, want the ESR with 2 requested and its timeline", status)
	}
}

// csrfOf reads the session's CSRF token from the account page's JSON.
func (w *webClient) csrfOf(t *testing.T) string {
	t.Helper()
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	decodeJSON(t, w.json("/me").body, &me)
	return me.CSRF
}

// TestMainAccess signs in as every role and opens the first consultant's case, its
// appointment, task, request and form, by page and by JSON.
func TestMainAccess(t *testing.T) {
	m, _ := bootDemo(t, t.TempDir())
	owner := newWebClient(t, m.URL())
	p := walkConsultantPath(t, owner, owner.signIn("priya.raman@provider.example"))
	ok, hidden, denied := http.StatusOK, http.StatusNotFound, http.StatusForbidden
	paths := []string{"/cases/" + p.caseID, "/sessions/" + p.sessionID, "/tasks/" + p.taskID,
		"/requests/" + p.requestID, "/cases/" + p.caseID + "/requests/new"}
	tests := []struct {
		email string
		want  []int // in the order of paths
	}{
		{"priya.raman@provider.example", []int{ok, ok, ok, ok, ok}},
		{"tom.whitlock@provider.example", []int{hidden, hidden, hidden, hidden, hidden}},
		{"intake@provider.example", []int{ok, ok, ok, ok, ok}},
		{"clinical.lead@provider.example", []int{hidden, hidden, hidden, hidden, hidden}},
		{"reviewer@southbank.example", []int{hidden, hidden, hidden, hidden, hidden}},
		{"admin@provider.example", []int{ok, ok, ok, ok, denied}},
	}
	for _, tc := range tests {
		w := newWebClient(t, m.URL())
		w.signIn(tc.email)
		for i, path := range paths {
			expectStatus(t, tc.email+" GET "+path, w.page(path), tc.want[i])
			expectStatus(t, tc.email+" GET "+path+" as JSON", w.json(path), tc.want[i])
		}
	}

	// A hidden case reads exactly like one that does not exist.
	w := newWebClient(t, m.URL())
	w.signIn("tom.whitlock@provider.example")
	for _, object := range [][2]string{{"/cases/", p.caseID}, {"/sessions/", p.sessionID},
		{"/tasks/", p.taskID}, {"/requests/", p.requestID}} {
		hiddenBody := w.json(object[0] + object[1]).body
		missingBody := w.json(object[0] + "99999999").body
		if hiddenBody != missingBody {
			t.Errorf("%s: hidden gives %s, missing gives %s", object[0], hiddenBody, missingBody)
		}
	}
	cal := w.json("/calendar?consultant=" + mustFind(t, owner.json("/me").body, `"id": (\d+)`))
	expectStatus(t, "another consultant's calendar", cal, http.StatusNotFound)
}

// TestDemoDeterministic loads the demo data twice into fresh databases with the same
// clock and compares every Phoenix table.
func TestDemoDeterministic(t *testing.T) {
	first := demoDump(t, filepath.Join(t.TempDir(), "one"))
	second := demoDump(t, filepath.Join(t.TempDir(), "two"))
	if len(first) < 10 {
		t.Fatalf("dump holds %d tables, want every Phoenix table", len(first))
	}
	for _, table := range []string{"organisations", "contracts", "users", "clients", "cases",
		"grants", "appointments", "tasks", "requests", "request_events", "emails",
		"audit_events"} {
		if len(first[table]) == 0 {
			t.Errorf("demo table %s is empty", table)
		}
	}
	for table, rows := range first {
		other := second[table]
		if len(other) != len(rows) {
			t.Errorf("table %s: %d rows, then %d", table, len(rows), len(other))
			continue
		}
		for i := range rows {
			if rows[i] != other[i] {
				t.Errorf("table %s row %d differs:\n%s\n%s", table, i, rows[i], other[i])
				break
			}
		}
	}
}

// demoDump loads the demo data into a new database in dir, without serving, and
// returns each Phoenix table's rows as text in primary key order. Password hashes are
// left out: each is salted at random.
func demoDump(t *testing.T, dir string) map[string][]string {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = dir
	cfg.Demo = true
	cfg.Now = mainTestNow
	m := NewMain(cfg)
	m.LogOutput = io.Discard
	m.skipServe = true
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("loading the demo data: %v", err)
	}
	defer m.Close()

	db := m.DB.SQL()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'goose%' AND name NOT LIKE 'river%'
		ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()

	out := map[string][]string{}
	for _, table := range tables {
		out[table] = dumpTable(t, m, table)
	}
	return out
}

func dumpTable(t *testing.T, m *Main, table string) []string {
	t.Helper()
	rows, err := m.DB.SQL().Query(`SELECT * FROM ` + table + ` ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, c := range cols {
			if c == "password_hash" {
				continue
			}
			v := values[i]
			if raw, ok := v.([]byte); ok {
				v = string(raw)
			}
			fmt.Fprintf(&b, "%s=%v ", c, v)
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
