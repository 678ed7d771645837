-- Print log of certificates: every PDF written for a certification, first issue or reprint.
CREATE TABLE certificate_prints (
    id               INTEGER PRIMARY KEY,
    certification_id INTEGER NOT NULL REFERENCES certifications(id),
    printed_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    printed_by       TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('first', 'reprint')),
    template         TEXT NOT NULL,
    file_name        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX certificate_prints_certification ON certificate_prints(certification_id);
CREATE TRIGGER certificate_prints_no_update BEFORE UPDATE ON certificate_prints
BEGIN SELECT RAISE(ABORT, 'the print log is append-only'); END;
CREATE TRIGGER certificate_prints_no_delete BEFORE DELETE ON certificate_prints
BEGIN SELECT RAISE(ABORT, 'the print log is append-only'); END;
