"""Adding and editing one person by hand, with the same rules as the import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlite_utils

from app import audit
from app.register.accounts import User
from app.db import transaction
from app.errors import UserError
from app.i18n import _
from app.kana import is_hiragana_reading, normalise_reading
from app.register.permissions import Action, require
from app.staff.directory import unit_names, unit_order
from app.staff.importer import name_print_warning, staff_number_problem
from app.text import safe_normalise
from app.wareki import display_date, require_supported


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


# -- employment status by hand ----------------------------------------------------------------------------
STATUS_WORDS = {"在職": "active", "休職": "leave", "退職": "retired", "active": "active", "leave": "leave",
                "retired": "retired"}


@dataclass
class StatusChange:
    """What ``set_status`` did, for the CLI's --json and the card's message."""

    staff_id: int
    staff_no: str
    status: str
    before: dict
    after: dict


def _status_fields(row: dict) -> dict:
    return {key: row[key] for key in ("status", "retired_on", "leave_from", "leave_until")}


def _day_label(day: date | str | None) -> str:
    return display_date(day) or "—"


def _staff_row(db: sqlite_utils.Database, staff_id: int) -> dict:
    row = next(db.query("SELECT * FROM staff WHERE id = ?", [staff_id]), None)
    if row is None:
        raise UserError(_("No staff member with id {id}.").format(id=staff_id))
    return row


def staff_id_by_number(db: sqlite_utils.Database, user: User, staff_no: str) -> int:
    """The id of the person with this 職員番号 (typed as the import stores it: ０４５６ is 0456)."""
    require(user, Action.STAFF_LIST)
    number = safe_normalise(staff_no).replace(" ", "")
    row = db.execute("SELECT id FROM staff WHERE staff_no = ?", [number]).fetchone()
    if row is None:
        raise UserError(_("No staff member has the staff no. {no}.").format(no=number))
    return row[0]


def set_status(db: sqlite_utils.Database, user: User, staff_id: int, status: str, effective_on: date,
               until: date | None = None) -> StatusChange:
    """Set 在職, 休職 or 退職 by hand, as HR's notice says, in one transaction and audited.

    休職 runs from ``effective_on`` through ``until`` (open-ended without it); 退職 has
    ``effective_on`` as the last day (as the import records it) and closes the seat on that day;
    在職 is the first day back: it ends a leave the day before (or cancels one not yet begun) and
    undoes a retirement (the seat is reopened; after a gap, the last seat is taken again from that day).
    Whether someone is on leave or retired on a day is read from these dates (``staff.status_sql``).
    """
    require(user, Action.STAFF_EDIT)
    status = STATUS_WORDS.get(status.strip(), status.strip())
    if status not in ("active", "leave", "retired"):
        raise UserError(_("Unknown status: {value} (use 在職, 休職 or 退職).").format(value=status))
    require_supported(effective_on, _("Status date"))
    if until is not None:
        require_supported(until, _("Leave until"))
        if status != "leave":
            raise UserError(_("An end date is given only for a leave (休職)."))
    with transaction(db):
        row = _staff_row(db, staff_id)
        before = _status_fields(row)
        if row["hire_date"] and effective_on.isoformat() < row["hire_date"]:
            raise UserError(_("{date} is before the hire date {hire} of {name}.").format(
                date=_day_label(effective_on), hire=_day_label(row["hire_date"]), name=_full_name(row)))
        after = {"leave": _leave, "retired": _retire, "active": _return}[status](db, row, effective_on, until)
        db["staff"].update(staff_id, {**after, "updated_at": datetime.now().isoformat(timespec="seconds")})
        audit.record(db, user.login, "staff.status", "staff", staff_id, before,
                     {**after, "on": effective_on.isoformat(), **({"until": until.isoformat()} if until else {})})
    return StatusChange(staff_id, row["staff_no"], status, before, after)


def _full_name(row: dict) -> str:
    return f"{row['family_name']}\u3000{row['given_name']}"


def _leave(db: sqlite_utils.Database, row: dict, start: date, until: date | None) -> dict:
    """休職 from ``start`` through ``until``; inside a retirement already recorded, it ends by the last day."""
    if until is not None and until < start:
        raise UserError(_("The leave ends on {until}, before it begins on {start}.").format(
            until=_day_label(until), start=_day_label(start)))
    if row["status"] == "retired":
        last = row["retired_on"]
        if start.isoformat() > last or (until is not None and until.isoformat() > last):
            raise UserError(_("{name} retires with the last day {day}: a leave must end by then (set 在職 first "
                              "if the retirement was a mistake).").format(name=_full_name(row), day=_day_label(last)))
        return {"status": "retired", "leave_from": start.isoformat(),
                "leave_until": (until or date.fromisoformat(last)).isoformat()}
    return {"status": "leave", "leave_from": start.isoformat(), "leave_until": until.isoformat() if until else None}


def _retire(db: sqlite_utils.Database, row: dict, last_day: date, _until: date | None) -> dict:
    """退職 with ``last_day`` as the last day: the open seat closes then (a leave ends by then at the latest)."""
    day = last_day.isoformat()
    later = db.execute("SELECT max(valid_from) FROM staff_assignments WHERE staff_id = ? AND is_primary = 1",
                       [row["id"]]).fetchone()[0]
    if later and later > day:
        raise UserError(_("{name} has an affiliation from {later}, after the last day {day}.").format(
            name=_full_name(row), later=_day_label(later), day=_day_label(day)))
    if row["leave_from"] and row["leave_from"] > day:
        raise UserError(_("{name}'s leave begins on {start}, after the last day {day}; correct the leave first.").format(
            name=_full_name(row), start=_day_label(row["leave_from"]), day=_day_label(day)))
    if row["status"] == "retired":
        _reopen_seat(db, row)  # a corrected last day: the seat closes again below, on the new day
    db.execute("UPDATE staff_assignments SET valid_to = max(valid_from, ?) WHERE staff_id = ? AND is_primary = 1 "
               "AND valid_to IS NULL", [day, row["id"]])
    leave_until = row["leave_until"]
    if row["leave_from"] and (leave_until is None or leave_until > day):
        leave_until = day
    return {"status": "retired", "retired_on": day, "leave_from": row["leave_from"], "leave_until": leave_until}


def _reopen_seat(db: sqlite_utils.Database, row: dict) -> None:
    """Undo what a retirement did to the seats: the primary seat that closed on the last day is open again."""
    if db.execute("SELECT 1 FROM staff_assignments WHERE staff_id = ? AND is_primary = 1 AND valid_to IS NULL",
                  [row["id"]]).fetchone():
        return
    db.execute("""UPDATE staff_assignments SET valid_to = NULL WHERE id = (
                      SELECT id FROM staff_assignments WHERE staff_id = ? AND is_primary = 1 AND valid_to = ?
                      ORDER BY valid_from DESC, id DESC LIMIT 1)""", [row["id"], row["retired_on"]])


def _return(db: sqlite_utils.Database, row: dict, first_day: date, _until: date | None) -> dict:
    """在職 from ``first_day``: the end of a leave, or a retirement undone (re-employment after a gap)."""
    day = first_day.isoformat()
    if row["status"] == "retired":
        last = date.fromisoformat(row["retired_on"])
        _reopen_seat(db, row)
        if first_day > last + timedelta(days=1):  # back after a gap: the last seat again, from that day
            seat = db.execute("""SELECT id, unit_id, position_id FROM staff_assignments WHERE staff_id = ?
                                 AND is_primary = 1 AND valid_to IS NULL""", [row["id"]]).fetchone()
            if seat is not None:
                db.execute("UPDATE staff_assignments SET valid_to = ? WHERE id = ?", [last.isoformat(), seat[0]])
                db["staff_assignments"].insert({"staff_id": row["id"], "unit_id": seat[1], "position_id": seat[2],
                                                "valid_from": day})
        return {"status": "active", "retired_on": None, "leave_from": row["leave_from"],
                "leave_until": row["leave_until"]}
    if row["leave_from"] is None:
        if row["status"] != "leave":
            raise UserError(_("{name} is already in service (在職).").format(name=_full_name(row)))
        return {"status": "active", "leave_from": None, "leave_until": None}  # a leave recorded without dates
    if day <= row["leave_from"]:  # the leave had not begun: it is called off
        return {"status": "active", "leave_from": None, "leave_until": None}
    ended = (first_day - timedelta(days=1)).isoformat()
    if row["leave_until"] is not None and row["leave_until"] < ended:
        raise UserError(_("{name}'s leave already ended on {day}.").format(
            name=_full_name(row), day=_day_label(row["leave_until"])))
    return {"status": "active", "leave_from": row["leave_from"], "leave_until": ended}
