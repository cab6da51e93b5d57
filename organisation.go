package phoenix

import "time"

// Organisation is an employer that buys EAP sessions for its staff.
type Organisation struct {
	ID   int64
	Name string
	// Region is the holiday region code (see package bizday), such as "VIC-MEL".
	Region string
	// TimeZone is the IANA zone of the organisation's business-rule dates and deadlines.
	TimeZone string
	Active   bool
	Contract Contract
}

// Location returns the organisation's time zone; it falls back to UTC only when the
// stored zone is unknown to this machine's tz database.
func (o Organisation) Location() *time.Location {
	loc, err := time.LoadLocation(o.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Contract is one version of an organisation's terms, in force from EffectiveFrom until
// the next version's date.
type Contract struct {
	ID                 int64
	OrganisationID     int64
	EffectiveFrom      Date
	SessionsPerPeriod  int
	MaxExtraPerRequest int
	ClinicalThreshold  int
	GoalDays           int
	DeadlineDays       int
}

// Limits on contract terms. MaxExtraLimit is the most sessions one extra sessions
// request may ask for under any contract.
const (
	MaxExtraLimit     = 4
	DefaultThreshold  = 12
	DefaultGoalDays   = 7
	DefaultDeadline   = 8
	maxSessionsPeriod = 52
	maxBusinessDays   = 30
)

// Validate checks the contract's terms.
func (c Contract) Validate() error {
	var v Validation
	if c.EffectiveFrom.IsZero() {
		v.Add("effective_from", "Effective from is required (YYYY-MM-DD).")
	}
	if c.SessionsPerPeriod < 1 || c.SessionsPerPeriod > maxSessionsPeriod {
		v.Add("sessions_per_period", "Sessions per client per 12 months must be a whole number from 1 to 52.")
	}
	if c.MaxExtraPerRequest < 1 || c.MaxExtraPerRequest > MaxExtraLimit {
		v.Add("max_extra_per_request", "Most extra sessions per request must be a whole number from 1 to 4.")
	}
	if c.ClinicalThreshold < 2 || c.ClinicalThreshold > 100 {
		v.Add("clinical_threshold", "Clinical review threshold must be a whole number from 2 to 100.")
	}
	if c.GoalDays < 1 || c.GoalDays > maxBusinessDays {
		v.Add("goal_days", "Goal must be a whole number of business days from 1 to 30.")
	}
	if c.DeadlineDays < c.GoalDays || c.DeadlineDays > maxBusinessDays {
		v.Add("deadline_days", "Deadline must be a whole number of business days from the goal to 30.")
	}
	return v.Err()
}
