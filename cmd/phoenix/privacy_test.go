package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/demo"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// privacyNow is the demo clock of the privacy tests. It is 7 minutes 31 seconds past
// the hour, so no timeline step falls in the same minute as a session, and every
// session start the pages could show is a real finding.
const privacyNow = "2026-10-29T14:07:31+11:00"

// privacyBoot starts Phoenix with the demo data on a free port of 127.0.0.1, with a
// SQLite database in a temporary folder and the log in it.
func privacyBoot(t *testing.T) *Main {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.Demo = true
	cfg.Now = privacyNow
	cfg.DataDir = t.TempDir()
	cfg.Database = filepath.Join(cfg.DataDir, "phoenix.db")
	cfg.JobPoll = 50 * time.Millisecond
	cfg.LogLevel = "warn"
	m := NewMain(cfg)
	var log bytes.Buffer
	m.LogOutput = &log
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("stopping Phoenix: %v", err)
		}
		if t.Failed() {
			t.Logf("Phoenix log:\n%s", log.String())
		}
	})
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("starting Phoenix: %v", err)
	}
	return m
}

// privacySession is a user signed in over HTTP. It does not follow redirects, so a test
// gets each status as sent.
type privacySession struct {
	t      *testing.T
	base   string
	client *http.Client
	csrf   string
	user   phoenix.User
}

func privacySignIn(t *testing.T, m *Main, u phoenix.User) *privacySession {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &privacySession{t: t, base: m.URL(), user: u, client: &http.Client{Jar: jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
	status, body := s.send(http.MethodPost, "/signin", "application/json",
		map[string]string{"email": u.Email, "password": demo.Password})
	if status != http.StatusOK {
		t.Fatalf("signing in as %s = %d %s", u.Email, status, body)
	}
	var res struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil || res.CSRF == "" {
		t.Fatalf("signing in as %s: no CSRF token in %s", u.Email, body)
	}
	s.csrf = res.CSRF
	return s
}

// get fetches a page, as JSON when asJSON is set.
func (s *privacySession) get(path string, asJSON bool) (int, string) {
	accept := "text/html"
	if asJSON {
		accept = "application/json"
	}
	return s.send(http.MethodGet, path, accept, nil)
}

// send makes a request with a JSON body, a url.Values form, or none.
func (s *privacySession) send(method, path, accept string, body any) (int, string) {
	s.t.Helper()
	var r io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		b.Set("csrf_token", s.csrf)
		r, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		data, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		r, contentType = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequest(method, s.base+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return res.StatusCode, string(data)
}

// privacyIDs are every demo client's identifying details, in the forms the checks
// look for.
type privacyIDs struct {
	clients []phoenix.Client
	// words are matched as whole words, case and all: names and employee numbers.
	words []string
	// texts are matched anywhere, in any case: email addresses, dates of birth, case
	// numbers and session start times.
	texts []string
	// phones are the clients' numbers as digits only.
	phones []string
}

func privacyCollect(t *testing.T, m *Main) privacyIDs {
	t.Helper()
	ctx := context.Background()
	c := m.DB.Conn()
	var ids privacyIDs
	for page := 0; ; page++ {
		list, err := c.Clients(ctx, "", store.Page{Limit: 200, Offset: page * 200})
		if err != nil {
			t.Fatal(err)
		}
		ids.clients = append(ids.clients, list...)
		if len(list) < 200 {
			break
		}
	}
	if len(ids.clients) != demo.ClientCount {
		t.Fatalf("found %d demo clients, want %d", len(ids.clients), demo.ClientCount)
	}
	for _, k := range ids.clients {
		ids.addClient(t, m, k)
	}
	consultants, err := c.Users(ctx, phoenix.RoleConsultant, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range consultants {
		ids.words = append(ids.words, u.Name)
		ids.words = append(ids.words, strings.Fields(u.Name)...)
	}
	return ids
}

func (ids *privacyIDs) addClient(t *testing.T, m *Main, k phoenix.Client) {
	t.Helper()
	ctx := context.Background()
	for _, name := range []string{k.FirstName, k.LastName, k.PreferredName, k.Name(),
		k.LastName + ", " + k.FirstName, k.EmployeeNumber} {
		if name != "" {
			ids.words = append(ids.words, name)
		}
	}
	if k.PreferredName != "" {
		ids.words = append(ids.words, k.PreferredName+" "+k.LastName)
	}
	ids.texts = append(ids.texts, k.Email)
	ids.texts = append(ids.texts, privacyDateForms(k.DateOfBirth)...)
	ids.phones = append(ids.phones, privacyDigits(k.Phone))

	cases, err := m.DB.Conn().Cases(ctx, store.CaseFilter{ClientID: k.ID,
		Page: store.Page{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		ids.texts = append(ids.texts, c.Reference(), fmt.Sprintf("/cases/%d", c.ID))
	}
	sessions, err := m.DB.Conn().ClientSessions(ctx, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sessions {
		ids.texts = append(ids.texts, privacySessionForms(s.StartsAt)...)
	}
}

// privacyDateForms returns a date of birth in the formats people and programs write it.
func privacyDateForms(d phoenix.Date) []string {
	t := d.In(time.UTC)
	return []string{t.Format("2006-01-02"), t.Format("02/01/2006"), t.Format("2/1/2006"),
		t.Format("2 January 2006"), t.Format("2 Jan 2006"), t.Format("January 2, 2006"),
		t.Format("02-01-2006"), t.Format("02.01.2006"), t.Format("20060102")}
}

// privacySessionForms returns a session's start as the pages and the JSON could show
// it, in every demo time zone.
func privacySessionForms(at time.Time) []string {
	forms := []string{at.UTC().Format("2006-01-02T15:04")}
	for _, zone := range []string{"UTC", "Australia/Melbourne", "Australia/Sydney",
		"Australia/Brisbane", "Australia/Perth", "Australia/Adelaide", "Australia/Hobart"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			continue
		}
		local := at.In(loc)
		forms = append(forms, local.Format("Mon 2 Jan 2006, 3:04 pm"),
			local.Format("2006-01-02T15:04"))
	}
	return forms
}

func privacyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// find returns a description of each identifier found in text.
func (ids privacyIDs) find(text string) []string {
	var found []string
	for _, k := range ids.clients {
		if kinds := phoenix.FindIdentifiers(text, k.Identity()); len(kinds) > 0 {
			found = append(found, fmt.Sprintf("%v of client %d", kinds, k.ID))
		}
	}
	for _, w := range ids.words {
		if privacyHasWord(text, w) {
			found = append(found, fmt.Sprintf("%q", w))
		}
	}
	lower := strings.ToLower(text)
	for _, s := range ids.texts {
		if s != "" && strings.Contains(lower, strings.ToLower(s)) {
			found = append(found, fmt.Sprintf("%q", s))
		}
	}
	found = append(found, ids.findPhones(text)...)
	for _, marker := range []string{"ASST-", `"case_id"`, `"client_id"`, `"consultant_id"`,
		"date_of_birth", "employee_number"} {
		if strings.Contains(text, marker) {
			found = append(found, fmt.Sprintf("%q", marker))
		}
	}
	return found
}

// findPhones looks for each phone number in every run of digits joined by spaces,
// dashes, dots, brackets or plus signs, and in all the text's digits run together.
func (ids privacyIDs) findPhones(text string) []string {
	var runs []string
	var run strings.Builder
	for _, r := range text + "x" {
		switch {
		case r >= '0' && r <= '9':
			run.WriteRune(r)
		case strings.ContainsRune(" -.()+\u00a0", r):
		default:
			if run.Len() > 0 {
				runs = append(runs, run.String())
				run.Reset()
			}
		}
	}
	all := privacyDigits(text)
	var found []string
	for _, p := range ids.phones {
		if len(p) < 8 {
			continue
		}
		hit := strings.Contains(all, p)
		for _, r := range runs {
			hit = hit || strings.Contains(r, p) || strings.Contains(r, strings.TrimPrefix(p, "0"))
		}
		if hit {
			found = append(found, "phone "+p)
		}
	}
	return found
}

// privacyHasWord reports whether w appears in text with no letter or digit either side.
func privacyHasWord(text, w string) bool {
	for from := 0; ; {
		i := strings.Index(text[from:], w)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(w)
		before, after := ' ', ' '
		if start > 0 {
			before = rune(text[start-1])
		}
		if end < len(text) {
			after = rune(text[end])
		}
		if !privacyWordRune(before) && !privacyWordRune(after) {
			return true
		}
		from = start + 1
	}
}

func privacyWordRune(r rune) bool {
	return r >= 0x80 || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// privacyReadable returns what a person or a program reads in a response: HTML with its
// character references decoded, or every key and value of a JSON document.
func privacyReadable(body string) string {
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		return html.UnescapeString(body)
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, item := range x {
				fmt.Fprintf(&b, "%q\n", k)
				walk(item)
			}
		case []any:
			for _, item := range x {
				walk(item)
			}
		default:
			fmt.Fprintf(&b, "%v\n", x)
		}
	}
	walk(v)
	return b.String()
}

// privacyScanner checks responses and emails for identifiers and counts what it checked.
type privacyScanner struct {
	t       *testing.T
	ids     privacyIDs
	checked int
}

func (sc *privacyScanner) check(where, body string) {
	sc.t.Helper()
	sc.checked++
	if found := sc.ids.find(privacyReadable(body)); len(found) > 0 {
		sc.t.Errorf("%s shows %s", where, strings.Join(found, ", "))
	}
}

// TestPrivacyDemo signs in as each demo organisation reviewer and checks every page
// and JSON response they can reach, for every request of their organisation, and
// every email to an organisation or a client, for the identifiers of every demo
// client.
func TestPrivacyDemo(t *testing.T) {
	m := privacyBoot(t)
	ctx := context.Background()
	sc := &privacyScanner{t: t, ids: privacyCollect(t, m)}
	reviewers, err := m.DB.Conn().Users(ctx, phoenix.RoleReviewer, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(reviewers) < 2 {
		t.Fatalf("the demo has %d reviewers, want one per organisation", len(reviewers))
	}
	byOrg := map[int64][]phoenix.Request{}
	for _, u := range reviewers {
		byOrg[u.OrganisationID] = privacyOrgRequests(t, m, u.OrganisationID)
	}

	decided := 0
	for i, u := range reviewers {
		s := privacySignIn(t, m, u)
		privacyScanPages(sc, s, byOrg[u.OrganisationID])
		if privacyDecide(t, s, byOrg[u.OrganisationID], i%2 == 0) {
			decided++
		}
		for orgID, list := range byOrg {
			if orgID != u.OrganisationID {
				privacyOtherOrg(sc, s, list)
			}
		}
	}
	if decided == 0 {
		t.Fatal("no demo request awaited an organisation, so no outcome email was checked")
	}

	// The decisions queued outcome emails: scan the pages again, then every email to
	// an organisation or a client once the queue has handled them.
	for _, u := range reviewers {
		s := privacySignIn(t, m, u)
		privacyScanPages(sc, s, privacyOrgRequests(t, m, u.OrganisationID))
	}
	privacyScanEmails(sc, m)
	t.Logf("checked %d responses and emails for the identifiers of %d clients",
		sc.checked, len(sc.ids.clients))
}

// privacyOrgRequests returns every request of an organisation, from the database.
func privacyOrgRequests(t *testing.T, m *Main, orgID int64) []phoenix.Request {
	t.Helper()
	var out []phoenix.Request
	for page := 0; ; page++ {
		list, err := m.DB.Conn().Requests(context.Background(), store.RequestFilter{
			OrganisationID: orgID, Page: store.Page{Limit: 200, Offset: page * 200}})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, list...)
		if len(list) < 200 {
			return out
		}
	}
}

// privacyScanPages scans a reviewer's lists, their account page and the page of each
// of their organisation's requests, in HTML and JSON. A request that has not reached
// the organisation must be "not found".
func privacyScanPages(sc *privacyScanner, s *privacySession, requests []phoenix.Request) {
	t := sc.t
	t.Helper()
	who := s.user.Email
	for _, path := range []string{"/review", "/review/decided"} {
		for page := 1; ; page++ {
			p := fmt.Sprintf("%s?page=%d", path, page)
			status, body := s.get(p, false)
			if status != http.StatusOK {
				t.Fatalf("GET %s as %s = %d", p, who, status)
			}
			sc.check(who+" "+p, body)
			status, body = s.get(p, true)
			if status != http.StatusOK {
				t.Fatalf("GET %s JSON as %s = %d", p, who, status)
			}
			sc.check(who+" "+p+" JSON", body)
			var list struct {
				Requests []json.RawMessage `json:"requests"`
			}
			if err := json.Unmarshal([]byte(body), &list); err != nil {
				t.Fatalf("GET %s JSON as %s: %v", p, who, err)
			}
			if len(list.Requests) < 50 {
				break
			}
		}
	}
	_, me := s.get("/me", false)
	sc.check(who+" /me", strings.ReplaceAll(me, s.user.Email, ""))

	reached := 0
	for _, r := range requests {
		path := fmt.Sprintf("/review/requests/%d", r.ID)
		want := http.StatusNotFound
		if r.ReceivedAt != nil {
			want = http.StatusOK
			reached++
		}
		for _, asJSON := range []bool{false, true} {
			status, body := s.get(path, asJSON)
			if status != want {
				t.Errorf("GET %s (JSON %t) as %s = %d, want %d", path, asJSON, who, status, want)
			}
			sc.check(fmt.Sprintf("%s %s (JSON %t)", who, path, asJSON), body)
		}
		// The provider's pages of the request and its case are closed to reviewers.
		for _, p := range []string{fmt.Sprintf("/requests/%d", r.ID),
			fmt.Sprintf("/cases/%d", r.CaseID)} {
			status, body := s.get(p, false)
			if status != http.StatusNotFound && status != http.StatusForbidden {
				t.Errorf("GET %s as %s = %d, want 403 or 404", p, who, status)
			}
			sc.check(who+" "+p, body)
		}
	}
	if reached == 0 {
		t.Errorf("no request of %s's organisation reached it, so no request page was checked",
			who)
	}
}

// privacyDecide approves two sessions of, or declines, the reviewer's first
// request awaiting the organisation, through the HTML form or the JSON API, and
// reports whether there was one.
func privacyDecide(t *testing.T, s *privacySession, requests []phoenix.Request, approve bool) bool {
	t.Helper()
	for _, r := range requests {
		if r.State != phoenix.StateAwaitingOrganisation {
			continue
		}
		path := fmt.Sprintf("/review/requests/%d/decision", r.ID)
		if approve {
			status, body := s.send(http.MethodPost, path, "text/html", url.Values{
				"decision": {"approve"}, "sessions": {"2"}, "reason": {""}})
			if status != http.StatusSeeOther {
				t.Fatalf("POST %s approve as %s = %d %s", path, s.user.Email, status, body)
			}
			return true
		}
		status, body := s.send(http.MethodPost, path, "application/json", map[string]string{
			"decision": "decline", "reason": "The organisation's EAP budget is committed."})
		if status != http.StatusOK {
			t.Fatalf("POST %s decline as %s = %d %s", path, s.user.Email, status, body)
		}
		return true
	}
	return false
}

// privacyOtherOrg checks that a reviewer gets "not found" for every request of
// another organisation, and cannot decide one.
func privacyOtherOrg(sc *privacyScanner, s *privacySession, requests []phoenix.Request) {
	t := sc.t
	t.Helper()
	for _, r := range requests {
		path := fmt.Sprintf("/review/requests/%d", r.ID)
		for _, asJSON := range []bool{false, true} {
			status, body := s.get(path, asJSON)
			if status != http.StatusNotFound {
				t.Errorf("GET %s (another organisation's) as %s = %d, want 404", path,
					s.user.Email, status)
			}
			sc.check(s.user.Email+" "+path+" of another organisation", body)
		}
		if r.State != phoenix.StateAwaitingOrganisation {
			continue
		}
		status, _ := s.send(http.MethodPost, path+"/decision", "application/json",
			map[string]string{"decision": "approve", "sessions": "1"})
		if status != http.StatusNotFound {
			t.Errorf("POST %s/decision (another organisation's) as %s = %d, want 404", path,
				s.user.Email, status)
		}
	}
}

// privacyScanEmails waits for the queue to handle every email, then scans each one to an
// organisation or a client. A client's email must also carry no clinical detail: no
// goals, referral pathway or reason.
func privacyScanEmails(sc *privacyScanner, m *Main) {
	t := sc.t
	t.Helper()
	ctx := context.Background()
	c := m.DB.Conn()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := c.CountEmails(ctx, store.EmailQueued)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d emails still queued after 30 seconds", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	emails, err := c.Emails(ctx, store.EmailFilter{Page: store.Page{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	clientEmails := 0
	for _, e := range emails {
		where := fmt.Sprintf("email %d to the %s (%q)", e.ID, e.Audience, e.Subject)
		switch e.Audience {
		case service.AudienceOrganisation:
			sc.check(where, e.Subject+"\n"+e.Body)
		case service.AudienceClient:
			clientEmails++
			sc.check(where, e.Subject+"\n"+e.Body)
			privacyNoClinicalDetail(t, m, where, e)
		}
	}
	if clientEmails == 0 {
		t.Error("no email to a client was found to check")
	}
}

func privacyNoClinicalDetail(t *testing.T, m *Main, where string, e store.Email) {
	t.Helper()
	r, err := m.DB.Conn().Request(context.Background(), e.RequestID)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	for _, detail := range []string{r.Goals, r.Reason, r.Pathway.Label(), r.PathwayOther} {
		if detail != "" && strings.Contains(e.Body, detail) {
			t.Errorf("%s carries clinical detail %q", where, detail)
		}
	}
}
