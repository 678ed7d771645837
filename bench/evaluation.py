"""Benchmark: the evaluation summary of a whole town against one hand-written SQL query.

A town of ``size`` staff gets projects of four rated members plus an owner,
every member rated from every perspective of the Moka rubric, until about
four ratings (criterion scores) per staff member exist: 50,000 staff → 200,000.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from app.evaluation import summary
from app.evaluation import rubrics
from app.register.accounts import Role, User
from app.db import open_database
from app.demo.town import generate_town, load_town
from app.demo.officer import officer as admin_as

ADMIN = User(0, "bench", "bench", Role.ADMIN)


def build_rated_town(path: Path, size: int, seed: int = 1) -> int:
    """Create the register; returns the number of criterion scores written."""
    result = open_database(path)
    db = result.db
    load_town(db, generate_town(size, seed=seed), "bench")
    template_id = rubrics.ensure_preset(db, admin_as("bench"))
    template = rubrics.load_template(db, template_id)
    rng = random.Random(seed)
    staff_ids = [r[0] for r in db.execute("SELECT id FROM staff WHERE status = 'active'")]
    target_scores = size * 4
    conn: sqlite3.Connection = db.conn
    projects, members, assignments, scores = [], [], [], []
    assignment_id = 0
    project_id = 0
    while len(scores) < target_scores:
        project_id += 1
        projects.append((project_id, f"改善プロジェクト{project_id}", 2025, template_id))
        team = rng.sample(staff_ids, 6)
        owner, digital, rated = team[0], team[1], team[2:]
        members.append((project_id, owner, "owner"))
        members.extend((project_id, s, "member") for s in rated)
        for target in rated:
            for perspective in template.perspectives:
                if perspective.code == "policy":
                    raters = [(owner, "executive")]
                elif perspective.code == "ict":
                    raters = [(digital, "digital")]
                else:
                    raters = [(s, "member") for s in rated if s != target]
                for evaluator, kind in raters:
                    assignment_id += 1
                    assignments.append((assignment_id, project_id, target, perspective.id, evaluator, kind))
                    scores.extend((assignment_id, c.id, rng.randint(1, 5)) for c in perspective.criteria_for(kind))
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO projects (id, name, fiscal_year, template_id) VALUES (?,?,?,?)", projects)
    conn.executemany("INSERT INTO project_members (project_id, staff_id, role) VALUES (?,?,?)", members)
    conn.executemany("INSERT INTO evaluation_assignments (id, project_id, target_staff_id, perspective_id, "
                     "evaluator_staff_id, evaluator_kind) VALUES (?,?,?,?,?,?)", assignments)
    conn.executemany("INSERT INTO evaluation_scores (assignment_id, criterion_id, score) VALUES (?,?,?)", scores)
    conn.execute("UPDATE evaluation_assignments SET status = 'submitted', submitted_at = '2026-03-01T00:00:00'")
    conn.execute("COMMIT")
    db.close()
    return len(scores)


BARE_QUERY = """
    SELECT project_id, target_staff_id, perspective_id, count(*), avg(rating)
    FROM (SELECT a.project_id, a.target_staff_id, a.perspective_id, avg(s.score) AS rating
          FROM evaluation_assignments a JOIN evaluation_scores s ON s.assignment_id = a.id
          WHERE a.status = 'submitted' GROUP BY a.id)
    GROUP BY project_id, target_staff_id, perspective_id"""


def summary_runs(path: Path):
    """(ours, bare) callables over the same file, each on its own connection."""
    from app.db import connect

    ours_db = connect(path)
    bare = sqlite3.connect(path)

    def ours() -> None:
        summary.summary(ours_db, ADMIN)

    def bare_run() -> None:
        bare.execute(BARE_QUERY).fetchall()

    return ours, bare_run


def add_sessions_and_scheme(path: Path) -> int:
    """Two workshops per project attended by its members, and the Moka scheme; returns memberships."""
    from app.certification import schemes
    from app.db import connect

    db = connect(path)
    conn: sqlite3.Connection = db.conn
    conn.execute("BEGIN")
    conn.execute("""INSERT INTO training_events (project_id, starts_on, ends_on, title, hours, kind)
                    SELECT id, '2025-06-01', '2025-06-01', 'ワークショップ1', 2, 'workshop' FROM projects
                    UNION ALL SELECT id, '2025-07-01', '2025-07-01', 'ワークショップ2', 2, 'workshop' FROM projects""")
    conn.execute("""INSERT INTO training_attendance (event_id, staff_id)
                    SELECT te.id, m.staff_id FROM training_events te JOIN project_members m ON m.project_id = te.project_id
                    WHERE m.role != 'owner'""")
    conn.execute("UPDATE projects SET realisation = 'trial', realisation_decided_on = '2026-03-01' WHERE id % 3 = 0")
    conn.execute("COMMIT")
    schemes.install_preset(db, "moka", admin_as("bench"))
    memberships = conn.execute("SELECT count(*) FROM project_members").fetchone()[0]
    db.close()
    return memberships


ELIGIBILITY_QUERY = """
WITH sessions AS (
    SELECT ta.staff_id, count(*) AS n FROM training_attendance ta JOIN training_events te ON te.id = ta.event_id
    WHERE te.kind = 'workshop' AND te.starts_on <= :day GROUP BY ta.staff_id),
roles AS (
    SELECT m.staff_id, count(DISTINCT m.project_id) FILTER (WHERE m.role IN ('proposer', 'leader', 'member')) AS takes_part,
           max(CASE p.realisation WHEN 'concept' THEN 0 WHEN 'trial' THEN 1 WHEN 'full' THEN 2
                                  WHEN 'organisation_wide' THEN 3 END) FILTER (WHERE m.role IN ('proposer', 'leader')) AS realised
    FROM project_members m JOIN projects p ON p.id = m.project_id
    WHERE m.joined_on IS NULL OR m.joined_on <= :day GROUP BY m.staff_id),
per_assignment AS (
    SELECT a.project_id, a.target_staff_id, tp.code, avg(s.score) AS rating
    FROM evaluation_assignments a JOIN evaluation_scores s ON s.assignment_id = a.id
    JOIN template_perspectives tp ON tp.id = a.perspective_id
    WHERE a.status = 'submitted' AND substr(a.submitted_at, 1, 10) <= :day GROUP BY a.id),
per_project AS (
    SELECT target_staff_id, project_id, code, avg(rating) AS value, count(*) AS raters
    FROM per_assignment GROUP BY target_staff_id, project_id, code),
scores AS (
    SELECT target_staff_id AS staff_id,
           max(value) FILTER (WHERE code = 'policy' AND raters >= 2) AS policy,
           max(value) FILTER (WHERE code = 'leadership' AND raters >= 3) AS leadership,
           max(value) FILTER (WHERE code = 'ict' AND raters >= 2) AS ict
    FROM per_project GROUP BY target_staff_id),
held AS (
    SELECT staff_id, group_concat(level_code) AS levels FROM certifications
    WHERE decided_on <= :day AND (status = 'active' OR revoked_on > :day) GROUP BY staff_id)
SELECT s.id, coalesce(sessions.n, 0), roles.takes_part, roles.realised, scores.policy, scores.leadership, scores.ict,
       held.levels
FROM staff s LEFT JOIN sessions ON sessions.staff_id = s.id LEFT JOIN roles ON roles.staff_id = s.id
LEFT JOIN scores ON scores.staff_id = s.id LEFT JOIN held ON held.staff_id = s.id
WHERE s.status != 'retired'"""


def eligibility_runs(path: Path):
    """(ours, bare): the engine with reasons for everyone vs one query of the same aggregates."""
    from datetime import date

    from app.certification import eligibility
    from app.certification import schemes
    from app.db import connect

    db = connect(path)
    scheme = schemes.load_scheme(db, schemes.active_scheme_id(db))
    bare = sqlite3.connect(path)
    day = date(2026, 11, 23)

    def ours() -> None:
        eligibility.eligibility(db, ADMIN, scheme, day)

    def bare_run() -> None:
        bare.execute(ELIGIBILITY_QUERY, {"day": day.isoformat()}).fetchall()

    return ours, bare_run
