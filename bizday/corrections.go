package bizday

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/phoenix-eap/phoenix"
)

// correctionsTSV is the table of one-off holidays and dated corrections. Its header
// comment describes the columns.
//
//go:embed corrections.tsv
var correctionsTSV string

// status is the confidence in a correction's date, from the kind of source found.
type status string

const (
	statusOfficial  status = "official"
	statusSecondary status = "secondary"
	statusExpected  status = "expected"
)

// action is the change a correction makes to the library's holidays.
type action string

const (
	actionAdd     action = "add"
	actionConfirm action = "confirm"
	actionRemove  action = "remove"
)

// correction is one row of corrections.tsv.
type correction struct {
	regions []Region
	date    phoenix.Date
	action  action
	name    string
	status  status
	source  string
}

// corrections holds the parsed table. A malformed table stops the program at start-up,
// and a test parses it too.
var corrections = mustParseCorrections(correctionsTSV)

func mustParseCorrections(text string) []correction {
	rows, err := parseCorrections(text)
	if err != nil {
		panic(err)
	}
	return rows
}

// parseCorrections parses the table format of corrections.tsv. Blank lines and lines
// that start with # are skipped.
func parseCorrections(text string) ([]correction, error) {
	var rows []correction
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		row, err := parseCorrection(line)
		if err != nil {
			return nil, fmt.Errorf("corrections.tsv line %d: %w", i+1, err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func parseCorrection(line string) (correction, error) {
	fields := strings.Split(line, "\t")
	if len(fields) != 6 {
		return correction{}, fmt.Errorf("got %d tab-separated fields, want 6", len(fields))
	}

	regions, err := parseRegionList(fields[0])
	if err != nil {
		return correction{}, err
	}
	date, err := phoenix.ParseDate(fields[1])
	if err != nil {
		return correction{}, err
	}

	row := correction{regions: regions, date: date, action: action(fields[2]),
		name: fields[3], status: status(fields[4]), source: fields[5]}
	switch {
	case row.action != actionAdd && row.action != actionConfirm && row.action != actionRemove:
		return correction{}, fmt.Errorf("invalid action %q: use add, confirm or remove",
			fields[2])
	case row.status != statusOfficial && row.status != statusSecondary &&
		row.status != statusExpected:
		return correction{}, fmt.Errorf("invalid status %q: use official, secondary or expected",
			fields[4])
	case strings.TrimSpace(row.name) == "":
		return correction{}, fmt.Errorf("missing holiday name")
	case strings.TrimSpace(row.source) == "":
		return correction{}, fmt.Errorf("missing source")
	}
	return row, nil
}

func parseRegionList(field string) ([]Region, error) {
	if field == "ALL" {
		all := make([]Region, len(regions))
		for i, info := range regions {
			all[i] = info.Code
		}
		return all, nil
	}

	var list []Region
	for _, code := range strings.Split(field, ",") {
		r := Region(code)
		if _, ok := r.Info(); !ok {
			return nil, fmt.Errorf("unknown region %q: use ALL or codes from %s", code,
				regionCodes())
		}
		list = append(list, r)
	}
	return list, nil
}

// appliesTo reports whether the correction covers region r.
func (c correction) appliesTo(r Region) bool {
	for _, region := range c.regions {
		if region == r {
			return true
		}
	}
	return false
}
