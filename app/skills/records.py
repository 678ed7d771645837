"""A person's skills: a level of a catalogue item on a date, from a source, with the history kept.

Sources: 自己評価 (self), デジタル部門が確認 (confirmed), 資格から (qualification), 研修から (training). The
current level of an item is the latest record; on the same day a confirmation outranks a qualification, which
outranks training, which outranks a self-assessment; then the later row (``CURRENT_SQL``, shared with the
skill map). Records refer to (catalogue family, item code), so they survive a new catalogue version.

Who may write: the administrator any record; anyone linked to a member of staff (users.staff_id) their own
self-assessment, and only that. Viewers read everyone's current levels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import PermissionDenied, UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.register.permissions import Action, allowed, require
from app.skills.catalogues import CatalogueSpec, current
from app.staff import directory

SOURCES = {
    "self": N_("Self-assessment"),
    "confirmed": N_("Confirmed by the digital section"),
    "qualification": N_("From a qualification"),
    "training": N_("From training"),
}
SOURCE_RANK = {"confirmed": 4, "qualification": 3, "training": 2, "self": 1}

# The current record of each (person, family, item): latest date, then source rank, then the later row.
CURRENT_SQL = """
SELECT * FROM (
    SELECT s.*, row_number() OVER (
        PARTITION BY s.staff_id, s.catalogue_family, s.item_code
        ORDER BY s.assessed_on DESC,
                 CASE s.source WHEN 'confirmed' THEN 4 WHEN 'qualification' THEN 3 WHEN 'training' THEN 2 ELSE 1 END DESC,
                 s.id DESC) AS position_in_history
    FROM staff_skills s WHERE s.catalogue_family = :family {where}
) WHERE position_in_history = 1
"""

# Qualifications that stand for a level of an item: (family, qualification name) -> (item code, level).
# A town's own rules would extend this; the demo and tests use it through ``derive``.
QUALIFICATION_SKILLS: dict[tuple[str, str], tuple[str, int]] = {
    ("skill-map", "ITパスポート"): ("cloud", 1),
    ("skill-map", "情報セキュリティマネジメント"): ("security", 2),
    ("skill-map", "基本情報技術者"): ("cloud", 2),
    ("skill-map", "応用情報技術者"): ("cloud", 3),
    ("skill-map", "情報処理安全確保支援士"): ("security", 3),
    ("skill-map", "ネットワークスペシャリスト"): ("network", 3),
    ("skill-map", "プロジェクトマネージャ"): ("pm", 3),
    ("skill-map", "G検定"): ("ai", 2),
    ("skill-map", "統計検定2級"): ("data", 2),
    ("skill-map", "データサイエンティスト検定"): ("data", 2),
    ("dss-p", "情報セキュリティマネジメント"): ("SE-MANAGEMENT-02", 2),
    ("dss-p", "情報処理安全確保支援士"): ("SE-TECHNOLOGY-02", 3),
    ("dss-p", "プロジェクトマネージャ"): ("BT-STRATEGY-06", 3),
    ("dss-p", "G検定"): ("DA-SCIENCE-02", 2),
    ("dss-p", "統計検定2級"): ("DA-SCIENCE-01", 2),
}
# Training events whose title contains the word stand for level 1 of an item (an introduction).
TRAINING_SKILLS: dict[tuple[str, str], str] = {
    ("skill-map", "セキュリティ"): "security",
    ("skill-map", "データ"): "data",
    ("skill-map", "生成AI"): "ai",
    ("skill-map", "ローコード"): "lowcode",
    ("skill-map", "BPR"): "bpr",
    ("skill-map", "業務改革"): "bpr",
    ("skill-map", "デザイン"): "design",
}


@dataclass(frozen=True)
class SkillEntry:
    """One record to write (from the screen, a sheet or a file)."""

    staff_id: int
    item_code: str
    level: int
    assessed_on: date
    source: str
    note: str = ""


def source_label(source: str) -> str:
    return _(SOURCES.get(source, source))


def _may_write(user: User, staff_id: int, source: str) -> None:
    """The administrator writes any record; a linked person only their own self-assessment."""
    if allowed(user, Action.SKILLS_EDIT):
        return
    require(user, Action.SKILLS_OWN)
    if source != "self" or user.staff_id is None or user.staff_id != staff_id:
        raise PermissionDenied(_("You can only enter your own self-assessment."))


def check_entry(catalogue: CatalogueSpec, entry: SkillEntry) -> None:
    if entry.source not in SOURCES:
        raise UserError(_("Unknown source of a skill record: {value}").format(value=entry.source))
    item = catalogue.item(entry.item_code)
    if item is None:
        raise UserError(_("The skill catalogue {name} has no item {code}.").format(name=catalogue.name,
                                                                                   code=entry.item_code))
    if entry.level not in catalogue.level_numbers:
        raise UserError(_("{item}: the level must be one of {levels} (found {value}).").format(
            item=item.name, levels="・".join(map(str, catalogue.level_numbers)), value=entry.level))


def record_skills(db: sqlite_utils.Database, user: User, family: str, entries: list[SkillEntry],
                  origin: str = "app") -> int:
    """Write ``entries`` against the latest version of ``family``, all or nothing; the number written."""
    catalogue = current(db, family)
    assert catalogue is not None
    for entry in entries:
        _may_write(user, entry.staff_id, entry.source)
        check_entry(catalogue, entry)
    with transaction(db):
        known = {r[0] for r in db.execute("SELECT id FROM staff")}
        for entry in entries:
            if entry.staff_id not in known:
                raise UserError(_("No staff member with id {id}.").format(id=entry.staff_id))
        db["staff_skills"].insert_all({
            "staff_id": e.staff_id, "catalogue_family": catalogue.family, "item_code": e.item_code, "level": e.level,
            "assessed_on": e.assessed_on.isoformat(), "source": e.source, "note": e.note, "created_by": user.login}
            for e in entries)
        audit.record(db, user.login, "skill.record", "staff_skills", None, None, {
            "family": catalogue.family, "records": len(entries), "origin": origin,
            "people": len({e.staff_id for e in entries}), "sources": sorted({e.source for e in entries})})
    return len(entries)


def current_rows(db: sqlite_utils.Database, family: str, staff_id: int | None = None) -> list[dict]:
    """The current record of every (person, item) of ``family`` (of one person when given): raw rows."""
    where = "AND s.staff_id = :staff" if staff_id is not None else ""
    return list(db.query(CURRENT_SQL.format(where=where), {"family": family, "staff": staff_id}))


def people_skills(db: sqlite_utils.Database, user: User, family: str, on: date,
                  staff_id: int | None = None, item_code: str | None = None) -> list[dict]:
    """Current levels with the person's number, name and section on ``on``, item and level names: for lists."""
    if staff_id is None or user.staff_id != staff_id:
        require(user, Action.SKILLS_VIEW)
    catalogue = current(db, family)
    assert catalogue is not None
    people = {row.id: row for row in directory.load_directory(db, user, on)}
    order = {item.code: n for n, item in enumerate(catalogue.items)}
    out = []
    for row in current_rows(db, family, staff_id):
        person, item = people.get(row["staff_id"]), catalogue.item(row["item_code"])
        if person is None or (item_code and row["item_code"] != item_code):
            continue
        out.append({"staff_id": row["staff_id"], "staff_no": person.staff_no, "name": person.name,
                    "section": person.section, "item_code": row["item_code"],
                    "item": item.name if item else row["item_code"] + _(" (not in the catalogue)"),
                    "level": row["level"], "level_name": catalogue.level_name(row["level"]),
                    "assessed_on": row["assessed_on"], "source": row["source"],
                    "source_label": source_label(row["source"]), "note": row["note"],
                    "_order": (person.sort_key, order.get(row["item_code"], 10**6))})
    out.sort(key=lambda r: r.pop("_order"))
    return out


def history(db: sqlite_utils.Database, user: User, staff_id: int, family: str) -> list[dict]:
    """Every record of one person in ``family``, newest first (the person themself or who may view skills)."""
    if user.staff_id != staff_id:
        require(user, Action.SKILLS_VIEW)
    rows = list(db.query("""SELECT * FROM staff_skills WHERE staff_id = ? AND catalogue_family = ?
                            ORDER BY assessed_on DESC, id DESC""", [staff_id, family]))
    for row in rows:
        row["source_label"] = source_label(row["source"])
    return rows


def own_levels(db: sqlite_utils.Database, user: User, family: str) -> dict[str, dict]:
    """The logged-in person's current record per item code (for the self-assessment screen)."""
    require(user, Action.SKILLS_OWN)
    if user.staff_id is None:
        raise UserError(_("Your account is not linked to a member of staff; ask the administrator to link it."))
    return {row["item_code"]: row for row in current_rows(db, family, user.staff_id)}


def save_own_assessment(db: sqlite_utils.Database, user: User, family: str, levels: dict[str, int],
                        on: date) -> int:
    """The person's own self-assessment from the screen: one self record per item whose level changed."""
    current_levels = own_levels(db, user, family)
    entries = [SkillEntry(user.staff_id, code, level, on, "self") for code, level in levels.items()
               if code not in current_levels or current_levels[code]["level"] != level
               or current_levels[code]["source"] != "self"]
    return record_skills(db, user, family, entries, origin="self-assessment") if entries else 0


def _evidence(db: sqlite_utils.Database, family: str, day: str) -> dict[tuple[int, str, str], tuple[int, str]]:
    """(person, item, source) -> (level, the day of the evidence) from qualifications held and training attended."""
    best: dict[tuple[int, str, str], tuple[int, str]] = {}

    def keep(key: tuple[int, str, str], level: int, evidence_day: str) -> None:
        best[key] = max(best.get(key, (level, evidence_day)), (level, evidence_day))

    for staff_id, name, obtained in db.execute(
            """SELECT staff_id, name, obtained_on FROM staff_qualifications
               WHERE obtained_on <= ? AND (expires_on IS NULL OR expires_on >= ?)""", [day, day]):
        if (family, name) in QUALIFICATION_SKILLS:
            code, level = QUALIFICATION_SKILLS[(family, name)]
            keep((staff_id, code, "qualification"), level, obtained)
    for staff_id, title, ended in db.execute("""SELECT a.staff_id, e.title, e.ends_on FROM training_attendance a
                                                JOIN training_events e ON e.id = a.event_id WHERE e.ends_on <= ?""",
                                             [day]):
        for (map_family, word), code in TRAINING_SKILLS.items():
            if map_family == family and word in title:
                keep((staff_id, code, "training"), 1, ended)
    return best


def derive(db: sqlite_utils.Database, user: User, family: str, on: date) -> int:
    """Records derived from qualifications held and training attended on ``on``, where a mapping is defined.

    Each record is dated on its evidence (the day obtained, the last day of the training), so a later
    assessment or confirmation stays the current level. A record is written only when it raises the person's
    current level of the item, and once. The number of records written.
    """
    require(user, Action.SKILLS_EDIT)
    catalogue = current(db, family)
    assert catalogue is not None
    now = {(r["staff_id"], r["item_code"]): r["level"] for r in current_rows(db, family)}
    have = {(r[0], r[1], r[2]): r[3] for r in db.execute(
        """SELECT staff_id, item_code, source, max(level) FROM staff_skills WHERE catalogue_family = ?
           AND source IN ('qualification', 'training') GROUP BY staff_id, item_code, source""", [family])}
    entries = [SkillEntry(staff_id, code, level, date.fromisoformat(evidence_day), source, _("derived"))
               for (staff_id, code, source), (level, evidence_day) in sorted(_evidence(db, family, on.isoformat()).items())
               if now.get((staff_id, code), -1) < level and have.get((staff_id, code, source), -1) < level
               and catalogue.item(code) is not None
               and level in catalogue.level_numbers]  # a town may have removed the item from its catalogue
    return record_skills(db, user, family, entries, origin="derived") if entries else 0
