-- +goose Up
-- Administration: client imports, the indexes that find duplicated clients, and the
-- rule that audit events are never changed or deleted.

-- imports are CSV files of clients being checked and imported by a background job.
-- content holds the uploaded file until the import finishes, and is then emptied.
-- problems is a JSON list of the bad rows found.
CREATE TABLE imports (
    id {{id}},
    created_by BIGINT NOT NULL REFERENCES users (id),
    ip TEXT NOT NULL DEFAULT '',
    organisation_id BIGINT REFERENCES organisations (id),
    file_name TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN
        ('queued', 'checking', 'importing', 'done', 'rejected', 'failed')),
    total_rows INTEGER NOT NULL DEFAULT 0,
    checked_rows INTEGER NOT NULL DEFAULT 0,
    imported_rows INTEGER NOT NULL DEFAULT 0,
    bad_rows INTEGER NOT NULL DEFAULT 0,
    problems TEXT NOT NULL DEFAULT '[]',
    message TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX imports_created ON imports (created_at);

CREATE INDEX clients_email ON clients (lower(email));
CREATE INDEX clients_birth ON clients (organisation_id, date_of_birth);

-- Audit events are append-only in both databases, whatever the application does.
{{sqlite}}CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
{{sqlite}}    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
{{sqlite}}CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
{{sqlite}}    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
{{postgres}}CREATE FUNCTION audit_events_reject_change() RETURNS trigger LANGUAGE plpgsql
{{postgres}}    AS $$ BEGIN RAISE EXCEPTION 'audit_events is append-only: % rejected', TG_OP; END $$;
{{postgres}}CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
{{postgres}}    FOR EACH ROW EXECUTE FUNCTION audit_events_reject_change();
{{postgres}}CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
{{postgres}}    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_reject_change();

-- +goose Down
{{sqlite}}DROP TRIGGER audit_events_no_delete;
{{sqlite}}DROP TRIGGER audit_events_no_update;
{{postgres}}DROP TRIGGER audit_events_no_truncate ON audit_events;
{{postgres}}DROP TRIGGER audit_events_no_change ON audit_events;
{{postgres}}DROP FUNCTION audit_events_reject_change();
DROP INDEX clients_birth;
DROP INDEX clients_email;
DROP TABLE imports;
