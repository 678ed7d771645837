"""Demo training events: what a town's year of 研修 looks like, so the 研修・資格 screen has something to show.

All-staff e-learning, a course for new recruits, a lecture, a study session, a week-long outside course and a
shared workshop held before the project teams formed (Moka's way). The shared workshop is attended only by
people outside the teams, once each, so that the demo's certification candidates stay as the README says.
"""

from __future__ import annotations

import random
from datetime import date

import sqlite_utils

from app.db import transaction
from app.demo.officer import officer as demo_officer
from app.training import attendance, events
from app.training.events import EventInput

# title, kind, first day, last day, hours, organiser, target group, share of the pool attending, pool
EVENTS = [
    ("新規採用職員研修（DXリテラシー）", "training", date(2025, 4, 8), None, 3.0, "総務課", "新規採用職員", 1.0, "recruits"),
    ("DX推進キックオフ・ワークショップ", "workshop", date(2025, 5, 15), None, 2.0, "企画課", "希望する職員", 0.08, "others"),
    ("情報セキュリティ研修（令和7年度）", "elearning", date(2025, 7, 1), date(2025, 7, 31), 1.0, "総務課",
     "全職員", 0.85, "everyone"),
    ("データ利活用研修", "external", date(2025, 9, 1), date(2025, 9, 5), 30.0, "市町村職員中央研修所",
     "各部の推薦者", 0.01, "everyone"),
    ("講演会「自治体DXのこれから」", "lecture", date(2025, 11, 20), None, 1.5, "企画課", "管理職・全職員", 0.2, "everyone"),
    ("生成AI活用勉強会", "study", date(2026, 1, 22), None, 1.5, "企画課", "希望する職員", 0.08, "everyone"),
    ("情報セキュリティ研修（令和8年度）", "elearning", date(2026, 7, 1), date(2026, 7, 31), 1.0, "総務課",
     "全職員", 0.6, "everyone"),
]


def _pools(db: sqlite_utils.Database) -> dict[str, list[int]]:
    everyone = [r[0] for r in db.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id")]
    on_teams = {r[0] for r in db.execute("SELECT staff_id FROM project_members")}
    recruits = [r[0] for r in db.execute("SELECT id FROM staff WHERE status = 'active' AND hire_date IS NOT NULL "
                                         "ORDER BY hire_date DESC, id LIMIT 8")]
    return {"everyone": everyone, "others": [s for s in everyone if s not in on_teams], "recruits": recruits}


def load_training(db: sqlite_utils.Database, actor: str, seed: int = 1) -> list[int]:
    """Add the demo events and who attended them (one transaction); returns the event ids."""
    rng = random.Random(seed * 7919 + 15)
    officer = demo_officer(actor)
    pools = _pools(db)
    ids = []
    with transaction(db):
        for title, kind, first, last, hours, organiser, target, share, pool in EVENTS:
            event_id = events.create_event(db, EventInput(title, kind, first, last, hours, organiser, target), officer)
            people = pools[pool]
            chosen = [s for s in people if rng.random() < share] or people[:1]
            if kind == "external" and len(chosen) > 1:  # one left after the third day: 18 of the 30 hours
                attendance.set_attendance(db, event_id, chosen[1:], officer)
                attendance.add_attendance(db, event_id, chosen[:1], officer, hours=18.0)
            else:
                attendance.set_attendance(db, event_id, chosen, officer)
            ids.append(event_id)
    return ids
