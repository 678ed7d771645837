"""Staff directory for browsing: one query, then filtering and sorting in Python.

The GUI list shows tens of thousands of rows; SQL does the join once and the
per-keystroke work is a substring test over pre-folded strings (a few ms at
50,000 rows), far cheaper than a Qt proxy model calling data() per cell.
"""

from __future__ import annotations

import functools

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

import sqlite_utils

from app.register.accounts import User
from app.i18n import N_, NC_
from app.kana import gojuon_key, search_fold
from app.register.permissions import Action, allowed, require

STATUS_LABELS = {"active": N_("Active"), "leave": N_("On leave"), "planned": N_("To be hired"),
                 "retired": N_("Retired")}


class Column(IntEnum):
    STAFF_NO = 0
    NAME = 1
    READING = 2
    DEPARTMENT = 3
    SECTION = 4
    POSITION = 5
    STATUS = 6


COLUMN_TITLES = {
    Column.STAFF_NO: N_("Staff no."),
    Column.NAME: N_("Name"),
    Column.READING: N_("Reading"),
    Column.DEPARTMENT: N_("Department"),
    Column.SECTION: N_("Section / unit"),
    Column.POSITION: N_("Position"),
    Column.STATUS: NC_("employment", "Status"),
}


@dataclass(slots=True)
class StaffRow:
    id: int
    unit_id: int | None
    staff_no: str
    name: str
    reading: str
    department: str
    section: str
    position: str
    position_rank: int
    status: str
    sort_key: tuple[str, ...] = field(repr=False)
    haystack: str = field(repr=False)

    def value(self, column: Column) -> str:
        return (
            self.staff_no, self.name, self.reading, self.department, self.section, self.position, self.status
        )[column]


# A person with no seat on the day whose first seat begins later is a hire to come (採用予定): their
# coming seat is shown. A retirement or leave dated later has not happened yet (``status_sql``).
_DIRECTORY_SQL = """
SELECT s.id, s.staff_no, s.family_name, s.given_name, s.family_reading, s.given_reading,
       CASE WHEN a.id IS NULL AND f.id IS NOT NULL THEN 'planned'
            ELSE {status} END AS status,
       coalesce(a.unit_id, f.unit_id) AS unit_id, p.name AS position, p.rank AS position_rank
FROM staff s
LEFT JOIN staff_assignments a
       ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_from <= :on AND (a.valid_to IS NULL OR a.valid_to >= :on)
LEFT JOIN staff_assignments f
       ON a.id IS NULL AND f.staff_id = s.id AND f.is_primary = 1 AND f.valid_from > :on
      AND f.id = (SELECT g.id FROM staff_assignments g WHERE g.staff_id = s.id AND g.is_primary = 1
                  ORDER BY g.valid_from, g.id LIMIT 1)
LEFT JOIN positions p ON p.id = coalesce(a.position_id, f.position_id)
"""


def status_sql(alias: str = "s", param: str = ":on") -> str:
    """SQL for a person's status on the day bound to ``param`` (named, or "?" bound three times).

    退職 counts from the day after retired_on (the last day); 休職 from leave_from through
    leave_until (open-ended without it), so a leave set ahead of time, or one that has run out,
    reads 在職. A leave entered before its dates were recorded (status 'leave', no leave_from)
    is a leave on every day. Everything that shows or uses a person's status on a day reads it here.
    """
    a, p = alias, param
    return (f"CASE WHEN {a}.status = 'retired' AND {a}.retired_on < {p} THEN 'retired' "
            f"WHEN {a}.leave_from IS NOT NULL AND {a}.leave_from <= {p} "
            f"AND ({a}.leave_until IS NULL OR {a}.leave_until >= {p}) THEN 'leave' "
            f"WHEN {a}.leave_from IS NULL AND {a}.status = 'leave' THEN 'leave' "
            f"ELSE 'active' END")


def in_service_sql(alias: str = "s", param: str = "?") -> str:
    """SQL true for a person in service on the day bound to ``param``: a retirement counts from the day after
    its retired_on (the last day), so a leaver entered ahead of time is still in service until then."""
    return f"({alias}.status != 'retired' OR {alias}.retired_on >= {param})"


def unit_names(db: sqlite_utils.Database, on: str | None = None) -> dict[int, tuple[str, str, str]]:
    """unit id -> (部, 課, 係) names, resolved once for the whole tree (only units in force on ``on``, if given).

    A 係 may sit directly under a 部 or 局 (議会事務局 議事係): its 課 is then empty.
    """
    sql = "SELECT id, parent_id, kind, name FROM org_units"
    params: list[str] = []
    if on is not None:
        sql += " WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)"
        params = [on, on]
    units = {r[0]: r[1:] for r in db.execute(sql, params)}
    names: dict[int, tuple[str, str, str]] = {}
    for unit_id, (parent_id, kind, name) in units.items():
        parent = units.get(parent_id)
        if kind == "department":
            names[unit_id] = (name, "", "")
        elif parent is None:
            continue  # its parent is not in force on that day
        elif kind == "section":
            names[unit_id] = (parent[2], name, "")
        elif parent[1] == "department":
            names[unit_id] = (parent[2], "", name)
        elif parent[0] in units:
            names[unit_id] = (units[parent[0]][2], parent[2], name)
    return names


def unit_order(db: sqlite_utils.Database) -> dict[int, int]:
    """unit id -> its place in the organisation's own order (each 部, then its 課 and 係, by sort order).

    Lists of 部 and 所属 follow the organisation chart as the town sets it, not character codes
    (which put 企画部 before 総務部 whatever the chart says).
    """
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in db.execute("SELECT id, parent_id FROM org_units ORDER BY sort_order, id"):
        children.setdefault(parent_id, []).append(unit_id)
    order: dict[int, int] = {}
    stack = list(reversed(children.get(None, [])))
    while stack:
        unit_id = stack.pop()
        if unit_id in order:
            continue
        order[unit_id] = len(order)
        stack.extend(reversed(children.get(unit_id, [])))
    return order


def unit_paths(db: sqlite_utils.Database) -> dict[int, tuple[str, str]]:
    """unit id -> (部, "課 係") as the staff list shows them."""
    return {uid: (dept, f"{section} {unit}".strip()) for uid, (dept, section, unit) in unit_names(db).items()}


def load_directory(db: sqlite_utils.Database, user: User, on: date | None = None,
                   staff_id: int | None = None) -> list[StaffRow]:
    """Every person (or the one ``staff_id``) with their assignment on ``on`` (default today), in 五十音 order.

    Leave (休職) is personnel history: a role that may not see a person's record sees
    someone on leave as in service.
    """
    require(user, Action.STAFF_LIST)
    shows_leave = allowed(user, Action.STAFF_HISTORY)
    paths = unit_paths(db)
    day = (on or date.today()).isoformat()
    # Family and given names repeat across a town: fold each distinct one once.
    fold = functools.lru_cache(maxsize=None)(search_fold)
    sort_key = functools.lru_cache(maxsize=None)(gojuon_key)
    rows = []
    sql = _DIRECTORY_SQL.format(status=status_sql()) + (" WHERE s.id = :id" if staff_id is not None else "")
    for sid, no, fam, giv, fam_r, giv_r, status, unit_id, position, rank in db.execute(sql, {"on": day, "id": staff_id}):
        if status == "leave" and not shows_leave:
            status = "active"
        dept, section = paths.get(unit_id, ("", ""))
        family_key, given_key = sort_key(fam_r), sort_key(giv_r)
        rows.append(
            StaffRow(
                sid, unit_id, no, f"{fam}\u3000{giv}", f"{fam_r}\u3000{giv_r}", dept, section, position or "",
                rank if rank is not None else 999, status,
                # family, then given: 森 太郎 sorts before every 森田, not among them
                (family_key[0], given_key[0], family_key[1], given_key[1], no),
                f"{fold(no)}\t{fold(fam)}{fold(giv)}\t{fold(fam_r)}{fold(giv_r)}",
            )
        )
    rows.sort(key=lambda r: r.sort_key)
    return rows


def query_words(query: str) -> list[str]:
    """The folded, non-empty words of a search query."""
    return [w for w in (search_fold(part) for part in query.replace("\u3000", " ").split()) if w]


def narrows(previous: str, query: str) -> bool:
    """True when every row matching ``query`` also matches ``previous``.

    Then the previous result can be filtered instead of the whole list.
    """
    new_words = query_words(query)
    return all(any(old in new for new in new_words) for old in query_words(previous))


def filter_rows(rows: Sequence[StaffRow], query: str) -> list[StaffRow]:
    """Rows matching every word of ``query`` by number, name or reading (any kana width, 異体字 folded)."""
    words = query_words(query)
    if not words:
        return list(rows)
    if len(words) == 1:
        word = words[0]
        return [r for r in rows if word in r.haystack]
    return [r for r in rows if all(w in r.haystack for w in words)]


def sort_rows(rows: Iterable[StaffRow], column: Column, descending: bool = False) -> list[StaffRow]:
    """Sort by a column; names and readings sort 五十音, positions by rank."""
    if column in (Column.NAME, Column.READING):
        key = lambda r: r.sort_key  # noqa: E731
    elif column is Column.POSITION:
        key = lambda r: (r.position_rank, r.sort_key)  # noqa: E731
    else:
        key = lambda r: (r.value(column), r.sort_key)  # noqa: E731
    return sorted(rows, key=key, reverse=descending)


def counts(db: sqlite_utils.Database, on: date | None = None) -> dict[str, int]:
    """Headline counts for the status bar and `check` (staff in service on ``on``, default today)."""
    one = lambda sql, *params: db.execute(sql, params).fetchone()[0]  # noqa: E731
    return {
        "staff": one("SELECT count(*) FROM staff"),
        "staff_active": one(f"SELECT count(*) FROM staff s WHERE {in_service_sql()}", (on or date.today()).isoformat()),
        "departments": one("SELECT count(*) FROM org_units WHERE kind = 'department' AND valid_to IS NULL"),
        "sections": one("SELECT count(*) FROM org_units WHERE kind = 'section' AND valid_to IS NULL"),
        "units": one("SELECT count(*) FROM org_units WHERE kind = 'unit' AND valid_to IS NULL"),
        "assignments": one("SELECT count(*) FROM staff_assignments"),
        "users": one("SELECT count(*) FROM users"),
        "audit_entries": one("SELECT count(*) FROM audit_log"),
    }


@dataclass(frozen=True)
class StaffFilter:
    """Narrowing by organisation, position and status, on top of the search words."""

    department: str = ""
    section: str = ""
    position: str = ""
    status: str = ""

    def matches(self, row: StaffRow) -> bool:
        return ((not self.department or row.department == self.department)
                and (not self.section or row.section.split(" ")[0] == self.section)
                and (not self.position or row.position == self.position)
                and (not self.status or row.status == self.status))


def apply_filter(rows: Sequence[StaffRow], staff_filter: StaffFilter) -> list[StaffRow]:
    if staff_filter == StaffFilter():
        return list(rows)
    return [r for r in rows if staff_filter.matches(r)]


def filter_choices(rows: Sequence[StaffRow], order: dict[int, int] | None = None,
                   department: str = "") -> dict[str, list[str]]:
    """Values offered in the filter boxes: departments and sections in the organisation's order
    (``unit_order``), the sections only of ``department`` when one is chosen, positions by rank."""
    order = order or {}
    last = len(order)
    departments: dict[str, int] = {}
    sections: dict[str, int] = {}
    for r in rows:
        if not r.department:
            continue
        place = order.get(r.unit_id, last) if r.unit_id is not None else last
        departments[r.department] = min(departments.get(r.department, last), place)
        if r.section and (not department or r.department == department):
            section = r.section.split(" ")[0]
            sections[section] = min(sections.get(section, last), place)
    positions = [p for p, _rank in sorted({(r.position, r.position_rank) for r in rows if r.position},
                                          key=lambda item: (item[1], item[0]))]
    by_place = lambda names: sorted(names, key=lambda name: (names[name], name))  # noqa: E731
    return {"department": by_place(departments), "section": by_place(sections), "position": positions}


def staff_history(db: sqlite_utils.Database, user: User, staff_id: int) -> list[dict]:
    """A person's assignments over time, oldest first, with unit and position names (their career: administrator)."""
    require(user, Action.STAFF_HISTORY)
    sql = """
    SELECT a.valid_from, a.valid_to, a.is_primary, a.unit_id, p.name AS position
    FROM staff_assignments a LEFT JOIN positions p ON p.id = a.position_id
    WHERE a.staff_id = ? ORDER BY a.valid_from, a.id
    """
    paths = unit_paths(db)
    history = []
    for row in db.query(sql, [staff_id]):
        dept, section = paths.get(row["unit_id"], ("", ""))
        history.append({**row, "department": dept, "section": section})
    return history
