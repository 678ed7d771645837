"""Benchmark: eligibility under Hokkaido's preset (training hours, named training, qualifications held on the
day, manager's position, years in a level) for a whole town, against one hand-written SQL query.

A town of ``size`` staff gets 60 training events over two fiscal years, about four attendances per person
(some with their own hours), a qualification for about 40 % of them (some expired), and earlier
certifications: level 1 for 20 %, level 2 for 6 %, level 3 for 2 %. Every person then has records, so
nobody takes the engine's shortcut for people without any: the worst case.

    python -m bench.eligibility_training [--size 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from app.certification import eligibility, schemes
from app.db import connect, open_database, transaction
from app.demo.officer import officer as admin_as
from app.demo.town import generate_town, load_town

DAY = date(2026, 11, 23)
KINDS = ["training", "study", "workshop", "lecture", "elearning", "external"]
TITLES = ["デジタル推進リーダー研修", "情報セキュリティ研修", "DX基礎研修", "データ活用勉強会", "デジタルマネジメント研修",
          "生成AI講演会", "ノーコード実践講座"]
QUALIFICATIONS = ["ITパスポート", "情報セキュリティマネジメント", "基本情報技術者", "応用情報技術者", "プロジェクトマネージャ",
                  "ネットワークスペシャリスト", "情報処理安全確保支援士", "G検定"]


def build(path: Path, size: int, seed: int = 1) -> dict[str, int]:
    """Create the register; returns the row counts written."""
    db = open_database(path).db
    load_town(db, generate_town(size, seed=seed), "bench")
    officer = admin_as("bench")
    scheme = schemes.load_scheme(db, schemes.install_preset(db, "hokkaido", officer))
    rng = random.Random(seed)
    staff = [r[0] for r in db.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id")]
    events = []
    for i in range(60):
        start = date(2025, 4, 1) + timedelta(days=rng.randrange(600))
        events.append((i + 1, f"{rng.choice(TITLES)} 第{i + 1}回", rng.choice(KINDS), start.isoformat(),
                       (start + timedelta(days=rng.choice([0, 0, 0, 1]))).isoformat(), rng.choice([1.0, 1.5, 2.0, 3.0, 6.0])))
    attendance = {(rng.randrange(60) + 1, s): rng.choice([None, None, None, 1.0]) for s in staff for _ in range(4)}
    catalogue = dict(db.execute("SELECT name, id FROM qualifications"))
    qualifications = []
    for s in rng.sample(staff, int(len(staff) * 0.4)):
        name = rng.choice(QUALIFICATIONS)
        obtained = date(2018, 4, 1) + timedelta(days=rng.randrange(3000))
        expires = obtained + timedelta(days=3 * 365) if name == "情報処理安全確保支援士" else None
        qualifications.append((s, name, obtained.isoformat(), catalogue[name], expires and expires.isoformat()))
    levels = {level.code: level.id for level in scheme.levels}
    held, seq = [], 0
    for share, codes in ((0.20, ["level1"]), (0.06, ["level1", "level2"]), (0.02, ["level1", "level2", "level3"])):
        for s in rng.sample(staff, int(len(staff) * share)):
            for n, code in enumerate(codes):
                seq += 1
                held.append((s, scheme.id, levels[code], code, f"{2022 + n}-06-01", 2022 + n, seq, f"第{seq}号"))
    seen: set[tuple[int, str]] = set()
    held = [h for h in held if (h[0], h[3]) not in seen and not seen.add((h[0], h[3]))]
    with transaction(db):
        conn: sqlite3.Connection = db.conn
        conn.executemany("INSERT INTO training_events (id, title, kind, starts_on, ends_on, hours) VALUES (?,?,?,?,?,?)",
                         events)
        conn.executemany("INSERT INTO training_attendance (event_id, staff_id, hours) VALUES (?,?,?)",
                         [(e, s, h) for (e, s), h in attendance.items()])
        conn.executemany("INSERT INTO staff_qualifications (staff_id, name, obtained_on, qualification_id, expires_on) "
                         "VALUES (?,?,?,?,?)", qualifications)
        conn.executemany("""INSERT INTO certifications (staff_id, scheme_id, level_id, scheme_family, level_code, decided_on,
                            approver, fiscal_year, seq, certificate_no, reasons_json, created_by)
                            VALUES (?, ?, ?, 'hokkaido-cert', ?, ?, '知事', ?, ?, ?, '[]', 'bench')""", held)
    db.close()
    return {"attendance": len(attendance), "qualifications": len(qualifications), "certifications": len(held)}


BARE_QUERY = """
WITH att AS (
    SELECT ta.staff_id, e.title, e.ends_on, coalesce(ta.hours, e.hours, 0) AS h
    FROM training_attendance ta JOIN training_events e ON e.id = ta.event_id WHERE e.ends_on <= :day),
training AS (
    SELECT staff_id, sum(h) FILTER (WHERE ends_on >= :months12) AS hours12, sum(h) FILTER (WHERE ends_on >= :fy) AS hours_fy,
           max(ends_on) FILTER (WHERE instr(title, 'デジタル推進リーダー研修') > 0) AS leader_course,
           max(ends_on) FILTER (WHERE instr(title, 'デジタルマネジメント研修') > 0 AND ends_on >= :months36) AS management_course
    FROM att GROUP BY staff_id),
held_qualifications AS (
    SELECT sq.staff_id,
           min(sq.obtained_on) FILTER (WHERE q.name IN ('ITパスポート', '情報セキュリティマネジメント', '基本情報技術者',
                                                       '応用情報技術者')) AS basic,
           min(sq.obtained_on) FILTER (WHERE q.category = '高度情報処理技術者試験') AS advanced
    FROM staff_qualifications sq LEFT JOIN qualifications q ON q.id = sq.qualification_id
    WHERE sq.obtained_on <= :day AND (sq.expires_on IS NULL OR sq.expires_on >= :day) GROUP BY sq.staff_id),
held AS (
    SELECT staff_id, group_concat(level_code || '@' || decided_on) AS levels FROM certifications
    WHERE scheme_family = 'hokkaido-cert' AND decided_on <= :day AND (status = 'active' OR revoked_on > :day)
    GROUP BY staff_id)
SELECT s.id, training.hours12, training.hours_fy, training.leader_course, training.management_course,
       held_qualifications.basic, held_qualifications.advanced, p.name, p.is_manager, held.levels
FROM staff s LEFT JOIN training ON training.staff_id = s.id
LEFT JOIN held_qualifications ON held_qualifications.staff_id = s.id
LEFT JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_from <= :day
     AND (a.valid_to IS NULL OR a.valid_to >= :day)
LEFT JOIN positions p ON p.id = a.position_id LEFT JOIN held ON held.staff_id = s.id
WHERE s.status != 'retired'"""


def runs(path: Path):
    """(ours, bare, check): the engine with reasons for everyone vs one query of the same aggregates."""
    db = connect(path)
    scheme = schemes.load_scheme(db, schemes.active_scheme_id(db))
    bare = sqlite3.connect(path)
    officer = admin_as("bench")
    params = {"day": DAY.isoformat(), "months12": eligibility.period_since({"period": "months", "months": 12}, DAY).isoformat(),
              "months36": eligibility.period_since({"period": "months", "months": 36}, DAY).isoformat(),
              "fy": eligibility.period_since({"period": "fiscal_year"}, DAY).isoformat()}

    def ours() -> list:
        return eligibility.eligibility(db, officer, scheme, DAY)

    def bare_run() -> list:
        return bare.execute(BARE_QUERY, params).fetchall()

    return ours, bare_run


def best(fn, repeat: int) -> tuple[float, float]:
    """The best wall-clock and the best CPU time of ``repeat`` runs (CPU time is what a busy machine disturbs least)."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.eligibility_training", description=__doc__)
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dx-bench-") as tmp:
        path = Path(tmp) / "eligibility-training.sqlite"
        counts = build(path, args.size)
        ours, bare = runs(path)
        candidates = len(ours())
        (mine, mine_cpu), (theirs, theirs_cpu) = best(ours, args.repeat), best(bare, args.repeat)
        print(f"eligibility_training {args.size:>6} staff  {mine * 1000:>9.1f} ms (cpu {mine_cpu * 1000:.1f})  "
              f"bare {theirs * 1000:>8.1f} ms (cpu {theirs_cpu * 1000:.1f})  ratio {mine / theirs:5.2f} "
              f"(cpu {mine_cpu / theirs_cpu:5.2f})  ({candidates:,} candidate levels with reasons; {counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
