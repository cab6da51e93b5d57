package phoenix

import (
	"fmt"
	"strings"
)

// ClientIdentity is the set of a client's details that the identifier check looks for
// in free text that goes to the client's organisation. Empty fields and a zero
// DateOfBirth are not checked.
type ClientIdentity struct {
	FirstName, LastName, PreferredName string
	Email, Phone, EmployeeNumber       string
	DateOfBirth                        Date
}

// Kinds of identifying detail, in the order FindIdentifiers returns them.
const (
	IdentifierName           = "name"
	IdentifierEmail          = "email address"
	IdentifierPhone          = "phone number"
	IdentifierEmployeeNumber = "employee number"
	IdentifierDateOfBirth    = "date of birth"
)

// FindIdentifiers returns the kinds of identifying detail found in text: the client's
// name, email address, phone number, employee number or date of birth, and any email
// address or Australian phone number at all. Each kind appears once, in the order of
// the Identifier constants; the result is nil when nothing is found.
//
// Invisible characters are ignored, look-alike letters from other scripts are read as
// Latin letters, and digits spelt as words are read as digits. Text that contains
// right-to-left characters is also checked in the orders it may be displayed in.
func FindIdentifiers(text string, client ClientIdentity) []string {
	forms := newIdentityForms(client)
	found := forms.find(text)

	// A right-to-left override shows the characters after it in reverse order, and an
	// isolate, embedding or right-to-left letter can reverse the order of the words.
	if hasRightToLeft(text) {
		found |= forms.find(reverseRunes(text))
		found |= forms.find(reverseWords(text))
	}
	return found.kinds()
}

// CheckFreeText returns "" when text contains no identifying detail, and otherwise a
// message for the user that names the field by its label and what to remove.
func CheckFreeText(label, text string, client ClientIdentity) string {
	found := FindIdentifiers(text, client)
	if len(found) == 0 {
		return ""
	}
	return fmt.Sprintf("%s must not identify the client: remove the %s. "+
		"Organisations must not be able to tell who the client is.", label, joinAnd(found))
}

// joinAnd joins items as "a", "a and b" or "a, b and c".
func joinAnd(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// kindSet is a set of kinds of identifying detail, one bit for each entry of
// identifierKinds.
type kindSet uint8

const (
	foundName kindSet = 1 << iota
	foundEmail
	foundPhone
	foundEmployeeNumber
	foundDateOfBirth
)

var identifierKinds = []string{
	IdentifierName, IdentifierEmail, IdentifierPhone,
	IdentifierEmployeeNumber, IdentifierDateOfBirth,
}

// kinds returns the kinds in s in the order of identifierKinds, or nil.
func (s kindSet) kinds() []string {
	var kinds []string
	for i, kind := range identifierKinds {
		if s&(1<<i) != 0 {
			kinds = append(kinds, kind)
		}
	}
	return kinds
}

// identityForms is a client's details prepared for matching, so that each reading of
// a text is compared with forms prepared once.
type identityForms struct {
	names       []namePattern
	splitNames  []splitName
	email       string
	phones      phoneForms
	employee    employeeForms
	dateOfBirth Date
}

func newIdentityForms(client ClientIdentity) identityForms {
	return identityForms{
		names:       namePatterns(client),
		splitNames:  splitNamePatterns(client),
		email:       client.Email,
		phones:      ownPhoneForms(client.Phone),
		employee:    ownEmployeeForms(client.EmployeeNumber),
		dateOfBirth: client.DateOfBirth,
	}
}

// find returns the kinds of identifying detail in one reading of text.
func (c identityForms) find(text string) kindSet {
	f := foldText(text)
	unspelt, spelt := unspellDigits(f)

	var found kindSet
	if hasName(f, c.names) || hasSplitName(f, c.splitNames) {
		found |= foundName
	}
	if hasAnyEmail(f.text) || hasOwnEmail(f.text, c.email) {
		found |= foundEmail
	}
	if hasPhone(f, c.phones) || spelt && hasPhone(unspelt, c.phones) {
		found |= foundPhone
	}
	if hasEmployeeNumber(f, c.employee) || spelt && hasEmployeeNumber(unspelt, c.employee) {
		found |= foundEmployeeNumber
	}
	if hasDateOfBirth(f, c.dateOfBirth) {
		found |= foundDateOfBirth
	}
	return found
}
