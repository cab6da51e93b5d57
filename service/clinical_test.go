package service_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// clinicalCase stores a client of the fixture's organisation with a case of the first
// consultant: allowance sessions granted 100 days ago, completed sessions in the past
// weeks and upcoming ones booked in the next weeks.
func clinicalCase(t testing.TB, env *testenv.Env, f testenv.Fixture, name string,
	allowance, completed, upcoming int) phoenix.Case {
	t.Helper()
	ctx := context.Background()
	today := phoenix.DateIn(testenv.Start, testenv.Melbourne)
	var k phoenix.Case
	testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
		client, err := env.AddClient(ctx, c, f.Org.ID, name, "Tester")
		if err != nil {
			return err
		}
		k, err = env.AddCase(ctx, c, client, f.Consultant.ID, allowance, today.AddDays(-100))
		return err
	}))
	for i := range completed {
		env.AddSession(t, k, testenv.Start.AddDate(0, 0, -7*(completed-i)),
			phoenix.SessionCompleted)
	}
	for i := range upcoming {
		env.AddSession(t, k, testenv.Start.AddDate(0, 0, 7*(i+1)), phoenix.SessionScheduled)
	}
	return k
}

// clinicalAnswers returns a complete answer form with the given risk.
func clinicalAnswers(risk service.Risk) service.ClinicalInput {
	in := service.ClinicalInput{Risk: string(risk),
		PresentingIssues: "Ongoing anxiety about a restructure, with panic attacks at work.",
		Progress:         "GAD-7 down from 15 to 9 over eight sessions.",
		WhyEAP:           "Two more sessions finish the exposure plan already under way.",
		ReferralPlan:     "GP review for a mental health care plan after the last session.",
	}
	if risk == service.RiskModerate || risk == service.RiskHigh {
		in.RiskActions = "Safety plan written with the client and shared with their GP."
	}
	return in
}

// clinicalWorld is a case whose request of two sessions went to clinical review.
type clinicalWorld struct {
	env    *testenv.Env
	f      testenv.Fixture
	k      phoenix.Case
	r      phoenix.Request
	taskID int64
}

func newClinicalWorld(t *testing.T, dsn string, opts testenv.Options) clinicalWorld {
	t.Helper()
	env := testenv.New(t, dsn, opts)
	f := env.Seed(t)
	w := clinicalWorld{env: env, f: f}
	w.k = clinicalCase(t, env, f, "Robin", 10, 3, 0)
	w.r, w.taskID = w.submit(t, w.k, 2, "world")
	return w
}

// submit submits a request on k as the consultant and returns it with its clinical
// review task.
func (w clinicalWorld) submit(t *testing.T, k phoenix.Case, sessions int, key string) (phoenix.Request, int64) {
	t.Helper()
	ctx := context.Background()
	r, err := w.env.Svc.SubmitRequest(ctx, testenv.Actor(w.f.Consultant), k.ID,
		w.env.RequestInput(sessions, key))
	testenv.Must(t, err)
	if r.State != phoenix.StateAwaitingClinicalQuestions {
		t.Fatalf("SubmitRequest(%d sessions) state = %s, want %s", sessions, r.State,
			phoenix.StateAwaitingClinicalQuestions)
	}
	task, err := w.env.Conn().RequestTask(ctx, r.ID)
	testenv.Must(t, err)
	return r, task.ID
}

// answer submits answers on the world's task as the consultant.
func (w clinicalWorld) answer(t testing.TB, taskID int64, risk service.Risk) phoenix.Request {
	t.Helper()
	r, err := w.env.Svc.SubmitClinicalAnswers(context.Background(), testenv.Actor(w.f.Consultant),
		taskID, clinicalAnswers(risk))
	testenv.Must(t, err)
	return r
}

func (w clinicalWorld) request(t *testing.T, id int64) phoenix.Request {
	t.Helper()
	r, err := w.env.Conn().Request(context.Background(), id)
	testenv.Must(t, err)
	return r
}

// clinicalEmailsTo returns the outbox messages of a request addressed to one address.
func clinicalEmailsTo(t *testing.T, env *testenv.Env, requestID int64, to string) []store.Email {
	t.Helper()
	all, err := env.Conn().Emails(context.Background(), store.EmailFilter{RequestID: requestID})
	testenv.Must(t, err)
	var out []store.Email
	for _, e := range all {
		if e.To == to {
			out = append(out, e)
		}
	}
	return out
}

// clinicalEventKinds returns the kinds of a request's timeline steps, in order.
func clinicalEventKinds(t *testing.T, env *testenv.Env, requestID int64) []string {
	t.Helper()
	events, err := env.Conn().Events(context.Background(), requestID)
	testenv.Must(t, err)
	kinds := make([]string, len(events))
	for i, e := range events {
		kinds[i] = e.Kind
	}
	return kinds
}

// clinicalAuditActions returns the audit actions recorded on a case, oldest first.
func clinicalAuditActions(t *testing.T, env *testenv.Env, caseID int64) []string {
	t.Helper()
	events, err := env.Conn().Audit(context.Background(), store.AuditFilter{CaseID: caseID})
	testenv.Must(t, err)
	out := make([]string, 0, len(events))
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Action != "view" {
			out = append(out, events[i].Action)
		}
	}
	return out
}

func TestClinicalThreshold(t *testing.T) {
	// The contract's threshold is 12. Each pair differs by one session in one count.
	tests := []struct {
		name                                      string
		allowance, completed, upcoming, requested int
		want                                      phoenix.Counts
		clinical                                  bool
	}{
		{"requested 11", 8, 3, 0, 3, phoenix.Counts{Completed: 3, Remaining: 5, Requested: 3}, false},
		{"requested 12", 8, 3, 0, 4, phoenix.Counts{Completed: 3, Remaining: 5, Requested: 4}, true},
		{"remaining 11", 8, 2, 1, 3, phoenix.Counts{Completed: 2, Upcoming: 1, Remaining: 5, Requested: 3}, false},
		{"remaining 12", 9, 2, 1, 3, phoenix.Counts{Completed: 2, Upcoming: 1, Remaining: 6, Requested: 3}, true},
		{"completed 11", 6, 8, 0, 3, phoenix.Counts{Completed: 8, Requested: 3}, false},
		{"completed 12", 6, 9, 0, 3, phoenix.Counts{Completed: 9, Requested: 3}, true},
		{"upcoming 11", 6, 6, 2, 3, phoenix.Counts{Completed: 6, Upcoming: 2, Requested: 3}, false},
		{"upcoming 12", 6, 6, 3, 3, phoenix.Counts{Completed: 6, Upcoming: 3, Requested: 3}, true},
		{"above", 12, 4, 2, 4, phoenix.Counts{Completed: 4, Upcoming: 2, Remaining: 6, Requested: 4}, true},
	}
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		ctx := context.Background()
		consultant := testenv.Actor(f.Consultant)
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				k := clinicalCase(t, env, f, fmt.Sprintf("Client%d", i), tt.allowance,
					tt.completed, tt.upcoming)
				r, err := env.Svc.SubmitRequest(ctx, consultant, k.ID,
					env.RequestInput(tt.requested, tt.name))
				testenv.Must(t, err)

				got := r.Counts
				got.Period = phoenix.Period{}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("SubmitRequest counts (-want +got):\n%s", diff)
				}
				wantState := phoenix.StateAwaitingOrganisation
				if tt.clinical {
					wantState = phoenix.StateAwaitingClinicalQuestions
				}
				if r.State != wantState {
					t.Errorf("SubmitRequest state = %s, want %s (total %d)", r.State,
						wantState, r.Counts.Total())
				}
				_, err = env.Conn().RequestTask(ctx, r.ID)
				if hasTask := err == nil; hasTask != tt.clinical {
					t.Errorf("clinical review task exists = %v, want %v", hasTask, tt.clinical)
				}
				if r.ReceivedAt != nil && tt.clinical {
					t.Errorf("ReceivedAt = %v, want nil before clinical review", r.ReceivedAt)
				}
			})
		}
	})
}

func TestClinicalStartTask(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		v, err := w.env.Svc.Case(ctx, testenv.Actor(w.f.Consultant), w.k.ID)
		testenv.Must(t, err)
		var found bool
		for _, task := range v.Tasks {
			if task.ID != w.taskID {
				continue
			}
			found = true
			if task.Kind != phoenix.TaskClinicalReview || !task.Open || !task.Flame {
				t.Errorf("Task Filter row = %+v, want an open clinical review with the flame", task)
			}
		}
		if !found {
			t.Fatalf("Task Filter of %s has no task %d", w.k.Reference(), w.taskID)
		}
		mails := clinicalEmailsTo(t, w.env, w.r.ID, w.f.Consultant.Email)
		if len(mails) != 1 {
			t.Fatalf("emails to the consultant = %d, want 1", len(mails))
		}
		if link := fmt.Sprintf("/tasks/%d", w.taskID); !strings.Contains(mails[0].Body, link) {
			t.Errorf("consultant email body = %q, want the task link %s", mails[0].Body, link)
		}
	})
}

func TestClinicalAnswersRejects(t *testing.T) {
	long := strings.Repeat("x", service.MaxClinicalAnswerLength+1)
	tests := []struct {
		name string
		edit func(*service.ClinicalInput)
		want map[string]string
	}{
		{"empty", func(in *service.ClinicalInput) { *in = service.ClinicalInput{} },
			map[string]string{"risk": "", "presenting_issues": "", "progress": "",
				"why_eap": "", "referral_plan": ""}},
		{"unknown risk", func(in *service.ClinicalInput) { in.Risk = "extreme" },
			map[string]string{"risk": ""}},
		{"moderate without actions", func(in *service.ClinicalInput) {
			in.Risk, in.RiskActions = "moderate", "  "
		}, map[string]string{"risk_actions": "moderate"}},
		{"high without actions", func(in *service.ClinicalInput) {
			in.Risk, in.RiskActions = "high", ""
		}, map[string]string{"risk_actions": "high"}},
		{"presenting issues too long", func(in *service.ClinicalInput) {
			in.PresentingIssues = long
		}, map[string]string{"presenting_issues": "at most 2000 characters"}},
		{"referral plan too long", func(in *service.ClinicalInput) {
			in.ReferralPlan = strings.Repeat("é", service.MaxReferralPlanLength+1)
		}, map[string]string{"referral_plan": "it has 1001"}},
	}
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := clinicalAnswers(service.RiskLow)
				tt.edit(&in)
				_, err := w.env.Svc.SubmitClinicalAnswers(ctx, testenv.Actor(w.f.Consultant),
					w.taskID, in)
				if code := phoenix.ErrorCode(err); code != phoenix.EINVALID {
					t.Fatalf("SubmitClinicalAnswers(%s) code = %q, want %q", tt.name, code,
						phoenix.EINVALID)
				}
				fields := phoenix.ErrorFields(err)
				if len(fields) != len(tt.want) {
					t.Errorf("fields = %v, want messages for %v", fields, tt.want)
				}
				for field, part := range tt.want {
					if msg, ok := fields[field]; !ok || !strings.Contains(msg, part) {
						t.Errorf("message for %s = %q, want one containing %q", field, msg, part)
					}
				}
			})
		}
		if r := w.request(t, w.r.ID); r.State != phoenix.StateAwaitingClinicalQuestions {
			t.Errorf("state after rejected answers = %s, want %s", r.State,
				phoenix.StateAwaitingClinicalQuestions)
		}
	})
}

func TestClinicalAnswersAccess(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		tests := []struct {
			who  string
			user phoenix.User
			want string
		}{
			{"other consultant", w.f.Consultant2, phoenix.ENOTFOUND},
			{"clinical leader", w.f.Leader, phoenix.ENOTFOUND},
			{"reviewer", w.f.Reviewer, phoenix.ENOTFOUND},
			{"intake", w.f.Intake, phoenix.EFORBIDDEN},
			{"admin", w.f.Admin, phoenix.EFORBIDDEN},
		}
		for _, tt := range tests {
			_, err := w.env.Svc.SubmitClinicalAnswers(ctx, testenv.Actor(tt.user), w.taskID,
				clinicalAnswers(service.RiskLow))
			if code := phoenix.ErrorCode(err); code != tt.want {
				t.Errorf("SubmitClinicalAnswers as %s code = %q, want %q", tt.who, code, tt.want)
			}
		}

		w.answer(t, w.taskID, service.RiskLow)
		_, err := w.env.Svc.SubmitClinicalAnswers(ctx, testenv.Actor(w.f.Consultant), w.taskID,
			clinicalAnswers(service.RiskHigh))
		if code := phoenix.ErrorCode(err); code != phoenix.ECONFLICT {
			t.Errorf("second SubmitClinicalAnswers code = %q, want %q", code, phoenix.ECONFLICT)
		}
		rounds, err := w.env.Conn().ClinicalReviews(ctx, w.r.ID)
		testenv.Must(t, err)
		if len(rounds) != 1 || rounds[0].Risk != "low" {
			t.Errorf("stored rounds = %+v, want one round with risk low", rounds)
		}
	})
}

func TestClinicalAnswersSubmit(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		leader2 := w.env.AddUser(t, phoenix.User{Email: "leader2@provider.test",
			Name: "Second Leader", Role: phoenix.RoleClinicalLeader})

		r := w.answer(t, w.taskID, service.RiskHigh)
		if r.State != phoenix.StateAwaitingClinicalDecision {
			t.Errorf("SubmitClinicalAnswers state = %s, want %s", r.State,
				phoenix.StateAwaitingClinicalDecision)
		}
		if got := w.request(t, r.ID).State; got != phoenix.StateAwaitingClinicalDecision {
			t.Errorf("stored state = %s, want %s", got, phoenix.StateAwaitingClinicalDecision)
		}
		task, err := w.env.Conn().Task(ctx, w.taskID)
		testenv.Must(t, err)
		if task.Open || task.ActionableBy(w.f.Consultant) {
			t.Errorf("task after answers: open = %v, flame = %v, want closed without the flame",
				task.Open, task.ActionableBy(w.f.Consultant))
		}
		want := clinicalAnswers(service.RiskHigh)
		stored, err := w.env.Conn().LatestClinicalReview(ctx, r.ID)
		testenv.Must(t, err)
		got := service.ClinicalInput{Risk: stored.Risk, RiskActions: stored.RiskActions,
			PresentingIssues: stored.PresentingIssues, Progress: stored.Progress,
			WhyEAP: stored.WhyEAP, ReferralPlan: stored.ReferralPlan}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stored answers (-want +got):\n%s", diff)
		}
		if stored.Round != 1 || stored.SubmittedBy != w.f.Consultant.ID {
			t.Errorf("stored round = %d by %d, want round 1 by %d", stored.Round,
				stored.SubmittedBy, w.f.Consultant.ID)
		}

		events, err := w.env.Conn().Events(ctx, r.ID)
		testenv.Must(t, err)
		last := events[len(events)-1]
		if last.Kind != "clinical_answers" || last.OrgVisible {
			t.Errorf("last timeline step = %s (org visible %v), want clinical_answers hidden "+
				"from the organisation", last.Kind, last.OrgVisible)
		}
		if got := clinicalAuditActions(t, w.env, w.k.ID); !slices.Contains(got, "clinical_answers") {
			t.Errorf("audit actions = %v, want clinical_answers", got)
		}

		for _, leader := range []phoenix.User{w.f.Leader, leader2} {
			mails := clinicalEmailsTo(t, w.env, r.ID, leader.Email)
			if len(mails) != 1 {
				t.Fatalf("emails to %s = %d, want 1", leader.Email, len(mails))
			}
			m := mails[0]
			link := fmt.Sprintf("http://phoenix.test/clinical/reviews/%d", r.ID)
			if m.Audience != service.AudienceClinicalLeader || !strings.Contains(m.Body, link) {
				t.Errorf("leader email = %s %q, want audience %s and link %s", m.Audience,
					m.Body, service.AudienceClinicalLeader, link)
			}
			if !strings.HasPrefix(m.Subject, "High risk:") {
				t.Errorf("leader email subject = %q, want it marked high risk", m.Subject)
			}
			if strings.Contains(m.Body, want.PresentingIssues) {
				t.Errorf("leader email body holds the answers: %q", m.Body)
			}
		}
	})
}

func TestClinicalTaskView(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		w.answer(t, w.taskID, service.RiskLow)
		tests := []struct {
			who         string
			user        phoenix.User
			showAnswers bool
		}{
			{"consultant", w.f.Consultant, true},
			{"clinical leader", w.f.Leader, true},
			{"intake", w.f.Intake, false},
			{"admin", w.f.Admin, false},
		}
		for _, tt := range tests {
			v, err := w.env.Svc.ClinicalTask(ctx, testenv.Actor(tt.user), w.taskID)
			testenv.Must(t, err)
			if v.ShowAnswers != tt.showAnswers || (len(v.Rounds) > 0) != tt.showAnswers {
				t.Errorf("ClinicalTask as %s: ShowAnswers = %v with %d rounds, want %v",
					tt.who, v.ShowAnswers, len(v.Rounds), tt.showAnswers)
			}
			if v.CanAnswer {
				t.Errorf("ClinicalTask as %s: CanAnswer = true after the answers", tt.who)
			}
		}
		for _, u := range []phoenix.User{w.f.Reviewer, w.f.Consultant2} {
			_, err := w.env.Svc.ClinicalTask(ctx, testenv.Actor(u), w.taskID)
			if code := phoenix.ErrorCode(err); code != phoenix.ENOTFOUND {
				t.Errorf("ClinicalTask as %s code = %q, want %q", u.Email, code, phoenix.ENOTFOUND)
			}
		}
	})
}

// firstPage returns the first page of a list.
func firstPage() store.Page { return store.Page{} }

// bodyOf returns the body of the latest message, or "" when there is none.
func bodyOf(mails []store.Email) string {
	if len(mails) == 0 {
		return ""
	}
	return mails[0].Body
}

// sortStrings makes cmp.Diff ignore the order of string slices.
var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })
