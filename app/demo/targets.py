"""Demo targets and designations: some met, some not, and sections left without anyone.

The demo town's certification history (app/demo/projects.py) leaves a few sections with nobody
certified. Here DX推進リーダー are named for 令和7年度 and 令和8年度 in some of those sections and some
others, so that the 目標・配置 screen shows a covered section through a designation, one through a
certification, and sections still uncovered (学校教育課 has nobody certified or designated). The targets
mix met ones (認定者の割合 5 %, 令和7年度の削減時間 and 研修受講 50 %) with unmet ones (アドバイザー 30人, 全所属に1名,
令和8年度の研修受講 80 %, a three-year 10 %), like the plans of Kanazawa, Shiga and Hokkaido.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils

from app.db import transaction
from app.demo.officer import officer as demo_officer
from app.targets import designations, population
from app.targets.targets import Target, set_target

# The demo town's transfer day (app.demo.town.REFERENCE_DAY; not imported: the town loads this module).
REFERENCE_DAY = date(2026, 4, 1)
# fiscal year → sections whose 係長 (else the first person seated there) is named DX推進リーダー
LEADERS = {
    2025: ["総務課", "市民課"],
    2026: ["総務課", "市民課", "生活環境課", "福祉課", "デジタル戦略課"],
}
PROMOTERS = {2026: ["デジタル戦略課"]}  # DX推進員, a role the town added (not counted as a leader)
TARGETS = [
    # fiscal year, kind, figure, level, counts
    (2025, "level_count", 20, "advisor", "either"),
    (2025, "hours_saved", 500, None, "either"),
    (2025, "training_share", 50, None, "either"),
    (2026, "level_count", 30, "advisor", "either"),
    (2026, "level_count", 3, "expert", "either"),
    (2026, "staff_share", 5, None, "either"),
    (2026, "coverage", 1, None, "either"),
    (2026, "training_share", 80, None, "either"),
    (2028, "staff_share", 10, None, "either"),
]


def _section_ids(db: sqlite_utils.Database) -> dict[str, int]:
    return {s["section"]: s["unit_id"] for s in population.sections_on(db, REFERENCE_DAY)}


def _leader_in(db: sqlite_utils.Database, section_id: int, taken: set[int]) -> int | None:
    """The section's first 係長 by staff number (else anyone seated there) not named already."""
    people = population.people_on(db, REFERENCE_DAY)
    here = sorted(sid for sid, seat in people.items() if seat.section_id == section_id and sid not in taken)
    chiefs = {r[0] for r in db.execute("""SELECT a.staff_id FROM staff_assignments a JOIN positions p ON p.id = a.position_id
                                          WHERE p.name = '係長' AND a.valid_to IS NULL""")}
    return next((sid for sid in here if sid in chiefs), here[0] if here else None)


def load_targets(db: sqlite_utils.Database, actor: str) -> None:
    """Add the demo's designation roles, designations and targets (one transaction)."""
    officer = demo_officer(actor)
    with transaction(db):
        leader = designations.role_id(db, "DX推進リーダー")
        promoter = designations.add_role(db, officer, "DX推進員", "所属の業務改善を手伝う職員（主に係長）")
        sections = _section_ids(db)
        for fy, names in LEADERS.items():
            for name in names:
                staff_id = _leader_in(db, sections[name], set())
                if staff_id is not None:
                    designations.designate(db, officer, staff_id, sections[name], leader, fy)
        for fy, names in PROMOTERS.items():
            for name in names:
                named = {r[0] for r in db.execute("SELECT staff_id FROM designations WHERE fiscal_year = ?", [fy])}
                staff_id = _leader_in(db, sections[name], named)
                if staff_id is not None:
                    designations.designate(db, officer, staff_id, sections[name], promoter, fy)
        for fy, kind, value, level, counts in TARGETS:
            set_target(db, officer, Target(None, fy, kind, value, level, counts=counts))
