"""Skill-map test data: the simple map's catalogue and deterministic skill records for a demo town.

Lane skills (app/demo/skills.py) fills the real demo; these tests insert what they check against
themselves, by plain SQL, so the counts of the map can be cross-checked against SQL written here.
"""

from __future__ import annotations

import random
from datetime import date

FAMILY = "skill-map"
ITEMS = [("design", "デザイン"), ("data", "データ利活用"), ("security", "セキュリティ"), ("network", "ネットワーク"),
         ("pm", "PM（プロジェクトマネジメント）"), ("bpr", "業務改革（BPR）"), ("cloud", "クラウド・システム"),
         ("ai", "AI・生成AI活用"), ("lowcode", "ローコード・RPA")]
LEVELS = [(1, "知っている"), (2, "支援を受けて実践"), (3, "自立して実践"), (4, "指導・牽引")]
ON = date(2026, 6, 1)

# The current level of every (person, family, item), by the rule, written independently of the app.
CURRENT_SQL = """
SELECT staff_id, catalogue_family, item_code, level FROM (
    SELECT s.*, row_number() OVER (PARTITION BY staff_id, catalogue_family, item_code
        ORDER BY assessed_on DESC, CASE source WHEN 'confirmed' THEN 4 WHEN 'qualification' THEN 3
                 WHEN 'training' THEN 2 ELSE 1 END DESC, id DESC) AS n
    FROM staff_skills s) WHERE n = 1"""


def install_catalogue(db, family: str = FAMILY, version: int = 1) -> int:
    conn = db.conn
    with conn:
        cid = conn.execute("INSERT INTO skill_catalogues (family, version, name) VALUES (?, ?, ?)",
                           [family, version, "分野別スキルマップ"]).lastrowid
        conn.executemany("INSERT INTO skill_levels (catalogue_id, level, name) VALUES (?, ?, ?)",
                         [(cid, level, name) for level, name in LEVELS])
        kid = conn.execute("INSERT INTO skill_categories (catalogue_id, code, name) VALUES (?, 'main', 'DX分野')",
                           [cid]).lastrowid
        conn.executemany("INSERT INTO skill_items (catalogue_id, category_id, code, name, sort_order) VALUES (?,?,?,?,?)",
                         [(cid, kid, code, name, n) for n, (code, name) in enumerate(ITEMS)])
    return cid


def skill_rows(staff_ids: list[int], seed: int = 7, items: list[str] | None = None,
               family: str = FAMILY) -> list[tuple]:
    """Self-assessments, later confirmations, same-day ties (confirmed beats a later self row) and updates."""
    rng = random.Random(seed)
    codes = items or [code for code, _name in ITEMS]
    rows = []
    for staff_id in staff_ids:
        for code in codes:
            if rng.random() < 0.45:
                continue
            rows.append((staff_id, family, code, rng.randint(0, 4), "2025-06-01", "self"))
            roll = rng.random()
            if roll < 0.25:
                rows.append((staff_id, family, code, rng.randint(1, 4), "2025-09-01", "confirmed"))
                if rng.random() < 0.5:  # same day, written later, lower rank: the confirmation stays
                    rows.append((staff_id, family, code, rng.randint(0, 4), "2025-09-01", "self"))
            elif roll < 0.35:
                rows.append((staff_id, family, code, rng.randint(0, 4), "2026-01-10", "training"))
    return rows


def insert_skills(db, rows: list[tuple]) -> None:
    with db.conn:
        db.conn.executemany("INSERT INTO staff_skills (staff_id, catalogue_family, item_code, level, assessed_on, "
                            "source) VALUES (?,?,?,?,?,?)", rows)


def fill(db) -> None:
    """The catalogue and skills for everyone on the staff list of ``db``."""
    install_catalogue(db)
    insert_skills(db, skill_rows([r[0] for r in db.execute("SELECT id FROM staff ORDER BY id")]))
