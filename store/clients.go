package store

import (
	"context"

	"github.com/phoenix-eap/phoenix"
)

const clientColumns = `id, organisation_id, first_name, last_name, preferred_name,
	date_of_birth, email, phone, employee_number, relation, created_at`

func scanClient(row interface{ Scan(...any) error }) (phoenix.Client, error) {
	var k phoenix.Client
	err := row.Scan(&k.ID, &k.OrganisationID, &k.FirstName, &k.LastName, &k.PreferredName,
		date{&k.DateOfBirth}, &k.Email, &k.Phone, &k.EmployeeNumber, &k.Relation,
		at(&k.CreatedAt))
	return k, err
}

// CreateClient stores a new client and returns its ID.
func (c *Conn) CreateClient(ctx context.Context, k phoenix.Client) (int64, error) {
	return c.insert(ctx, `INSERT INTO clients (organisation_id, first_name, last_name,
		preferred_name, date_of_birth, email, phone, employee_number, relation, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, k.OrganisationID, k.FirstName, k.LastName,
		k.PreferredName, dateValue(k.DateOfBirth), k.Email, k.Phone, k.EmployeeNumber,
		k.Relation, atValue(k.CreatedAt))
}

// UpdateClient changes a client's details.
func (c *Conn) UpdateClient(ctx context.Context, k phoenix.Client) error {
	_, err := c.exec(ctx, `UPDATE clients SET organisation_id = ?, first_name = ?,
		last_name = ?, preferred_name = ?, date_of_birth = ?, email = ?, phone = ?,
		employee_number = ?, relation = ? WHERE id = ?`, k.OrganisationID, k.FirstName,
		k.LastName, k.PreferredName, dateValue(k.DateOfBirth), k.Email, k.Phone,
		k.EmployeeNumber, k.Relation, k.ID)
	return err
}

// Client returns the client with the given ID.
func (c *Conn) Client(ctx context.Context, id int64) (phoenix.Client, error) {
	k, err := scanClient(c.queryRow(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = ?`, id))
	return k, notFound(err, "Client")
}

// Clients returns one page of clients ordered by name; search, when not empty, keeps
// those whose name or email starts with it.
func (c *Conn) Clients(ctx context.Context, search string, page Page) ([]phoenix.Client, error) {
	page = page.normal()
	like := search + "%"
	rows, err := c.query(ctx, `SELECT `+clientColumns+` FROM clients
		WHERE ? = '' OR lower(last_name) LIKE lower(?) OR lower(first_name) LIKE lower(?)
			OR lower(email) LIKE lower(?)
		ORDER BY last_name, first_name, id LIMIT ? OFFSET ?`,
		search, like, like, like, page.Limit, page.Offset)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanClient)
}

// ClientsByID returns the clients with the given IDs, keyed by ID.
func (c *Conn) ClientsByID(ctx context.Context, ids []int64) (map[int64]phoenix.Client, error) {
	out := make(map[int64]phoenix.Client, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	rows, err := c.query(ctx, `SELECT `+clientColumns+` FROM clients WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, scanClient)
	for _, k := range list {
		out[k.ID] = k
	}
	return out, err
}
