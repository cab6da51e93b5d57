package jobs

import (
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/phoenix-eap/phoenix"
)

func TestClockRetryFromSetClock(t *testing.T) {
	start := time.Date(2026, 10, 29, 3, 0, 0, 0, time.UTC)
	policy := clockRetryPolicy{clock: phoenix.NewSetClock(start)}
	tests := []struct {
		attempt int
		want    time.Duration
	}{
		{1, time.Second},
		{2, 16 * time.Second},
		{3, 81 * time.Second},
		{10, 10000 * time.Second},
		{25, maxBackoff},
	}
	for _, tt := range tests {
		got := policy.NextRetry(&rivertype.JobRow{Attempt: tt.attempt}).Sub(start)
		// The set clock runs forward while the test runs, by far less than a second.
		if got < tt.want || got > tt.want+time.Second {
			t.Errorf("NextRetry(attempt %d) = start + %s, want start + %s", tt.attempt, got, tt.want)
		}
	}
}
