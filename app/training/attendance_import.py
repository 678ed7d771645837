"""Import attendance from a CSV or .xlsx sheet: 職員番号, 研修 (title or id), 日付 and optionally 時間.

It follows the staff import: read with ``app.tabular`` (encodings, broken files, control characters,
formula protection), check every row and name each problem by file, row and column in Japanese, show
what would change, and write all of it or, when a single row is wrong, nothing. A row is refused for a
staff number nobody has, a date after today (attendance is recorded after the fact), a date on which
the named event was not held, an unknown event, hours that are not a number, and a second row for the
same person and event. ``today`` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import UserError
from app.i18n import _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.staff.importer import RowError, cell_date, staff_number_problem
from app.tabular import MAX_LISTED_ERRORS, recognise_headers, Table, not_listed, read_table, shorten, unprotect_cell
from app.text import safe_normalise
from app.training.events import MAX_HOURS
from app.wareki import format_western

# field -> header texts recognised (compared as text.norm_header folds them)
HEADERS = {
    "staff_no": ("職員番号", "職員コード", "職員no", "staff_no", "staffno"),
    "event": ("研修", "研修名", "研修id", "研修・講座", "講座", "講座名", "event", "title"),
    "date": ("日付", "受講日", "実施日", "開催日", "date"),
    "hours": ("時間", "受講時間", "時間数", "hours"),
}
REQUIRED = ("staff_no", "event", "date")
FIELD_LABELS = {"staff_no": "職員番号", "event": "研修", "date": "日付", "hours": "時間"}


@dataclass
class AttendanceRow:
    line: int
    event_id: int
    staff_id: int
    hours: float | None
    change: str = ""  # "add", "hours" (already recorded, new hours) or "" (already recorded as it is)
    person: str = ""  # 職員番号 and name, for the preview


@dataclass
class AttendancePreview:
    """What the import would write; nothing is written until ``commit``."""

    path: Path
    rows: list[AttendanceRow] = field(default_factory=list)
    added: int = 0
    updated: int = 0  # already recorded, new hours
    unchanged: int = 0
    events: dict[int, str] = field(default_factory=dict)  # event id -> title, for the summary
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {"file": str(self.path), "rows": len(self.rows), "added": self.added, "updated": self.updated,
                "unchanged": self.unchanged, "events": len(self.events), "errors": list(self.errors)}


def _columns(table: Table) -> dict[str, int]:
    found, _unused = recognise_headers(table.headers, HEADERS)
    missing = [FIELD_LABELS[n] for n in REQUIRED if n not in found]
    if missing:
        raise UserError(_("{file}: the column(s) {columns} are missing (found: {headers}).").format(
            file=table.path.name, columns="、".join(missing),
            headers=shorten("、".join(table.headers), 200) or _("none")))
    return found


class _Reader:
    """Reads one row at a time against the register; collects every problem of the row."""

    def __init__(self, db: sqlite_utils.Database, table: Table, columns: dict[str, int], today: date) -> None:
        self.table, self.columns, self.today = table, columns, today
        self.from_excel = table.encoding == "xlsx"
        self.staff = {r[0]: r[1] for r in db.execute("SELECT staff_no, id FROM staff")}
        self.events: dict[str, list[tuple[int, str, str, str]]] = {}
        self.by_id: dict[int, tuple[int, str, str, str]] = {}
        for row in db.execute("SELECT id, title, starts_on, ends_on FROM training_events"):
            self.events.setdefault(row[1], []).append(tuple(row))
            self.by_id[row[0]] = tuple(row)
        self.seen: dict[tuple[int, int], int] = {}
        self.errors: list[RowError] = []

    def cell(self, name: str) -> str:
        index = self.columns.get(name)
        return "" if index is None else safe_normalise(unprotect_cell(self.raw[index]))

    def fail(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.line, self.table.headers[self.columns[name]], message))

    def read(self, line: int, raw: list[str]) -> AttendanceRow | None:
        self.line, self.raw = line, raw
        count = len(self.errors)
        staff_id, day, hours = self._staff(), self._date(), self._hours()
        event_id = self._event(day)
        if len(self.errors) > count or staff_id is None or event_id is None:
            return None
        key = (event_id, staff_id)
        if key in self.seen:
            self.fail("staff_no", _("this person is already listed for this event in row {other} (a duplicate row)").format(
                other=self.seen[key]))
            return None
        self.seen[key] = line
        return AttendanceRow(line, event_id, staff_id, hours)

    def _staff(self) -> int | None:
        staff_no = self.cell("staff_no").replace(" ", "")
        if not staff_no:
            self.fail("staff_no", _("the staff no. is empty"))
        elif staff_number_problem(staff_no):
            self.fail("staff_no", staff_number_problem(staff_no))
        elif staff_no not in self.staff:
            self.fail("staff_no", _("no staff member has the number {no}").format(no=shorten(staff_no)))
        else:
            return self.staff[staff_no]
        return None

    def _date(self) -> date | None:
        text = self.cell("date")
        if not text:
            self.fail("date", _("the date is empty"))
            return None
        try:
            day = cell_date(text, self.from_excel)
        except ValueError as exc:
            self.fail("date", str(exc))
            return None
        if day > self.today:
            self.fail("date", _("{date} is in the future (attendance is recorded once it has taken place)").format(
                date=format_western(day)))
            return None
        return day

    def _hours(self) -> float | None:
        text = self.cell("hours")
        if not text:
            return None
        try:
            hours = float(text)
        except ValueError:
            hours = -1.0
        if not 0 <= hours <= MAX_HOURS:  # also NaN and inf
            self.fail("hours", _("{value} is not a number of hours from 0 to {max}").format(
                value=shorten(text), max=int(MAX_HOURS)))
            return None
        return hours

    def _event(self, day: date | None) -> int | None:
        text = self.cell("event")
        if not text:
            self.fail("event", _("the training event is empty"))
            return None
        found = self.events.get(text, [])
        if not found and text.isascii() and text.isdigit() and int(text) in self.by_id:
            found = [self.by_id[int(text)]]
        if not found:
            self.fail("event", _("no training event is called {title} (add it on the 研修 screen first)").format(
                title=shorten(text)))
            return None
        if day is None:
            return None
        held = [e for e in found if e[2] <= day.isoformat() <= e[3]]
        if not held:
            self.fail("date", _("{title} was not held on {date} (held on {days})").format(
                title=shorten(text), date=format_western(day), days=shorten("、".join(sorted({e[2] for e in found})), 100)))
        elif len(held) > 1:
            self.fail("event", _("two events called {title} were held on {date}; give the event's id instead").format(
                title=shorten(text), date=format_western(day)))
        else:
            return held[0][0]
        return None


def preview_file(db: sqlite_utils.Database, user: User, path: Path, today: date, *,
                 encoding: str | None = None) -> AttendancePreview:
    """Read and check the whole file; the preview lists every error (the first 100) and what would change."""
    require(user, Action.TRAINING_EDIT)
    table = read_table(Path(path), encoding)
    columns = _columns(table)
    reader = _Reader(db, table, columns, today)
    preview = AttendancePreview(Path(path))
    for offset, raw in enumerate(table.rows):
        if any(c.strip() for c in raw):
            row = reader.read(table.first_data_row + offset, raw)
            if row is not None:
                preview.rows.append(row)
    name = Path(path).name
    preview.errors = [e.text(name) for e in reader.errors]
    if not preview.rows and not preview.errors:
        preview.errors.append(_("{file} has no attendance rows.").format(file=name))
    if len(preview.errors) > MAX_LISTED_ERRORS:
        hidden = len(preview.errors) - MAX_LISTED_ERRORS
        preview.errors[MAX_LISTED_ERRORS:] = [not_listed(name, hidden)]
    _count_changes(db, preview, reader)
    return preview


def _count_changes(db: sqlite_utils.Database, preview: AttendancePreview, reader: _Reader) -> None:
    current = {(r[0], r[1]): r[2] for r in db.execute("SELECT event_id, staff_id, hours FROM training_attendance")}
    people = {r[0]: f"{r[1]} {r[2]} {r[3]}" for r in db.execute("SELECT id, staff_no, family_name, given_name FROM staff")}
    for row in preview.rows:
        preview.events[row.event_id] = reader.by_id[row.event_id][1]
        row.person = people.get(row.staff_id, "")
        if (row.event_id, row.staff_id) not in current:
            row.change = "add"
            preview.added += 1
        elif row.hours is not None and current[(row.event_id, row.staff_id)] != row.hours:
            row.change = "hours"
            preview.updated += 1
        else:
            preview.unchanged += 1


def commit(db: sqlite_utils.Database, user: User, preview: AttendancePreview) -> dict:
    """All of the previewed rows or, when the preview found an error, none.

    What is already recorded is read again inside the transaction (another import may have landed since the
    preview); the rows go in with one statement each kind (33,000 rows in well under a second).
    """
    require(user, Action.TRAINING_EDIT)
    if preview.errors:
        raise UserError(_("The import has {n} errors; nothing was written.").format(n=len(preview.errors)))
    with transaction(db):
        existing = {r[0] for r in db.execute("SELECT id FROM training_events")}
        if {row.event_id for row in preview.rows} - existing:
            raise UserError(_("A training event of the file was deleted meanwhile; check the file again."))
        current = {(r[0], r[1]): r[2] for r in db.execute("SELECT event_id, staff_id, hours FROM training_attendance")}
        new = [(r.event_id, r.staff_id, r.hours) for r in preview.rows if (r.event_id, r.staff_id) not in current]
        hours = [(r.hours, r.event_id, r.staff_id) for r in preview.rows if (r.event_id, r.staff_id) in current
                 and r.hours is not None and current[(r.event_id, r.staff_id)] != r.hours]
        db.conn.executemany("INSERT INTO training_attendance (event_id, staff_id, hours, source) VALUES (?, ?, ?, 'import')",
                            new)
        db.conn.executemany("UPDATE training_attendance SET hours = ? WHERE event_id = ? AND staff_id = ?", hours)
        per_event: dict[int, int] = {}
        for event_id in [n[0] for n in new] + [h[1] for h in hours]:
            per_event[event_id] = per_event.get(event_id, 0) + 1
        for event_id, n in sorted(per_event.items()):
            audit.record(db, user.login, "training.import", "training_events", event_id, None,
                         {"file": preview.path.name, "rows": n})
    return preview.summary() | {"imported": True}
