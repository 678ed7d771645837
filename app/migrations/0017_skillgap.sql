-- The skill map's supply at a glance (issue 15, lane skillgap): each person's CURRENT level of every item of a
-- catalogue family as one short text, kept up to date by triggers on staff_skills.
--
-- Why: the heat map counts, per section and item, the people at or above a level. Worked out from the history
-- in staff_skills (latest assessed_on; on the same day confirmed > qualification > training > self; then the
-- highest id) that takes seconds for 50,000 staff x 50 items; read from one row per person it takes a tenth.
-- The triggers recompute the one item a write touched, whoever writes (a screen, an import, the CLI).
--
-- skill_item_slots gives each (family, item code) a fixed position in the text; staff_skill_profiles.levels
-- holds one character per position: '-' no record, otherwise char(48 + level) ('0', '1', '2' ...).
CREATE TABLE skill_item_slots (
    catalogue_family TEXT NOT NULL,
    item_code        TEXT NOT NULL,
    slot             INTEGER NOT NULL CHECK (slot >= 0),
    PRIMARY KEY (catalogue_family, item_code),
    UNIQUE (catalogue_family, slot)
) WITHOUT ROWID;

CREATE TABLE staff_skill_profiles (
    catalogue_family TEXT NOT NULL,
    staff_id         INTEGER NOT NULL REFERENCES staff(id),
    levels           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (catalogue_family, staff_id)
) WITHOUT ROWID;

CREATE TRIGGER staff_skills_profile_insert AFTER INSERT ON staff_skills BEGIN
    INSERT OR IGNORE INTO skill_item_slots (catalogue_family, item_code, slot)
        SELECT NEW.catalogue_family, NEW.item_code, coalesce(max(slot) + 1, 0)
        FROM skill_item_slots WHERE catalogue_family = NEW.catalogue_family;
    INSERT OR IGNORE INTO staff_skill_profiles (catalogue_family, staff_id, levels)
        VALUES (NEW.catalogue_family, NEW.staff_id, '');
    UPDATE staff_skill_profiles
       SET levels = substr((levels || replace(hex(zeroblob((SELECT slot FROM skill_item_slots WHERE catalogue_family = NEW.catalogue_family AND item_code = NEW.item_code) + 1 - length(levels))), '00', '-')), 1, (SELECT slot FROM skill_item_slots WHERE catalogue_family = NEW.catalogue_family AND item_code = NEW.item_code))
                    || coalesce((SELECT char(48 + min(s.level, 74)) FROM staff_skills s WHERE s.staff_id = NEW.staff_id AND s.catalogue_family = NEW.catalogue_family AND s.item_code = NEW.item_code ORDER BY s.assessed_on DESC, CASE s.source WHEN 'confirmed' THEN 4 WHEN 'qualification' THEN 3 WHEN 'training' THEN 2 ELSE 1 END DESC, s.id DESC LIMIT 1), '-')
                    || substr((levels || replace(hex(zeroblob((SELECT slot FROM skill_item_slots WHERE catalogue_family = NEW.catalogue_family AND item_code = NEW.item_code) + 1 - length(levels))), '00', '-')), (SELECT slot FROM skill_item_slots WHERE catalogue_family = NEW.catalogue_family AND item_code = NEW.item_code) + 2)
     WHERE catalogue_family = NEW.catalogue_family AND staff_id = NEW.staff_id;
END;

CREATE TRIGGER staff_skills_profile_delete AFTER DELETE ON staff_skills BEGIN
    INSERT OR IGNORE INTO skill_item_slots (catalogue_family, item_code, slot)
        SELECT OLD.catalogue_family, OLD.item_code, coalesce(max(slot) + 1, 0)
        FROM skill_item_slots WHERE catalogue_family = OLD.catalogue_family;
    INSERT OR IGNORE INTO staff_skill_profiles (catalogue_family, staff_id, levels)
        VALUES (OLD.catalogue_family, OLD.staff_id, '');
    UPDATE staff_skill_profiles
       SET levels = substr((levels || replace(hex(zeroblob((SELECT slot FROM skill_item_slots WHERE catalogue_family = OLD.catalogue_family AND item_code = OLD.item_code) + 1 - length(levels))), '00', '-')), 1, (SELECT slot FROM skill_item_slots WHERE catalogue_family = OLD.catalogue_family AND item_code = OLD.item_code))
                    || coalesce((SELECT char(48 + min(s.level, 74)) FROM staff_skills s WHERE s.staff_id = OLD.staff_id AND s.catalogue_family = OLD.catalogue_family AND s.item_code = OLD.item_code ORDER BY s.assessed_on DESC, CASE s.source WHEN 'confirmed' THEN 4 WHEN 'qualification' THEN 3 WHEN 'training' THEN 2 ELSE 1 END DESC, s.id DESC LIMIT 1), '-')
                    || substr((levels || replace(hex(zeroblob((SELECT slot FROM skill_item_slots WHERE catalogue_family = OLD.catalogue_family AND item_code = OLD.item_code) + 1 - length(levels))), '00', '-')), (SELECT slot FROM skill_item_slots WHERE catalogue_family = OLD.catalogue_family AND item_code = OLD.item_code) + 2)
     WHERE catalogue_family = OLD.catalogue_family AND staff_id = OLD.staff_id;
END;

CREATE TRIGGER staff_skills_profile_update AFTER UPDATE OF staff_id, catalogue_family, item_code, level, assessed_on, source ON staff_skills BEGIN
    INSERT OR IGNORE INTO skill_item_slots (catalogue_family, item_code, slot)
        SELECT OLD.catalogue_family, OLD.item_code, coalesce(max(slot) + 1, 0)
        FROM skill_item_slots WHERE catalogue_family = OLD.catalogue_family;
    INSERT OR IGNORE INTO staff_skill_profiles (catalogue_family, staff_id, levels)
        VALUES (OLD.catalogue_family, OLD.staff_id, '');
    UPDATE staff_skill_profiles
       SET levels = substr((levels || replace(hex(zeroblob((SELECT slot FROM skill_item_slots WHERE catalogue_family = OLD.catalogue_family AND item_code = OLD.item_code) + 1 - length(levels))), '00', '-')), 1, (SELECT slot FROM skill_item_slots WHERE catalogue_family = OLD.catalogue_family AND item_code = OLD.item_code))
                    || coalesce((SELECT char(48 + min(s.level, 74)) FROM staff_skills s WHERE s.staff_id = OLD.staff_id AND s.catalogue_family = OLD.catalogue_family AND s.item_code = OLD.item_code ORDER BY s.assessed_on DESC, CASE s.source WHEN 'confirmed' THEN 4 WHEN 'qualification' THEN 3 WHEN 'training' THEN 2 ELSE 1 END DESC, s.id DESC LIMIT 1), '-')
                    || substr((levels || replace(hex(zeroblob((SELECT slot FROM skill_item_slots WHERE catalogue_family = OLD.catalogue_family AND item_code = OLD.item_code) + 1 - length(levels))), '00', '-')), (SELECT slot FROM skill_item_slots WHERE catalogue_family = OLD.catalogue_family AND item_code = OLD.item_code) + 2)
     WHERE catalogue_family = OLD.catalogue_family AND staff_id = OLD.staff_id;
    INSERT OR IGNORE INTO skill_item_slots (catalogue_family, item_code, slot)
        SELECT NEW.catalogue_family, NEW.item_code, coalesce(max(slot) + 1, 0)
        FROM skill_item_slots WHERE catalogue_family = NEW.catalogue_family;
    INSERT OR IGNORE INTO staff_skill_profiles (catalogue_family, staff_id, levels)
        VALUES (NEW.catalogue_family, NEW.staff_id, '');
    UPDATE staff_skill_profiles
       SET levels = substr((levels || replace(hex(zeroblob((SELECT slot FROM skill_item_slots WHERE catalogue_family = NEW.catalogue_family AND item_code = NEW.item_code) + 1 - length(levels))), '00', '-')), 1, (SELECT slot FROM skill_item_slots WHERE catalogue_family = NEW.catalogue_family AND item_code = NEW.item_code))
                    || coalesce((SELECT char(48 + min(s.level, 74)) FROM staff_skills s WHERE s.staff_id = NEW.staff_id AND s.catalogue_family = NEW.catalogue_family AND s.item_code = NEW.item_code ORDER BY s.assessed_on DESC, CASE s.source WHEN 'confirmed' THEN 4 WHEN 'qualification' THEN 3 WHEN 'training' THEN 2 ELSE 1 END DESC, s.id DESC LIMIT 1), '-')
                    || substr((levels || replace(hex(zeroblob((SELECT slot FROM skill_item_slots WHERE catalogue_family = NEW.catalogue_family AND item_code = NEW.item_code) + 1 - length(levels))), '00', '-')), (SELECT slot FROM skill_item_slots WHERE catalogue_family = NEW.catalogue_family AND item_code = NEW.item_code) + 2)
     WHERE catalogue_family = NEW.catalogue_family AND staff_id = NEW.staff_id;
END;

-- Records written before this migration: their slots in order of first appearance, and each person's text.
INSERT INTO skill_item_slots (catalogue_family, item_code, slot)
    SELECT catalogue_family, item_code, row_number() OVER (PARTITION BY catalogue_family ORDER BY first_id) - 1
    FROM (SELECT catalogue_family, item_code, min(id) AS first_id FROM staff_skills GROUP BY catalogue_family, item_code);
INSERT INTO staff_skill_profiles (catalogue_family, staff_id, levels)
    SELECT catalogue_family, staff_id, group_concat(ch, '') FROM (
        SELECT p.catalogue_family, p.staff_id, k.slot,
               coalesce((SELECT char(48 + min(s.level, 74)) FROM staff_skills s WHERE s.staff_id = p.staff_id
                         AND s.catalogue_family = p.catalogue_family AND s.item_code = k.item_code
                         ORDER BY s.assessed_on DESC, CASE s.source WHEN 'confirmed' THEN 4 WHEN 'qualification' THEN 3
                                  WHEN 'training' THEN 2 ELSE 1 END DESC, s.id DESC LIMIT 1), '-') AS ch
        FROM (SELECT DISTINCT catalogue_family, staff_id FROM staff_skills) p
        JOIN skill_item_slots k ON k.catalogue_family = p.catalogue_family
        ORDER BY p.catalogue_family, p.staff_id, k.slot)
    GROUP BY catalogue_family, staff_id;
