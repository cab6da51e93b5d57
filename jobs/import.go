package jobs

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/riverqueue/river"
)

// ImportArgs checks and imports one CSV file of clients.
type ImportArgs struct {
	ImportID int64 `json:"import_id"`
}

// Kind names the job for River.
func (ImportArgs) Kind() string { return "client_import" }

// ImportHandler checks and imports CSV files of clients.
type ImportHandler interface {
	RunImport(ctx context.Context, importID int64) error
	// FailImport records that the import gave up after its last attempt.
	FailImport(ctx context.Context, importID int64, cause error) error
}

// importMaxAttempts is the number of tries of an import that meets an internal error,
// such as a lost database connection. Each try starts over, since a failed one commits
// nothing.
const importMaxAttempts = 3

type importWorker struct {
	river.WorkerDefaults[ImportArgs]
	handler ImportHandler
}

// Timeout gives an import longer than other jobs: the largest file accepted holds
// about 100,000 rows.
func (w *importWorker) Timeout(*river.Job[ImportArgs]) time.Duration { return 10 * time.Minute }

func (w *importWorker) Work(ctx context.Context, job *river.Job[ImportArgs]) error {
	if w.handler == nil {
		return errors.New("no import handler is set")
	}
	err := w.handler.RunImport(ctx, job.Args.ImportID)
	if err != nil && job.Attempt >= job.MaxAttempts {
		ferr := w.handler.FailImport(context.WithoutCancel(ctx), job.Args.ImportID, err)
		return errors.Join(err, ferr)
	}
	return err
}

// SetImportHandler sets who checks and imports CSV files of clients.
func (q *Queue) SetImportHandler(h ImportHandler) { q.imports.handler = h }

// QueueImport queues the job of an import in tx.
func (q *Queue) QueueImport(ctx context.Context, tx *sql.Tx, importID int64) error {
	_, err := q.client.InsertTx(ctx, tx, ImportArgs{ImportID: importID},
		&river.InsertOpts{MaxAttempts: importMaxAttempts})
	return err
}
