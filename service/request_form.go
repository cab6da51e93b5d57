package service

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/phoenix-eap/phoenix"
)

// RequestInput is the extra sessions request form as typed. Every field is kept as
// text so that a rejected form comes back exactly as it was sent.
type RequestInput struct {
	Requestor    string `json:"requestor"`
	Sessions     string `json:"sessions"`
	RequestDate  string `json:"request_date"`
	Goals        string `json:"goals"`
	Pathway      string `json:"pathway"`
	PathwayOther string `json:"pathway_other"`
	// IdempotencyKey is generated with the form; a repeat of the same submission
	// returns the request the first one created.
	IdempotencyKey string `json:"idempotency_key"`
}

// parseRequest checks every field of the form, on the server, whatever the browser
// sent. today is the date in the organisation's time zone.
func parseRequest(in RequestInput, contract phoenix.Contract, today phoenix.Date,
	who phoenix.ClientIdentity) (phoenix.Request, error) {
	var v Validation
	var r phoenix.Request

	r.Requestor = phoenix.Requestor(strings.TrimSpace(in.Requestor))
	if r.Requestor == "" {
		r.Requestor = phoenix.RequestorConsultant
	}
	if !validRequestor(r.Requestor) {
		v.Add("requestor", "Requestor must be Consultant, Client or Intake.")
	}

	maxN := min(contract.MaxExtraPerRequest, phoenix.MaxExtraLimit)
	n, err := strconv.Atoi(strings.TrimSpace(in.Sessions))
	if err != nil || n < 1 || n > maxN {
		v.Add("sessions", fmt.Sprintf("Number of extra sessions must be a whole number from 1 "+
			"to %d, the most this organisation's contract allows in one request.", maxN))
	}
	r.Sessions = n

	day, err := phoenix.ParseDate(strings.TrimSpace(in.RequestDate))
	switch {
	case strings.TrimSpace(in.RequestDate) == "":
		v.Add("request_date", fmt.Sprintf("Date of request is required: pick today, %s.", today))
	case err != nil:
		v.Add("request_date", fmt.Sprintf("Date of request must be a real date in the form "+
			"YYYY-MM-DD: pick today, %s.", today))
	case day != today:
		v.Add("request_date", fmt.Sprintf("Date of request must be today in the "+
			"organisation's time zone, %s.", today))
	}
	r.RequestDate = day

	r.Goals = phoenix.CleanText(in.Goals)
	checkText(&v, "goals", "Goals", r.Goals, phoenix.MaxGoalsLength, true, who)

	r.Pathway = phoenix.Pathway(strings.TrimSpace(in.Pathway))
	switch {
	case r.Pathway == "":
		v.Add("pathway", "Referral pathway is required: choose one of the options.")
	case !validPathway(r.Pathway):
		v.Add("pathway", "Referral pathway must be one of the options: continue_eap, "+
			"gp_or_psychologist, psychiatrist, community_or_specialist or other.")
	}
	r.PathwayOther = phoenix.CleanText(in.PathwayOther)
	if r.Pathway == phoenix.PathwayOther {
		checkText(&v, "pathway_other", "The other referral pathway", r.PathwayOther,
			phoenix.MaxPathwayOtherLength, true, who)
	} else {
		r.PathwayOther = ""
	}
	return r, v.Err()
}

// checkText applies the rules of free text that goes to the organisation: required,
// a length limit in characters, and no detail that identifies the client.
func checkText(v *Validation, field, label, text string, maxLen int, required bool,
	who phoenix.ClientIdentity) {
	n := utf8.RuneCountInString(text)
	switch {
	case n == 0 && required:
		v.Add(field, label+" is required.")
	case n > maxLen:
		v.Add(field, fmt.Sprintf("%s must be at most %d characters; it has %d.", label, maxLen, n))
	default:
		if msg := phoenix.CheckFreeText(label, text, who); msg != "" {
			v.Add(field, msg)
		}
	}
}

func validRequestor(r phoenix.Requestor) bool {
	for _, x := range phoenix.Requestors {
		if x == r {
			return true
		}
	}
	return false
}

func validPathway(p phoenix.Pathway) bool {
	for _, x := range phoenix.Pathways {
		if x == p {
			return true
		}
	}
	return false
}
