-- Which unit continues a unit that a reform closed (rename, merge, split, or a sub-unit carried over),
-- so that settings naming a unit (the digital section) can follow it to the unit in force on a day.
ALTER TABLE org_units ADD COLUMN successor_id INTEGER REFERENCES org_units(id);

-- Renames made before this column existed: their successor is in the audit log.
UPDATE org_units SET successor_id = (
    SELECT CAST(json_extract(l.after_json, '$.successor') AS INTEGER) FROM audit_log l
    WHERE l.action = 'org.rename' AND l.entity = 'org_units' AND l.entity_id = CAST(org_units.id AS TEXT)
    ORDER BY l.id DESC LIMIT 1)
WHERE valid_to IS NOT NULL;
