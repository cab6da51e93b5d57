package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
)

// deadlineWorld is a back end with the fixture, a Perth organisation with a case of
// the fixture's consultant, and a web server on it. Handlers are called directly with
// the actor, as the sign-in middleware would.
type deadlineWorld struct {
	env       *testenv.Env
	f         testenv.Fixture
	srv       *Server
	perth     phoenix.Organisation
	perthCase phoenix.Case
}

func newDeadlineWorld(t *testing.T) deadlineWorld {
	t.Helper()
	env := testenv.New(t, testenv.SQLite(t), testenv.Options{NoQueue: true})
	w := deadlineWorld{env: env, f: env.Seed(t)}
	ctx := context.Background()
	testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
		var err error
		w.perth, _, err = env.AddOrganisation(ctx, c, "Swan Ports", "WA", "Australia/Perth", 6)
		if err != nil {
			return err
		}
		client, err := env.AddClient(ctx, c, w.perth.ID, "Perth", "Client")
		if err != nil {
			return err
		}
		w.perthCase, err = env.AddCase(ctx, c, client, w.f.Consultant.ID, 6,
			phoenix.MustParseDate("2026-01-05"))
		return err
	}))
	srv, err := New(Config{Service: env.Svc, Logger: env.Logger})
	testenv.Must(t, err)
	w.srv = srv
	return w
}

// submit submits a request of two sessions on k as intake, dated today in loc.
func (w deadlineWorld) submit(t *testing.T, k phoenix.Case, loc *time.Location) phoenix.Request {
	t.Helper()
	in := w.env.RequestInput(2, fmt.Sprint("web-", k.ID))
	in.RequestDate = phoenix.DateIn(w.env.Clock.Now(), loc).String()
	r, err := w.env.Svc.SubmitRequest(context.Background(), testenv.Actor(w.f.Intake), k.ID, in)
	testenv.Must(t, err)
	return r
}

// call runs a handler for the actor u, with the actor in the request's context as the
// sign-in middleware puts it, and returns the response.
func (w deadlineWorld) call(t *testing.T, h handlerFunc, u phoenix.User,
	r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	a := testenv.Actor(u)
	ctx := context.WithValue(r.Context(), actorKey, a)
	r = r.WithContext(context.WithValue(ctx, csrfKey, "test-csrf-token"))
	rec := httptest.NewRecorder()
	if err := h(rec, r, a); err != nil {
		w.srv.renderError(rec, r, err)
	}
	return rec
}

func form(target string, values url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(values.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func asJSON(r *http.Request) *http.Request {
	r.Header.Set("Accept", "application/json")
	return r
}

func TestDashboardPage(t *testing.T) {
	w := newDeadlineWorld(t)
	late := w.submit(t, w.f.Case, testenv.Melbourne)
	w.env.Clock.Set(time.Date(2026, 11, 12, 10, 0, 0, 0, testenv.Melbourne))

	get := httptest.NewRequest(http.MethodGet, "/admin/dashboard", nil)
	rec := w.call(t, w.srv.dashboard, w.f.Admin, get)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /admin/dashboard = %d, want 200: %s", rec.Code, body)
	}
	for _, want := range []string{late.Reference(), "Overdue", "Tue 10 Nov 2026",
		"Wed 11 Nov 2026", "2 past the goal"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard page lacks %q", want)
		}
	}

	rec = w.call(t, w.srv.dashboard, w.f.Admin, asJSON(httptest.NewRequest(http.MethodGet,
		"/admin/dashboard", nil)))
	var got struct {
		Overdue       int `json:"overdue"`
		Organisations []struct {
			Name     string `json:"name"`
			Requests []struct {
				ID       int64  `json:"id"`
				GoalDate string `json:"goal_date"`
				DaysLeft int    `json:"business_days_left"`
				Overdue  bool   `json:"overdue"`
			} `json:"requests"`
		} `json:"organisations"`
	}
	testenv.Must(t, json.Unmarshal(rec.Body.Bytes(), &got))
	if got.Overdue != 1 || len(got.Organisations) != 1 || len(got.Organisations[0].Requests) != 1 {
		t.Fatalf("dashboard JSON = %+v, want one overdue request", got)
	}
	row := got.Organisations[0].Requests[0]
	if row.ID != late.ID || row.GoalDate != "2026-11-10" || row.DaysLeft != -2 || !row.Overdue {
		t.Errorf("dashboard JSON row = %+v, want request %d due 2026-11-10, -2 days, overdue",
			row, late.ID)
	}

	rec = w.call(t, w.srv.dashboard, w.f.Intake, get)
	if rec.Code != http.StatusForbidden {
		t.Errorf("GET /admin/dashboard as intake = %d, want 403", rec.Code)
	}
}

func TestClosuresPage(t *testing.T) {
	w := newDeadlineWorld(t)
	rec := w.call(t, w.srv.addClosure, w.f.Admin, form("/admin/closures",
		url.Values{"date": {"2026-10-31"}, "name": {""}}))
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("POST /admin/closures with errors = %d, want 422", rec.Code)
	}
	for _, want := range []string{"is a Saturday", "Name is required", `value="2026-10-31"`} {
		if !strings.Contains(body, want) {
			t.Errorf("closures page after errors lacks %q", want)
		}
	}

	rec = w.call(t, w.srv.addClosure, w.f.Admin, form("/admin/closures",
		url.Values{"organisation_id": {fmt.Sprint(w.perth.ID)}, "date": {"2026-11-02"},
			"name": {"Site shutdown"}}))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /admin/closures = %d, want 303: %s", rec.Code, rec.Body)
	}
	r := httptest.NewRequest(http.MethodPost, "/admin/closures",
		strings.NewReader(`{"date": "2026-11-04", "name": "Planning day"}`))
	r.Header.Set("Content-Type", "application/json")
	rec = w.call(t, w.srv.addClosure, w.f.Admin, r)
	var added closureJSON
	testenv.Must(t, json.Unmarshal(rec.Body.Bytes(), &added))
	if rec.Code != http.StatusCreated || added.Date != "2026-11-04" || added.OrganisationID != 0 {
		t.Fatalf("POST /admin/closures JSON = %d %+v, want 201 for the whole provider", rec.Code,
			added)
	}

	rec = w.call(t, w.srv.closures, w.f.Admin, httptest.NewRequest(http.MethodGet,
		"/admin/closures", nil))
	body = rec.Body.String()
	for _, want := range []string{"Site shutdown", "Swan Ports", "Planning day",
		"The whole provider", "Mon 2 Nov 2026"} {
		if !strings.Contains(body, want) {
			t.Errorf("closures page lacks %q", want)
		}
	}

	del := form(fmt.Sprintf("/admin/closures/%d/delete", added.ID), url.Values{})
	del.SetPathValue("id", fmt.Sprint(added.ID))
	rec = w.call(t, w.srv.deleteClosure, w.f.Admin, del)
	if rec.Code != http.StatusSeeOther {
		t.Errorf("POST /admin/closures/%d/delete = %d, want 303", added.ID, rec.Code)
	}
	rec = w.call(t, w.srv.closures, w.f.Consultant, httptest.NewRequest(http.MethodGet,
		"/admin/closures", nil))
	if rec.Code != http.StatusForbidden {
		t.Errorf("GET /admin/closures as a consultant = %d, want 403", rec.Code)
	}
}

// TestRequestsListOrgZone checks that the list shows a Perth request's due date as
// Perth's date to a viewer in Melbourne. Its goal ends at midnight in Perth, which is
// 3 am the next day in Melbourne.
func TestRequestsListOrgZone(t *testing.T) {
	w := newDeadlineWorld(t)
	w.submit(t, w.perthCase, w.perth.Location())
	rec := w.call(t, w.srv.myRequests, w.f.Consultant, httptest.NewRequest(http.MethodGet,
		"/requests", nil))
	body := rec.Body.String()
	if !strings.Contains(body, "Monday 9 November 2026") {
		t.Errorf("requests list lacks the Perth due date Monday 9 November 2026")
	}
	if strings.Contains(body, "Tuesday 10 November 2026") {
		t.Errorf("requests list shows Tuesday 10 November 2026, the due date in Melbourne's zone")
	}
}
