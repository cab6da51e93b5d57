package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
	"github.com/phoenix-eap/phoenix/store"
)

// maxUploadBody is the largest body of an import upload: the file plus room for the
// multipart framing and the form's other fields.
const maxUploadBody = service.MaxImportBytes + 64<<10

func (s *Server) importRoutes() {
	s.mux.Handle("GET /imports", s.page(s.importForm))
	s.mux.Handle("POST /imports", limitUpload(s.page(s.uploadImport)))
	s.mux.Handle("GET /imports/{id}", s.page(s.importStatus))
}

// limitUpload rejects an upload larger than maxUploadBody before anything reads it,
// including the CSRF check, which parses a multipart form to find its token.
func limitUpload(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxUploadBody {
			msg := fmt.Sprintf("The file is larger than the limit of %d MB. Split it into "+
				"smaller files.", service.MaxImportBytes>>20)
			err := &phoenix.Error{Code: phoenix.EINVALID, Message: msg,
				Fields: map[string]string{"file": msg}}
			w.Header().Set("Connection", "close")
			if wantsJSON(r) {
				writeJSON(w, http.StatusRequestEntityTooLarge, errorBody(err))
				return
			}
			http.Error(w, msg, http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
		next.ServeHTTP(w, r)
	})
}

type importProblemJSON struct {
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

type importJSON struct {
	ID           int64               `json:"id"`
	FileName     string              `json:"file_name"`
	UploadedBy   string              `json:"uploaded_by"`
	Status       string              `json:"status"`
	Finished     bool                `json:"finished"`
	TotalRows    int                 `json:"total_rows"`
	CheckedRows  int                 `json:"checked_rows"`
	ImportedRows int                 `json:"imported_rows"`
	BadRows      int                 `json:"bad_rows"`
	Message      string              `json:"message,omitempty"`
	Problems     []importProblemJSON `json:"problems"`
	CreatedAt    time.Time           `json:"created_at"`
	FinishedAt   *time.Time          `json:"finished_at,omitempty"`
	URL          string              `json:"url"`
}

func toImportJSON(v service.ImportSummary) importJSON {
	out := importJSON{ID: v.ID, FileName: v.FileName, UploadedBy: v.UploadedBy,
		Status: v.Status, Finished: v.Finished(), TotalRows: v.TotalRows,
		CheckedRows: v.CheckedRows, ImportedRows: v.ImportedRows, BadRows: v.BadRows,
		Message: v.Message, Problems: make([]importProblemJSON, len(v.Problems)),
		CreatedAt: v.CreatedAt, FinishedAt: v.FinishedAt,
		URL: fmt.Sprintf("/imports/%d", v.ID)}
	for i, p := range v.Problems {
		out.Problems[i] = importProblemJSON(p)
	}
	return out
}

// importPage is the upload form with the recent imports and any message.
type importPage struct {
	Imports       []service.ImportSummary
	Organisations []service.OrganisationView
	Input         string
	MaxMB         int
	Fields        map[string]string
	Error         string
}

func (s *Server) renderImportForm(w http.ResponseWriter, r *http.Request, a service.Actor,
	status int, p importPage) error {
	var err error
	if p.Imports, err = s.svc.Imports(r.Context(), a, store.Page{Limit: 20}); err != nil {
		return err
	}
	if p.Organisations, err = s.svc.Organisations(r.Context(), a); err != nil {
		return err
	}
	p.MaxMB = service.MaxImportBytes >> 20
	s.render(w, r, status, "import", p)
	return nil
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	if wantsJSON(r) {
		list, err := s.svc.Imports(r.Context(), a, store.Page{Limit: 20})
		if err != nil {
			return err
		}
		out := make([]importJSON, len(list))
		for i, v := range list {
			out[i] = toImportJSON(v)
		}
		writeJSON(w, http.StatusOK, map[string]any{"imports": out})
		return nil
	}
	return s.renderImportForm(w, r, a, http.StatusOK, importPage{})
}

// uploadImport takes a CSV file from a multipart form (field "file", with
// "organisation_id") or, for API clients, as a text/csv body with ?organisation_id=.
func (s *Server) uploadImport(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	up, err := readUpload(r)
	var id int64
	if err == nil {
		id, err = s.svc.StartImport(r.Context(), a, up)
	}
	if err != nil {
		if !showFormError(r, err) {
			return err
		}
		return s.renderImportForm(w, r, a, statusOf(phoenix.ErrorCode(err)), importPage{
			Input: up.OrganisationID, Fields: phoenix.ErrorFields(err),
			Error: phoenix.ErrorMessage(err)})
	}
	v, err := s.svc.Import(r.Context(), a, id)
	if err != nil {
		return err
	}
	redirectOrJSON(w, r, fmt.Sprintf("/imports/%d", id), http.StatusAccepted,
		toImportJSON(v))
	return nil
}

func readUpload(r *http.Request) (service.ImportUpload, error) {
	fileError := func(msg string) error {
		return &phoenix.Error{Code: phoenix.EINVALID, Message: msg,
			Fields: map[string]string{"file": msg}}
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		q := r.URL.Query()
		b, err := readAllLimited(r.Body)
		return service.ImportUpload{FileName: q.Get("file_name"), Content: b,
			OrganisationID: q.Get("organisation_id")}, err
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return service.ImportUpload{}, fileError("The upload could not be read: send the " +
			"file as multipart/form-data in the field \"file\", or as a text/csv body.")
	}
	up := service.ImportUpload{OrganisationID: r.PostFormValue("organisation_id")}
	f, header, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return up, fileError("Choose a CSV file to upload.")
	}
	if err != nil {
		return up, err
	}
	defer f.Close()
	up.FileName = header.Filename
	up.Content, err = readAllLimited(f)
	return up, err
}

// readAllLimited reads up to one byte more than the import limit, so that the service
// can reject a larger file with its own message.
func readAllLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, service.MaxImportBytes+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		msg := fmt.Sprintf("The file is larger than the limit of %d MB.", service.MaxImportBytes>>20)
		return nil, &phoenix.Error{Code: phoenix.EINVALID, Message: msg,
			Fields: map[string]string{"file": msg}}
	}
	return b, err
}

func (s *Server) importStatus(w http.ResponseWriter, r *http.Request, a service.Actor) error {
	id, err := pathID(r, "id", "Import")
	if err != nil {
		return err
	}
	v, err := s.svc.Import(r.Context(), a, id)
	if err != nil {
		return err
	}
	p := importStatusPage{ImportSummary: v}
	for _, prob := range v.Problems {
		column := columnLabels[prob.Field]
		if column == "" {
			column = "the whole row"
		}
		p.Rows = append(p.Rows, importProblemRow{Line: prob.Line, Column: column,
			Message: prob.Message})
	}
	s.respond(w, r, "import_status", p, toImportJSON(v))
	return nil
}

// importStatusPage is an import's progress or outcome, with its problems as the page
// lists them.
type importStatusPage struct {
	service.ImportSummary
	Rows []importProblemRow
}

type importProblemRow struct {
	Line    int
	Column  string
	Message string
}

// columnLabels names the client field of each problem.
var columnLabels = map[string]string{
	"organisation": "Organisation", "first_name": "First name", "last_name": "Last name",
	"preferred_name": "Preferred name", "date_of_birth": "Date of birth", "email": "Email",
	"phone": "Phone", "employee_number": "Employee number", "relation": "Relation",
}
