package service

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phoenix-eap/phoenix"
)

// Limits on a client's fields.
const (
	maxNameLength     = 100
	maxEmailLength    = 254 // bytes: RFC 5321 (4.5.3.1.3) limits a path, with its <>, to 256
	maxEmployeeNumber = 30
)

// earliestBirth is the earliest date of birth accepted; an earlier one is a typing
// error.
var earliestBirth = phoenix.Date{Year: 1900, Month: time.January, Day: 1}

// checkName returns a message when a name is missing (and required), too long or not
// one line of text.
func checkName(label, name string, required bool) string {
	switch {
	case name == "" && required:
		return label + " is required."
	case utf8.RuneCountInString(name) > maxNameLength:
		return fmt.Sprintf("%s must be at most %d characters.", label, maxNameLength)
	case hasControl(name):
		return label + " must be one line of text."
	}
	return ""
}

// checkEmail returns a message unless s is empty or one bare email address, such as
// jo@example.com, with a domain that has a dot.
func checkEmail(s string) string {
	if s == "" {
		return ""
	}
	const msg = "Email must be one address such as name@example.com, with no name or brackets around it."
	if len(s) > maxEmailLength {
		return fmt.Sprintf("Email must be at most %d bytes long.", maxEmailLength)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return msg
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") {
		return msg
	}
	return ""
}

// phoneMessage is the message for any number that is not an Australian mobile or
// landline number.
const phoneMessage = "Phone must be an Australian mobile number (04xx xxx xxx), a landline " +
	"number with its area code ((0x) xxxx xxxx), or either in +61 form."

// NormalizePhone returns an Australian mobile or landline number in the form shown on
// screen: 0412 345 678 for a mobile, (03) 9123 4567 for a landline. It accepts spaces,
// dashes, dots and brackets between digits, and the +61 and 0061 international forms,
// with or without the (0) that some people write after +61.
func NormalizePhone(s string) (string, error) {
	var digits strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
			digits.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", phoenix.Errorf(phoenix.EINVALID, "%s", phoneMessage)
		}
	}
	national, ok := nationalNumber(digits.String())
	if !ok {
		return "", phoenix.Errorf(phoenix.EINVALID, "%s", phoneMessage)
	}
	switch national[1] {
	case '4':
		return national[:4] + " " + national[4:7] + " " + national[7:], nil
	case '2', '3', '7', '8':
		return "(" + national[:2] + ") " + national[2:6] + " " + national[6:], nil
	}
	return "", phoenix.Errorf(phoenix.EINVALID, "%s", phoneMessage)
}

// nationalNumber turns digits, perhaps with a leading + or 0061, into the ten-digit
// national form that starts with 0.
func nationalNumber(d string) (string, bool) {
	switch {
	case strings.HasPrefix(d, "+61"):
		d = "0" + strings.TrimPrefix(strings.TrimPrefix(d, "+61"), "0")
	case strings.HasPrefix(d, "0061"):
		d = "0" + strings.TrimPrefix(strings.TrimPrefix(d, "0061"), "0")
	case strings.HasPrefix(d, "+"):
		return "", false
	}
	return d, len(d) == 10 && d[0] == '0'
}

// parseBirthDate reads a date of birth written as YYYY-MM-DD or, as Australian forms
// and spreadsheets write it, D/M/YYYY. It must be a real date from 1900 to yesterday.
func parseBirthDate(s string, today phoenix.Date) (phoenix.Date, string) {
	const msg = "Date of birth must be a real date, written YYYY-MM-DD or DD/MM/YYYY."
	if s == "" {
		return phoenix.Date{}, "Date of birth is required."
	}
	d, err := phoenix.ParseDate(s)
	if err != nil {
		t, err := time.Parse("2/1/2006", s)
		if err != nil {
			return phoenix.Date{}, msg
		}
		d = phoenix.DateOf(t)
	}
	switch {
	case !d.Before(today):
		return d, "Date of birth must be in the past."
	case d.Before(earliestBirth):
		return d, "Date of birth must be on or after 1 January 1900."
	}
	return d, ""
}

// relationNames maps the ways people write a relation to the stored value.
var relationNames = map[string]phoenix.Relation{
	"employee":  phoenix.RelationEmployee,
	"staff":     phoenix.RelationEmployee,
	"self":      phoenix.RelationEmployee,
	"partner":   phoenix.RelationPartner,
	"spouse":    phoenix.RelationPartner,
	"dependant": phoenix.RelationDependant,
	"dependent": phoenix.RelationDependant,
	"child":     phoenix.RelationDependant,
}

func parseRelation(s string) (phoenix.Relation, string) {
	if s == "" {
		return "", "Relation is required: employee, partner or dependant."
	}
	r, ok := relationNames[strings.ToLower(s)]
	if !ok {
		return "", fmt.Sprintf("Relation %q is not one of employee, partner or dependant.", s)
	}
	return r, ""
}

// checkEmployeeNumber returns a message when an employee has no number, or a number
// has characters other than letters, digits and dashes or is too long.
func checkEmployeeNumber(s string, r phoenix.Relation) string {
	if s == "" {
		if r == phoenix.RelationEmployee {
			return "Employee number is required for an employee."
		}
		return ""
	}
	if len(s) > maxEmployeeNumber {
		return fmt.Sprintf("Employee number must be at most %d characters.", maxEmployeeNumber)
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return "Employee number may contain only letters, digits and dashes."
		}
	}
	return ""
}

// checkClientFields checks every field of a client except its organisation into v,
// with today in the organisation's time zone, and returns the client with each value
// in its stored form.
func checkClientFields(in ClientInput, today phoenix.Date, v *phoenix.Validation) phoenix.Client {
	k := phoenix.Client{
		FirstName:      strings.TrimSpace(in.FirstName),
		LastName:       strings.TrimSpace(in.LastName),
		PreferredName:  strings.TrimSpace(in.PreferredName),
		Email:          strings.TrimSpace(in.Email),
		EmployeeNumber: strings.TrimSpace(in.EmployeeNumber),
	}
	addMessage(v, "first_name", checkName("First name", k.FirstName, true))
	addMessage(v, "last_name", checkName("Last name", k.LastName, true))
	addMessage(v, "preferred_name", checkName("Preferred name", k.PreferredName, false))

	var msg string
	k.DateOfBirth, msg = parseBirthDate(strings.TrimSpace(in.DateOfBirth), today)
	addMessage(v, "date_of_birth", msg)
	addMessage(v, "email", checkEmail(k.Email))
	if phone := strings.TrimSpace(in.Phone); phone != "" {
		normal, err := NormalizePhone(phone)
		if err != nil {
			addMessage(v, "phone", phoneMessage)
		}
		k.Phone = normal
	}

	k.Relation, msg = parseRelation(strings.TrimSpace(in.Relation))
	addMessage(v, "relation", msg)
	addMessage(v, "employee_number", checkEmployeeNumber(k.EmployeeNumber, k.Relation))
	return k
}

func addMessage(v *phoenix.Validation, field, msg string) {
	if msg != "" {
		v.Add(field, msg)
	}
}
