-- Where a certification comes from (issue 17 item 2): decided in the register ('decision'), or entered
-- from the records kept before it ('imported': paper certificates, the old Excel list), shown as
-- 「台帳導入前」. An imported one counts for the next level like any other and keeps its number as
-- printed; the eligibility engine never checked it.
ALTER TABLE certifications ADD COLUMN source TEXT NOT NULL DEFAULT 'decision'
    CHECK (source IN ('decision', 'imported'));
-- The earlier certifications entered so far (certification.record_past, used by the demo): the audit log names them.
UPDATE certifications SET source = 'imported'
WHERE id IN (SELECT CAST(entity_id AS INTEGER) FROM audit_log WHERE action = 'certification.record_past');
-- Like the decision itself, where it comes from is never rewritten.
CREATE TRIGGER certifications_source_fixed BEFORE UPDATE OF source ON certifications
BEGIN SELECT RAISE(ABORT, 'a certification decision cannot be rewritten'); END;
