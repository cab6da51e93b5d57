package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Import states. An import is queued, checked row by row, then imported in one
// transaction; it ends done, rejected (bad rows, nothing imported) or failed (an
// internal error, nothing imported).
const (
	ImportQueued    = "queued"
	ImportChecking  = "checking"
	ImportImporting = "importing"
	ImportDone      = "done"
	ImportRejected  = "rejected"
	ImportFailed    = "failed"
)

// ImportProblem is one bad row of an import, or a problem with the whole file when
// Line is the header's.
type ImportProblem struct {
	Line int `json:"line"`
	// Field is the client field at fault, or "" for the row or file as a whole.
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Import is a CSV file of clients being checked and imported.
type Import struct {
	ID        int64
	CreatedBy int64
	IP        string
	// OrganisationID is the organisation chosen on the upload form, or zero; it
	// applies to rows that name none.
	OrganisationID int64
	FileName       string
	SizeBytes      int
	Status         string
	TotalRows      int
	CheckedRows    int
	ImportedRows   int
	BadRows        int
	Problems       []ImportProblem
	Message        string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	FinishedAt     *time.Time
}

// Finished reports whether the import has ended, well or not.
func (i Import) Finished() bool {
	return i.Status == ImportDone || i.Status == ImportRejected || i.Status == ImportFailed
}

const importColumns = `id, created_by, ip, coalesce(organisation_id, 0), file_name,
	size_bytes, status, total_rows, checked_rows, imported_rows, bad_rows, problems, message,
	created_at, updated_at, finished_at`

func scanImport(row interface{ Scan(...any) error }) (Import, error) {
	var i Import
	var problems string
	err := row.Scan(&i.ID, &i.CreatedBy, &i.IP, &i.OrganisationID, &i.FileName, &i.SizeBytes,
		&i.Status, &i.TotalRows, &i.CheckedRows, &i.ImportedRows, &i.BadRows, &problems,
		&i.Message, at(&i.CreatedAt), at(&i.UpdatedAt), nullableAt{&i.FinishedAt})
	if err != nil {
		return i, err
	}
	if err := json.Unmarshal([]byte(problems), &i.Problems); err != nil {
		return i, fmt.Errorf("store: reading problems of import %d: %w", i.ID, err)
	}
	return i, nil
}

// CreateImport stores an uploaded file, queued for checking, and returns its ID.
func (c *Conn) CreateImport(ctx context.Context, i Import, content string) (int64, error) {
	return c.insert(ctx, `INSERT INTO imports (created_by, ip, organisation_id, file_name,
		size_bytes, content, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, i.CreatedBy, i.IP, nullID(i.OrganisationID),
		i.FileName, i.SizeBytes, content, ImportQueued, atValue(i.CreatedAt),
		atValue(i.CreatedAt))
}

// Import returns an import without its file.
func (c *Conn) Import(ctx context.Context, id int64) (Import, error) {
	i, err := scanImport(c.queryRow(ctx, `SELECT `+importColumns+` FROM imports WHERE id = ?`, id))
	return i, notFound(err, "Import")
}

// ImportContent returns the uploaded file of an import that has not yet finished.
func (c *Conn) ImportContent(ctx context.Context, id int64) (string, error) {
	var content string
	err := c.queryRow(ctx, `SELECT content FROM imports WHERE id = ?`, id).Scan(&content)
	return content, notFound(err, "Import")
}

// Imports returns one page of imports, newest first.
func (c *Conn) Imports(ctx context.Context, page Page) ([]Import, error) {
	p := page.normal()
	rows, err := c.query(ctx, `SELECT `+importColumns+` FROM imports
		ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, p.Limit, p.Offset)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanImport)
}

// SetImportProgress records an unfinished import's state and how many rows are checked.
func (c *Conn) SetImportProgress(ctx context.Context, id int64, status string, checked,
	total int, now time.Time) error {
	_, err := c.exec(ctx, `UPDATE imports SET status = ?, checked_rows = ?, total_rows = ?,
		updated_at = ? WHERE id = ?`, status, checked, total, atValue(now), id)
	return err
}

// FinishImport records an import's outcome and deletes its file, which holds personal
// information that is no longer needed.
func (c *Conn) FinishImport(ctx context.Context, i Import, now time.Time) error {
	problems, err := json.Marshal(i.Problems)
	if err != nil {
		return err
	}
	if i.Problems == nil {
		problems = []byte("[]")
	}
	_, err = c.exec(ctx, `UPDATE imports SET status = ?, total_rows = ?, checked_rows = ?,
		imported_rows = ?, bad_rows = ?, problems = ?, message = ?, content = '',
		updated_at = ?, finished_at = ? WHERE id = ?`, i.Status, i.TotalRows, i.CheckedRows,
		i.ImportedRows, i.BadRows, string(problems), i.Message, atValue(now), atValue(now), i.ID)
	return err
}
