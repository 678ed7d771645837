"""Qualifications: the town's editable catalogue, who holds what since when, and what expires soon.

The catalogue (table ``qualifications``, seeded by migration 0012 with the 情報処理技術者試験, 支援士,
G検定 …) is edited here: name, category, validity in years, retire. A retired entry stays on the
records that use it but is no longer offered for new ones.

A person's qualification (``staff_qualifications``) has the day it was obtained, the day it
expires and an evidence note (合格証書の番号, 登録番号 …). ``expires_on`` is the LAST day on which
it is held (有効期限): when it is not given it is computed from the entry's validity as the
Civil Code counts a period in years (民法第143条: it ends on the day before the anniversary;
obtained 2024-06-01 with 3 years → 2027-05-31; from 29 February, with no such day, at the end of
February). A qualification is held on a day D when ``obtained_on <= D <= expires_on`` (or it
never expires): ``HELD_ON_SQL`` is that rule for the eligibility engine and everyone else.
Changing an entry's validity applies to records entered afterwards; stored expiry days stay.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.text import norm_header, safe_normalise
from app.wareki import format_wareki

# Held on a day (both ? are that day, ISO): obtained by then and not expired before it.
HELD_ON_SQL = "sq.obtained_on <= ? AND (sq.expires_on IS NULL OR sq.expires_on >= ?)"
EXPIRING_DAYS = 90
MAX_DAYS_AHEAD = 3660
MAX_NAME, MAX_CATEGORY, MAX_NOTE, MAX_VALIDITY = 100, 100, 500, 99
SOURCES = {"app": N_("Entered"), "import": N_("Imported")}
STATUS_LABELS = {"valid": N_("Held"), "expired": N_("Expired"), "expiring": N_("Expires soon")}

_PERSON = "s.family_name || '\u3000' || s.given_name"


# -- the catalogue --------------------------------------------------------------------------------

def catalogue(db: sqlite_utils.Database, user: User, include_retired: bool = True) -> list[dict]:
    """Every entry in the catalogue's order, with how many records use it (``holders``)."""
    require(user, Action.QUALIFICATIONS_VIEW)
    where = "" if include_retired else "WHERE q.retired = 0"
    return list(db.query(f"""
        SELECT q.id, q.name, q.category, q.validity_years, q.sort_order, q.retired,
               (SELECT count(*) FROM staff_qualifications sq WHERE sq.qualification_id = q.id) AS holders
        FROM qualifications q {where} ORDER BY q.sort_order, q.id"""))  # noqa: S608 - fixed text


def entry_id(db: sqlite_utils.Database, text: str) -> int:
    """The catalogue entry named ``text`` (compared like import headers: 全角/半角, spaces, case)."""
    key = norm_header(text)
    for row_id, name in db.execute("SELECT id, name FROM qualifications"):
        if norm_header(name) == key:
            return row_id
    raise UserError(_("The catalogue has no qualification 「{name}」.").format(name=text))


def _checked_entry(db: sqlite_utils.Database, name: str, category: str, validity_years: int | None,
                   own_id: int | None = None) -> tuple[str, str, int | None]:
    name, category = safe_normalise(name), safe_normalise(category)
    if not name:
        raise UserError(_("A qualification needs a name."))
    if len(name) > MAX_NAME or len(category) > MAX_CATEGORY:
        raise UserError(_("The name or category is longer than {n} characters.").format(n=MAX_NAME))
    if validity_years is not None and not 1 <= validity_years <= MAX_VALIDITY:
        raise UserError(_("The validity must be from 1 to {n} years (or none: it does not expire).").format(
            n=MAX_VALIDITY))
    for row_id, other in db.execute("SELECT id, name FROM qualifications"):
        if row_id != own_id and norm_header(other) == norm_header(name):
            raise UserError(_("The catalogue already has 「{name}」.").format(name=other))
    return name, category, validity_years


def add_entry(db: sqlite_utils.Database, user: User, name: str, category: str = "",
              validity_years: int | None = None) -> int:
    """A new catalogue entry at the end of the list; returns its id."""
    require(user, Action.QUALIFICATIONS_EDIT)
    with transaction(db):
        name, category, validity_years = _checked_entry(db, name, category, validity_years)
        order = db.execute("SELECT coalesce(max(sort_order), 0) + 10 FROM qualifications").fetchone()[0]
        new_id = db.execute("INSERT INTO qualifications (name, category, validity_years, sort_order) VALUES (?, ?, ?, ?)",
                            [name, category, validity_years, order]).lastrowid
        audit.record(db, user.login, "qualification.catalogue_add", "qualifications", new_id, None,
                     {"name": name, "category": category, "validity_years": validity_years})
    return new_id


def edit_entry(db: sqlite_utils.Database, user: User, qualification_id: int, name: str, category: str,
               validity_years: int | None) -> None:
    """Rename, recategorise or change the validity (records keep the expiry days they have)."""
    require(user, Action.QUALIFICATIONS_EDIT)
    with transaction(db):
        before = _entry(db, qualification_id)
        name, category, validity_years = _checked_entry(db, name, category, validity_years, qualification_id)
        db.execute("UPDATE qualifications SET name = ?, category = ?, validity_years = ? WHERE id = ?",
                   [name, category, validity_years, qualification_id])
        db.execute("UPDATE staff_qualifications SET name = ? WHERE qualification_id = ?", [name, qualification_id])
        audit.record(db, user.login, "qualification.catalogue_edit", "qualifications", qualification_id,
                     {k: before[k] for k in ("name", "category", "validity_years")},
                     {"name": name, "category": category, "validity_years": validity_years})


def set_retired(db: sqlite_utils.Database, user: User, qualification_id: int, retired: bool) -> None:
    """Retire an entry (no longer offered for new records) or bring it back."""
    require(user, Action.QUALIFICATIONS_EDIT)
    with transaction(db):
        before = _entry(db, qualification_id)
        db.execute("UPDATE qualifications SET retired = ? WHERE id = ?", [int(retired), qualification_id])
        audit.record(db, user.login, "qualification.catalogue_retire", "qualifications", qualification_id,
                     {"retired": before["retired"]}, {"name": before["name"], "retired": int(retired)})


def _entry(db: sqlite_utils.Database, qualification_id: int) -> dict:
    row = next(iter(db.query("SELECT * FROM qualifications WHERE id = ?", [qualification_id])), None)
    if row is None:
        raise UserError(_("No qualification with id {id}.").format(id=qualification_id))
    return row


# -- people's qualifications ----------------------------------------------------------------------

def expiry_date(obtained: date, validity_years: int | None) -> date | None:
    """The last day held after ``validity_years`` (民法第143条); None when it does not expire."""
    if validity_years is None:
        return None
    year = obtained.year + validity_years
    if obtained.month == 2 and obtained.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)  # no corresponding day: the period ends with the month
    return date(year, obtained.month, obtained.day) - timedelta(days=1)


def status(record: dict, on: date, days: int = EXPIRING_DAYS) -> str:
    """valid / expiring (within ``days``) / expired, for a record on a day."""
    expires = record.get("expires_on")
    if expires and expires < on.isoformat():
        return "expired"
    if expires and expires <= (on + timedelta(days=days)).isoformat():
        return "expiring"
    return "valid"


def check_dates(obtained: date, expires: date | None, today: date) -> None:
    """Refuse an obtained day after today and an expiry before the obtained day."""
    if obtained > today:
        raise UserError(_("{date} is in the future (today is {today}); enter the day it was obtained.").format(
            date=format_wareki(obtained), today=format_wareki(today)))
    if expires is not None and expires < obtained:
        raise UserError(_("It expires on {expires}, before it was obtained ({obtained}).").format(
            expires=format_wareki(expires), obtained=format_wareki(obtained)))


def add_record(db: sqlite_utils.Database, user: User, staff_id: int, qualification_id: int, obtained_on: date, *,
               today: date, expires_on: date | None = None, note: str = "", source: str = "app") -> int:
    """Record that a person obtained a qualification; the expiry is computed unless given."""
    require(user, Action.QUALIFICATIONS_EDIT)
    with transaction(db):
        entry = _entry(db, qualification_id)
        if entry["retired"]:
            raise UserError(_("「{name}」 is retired in the catalogue; bring it back there first.").format(
                name=entry["name"]))
        if db.execute("SELECT 1 FROM staff WHERE id = ?", [staff_id]).fetchone() is None:
            raise UserError(_("No staff member with id {id}.").format(id=staff_id))
        expires = expires_on or expiry_date(obtained_on, entry["validity_years"])
        check_dates(obtained_on, expires, today)
        note = _checked_note(note)
        if db.execute("SELECT 1 FROM staff_qualifications WHERE staff_id = ? AND qualification_id = ? AND obtained_on = ?",
                      [staff_id, qualification_id, obtained_on.isoformat()]).fetchone():
            raise UserError(_("This person already has 「{name}」 obtained on {date}.").format(
                name=entry["name"], date=format_wareki(obtained_on)))
        after = {"staff_id": staff_id, "qualification_id": qualification_id, "name": entry["name"],
                 "obtained_on": obtained_on.isoformat(), "expires_on": expires.isoformat() if expires else None,
                 "note": note, "source": source}
        new_id = db.execute(
            "INSERT INTO staff_qualifications (staff_id, qualification_id, name, obtained_on, expires_on, note, source) "
            "VALUES (:staff_id, :qualification_id, :name, :obtained_on, :expires_on, :note, :source)", after).lastrowid
        if source == "app":
            audit.record(db, user.login, "qualification.add", "staff_qualifications", new_id, None, after)
    return new_id


def _checked_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise UserError(_("The evidence note is longer than {n} characters.").format(n=MAX_NOTE))
    return note


def edit_record(db: sqlite_utils.Database, user: User, record_id: int, obtained_on: date, expires_on: date | None,
                note: str, *, today: date) -> None:
    """Correct the days or the evidence note of a record (the expiry as given: None = does not expire)."""
    require(user, Action.QUALIFICATIONS_EDIT)
    with transaction(db):
        before = _record(db, record_id)
        check_dates(obtained_on, expires_on, today)
        note = _checked_note(note)
        if db.execute("SELECT 1 FROM staff_qualifications WHERE staff_id = ? AND qualification_id IS ? "
                      "AND obtained_on = ? AND id != ?", [before["staff_id"], before["qualification_id"],
                                                          obtained_on.isoformat(), record_id]).fetchone():
            raise UserError(_("This person already has 「{name}」 obtained on {date}.").format(
                name=before["name"], date=format_wareki(obtained_on)))
        after = {"obtained_on": obtained_on.isoformat(), "expires_on": expires_on.isoformat() if expires_on else None,
                 "note": note}
        db.execute("UPDATE staff_qualifications SET obtained_on = :obtained_on, expires_on = :expires_on, note = :note "
                   "WHERE id = :id", {**after, "id": record_id})
        audit.record(db, user.login, "qualification.edit", "staff_qualifications", record_id,
                     {k: before[k] for k in after}, {**after, "staff_id": before["staff_id"], "name": before["name"]})


def remove_record(db: sqlite_utils.Database, user: User, record_id: int) -> None:
    """Delete a record entered by mistake (the audit log keeps what it was)."""
    require(user, Action.QUALIFICATIONS_EDIT)
    with transaction(db):
        before = _record(db, record_id)
        db.execute("DELETE FROM staff_qualifications WHERE id = ?", [record_id])
        audit.record(db, user.login, "qualification.remove", "staff_qualifications", record_id,
                     {k: before[k] for k in ("staff_id", "name", "obtained_on", "expires_on", "note")}, None)


def _record(db: sqlite_utils.Database, record_id: int) -> dict:
    row = next(iter(db.query("SELECT * FROM staff_qualifications WHERE id = ?", [record_id])), None)
    if row is None:
        raise UserError(_("No qualification record with id {id}.").format(id=record_id))
    return row


_RECORDS = f"""
    SELECT sq.id, sq.staff_id, s.staff_no, {_PERSON} AS person,
           s.family_reading || s.given_reading AS reading,
           sq.qualification_id, coalesce(q.name, sq.name) AS qualification, coalesce(q.category, '') AS category,
           sq.obtained_on, sq.expires_on, sq.note, sq.source
    FROM staff_qualifications sq JOIN staff s ON s.id = sq.staff_id
    LEFT JOIN qualifications q ON q.id = sq.qualification_id"""


def records(db: sqlite_utils.Database, user: User, *, staff_id: int | None = None,
            qualification_id: int | None = None, query: str = "") -> list[dict]:
    """People's qualifications, by reading then newest first; filtered by person, entry, or text
    (part of the name, reading, 職員番号 or qualification)."""
    require(user, Action.QUALIFICATIONS_VIEW)
    where, params = [], []
    if staff_id is not None:
        where.append("sq.staff_id = ?")
        params.append(staff_id)
    if qualification_id is not None:
        where.append("sq.qualification_id = ?")
        params.append(qualification_id)
    if query.strip():
        where.append("(instr(s.family_name || s.given_name, ?) OR instr(s.family_reading || s.given_reading, ?) "
                     "OR s.staff_no = ? OR instr(coalesce(q.name, sq.name), ?))")
        text = safe_normalise(query).replace(" ", "").replace("\u3000", "")
        params += [text, text, text, text]
    sql = _RECORDS + (" WHERE " + " AND ".join(where) if where else "") + \
        " ORDER BY reading, s.staff_no, sq.obtained_on DESC, sq.id DESC"
    return list(db.query(sql, params))


def record(db: sqlite_utils.Database, user: User, record_id: int) -> dict:
    """One person's qualification as ``records`` lists it."""
    require(user, Action.QUALIFICATIONS_VIEW)
    row = next(iter(db.query(_RECORDS + " WHERE sq.id = ?", [record_id])), None)
    if row is None:
        raise UserError(_("No qualification record with id {id}.").format(id=record_id))
    return row


def expiring(db: sqlite_utils.Database, user: User, today: date, days: int = EXPIRING_DAYS) -> list[dict]:
    """What expires from ``today`` to ``today + days`` (soonest first), for people still in service.

    A record renewed since (the same person and entry with a later or no expiry) is left out.
    """
    require(user, Action.QUALIFICATIONS_VIEW)
    if not 0 <= days <= MAX_DAYS_AHEAD:
        raise UserError(_("Look from 0 to {n} days ahead.").format(n=MAX_DAYS_AHEAD))
    first, last = today.isoformat(), (today + timedelta(days=days)).isoformat()
    rows = list(db.query(_RECORDS + """
        WHERE sq.expires_on BETWEEN ? AND ?
          AND (s.retired_on IS NULL OR s.retired_on >= ?)
          AND NOT EXISTS (SELECT 1 FROM staff_qualifications r
                          WHERE r.staff_id = sq.staff_id AND r.qualification_id = sq.qualification_id AND r.id != sq.id
                            AND (r.expires_on IS NULL OR r.expires_on > sq.expires_on))
        ORDER BY sq.expires_on, reading, s.staff_no""", [first, last, first]))
    for row in rows:
        row["days_left"] = (date.fromisoformat(row["expires_on"]) - today).days
    return rows


def person_qualifications(db: sqlite_utils.Database, user: User, staff_id: int, on: date) -> list[dict]:
    """The person card's 資格 tab: every record of the person, newest first, with its status on ``on``."""
    rows = records(db, user, staff_id=staff_id)
    rows.sort(key=lambda r: (r["obtained_on"], r["id"]), reverse=True)
    for row in rows:
        row["status"] = status(row, on)
        row["status_label"] = _(STATUS_LABELS[row["status"]])
    return rows
