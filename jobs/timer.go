package jobs

import (
	"context"
	"errors"

	"github.com/riverqueue/river"

	"github.com/phoenix-eap/phoenix/service"
)

// TimerArgs fires one timer of a request.
type TimerArgs struct {
	RequestID int64  `json:"request_id"`
	Timer     string `json:"timer"`
}

// Kind names the job for River.
func (TimerArgs) Kind() string { return "request_timer" }

type timerWorker struct {
	river.WorkerDefaults[TimerArgs]
	handler TimerHandler
}

func (w *timerWorker) Work(ctx context.Context, job *river.Job[TimerArgs]) error {
	if w.handler == nil {
		return errors.New("no timer handler is set")
	}
	return w.handler.FireTimer(ctx, job.Args.RequestID, service.TimerKind(job.Args.Timer))
}
