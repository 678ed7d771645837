"""Demo qualifications: who in the demo town passed ITパスポート, 基本情報技術者, G検定 …

About a fifth of the staff hold something, the way a town that encourages ITパスポート looks after a
few years; three 情報処理安全確保支援士 registrations (valid 3 years) expire within the next 90 days
of the day the demo is made, and one has lapsed, so that 研修・資格 → 期限が近い資格 shows something.
The days are relative to ``on`` (the demo's "today"), so the list is never empty whenever it is made.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlite_utils

from app.db import transaction
from app.demo.officer import officer as demo_officer
from app.training import qualifications

# (catalogue name, share of the staff who hold it)
COMMON = [("ITパスポート", 0.15), ("情報セキュリティマネジメント", 0.05), ("基本情報技術者", 0.04),
          ("応用情報技術者", 0.015), ("G検定", 0.02), ("統計検定2級", 0.01), ("プロジェクトマネージャ", 0.004)]
SUPPORT = "情報処理安全確保支援士"
EXPIRING_IN_DAYS = (12, 45, 80)  # 支援士 registrations expiring this many days after ``on``
LAPSED_DAYS_AGO = 30


def _obtained_before(on: date, expires_in: int, years: int) -> date:
    """The day obtained so that a registration of ``years`` ends ``expires_in`` days after ``on``."""
    last = on + timedelta(days=expires_in)
    day = last + timedelta(days=1)
    return day.replace(year=day.year - years) if not (day.month == 2 and day.day == 29) else \
        date(day.year - years, 3, 1)


def load_qualifications(db: sqlite_utils.Database, actor: str, on: date, seed: int = 1) -> int:
    """Add the demo town's qualifications (one transaction); returns how many records were written."""
    rng = random.Random(seed)
    officer = demo_officer(actor)
    people = [r[0] for r in db.execute(
        "SELECT id FROM staff WHERE status = 'active' AND hire_date <= ? ORDER BY id", [on.isoformat()])]
    ids = {name: qid for qid, name in db.execute("SELECT id, name FROM qualifications")}
    written = 0
    with transaction(db):
        for name, share in COMMON:
            for staff_id in rng.sample(people, max(1, round(len(people) * share))):
                obtained = on - timedelta(days=rng.randint(60, 6 * 365))
                note = rng.choice(("", "合格証書の写しを人事課で確認", "受験料を公費負担"))
                qualifications.add_record(db, officer, staff_id, ids[name], obtained, today=on, note=note)
                written += 1
        holders = rng.sample(people, len(EXPIRING_IN_DAYS) + 2)
        plans = [*EXPIRING_IN_DAYS, -LAPSED_DAYS_AGO, 400]
        for staff_id, expires_in in zip(holders, plans):
            obtained = _obtained_before(on, expires_in, 3)
            qualifications.add_record(db, officer, staff_id, ids[SUPPORT], obtained, today=on,
                                      note=f"登録番号 第{rng.randint(10000, 99999)}号")
            written += 1
    return written
