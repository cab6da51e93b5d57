-- +goose Up
-- Instants are fixed-width UTC text (2026-10-29T03:00:00.000000Z) and dates are
-- ISO 8601 text in both databases; see store/instant.go.

CREATE TABLE organisations (
    id {{id}},
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_name ON organisations (name);

CREATE TABLE contracts (
    id {{id}},
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    effective_from TEXT NOT NULL,
    sessions_per_period INTEGER NOT NULL CHECK (sessions_per_period BETWEEN 1 AND 52),
    max_extra_per_request INTEGER NOT NULL CHECK (max_extra_per_request BETWEEN 1 AND 4),
    clinical_threshold INTEGER NOT NULL CHECK (clinical_threshold >= 2),
    goal_days INTEGER NOT NULL CHECK (goal_days >= 1),
    deadline_days INTEGER NOT NULL CHECK (deadline_days >= goal_days),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX contracts_organisation_from ON contracts (organisation_id, effective_from);

CREATE TABLE users (
    id {{id}},
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN
        ('consultant', 'intake', 'clinical_leader', 'org_reviewer', 'admin')),
    organisation_id BIGINT REFERENCES organisations (id),
    time_zone TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    CHECK ((role = 'org_reviewer') = (organisation_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_role ON users (role, organisation_id);

CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

CREATE TABLE clients (
    id {{id}},
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    preferred_name TEXT NOT NULL DEFAULT '',
    date_of_birth TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    employee_number TEXT NOT NULL DEFAULT '',
    relation TEXT NOT NULL CHECK (relation IN ('employee', 'partner', 'dependant')),
    created_at TEXT NOT NULL
);
CREATE INDEX clients_organisation ON clients (organisation_id, last_name);

CREATE TABLE cases (
    id {{id}},
    client_id BIGINT NOT NULL REFERENCES clients (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    consultant_id BIGINT REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    allowance INTEGER NOT NULL CHECK (allowance >= 0),
    opened_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX cases_consultant ON cases (consultant_id, status);
CREATE INDEX cases_client ON cases (client_id);

-- grants are the sessions granted on a case: the contract's sessions when it opened
-- and each approved extra. The period count sums them.
CREATE TABLE grants (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases (id),
    client_id BIGINT NOT NULL REFERENCES clients (id),
    granted_on TEXT NOT NULL,
    sessions INTEGER NOT NULL CHECK (sessions > 0),
    request_id BIGINT
);
CREATE INDEX grants_client ON grants (client_id);
CREATE UNIQUE INDEX grants_request ON grants (request_id);

CREATE TABLE appointments (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases (id),
    client_id BIGINT NOT NULL REFERENCES clients (id),
    consultant_id BIGINT NOT NULL REFERENCES users (id),
    starts_at TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 240),
    time_zone TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('in_person', 'phone', 'video')),
    status TEXT NOT NULL CHECK (status IN
        ('scheduled', 'completed', 'cancelled', 'late_cancellation', 'did_not_attend')),
    updated_at TEXT NOT NULL
);
CREATE INDEX appointments_consultant_start ON appointments (consultant_id, starts_at);
CREATE INDEX appointments_case ON appointments (case_id, starts_at);
CREATE INDEX appointments_client ON appointments (client_id, starts_at);

CREATE TABLE tasks (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN
        ('select_consultant', 'next_steps', 'waiting_for_completion', 'clinical_review')),
    assignee_id BIGINT REFERENCES users (id),
    assignee_role TEXT NOT NULL DEFAULT '',
    request_id BIGINT,
    session_id BIGINT,
    open BOOLEAN NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX tasks_case ON tasks (case_id, open);
CREATE INDEX tasks_assignee ON tasks (assignee_id, open);

CREATE TABLE requests (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases (id),
    client_id BIGINT NOT NULL REFERENCES clients (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    consultant_id BIGINT NOT NULL REFERENCES users (id),
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL,
    requestor TEXT NOT NULL,
    sessions INTEGER NOT NULL CHECK (sessions BETWEEN 1 AND 4),
    request_date TEXT NOT NULL,
    goals TEXT NOT NULL,
    pathway TEXT NOT NULL,
    pathway_other TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('awaiting_clinical_questions',
        'awaiting_clinical_decision', 'awaiting_organisation', 'approved', 'declined',
        'withdrawn')),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    completed INTEGER NOT NULL,
    upcoming INTEGER NOT NULL,
    remaining INTEGER NOT NULL,
    threshold INTEGER NOT NULL,
    submitted_at TEXT NOT NULL,
    received_at TEXT,
    goal_at TEXT,
    deadline_at TEXT,
    clinically_supported BOOLEAN NOT NULL DEFAULT FALSE,
    approved INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    decided_at TEXT,
    overdue BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX requests_idempotency ON requests (created_by, idempotency_key);
-- At most one open request per case, whatever the application does.
CREATE UNIQUE INDEX requests_one_open ON requests (case_id) WHERE state IN
    ('awaiting_clinical_questions', 'awaiting_clinical_decision', 'awaiting_organisation');
CREATE INDEX requests_case ON requests (case_id);
CREATE INDEX requests_consultant ON requests (consultant_id, state);
CREATE INDEX requests_organisation ON requests (organisation_id, state, deadline_at);
CREATE INDEX requests_state ON requests (state, submitted_at);

-- request_events is a request's timeline. org_visible marks the steps an organisation
-- reviewer may see.
CREATE TABLE request_events (
    id {{id}},
    request_id BIGINT NOT NULL REFERENCES requests (id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor_id BIGINT,
    text TEXT NOT NULL,
    org_visible BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX request_events_request ON request_events (request_id, id);

CREATE TABLE clinical_reviews (
    id {{id}},
    request_id BIGINT NOT NULL REFERENCES requests (id),
    round INTEGER NOT NULL,
    risk TEXT NOT NULL,
    risk_actions TEXT NOT NULL DEFAULT '',
    presenting_issues TEXT NOT NULL,
    progress TEXT NOT NULL,
    why_eap TEXT NOT NULL,
    referral_plan TEXT NOT NULL,
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    submitted_at TEXT NOT NULL,
    decision TEXT NOT NULL DEFAULT '',
    decision_text TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES users (id),
    decided_at TEXT
);
CREATE UNIQUE INDEX clinical_reviews_round ON clinical_reviews (request_id, round);

-- emails is the outbox: every message Phoenix sends, queued in the transaction that
-- causes it. Without SMTP it is also the administrators' mailbox.
CREATE TABLE emails (
    id {{id}},
    request_id BIGINT REFERENCES requests (id),
    audience TEXT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'mailbox', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX emails_created ON emails (created_at);
CREATE INDEX emails_request ON emails (request_id);

CREATE TABLE audit_events (
    id {{id}},
    at TEXT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    object_id BIGINT NOT NULL DEFAULT 0,
    client_id BIGINT,
    case_id BIGINT,
    ip TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);
CREATE INDEX audit_events_client ON audit_events (client_id, at);
CREATE INDEX audit_events_case ON audit_events (case_id, at);

CREATE TABLE closures (
    id {{id}},
    organisation_id BIGINT REFERENCES organisations (id),
    day TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX closures_day ON closures (day);

-- +goose Down
DROP TABLE closures;
DROP TABLE audit_events;
DROP TABLE emails;
DROP TABLE clinical_reviews;
DROP TABLE request_events;
DROP TABLE requests;
DROP TABLE tasks;
DROP TABLE appointments;
DROP TABLE grants;
DROP TABLE cases;
DROP TABLE clients;
DROP TABLE web_sessions;
DROP TABLE users;
DROP TABLE contracts;
DROP TABLE organisations;
