package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
)

func (w clinicalWorld) decide(t *testing.T, leader phoenix.User, in service.ClinicalDecisionInput) phoenix.Request {
	t.Helper()
	r, err := w.env.Svc.ClinicalDecide(context.Background(), testenv.Actor(leader), w.r.ID, in)
	testenv.Must(t, err)
	return r
}

var support = service.ClinicalDecisionInput{Decision: "support"}

func TestClinicalDecideRejects(t *testing.T) {
	tests := []struct {
		name  string
		in    service.ClinicalDecisionInput
		field string
	}{
		{"no decision", service.ClinicalDecisionInput{}, "decision"},
		{"unknown decision", service.ClinicalDecisionInput{Decision: "maybe"}, "decision"},
		{"not supported without reason", service.ClinicalDecisionInput{
			Decision: "not_supported", Question: "Why?"}, "reason"},
		{"more information without question", service.ClinicalDecisionInput{
			Decision: "more_information", Reason: " "}, "question"},
		{"reason too long", service.ClinicalDecisionInput{Decision: "not_supported",
			Reason: strings.Repeat("r", phoenix.MaxReasonLength+1)}, "reason"},
		{"question too long", service.ClinicalDecisionInput{Decision: "more_information",
			Question: strings.Repeat("q", service.MaxQuestionLength+1)}, "question"},
	}
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		w.answer(t, w.taskID, service.RiskLow)
		ctx := context.Background()
		for _, tt := range tests {
			_, err := w.env.Svc.ClinicalDecide(ctx, testenv.Actor(w.f.Leader), w.r.ID, tt.in)
			if code := phoenix.ErrorCode(err); code != phoenix.EINVALID {
				t.Errorf("ClinicalDecide(%s) code = %q, want %q", tt.name, code, phoenix.EINVALID)
				continue
			}
			fields := phoenix.ErrorFields(err)
			if _, ok := fields[tt.field]; !ok || len(fields) != 1 {
				t.Errorf("ClinicalDecide(%s) fields = %v, want one message for %s", tt.name,
					fields, tt.field)
			}
		}
		if got := w.request(t, w.r.ID).State; got != phoenix.StateAwaitingClinicalDecision {
			t.Errorf("state after rejected decisions = %s, want %s", got,
				phoenix.StateAwaitingClinicalDecision)
		}
	})
}

func TestClinicalDecideSupport(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		w.answer(t, w.taskID, service.RiskModerate)
		w.env.Clock.Advance(time.Hour)

		r := w.decide(t, w.f.Leader, support)
		if r.State != phoenix.StateAwaitingOrganisation || !r.ClinicallySupported {
			t.Errorf("ClinicalDecide(support) = %s, supported %v; want %s, supported",
				r.State, r.ClinicallySupported, phoenix.StateAwaitingOrganisation)
		}
		stored := w.request(t, r.ID)
		if stored.ReceivedAt == nil || stored.Goal == nil || stored.Deadline == nil {
			t.Fatalf("stored request has received %v, goal %v, deadline %v; want all set",
				stored.ReceivedAt, stored.Goal, stored.Deadline)
		}
		if stored.ReceivedAt.Before(stored.SubmittedAt.Add(59 * time.Minute)) {
			t.Errorf("ReceivedAt = %v, want the decision's time, an hour after submission at %v",
				stored.ReceivedAt, stored.SubmittedAt)
		}

		review, err := w.env.Conn().LatestClinicalReview(ctx, r.ID)
		testenv.Must(t, err)
		if review.Decision != "support" || review.DecidedBy != w.f.Leader.ID {
			t.Errorf("stored decision = %q by %d, want support by %d", review.Decision,
				review.DecidedBy, w.f.Leader.ID)
		}
		kinds := clinicalEventKinds(t, w.env, r.ID)
		wantKinds := []string{"submitted", "clinical_review", "clinical_answers",
			"clinical_supported", "received"}
		if diff := cmp.Diff(wantKinds, kinds); diff != "" {
			t.Errorf("timeline kinds (-want +got):\n%s", diff)
		}
		actions := clinicalAuditActions(t, w.env, w.k.ID)
		if !strings.Contains(strings.Join(actions, " "), "clinical_answers clinical_decision") {
			t.Errorf("audit actions = %v, want clinical_answers then clinical_decision", actions)
		}
		if n := len(clinicalEmailsTo(t, w.env, r.ID, w.f.Reviewer.Email)); n != 1 {
			t.Errorf("emails to the reviewer = %d, want 1", n)
		}
		mails := clinicalEmailsTo(t, w.env, r.ID, w.f.Consultant.Email)
		if len(mails) != 2 {
			t.Fatalf("emails to the consultant = %d, want 2 (task waiting, supported)", len(mails))
		}
		if !strings.Contains(mails[0].Subject, "supported") {
			t.Errorf("latest consultant email subject = %q, want it to say supported",
				mails[0].Subject)
		}
	})
}

func TestClinicalReviewerSeesNoAnswers(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		reviewer := testenv.Actor(w.f.Reviewer)
		answers := clinicalAnswers(service.RiskHigh)
		w.answer(t, w.taskID, service.RiskHigh)

		if _, err := w.env.Svc.ReviewRequest(ctx, reviewer, w.r.ID); phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
			t.Errorf("ReviewRequest before support code = %q, want %q",
				phoenix.ErrorCode(err), phoenix.ENOTFOUND)
		}
		w.decide(t, w.f.Leader, support)

		item, err := w.env.Svc.ReviewRequest(ctx, reviewer, w.r.ID)
		testenv.Must(t, err)
		if !item.ClinicallySupported {
			t.Errorf("ReviewRequest ClinicallySupported = false, want true")
		}
		queue, err := w.env.Svc.ReviewQueue(ctx, reviewer, firstPage())
		testenv.Must(t, err)
		b, err := json.Marshal(map[string]any{"item": item, "queue": queue})
		testenv.Must(t, err)
		seen := string(b)
		if !strings.Contains(seen, "Supported by a clinical leader.") {
			t.Errorf("reviewer view = %s, want the step \"Supported by a clinical leader.\"", seen)
		}
		for _, secret := range []string{answers.RiskActions, answers.PresentingIssues,
			answers.Progress, answers.WhyEAP, answers.ReferralPlan, "high", "risk",
			w.f.Leader.Name, w.f.Consultant.Name} {
			if strings.Contains(strings.ToLower(seen), strings.ToLower(secret)) {
				t.Errorf("reviewer view holds %q: %s", secret, seen)
			}
		}
		for _, e := range clinicalEmailsTo(t, w.env, w.r.ID, w.f.Reviewer.Email) {
			if strings.Contains(e.Body, answers.PresentingIssues) || strings.Contains(e.Body, "risk") {
				t.Errorf("reviewer email holds clinical detail: %q", e.Body)
			}
		}

		if _, err := w.env.Svc.ClinicalQueue(ctx, reviewer, firstPage()); phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
			t.Errorf("ClinicalQueue as reviewer code = %q, want %q", phoenix.ErrorCode(err),
				phoenix.EFORBIDDEN)
		}
		if _, err := w.env.Svc.ClinicalReview(ctx, reviewer, w.r.ID); phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
			t.Errorf("ClinicalReview as reviewer code = %q, want %q", phoenix.ErrorCode(err),
				phoenix.EFORBIDDEN)
		}
		if _, err := w.env.Svc.ClinicalTask(ctx, reviewer, w.taskID); phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
			t.Errorf("ClinicalTask as reviewer code = %q, want %q", phoenix.ErrorCode(err),
				phoenix.ENOTFOUND)
		}
	})
}

func TestClinicalDecideNotSupported(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		w.answer(t, w.taskID, service.RiskLow)
		reason := "Needs a psychiatric assessment; refer through the GP rather than extend EAP."

		r := w.decide(t, w.f.Leader, service.ClinicalDecisionInput{Decision: "not_supported",
			Reason: reason})
		if r.State != phoenix.StateDeclined || r.Reason != reason || r.ClinicallySupported {
			t.Errorf("ClinicalDecide(not_supported) = %s %q supported %v; want declined with "+
				"the reason, not supported", r.State, r.Reason, r.ClinicallySupported)
		}
		stored := w.request(t, r.ID)
		if stored.ReceivedAt != nil || stored.DecidedAt == nil || stored.Approved != 0 {
			t.Errorf("stored request received %v, decided %v, approved %d; want never "+
				"received, decided, none approved", stored.ReceivedAt, stored.DecidedAt,
				stored.Approved)
		}
		k, err := w.env.Conn().Case(ctx, w.k.ID)
		testenv.Must(t, err)
		if k.Allowance != w.k.Allowance {
			t.Errorf("allowance after decline = %d, want %d", k.Allowance, w.k.Allowance)
		}
		events, err := w.env.Conn().Events(ctx, r.ID)
		testenv.Must(t, err)
		for _, e := range events {
			if e.OrgVisible && e.Kind != "submitted" {
				t.Errorf("timeline step %s is visible to the organisation", e.Kind)
			}
		}

		consultant := clinicalEmailsTo(t, w.env, r.ID, w.f.Consultant.Email)
		if len(consultant) != 2 || !strings.Contains(consultant[0].Body, reason) {
			t.Errorf("consultant emails = %d, latest %q; want 2, the latest with the reason",
				len(consultant), bodyOf(consultant))
		}
		client := clinicalEmailsTo(t, w.env, r.ID, "Robin.Tester@mail.test")
		if len(client) != 1 {
			t.Fatalf("emails to the client = %d, want 1", len(client))
		}
		answers := clinicalAnswers(service.RiskLow)
		for _, secret := range []string{reason, answers.PresentingIssues, answers.Progress,
			"psychiatric", "clinical"} {
			if strings.Contains(client[0].Subject+client[0].Body, secret) {
				t.Errorf("client email holds %q: %s %q", secret, client[0].Subject, client[0].Body)
			}
		}

		_, err = w.env.Svc.ReviewRequest(ctx, testenv.Actor(w.f.Reviewer), r.ID)
		if phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
			t.Errorf("ReviewRequest of a request declined at clinical review code = %q, want %q",
				phoenix.ErrorCode(err), phoenix.ENOTFOUND)
		}
		decided, err := w.env.Svc.DecidedRequests(ctx, testenv.Actor(w.f.Reviewer), firstPage())
		testenv.Must(t, err)
		if len(decided) != 0 {
			t.Errorf("DecidedRequests = %d requests, want none", len(decided))
		}
	})
}

func TestClinicalMoreInformationLoop(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		consultant := testenv.Actor(w.f.Consultant)
		w.answer(t, w.taskID, service.RiskLow)
		question := "What do the last two GAD-7 scores show, and is the GP involved?"

		r := w.decide(t, w.f.Leader, service.ClinicalDecisionInput{
			Decision: "more_information", Question: question})
		if r.State != phoenix.StateAwaitingClinicalQuestions {
			t.Errorf("ClinicalDecide(more_information) state = %s, want %s", r.State,
				phoenix.StateAwaitingClinicalQuestions)
		}
		v, err := w.env.Svc.ClinicalTask(ctx, consultant, w.taskID)
		testenv.Must(t, err)
		if !v.Task.Open || !v.Task.Flame || !v.CanAnswer {
			t.Errorf("task after more information: open %v, flame %v, can answer %v; want all",
				v.Task.Open, v.Task.Flame, v.CanAnswer)
		}
		if v.Question != question {
			t.Errorf("task question = %q, want %q", v.Question, question)
		}
		if diff := cmp.Diff(clinicalAnswers(service.RiskLow), v.Draft); diff != "" {
			t.Errorf("task draft, the previous answers (-want +got):\n%s", diff)
		}
		caseView, err := w.env.Svc.Case(ctx, consultant, w.k.ID)
		testenv.Must(t, err)
		flamed := 0
		for _, task := range caseView.Tasks {
			if task.ID == w.taskID && task.Flame {
				flamed++
			}
		}
		if flamed != 1 {
			t.Errorf("Task Filter shows the reopened task with the flame %d times, want 1", flamed)
		}
		mails := clinicalEmailsTo(t, w.env, r.ID, w.f.Consultant.Email)
		link := fmt.Sprintf("/tasks/%d", w.taskID)
		if len(mails) != 2 || !strings.Contains(mails[0].Body, link) {
			t.Errorf("consultant emails = %d, latest %q; want 2, the latest linking %s",
				len(mails), bodyOf(mails), link)
		}
		queue, err := w.env.Svc.ClinicalQueue(ctx, testenv.Actor(w.f.Leader), firstPage())
		testenv.Must(t, err)
		if len(queue) != 0 {
			t.Errorf("ClinicalQueue while the consultant answers = %d items, want 0", len(queue))
		}
		_, err = w.env.Svc.ClinicalDecide(ctx, testenv.Actor(w.f.Leader), r.ID, support)
		if code := phoenix.ErrorCode(err); code != phoenix.ECONFLICT {
			t.Errorf("ClinicalDecide while the consultant answers code = %q, want %q", code,
				phoenix.ECONFLICT)
		}

		w.env.Clock.Advance(time.Hour)
		r = w.answer(t, w.taskID, service.RiskModerate)
		if r.State != phoenix.StateAwaitingClinicalDecision {
			t.Errorf("second answers state = %s, want %s", r.State,
				phoenix.StateAwaitingClinicalDecision)
		}
		queue, err = w.env.Svc.ClinicalQueue(ctx, testenv.Actor(w.f.Leader), firstPage())
		testenv.Must(t, err)
		if len(queue) != 1 || queue[0].Latest.Round != 2 {
			t.Fatalf("ClinicalQueue after the second answers = %+v, want round 2", queue)
		}
		r = w.decide(t, w.f.Leader, support)
		if r.State != phoenix.StateAwaitingOrganisation {
			t.Errorf("support after the loop state = %s, want %s", r.State,
				phoenix.StateAwaitingOrganisation)
		}
		rounds, err := w.env.Conn().ClinicalReviews(ctx, r.ID)
		testenv.Must(t, err)
		var got []string
		for _, round := range rounds {
			got = append(got, fmt.Sprintf("%d %s %s", round.Round, round.Risk, round.Decision))
		}
		want := []string{"1 low more_information", "2 moderate support"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rounds (-want +got):\n%s", diff)
		}
		wantKinds := []string{"submitted", "clinical_review", "clinical_answers",
			"clinical_more_information", "clinical_answers", "clinical_supported", "received"}
		if diff := cmp.Diff(wantKinds, clinicalEventKinds(t, w.env, r.ID)); diff != "" {
			t.Errorf("timeline kinds (-want +got):\n%s", diff)
		}
	})
}

func TestClinicalDecideConcurrent(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		w.answer(t, w.taskID, service.RiskLow)
		inputs := []service.ClinicalDecisionInput{support,
			{Decision: "not_supported", Reason: "Refer to a psychologist instead."},
			{Decision: "more_information", Question: "Is the GP involved?"}, support}
		leaders := make([]phoenix.User, len(inputs))
		for i := range leaders {
			leaders[i] = w.env.AddUser(t, phoenix.User{Email: fmt.Sprintf("lead%d@provider.test", i),
				Name: fmt.Sprintf("Leader %d", i), Role: phoenix.RoleClinicalLeader})
		}

		errs := make([]error, len(inputs))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range inputs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = w.env.Svc.ClinicalDecide(ctx, testenv.Actor(leaders[i]), w.r.ID,
					inputs[i])
			}()
		}
		close(start)
		wg.Wait()

		winner := -1
		for i, err := range errs {
			switch code := phoenix.ErrorCode(err); code {
			case "":
				if winner >= 0 {
					t.Errorf("decisions %d and %d both succeeded", winner, i)
				}
				winner = i
			case phoenix.ECONFLICT:
				if !strings.Contains(err.Error(), "already decided by Leader") {
					t.Errorf("conflict message = %q, want it to name the deciding leader", err)
				}
			default:
				t.Errorf("decision %d error = %v, want success or %s", i, err, phoenix.ECONFLICT)
			}
		}
		if winner < 0 {
			t.Fatal("no decision succeeded")
		}
		rounds, err := w.env.Conn().ClinicalReviews(ctx, w.r.ID)
		testenv.Must(t, err)
		if len(rounds) != 1 || rounds[0].Decision != inputs[winner].Decision ||
			rounds[0].DecidedBy != leaders[winner].ID {
			t.Errorf("stored rounds = %+v, want one decided %s by %d", rounds,
				inputs[winner].Decision, leaders[winner].ID)
		}
		decisions := 0
		for _, kind := range clinicalEventKinds(t, w.env, w.r.ID) {
			switch kind {
			case "clinical_supported", "declined", "clinical_more_information":
				decisions++
			}
		}
		if decisions != 1 {
			t.Errorf("decision steps on the timeline = %d, want 1", decisions)
		}
		actions := clinicalAuditActions(t, w.env, w.k.ID)
		if n := strings.Count(strings.Join(actions, " "), "clinical_decision"); n != 1 {
			t.Errorf("clinical_decision audit events = %d, want 1", n)
		}
	})
}

func TestClinicalDecideAccess(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		w.answer(t, w.taskID, service.RiskLow)
		for _, u := range []phoenix.User{w.f.Consultant, w.f.Intake, w.f.Admin, w.f.Reviewer} {
			_, err := w.env.Svc.ClinicalDecide(ctx, testenv.Actor(u), w.r.ID, support)
			if code := phoenix.ErrorCode(err); code != phoenix.EFORBIDDEN {
				t.Errorf("ClinicalDecide as %s code = %q, want %q", u.Role, code, phoenix.EFORBIDDEN)
			}
			_, err = w.env.Svc.ClinicalQueue(ctx, testenv.Actor(u), firstPage())
			if phoenix.ErrorCode(err) != phoenix.EFORBIDDEN {
				t.Errorf("ClinicalQueue as %s code = %q, want %q", u.Role,
					phoenix.ErrorCode(err), phoenix.EFORBIDDEN)
			}
		}
		if got := w.request(t, w.r.ID).State; got != phoenix.StateAwaitingClinicalDecision {
			t.Errorf("state after refused decisions = %s, want %s", got,
				phoenix.StateAwaitingClinicalDecision)
		}

		// A case whose request is still with the consultant, and a case whose request
		// went straight to the organisation, never reached the clinical leaders.
		waiting, _ := w.submit(t, clinicalCase(t, w.env, w.f, "Sam", 10, 3, 0), 2, "waiting")
		k := clinicalCase(t, w.env, w.f, "Alex", 6, 0, 0)
		direct, err := w.env.Svc.SubmitRequest(ctx, testenv.Actor(w.f.Consultant), k.ID,
			w.env.RequestInput(2, "direct"))
		testenv.Must(t, err)
		leader := testenv.Actor(w.f.Leader)
		for _, r := range []phoenix.Request{waiting, direct} {
			if _, err := w.env.Svc.ClinicalReview(ctx, leader, r.ID); phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
				t.Errorf("ClinicalReview(%s) code = %q, want %q", r.Reference(),
					phoenix.ErrorCode(err), phoenix.ENOTFOUND)
			}
			if _, err := w.env.Svc.ClinicalDecide(ctx, leader, r.ID, support); phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
				t.Errorf("ClinicalDecide(%s) code = %q, want %q", r.Reference(),
					phoenix.ErrorCode(err), phoenix.ENOTFOUND)
			}
			if _, err := w.env.Svc.Case(ctx, leader, r.CaseID); phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
				t.Errorf("Case(%s) as leader code = %q, want %q", phoenix.CaseReference(r.CaseID),
					phoenix.ErrorCode(err), phoenix.ENOTFOUND)
			}
			if _, err := w.env.Svc.Request(ctx, leader, r.ID); phoenix.ErrorCode(err) != phoenix.ENOTFOUND {
				t.Errorf("Request(%s) as leader code = %q, want %q", r.Reference(),
					phoenix.ErrorCode(err), phoenix.ENOTFOUND)
			}
		}
		if _, err := w.env.Svc.Case(ctx, leader, w.k.ID); err != nil {
			t.Errorf("Case(%s) as leader after review = %v, want it visible", w.k.Reference(), err)
		}
	})
}

func TestClinicalQueueOrder(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		w.answer(t, w.taskID, service.RiskLow)
		var refs []string
		for _, spec := range []struct {
			name string
			risk service.Risk
		}{{"Kim", service.RiskModerate}, {"Lou", service.RiskHigh}, {"Mo", service.RiskNone}} {
			w.env.Clock.Advance(time.Hour)
			r, taskID := w.submit(t, clinicalCase(t, w.env, w.f, spec.name, 10, 3, 0), 2, spec.name)
			w.answer(t, taskID, spec.risk)
			refs = append(refs, r.Reference())
		}

		queue, err := w.env.Svc.ClinicalQueue(ctx, testenv.Actor(w.f.Leader), firstPage())
		testenv.Must(t, err)
		var got []string
		for _, it := range queue {
			got = append(got, fmt.Sprintf("%s %s %v", it.Request.Reference(), it.Latest.Risk,
				it.Latest.HighRisk()))
		}
		want := []string{refs[1] + " high true", w.r.Reference() + " low false",
			refs[0] + " moderate false", refs[2] + " none false"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ClinicalQueue order (-want +got):\n%s", diff)
		}
		first := queue[1]
		if first.Request.Counts.Total() != 12 || first.ClientName != "Robin Tester" ||
			first.Consultant != w.f.Consultant.Name || first.Latest.PresentingIssues == "" {
			t.Errorf("queue item = %+v, want counts totalling 12, client, consultant and answers",
				first)
		}
	})
}

func TestClinicalEmailsDelivered(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newClinicalWorld(t, dsn, testenv.Options{SMTP: true})
		w.answer(t, w.taskID, service.RiskLow)
		w.decide(t, w.f.Leader, service.ClinicalDecisionInput{Decision: "more_information",
			Question: "Is the GP involved?"})

		msgs := w.env.SMTP.WaitFor(t, 3, 10*time.Second)
		var got []string
		for _, m := range msgs {
			got = append(got, strings.Join(m.To, ",")+": "+m.Subject)
		}
		ref := w.r.Reference()
		want := []string{
			w.f.Consultant.Email + ": Clinical review needed for " + ref + " on " + w.k.Reference(),
			w.f.Leader.Email + ": Clinical review awaits your decision: " + ref,
			w.f.Consultant.Email + ": More information needed for " + ref,
		}
		if diff := cmp.Diff(want, got, sortStrings); diff != "" {
			t.Errorf("delivered messages (-want +got):\n%s", diff)
		}
	})
}
