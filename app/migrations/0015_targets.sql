-- Targets per fiscal year, designations (DX推進リーダー …) and what coverage counts (issue 16 items 1-2).
-- Fiscal years are named by the calendar year they start in (2025 = 令和7年度), as elsewhere.

-- The roles a town names people to, apart from certification: DX推進リーダー in every section (Hokkaido,
-- 上里町, the national plan), DX推進員 … Retired roles stay for the designations made with them.
CREATE TABLE designation_roles (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    description TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
);
INSERT INTO designation_roles (name, description, sort_order) VALUES
    ('DX推進リーダー', '所属の業務改善とデジタル化を進める中心の職員', 10);

-- A person named to a role for a section (or a department) and a fiscal year.
CREATE TABLE designations (
    id          INTEGER PRIMARY KEY,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    unit_id     INTEGER NOT NULL REFERENCES org_units(id),
    role_id     INTEGER NOT NULL REFERENCES designation_roles(id),
    fiscal_year INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2200),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    created_by  TEXT NOT NULL DEFAULT '',
    UNIQUE (staff_id, unit_id, role_id, fiscal_year)
);
CREATE INDEX designations_year ON designations(fiscal_year, unit_id);

-- A target for a fiscal year. kind and what the other columns mean:
--   level_count    value people holding level_code (NULL: any level), of unit_id and below (NULL: all) — 「リーダー100人」
--   staff_share    value % of the staff in service (of unit_id and below, NULL: all) holding level_code
--   coverage       at least value people per section who are certified (level_code) / designated
--                  (role_id, NULL: any role) / either, as counts says
--   training_hours value hours of training attended in the fiscal year (by the staff of unit_id, NULL: all)
--   training_share value % of the staff in service (of unit_id, NULL: all) who attended training in the year
--   hours_saved    value hours saved a year by the projects of the fiscal year
CREATE TABLE targets (
    id          INTEGER PRIMARY KEY,
    fiscal_year INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2200),
    kind        TEXT NOT NULL CHECK (kind IN ('level_count', 'staff_share', 'coverage', 'training_hours',
                                              'training_share', 'hours_saved')),
    value       REAL NOT NULL CHECK (value >= 0),
    level_code  TEXT,
    unit_id     INTEGER REFERENCES org_units(id),
    role_id     INTEGER REFERENCES designation_roles(id),
    counts      TEXT NOT NULL DEFAULT 'either' CHECK (counts IN ('certified', 'designated', 'either')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    created_by  TEXT NOT NULL DEFAULT ''
);
-- One target per fiscal year, kind and what it measures (NULLs compared as empty).
CREATE UNIQUE INDEX targets_key ON targets(fiscal_year, kind, coalesce(level_code, ''), coalesce(unit_id, 0),
                                           coalesce(role_id, 0), counts);
