-- The dates of a leave (休職) set by hand: from its first day, until its last day (NULL: open-ended).
-- A leave entered before these columns existed keeps NULL dates: on leave, since a day not recorded.
-- status = 'leave' means a leave was entered and not yet ended by a return to work; whether someone
-- is on leave on a given day comes from the dates (app.staff.status_sql), so a planned leave or one
-- that has run out is not shown as current.
ALTER TABLE staff ADD COLUMN leave_from TEXT;
ALTER TABLE staff ADD COLUMN leave_until TEXT;
