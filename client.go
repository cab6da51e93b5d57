package phoenix

import "time"

// Relation is how a client is connected to the organisation's employee.
type Relation string

const (
	RelationEmployee  Relation = "employee"
	RelationPartner   Relation = "partner"
	RelationDependant Relation = "dependant"
)

// Relations lists every relation.
var Relations = []Relation{RelationEmployee, RelationPartner, RelationDependant}

// Client is a person counselled. Every field but the IDs is personal information that
// no organisation may see.
type Client struct {
	ID             int64
	OrganisationID int64
	FirstName      string
	LastName       string
	PreferredName  string
	DateOfBirth    Date
	Email          string
	Phone          string
	EmployeeNumber string
	Relation       Relation
	CreatedAt      time.Time
}

// Name returns the client's full name.
func (c Client) Name() string { return c.FirstName + " " + c.LastName }

// Identity returns what the identifier check looks for in free text.
func (c Client) Identity() ClientIdentity {
	return ClientIdentity{
		FirstName:      c.FirstName,
		LastName:       c.LastName,
		PreferredName:  c.PreferredName,
		Email:          c.Email,
		Phone:          c.Phone,
		EmployeeNumber: c.EmployeeNumber,
		DateOfBirth:    c.DateOfBirth,
	}
}
