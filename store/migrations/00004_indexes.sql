-- +goose Up
-- The request status page finds a request's clinical review task by request_id.
CREATE INDEX tasks_request ON tasks (request_id);
-- One closure per day and scope; 0 stands for the whole provider.
CREATE UNIQUE INDEX closures_scope_day ON closures (coalesce(organisation_id, 0), day);

-- +goose Down
DROP INDEX closures_scope_day;
DROP INDEX tasks_request;
