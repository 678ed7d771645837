-- The town's own numeric outcome fields of a project (issue 16 item 3), beside the three the product
-- knows (hours saved per year, procedures moved online, systems built, columns of projects).
-- A field is defined once by the town (「削減コスト」 in 千円, 「ペーパーレス化した帳票」 in 枚) and a
-- project holds at most one value of it. A field in use is retired, never deleted, so that the
-- totals of past years stay what they were.
CREATE TABLE outcome_fields (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    unit       TEXT NOT NULL DEFAULT '',                       -- shown after the figure: 時間, 千円, 件
    whole      INTEGER NOT NULL DEFAULT 0 CHECK (whole IN (0, 1)),      -- 1: counted in whole numbers (件, 枚)
    sort_order INTEGER NOT NULL DEFAULT 0,
    retired    INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))
);

CREATE TABLE project_outcome_values (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    field_id   INTEGER NOT NULL REFERENCES outcome_fields(id),
    value      REAL NOT NULL CHECK (value >= 0),
    PRIMARY KEY (project_id, field_id)
);
CREATE INDEX project_outcome_values_field ON project_outcome_values(field_id);
