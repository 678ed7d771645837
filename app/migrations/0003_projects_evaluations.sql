-- BPR projects, evaluation rubrics (versioned templates) and multi-rater evaluations.

-- A rubric version. Templates are never edited in place once created: a change
-- is saved as the next version of the same family, so past evaluations keep
-- the rubric they were rated on.
CREATE TABLE evaluation_templates (
    id          INTEGER PRIMARY KEY,
    family      TEXT NOT NULL CHECK (length(family) > 0),   -- stable key shared by all versions
    version     INTEGER NOT NULL CHECK (version >= 1),
    name        TEXT NOT NULL CHECK (length(name) > 0),
    aggregation TEXT NOT NULL DEFAULT 'mean' CHECK (aggregation IN ('mean', 'median')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    created_by  TEXT NOT NULL DEFAULT '',
    UNIQUE (family, version)
);

CREATE TABLE template_perspectives (
    id          INTEGER PRIMARY KEY,
    template_id INTEGER NOT NULL REFERENCES evaluation_templates(id),
    code        TEXT NOT NULL,          -- policy / leadership / ict / ...
    name        TEXT NOT NULL CHECK (length(name) > 0),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    min_raters  INTEGER NOT NULL DEFAULT 1 CHECK (min_raters >= 1),
    rater_kinds TEXT NOT NULL DEFAULT '[]',   -- JSON list of evaluator kinds suggested for this view
    UNIQUE (template_id, code)
);

CREATE TABLE template_criteria (
    id             INTEGER PRIMARY KEY,
    perspective_id INTEGER NOT NULL REFERENCES template_perspectives(id),
    name           TEXT NOT NULL CHECK (length(name) > 0),
    description    TEXT NOT NULL DEFAULT '',
    sort_order     INTEGER NOT NULL DEFAULT 0,
    scale_min      INTEGER NOT NULL DEFAULT 1,
    scale_max      INTEGER NOT NULL DEFAULT 5,
    rater_kinds    TEXT NOT NULL DEFAULT '[]',   -- JSON list of evaluator kinds who may rate it
    CHECK (scale_max > scale_min AND scale_max - scale_min <= 10)
);
CREATE INDEX template_criteria_perspective ON template_criteria(perspective_id);

-- "What a 3 looks like": one written anchor per score of a criterion.
CREATE TABLE criterion_descriptors (
    criterion_id INTEGER NOT NULL REFERENCES template_criteria(id),
    score        INTEGER NOT NULL,
    text         TEXT NOT NULL CHECK (length(text) > 0),
    PRIMARY KEY (criterion_id, score)
);

CREATE TABLE projects (
    id                     INTEGER PRIMARY KEY,
    name                   TEXT NOT NULL CHECK (length(name) > 0),
    theme                  TEXT NOT NULL DEFAULT '',
    fiscal_year            INTEGER NOT NULL,                 -- 年度 by its starting calendar year
    owner_unit_id          INTEGER REFERENCES org_units(id), -- owning section
    starts_on              TEXT,
    ends_on                TEXT,
    status                 TEXT NOT NULL DEFAULT 'planned'
                           CHECK (status IN ('planned', 'active', 'completed', 'cancelled')),
    realisation            TEXT CHECK (realisation IN ('concept', 'trial', 'full', 'organisation_wide')),
    realisation_decided_on TEXT,
    realisation_decided_by TEXT NOT NULL DEFAULT '',
    hours_saved_per_year   REAL CHECK (hours_saved_per_year IS NULL OR hours_saved_per_year >= 0),
    procedures_online      INTEGER CHECK (procedures_online IS NULL OR procedures_online >= 0),
    systems_built          INTEGER CHECK (systems_built IS NULL OR systems_built >= 0),
    outcome_summary        TEXT NOT NULL DEFAULT '',
    template_id            INTEGER REFERENCES evaluation_templates(id),
    created_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    updated_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
    CHECK ((realisation IS NULL) = (realisation_decided_on IS NULL))
);
CREATE INDEX projects_year ON projects(fiscal_year);

CREATE TABLE project_members (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    role       TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('proposer', 'leader', 'member', 'owner')),
    joined_on  TEXT,
    UNIQUE (project_id, staff_id)
);
CREATE INDEX project_members_staff ON project_members(staff_id);

-- Workshops and sessions of a project, and who attended them.
CREATE TABLE project_sessions (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    held_on    TEXT NOT NULL,
    title      TEXT NOT NULL CHECK (length(title) > 0),
    hours      REAL CHECK (hours IS NULL OR hours >= 0)
);
CREATE INDEX project_sessions_project ON project_sessions(project_id, held_on);

CREATE TABLE session_attendance (
    session_id INTEGER NOT NULL REFERENCES project_sessions(id),
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    PRIMARY KEY (session_id, staff_id)
);

-- Evaluators from outside the town hall (the support vendor): no login, Excel only.
CREATE TABLE external_raters (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(name) > 0),
    organisation TEXT NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE project_external_raters (
    project_id        INTEGER NOT NULL REFERENCES projects(id),
    external_rater_id INTEGER NOT NULL REFERENCES external_raters(id),
    PRIMARY KEY (project_id, external_rater_id)
);

-- Who rates whom from which perspective. Exactly one of the two evaluator columns is set.
CREATE TABLE evaluation_assignments (
    id                  INTEGER PRIMARY KEY,
    project_id          INTEGER NOT NULL REFERENCES projects(id),
    target_staff_id     INTEGER NOT NULL REFERENCES staff(id),
    perspective_id      INTEGER NOT NULL REFERENCES template_perspectives(id),
    evaluator_staff_id  INTEGER REFERENCES staff(id),
    evaluator_external_id INTEGER REFERENCES external_raters(id),
    evaluator_kind      TEXT NOT NULL CHECK (evaluator_kind IN ('executive', 'member', 'staff', 'digital', 'external')),
    status              TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'draft', 'submitted')),
    submitted_at        TEXT,
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    CHECK ((evaluator_staff_id IS NULL) <> (evaluator_external_id IS NULL)),
    CHECK (evaluator_staff_id IS NULL OR evaluator_staff_id <> target_staff_id),
    CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
);
CREATE UNIQUE INDEX evaluation_assignments_staff_unique
    ON evaluation_assignments(project_id, target_staff_id, perspective_id, evaluator_staff_id)
    WHERE evaluator_staff_id IS NOT NULL;
CREATE UNIQUE INDEX evaluation_assignments_external_unique
    ON evaluation_assignments(project_id, target_staff_id, perspective_id, evaluator_external_id)
    WHERE evaluator_external_id IS NOT NULL;
CREATE INDEX evaluation_assignments_evaluator ON evaluation_assignments(evaluator_staff_id);
CREATE INDEX evaluation_assignments_project ON evaluation_assignments(project_id, perspective_id);

CREATE TABLE evaluation_scores (
    assignment_id INTEGER NOT NULL REFERENCES evaluation_assignments(id),
    criterion_id  INTEGER NOT NULL REFERENCES template_criteria(id),
    score         INTEGER,
    comment       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assignment_id, criterion_id)
) WITHOUT ROWID;

-- Submitted answers are locked: only a reopen (status back to draft) lets them change.
CREATE TRIGGER evaluation_scores_locked_update BEFORE UPDATE ON evaluation_scores
WHEN (SELECT status FROM evaluation_assignments WHERE id = OLD.assignment_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'evaluation is submitted and locked'); END;
CREATE TRIGGER evaluation_scores_locked_insert BEFORE INSERT ON evaluation_scores
WHEN (SELECT status FROM evaluation_assignments WHERE id = NEW.assignment_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'evaluation is submitted and locked'); END;
CREATE TRIGGER evaluation_scores_locked_delete BEFORE DELETE ON evaluation_scores
WHEN (SELECT status FROM evaluation_assignments WHERE id = OLD.assignment_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'evaluation is submitted and locked'); END;
