package jobs

import (
	"math"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/phoenix-eap/phoenix"
)

// maxBackoff caps the wait between two attempts of a failed job.
const maxBackoff = 24 * time.Hour

// clockRetryPolicy waits attempt^4 seconds after a failure, as River's default
// policy does, but counts from Phoenix's clock. River's default counts from the system
// clock, so under a clock set in the past (a demo started with --now) a failed email
// would wait until the real date caught up before its next attempt.
type clockRetryPolicy struct{ clock phoenix.Clock }

func (p clockRetryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	attempt := max(len(job.Errors)+1, job.Attempt, 1)
	wait := time.Duration(math.Pow(float64(attempt), 4)) * time.Second
	return p.clock.Now().Add(min(wait, maxBackoff))
}
