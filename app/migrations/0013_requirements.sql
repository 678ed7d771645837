-- Requirements that use training and qualifications (issue 15 item 3). Certification now rests on who
-- holds which qualification and who attended what, so those records are sealed like the decisions
-- themselves: the seal triggers and the sealing of the rows already there are made by the Python step
-- of this migration (app.seal.seal_later_tables, generated from app.seal.SEALED).

-- The position of the primary assignment on a day (role requirements), read for every person at once.
CREATE INDEX staff_assignments_primary_day ON staff_assignments(is_primary, valid_from, staff_id);
