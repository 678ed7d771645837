"""A reproducible fictional town: organisation, positions and staff with history.

The same generator feeds the demo database (~300 staff) and the benchmarks
(600, 7,000 and 50,000 staff). Names include the variant kanji a real register
meets: 髙橋, 山﨑, 渡邊 and 𠮷田 (outside the BMP).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

import sqlite_utils

from app import audit
from app.demo.officer import officer
from app.db import transaction
from app.errors import UserError
from app.i18n import _

# (部, [(課, [係, ...]), ...]) — a typical small city hall.
ORGANISATION: list[tuple[str, str, list[tuple[str, str, list[str]]]]] = [
    ("総務部", "そうむぶ", [("総務課", "そうむか", ["庶務係", "文書法制係"]), ("人事課", "じんじか", ["人事係", "給与厚生係"]),
                        ("財政課", "ざいせいか", ["財政係", "契約管財係"])]),
    ("企画部", "きかくぶ", [("企画政策課", "きかくせいさくか", ["政策調整係"]),
                        ("デジタル戦略課", "でじたるせんりゃくか", ["DX推進係", "情報システム係"])]),
    ("市民生活部", "しみんせいかつぶ", [("市民課", "しみんか", ["窓口係", "戸籍係"]), ("税務課", "ぜいむか", ["市民税係", "資産税係", "収納係"]),
                              ("生活環境課", "せいかつかんきょうか", ["環境保全係"])]),
    ("健康福祉部", "けんこうふくしぶ", [("福祉課", "ふくしか", ["障がい福祉係", "生活支援係"]),
                              ("こども家庭課", "こどもかていか", ["保育係", "子育て支援係"]), ("健康増進課", "けんこうぞうしんか", ["保健係"])]),
    ("建設部", "けんせつぶ", [("都市計画課", "としけいかくか", ["計画係"]), ("道路河川課", "どうろかせんか", ["維持係", "工事係"])]),
    ("教育委員会事務局", "きょういくいいんかいじむきょく", [("学校教育課", "がっこうきょういくか", ["学務係"]),
                                            ("生涯学習課", "しょうがいがくしゅうか", ["生涯学習係"])]),
]

# name, rank (lower is more senior), manager flag
POSITIONS = [("部長", 1, 1), ("次長", 2, 1), ("課長", 3, 1), ("課長補佐", 4, 1), ("係長", 5, 1),
             ("主査", 6, 0), ("主任", 7, 0), ("主事", 8, 0), ("技師", 8, 0)]

FAMILY_NAMES = [
    ("髙橋", "たかはし"), ("山﨑", "やまざき"), ("渡邊", "わたなべ"), ("𠮷田", "よしだ"),
    ("佐藤", "さとう"), ("鈴木", "すずき"), ("田中", "たなか"), ("伊藤", "いとう"), ("渡辺", "わたなべ"),
    ("山本", "やまもと"), ("中村", "なかむら"), ("小林", "こばやし"), ("加藤", "かとう"), ("吉田", "よしだ"),
    ("山田", "やまだ"), ("佐々木", "ささき"), ("山口", "やまぐち"), ("松本", "まつもと"), ("井上", "いのうえ"),
    ("木村", "きむら"), ("林", "はやし"), ("斎藤", "さいとう"), ("清水", "しみず"), ("山崎", "やまざき"),
    ("森", "もり"), ("池田", "いけだ"), ("橋本", "はしもと"), ("阿部", "あべ"), ("石川", "いしかわ"),
    ("小川", "おがわ"), ("岡田", "おかだ"), ("長谷川", "はせがわ"), ("近藤", "こんどう"), ("後藤", "ごとう"),
    ("藤田", "ふじた"), ("大塚", "おおつか"), ("荒井", "あらい"), ("五十嵐", "いがらし"), ("宇都宮", "うつのみや"),
    ("海老原", "えびはら"), ("菊地", "きくち"), ("栗原", "くりはら"), ("関根", "せきね"), ("野口", "のぐち"),
    ("増田", "ますだ"), ("和田", "わだ"), ("柳田", "やなぎだ"), ("須藤", "すどう"), ("齋藤", "さいとう"),
]
GIVEN_NAMES = [
    ("太郎", "たろう"), ("一郎", "いちろう"), ("健太", "けんた"), ("翔太", "しょうた"), ("大輔", "だいすけ"),
    ("拓也", "たくや"), ("直樹", "なおき"), ("誠", "まこと"), ("浩二", "こうじ"), ("隆", "たかし"),
    ("学", "まなぶ"), ("亮", "りょう"), ("悠斗", "ゆうと"), ("陽介", "ようすけ"), ("修", "おさむ"),
    ("花子", "はなこ"), ("恵子", "けいこ"), ("美咲", "みさき"), ("陽子", "ようこ"), ("真由美", "まゆみ"),
    ("由美", "ゆみ"), ("智子", "ともこ"), ("彩", "あや"), ("愛", "あい"), ("優子", "ゆうこ"),
    ("明美", "あけみ"), ("さくら", "さくら"), ("結衣", "ゆい"), ("舞", "まい"), ("直子", "なおこ"),
    ("ひとみ", "ひとみ"), ("千尋", "ちひろ"), ("遥", "はるか"), ("光", "ひかる"), ("渚", "なぎさ"),
]

REFERENCE_DAY = date(2026, 4, 1)  # the current fiscal year's transfer day in the demo


@dataclass
class Town:
    """Rows ready for executemany, in insertion order (ids are assigned here)."""

    units: list[tuple] = field(default_factory=list)        # id, parent_id, kind, code, name, reading, sort, from
    positions: list[tuple] = field(default_factory=list)    # id, name, rank, is_manager
    staff: list[tuple] = field(default_factory=list)        # id, no, fam, giv, fam_r, giv_r, hire, status, retired_on
    assignments: list[tuple] = field(default_factory=list)  # staff_id, unit_id, position_id, from, to


def generate_town(n_staff: int = 300, seed: int = 1) -> Town:
    """A deterministic town of ``n_staff`` people; larger towns repeat the tree as branch offices."""
    rng = random.Random(seed)
    town = Town()
    town.positions = [(i, name, rank, mgr) for i, (name, rank, mgr) in enumerate(POSITIONS, start=1)]
    pos = {name: pid for pid, name, _r, _m in town.positions}
    copies = max(1, -(-n_staff // 400))
    leaf_units: list[tuple[int, int, int]] = []  # (unit id, section id, dept id)
    unit_id = 0
    founded = "2000-04-01"
    for copy in range(1, copies + 1):
        suffix = "" if copy == 1 else f"（第{copy}分室）"
        for d_index, (dept, dept_r, sections) in enumerate(ORGANISATION, start=1):
            unit_id += 1
            dept_id = unit_id
            town.units.append((dept_id, None, "department", f"{copy:02d}{d_index:02d}", dept + suffix, dept_r, dept_id, founded))
            for s_index, (section, section_r, units) in enumerate(sections, start=1):
                unit_id += 1
                section_id = unit_id
                town.units.append((section_id, dept_id, "section", f"{copy:02d}{d_index:02d}{s_index:02d}", section, section_r,
                                   section_id, founded))
                for u_index, unit in enumerate(units, start=1):
                    unit_id += 1
                    town.units.append((unit_id, section_id, "unit", f"{copy:02d}{d_index:02d}{s_index:02d}{u_index:02d}", unit, "",
                                       unit_id, founded))
                    leaf_units.append((unit_id, section_id, dept_id))

    # Managers first, so every unit is led; then the rest spread over the 係.
    seats: list[tuple[int, int]] = []  # (unit id, position id)
    seen_depts, seen_sections = set(), set()
    for leaf, section, dept in leaf_units:
        if dept not in seen_depts:
            seen_depts.add(dept)
            seats.append((dept, pos["部長"]))
            if rng.random() < 0.5:
                seats.append((dept, pos["次長"]))
        if section not in seen_sections:
            seen_sections.add(section)
            seats.append((section, pos["課長"]))
            if rng.random() < 0.4:
                seats.append((section, pos["課長補佐"]))
        seats.append((leaf, pos["係長"]))
    staff_positions = [pos["主査"], pos["主任"], pos["主任"], pos["主事"], pos["主事"], pos["主事"], pos["技師"]]
    while len(seats) < n_staff:
        seats.append((rng.choice(leaf_units)[0], rng.choice(staff_positions)))
    seats = seats[:n_staff]

    for index, (unit, position) in enumerate(seats, start=1):
        family, family_r = FAMILY_NAMES[index - 1] if index <= 4 else rng.choice(FAMILY_NAMES)
        given, given_r = rng.choice(GIVEN_NAMES)
        rank = next(r for _i, n, r, _m in town.positions if _i == position)
        seniority = {1: 30, 2: 28, 3: 25, 4: 22, 5: 16}.get(rank, rng.randint(0, 14))
        hire = date(REFERENCE_DAY.year - seniority - rng.randint(0, 4), 4, 1)
        status, retired_on = "active", None
        roll = rng.random()
        if roll < 0.02:
            status = "leave"
        elif roll < 0.05 and rank >= 6 and hire < date(REFERENCE_DAY.year - 1, 4, 1):
            status, retired_on = "retired", date(REFERENCE_DAY.year, 3, 31).isoformat()
        town.staff.append((index, f"{100000 + index:06d}", family, given, family_r, given_r, hire.isoformat(), status, retired_on))
        # History: an earlier seat closed at a March 31 transfer, for about half of the staff.
        moved = rng.random() < 0.5 and hire.year < REFERENCE_DAY.year - 2
        start = hire
        if moved:
            transfer = date(rng.randint(hire.year + 1, REFERENCE_DAY.year - 1), 4, 1)
            previous_unit = rng.choice(leaf_units)[0]
            previous_position = pos["主事"] if rank >= 6 else position
            town.assignments.append((index, previous_unit, previous_position, hire.isoformat(),
                                     date(transfer.year, 3, 31).isoformat()))
            start = transfer
        town.assignments.append((index, unit, position, start.isoformat(), retired_on))
    return town


def load_town(db: sqlite_utils.Database, town: Town, actor: str) -> None:
    """Insert a town into an empty register in one transaction (raw executemany: the bulk path)."""
    with transaction(db):
        if db.execute("SELECT count(*) FROM staff").fetchone()[0]:
            raise UserError(_("The register already has staff; demo data goes only into an empty register."))
        conn = db.conn
        conn.executemany(
            "INSERT INTO org_units (id, parent_id, kind, code, name, reading, sort_order, valid_from) VALUES (?,?,?,?,?,?,?,?)",
            town.units,
        )
        conn.executemany("INSERT INTO positions (id, name, rank, is_manager) VALUES (?,?,?,?)", town.positions)
        conn.executemany(
            "INSERT INTO staff (id, staff_no, family_name, given_name, family_reading, given_reading, hire_date, status, "
            "retired_on) VALUES (?,?,?,?,?,?,?,?,?)",
            town.staff,
        )
        conn.executemany(
            "INSERT INTO staff_assignments (staff_id, unit_id, position_id, valid_from, valid_to) VALUES (?,?,?,?,?)",
            town.assignments,
        )
        audit.record(db, actor, "demo.load", after={"staff": len(town.staff), "units": len(town.units)})


def set_demo_municipality(db: sqlite_utils.Database, actor: str) -> None:
    """A fictional town and mayor, so that certificates read 「みどり市長 見本 太郎」 and not an empty issuer."""
    from app.register import settings

    settings.set_value(db, "municipality_name", "みどり市", officer(actor))
    settings.set_value(db, "mayor_name", "見本　太郎", officer(actor))


def load_demo(db: sqlite_utils.Database, n_staff: int, seed: int, actor: str) -> None:
    """The whole demo in one transaction: the town, and with 100 staff or more the three teams, the
    certification history, the fictional mayor and the staff's skills. Killed half-way it leaves nothing, so it can run again."""
    with transaction(db):
        load_town(db, generate_town(n_staff, seed), actor)
        if n_staff >= 100:  # the three demo teams need people from a dozen sections
            from app.demo.projects import load_certification_history, load_projects

            load_projects(db, actor, seed)
            load_certification_history(db, actor, seed)
            from app.demo.training import load_training

            load_training(db, actor, seed)
            set_demo_municipality(db, actor)
            from datetime import date

            from app.demo.qualifications import load_qualifications

            load_qualifications(db, actor, date.today(), seed)
            from app.demo.surveys import load_survey

            load_survey(db, actor, seed)  # the first lecture among the demo training events
            from app.demo.outcomes import load_outcomes

            load_outcomes(db, actor)  # the town's own outcome fields and two earlier years (issue 16)
            from app.demo.targets import load_targets

            load_targets(db, actor)  # targets and designations (issue 16): met and unmet ones
            from app.demo.skills import load_skills

            load_skills(db, actor, REFERENCE_DAY, seed)  # last: some skills are derived from the qualifications
            from app.demo.skill_demand import load_skill_demand

            load_skill_demand(db, actor)  # after the skills demo: it needs the simple map's catalogue (else adds none)


def ensure_demo_database(path, actor: str = "demo") -> bool:
    """Create the demo town at ``path`` unless it exists; True when it was created now."""
    from pathlib import Path

    from app.db import open_database

    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        return False
    result = open_database(path)
    try:
        load_demo(result.db, 300, 1, actor)
    finally:
        result.db.close()
    return True
