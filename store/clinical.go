package store

import (
	"context"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
)

// ClinicalReview is one round of a request's clinical review: the consultant's answers
// to the additional questions and, once a clinical leader has decided, the decision.
// A request sent back for more information gets a new round when the consultant
// answers again.
type ClinicalReview struct {
	ID        int64
	RequestID int64
	// Round counts from 1.
	Round int
	// Risk is none, low, moderate or high; RiskActions are the actions taken when the
	// risk is moderate or high.
	Risk             string
	RiskActions      string
	PresentingIssues string
	// Progress is the progress so far, with any outcome measure scores.
	Progress string
	// WhyEAP says why further EAP sessions suit the client rather than a referral.
	WhyEAP       string
	ReferralPlan string
	SubmittedBy  int64
	SubmittedAt  time.Time
	// Decision is empty until a clinical leader decides: support, not_supported or
	// more_information. DecisionText holds the reason or the question.
	Decision     string
	DecisionText string
	DecidedBy    int64
	DecidedAt    *time.Time
}

const clinicalColumns = `id, request_id, round, risk, risk_actions, presenting_issues,
	progress, why_eap, referral_plan, submitted_by, submitted_at, decision, decision_text,
	coalesce(decided_by, 0), decided_at`

func scanClinicalReview(row interface{ Scan(...any) error }) (ClinicalReview, error) {
	var r ClinicalReview
	err := row.Scan(&r.ID, &r.RequestID, &r.Round, &r.Risk, &r.RiskActions,
		&r.PresentingIssues, &r.Progress, &r.WhyEAP, &r.ReferralPlan, &r.SubmittedBy,
		at(&r.SubmittedAt), &r.Decision, &r.DecisionText, &r.DecidedBy,
		nullableAt{&r.DecidedAt})
	return r, err
}

// AddClinicalReview stores a round of answers. A second round with the same number on
// the same request fails with ECONFLICT.
func (c *Conn) AddClinicalReview(ctx context.Context, r ClinicalReview) (int64, error) {
	id, err := c.insert(ctx, `INSERT INTO clinical_reviews (request_id, round, risk,
		risk_actions, presenting_issues, progress, why_eap, referral_plan, submitted_by,
		submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.RequestID, r.Round, r.Risk,
		r.RiskActions, r.PresentingIssues, r.Progress, r.WhyEAP, r.ReferralPlan,
		r.SubmittedBy, atValue(r.SubmittedAt))
	if isUniqueViolation(err) {
		return 0, phoenix.Errorf(phoenix.ECONFLICT,
			"These clinical review answers were already submitted.")
	}
	return id, err
}

// ClinicalReviews returns a request's rounds, the first one first.
func (c *Conn) ClinicalReviews(ctx context.Context, requestID int64) ([]ClinicalReview, error) {
	rows, err := c.query(ctx, `SELECT `+clinicalColumns+` FROM clinical_reviews
		WHERE request_id = ? ORDER BY round`, requestID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanClinicalReview)
}

// LatestClinicalReview returns a request's latest round, or ENOTFOUND when the
// consultant has not answered yet.
func (c *Conn) LatestClinicalReview(ctx context.Context, requestID int64) (ClinicalReview, error) {
	r, err := scanClinicalReview(c.queryRow(ctx, `SELECT `+clinicalColumns+`
		FROM clinical_reviews WHERE request_id = ? ORDER BY round DESC LIMIT 1`, requestID))
	return r, notFound(err, "Clinical review")
}

// DecideClinicalReview records a clinical leader's decision on a round that has none
// yet. It fails with ECONFLICT when the round was already decided, so that two
// decisions can never both be stored, even by a caller that skipped the request lock.
func (c *Conn) DecideClinicalReview(ctx context.Context, id int64, decision, text string,
	by int64, now time.Time) error {
	res, err := c.exec(ctx, `UPDATE clinical_reviews SET decision = ?, decision_text = ?,
		decided_by = ?, decided_at = ? WHERE id = ? AND decision = ''`, decision, text, by,
		atValue(now), id)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return phoenix.Errorf(phoenix.ECONFLICT, "This clinical review was already decided.")
	}
	return nil
}

// ClinicalQueueItem is a row of the clinical leaders' queue: a request awaiting a
// clinical decision with its latest round of answers.
type ClinicalQueueItem struct {
	Request phoenix.Request
	Review  ClinicalReview
}

// ClinicalQueue returns one page of the requests awaiting a clinical decision: those
// whose latest answers rate the risk high first, then the oldest request first.
func (c *Conn) ClinicalQueue(ctx context.Context, page Page) ([]ClinicalQueueItem, error) {
	p := page.normal()
	rows, err := c.query(ctx, `SELECT `+prefixColumns(clinicalColumns, "cr")+`
		FROM clinical_reviews cr JOIN requests r ON r.id = cr.request_id
		WHERE r.state = ?
			AND cr.round = (SELECT max(round) FROM clinical_reviews WHERE request_id = r.id)
		ORDER BY CASE WHEN cr.risk = 'high' THEN 0 ELSE 1 END, r.submitted_at, r.id
		LIMIT ? OFFSET ?`, phoenix.StateAwaitingClinicalDecision, p.Limit, p.Offset)
	if err != nil {
		return nil, err
	}
	reviews, err := collect(rows, scanClinicalReview)
	if err != nil || len(reviews) == 0 {
		return nil, err
	}
	ids := make([]int64, len(reviews))
	for i, r := range reviews {
		ids[i] = r.RequestID
	}
	requests, err := c.requestsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]ClinicalQueueItem, len(reviews))
	for i, r := range reviews {
		out[i] = ClinicalQueueItem{Request: requests[r.RequestID], Review: r}
	}
	return out, nil
}

func (c *Conn) requestsByID(ctx context.Context, ids []int64) (map[int64]phoenix.Request, error) {
	in, args := inList(ids)
	rows, err := c.query(ctx, `SELECT `+requestColumns+` FROM requests WHERE id IN (`+in+`)`,
		args...)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, scanRequest)
	out := make(map[int64]phoenix.Request, len(list))
	for _, r := range list {
		out[r.ID] = r
	}
	return out, err
}

// prefixColumns qualifies each column of a list with a table alias. An expression such
// as coalesce(decided_by, 0) gets the alias on its first argument.
func prefixColumns(columns, alias string) string {
	parts := strings.Split(columns, ",")
	out := make([]string, 0, len(parts))
	for i := 0; i < len(parts); i++ {
		col := strings.TrimSpace(parts[i])
		if name, ok := strings.CutPrefix(col, "coalesce("); ok {
			out = append(out, "coalesce("+alias+"."+name+","+parts[i+1])
			i++
			continue
		}
		out = append(out, alias+"."+col)
	}
	return strings.Join(out, ", ")
}
