"""Demo skills: the skill catalogues installed and skills for the demo town's staff, so the スキル screen shows data.

The simple map (東京都方式) is installed first and is therefore the catalogue in use; the デジタルスキル標準's two
catalogues come next. The digital section (デジタル戦略課) has higher levels, most confirmed; about a quarter of the
other staff have self-assessed a few items, some of which the digital section confirmed later; a few people
have only a self-assessment of the DXリテラシー標準; qualifications and training the demo already holds add records
derived from them. Reproducible: the same seed gives the same records.
"""

from __future__ import annotations

import random
from datetime import date

import sqlite_utils

from app.demo.officer import officer
from app.skills import catalogues, presets, records
from app.skills.records import SkillEntry
from app.staff import directory

SELF_DAY = date(2025, 10, 1)
CONFIRM_DAY = date(2026, 3, 16)
DIGITAL_SECTION = "デジタル戦略課"


def load_skills(db: sqlite_utils.Database, actor: str, on: date, seed: int = 1) -> None:
    """Install the catalogues and record skills for the staff in service on ``on`` (the town's reference day)."""
    user = officer(actor)
    for key in ("tokyo", "dss-p", "dss-l"):
        presets.install_preset(db, key, user)
    rng = random.Random(seed * 7919 + 15)
    people = [row for row in directory.load_directory(db, user, on) if row.status == "active"]
    simple = catalogues.current(db, "skill-map")
    literacy = catalogues.current(db, "dss-l")
    assert simple is not None and literacy is not None
    codes = [item.code for item in simple.items]
    entries: list[SkillEntry] = []
    for person in people:
        if person.section.startswith(DIGITAL_SECTION):
            entries.extend(_digital(person.id, codes, rng))
        elif rng.random() < 0.25:
            entries.extend(_self_assessed(person.id, codes, rng))
    records.record_skills(db, user, simple.family, entries, origin="demo")
    literacy_codes = [item.code for item in literacy.items]
    literate = [SkillEntry(p.id, code, rng.choice([1, 1, 2, 2, 3]), SELF_DAY, "self")
                for p in people if rng.random() < 0.15 for code in rng.sample(literacy_codes, 6)]
    records.record_skills(db, user, literacy.family, literate, origin="demo")
    records.derive(db, user, simple.family, on)  # 資格から・研修から, where the demo has them


def _digital(staff_id: int, codes: list[str], rng: random.Random) -> list[SkillEntry]:
    out = []
    for code in rng.sample(codes, 6):
        level = rng.choice([2, 3, 3, 4])
        out.append(SkillEntry(staff_id, code, max(1, level - rng.choice([0, 1])), SELF_DAY, "self"))
        out.append(SkillEntry(staff_id, code, level, CONFIRM_DAY, "confirmed"))
    return out


def _self_assessed(staff_id: int, codes: list[str], rng: random.Random) -> list[SkillEntry]:
    out = []
    for code in rng.sample(codes, rng.randint(2, 5)):
        level = rng.choice([1, 1, 2, 2, 3])
        out.append(SkillEntry(staff_id, code, level, SELF_DAY, "self"))
        if rng.random() < 0.3:
            out.append(SkillEntry(staff_id, code, max(1, level - rng.choice([0, 0, 1])), CONFIRM_DAY, "confirmed"))
    return out
