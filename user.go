package phoenix

import "time"

// Role decides what a user may see and do.
type Role string

const (
	RoleConsultant     Role = "consultant"
	RoleIntake         Role = "intake"
	RoleClinicalLeader Role = "clinical_leader"
	RoleReviewer       Role = "org_reviewer"
	RoleAdmin          Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleConsultant, RoleIntake, RoleClinicalLeader, RoleReviewer, RoleAdmin}

// Label returns the role as shown on screen.
func (r Role) Label() string {
	switch r {
	case RoleConsultant:
		return "Consultant"
	case RoleIntake:
		return "Intake"
	case RoleClinicalLeader:
		return "Clinical leader"
	case RoleReviewer:
		return "Organisation reviewer"
	case RoleAdmin:
		return "Administrator"
	}
	return string(r)
}

// IsProviderStaff reports whether the role belongs to the EAP provider rather than to
// an employer.
func (r Role) IsProviderStaff() bool { return r != RoleReviewer && r != "" }

// User is an account that signs in to Phoenix.
type User struct {
	ID    int64
	Email string
	Name  string
	Role  Role
	// OrganisationID is set for organisation reviewers only.
	OrganisationID int64
	// TimeZone is the IANA zone the user's screens show times in.
	TimeZone  string
	Active    bool
	CreatedAt time.Time
}

// Location returns the user's time zone, or fallback when it is unset or unknown.
func (u User) Location(fallback *time.Location) *time.Location {
	if u.TimeZone == "" {
		return fallback
	}
	loc, err := time.LoadLocation(u.TimeZone)
	if err != nil {
		return fallback
	}
	return loc
}
