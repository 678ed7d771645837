-- Project workshops become training events (issue 15): a project's session is a training event of kind
-- 'workshop' with project_id set, so that "workshops attended" counts a shared workshop held before the
-- teams formed and a team's own workshop alike. Every session and attendance row moves; ids of events
-- already in training_events stay, the moved sessions get ids after them (the map below keeps the pairs).
CREATE TEMP TABLE session_event_map AS
    SELECT ps.id AS session_id, ps.id + (SELECT coalesce(max(id), 0) FROM training_events) AS event_id
    FROM project_sessions ps;

INSERT INTO training_events (id, title, kind, starts_on, ends_on, hours, project_id, created_by)
    SELECT m.event_id, ps.title, 'workshop', ps.held_on, ps.held_on, ps.hours, ps.project_id, 'migration'
    FROM project_sessions ps JOIN session_event_map m ON m.session_id = ps.id
    ORDER BY ps.id;

INSERT INTO training_attendance (event_id, staff_id, hours, source)
    SELECT m.event_id, sa.staff_id, NULL, 'app'
    FROM session_attendance sa JOIN session_event_map m ON m.session_id = sa.session_id
    ORDER BY m.event_id, sa.staff_id;

DROP TABLE session_event_map;
DROP TABLE session_attendance;
DROP TABLE project_sessions;
