"""Benchmark: the ホーム refresh (issue 16 budget: 50,000 staff with 200,000 ratings ≤ 500 ms).

    python -m bench.dashboard [--size 50000] [--repeat 3] [--json]

The town of ``bench.evaluation.build_rated_town`` (about four ratings per person: 50,000 staff →
200,000), with one team in ten still rating (their assignments pending or draft), the Moka scheme and
about 5 % of the staff certified over three levels, a level target per level, one DX推進リーダー in
two sections of three, and a qualification with an expiry for one person in five (a tenth of them
within 90 days). Figures, best of R runs in ms:

- ``dashboard_refresh``: ``app.overview.dashboard.dashboard`` as the administrator (every tile but the
  check) against raw sqlite3 running the same queries and the same set arithmetic in Python (baseline)
- ``dashboard_check``: the check tile (``register_check``: integrity, foreign keys, seals), against a bare
  ``PRAGMA integrity_check`` + ``foreign_key_check``. The screen runs it on its own worker after the
  figures are shown, so it is reported apart from the refresh budget.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from app.register.accounts import Role, User

ADMIN = User(0, "bench", "bench", Role.ADMIN)
TODAY = date(2026, 12, 1)
BUDGET_MS = 500


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _certify(conn: sqlite3.Connection, rng: random.Random, staff: list[int]) -> None:
    scheme_id, family = conn.execute("SELECT id, family FROM cert_schemes ORDER BY id DESC LIMIT 1").fetchone()
    levels = conn.execute("SELECT id, code FROM scheme_levels WHERE scheme_id = ? ORDER BY sort_order, id",
                          [scheme_id]).fetchall()
    rows, seq = [], 0
    for staff_id in rng.sample(staff, len(staff) // 20):
        for level_id, code in levels[:rng.choice((1, 1, 1, 2, 3))]:
            seq += 1
            rows.append((staff_id, scheme_id, level_id, family, code, "2025-10-01", "市長", 2025, seq, f"B-{seq}"))
    conn.executemany("""INSERT INTO certifications (staff_id, scheme_id, level_id, scheme_family, level_code, decided_on,
                        approver, fiscal_year, seq, certificate_no) VALUES (?,?,?,?,?,?,?,?,?,?)""", rows)
    conn.executemany("INSERT INTO targets (fiscal_year, kind, value, level_code) VALUES (2026, 'level_count', ?, ?)",
                     [(len(staff) // (10 * (i + 1)), code) for i, (_id, code) in enumerate(levels)])


def add_dashboard_data(path: Path, seed: int = 1) -> None:
    """What the dashboard reads besides the ratings: waiting teams, certifications, targets, leaders, expiries."""
    from app.certification import schemes
    from app.db import connect
    from app.demo.officer import officer as admin_as

    db = connect(path)
    schemes.install_preset(db, "moka", admin_as("bench"))
    conn: sqlite3.Connection = db.conn
    rng = random.Random(seed)
    staff = [r[0] for r in conn.execute("SELECT id FROM staff WHERE status = 'active'")]
    conn.execute("BEGIN")
    conn.execute("UPDATE evaluation_assignments SET status = CASE WHEN id % 3 = 0 THEN 'draft' ELSE 'pending' END, "
                 "submitted_at = NULL WHERE project_id % 10 = 0")
    _certify(conn, rng, staff)
    sections = [r[0] for r in conn.execute("SELECT id FROM org_units WHERE kind = 'section'")]
    seated = dict(conn.execute("SELECT a.unit_id, min(a.staff_id) FROM staff_assignments a WHERE a.is_primary = 1 "
                               "GROUP BY a.unit_id").fetchall())
    conn.executemany("INSERT OR IGNORE INTO designations (staff_id, unit_id, role_id, fiscal_year) VALUES (?, ?, 1, 2026)",
                     [(seated[s], s) for i, s in enumerate(sections) if i % 3 and s in seated])
    quals = [r[0] for r in conn.execute("SELECT id FROM qualifications WHERE validity_years IS NOT NULL")] or [1]
    rows = []
    for staff_id in rng.sample(staff, len(staff) // 5):
        expires = TODAY + timedelta(days=rng.randint(-400, 900))
        rows.append((staff_id, "資格", rng.choice(quals), (expires - timedelta(days=1095)).isoformat(), expires.isoformat()))
    conn.executemany("INSERT INTO staff_qualifications (staff_id, name, qualification_id, obtained_on, expires_on) "
                     "VALUES (?,?,?,?,?)", rows)
    conn.execute("COMMIT")
    db.close()


def bare_refresh(conn: sqlite3.Connection) -> dict:
    """The same reads with raw sqlite3 and the same set arithmetic, no services, no dataclasses."""
    from app.overview.dashboard import _COUNTED_SQL

    on = TODAY.isoformat()
    people = {r[0]: r[2] for r in conn.execute(_COUNTED_SQL, {"on": on, "fy": 2026})}
    family = conn.execute("SELECT family FROM cert_schemes ORDER BY id DESC LIMIT 1").fetchone()[0]
    held: dict[str, set[int]] = {}
    for staff_id, level in conn.execute("SELECT DISTINCT staff_id, level_code FROM certifications WHERE scheme_family = ? "
                                        "AND decided_on <= ? AND (status = 'active' OR revoked_on > ?)", [family, on, on]):
        if staff_id in people:
            held.setdefault(level, set()).add(staff_id)
    conn.execute("SELECT level_code, value FROM targets WHERE fiscal_year = 2026 AND kind = 'level_count'").fetchall()
    sections = {r[0]: set() for r in conn.execute(
        "SELECT id FROM org_units WHERE kind = 'section' AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)", [on, on])}
    for staff_ids in held.values():
        for staff_id in staff_ids:
            if people[staff_id] in sections:
                sections[people[staff_id]].add(staff_id)
    for unit_id, staff_id in conn.execute("SELECT unit_id, staff_id FROM designations WHERE fiscal_year = 2026"):
        if unit_id in sections and staff_id in people:
            sections[unit_id].add(staff_id)
    waiting = conn.execute("""SELECT a.project_id, a.evaluator_staff_id, a.evaluator_external_id, count(*)
                              FROM evaluation_assignments a JOIN projects p ON p.id = a.project_id
                              WHERE a.status != 'submitted' AND p.status != 'cancelled'
                              GROUP BY a.project_id, a.evaluator_staff_id, a.evaluator_external_id""").fetchall()
    expiring = conn.execute("""SELECT sq.id, s.family_name, q.name, sq.expires_on FROM staff_qualifications sq
                               JOIN staff s ON s.id = sq.staff_id LEFT JOIN qualifications q ON q.id = sq.qualification_id
                               WHERE sq.expires_on BETWEEN ? AND ? AND (s.retired_on IS NULL OR s.retired_on >= ?)
                                 AND NOT EXISTS (SELECT 1 FROM staff_qualifications r WHERE r.staff_id = sq.staff_id
                                   AND r.qualification_id = sq.qualification_id AND r.id != sq.id
                                   AND (r.expires_on IS NULL OR r.expires_on > sq.expires_on))""",
                            [on, (TODAY + timedelta(days=90)).isoformat(), on]).fetchall()
    conn.execute("SELECT at FROM audit_log WHERE action = 'database.backup' ORDER BY id DESC LIMIT 50").fetchall()
    return {"certified": len(set().union(*held.values())), "uncovered": sum(1 for v in sections.values() if not v),
            "waiting": sum(r[3] for r in waiting), "expiring": len(expiring)}


def run(size: int, repeat: int, folder: Path) -> list[dict]:
    from app.db import connect
    from app.overview import dashboard
    from bench.evaluation import build_rated_town

    path = folder / f"dashboard-{size}.sqlite"
    ratings = build_rated_town(path, size)
    add_dashboard_data(path)
    db = connect(path)
    raw = sqlite3.connect(path)
    try:
        board = dashboard.dashboard(db, ADMIN, TODAY)
        bare = bare_refresh(raw)
        same = {"certified": board.certified_total, "uncovered": len(board.uncovered),
                "waiting": board.waiting_total, "expiring": board.expiring_count}
        assert same == bare, (same, bare)
        ours = best(lambda: dashboard.dashboard(db, ADMIN, TODAY), repeat)
        baseline = best(lambda: bare_refresh(raw), repeat)
        check = best(lambda: dashboard.register_check(db, ADMIN), 1)
        bare_check = best(lambda: (raw.execute("PRAGMA integrity_check").fetchall(),
                                   raw.execute("PRAGMA foreign_key_check").fetchall()), 1)
    finally:
        db.close()
        raw.close()
    note = (f"{size:,} staff, {ratings:,} ratings, {same['waiting']:,} evaluations waiting, "
            f"{same['certified']:,} certified, {same['expiring']:,} expiring; budget {BUDGET_MS} ms")
    return [
        {"name": "dashboard_refresh", "size": size, "value": round(ours * 1000, 1), "unit": "ms",
         "baseline": round(baseline * 1000, 1), "ratio": round(ours / baseline, 2), "note": note},
        {"name": "dashboard_check", "size": size, "value": round(check * 1000, 1), "unit": "ms",
         "baseline": round(bare_check * 1000, 1), "ratio": round(check / bare_check, 2),
         "note": "the check tile (integrity, foreign keys, seals) vs integrity_check + foreign_key_check; on its own worker"},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__)
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dx-bench-") as tmp:
        for fig in run(args.size, args.repeat, Path(tmp)):
            if args.json:
                print(json.dumps(fig, ensure_ascii=False), flush=True)
            else:
                print(f"{fig['name']:<20} {fig['size']:>6}  {fig['value']:>9.1f} ms  bare {fig['baseline']:>9.1f} ms  "
                      f"ratio {fig['ratio']:>5.2f}  {fig['note']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
