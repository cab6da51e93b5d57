package phoenix

import (
	"fmt"
	"time"
)

// SessionStatus is the state of an appointment.
type SessionStatus string

const (
	SessionScheduled        SessionStatus = "scheduled"
	SessionCompleted        SessionStatus = "completed"
	SessionCancelled        SessionStatus = "cancelled"
	SessionLateCancellation SessionStatus = "late_cancellation"
	SessionDidNotAttend     SessionStatus = "did_not_attend"
)

// SessionStatuses lists every status in the order screens show them.
var SessionStatuses = []SessionStatus{
	SessionScheduled, SessionCompleted, SessionCancelled,
	SessionLateCancellation, SessionDidNotAttend,
}

// Label returns the status as shown on screen.
func (s SessionStatus) Label() string {
	switch s {
	case SessionScheduled:
		return "Scheduled"
	case SessionCompleted:
		return "Completed"
	case SessionCancelled:
		return "Cancelled"
	case SessionLateCancellation:
		return "Late cancellation"
	case SessionDidNotAttend:
		return "Did not attend"
	}
	return string(s)
}

// UsesSession reports whether a session in this status uses one of the client's
// sessions: completed, late cancellation and did not attend do.
func (s SessionStatus) UsesSession() bool {
	return s == SessionCompleted || s == SessionLateCancellation || s == SessionDidNotAttend
}

// StartsPeriod reports whether a session in this status can begin a 12-month period:
// every status but a cancellation with notice.
func (s SessionStatus) StartsPeriod() bool {
	return s != SessionCancelled && s != ""
}

// SessionMode is the channel of a session: in person, phone or video.
type SessionMode string

const (
	ModeInPerson SessionMode = "in_person"
	ModePhone    SessionMode = "phone"
	ModeVideo    SessionMode = "video"
)

// SessionModes lists every mode.
var SessionModes = []SessionMode{ModeInPerson, ModePhone, ModeVideo}

// Label returns the mode as shown on screen.
func (m SessionMode) Label() string {
	switch m {
	case ModeInPerson:
		return "In person"
	case ModePhone:
		return "Phone"
	case ModeVideo:
		return "Video"
	}
	return string(m)
}

// Session is one appointment of a client with a consultant.
type Session struct {
	ID           int64
	CaseID       int64
	ConsultantID int64
	StartsAt     time.Time
	Minutes      int
	// TimeZone is the IANA zone the session was booked in, the consultant's.
	TimeZone  string
	Mode      SessionMode
	Status    SessionStatus
	UpdatedAt time.Time
}

// EndsAt returns the instant the session ends.
func (s Session) EndsAt() time.Time {
	return s.StartsAt.Add(time.Duration(s.Minutes) * time.Minute)
}

// CaseReference formats a case number the way every screen shows it.
func CaseReference(id int64) string { return fmt.Sprintf("ASST-%06d", id) }

// RequestReference formats an extra sessions request number.
func RequestReference(id int64) string { return fmt.Sprintf("ESR-%06d", id) }
