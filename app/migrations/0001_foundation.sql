-- Foundation: organisation, positions, staff and their assignments, users, settings, audit log.
-- Dates are ISO-8601 text (YYYY-MM-DD); valid_to is the last day in force, NULL while open.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,            -- JSON
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))
);

CREATE TABLE org_units (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES org_units(id),
    kind       TEXT NOT NULL CHECK (kind IN ('department', 'section', 'unit')),  -- 部 / 課 / 係
    code       TEXT,
    name       TEXT NOT NULL CHECK (length(name) > 0),
    reading    TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0,
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK ((kind = 'department') = (parent_id IS NULL))
);
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE UNIQUE INDEX org_units_code ON org_units(code) WHERE code IS NOT NULL;

CREATE TABLE positions (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,     -- 部長, 課長, 係長, 主事 ...
    rank       INTEGER NOT NULL,         -- lower is more senior, for sorting
    is_manager INTEGER NOT NULL DEFAULT 0 CHECK (is_manager IN (0, 1))
);

CREATE TABLE staff (
    id             INTEGER PRIMARY KEY,
    staff_no       TEXT NOT NULL UNIQUE CHECK (length(staff_no) > 0),   -- 職員番号
    family_name    TEXT NOT NULL,
    given_name     TEXT NOT NULL,
    family_reading TEXT NOT NULL DEFAULT '',   -- hiragana
    given_reading  TEXT NOT NULL DEFAULT '',   -- hiragana
    hire_date      TEXT,
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'leave', 'retired')),
    retired_on     TEXT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    CHECK ((status = 'retired') = (retired_on IS NOT NULL))
);

CREATE TABLE staff_assignments (
    id          INTEGER PRIMARY KEY,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    unit_id     INTEGER NOT NULL REFERENCES org_units(id),
    position_id INTEGER REFERENCES positions(id),
    is_primary  INTEGER NOT NULL DEFAULT 1 CHECK (is_primary IN (0, 1)),  -- 0 = 兼務
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX staff_assignments_staff ON staff_assignments(staff_id, valid_from);
CREATE INDEX staff_assignments_unit ON staff_assignments(unit_id);
-- at most one open primary assignment per person
CREATE UNIQUE INDEX staff_assignments_one_current
    ON staff_assignments(staff_id) WHERE valid_to IS NULL AND is_primary = 1;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    login           TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(login) > 0),
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'evaluator', 'viewer')),
    password_hash   TEXT NOT NULL,
    staff_id        INTEGER REFERENCES staff(id),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    last_login_at   TEXT
);

-- Append-only: who did what, when, with the row before and after (JSON).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now', 'localtime')),
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT,
    entity_id   TEXT,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
