"""Position ranks (職位の序列): the usual municipal order, kept by the officer.

A rank is a grade level, lower is more senior; titles of the same grade share a rank
(主事 and 技師). Known titles get their place from STANDARD_RANKS when they first appear,
whatever order an HR file lists them in; a title the table does not know goes below every
known one, and the officer moves it into place (設定 or ``positions move``). Executives
(``executive_max_rank``) and the ICT raters (係長 and above) are decided by these ranks.
"""

from __future__ import annotations

import sqlite_utils

from app import audit
from app.register.accounts import User
from app.db import transaction
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, require

# The usual order in a 市町村 役所; grades on the same line share a rank.
STANDARD_RANKS: dict[str, int] = {
    name: rank
    for rank, names in enumerate((
        ("部長", "局長", "理事", "事務局長", "会計管理者"),
        ("次長", "参事", "副局長"),
        ("課長", "室長", "所長", "館長", "センター長", "副参事", "担当課長"),
        ("課長補佐", "主幹", "課長代理", "副課長", "副所長", "副館長"),
        ("係長", "主任主査", "担当係長"),
        ("主査", "専門員"),
        ("主任", "主任主事", "主任技師", "主任保健師", "主任保育士"),
        ("主事", "技師", "保健師", "保育士", "栄養士", "司書", "学芸員"),
        ("主事補", "技師補", "技能労務職員", "用務員"),
        ("再任用職員", "嘱託職員"),
        ("会計年度任用職員", "臨時職員"),
    ), start=1)
    for name in names
}
MANAGER_RANK = STANDARD_RANKS["係長"]  # managers are 係長 and above (they rate ICT, in the digital section)


def standard_rank(name: str) -> int | None:
    """The rank of a title in the usual order, or None for a title it does not know."""
    return STANDARD_RANKS.get(name.strip())


def rank_for_new(db: sqlite_utils.Database, name: str) -> int:
    """Where a title seen for the first time goes: its standard grade, else below everything."""
    known = standard_rank(name)
    if known is not None:
        return known
    lowest = db.execute("SELECT max(rank) FROM positions").fetchone()[0] or 0
    return max(lowest, max(STANDARD_RANKS.values())) + 1


def add_position(db: sqlite_utils.Database, name: str) -> int:
    """Insert a new title at its place (inside the caller's transaction); returns its id."""
    rank = rank_for_new(db, name)
    return db.execute("INSERT INTO positions (name, rank, is_manager) VALUES (?, ?, ?)",
                      [name, rank, int(rank <= MANAGER_RANK)]).lastrowid


def ordered(db: sqlite_utils.Database) -> list[dict]:
    """Every title, most senior first, with whether the standard order knows it and how many hold it."""
    rows = db.query("""SELECT p.id, p.name, p.rank, (SELECT count(*) FROM staff_assignments a
                              WHERE a.position_id = p.id AND a.valid_to IS NULL) AS holders
                       FROM positions p ORDER BY p.rank, p.name""")
    return [{**r, "standard": standard_rank(r["name"]) is not None} for r in rows]


def manager_max_rank(db: sqlite_utils.Database) -> int:
    """The rank of 係長 as this town has it: managers are that rank and above."""
    row = db.execute("SELECT rank FROM positions WHERE name = '係長'").fetchone()
    return row[0] if row else MANAGER_RANK


def move(db: sqlite_utils.Database, name: str, direction: str, user: User) -> int:
    """Move a title one step up (more senior) or down; returns its new rank.

    A title alone in its grade joins the next grade (there is no empty grade to cross); one
    that shares its grade moves into a grade of its own next to it when that is free. The
    other titles keep their grades, so the executive and ICT thresholds keep their meaning.
    """
    require(user, Action.STAFF_EDIT)
    if direction not in ("up", "down"):
        raise UserError(_("Move a position up or down."))
    with transaction(db):
        row = db.execute("SELECT id, rank FROM positions WHERE name = ?", [name.strip()]).fetchone()
        if row is None:
            raise UserError(_("There is no position named {name}.").format(name=name))
        position_id, rank = row
        others = {r for (r,) in db.execute("SELECT rank FROM positions WHERE id != ?", [position_id])}
        new_rank = _step(rank, others, -1 if direction == "up" else 1)
        if new_rank is None:
            raise UserError((_("{name} is already the most senior position.") if direction == "up" else
                             _("{name} is already the most junior position.")).format(name=name))
        db.execute("UPDATE positions SET rank = ? WHERE id = ?", [new_rank, position_id])
        audit.record(db, user.login, "position.rank", "positions", position_id, {"name": name, "rank": rank},
                     {"name": name, "rank": new_rank})
    return new_rank


def _step(rank: int, others: set[int], step: int) -> int | None:
    """The rank one step away: a free grade beside a shared one, else the next occupied grade."""
    beside = rank + step
    if rank in others and beside >= 1 and beside not in others:
        return beside
    ahead = [r for r in others if (r - rank) * step > 0]
    if ahead:
        return min(ahead, key=lambda r: abs(r - rank))
    return beside if rank in others and beside >= 1 else None
