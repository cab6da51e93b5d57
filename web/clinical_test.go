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

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// clinicalPages is a back end whose fixture client has a request in clinical review,
// and a web server on it. Handlers are called directly with the actor, as the sign-in
// middleware would.
type clinicalPages struct {
	env    *testenv.Env
	f      testenv.Fixture
	srv    *Server
	r      phoenix.Request
	taskID int64
}

// clinicalSecrets are answers that must reach only the consultant and the leaders.
var clinicalSecrets = url.Values{
	"risk":              {"high"},
	"risk_actions":      {"Crisis line numbers given and safety plan signed."},
	"presenting_issues": {"Intrusive memories of the warehouse accident."},
	"progress":          {"PCL-5 down from 52 to 38."},
	"why_eap":           {"Trauma-focused work is half done with this consultant."},
	"referral_plan":     {"Psychologist under a GP mental health care plan."},
}

func newClinicalPages(t *testing.T) clinicalPages {
	t.Helper()
	env := testenv.New(t, testenv.SQLite(t), testenv.Options{NoQueue: true})
	p := clinicalPages{env: env, f: env.Seed(t)}
	ctx := context.Background()
	var k phoenix.Case
	testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
		client, err := env.AddClient(ctx, c, p.f.Org.ID, "Dana", "Web")
		if err != nil {
			return err
		}
		k, err = env.AddCase(ctx, c, client, p.f.Consultant.ID, 10, phoenix.MustParseDate("2026-06-01"))
		return err
	}))
	var err error
	p.r, err = env.Svc.SubmitRequest(ctx, testenv.Actor(p.f.Consultant), k.ID,
		env.RequestInput(2, "clinical-pages"))
	testenv.Must(t, err)
	task, err := env.Conn().RequestTask(ctx, p.r.ID)
	testenv.Must(t, err)
	p.taskID = task.ID
	p.srv, err = New(Config{Service: env.Svc, Logger: env.Logger})
	testenv.Must(t, err)
	return p
}

// call runs a handler for the actor u with the path value id and returns the response.
func (p clinicalPages) call(t *testing.T, h handlerFunc, u phoenix.User, r *http.Request,
	id int64) *httptest.ResponseRecorder {
	t.Helper()
	a := testenv.Actor(u)
	ctx := context.WithValue(r.Context(), actorKey, a)
	r = r.WithContext(context.WithValue(ctx, csrfKey, "test-csrf-token"))
	r.SetPathValue("id", fmt.Sprint(id))
	rec := httptest.NewRecorder()
	if err := h(rec, r, a); err != nil {
		p.srv.renderError(rec, r, err)
	}
	return rec
}

func clinicalGet(target string, json bool) *http.Request {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	if json {
		r.Header.Set("Accept", "application/json")
	}
	return r
}

func clinicalPost(target string, values url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(values.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestClinicalTaskForm(t *testing.T) {
	p := newClinicalPages(t)
	path := fmt.Sprintf("/tasks/%d", p.taskID)

	rec := p.call(t, p.srv.task, p.f.Consultant, clinicalGet(path, false), p.taskID)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s status = %d, want 200: %s", path, rec.Code, body)
	}
	for _, want := range []string{`class="flame"`, "Extra Sessions Clinical Review",
		`id="actions-button"`, `action="/tasks/` + fmt.Sprint(p.taskID) + `/clinical-answers"`,
		`name="presenting_issues"`, "Assist case " + phoenix.CaseReference(p.r.CaseID)} {
		if !strings.Contains(body, want) {
			t.Errorf("task page lacks %q", want)
		}
	}

	typed := url.Values{"risk": {"moderate"}, "progress": {"K10 <28> & falling"}}
	rec = p.call(t, p.srv.clinicalAnswers, p.f.Consultant, clinicalPost(path+"/clinical-answers",
		typed), p.taskID)
	body = rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("POST empty answers status = %d, want 422", rec.Code)
	}
	for _, want := range []string{`id="risk_actions-error"`, `id="presenting_issues-error"`,
		`id="why_eap-error"`, `id="referral_plan-error"`, "K10 &lt;28&gt; &amp; falling",
		`value="moderate" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("rejected form lacks %q", want)
		}
	}
	if strings.Contains(body, `id="progress-error"`) {
		t.Errorf("rejected form has a message beside progress, which was filled in")
	}

	rec = p.call(t, p.srv.clinicalAnswers, p.f.Consultant, clinicalPost(path+"/clinical-answers",
		clinicalSecrets), p.taskID)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), path) {
		t.Fatalf("POST answers = %d to %q, want 303 to %s", rec.Code,
			rec.Header().Get("Location"), path)
	}
	rec = p.call(t, p.srv.task, p.f.Consultant, clinicalGet(path, false), p.taskID)
	body = rec.Body.String()
	if strings.Contains(body, `class="flame"`) || strings.Contains(body, "<form method=\"post\" action=\"/tasks/") {
		t.Errorf("task page after answers still has the flame or the form")
	}
	if !strings.Contains(body, clinicalSecrets.Get("progress")) {
		t.Errorf("task page after answers lacks the consultant's answers")
	}
}

func TestClinicalTaskHidesAnswers(t *testing.T) {
	p := newClinicalPages(t)
	p.call(t, p.srv.clinicalAnswers, p.f.Consultant, clinicalPost("/", clinicalSecrets), p.taskID)
	for _, u := range []phoenix.User{p.f.Intake, p.f.Admin} {
		for _, asJSON := range []bool{false, true} {
			rec := p.call(t, p.srv.task, u, clinicalGet("/", asJSON), p.taskID)
			if rec.Code != http.StatusOK {
				t.Fatalf("task page as %s status = %d, want 200", u.Role, rec.Code)
			}
			for field := range clinicalSecrets {
				if secret := clinicalSecrets.Get(field); len(secret) > 4 &&
					strings.Contains(rec.Body.String(), secret) {
					t.Errorf("task page as %s (JSON %v) holds %s", u.Role, asJSON, field)
				}
			}
		}
	}
}

func TestClinicalQueueAndDecision(t *testing.T) {
	p := newClinicalPages(t)
	p.call(t, p.srv.clinicalAnswers, p.f.Consultant, clinicalPost("/", clinicalSecrets), p.taskID)

	rec := p.call(t, p.srv.clinicalQueue, p.f.Leader, clinicalGet("/clinical", true), 0)
	var queue struct {
		Reviews []struct {
			Request  struct{ ID int64 } `json:"request"`
			HighRisk bool               `json:"high_risk"`
			Latest   struct {
				Progress string `json:"progress"`
			} `json:"latest_round"`
		} `json:"reviews"`
	}
	testenv.Must(t, json.Unmarshal(rec.Body.Bytes(), &queue))
	if len(queue.Reviews) != 1 || queue.Reviews[0].Request.ID != p.r.ID ||
		!queue.Reviews[0].HighRisk || queue.Reviews[0].Latest.Progress == "" {
		t.Errorf("GET /clinical JSON = %s, want the request marked high risk with its answers",
			rec.Body)
	}
	rec = p.call(t, p.srv.clinicalQueue, p.f.Leader, clinicalGet("/clinical", false), 0)
	if !strings.Contains(rec.Body.String(), `<strong class="high-risk">High risk</strong>`) {
		t.Errorf("GET /clinical page does not mark the review high risk")
	}

	path := fmt.Sprintf("/clinical/reviews/%d", p.r.ID)
	rec = p.call(t, p.srv.clinicalReview, p.f.Leader, clinicalGet(path, false), p.r.ID)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `id="record-decision"`) {
		t.Fatalf("GET %s = %d, want 200 with the decision form", path, rec.Code)
	}
	rec = p.call(t, p.srv.clinicalDecide, p.f.Consultant, clinicalPost(path+"/decision",
		url.Values{"decision": {"support"}}), p.r.ID)
	if rec.Code != http.StatusForbidden {
		t.Errorf("POST decision as the consultant status = %d, want 403", rec.Code)
	}
	rec = p.call(t, p.srv.clinicalDecide, p.f.Leader, clinicalPost(path+"/decision",
		url.Values{"decision": {"not_supported"}, "question": {"typed question"}}), p.r.ID)
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="reason-error"`) ||
		!strings.Contains(body, "typed question") {
		t.Errorf("POST not_supported without a reason = %d, want 422 with a message beside "+
			"the reason and the typed text kept", rec.Code)
	}
	rec = p.call(t, p.srv.clinicalDecide, p.f.Leader, clinicalPost(path+"/decision",
		url.Values{"decision": {"support"}}), p.r.ID)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST support status = %d, want 303: %s", rec.Code, rec.Body)
	}
	req := clinicalJSONPost(path+"/decision", `{"decision":"more_information",
		"question":"Any change?"}`)
	rec = p.call(t, p.srv.clinicalDecide, p.f.Leader, req, p.r.ID)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "already decided by") {
		t.Errorf("second decision = %d %s, want 409 naming the first", rec.Code, rec.Body)
	}
}

func TestClinicalReviewerPages(t *testing.T) {
	p := newClinicalPages(t)
	p.call(t, p.srv.clinicalAnswers, p.f.Consultant, clinicalPost("/", clinicalSecrets), p.taskID)
	_, err := p.env.Svc.ClinicalDecide(context.Background(), testenv.Actor(p.f.Leader), p.r.ID,
		service.ClinicalDecisionInput{Decision: "support"})
	testenv.Must(t, err)

	pages := []struct {
		name string
		h    handlerFunc
		path string
	}{
		{"review queue", p.srv.reviewQueue, "/review"},
		{"request page", p.srv.reviewRequest, fmt.Sprintf("/review/requests/%d", p.r.ID)},
	}
	for _, page := range pages {
		for _, asJSON := range []bool{false, true} {
			rec := p.call(t, page.h, p.f.Reviewer, clinicalGet(page.path, asJSON), p.r.ID)
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("%s (JSON %v) status = %d, want 200", page.name, asJSON, rec.Code)
			}
			if !strings.Contains(strings.ToLower(body), "supported") {
				t.Errorf("%s (JSON %v) does not show that a clinical leader supported it",
					page.name, asJSON)
			}
			for field := range clinicalSecrets {
				if secret := clinicalSecrets.Get(field); len(secret) > 4 &&
					strings.Contains(body, secret) {
					t.Errorf("%s (JSON %v) holds the answer %s", page.name, asJSON, field)
				}
			}
			for _, name := range []string{p.f.Leader.Name, p.f.Consultant.Name, "High risk"} {
				if strings.Contains(body, name) {
					t.Errorf("%s (JSON %v) holds %q", page.name, asJSON, name)
				}
			}
		}
	}
	for _, h := range []handlerFunc{p.srv.clinicalQueue, p.srv.clinicalReview} {
		rec := p.call(t, h, p.f.Reviewer, clinicalGet("/clinical", true), p.r.ID)
		if rec.Code != http.StatusForbidden {
			t.Errorf("clinical page as reviewer status = %d, want 403", rec.Code)
		}
	}
	rec := p.call(t, p.srv.task, p.f.Reviewer, clinicalGet("/", true), p.taskID)
	if rec.Code != http.StatusNotFound {
		t.Errorf("task page as reviewer status = %d, want 404", rec.Code)
	}
}

func clinicalJSONPost(target, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json")
	return r
}
