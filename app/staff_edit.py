"""Adding and editing one person by hand, with the same rules as the import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlite_utils

from app import audit
from app.accounts import User
from app.db import transaction
from app.errors import UserError
from app.i18n import _
from app.kana import is_hiragana_reading, normalise_reading
from app.permissions import Action, require
from app.staff import unit_names, unit_order
from app.staff_import import name_print_warning, safe_normalise, staff_number_problem
from app.wareki import require_supported


@dataclass
class PersonInput:
    staff_no: str
    family_name: str
    given_name: str
    family_reading: str
    given_reading: str
    hire_date: date | None
    unit_id: int | None
    position_id: int | None


def _validated(data: PersonInput) -> dict:
    if data.hire_date is not None:
        require_supported(data.hire_date, _("Hire date"))
    fields = {
        "staff_no": safe_normalise(data.staff_no).replace(" ", ""),  # as the import stores it: ０４５６ → 0456
        "family_name": safe_normalise(data.family_name),
        "given_name": safe_normalise(data.given_name),
        "family_reading": normalise_reading(data.family_reading),
        "given_reading": normalise_reading(data.given_reading),
        "hire_date": data.hire_date.isoformat() if data.hire_date else None,
    }
    labels = {"staff_no": _("Staff no."), "family_name": _("Family name"), "given_name": _("Given name"),
              "family_reading": _("Family name reading"), "given_reading": _("Given name reading")}
    for key, label in labels.items():
        if not fields[key]:
            raise UserError(_("Enter the {field}.").format(field=label))
    if staff_number_problem(fields["staff_no"]):  # the same rule as the import: no invisible twin of a person
        raise UserError(_("{field}: {problem}").format(field=_("Staff no."), problem=staff_number_problem(fields["staff_no"])))
    for key in ("family_reading", "given_reading"):
        if not is_hiragana_reading(fields[key]):
            raise UserError(_("The reading must be written in kana: {text}").format(text=fields[key]))
    if data.unit_id is None:
        raise UserError(_("Choose the affiliation."))
    return fields


def name_warning(family: str, given: str) -> str:
    """'' or a warning to show while the name is typed: characters certificates cannot print (saving still works)."""
    warning = name_print_warning(safe_normalise(family), safe_normalise(given))
    return _("Note: {warning}.").format(warning=warning) if warning else ""


def org_units(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    """(id, "部 課 係") of every unit in force today, in the organisation's order, for choosing an affiliation."""
    names = unit_names(db, date.today().isoformat())
    order = unit_order(db)
    return sorted(((uid, " ".join(p for p in parts if p)) for uid, parts in names.items()),
                  key=lambda item: order.get(item[0], len(order)))


def unit_label(db: sqlite_utils.Database, unit_id: int, on: date | None = None) -> str:
    """「企画部 情報システム課」 with when it opens or closed, for a unit not in force on ``on`` (default today)."""
    day = (on or date.today()).isoformat()
    row = db.execute("SELECT valid_from, valid_to FROM org_units WHERE id = ?", [unit_id]).fetchone()
    if row is None:
        return _("(a unit that no longer exists)")
    name = " ".join(p for p in unit_names(db).get(unit_id, ("?",)) if p)
    if row[0] > day:
        return _("{name} (from {day})").format(name=name, day=row[0])
    if row[1] is not None and row[1] < day:
        return _("{name} (closed on {day})").format(name=name, day=row[1])
    return name


def section_choices(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    """Sections in force today as (id, "部 課"), for choosing the digital department."""
    kinds = {r[0]: r[1] for r in db.execute("SELECT id, kind FROM org_units")}
    return [(uid, path) for uid, path in org_units(db) if kinds.get(uid) == "section"]


def position_ranks(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    """(rank, 「部長・次長」) per rank, most senior first: for settings such as who counts as an executive."""
    ranks: dict[int, list[str]] = {}
    for rank, name in db.execute("SELECT rank, name FROM positions ORDER BY rank, name"):
        ranks.setdefault(rank, []).append(name)
    return [(rank, "・".join(names)) for rank, names in ranks.items()]


def positions(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in db.execute("SELECT id, name FROM positions ORDER BY rank, name")]


def create_person(db: sqlite_utils.Database, data: PersonInput, user: User, on: date | None = None) -> int:
    """Add one person with their first assignment; a duplicate 職員番号 is refused."""
    require(user, Action.STAFF_EDIT)
    fields = _validated(data)
    start = require_supported(on or data.hire_date or date.today(),
                          _("A new affiliation or position applies from")).isoformat()
    with transaction(db):
        if db.execute("SELECT 1 FROM staff WHERE staff_no = ?", [fields["staff_no"]]).fetchone():
            raise UserError(_("The staff no. {no} is already registered.").format(no=fields["staff_no"]))
        staff_id = db["staff"].insert(fields).last_pk
        db["staff_assignments"].insert({"staff_id": staff_id, "unit_id": data.unit_id,
                                        "position_id": data.position_id, "valid_from": start})
        audit.record(db, user.login, "staff.create", "staff", staff_id, None, fields)
    return staff_id


def update_person(db: sqlite_utils.Database, staff_id: int, data: PersonInput, user: User,
                  transfer_on: date | None = None) -> None:
    """Correct personal data; a changed seat is a transfer from ``transfer_on`` (default today)."""
    require(user, Action.STAFF_EDIT)
    fields = _validated(data)
    on = require_supported(transfer_on or date.today(), _("A new affiliation or position applies from")).isoformat()
    with transaction(db):
        before = db["staff"].get(staff_id)
        clash = db.execute("SELECT 1 FROM staff WHERE staff_no = ? AND id != ?", [fields["staff_no"], staff_id]).fetchone()
        if clash:
            raise UserError(_("The staff no. {no} is already registered.").format(no=fields["staff_no"]))
        changed = {k: v for k, v in fields.items() if before[k] != v}
        if changed:
            db["staff"].update(staff_id, {**changed, "updated_at": datetime.now().isoformat(timespec="seconds")})
            audit.record(db, user.login, "staff.update", "staff", staff_id, {k: before[k] for k in changed}, changed)
        current = db.execute(
            "SELECT id, unit_id, position_id, valid_from FROM staff_assignments WHERE staff_id = ? AND is_primary = 1 "
            "AND valid_to IS NULL", [staff_id]).fetchone()
        if current and (current[1], current[2]) == (data.unit_id, data.position_id):
            return
        if current and current[3] >= on:
            db.execute("UPDATE staff_assignments SET unit_id = ?, position_id = ? WHERE id = ?",
                       [data.unit_id, data.position_id, current[0]])
        else:
            if current:
                day_before = (date.fromisoformat(on) - timedelta(days=1)).isoformat()
                db.execute("UPDATE staff_assignments SET valid_to = ? WHERE id = ?", [day_before, current[0]])
            db["staff_assignments"].insert({"staff_id": staff_id, "unit_id": data.unit_id,
                                            "position_id": data.position_id, "valid_from": on})
        audit.record(db, user.login, "staff.transfer", "staff", staff_id,
                     {"unit_id": current[1] if current else None, "position_id": current[2] if current else None},
                     {"unit_id": data.unit_id, "position_id": data.position_id, "from": on})


def person(db: sqlite_utils.Database, user: User, staff_id: int) -> tuple[dict, dict | None]:
    """The staff row (with hire date and leave status) and the open primary assignment, for the edit dialog."""
    require(user, Action.STAFF_HISTORY)
    row = db["staff"].get(staff_id)
    current = next(db.query("SELECT unit_id, position_id FROM staff_assignments WHERE staff_id = ? AND is_primary = 1 "
                            "AND valid_to IS NULL", [staff_id]), None)
    return row, current
