-- Certification schemes (versioned), certifications with gap-free numbers, revocation and re-issue.

-- A scheme version. Like evaluation templates, a saved version is never changed:
-- editing stores the next version, and a certification records the version it was decided under.
CREATE TABLE cert_schemes (
    id             INTEGER PRIMARY KEY,
    family         TEXT NOT NULL CHECK (length(family) > 0),
    version        INTEGER NOT NULL CHECK (version >= 1),
    name           TEXT NOT NULL CHECK (length(name) > 0),
    number_pattern TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    created_by     TEXT NOT NULL DEFAULT '',
    UNIQUE (family, version)
);

CREATE TABLE scheme_levels (
    id          INTEGER PRIMARY KEY,
    scheme_id   INTEGER NOT NULL REFERENCES cert_schemes(id),
    code        TEXT NOT NULL CHECK (length(code) > 0),   -- stable across versions: advisor, expert, ...
    name        TEXT NOT NULL CHECK (length(name) > 0),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    ladder      INTEGER NOT NULL DEFAULT 1 CHECK (ladder IN (0, 1)),  -- 0 = a side track, not a step
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (scheme_id, code)
);

CREATE TABLE level_requirements (
    id         INTEGER PRIMARY KEY,
    level_id   INTEGER NOT NULL REFERENCES scheme_levels(id),
    kind       TEXT NOT NULL CHECK (kind IN ('sessions', 'projects', 'realisation', 'score', 'previous_level',
                                             'qualification')),
    params     TEXT NOT NULL DEFAULT '{}',   -- JSON, by kind
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX level_requirements_level ON level_requirements(level_id);

-- Qualifications and training records; entered by a later feature, read by the eligibility engine.
CREATE TABLE staff_qualifications (
    id          INTEGER PRIMARY KEY,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    name        TEXT NOT NULL CHECK (length(name) > 0),
    obtained_on TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX staff_qualifications_staff ON staff_qualifications(staff_id);

CREATE TABLE certifications (
    id             INTEGER PRIMARY KEY,
    staff_id       INTEGER NOT NULL REFERENCES staff(id),
    scheme_id      INTEGER NOT NULL REFERENCES cert_schemes(id),   -- the version it was decided under
    level_id       INTEGER NOT NULL REFERENCES scheme_levels(id),
    scheme_family  TEXT NOT NULL,
    level_code     TEXT NOT NULL,
    decided_on     TEXT NOT NULL,
    approver       TEXT NOT NULL CHECK (length(approver) > 0),
    fiscal_year    INTEGER NOT NULL,
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    certificate_no TEXT NOT NULL UNIQUE,
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    revoked_on     TEXT,
    revoke_reason  TEXT,
    reissues       INTEGER NOT NULL DEFAULT 0,
    reasons_json   TEXT NOT NULL DEFAULT '[]',   -- the engine's explanation at the time of the decision
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    created_by     TEXT NOT NULL DEFAULT '',
    UNIQUE (fiscal_year, seq),
    CHECK ((status = 'revoked') = (revoked_on IS NOT NULL AND revoke_reason IS NOT NULL))
);
-- One active certification per person and level of a scheme, whatever version decided it.
CREATE UNIQUE INDEX certifications_one_active ON certifications(staff_id, scheme_family, level_code)
    WHERE status = 'active';

-- A decision is never deleted; only its status changes, and only to revoked.
CREATE TRIGGER certifications_no_delete BEFORE DELETE ON certifications
BEGIN SELECT RAISE(ABORT, 'certifications are never deleted; revoke instead'); END;
CREATE TRIGGER certifications_fixed_fields BEFORE UPDATE OF staff_id, scheme_id, level_id, scheme_family, level_code, decided_on,
    fiscal_year, seq, certificate_no ON certifications
BEGIN SELECT RAISE(ABORT, 'a certification decision cannot be rewritten'); END;

CREATE TABLE certification_reissues (
    id               INTEGER PRIMARY KEY,
    certification_id INTEGER NOT NULL REFERENCES certifications(id),
    reissued_on      TEXT NOT NULL,
    reason           TEXT NOT NULL CHECK (length(reason) > 0),
    created_by       TEXT NOT NULL DEFAULT ''
);
