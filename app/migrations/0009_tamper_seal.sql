-- Tamper evidence (issue 13 item 4). The records that matter carry a seal (a MAC made with a key kept
-- outside the register, see app/seal.py); the audit log is a hash chain; assignment ids are never reused.
-- The seal triggers and the sealing of existing rows are made by app.seal.after_migration in this
-- same transaction (they are generated from app.seal.SEALED, the one list of sealed columns).

-- The locks of submitted answers name the assignments table: made again below, after the rebuild.
DROP TRIGGER evaluation_scores_locked_update;
DROP TRIGGER evaluation_scores_locked_insert;
DROP TRIGGER evaluation_scores_locked_delete;

-- Assignment ids are never reused (AUTOINCREMENT), so that a stale signed sheet cannot land on a
-- new assignment that took a deleted one's id. Rebuilt with its data; evaluation_scores keeps its key.
CREATE TABLE evaluation_assignments_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id          INTEGER NOT NULL REFERENCES projects(id),
    target_staff_id     INTEGER NOT NULL REFERENCES staff(id),
    perspective_id      INTEGER NOT NULL REFERENCES template_perspectives(id),
    evaluator_staff_id  INTEGER REFERENCES staff(id),
    evaluator_external_id INTEGER REFERENCES external_raters(id),
    evaluator_kind      TEXT NOT NULL CHECK (evaluator_kind IN ('executive', 'member', 'staff', 'digital', 'external')),
    status              TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'draft', 'submitted')),
    submitted_at        TEXT,
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    seal                TEXT,
    CHECK ((evaluator_staff_id IS NULL) <> (evaluator_external_id IS NULL)),
    CHECK (evaluator_staff_id IS NULL OR evaluator_staff_id <> target_staff_id),
    CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
);
INSERT INTO evaluation_assignments_new (id, project_id, target_staff_id, perspective_id, evaluator_staff_id,
    evaluator_external_id, evaluator_kind, status, submitted_at, updated_at)
SELECT id, project_id, target_staff_id, perspective_id, evaluator_staff_id, evaluator_external_id, evaluator_kind,
    status, submitted_at, updated_at FROM evaluation_assignments;
DROP TABLE evaluation_assignments;
ALTER TABLE evaluation_assignments_new RENAME TO evaluation_assignments;
CREATE UNIQUE INDEX evaluation_assignments_staff_unique
    ON evaluation_assignments(project_id, target_staff_id, perspective_id, evaluator_staff_id)
    WHERE evaluator_staff_id IS NOT NULL;
CREATE UNIQUE INDEX evaluation_assignments_external_unique
    ON evaluation_assignments(project_id, target_staff_id, perspective_id, evaluator_external_id)
    WHERE evaluator_external_id IS NOT NULL;
CREATE INDEX evaluation_assignments_evaluator ON evaluation_assignments(evaluator_staff_id);
CREATE INDEX evaluation_assignments_project ON evaluation_assignments(project_id, perspective_id);
-- Ids removed before this version are not handed out again either: the log remembers the highest one.
INSERT INTO sqlite_sequence (name, seq)
SELECT 'evaluation_assignments', max(coalesce((SELECT max(id) FROM evaluation_assignments), 0),
    coalesce((SELECT max(CAST(entity_id AS INTEGER)) FROM audit_log WHERE action = 'evaluation.assign'), 0))
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'evaluation_assignments');
UPDATE sqlite_sequence SET seq = max(seq,
    coalesce((SELECT max(CAST(entity_id AS INTEGER)) FROM audit_log WHERE action = 'evaluation.assign'), 0))
WHERE name = 'evaluation_assignments';

ALTER TABLE settings ADD COLUMN seal TEXT;
ALTER TABLE users ADD COLUMN seal TEXT;
ALTER TABLE evaluation_scores ADD COLUMN seal TEXT;
ALTER TABLE certifications ADD COLUMN seal TEXT;
ALTER TABLE certification_reissues ADD COLUMN seal TEXT;
ALTER TABLE certificate_prints ADD COLUMN seal TEXT;

-- The audit log as a chain: hash = SHA-256 over the previous entry's hash and this entry; seal = MAC of hash.
ALTER TABLE audit_log ADD COLUMN hash TEXT;
ALTER TABLE audit_log ADD COLUMN seal TEXT;

-- Append-only tables stay append-only; only the seal of a new row is filled in, once.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OF id, at, actor, action, entity, entity_id, before_json, after_json
ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_sealed_once BEFORE UPDATE OF hash, seal ON audit_log WHEN OLD.seal IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
DROP TRIGGER certificate_prints_no_update;
CREATE TRIGGER certificate_prints_no_update BEFORE UPDATE OF id, certification_id, printed_at, printed_by, kind,
    template, file_name ON certificate_prints BEGIN SELECT RAISE(ABORT, 'the print log is append-only'); END;
CREATE TRIGGER certificate_prints_sealed_once BEFORE UPDATE OF seal ON certificate_prints WHEN OLD.seal IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the print log is append-only'); END;

-- Where the chain ends (so that a cut-off tail is seen) and other sealed facts of the register.
CREATE TABLE seal_state (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL DEFAULT '',
    number INTEGER NOT NULL DEFAULT 0,
    seal   TEXT
);
-- Rows sealed with another installation's key, vouched for by this installation's key when it took
-- the register over (a restore on another PC): a later change to such a row is still detected.
CREATE TABLE seal_witness (
    tbl     TEXT NOT NULL,
    row_key TEXT NOT NULL,
    seal    TEXT NOT NULL,
    PRIMARY KEY (tbl, row_key)
) WITHOUT ROWID;

-- A submitted rating stays locked; only the seal of an existing answer may be written (at this upgrade).
CREATE TRIGGER evaluation_scores_locked_update BEFORE UPDATE OF assignment_id, criterion_id, score, comment
ON evaluation_scores
WHEN (SELECT status FROM evaluation_assignments WHERE id = OLD.assignment_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'evaluation is submitted and locked'); END;
CREATE TRIGGER evaluation_scores_locked_insert BEFORE INSERT ON evaluation_scores
WHEN (SELECT status FROM evaluation_assignments WHERE id = NEW.assignment_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'evaluation is submitted and locked'); END;
CREATE TRIGGER evaluation_scores_locked_delete BEFORE DELETE ON evaluation_scores
WHEN (SELECT status FROM evaluation_assignments WHERE id = OLD.assignment_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'evaluation is submitted and locked'); END;
