package demo

import "context"

// clinicalStages takes some of the demo's near-threshold requests through clinical
// review, so the clinical leaders' queue has work in it.
func (g *generator) clinicalStages(ctx context.Context) error {
	// TODO: submit near-threshold requests and answer their clinical questions.
	return nil
}
