-- +goose Up
-- allowance keeps the case's allowance as the organisation saw it: at submission, and
-- after the request's own approval. Reading the case's live allowance instead would
-- change decided requests and let a reviewer tell which requests share a client.
ALTER TABLE requests ADD COLUMN allowance INTEGER NOT NULL DEFAULT 0;
UPDATE requests SET allowance = (SELECT cases.allowance FROM cases WHERE cases.id = requests.case_id);

-- +goose Down
ALTER TABLE requests DROP COLUMN allowance;
