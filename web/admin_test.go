package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
	"github.com/phoenix-eap/phoenix/web"
)

// adminWorld is a running web server on a back end with the fixture.
type adminWorld struct {
	env *testenv.Env
	f   testenv.Fixture
	url string
}

func newAdminWorld(t *testing.T, dsn string) adminWorld {
	t.Helper()
	env := testenv.New(t, dsn, testenv.Options{})
	f := env.Seed(t)
	srv, err := web.New(web.Config{Service: env.Svc, Logger: env.Logger})
	testenv.Must(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return adminWorld{env: env, f: f, url: ts.URL}
}

// session is a signed-in browser or API client with the session's CSRF token.
type session struct {
	t      *testing.T
	client *http.Client
	base   string
	csrf   string
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (w adminWorld) signIn(t *testing.T, u phoenix.User) session {
	t.Helper()
	s := session{t: t, client: signedInClient(t, w.url, u.Email), base: w.url}
	resp, err := s.client.Get(w.url + "/me")
	testenv.Must(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfInput.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on /me for %s (status %d)", u.Email, resp.StatusCode)
	}
	s.csrf = string(m[1])
	s.client.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	return s
}

// do sends a request with the CSRF token, asking for JSON when accept is set, and
// returns the status and body.
func (s session) do(method, path, contentType string, body io.Reader, accept bool) (int, []byte, http.Header) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, body)
	testenv.Must(s.t, err)
	req.Header.Set("X-CSRF-Token", s.csrf)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := s.client.Do(req)
	testenv.Must(s.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	testenv.Must(s.t, err)
	return resp.StatusCode, b, resp.Header
}

func (s session) getJSON(path string, v any) int {
	s.t.Helper()
	code, body, _ := s.do(http.MethodGet, path, "", nil, true)
	if v != nil && code == http.StatusOK {
		testenv.Must(s.t, json.Unmarshal(body, v))
	}
	return code
}

func (s session) postJSON(path string, in any) (int, []byte) {
	s.t.Helper()
	b, err := json.Marshal(in)
	testenv.Must(s.t, err)
	code, body, _ := s.do(http.MethodPost, path, "application/json", bytes.NewReader(b), true)
	return code, body
}

// TestAuditRoutesReadOnly checks that no method on the audit log's paths changes it.
func TestAuditRoutesReadOnly(t *testing.T) {
	w := newAdminWorld(t, testenv.SQLite(t))
	ctx := context.Background()
	_, err := w.env.Svc.Case(ctx, testenv.Actor(w.f.Intake), w.f.Case.ID)
	testenv.Must(t, err)
	admin := w.signIn(t, w.f.Admin)
	before, err := w.env.Conn().Audit(ctx, store.AuditFilter{Page: store.Page{Limit: 200}})
	testenv.Must(t, err)

	paths := []string{"/admin/audit", "/admin/audit/export", "/admin/audit/1",
		fmt.Sprintf("/admin/audit/%d", before[0].ID), "/admin/audit/events/1"}
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete} {
		for _, path := range paths {
			code, _, _ := admin.do(method, path, "application/json",
				strings.NewReader(`{"detail":"changed"}`), true)
			if code != http.StatusMethodNotAllowed && code != http.StatusNotFound {
				t.Errorf("%s %s = %d, want 405 or 404", method, path, code)
			}
		}
	}
	after, err := w.env.Conn().Audit(ctx, store.AuditFilter{Page: store.Page{Limit: 200}})
	testenv.Must(t, err)
	if diff := cmp.Diff(before, after[len(after)-len(before):]); diff != "" {
		t.Errorf("audit events changed (-before +after):\n%s", diff)
	}
}

// TestAdminPagesRoles checks each page of organisations, clients, imports and the
// audit log for every role: it renders for the roles it belongs to and is refused for
// the rest.
func TestAdminPagesRoles(t *testing.T) {
	w := newAdminWorld(t, testenv.SQLite(t))
	f := w.f
	imp, err := w.env.Svc.StartImport(context.Background(), testenv.Actor(f.Intake),
		service.ImportUpload{FileName: "a.csv",
			Content: []byte("first_name,last_name,dob\nA,B,1990-01-01\n")})
	testenv.Must(t, err)

	pages := []struct {
		path string
		// codes for consultant, intake, clinical leader, reviewer, admin
		codes [5]int
	}{
		{"/admin/organisations", [5]int{403, 200, 403, 403, 200}},
		{"/admin/organisations/new", [5]int{403, 403, 403, 403, 200}},
		{fmt.Sprintf("/admin/organisations/%d", f.Org.ID), [5]int{403, 403, 403, 403, 200}},
		{"/clients", [5]int{403, 200, 403, 403, 200}},
		{"/clients?q=quill", [5]int{403, 200, 403, 403, 200}},
		{"/clients/new", [5]int{403, 200, 403, 403, 200}},
		{fmt.Sprintf("/clients/%d", f.Client.ID), [5]int{403, 200, 403, 403, 200}},
		{fmt.Sprintf("/clients/%d/edit", f.Client.ID), [5]int{403, 200, 403, 403, 200}},
		{"/imports", [5]int{403, 200, 403, 403, 200}},
		{fmt.Sprintf("/imports/%d", imp), [5]int{403, 200, 403, 403, 200}},
		{"/admin/audit", [5]int{403, 403, 403, 403, 200}},
		{"/admin/audit?person=intake@provider.test&from=2026-10-01", [5]int{403, 403, 403, 403, 200}},
		{"/admin/audit/export", [5]int{403, 403, 403, 403, 200}},
	}
	users := []phoenix.User{f.Consultant, f.Intake, f.Leader, f.Reviewer, f.Admin}
	for i, u := range users {
		s := w.signIn(t, u)
		for _, p := range pages {
			code, body, _ := s.do(http.MethodGet, p.path, "", nil, false)
			if code != p.codes[i] {
				t.Errorf("GET %s as %s = %d, want %d: %.300s", p.path, u.Role, code, p.codes[i], body)
			}
		}
	}
}

// multipartFile returns a multipart body with a CSV file and the upload's other
// fields, and its content type.
func multipartFile(t *testing.T, name, content string, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		testenv.Must(t, mw.WriteField(k, v))
	}
	fw, err := mw.CreateFormFile("file", name)
	testenv.Must(t, err)
	_, err = io.WriteString(fw, content)
	testenv.Must(t, err)
	testenv.Must(t, mw.Close())
	return &buf, mw.FormDataContentType()
}

type importReply struct {
	ID           int64  `json:"id"`
	Status       string `json:"status"`
	Finished     bool   `json:"finished"`
	URL          string `json:"url"`
	TotalRows    int    `json:"total_rows"`
	ImportedRows int    `json:"imported_rows"`
	Problems     []struct {
		Line  int    `json:"line"`
		Field string `json:"field"`
	} `json:"problems"`
}

// waitImport polls an import's JSON until it finishes, as the progress page does.
func (s session) waitImport(url string) importReply {
	s.t.Helper()
	var got importReply
	testenv.WaitFor(s.t, 60*time.Second, "the import to finish", func() bool {
		if code := s.getJSON(url, &got); code != http.StatusOK {
			s.t.Fatalf("GET %s = %d", url, code)
		}
		return got.Finished
	})
	return got
}

func TestImportUpload(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newAdminWorld(t, dsn)
		intake := w.signIn(t, w.f.Intake)
		file := "Given name,Surname,DOB,Mobile,Employee ID\r\n" +
			"Ruth,Kaye,03/04/1970,0400 000 001,K-1\r\n" +
			"Sam,Kaye,04/05/1972,0400 000 002,K-2\r\n"
		body, ctype := multipartFile(t, "kaye.csv", file,
			map[string]string{"organisation_id": fmt.Sprint(w.f.Org.ID)})

		code, reply, _ := intake.do(http.MethodPost, "/imports", ctype, body, true)
		if code != http.StatusAccepted {
			t.Fatalf("POST /imports = %d, want 202: %s", code, reply)
		}
		var started importReply
		testenv.Must(t, json.Unmarshal(reply, &started))
		done := intake.waitImport(started.URL)
		if done.Status != "done" || done.ImportedRows != 2 {
			t.Errorf("import = %+v, want done with 2 clients", done)
		}
		code, page, _ := intake.do(http.MethodGet, started.URL, "", nil, false)
		if code != http.StatusOK || !strings.Contains(string(page), "2 clients imported") {
			t.Errorf("GET %s = %d, want the outcome: %.500s", started.URL, code, page)
		}

		// An API client may send the file as a text/csv body. Its rows are now duplicates.
		code, reply, _ = intake.do(http.MethodPost, fmt.Sprintf(
			"/imports?organisation_id=%d&file_name=again.csv", w.f.Org.ID), "text/csv",
			strings.NewReader(file), true)
		if code != http.StatusAccepted {
			t.Fatalf("POST text/csv = %d, want 202: %s", code, reply)
		}
		testenv.Must(t, json.Unmarshal(reply, &started))
		again := intake.waitImport(started.URL)
		if again.Status != "rejected" || len(again.Problems) != 2 || again.Problems[0].Line != 2 {
			t.Errorf("second import = %+v, want both lines rejected as existing clients", again)
		}

		// A browser without JavaScript posts the form and is sent to the progress page.
		body, ctype = multipartFile(t, "one.csv", "first,last,dob,employee number\nUna,Moss,1990-01-01,M-1\n",
			map[string]string{"organisation_id": fmt.Sprint(w.f.Org.ID), "csrf_token": intake.csrf})
		code, _, header := intake.do(http.MethodPost, "/imports", ctype, body, false)
		if code != http.StatusSeeOther || !strings.HasPrefix(header.Get("Location"), "/imports/") {
			t.Errorf("form post = %d to %q, want 303 to the import's page", code, header.Get("Location"))
		}

		// A file without a file part, or over the size limit, is rejected at once.
		body, ctype = multipartFile(t, "", "", map[string]string{})
		code, reply, _ = intake.do(http.MethodPost, "/imports", ctype, body, true)
		if code != http.StatusUnprocessableEntity || !strings.Contains(string(reply), `"file"`) {
			t.Errorf("empty upload = %d %s, want 422 with a file message", code, reply)
		}
		big := strings.Repeat("x", service.MaxImportBytes+100<<10)
		code, _, _ = intake.do(http.MethodPost, "/imports", "text/csv",
			strings.NewReader(big), true)
		if code != http.StatusRequestEntityTooLarge {
			t.Errorf("upload over the limit = %d, want 413", code)
		}
	})
}

func TestAuditExportDownload(t *testing.T) {
	w := newAdminWorld(t, testenv.SQLite(t))
	admin := w.signIn(t, w.f.Admin)
	code, _, _ := admin.do(http.MethodGet, fmt.Sprintf("/clients/%d", w.f.Client.ID), "", nil, false)
	if code != http.StatusOK {
		t.Fatalf("GET client page = %d", code)
	}
	code, body, header := admin.do(http.MethodGet,
		fmt.Sprintf("/admin/audit/export?client=%d", w.f.Client.ID), "", nil, false)
	if code != http.StatusOK || header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(header.Get("Content-Disposition"), "attachment; filename=") {
		t.Fatalf("export = %d, headers %v", code, header)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	testenv.Must(t, err)
	if len(rows) != 2 || rows[1][5] != "view" || rows[1][3] != w.f.Admin.Name || rows[1][11] != "127.0.0.1" {
		t.Errorf("export rows = %q, want the administrator's view from 127.0.0.1", rows)
	}
	code, body, _ = admin.do(http.MethodGet, "/admin/audit/export?from=yesterday", "", nil, true)
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"from"`) {
		t.Errorf("export with a bad date = %d %s, want 422 on from", code, body)
	}
}

func TestOrganisationAPI(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newAdminWorld(t, dsn)
		admin, intake := w.signIn(t, w.f.Admin), w.signIn(t, w.f.Intake)
		in := map[string]any{"name": "Harbour Pilots", "region": "NSW", "sessions_per_period": 4,
			"max_extra_per_request": 2, "clinical_threshold": 10, "goal_days": 5, "deadline_days": 6}

		if code, body := intake.postJSON("/admin/organisations", in); code != http.StatusForbidden {
			t.Errorf("create as intake = %d %s, want 403", code, body)
		}
		code, body := admin.postJSON("/admin/organisations", in)
		if code != http.StatusCreated {
			t.Fatalf("create = %d %s, want 201", code, body)
		}
		var org struct {
			ID        int64  `json:"id"`
			TimeZone  string `json:"time_zone"`
			Contracts []struct {
				ID                int64 `json:"id"`
				SessionsPerPeriod int   `json:"sessions_per_period"`
				InForce           bool  `json:"in_force"`
			} `json:"contracts"`
		}
		testenv.Must(t, json.Unmarshal(body, &org))
		if org.TimeZone != "Australia/Sydney" || len(org.Contracts) != 1 ||
			org.Contracts[0].SessionsPerPeriod != 4 || !org.Contracts[0].InForce {
			t.Errorf("created organisation = %+v", org)
		}

		path := fmt.Sprintf("/admin/organisations/%d/contracts", org.ID)
		code, body = admin.postJSON(path, map[string]any{"effective_from": "2026-10-01",
			"sessions_per_period": 4, "max_extra_per_request": 2, "clinical_threshold": 10,
			"goal_days": 5, "deadline_days": 6})
		if code != http.StatusUnprocessableEntity || !strings.Contains(string(body), "effective_from") {
			t.Errorf("backdated terms = %d %s, want 422 on effective_from", code, body)
		}
		code, body = admin.postJSON(path, map[string]any{"effective_from": "2027-01-01",
			"sessions_per_period": 6, "max_extra_per_request": 4, "clinical_threshold": 12,
			"goal_days": 7, "deadline_days": 8})
		if code != http.StatusCreated {
			t.Errorf("new terms = %d %s, want 201", code, body)
		}
		code, body = admin.postJSON(fmt.Sprintf("/admin/organisations/%d/active", org.ID),
			map[string]any{"active": false})
		if code != http.StatusOK || !strings.Contains(string(body), `"active": false`) {
			t.Errorf("deactivate = %d %s", code, body)
		}

		var list struct {
			Organisations []struct {
				Name string `json:"name"`
			} `json:"organisations"`
		}
		if code := intake.getJSON("/admin/organisations", &list); code != http.StatusOK ||
			len(list.Organisations) != 1 || list.Organisations[0].Name != "Acme Freight" {
			t.Errorf("intake's organisations = %d %+v, want only the active Acme Freight", code, list)
		}
	})
}

func TestClientAPI(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newAdminWorld(t, dsn)
		intake := w.signIn(t, w.f.Intake)
		in := map[string]any{"organisation_id": w.f.Org.ID, "first_name": "Tui",
			"last_name": "Marsh", "date_of_birth": "1988-08-08", "email": "tui@mail.test",
			"phone": "+61 2 9000 0000", "relation": "dependant"}
		code, body := intake.postJSON("/clients", in)
		if code != http.StatusCreated {
			t.Fatalf("create client = %d %s, want 201", code, body)
		}
		var k struct {
			ID    int64  `json:"id"`
			Phone string `json:"phone"`
		}
		testenv.Must(t, json.Unmarshal(body, &k))
		if k.Phone != "(02) 9000 0000" {
			t.Errorf("phone = %q, want (02) 9000 0000", k.Phone)
		}

		in["email"], in["phone"] = "tui@", "12"
		code, body = intake.postJSON(fmt.Sprintf("/clients/%d", k.ID), in)
		var e struct {
			Error struct {
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		testenv.Must(t, json.Unmarshal(body, &e))
		if code != http.StatusUnprocessableEntity || e.Error.Fields["email"] == "" ||
			e.Error.Fields["phone"] == "" {
			t.Errorf("bad update = %d %s, want 422 on email and phone", code, body)
		}

		for _, u := range []phoenix.User{w.f.Consultant, w.f.Leader, w.f.Reviewer} {
			s := w.signIn(t, u)
			if code := s.getJSON(fmt.Sprintf("/clients/%d", k.ID), nil); code != http.StatusForbidden {
				t.Errorf("GET client as %s = %d, want 403", u.Role, code)
			}
			if code, _ := s.postJSON("/clients", in); code != http.StatusForbidden {
				t.Errorf("create client as %s = %d, want 403", u.Role, code)
			}
		}

		// Intake opens an Assist case from the client's page.
		code, _, header := intake.do(http.MethodPost, "/cases", "application/x-www-form-urlencoded",
			strings.NewReader(fmt.Sprintf("client_id=%d&csrf_token=%s", k.ID, intake.csrf)), false)
		if code != http.StatusSeeOther || !strings.HasPrefix(header.Get("Location"), "/cases/") {
			t.Errorf("open case = %d to %q, want 303 to the case", code, header.Get("Location"))
		}
	})
}
