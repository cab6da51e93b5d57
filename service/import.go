package service

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// MaxImportBytes is the largest CSV file of clients accepted: about 100,000 rows.
const MaxImportBytes = 10 << 20

// maxProblems is the maximum number of problems an import lists. The count of bad
// lines covers them all.
const maxProblems = 1000

// ImportUpload is an uploaded CSV file of clients.
type ImportUpload struct {
	FileName string
	Content  []byte
	// OrganisationID, when set, is the organisation of every row that names none.
	OrganisationID string
}

// StartImport stores an uploaded CSV file and queues the job that checks and imports
// it, and returns the import's ID for the progress page. Intake and administrators
// only.
func (s *Service) StartImport(ctx context.Context, a Actor, up ImportUpload) (int64, error) {
	if !canManageClients(a) {
		return 0, forbidden()
	}
	content, err := importText(up.Content)
	if err != nil {
		return 0, err
	}
	name := importFileName(up.FileName)
	var id int64
	err = s.db.InTx(ctx, func(c *store.Conn) error {
		orgID, err := s.importOrganisation(ctx, c, up.OrganisationID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		id, err = c.CreateImport(ctx, store.Import{CreatedBy: a.User.ID, IP: a.IP,
			OrganisationID: orgID, FileName: name, SizeBytes: len(up.Content),
			CreatedAt: now}, content)
		if err != nil {
			return err
		}
		if err := s.jobs.QueueImport(ctx, c.Tx(), id); err != nil {
			return err
		}
		return s.audit(ctx, c, a, "upload", "import", id, 0, 0,
			fmt.Sprintf("%s, %d bytes", name, len(up.Content)))
	})
	return id, err
}

// importText checks that the file is UTF-8 text of an accepted size and returns it
// without its byte order mark.
func importText(b []byte) (string, error) {
	field := func(msg string) error {
		return &phoenix.Error{Code: phoenix.EINVALID, Message: msg,
			Fields: map[string]string{"file": msg}}
	}
	if len(b) > MaxImportBytes {
		return "", field(fmt.Sprintf("The file is %.1f MB; the limit is %d MB. Split it "+
			"into smaller files.", float64(len(b))/(1<<20), MaxImportBytes>>20))
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(b)) == 0 {
		return "", field("The file is empty: choose a CSV file with a header row and one " +
			"row per client.")
	}
	if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return "", field("The file is not UTF-8 text. Save it from your spreadsheet as " +
			"\"CSV UTF-8\" and upload it again.")
	}
	return string(b), nil
}

// importFileName keeps the base name of an uploaded file, for display only.
func importFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" {
		return "clients.csv"
	}
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	return name
}

func (s *Service) importOrganisation(ctx context.Context, c *store.Conn, idText string) (int64, error) {
	if strings.TrimSpace(idText) == "" {
		return 0, nil
	}
	org, msg := s.clientOrganisation(ctx, c, idText, 0)
	if msg != "" {
		return 0, &phoenix.Error{Code: phoenix.EINVALID, Message: msg,
			Fields: map[string]string{"organisation_id": msg}}
	}
	return org.ID, nil
}

// ImportSummary is an import with the name of the person who uploaded it.
type ImportSummary struct {
	store.Import
	UploadedBy string
}

// Import returns an import's progress or outcome. Intake and administrators only.
func (s *Service) Import(ctx context.Context, a Actor, id int64) (ImportSummary, error) {
	if !canManageClients(a) {
		return ImportSummary{}, forbidden()
	}
	c := s.db.Conn()
	imp, err := c.Import(ctx, id)
	if err != nil {
		return ImportSummary{}, err
	}
	u, err := c.User(ctx, imp.CreatedBy)
	if err != nil {
		return ImportSummary{}, err
	}
	return ImportSummary{Import: imp, UploadedBy: u.Name}, nil
}

// Imports returns one page of imports, newest first. Intake and administrators only.
func (s *Service) Imports(ctx context.Context, a Actor, page store.Page) ([]ImportSummary, error) {
	if !canManageClients(a) {
		return nil, forbidden()
	}
	c := s.db.Conn()
	list, err := c.Imports(ctx, page)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, imp := range list {
		ids[i] = imp.CreatedBy
	}
	users, err := c.UsersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]ImportSummary, len(list))
	for i, imp := range list {
		out[i] = ImportSummary{Import: imp, UploadedBy: users[imp.CreatedBy].Name}
	}
	return out, nil
}

// FailImport records that an import's job gave up after an internal error. Nothing was
// imported, since the import commits in one transaction.
func (s *Service) FailImport(ctx context.Context, id int64, cause error) error {
	c := s.db.Conn()
	imp, err := c.Import(ctx, id)
	if err != nil || imp.Finished() {
		return err
	}
	s.logger.Error("client import failed", "import_id", id, "error", cause)
	imp.Status = store.ImportFailed
	imp.Message = "The import stopped on an internal error and imported nothing. " +
		"Upload the file again; if it fails again, tell your administrator."
	return c.FinishImport(ctx, imp, s.clock.Now())
}

// importOrgs finds organisations by ID and by name, ignoring case.
type importOrgs struct {
	byID   map[int64]phoenix.Organisation
	byName map[string]phoenix.Organisation
}

func loadImportOrgs(list []phoenix.Organisation) importOrgs {
	o := importOrgs{byID: map[int64]phoenix.Organisation{}, byName: map[string]phoenix.Organisation{}}
	for _, org := range list {
		o.byID[org.ID] = org
		o.byName[strings.ToLower(org.Name)] = org
	}
	return o
}

// find returns the organisation a row's cell names, by name or number, or the
// upload's organisation when the cell is empty.
func (o importOrgs) find(cell string, fallback int64) (phoenix.Organisation, string) {
	if cell == "" {
		if fallback == 0 {
			return phoenix.Organisation{}, "Organisation is missing: fill in the " +
				"organisation column, or choose an organisation when uploading."
		}
		return o.byID[fallback], ""
	}
	org, ok := o.byName[strings.ToLower(cell)]
	if !ok {
		if id, err := strconv.ParseInt(cell, 10, 64); err == nil {
			org, ok = o.byID[id]
		}
	}
	if !ok {
		return org, fmt.Sprintf("Organisation %q is not one of Phoenix's organisations.", cell)
	}
	if !org.Active {
		return org, fmt.Sprintf("%s is deactivated and takes no new clients.", org.Name)
	}
	return org, ""
}
