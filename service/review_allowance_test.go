package service_test

import (
	"context"
	"testing"

	"github.com/phoenix-eap/phoenix/internal/testenv"
)

// A decided request keeps the allowance the organisation saw, so a later approval on
// the same case neither rewrites the record nor links the two requests.
func TestReviewAllowanceFixed(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn, testenv.Options{NoQueue: true})
		ctx := context.Background()
		reviewer := testenv.Actor(w.f.Reviewer)

		before, err := w.env.Svc.ReviewRequest(ctx, reviewer, w.r.ID)
		testenv.Must(t, err)
		if before.Allowance != 6 {
			t.Fatalf("ReviewRequest(%d).Allowance before a decision = %d, want 6",
				w.r.ID, before.Allowance)
		}
		if _, err := w.decide(w.r.ID, "approve", "2", ""); err != nil {
			t.Fatalf("approve 2 = %v", err)
		}

		// Two used and six remaining of eight, plus three requested, stays under the
		// clinical review threshold of 12.
		second, err := w.env.Svc.SubmitRequest(ctx, testenv.Actor(w.f.Consultant), w.f.Case.ID,
			w.env.RequestInput(3, "review-2"))
		testenv.Must(t, err)
		if _, err := w.decide(second.ID, "approve", "3", ""); err != nil {
			t.Fatalf("approve 3 = %v", err)
		}

		first, err := w.env.Svc.ReviewRequest(ctx, reviewer, w.r.ID)
		testenv.Must(t, err)
		if first.Allowance != 8 {
			t.Errorf("first request's allowance after a later approval = %d, want 8",
				first.Allowance)
		}
		latest, err := w.env.Svc.ReviewRequest(ctx, reviewer, second.ID)
		testenv.Must(t, err)
		if latest.Allowance != 11 {
			t.Errorf("second request's allowance = %d, want 11", latest.Allowance)
		}
		if got := w.allowance(t); got != 11 {
			t.Errorf("case allowance = %d, want 11", got)
		}
	})
}
