-- Training, qualifications and the skill map (issue 15): the tables every part of the feature shares.
-- Dates are ISO-8601 text. Skills are referred to by catalogue family and item code, which stay the
-- same across catalogue versions, so that a person's record survives a new version of the catalogue.

-- A training event: 研修, 勉強会, ワークショップ, 講演会, e-learning, 外部講座. A project's own
-- workshop is an event with project_id set, so that "workshops attended" counts both kinds.
CREATE TABLE training_events (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL CHECK (length(title) > 0),
    kind         TEXT NOT NULL CHECK (kind IN ('training', 'study', 'workshop', 'lecture', 'elearning', 'external')),
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    hours        REAL CHECK (hours IS NULL OR hours >= 0),   -- for a full attendance of the whole event
    organiser    TEXT NOT NULL DEFAULT '',
    target_group TEXT NOT NULL DEFAULT '',
    project_id   INTEGER REFERENCES projects(id),
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    created_by   TEXT NOT NULL DEFAULT '',
    CHECK (ends_on >= starts_on)
);
CREATE INDEX training_events_project ON training_events(project_id, starts_on);
CREATE INDEX training_events_starts ON training_events(starts_on);

CREATE TABLE training_attendance (
    event_id INTEGER NOT NULL REFERENCES training_events(id),
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    hours    REAL CHECK (hours IS NULL OR hours >= 0),   -- NULL: the event's hours
    source   TEXT NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import')),
    seal     TEXT,
    PRIMARY KEY (event_id, staff_id)
);
CREATE INDEX training_attendance_staff ON training_attendance(staff_id);

-- An optional participant survey of an event: a few questions answered 1-5, and a comment.
-- Answers are anonymous: a response names no person.
CREATE TABLE survey_questions (
    id       INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES training_events(id),
    position INTEGER NOT NULL CHECK (position >= 1),
    text     TEXT NOT NULL CHECK (length(text) > 0),
    UNIQUE (event_id, position)
);

CREATE TABLE survey_responses (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES training_events(id),
    comment     TEXT NOT NULL DEFAULT '',
    source_file TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))
);
CREATE INDEX survey_responses_event ON survey_responses(event_id);

CREATE TABLE survey_answers (
    response_id INTEGER NOT NULL REFERENCES survey_responses(id),
    question_id INTEGER NOT NULL REFERENCES survey_questions(id),
    value       INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
    PRIMARY KEY (response_id, question_id)
);

-- The qualification catalogue (editable). validity_years NULL: does not expire.
CREATE TABLE qualifications (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    category       TEXT NOT NULL DEFAULT '',
    validity_years INTEGER CHECK (validity_years IS NULL OR validity_years >= 1),
    sort_order     INTEGER NOT NULL DEFAULT 0,
    retired        INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
);
INSERT INTO qualifications (name, category, validity_years, sort_order) VALUES
    ('ITパスポート', '情報処理技術者試験', NULL, 10),
    ('情報セキュリティマネジメント', '情報処理技術者試験', NULL, 20),
    ('基本情報技術者', '情報処理技術者試験', NULL, 30),
    ('応用情報技術者', '情報処理技術者試験', NULL, 40),
    ('ITストラテジスト', '高度情報処理技術者試験', NULL, 50),
    ('システムアーキテクト', '高度情報処理技術者試験', NULL, 51),
    ('プロジェクトマネージャ', '高度情報処理技術者試験', NULL, 52),
    ('ネットワークスペシャリスト', '高度情報処理技術者試験', NULL, 53),
    ('データベーススペシャリスト', '高度情報処理技術者試験', NULL, 54),
    ('エンベデッドシステムスペシャリスト', '高度情報処理技術者試験', NULL, 55),
    ('ITサービスマネージャ', '高度情報処理技術者試験', NULL, 56),
    ('システム監査技術者', '高度情報処理技術者試験', NULL, 57),
    ('情報処理安全確保支援士', '国家資格', 3, 60),
    ('G検定', '民間資格', NULL, 70),
    ('E資格', '民間資格', NULL, 71),
    ('統計検定2級', '民間資格', NULL, 72),
    ('データサイエンティスト検定', '民間資格', NULL, 73);

-- A person's qualification: the catalogue entry, when obtained and until when it is valid.
-- name stays (the earlier format): it is the catalogue entry's name when the row was written.
ALTER TABLE staff_qualifications ADD COLUMN qualification_id INTEGER REFERENCES qualifications(id);
ALTER TABLE staff_qualifications ADD COLUMN expires_on TEXT;
ALTER TABLE staff_qualifications ADD COLUMN source TEXT NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import'));
ALTER TABLE staff_qualifications ADD COLUMN seal TEXT;
INSERT OR IGNORE INTO qualifications (name, sort_order)
    SELECT DISTINCT name, 1000 FROM staff_qualifications;
UPDATE staff_qualifications SET qualification_id = (SELECT q.id FROM qualifications q WHERE q.name = staff_qualifications.name);
CREATE INDEX staff_qualifications_qualification ON staff_qualifications(qualification_id, expires_on);

-- A skill catalogue version. Like schemes and rubrics, a saved version is never changed.
CREATE TABLE skill_catalogues (
    id         INTEGER PRIMARY KEY,
    family     TEXT NOT NULL CHECK (length(family) > 0),
    version    INTEGER NOT NULL CHECK (version >= 1),
    name       TEXT NOT NULL CHECK (length(name) > 0),
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    created_by TEXT NOT NULL DEFAULT '',
    UNIQUE (family, version)
);

-- The level scale of a catalogue (0 or 1 .. n), each with a name and what it means.
CREATE TABLE skill_levels (
    id           INTEGER PRIMARY KEY,
    catalogue_id INTEGER NOT NULL REFERENCES skill_catalogues(id),
    level        INTEGER NOT NULL CHECK (level >= 0),
    name         TEXT NOT NULL CHECK (length(name) > 0),
    description  TEXT NOT NULL DEFAULT '',
    UNIQUE (catalogue_id, level)
);

CREATE TABLE skill_categories (
    id           INTEGER PRIMARY KEY,
    catalogue_id INTEGER NOT NULL REFERENCES skill_catalogues(id),
    code         TEXT NOT NULL CHECK (length(code) > 0),
    name         TEXT NOT NULL CHECK (length(name) > 0),
    sort_order   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (catalogue_id, code)
);

CREATE TABLE skill_items (
    id           INTEGER PRIMARY KEY,
    catalogue_id INTEGER NOT NULL REFERENCES skill_catalogues(id),
    category_id  INTEGER NOT NULL REFERENCES skill_categories(id),
    code         TEXT NOT NULL CHECK (length(code) > 0),   -- stable across versions
    name         TEXT NOT NULL CHECK (length(name) > 0),
    description  TEXT NOT NULL DEFAULT '',
    sort_order   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (catalogue_id, code)
);
CREATE INDEX skill_items_category ON skill_items(category_id);

-- Written descriptors: what a given level of an item looks like.
CREATE TABLE skill_item_descriptors (
    item_id     INTEGER NOT NULL REFERENCES skill_items(id),
    level       INTEGER NOT NULL CHECK (level >= 0),
    description TEXT NOT NULL CHECK (length(description) > 0),
    PRIMARY KEY (item_id, level)
);

-- Roles of a catalogue (the デジタルスキル標準's 人材類型 and roles), and the items a role needs.
CREATE TABLE skill_roles (
    id           INTEGER PRIMARY KEY,
    catalogue_id INTEGER NOT NULL REFERENCES skill_catalogues(id),
    code         TEXT NOT NULL CHECK (length(code) > 0),
    type_name    TEXT NOT NULL DEFAULT '',   -- 人材類型
    name         TEXT NOT NULL CHECK (length(name) > 0),
    description  TEXT NOT NULL DEFAULT '',
    sort_order   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (catalogue_id, code)
);

CREATE TABLE skill_role_items (
    role_id    INTEGER NOT NULL REFERENCES skill_roles(id),
    item_id    INTEGER NOT NULL REFERENCES skill_items(id),
    importance TEXT NOT NULL DEFAULT '',     -- as published (a, b, c, d), or empty
    PRIMARY KEY (role_id, item_id)
);

-- A person's skill at a date, from a source. The history is kept: the current level of an item is the
-- latest record (a confirmation by the digital section outranks a self-assessment of the same day).
CREATE TABLE staff_skills (
    id               INTEGER PRIMARY KEY,
    staff_id         INTEGER NOT NULL REFERENCES staff(id),
    catalogue_family TEXT NOT NULL,
    item_code        TEXT NOT NULL,
    level            INTEGER NOT NULL CHECK (level >= 0),
    assessed_on      TEXT NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('self', 'confirmed', 'qualification', 'training')),
    note             TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    created_by       TEXT NOT NULL DEFAULT '',
    seal             TEXT
);
CREATE INDEX staff_skills_person ON staff_skills(staff_id, catalogue_family, item_code, assessed_on);
CREATE INDEX staff_skills_item ON staff_skills(catalogue_family, item_code);

-- Demand: people needed at or above a level of an item, for a project or for a section.
CREATE TABLE skill_demands (
    id               INTEGER PRIMARY KEY,
    catalogue_family TEXT NOT NULL,
    item_code        TEXT NOT NULL,
    level            INTEGER NOT NULL CHECK (level >= 1),
    people           INTEGER NOT NULL DEFAULT 1 CHECK (people >= 1),
    project_id       INTEGER REFERENCES projects(id),
    unit_id          INTEGER REFERENCES org_units(id),
    fiscal_year      INTEGER,
    note             TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    created_by       TEXT NOT NULL DEFAULT '',
    CHECK ((project_id IS NULL) != (unit_id IS NULL))
);
CREATE INDEX skill_demands_item ON skill_demands(catalogue_family, item_code);

-- Requirements may now use training, qualifications and roles (the kinds are checked in the code;
-- the table's CHECK named the first six, so it is rebuilt without it).
CREATE TABLE level_requirements_new (
    id         INTEGER PRIMARY KEY,
    level_id   INTEGER NOT NULL REFERENCES scheme_levels(id),
    kind       TEXT NOT NULL CHECK (length(kind) > 0),
    params     TEXT NOT NULL DEFAULT '{}',   -- JSON, by kind
    sort_order INTEGER NOT NULL DEFAULT 0
);
INSERT INTO level_requirements_new (id, level_id, kind, params, sort_order)
    SELECT id, level_id, kind, params, sort_order FROM level_requirements;
DROP TABLE level_requirements;
ALTER TABLE level_requirements_new RENAME TO level_requirements;
CREATE INDEX level_requirements_level ON level_requirements(level_id);
