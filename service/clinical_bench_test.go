package service_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/service"
)

// BenchmarkClinicalQueue reads the first page of a queue of 200 reviews on SQLite, a
// quarter of them high risk and each with two rounds of answers.
func BenchmarkClinicalQueue(b *testing.B) {
	env := testenv.New(b, testenv.SQLite(b), testenv.Options{NoQueue: true})
	f := env.Seed(b)
	ctx := context.Background()
	w := clinicalWorld{env: env, f: f}
	for i := range 200 {
		k := clinicalCase(b, env, f, fmt.Sprintf("Bench%d", i), 10, 3, 0)
		r, err := env.Svc.SubmitRequest(ctx, testenv.Actor(f.Consultant), k.ID,
			env.RequestInput(2, fmt.Sprint("bench-", i)))
		testenv.Must(b, err)
		task, err := env.Conn().RequestTask(ctx, r.ID)
		testenv.Must(b, err)
		risk := service.RiskLow
		if i%4 == 0 {
			risk = service.RiskHigh
		}
		w.answer(b, task.ID, risk)
		_, err = env.Svc.ClinicalDecide(ctx, testenv.Actor(f.Leader), r.ID,
			service.ClinicalDecisionInput{Decision: "more_information", Question: "More?"})
		testenv.Must(b, err)
		w.answer(b, task.ID, risk)
	}
	leader := testenv.Actor(f.Leader)

	b.ReportAllocs()
	for b.Loop() {
		list, err := env.Svc.ClinicalQueue(ctx, leader, firstPage())
		if err != nil || len(list) != 50 {
			b.Fatalf("ClinicalQueue = %d items, %v; want 50", len(list), err)
		}
	}
}
