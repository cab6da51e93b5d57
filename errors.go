package phoenix

import (
	"errors"
	"fmt"
	"sort"
)

// Error codes name the kind of failure. The web layer maps each to an HTTP status, and
// only EINTERNAL errors are logged with their detail.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOMANY      = "too_many_requests"
	ETOOLARGE     = "too_large"
	EMETHOD       = "method_not_allowed"
	EINTERNAL     = "internal"
)

// Error is a failure that can be shown to the user. Message is written for the user and
// never contains internal detail. Fields holds a message for each rejected form field,
// keyed by the field's name, so a form can show each one beside its field.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string

	// Link, when set, points at the object the message is about, such as the open
	// request that blocks a second one.
	Link string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msg := e.Message
	for _, k := range keys {
		msg += fmt.Sprintf("; %s: %s", k, e.Fields[k])
	}
	return msg
}

// Errorf returns an Error with the given code and a formatted message for the user.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any
// other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Internal errors get a generic
// message so that no internal detail reaches the user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred. Please try again; if it persists, tell your administrator."
}

// ErrorFields returns the per-field messages of err, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// NotFound returns the error every lookup gives both for a missing object and for one
// the actor may not see, so that guessing numbers reveals nothing.
func NotFound(what string) *Error {
	return Errorf(ENOTFOUND, "%s not found.", what)
}

// Validation collects messages for rejected fields before returning one EINVALID error.
type Validation struct {
	fields map[string]string
}

// Add records msg for field unless the field already has a message, so the first rule
// broken is the one shown.
func (v *Validation) Add(field, msg string) {
	if v.fields == nil {
		v.fields = make(map[string]string)
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = msg
	}
}

// Has reports whether field already has a message.
func (v *Validation) Has(field string) bool {
	_, ok := v.fields[field]
	return ok
}

// Err returns an EINVALID error holding every message, or nil when none was added.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{
		Code:    EINVALID,
		Message: "Some fields need attention. Each message is beside its field.",
		Fields:  v.fields,
	}
}
