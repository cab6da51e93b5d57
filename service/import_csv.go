package service

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/phoenix-eap/phoenix/store"
)

// headerNames maps each accepted column heading, reduced to lower-case letters and
// digits by headerKey, to the client field it fills. docs/administration.md lists them.
var headerNames = map[string]string{
	"firstname": "first_name", "givenname": "first_name", "givennames": "first_name",
	"forename": "first_name", "first": "first_name",

	"lastname": "last_name", "surname": "last_name", "familyname": "last_name",
	"last": "last_name",

	"preferredname": "preferred_name", "knownas": "preferred_name",
	"nickname": "preferred_name",

	"dateofbirth": "date_of_birth", "dob": "date_of_birth", "birthdate": "date_of_birth",
	"birthday": "date_of_birth",

	"email": "email", "emailaddress": "email",

	"phone": "phone", "phonenumber": "phone", "mobile": "phone", "mobilenumber": "phone",
	"mobilephone": "phone", "telephone": "phone", "contactnumber": "phone",

	"employeenumber": "employee_number", "employeeno": "employee_number",
	"employeeid": "employee_number", "staffnumber": "employee_number",
	"staffid": "employee_number", "payrollnumber": "employee_number",
	"empno": "employee_number",

	"relation": "relation", "relationship": "relation",
	"relationshiptoemployee": "relation",

	"organisation": "organisation", "organization": "organisation",
	"organisationname": "organisation", "organizationname": "organisation",
	"organisationid": "organisation", "employer": "organisation", "company": "organisation",
}

// fieldLabels names each client field in messages about the file's columns.
var fieldLabels = map[string]string{
	"first_name": "first name", "last_name": "last name", "preferred_name": "preferred name",
	"date_of_birth": "date of birth", "email": "email", "phone": "phone",
	"employee_number": "employee number", "relation": "relation",
	"organisation": "organisation",
}

// headerKey reduces a heading to lower-case letters and digits, so that "Date of
// Birth", "date_of_birth" and "DATE-OF-BIRTH" are one heading.
func headerKey(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// csvRow is one record of the file with the line it starts on. A record whose
// number of values differs from the header's has a problem and no values.
type csvRow struct {
	line    int
	values  []string
	problem string
}

// csvFile is a parsed import file: the column of each field, the headings ignored and
// the records after the header.
type csvFile struct {
	columns map[string]int
	width   int
	ignored []string
	rows    []csvRow
}

// value returns the row's trimmed value for field, or "" when the file has no such
// column.
func (f *csvFile) value(r csvRow, field string) string {
	i, ok := f.columns[field]
	if !ok || i >= len(r.values) {
		return ""
	}
	return strings.TrimSpace(r.values[i])
}

// readCSV parses the file. A problem with the header, or CSV that cannot be parsed,
// is returned as a problem and ends the reading, since the rows after it cannot be
// trusted. Blank records are skipped.
func readCSV(content string) (csvFile, []store.ImportProblem) {
	r := csv.NewReader(strings.NewReader(content))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return csvFile{}, []store.ImportProblem{{Line: 1,
			Message: "The file is empty: it needs a header row and one row per client."}}
	}
	if err != nil {
		return csvFile{}, []store.ImportProblem{parseProblem(err)}
	}
	f, problems := readHeader(header)
	if len(problems) > 0 {
		return f, problems
	}
	for {
		values, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, parseProblem(err))
			break
		}
		line, _ := r.FieldPos(0)
		if blank(values) {
			continue
		}
		row := csvRow{line: line, values: values}
		if len(values) != f.width {
			row = csvRow{line: line, problem: fmt.Sprintf(
				"This row has %d values but the header has %d columns.", len(values), f.width)}
		}
		f.rows = append(f.rows, row)
	}
	if len(f.rows) == 0 && len(problems) == 0 {
		problems = append(problems, store.ImportProblem{Line: 1,
			Message: "The file has a header row but no clients."})
	}
	return f, problems
}

func readHeader(header []string) (csvFile, []store.ImportProblem) {
	f := csvFile{columns: map[string]int{}, width: len(header)}
	var problems []store.ImportProblem
	for i, h := range header {
		field, ok := headerNames[headerKey(h)]
		if !ok {
			if strings.TrimSpace(h) != "" {
				f.ignored = append(f.ignored, strings.TrimSpace(h))
			}
			continue
		}
		if _, dup := f.columns[field]; dup {
			problems = append(problems, store.ImportProblem{Line: 1, Field: field,
				Message: fmt.Sprintf("Two columns hold the %s: keep one.", fieldLabels[field])})
			continue
		}
		f.columns[field] = i
	}
	for _, field := range []string{"first_name", "last_name", "date_of_birth"} {
		if _, ok := f.columns[field]; !ok {
			problems = append(problems, store.ImportProblem{Line: 1, Field: field,
				Message: fmt.Sprintf("The header has no %s column.", fieldLabels[field])})
		}
	}
	return f, problems
}

func parseProblem(err error) store.ImportProblem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return store.ImportProblem{Line: pe.Line, Message: fmt.Sprintf(
			"The file is not valid CSV here (column %d: %v); rows from this line on were "+
				"not checked.", pe.Column, pe.Err)}
	}
	return store.ImportProblem{Line: 1, Message: fmt.Sprintf("The file could not be read: %v.", err)}
}

func blank(values []string) bool {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}
