package phoenix

import "time"

// RequestState is the state of an extra sessions request.
type RequestState string

const (
	StateAwaitingClinicalQuestions RequestState = "awaiting_clinical_questions"
	StateAwaitingClinicalDecision  RequestState = "awaiting_clinical_decision"
	StateAwaitingOrganisation      RequestState = "awaiting_organisation"
	StateApproved                  RequestState = "approved"
	StateDeclined                  RequestState = "declined"
	StateWithdrawn                 RequestState = "withdrawn"
)

// Label returns the state as screens show it.
func (s RequestState) Label() string {
	switch s {
	case StateAwaitingClinicalQuestions:
		return "Awaiting clinical questions"
	case StateAwaitingClinicalDecision:
		return "Awaiting clinical decision"
	case StateAwaitingOrganisation:
		return "Awaiting organisation"
	case StateApproved:
		return "Approved"
	case StateDeclined:
		return "Declined"
	case StateWithdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// Open reports whether the request still awaits its outcome.
func (s RequestState) Open() bool {
	switch s {
	case StateAwaitingClinicalQuestions, StateAwaitingClinicalDecision, StateAwaitingOrganisation:
		return true
	}
	return false
}

// Holder returns who has the request now, in words for the status page.
func (s RequestState) Holder() string {
	switch s {
	case StateAwaitingClinicalQuestions:
		return "The consultant, who must answer the clinical review questions"
	case StateAwaitingClinicalDecision:
		return "The clinical leaders"
	case StateAwaitingOrganisation:
		return "The client's organisation"
	}
	return "No one: the request is closed"
}

// Requestor is who asked for the extra sessions.
type Requestor string

const (
	RequestorConsultant Requestor = "consultant"
	RequestorClient     Requestor = "client"
	RequestorIntake     Requestor = "intake"
)

// Requestors lists the choices in the order the form shows them.
var Requestors = []Requestor{RequestorConsultant, RequestorClient, RequestorIntake}

// Label returns the requestor as the form shows it.
func (r Requestor) Label() string {
	switch r {
	case RequestorConsultant:
		return "Consultant"
	case RequestorClient:
		return "Client"
	case RequestorIntake:
		return "Intake"
	}
	return string(r)
}

// Pathway is the referral pathway the consultant proposes.
type Pathway string

const (
	PathwayContinueEAP  Pathway = "continue_eap"
	PathwayGP           Pathway = "gp_or_psychologist"
	PathwayPsychiatrist Pathway = "psychiatrist"
	PathwayCommunity    Pathway = "community_or_specialist"
	PathwayOther        Pathway = "other"
)

// Pathways lists the choices in the order the form shows them.
var Pathways = []Pathway{PathwayContinueEAP, PathwayGP, PathwayPsychiatrist, PathwayCommunity, PathwayOther}

// Label returns the pathway as the form shows it.
func (p Pathway) Label() string {
	switch p {
	case PathwayContinueEAP:
		return "Continue with the EAP"
	case PathwayGP:
		return "Referral to a GP or psychologist"
	case PathwayPsychiatrist:
		return "Referral to a psychiatrist"
	case PathwayCommunity:
		return "Community or specialist service"
	case PathwayOther:
		return "Other"
	}
	return string(p)
}

// Request is an extra sessions request, a child of an Assist case.
type Request struct {
	ID             int64
	CaseID         int64
	ClientID       int64
	OrganisationID int64
	ConsultantID   int64
	ContractID     int64
	Requestor      Requestor
	Sessions       int
	RequestDate    Date
	Goals          string
	Pathway        Pathway
	PathwayOther   string
	State          RequestState
	// Counts are the client's period counts at submission, kept so the status page
	// can show why the request went to clinical review.
	Counts Counts
	// Threshold is the contract's clinical review threshold at submission.
	Threshold int
	// Allowance is the case's allowance at submission, raised by this request's own
	// approval; later changes to the case do not alter it.
	Allowance int

	SubmittedAt time.Time
	// ReceivedAt is when the request reached the organisation; Goal and Deadline are
	// set from it.
	ReceivedAt *time.Time
	Goal       *time.Time
	Deadline   *time.Time

	ClinicallySupported bool
	Approved            int
	Reason              string
	DecidedAt           *time.Time
	Overdue             bool
}

// Reference returns the request number, such as ESR-000042.
func (r Request) Reference() string { return RequestReference(r.ID) }

// Limits on the request form's free text, in characters.
const (
	MaxGoalsLength        = 2000
	MaxPathwayOtherLength = 200
	MaxReasonLength       = 1000
)
