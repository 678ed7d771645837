"""Benchmark: the skill heat map of a whole town (budget: 50,000 staff × 50 skills ≤ 500 ms).

    python -m bench.skill_map [--size N] [--items 50] [--repeat R] [--json]

A town of ``size`` staff, a catalogue of ``items`` skills, and for every person a self-assessment of
about 80 % of the items, a later confirmation of one in ten and a same-day self row after some of those
(so the rule has ties to break): 50,000 staff → about 2.2 million staff_skills rows. Every section asks
for five items at levels 1–4.

Figures (best of R runs):
- ``skill_map``: ``supply.heat_map`` over every section × item (the note adds its processor time: on a shared
  machine the wall time also counts waiting for a core), against bare sqlite3 working the same
  counts out of the history (window function for the current level, seats joined, grouped by section,
  item and level): what the map would cost without migration 0017's profiles.
- ``skill_map_read``: the same map against bare sqlite3 only reading the profile texts it starts from
  (the floor for the approach: the ratio is Python's share).
- ``skill_candidates``: who could fill one gap (a scan of every profile), against bare sqlite3 doing it
  from the history with an index.
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
from datetime import date
from pathlib import Path

from app.db import connect, open_database
from app.demo.officer import officer
from app.demo.town import generate_town, load_town
from app.skills import supply

FAMILY = "bench-skills"
ON = date(2026, 6, 1)
ADMIN = officer("bench")

BARE_MAP = """
WITH cur AS (
    SELECT staff_id, item_code, level FROM (
        SELECT staff_id, item_code, level, row_number() OVER (PARTITION BY staff_id, item_code
            ORDER BY assessed_on DESC, CASE source WHEN 'confirmed' THEN 4 WHEN 'qualification' THEN 3
                     WHEN 'training' THEN 2 ELSE 1 END DESC, id DESC) AS n
        FROM staff_skills WHERE catalogue_family = :family) WHERE n = 1),
seat AS (
    SELECT a.staff_id, CASE WHEN u.kind = 'unit' THEN u.parent_id ELSE u.id END AS row_unit
    FROM staff_assignments a JOIN org_units u ON u.id = a.unit_id JOIN staff s ON s.id = a.staff_id
    WHERE a.is_primary = 1 AND a.valid_from <= :on AND (a.valid_to IS NULL OR a.valid_to >= :on)
      AND s.status = 'active')
SELECT seat.row_unit, cur.item_code, cur.level, count(*) FROM cur JOIN seat ON seat.staff_id = cur.staff_id
GROUP BY 1, 2, 3"""

BARE_CANDIDATES = """
SELECT staff_id, level FROM (
    SELECT staff_id, level, row_number() OVER (PARTITION BY staff_id ORDER BY assessed_on DESC,
        CASE source WHEN 'confirmed' THEN 4 WHEN 'qualification' THEN 3 WHEN 'training' THEN 2 ELSE 1 END DESC,
        id DESC) AS n
    FROM staff_skills WHERE catalogue_family = :family AND item_code = :code) WHERE n = 1 AND level >= :level"""


def build(path: Path, size: int, items: int, seed: int = 1) -> int:
    """The register with the town, the catalogue, the skills and the demand; returns staff_skills rows."""
    db = open_database(path).db
    load_town(db, generate_town(size, seed=seed), "bench")
    rng = random.Random(seed)
    conn: sqlite3.Connection = db.conn
    codes = [f"S{n:02d}" for n in range(items)]
    conn.execute("BEGIN")
    cid = conn.execute("INSERT INTO skill_catalogues (family, version, name) VALUES (?, 1, 'ベンチ用スキル')",
                       [FAMILY]).lastrowid
    conn.executemany("INSERT INTO skill_levels (catalogue_id, level, name) VALUES (?, ?, ?)",
                     [(cid, level, f"L{level}") for level in range(0, 5)])
    kid = conn.execute("INSERT INTO skill_categories (catalogue_id, code, name) VALUES (?, 'all', '全般')",
                       [cid]).lastrowid
    conn.executemany("INSERT INTO skill_items (catalogue_id, category_id, code, name, sort_order) VALUES (?,?,?,?,?)",
                     [(cid, kid, code, f"スキル{code}", n) for n, code in enumerate(codes)])
    rows, profiles = [], []
    for staff_id in range(1, size + 1):
        levels = []
        for code in codes:
            current = "-"
            if rng.random() < 0.8:
                rows.append((staff_id, code, rng.randint(0, 4), "2025-06-01", "self"))
                current = rows[-1][2]
                if rng.random() < 0.1:
                    rows.append((staff_id, code, rng.randint(1, 4), "2025-10-01", "confirmed"))
                    current = rows[-1][2]  # a same-day self row below does not outrank it
                    if rng.random() < 0.3:
                        rows.append((staff_id, code, rng.randint(0, 4), "2025-10-01", "self"))
            levels.append(current if current == "-" else chr(48 + current))
        profiles.append((FAMILY, staff_id, "".join(levels)))
    # The profile triggers recompute one item per row (minutes for two million rows): set aside for the bulk
    # insert, the profiles written from the same rule here, the triggers made again from their own SQL.
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                            "AND name LIKE 'staff_skills_profile_%'").fetchall()
    for name, _sql in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.executemany(f"INSERT INTO staff_skills (staff_id, catalogue_family, item_code, level, assessed_on, source) "
                     f"VALUES (?, '{FAMILY}', ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO skill_item_slots (catalogue_family, item_code, slot) VALUES (?, ?, ?)",
                     [(FAMILY, code, slot) for slot, code in enumerate(codes)])
    conn.executemany("INSERT INTO staff_skill_profiles (catalogue_family, staff_id, levels) VALUES (?, ?, ?)", profiles)
    for _name, sql in triggers:
        conn.execute(sql)
    sections = [r[0] for r in conn.execute("SELECT id FROM org_units WHERE kind = 'section'")]
    conn.executemany("INSERT INTO skill_demands (catalogue_family, item_code, level, people, unit_id) VALUES (?,?,?,?,?)",
                     [(FAMILY, code, rng.randint(1, 4), rng.randint(1, 3), section)
                      for section in sections for code in rng.sample(codes, min(5, items))])
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    db.close()
    return len(rows)


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def cpu_best(fn: Callable[[], object], repeat: int) -> float:
    """Processor time of the best run: on a shared machine wall time also counts the waits for a core."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def run(folder: Path, size: int, repeat: int, items: int = 50) -> list[tuple[str, float, float, str]]:
    """(name, ours in s, bare in s, note) for each figure."""
    path = folder / f"skill-map-{size}-{items}.sqlite"
    started = time.perf_counter()
    records = build(path, size, items)
    note = f"{items} skills, {records} records, built in {time.perf_counter() - started:.0f} s"
    db = connect(path)
    bare = sqlite3.connect(path)
    params = {"family": FAMILY, "on": ON.isoformat()}
    heat = supply.heat_map(db, ADMIN, FAMILY, ON)
    note += f", {len(heat.rows)} rows × {len(heat.items)} columns, {sum(len(n) for n in heat.needs.values())} demand lines"
    cpu = cpu_best(lambda: supply.heat_map(db, ADMIN, FAMILY, ON), repeat)
    note += f", processor time {cpu * 1000:.0f} ms"
    figures = [
        ("skill_map", best(lambda: supply.heat_map(db, ADMIN, FAMILY, ON), repeat),
         best(lambda: bare.execute(BARE_MAP, params).fetchall(), repeat), note),
        ("skill_map_read", best(lambda: supply.heat_map(db, ADMIN, FAMILY, ON), repeat),
         best(lambda: bare.execute("SELECT staff_id, levels FROM staff_skill_profiles WHERE catalogue_family = ?",
                                   [FAMILY]).fetchall(), repeat), "bare: reading the profile texts only"),
        ("skill_candidates", best(lambda: supply.candidates(db, ADMIN, FAMILY, "S07", 3, ON), repeat),
         best(lambda: bare.execute(BARE_CANDIDATES, {**params, "code": "S07", "level": 3}).fetchall(), repeat),
         "who could fill one gap"),
    ]
    db.close()
    bare.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.skill_map", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dx-bench-skills-") as tmp:
        for name, ours, bare, note in run(Path(tmp), args.size, args.repeat, args.items):
            if args.json:
                print(json.dumps({"name": name, "size": args.size, "value": round(ours * 1000, 3), "unit": "ms",
                                  "baseline": round(bare * 1000, 3), "ratio": round(ours / bare, 2), "note": note},
                                 ensure_ascii=False), flush=True)
            else:
                print(f"{name:<20} {args.size:>6}  {ours * 1000:>9.1f} ms  bare {bare * 1000:>9.1f} ms  "
                      f"ratio {ours / bare:>5.2f}  {note}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
