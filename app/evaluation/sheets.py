"""Evaluation sheets: one Excel workbook per evaluator, filled in offline and read back.

External raters have no login and many managers prefer Excel, so the officer
hands each evaluator a workbook with one row per (member, perspective,
criterion) they rate, and imports the returned file.

What makes the round trip safe:

* A hidden sheet 「_meta」 holds the format version, the project, the evaluator,
  the template and, for every data row, the assignment and criterion it stands
  for, signed with HMAC-SHA256 under a random key kept in the register (never
  shown). Ordinary cells on a hidden sheet survive Excel and LibreOffice saving
  the file again; custom XML parts and custom workbook properties do not.
* Each data row also carries its key in a hidden, locked column, so that a row
  copied, moved, inserted or deleted is caught even when the sheet protection
  was lifted.
* The sheets are protected without a password: the protection only prevents
  accidental edits of names and layout. A password would add no security
  (Excel's sheet passwords are removed in seconds) but would stop an evaluator
  from fixing a column width; the signature and the checks on import are the
  guard.
* Rows of evaluations already submitted when the sheet is written are left
  out, unless the officer asks for every evaluator (``include_submitted``);
  then they are shown greyed and locked, for reference, and an import refuses
  any change to them.

Import is all or nothing per file and writes through ``evaluations.save_answers``
(source "excel"), so the submit lock, the permission rule and the audit stay in
one place. An evaluation whose every criterion has a score is submitted; one
with some answers is saved as a draft; one left empty is not touched (clearing
every answer of a draft in the sheet therefore does not delete the draft).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import sqlite_utils

from app import audit, seal
from app.evaluation import ratings
from app.evaluation import rubrics
from app.register.accounts import Role, User
from app.db import transaction
from app.errors import PermissionDenied, UserError
from app.evaluation.ratings import Answer, Evaluator
from app.i18n import N_, _
from app.register.permissions import Action, allowed, require
from app.evaluation.projects import project
from app.tabular import MAX_LISTED_ERRORS, not_listed, open_workbook, protect_cell, sheet_rows, shorten, unprotect_cell

# Version 2 also signs the rated person of each row: a stale sheet cannot land on another person's
# evaluation (issue 13). Version 1 sheets already handed out are still read.
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MAGIC = "dx-jinzai evaluation sheet"
META_SHEET = "_meta"
KEY_SETTING = "evaluation_sheet_key"  # in the settings table, outside app.register.settings.SETTINGS: never shown
HEADER_ROW = 8  # rows 1-7: title and instructions
COL_TARGET, COL_PERSPECTIVE, COL_CRITERION, COL_SCORE, COL_COMMENT, COL_KEY = 1, 2, 3, 4, 5, 6
COLUMN_LETTERS = "ABCDEF"
META_FIRST_ROW = 9  # first (row, assignment, criterion, locked) line on the 「_meta」 sheet
MAX_ISSUES = MAX_LISTED_ERRORS  # a file with more problems than this is reported in part
MAX_EXTRA_ROWS = 100_000  # rows (even empty ones) below the last data row before the sheet is refused
MAX_FILE_NAME = 120

HEADERS = {COL_TARGET: N_("Member rated"), COL_PERSPECTIVE: N_("Perspective"), COL_CRITERION: N_("Criterion"),
           COL_SCORE: N_("Score"), COL_COMMENT: N_("Comment"), COL_KEY: N_("Key (do not change)")}
ACTIONS = {"submit": N_("Submit"), "draft": N_("Save as draft"), "unchanged": N_("No change"),
           "locked": N_("Submitted earlier (left as is)")}
_NUMBER = re.compile(r"[+-]?[0-9]+(\.0*)?", re.ASCII)
# Full-width digits are what a Japanese IME types; ٣, ๓ or ③ are not scores, so NFKC is not used.
_FULL_WIDTH_NUMBER = str.maketrans("０１２３４５６７８９＋－．", "0123456789+-.")


# -- the signing key ---------------------------------------------------------------------------

def _signing_key(db: sqlite_utils.Database, create: bool) -> bytes | None:
    """The register's random HMAC key, created on the first export."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [KEY_SETTING]).fetchone()
    if row is None and create:
        with transaction(db):
            db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                       [KEY_SETTING, json.dumps(secrets.token_hex(32))])
        row = db.execute("SELECT value FROM settings WHERE key = ?", [KEY_SETTING]).fetchone()
    return bytes.fromhex(json.loads(row[0])) if row else None


def _canonical(version: int, project_id: int, evaluator_key: str, template_id: int, sheet: str,
               rows: list[tuple[int, ...]]) -> bytes:
    return json.dumps([version, project_id, evaluator_key, template_id, sheet, [list(r) for r in rows]],
                      separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _sign(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


# -- export ------------------------------------------------------------------------------------

@dataclass
class _Row:
    assignment: dict
    criterion: rubrics.CriterionSpec
    perspective: str
    answer: Answer | None
    locked: bool


@dataclass
class _Plan:
    evaluator: Evaluator
    name: str
    rows: list[_Row] = field(default_factory=list)


def _listing(db: sqlite_utils.Database, user: User, project_id: int) -> list[dict]:
    """The assignments the user may put on sheets: all of the project for the officer, their own otherwise."""
    if user.is_admin:
        return ratings.project_assignments(db, user, project_id)
    if user.role == Role.EVALUATOR and user.staff_id is not None:
        return [a for a in ratings.my_assignments(db, user) if a["project_id"] == project_id]
    raise PermissionDenied(_("Only the administrator and evaluators can write evaluation sheets."))


def _plans(db: sqlite_utils.Database, user: User, project_id: int, include_submitted: bool) -> list[_Plan]:
    row = project(db, project_id)
    if row["template_id"] is None:
        raise UserError(_("The project has no evaluation template."))
    template = rubrics.load_template(db, row["template_id"])
    answers: dict[int, dict[int, Answer]] = defaultdict(dict)
    for a_id, c_id, score, comment in db.execute(
            """SELECT s.assignment_id, s.criterion_id, s.score, s.comment FROM evaluation_scores s
               JOIN evaluation_assignments a ON a.id = s.assignment_id WHERE a.project_id = ?""", [project_id]):
        answers[a_id][c_id] = Answer(score, comment)
    plans: dict[str, _Plan] = {}
    for assignment in _listing(db, user, project_id):
        evaluator = Evaluator(assignment["evaluator_staff_id"], assignment["evaluator_external_id"])
        plan = plans.setdefault(evaluator.key, _Plan(evaluator, assignment["evaluator"]))
        if assignment["evaluator_organisation"]:
            plan.name = f"{assignment['evaluator']}（{assignment['evaluator_organisation']}）"
        perspective = template.perspective(assignment["perspective_id"])
        locked = assignment["status"] == "submitted"
        for criterion in perspective.criteria_for(assignment["evaluator_kind"]):
            plan.rows.append(_Row(assignment, criterion, perspective.name,
                                  answers[assignment["id"]].get(criterion.id), locked))
    chosen = []
    for plan in plans.values():
        if not any(not r.locked for r in plan.rows) and not include_submitted:
            continue
        if not include_submitted:
            plan.rows = [r for r in plan.rows if not r.locked]
        if plan.rows:
            chosen.append(plan)
    return chosen


def safe_file_name(text: str) -> str:
    """A file name Windows accepts: no reserved characters, no trailing dot or space, not too long."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", unicodedata.normalize("NFC", text)).strip().rstrip(". ")
    return cleaned[:MAX_FILE_NAME].rstrip(". ") or "_"


def _unique_path(folder: Path, stem: str, taken: set[str]) -> Path:
    """Never replaces a file: a returned sheet saved in the same folder must not be lost."""
    candidate, number = f"{stem}.xlsx", 2
    while candidate.lower() in taken or (folder / candidate).exists():
        candidate = f"{stem} ({number}).xlsx"
        number += 1
    taken.add(candidate.lower())
    return folder / candidate


def export_sheets(db: sqlite_utils.Database, user: User, project_id: int, out_dir: Path,
                  include_submitted: bool = False) -> list[Path]:
    """One workbook per evaluator with evaluations still open (or every evaluator); returns the files written.

    The officer writes everyone's sheets; an evaluator may write only their own.
    """
    require(user, Action.RATINGS_OWN)
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UserError(_("The folder {path} does not exist.").format(path=out_dir))
    project_row = project(db, project_id)
    plans = _plans(db, user, project_id, include_submitted)
    if not plans:
        return []
    key = _signing_key(db, create=True)
    assert key is not None
    written: list[Path] = []
    taken: set[str] = set()
    today = date.today()
    for plan in plans:
        stem = safe_file_name(_("Evaluation sheet_{project}_{evaluator}").format(
            project=project_row["name"][:40], evaluator=plan.name))
        path = _unique_path(out_dir, stem, taken)
        _write_workbook(path, key, project_row, plan, today)
        written.append(path)
    with transaction(db):
        audit.record(db, user.login, "evaluation.sheets_export", "projects", project_id, None, {
            "files": len(written), "evaluators": [p.evaluator.key for p in plans],
            "include_submitted": include_submitted})
    return written


def _write_workbook(path: Path, key: bytes, project_row: dict, plan: _Plan, today: date) -> None:
    """One evaluator's workbook: the evaluation sheet, the score guide and the signed hidden 「_meta」 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.workbook.protection import WorkbookProtection

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Evaluation")
    bold, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    _write_heading(sheet, project_row, plan, today, bold, header_fill)
    scales, meta_rows = _write_rows(sheet, plan, wrap, top)
    _add_score_lists(sheet, scales)
    for letter, width in zip(COLUMN_LETTERS, (16, 14, 26, 7, 60, 10)):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["F"].hidden = True
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _fit_landscape(sheet)
    _protect(sheet)
    _write_guide(workbook.create_sheet(_("Score guide")), plan, bold, header_fill, wrap, top)
    _write_meta(workbook.create_sheet(META_SHEET), key, project_row, plan, sheet.title, meta_rows)
    workbook.security = WorkbookProtection(lockStructure=True)  # sheets cannot be unhidden, renamed or removed
    workbook.save(path)


def _write_heading(sheet, project_row: dict, plan: _Plan, today: date, bold, header_fill) -> None:
    """Rows 1-7 (title, project, evaluator, date, instructions) and the column headers."""
    from openpyxl.styles import Font

    sheet["A1"] = protect_cell(_("BPR project evaluation sheet"))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = protect_cell(_("Project: {name}").format(name=project_row["name"]))
    sheet["A3"] = protect_cell(_("Evaluator: {name}").format(name=plan.name))
    sheet["A4"] = protect_cell(_("Written on {date}").format(date=today.isoformat()))
    sheet["A5"] = _("Choose a score in the 「Score」 column (the list shows the allowed values) and add a comment "
                    "if you wish. What each score means is on the sheet 「Score guide」.")
    sheet["A6"] = _("When every criterion of a member and perspective has a score, that evaluation is submitted on "
                    "import and cannot be changed afterwards; with some scores it is saved as a draft.")
    sheet["A7"] = _("Do not add, delete or move rows. Save the file (keep the name) and return it to the office "
                    "that sent it.")
    for row in (5, 6, 7):
        sheet.cell(row, 1).font = Font(color="444444")
    for column, label in HEADERS.items():
        cell = sheet.cell(HEADER_ROW, column, _(label))
        cell.font, cell.fill = bold, header_fill


def _write_rows(sheet, plan: _Plan, wrap, top,
                ) -> tuple[dict[tuple[int, int], list[int]], list[tuple[int, int, int, int, int]]]:
    """One row per (member, perspective, criterion): locked rows greyed, input cells open and yellow.

    Returns the open score cells by scale (for the drop-down lists) and the rows to sign.
    """
    from openpyxl.styles import Alignment, PatternFill, Protection

    locked_fill = PatternFill("solid", fgColor="E7E7E7")
    input_fill = PatternFill("solid", fgColor="FFFDE7")
    unlocked = Protection(locked=False)
    scales: dict[tuple[int, int], list[int]] = defaultdict(list)
    meta_rows: list[tuple[int, int, int, int, int]] = []
    for number, item in enumerate(plan.rows, start=HEADER_ROW + 1):
        assignment = item.assignment
        sheet.cell(number, COL_TARGET, protect_cell(assignment["target"])).alignment = top
        sheet.cell(number, COL_PERSPECTIVE, protect_cell(item.perspective)).alignment = top
        sheet.cell(number, COL_CRITERION, protect_cell(item.criterion.name)).alignment = wrap
        score = sheet.cell(number, COL_SCORE, item.answer.score if item.answer else None)
        comment = sheet.cell(number, COL_COMMENT, protect_cell(item.answer.comment) if item.answer and
                             item.answer.comment else None)
        comment.number_format = "@"  # a typed "=..." stays text
        comment.alignment = wrap
        score.alignment = Alignment(horizontal="center", vertical="top")
        sheet.cell(number, COL_KEY, f"{assignment['id']}:{item.criterion.id}")
        if item.locked:
            for column in range(COL_TARGET, COL_COMMENT + 1):
                sheet.cell(number, column).fill = locked_fill
        else:
            score.protection = comment.protection = unlocked
            score.fill = comment.fill = input_fill
            scales[(item.criterion.scale_min, item.criterion.scale_max)].append(number)
        meta_rows.append((number, assignment["id"], item.criterion.id, int(item.locked), assignment["target_staff_id"]))
    return scales, meta_rows


def _add_score_lists(sheet, scales: dict[tuple[int, int], list[int]]) -> None:
    """A drop-down list of the allowed scores on every open score cell, one validation per scale."""
    from openpyxl.worksheet.cell_range import MultiCellRange
    from openpyxl.worksheet.datavalidation import DataValidation

    for (low, high), cells in scales.items():
        validation = DataValidation(
            type="list", formula1='"' + ",".join(str(s) for s in range(low, high + 1)) + '"', allow_blank=True,
            showErrorMessage=True, showInputMessage=True, errorStyle="stop",
            errorTitle=_("Score"), error=_("Enter a whole number from {low} to {high}.").format(low=low, high=high),
            promptTitle=_("Score"), prompt=_("{low} (lowest) to {high} (highest); see the sheet 「Score guide」.").format(
                low=low, high=high))
        validation.sqref = MultiCellRange(_ranges("D", cells))
        sheet.add_data_validation(validation)


def _write_meta(meta, key: bytes, project_row: dict, plan: _Plan, sheet_title: str,
                meta_rows: list[tuple[int, int, int, int, int]]) -> None:
    """The hidden 「_meta」 sheet: format, project, evaluator, template, signature, then one line per data row."""
    signature = _sign(key, _canonical(FORMAT_VERSION, project_row["id"], plan.evaluator.key,
                                      project_row["template_id"], sheet_title, meta_rows))
    for number, (label, value) in enumerate((
            (MAGIC, FORMAT_VERSION), ("project", project_row["id"]), ("evaluator", plan.evaluator.key),
            ("template", project_row["template_id"]), ("sheet", sheet_title), ("signature", signature),
            ("rows", len(meta_rows))), start=1):
        meta.cell(number, 1, label)
        meta.cell(number, 2, protect_cell(value) if isinstance(value, str) else value)
    for column, label in enumerate(("row", "assignment", "criterion", "locked", "target"), start=1):
        meta.cell(META_FIRST_ROW - 1, column, label)
    for number, values in enumerate(meta_rows, start=META_FIRST_ROW):
        for column, value in enumerate(values, start=1):
            meta.cell(number, column, value)
    meta.sheet_state = "hidden"
    _protect(meta)


def _ranges(letter: str, rows: list[int]) -> str:
    """D9 D10 D11 D14 -> "D9:D11 D14": one validation range per run of rows."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    return " ".join(f"{letter}{a}" if a == b else f"{letter}{a}:{letter}{b}" for a, b in runs)


def _fit_landscape(sheet) -> None:
    """Printed landscape, all columns on one page wide."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _protect(sheet) -> None:
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # allowed: widening a column to read a long comment
    sheet.protection.formatRows = False


def _write_guide(sheet, plan: _Plan, bold, header_fill, wrap, top) -> None:
    """Every score's written anchor for the criteria on the evaluation sheet."""
    from openpyxl.styles import Alignment

    sheet["A1"] = _("Score guide")
    sheet["A1"].font = bold
    sheet["A2"] = _("Give each score by the anchor it matches best.")
    for column, label in enumerate((_("Perspective"), _("Criterion"), _("What it asks"), _("Score"), _("Anchor")),
                                   start=1):
        cell = sheet.cell(4, column, label)
        cell.font, cell.fill = bold, header_fill
    seen: set[int] = set()
    number = 5
    for item in plan.rows:
        criterion = item.criterion
        if criterion.id in seen:
            continue
        seen.add(criterion.id)
        for index, score in enumerate(criterion.scores):
            if index == 0:
                sheet.cell(number, 1, protect_cell(item.perspective)).alignment = top
                sheet.cell(number, 2, protect_cell(criterion.name)).alignment = wrap
                sheet.cell(number, 3, protect_cell(criterion.description)).alignment = wrap
            sheet.cell(number, 4, score).alignment = Alignment(horizontal="center", vertical="top")
            sheet.cell(number, 5, protect_cell(criterion.descriptors.get(score, ""))).alignment = wrap
            number += 1
    for letter, width in zip("ABCDE", (14, 24, 36, 6, 60)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A5"
    sheet.print_title_rows = "4:4"
    _fit_landscape(sheet)
    _protect(sheet)


# -- import ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SheetIssue:
    """A problem (or warning) in a file, with where it is as the evaluator sees it in Excel."""

    where: str  # 「ファイル名 シート 行 列」, translated
    message: str
    row: int | None = None
    column: str = ""  # column letter

    def text(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def _where(file: str, sheet: str = "", row: int | None = None, column: int | None = None) -> str:
    text = file
    if sheet:
        text += _(", sheet 「{sheet}」").format(sheet=sheet)
    if row is not None:
        text += _(", row {row}").format(row=row)
    if column is not None:
        text += _(", column {column} ({name})").format(column=COLUMN_LETTERS[column - 1], name=_(HEADERS[column]))
    return text


@dataclass
class AssignmentChange:
    """What the import does to one evaluation (one member and perspective)."""

    assignment_id: int
    target: str
    perspective: str
    row: int  # first row of the evaluation on the sheet
    action: str  # key of ACTIONS
    answers: dict[int, Answer]
    scored: int
    criteria: int

    @property
    def action_label(self) -> str:
        return _(ACTIONS[self.action])


@dataclass
class SheetImportPreview:
    """What importing one file would do; nothing is written until commit_import."""

    path: Path
    project_id: int | None = None
    project: str = ""
    evaluator_key: str = ""
    evaluator: str = ""
    changes: list[AssignmentChange] = field(default_factory=list)
    errors: list[SheetIssue] = field(default_factory=list)
    warnings: list[SheetIssue] = field(default_factory=list)
    state: dict[int, tuple[str, str]] = field(default_factory=dict)  # assignment -> (status, updated_at) read

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    def summary(self) -> dict:
        return {"file": str(self.path), "project_id": self.project_id, "project": self.project,
                "evaluator": self.evaluator, "ok": self.ok,
                "submitted": self.count("submit"), "drafts": self.count("draft"),
                "unchanged": self.count("unchanged") + self.count("locked"),
                "errors": [e.text() for e in self.errors], "warnings": [w.text() for w in self.warnings]}


class _Refused(Exception):
    """Stops reading a file at the first problem that makes the rest meaningless."""

    def __init__(self, issue: SheetIssue) -> None:
        super().__init__(issue.text())
        self.issue = issue


def preview_import(db: sqlite_utils.Database, user: User, path: Path) -> SheetImportPreview:
    """Read and check one returned workbook; every problem names file, sheet, row and column.

    A role that may not enter evaluations gets the file refused by name (see ``_read``), like any other problem.
    """
    preview = SheetImportPreview(Path(path))
    try:
        _read(db, user, preview)
    except _Refused as exc:
        preview.errors.append(exc.issue)
    if len(preview.errors) > MAX_ISSUES:
        hidden = len(preview.errors) - MAX_ISSUES
        preview.errors = preview.errors[:MAX_ISSUES] + [SheetIssue("", not_listed(preview.file_name, hidden))]
    if preview.errors:
        preview.changes.clear()  # nothing of a refused file is shown as if it would be saved
    return preview


def _int(value: object) -> int | None:
    """Numbers on the hidden sheet as they come back from Excel or LibreOffice (3, 3.0, "3")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return int(float(value.strip()))
    return None


def _text(value: object) -> str:
    return "" if value is None else unprotect_cell(str(value)).strip()


def _read(db: sqlite_utils.Database, user: User, preview: SheetImportPreview) -> None:
    path, name = preview.path, preview.file_name
    if not path.is_file():
        raise _Refused(SheetIssue("", _("The file {path} does not exist.").format(path=path)))
    not_a_sheet = _("This is not an evaluation sheet written by this register (use the files written by "
                    "「Export evaluation sheets」).")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise _Refused(SheetIssue(name, not_a_sheet))
    try:
        workbook = open_workbook(path, data_only=False)
    except UserError as exc:  # a damaged, unsafe or empty workbook: the message names the file
        raise _Refused(SheetIssue("", str(exc))) from exc
    try:
        if META_SHEET not in workbook.sheetnames:
            raise _Refused(SheetIssue(name, not_a_sheet))
        meta = _read_meta(db, workbook[META_SHEET], path, not_a_sheet)
        _check_rows(db, user, workbook, meta, preview)
    except PermissionDenied:
        raise
    except UserError as exc:  # from reading the sheets (read-only mode parses each sheet only when it is read)
        raise _Refused(SheetIssue("", str(exc))) from exc
    finally:
        workbook.close()


@dataclass
class _Meta:
    project_id: int
    evaluator: Evaluator
    template_id: int
    sheet: str
    rows: list[tuple[int, int, int, int]]
    targets: dict[int, int] = field(default_factory=dict)  # assignment id -> rated staff id (version 2)


def _read_meta(db: sqlite_utils.Database, sheet, path: Path, not_a_sheet: str) -> _Meta:
    name = path.name
    values: list[tuple] = []
    for number, cells in sheet_rows(sheet, path):
        if number > 100_000:
            break
        values.extend([(None,) * 5] * (number - 1 - len(values)))
        values.append(tuple(cells[c]["value"] if c in cells else None for c in range(1, 6)))
    where = _where(name, META_SHEET)
    tampered = _("The hidden data of the sheet were changed or are missing (signature check failed). Export the "
                 "sheet again; the file was not imported.")
    if not values or values[0][0] != MAGIC:
        raise _Refused(SheetIssue(name, not_a_sheet))
    version = _int(values[0][1])
    if version not in READABLE_VERSIONS:
        raise _Refused(SheetIssue(where, _("The sheet was written in a format this version does not read "
                                           "(version {found}).").format(found=values[0][1])))
    header = {str(r[0]): r[1] for r in values[1:7] if r[0] is not None}
    project_id, template_id, count = _int(header.get("project")), _int(header.get("template")), _int(header.get("rows"))
    evaluator_key, sheet_title = _text(header.get("evaluator")), _text(header.get("sheet"))
    signature = _text(header.get("signature"))
    if None in (project_id, template_id, count) or not re.fullmatch(r"[se]\d+", evaluator_key) or not sheet_title:
        raise _Refused(SheetIssue(where, tampered))
    rows = []
    width = 4 if version == 1 else 5
    for line in values[META_FIRST_ROW - 1:META_FIRST_ROW - 1 + count]:
        numbers = tuple(_int(v) for v in line[:width])
        if None in numbers:
            raise _Refused(SheetIssue(where, tampered))
        rows.append(numbers)
    key = _signing_key(db, create=False)
    expected = _sign(key, _canonical(version, project_id, evaluator_key, template_id, sheet_title, rows)) if key else ""
    if len(rows) != count or not key or not seal.digests_equal(expected, signature):
        raise _Refused(SheetIssue(where, tampered))
    return _Meta(project_id, Evaluator.from_key(evaluator_key), template_id, sheet_title, [r[:4] for r in rows],
                 {r[1]: r[4] for r in rows} if width == 5 else {})


def _check_rows(db: sqlite_utils.Database, user: User, workbook, meta: _Meta, preview: SheetImportPreview) -> None:
    """Check every signed row of the data sheet and decide what happens to each evaluation."""
    template = _check_sheet(db, user, workbook, meta, preview)
    cells = _DataCells.read(workbook[meta.sheet], meta, preview)
    check = _RowCheck(db, meta, template, cells, preview)
    good_rows = check.keys()
    check.evaluations()
    from_file, locked_rows = check.answers(good_rows)
    check.decide(from_file, locked_rows)
    preview.changes.sort(key=lambda c: c.row)


def _check_sheet(db: sqlite_utils.Database, user: User, workbook, meta: _Meta,
                 preview: SheetImportPreview) -> rubrics.TemplateSpec:
    """The file as a whole: its project still there, the user allowed to import it, the template unchanged."""
    name = preview.file_name
    project_row = next(db.query("SELECT * FROM projects WHERE id = ?", [meta.project_id]), None)
    if project_row is None:
        raise _Refused(SheetIssue(name, _("The project of this sheet (id {id}) no longer exists.").format(
            id=meta.project_id)))
    preview.project_id, preview.project = meta.project_id, project_row["name"]
    preview.evaluator_key = meta.evaluator.key
    preview.evaluator = ratings.evaluator_name(db, meta.evaluator)
    if not user.is_admin:
        if not allowed(user, Action.RATINGS_OWN) or user.staff_id is None:
            raise _Refused(SheetIssue(name, _("Only the administrator and evaluators can import evaluation sheets.")))
        if meta.evaluator.staff_id != user.staff_id:
            raise _Refused(SheetIssue(name, _("This is the sheet of {name}; an evaluator can import only their own "
                                              "sheet.").format(name=preview.evaluator)))
    if project_row["template_id"] != meta.template_id:
        raise _Refused(SheetIssue(name, _("The project's evaluation template was changed after the sheet was "
                                          "written; export the sheet again.")))
    if meta.sheet not in workbook.sheetnames:
        raise _Refused(SheetIssue(name, _("The sheet 「{sheet}」 is missing.").format(sheet=meta.sheet)))
    return rubrics.load_template(db, meta.template_id)


@dataclass
class _DataCells:
    """Cells of the data sheet below the header, by row (as openpyxl parses them: dicts with value and data_type)."""

    rows: dict[int, dict[int, dict]]

    @classmethod
    def read(cls, sheet, meta: _Meta, preview: SheetImportPreview) -> _DataCells:
        last_meta_row = max((r[0] for r in meta.rows), default=HEADER_ROW)
        rows: dict[int, dict[int, dict]] = {}
        for number, row_cells in sheet_rows(sheet, preview.path):
            if number > last_meta_row + MAX_EXTRA_ROWS:
                raise _Refused(SheetIssue(_where(preview.file_name, meta.sheet), _(
                    "The sheet has far more rows than were written; it was refused.")))
            if number > HEADER_ROW:
                rows[number] = {c: cell for c, cell in row_cells.items() if c <= COL_KEY}
        return cls(rows)

    def value(self, row: int, column: int) -> object:
        cell = self.rows.get(row, {}).get(column)
        return None if cell is None else cell["value"]

    def is_formula(self, row: int, column: int) -> bool:
        cell = self.rows.get(row, {}).get(column)
        return cell is not None and cell["data_type"] == "f"


class _RowCheck:
    """The checks of one sheet's rows, in order: keys, the evaluations behind them, the values, the actions.

    Every problem is an error of the preview naming file, sheet, row and column.
    """

    def __init__(self, db: sqlite_utils.Database, meta: _Meta, template: rubrics.TemplateSpec, cells: _DataCells,
                 preview: SheetImportPreview) -> None:
        self.db, self.meta, self.template, self.cells, self.preview = db, meta, template, cells, preview
        self.found_rows: dict[int, dict] = {}
        self.stored: dict[int, dict[int, Answer]] = defaultdict(dict)
        self.criteria_of: dict[int, dict[int, rubrics.CriterionSpec]] = {}
        self.first_row: dict[int, int] = {}

    def error(self, row: int | None, column: int | None, message: str) -> None:
        self.preview.errors.append(SheetIssue(_where(self.preview.file_name, self.meta.sheet, row, column), message,
                                              row, COLUMN_LETTERS[column - 1] if column else ""))

    def keys(self) -> list[tuple[int, int, int, int]]:
        """Each signed row still in its place with its key; nothing added, nothing duplicated. The good rows."""
        error, value = self.error, self.cells.value
        expected_rows = {r[0] for r in self.meta.rows}
        row_of_key: dict[str, int] = {}
        for row, assignment_id, criterion_id, _locked in self.meta.rows:
            key = f"{assignment_id}:{criterion_id}"
            if key in row_of_key:
                error(row, None, _("The row repeats row {other}.").format(other=row_of_key[key]))
            row_of_key.setdefault(key, row)
        good_rows: list[tuple[int, int, int, int]] = []
        for item in self.meta.rows:
            row, assignment_id, criterion_id, _locked = item
            found = _text(value(row, COL_KEY))
            expected = f"{assignment_id}:{criterion_id}"
            if found == expected:
                good_rows.append(item)
            elif found in row_of_key:
                error(row, COL_KEY, _("The row is a copy of row {other}, or rows were inserted, deleted or moved. "
                                      "Rows cannot be added, deleted or moved; export the sheet again.").format(
                    other=row_of_key[found]))
            elif not found:
                error(row, COL_KEY, _("The row was deleted or its key was cleared. Rows cannot be deleted; export "
                                      "the sheet again."))
            else:
                error(row, COL_KEY, _("The key of the row was changed (found {value}).").format(value=shorten(found)))
        for row in sorted(self.cells.rows):
            if row not in expected_rows and any(value(row, c) not in (None, "") for c in range(1, COL_KEY + 1)):
                error(row, None, _("This row was added. Rows cannot be added to the sheet; export the sheet again."))
        return good_rows

    def evaluations(self) -> None:
        """The evaluations behind the rows: this project, this evaluator, this rated person, still there."""
        db, meta = self.db, self.meta
        ids = sorted({r[1] for r in meta.rows})
        if ids:
            self.found_rows = {r["id"]: r for r in db.query(
                f"""SELECT a.*, t.family_name || ' ' || t.given_name AS target FROM evaluation_assignments a
                    JOIN staff t ON t.id = a.target_staff_id WHERE a.id IN ({",".join("?" * len(ids))})""", ids)}
            for a_id, c_id, score, comment in db.execute(
                    f"SELECT assignment_id, criterion_id, score, comment FROM evaluation_scores "
                    f"WHERE assignment_id IN ({','.join('?' * len(ids))})", ids):
                self.stored[a_id][c_id] = Answer(score, comment)
        for row, assignment_id, _criterion, _locked in meta.rows:
            self.first_row.setdefault(assignment_id, row)
        for assignment_id in ids:
            self._evaluation(assignment_id)

    def _evaluation(self, assignment_id: int) -> None:
        row = self.found_rows.get(assignment_id)
        where_row, meta = self.first_row[assignment_id], self.meta
        if row is None:
            self.error(where_row, COL_TARGET, _("The evaluation of this row (id {id}) no longer exists; it may have "
                                                "been removed after the sheet was written.").format(id=assignment_id))
            return
        owner = Evaluator(row["evaluator_staff_id"], row["evaluator_external_id"])
        if row["project_id"] != meta.project_id or owner != meta.evaluator:
            self.error(where_row, COL_TARGET, _("The evaluation of this row (id {id}) belongs to another evaluator "
                                                "or project.").format(id=assignment_id))
            return
        if meta.targets and meta.targets.get(assignment_id) != row["target_staff_id"]:
            written_for = self.db.execute("SELECT family_name || ' ' || given_name FROM staff WHERE id = ?",
                                          [meta.targets.get(assignment_id)]).fetchone()
            self.error(where_row, COL_TARGET, _(
                "This sheet was written to rate {written}, but the evaluation of this row (id {id}) now rates "
                "{target}: the sheet is out of date. Nothing was imported; export the sheet again.").format(
                written=written_for[0] if written_for else "?", id=assignment_id, target=row["target"]))
            return
        try:
            perspective = self.template.perspective(row["perspective_id"])
        except StopIteration:
            self.error(where_row, COL_PERSPECTIVE, _("The perspective of this row is not part of the template."))
            return
        self.criteria_of[assignment_id] = {c.id: c for c in perspective.criteria_for(row["evaluator_kind"])}
        self.preview.state[assignment_id] = (row["status"], row["updated_at"])

    def answers(self, good_rows: list[tuple[int, int, int, int]],
                ) -> tuple[dict[int, dict[int, Answer]], dict[int, bool]]:
        """Scores and comments, row by row: the answers per evaluation, and which evaluations were locked."""
        from_file: dict[int, dict[int, Answer]] = defaultdict(dict)
        locked_rows: dict[int, bool] = {}
        for row, assignment_id, criterion_id, locked in good_rows:
            criteria = self.criteria_of.get(assignment_id)
            if criteria is None:
                continue
            criterion = criteria.get(criterion_id)
            if criterion is None:
                self.error(row, COL_CRITERION, _("This criterion is not one this evaluator answers."))
                continue
            score = _score(self.cells.value(row, COL_SCORE), self.cells.is_formula(row, COL_SCORE), criterion,
                           lambda message, r=row: self.error(r, COL_SCORE, message))
            try:
                comment = ratings.clean_comment(self._comment(row))
            except UserError as exc:
                self.error(row, COL_COMMENT, str(exc))
                continue
            from_file[assignment_id][criterion_id] = Answer(score, comment)
            locked_rows[assignment_id] = bool(locked)
        return from_file, locked_rows

    def _comment(self, row: int) -> str:
        """The comment cell as text: a formula kept as typed (with a warning), numbers and dates as written."""
        raw = self.cells.value(row, COL_COMMENT)
        if self.cells.is_formula(row, COL_COMMENT):
            self.preview.warnings.append(SheetIssue(_where(self.preview.file_name, self.meta.sheet, row, COL_COMMENT), _(
                "The comment starts like a formula; it is kept as text exactly as typed."), row, "E"))
            return str(raw)
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        if isinstance(raw, datetime):
            return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
        return "" if raw is None else unprotect_cell(str(raw))

    def decide(self, from_file: dict[int, dict[int, Answer]], locked_rows: dict[int, bool]) -> None:
        """What happens to each evaluation: submit, draft, unchanged or locked; or an error."""
        for assignment_id, answers in from_file.items():
            row = self.found_rows[assignment_id]
            action = self._action(row, answers, locked_rows[assignment_id])
            if action is None:
                continue
            criteria = self.criteria_of[assignment_id]
            self.preview.changes.append(AssignmentChange(
                assignment_id, row["target"], self.template.perspective(row["perspective_id"]).name,
                self.first_row[assignment_id], action, answers,
                sum(1 for a in answers.values() if a.score is not None), len(criteria)))

    def _action(self, row: dict, answers: dict[int, Answer], locked: bool) -> str | None:
        assignment_id = row["id"]
        where_row = self.first_row[assignment_id]
        current, criteria = self.stored[assignment_id], self.criteria_of[assignment_id]
        same = all(_same(current.get(c), a) for c, a in answers.items())
        has_content = any(a.score is not None or a.comment for a in answers.values())
        if locked:
            # Shown for reference only: never written, whatever its status is now.
            if not same:
                self.error(where_row, COL_SCORE, _("This evaluation was submitted before the sheet was written; its "
                                                   "answers cannot be changed here (ask the administrator to reopen "
                                                   "it)."))
                return None
            return "locked"
        if row["status"] == "submitted":
            if has_content:
                self.error(where_row, COL_SCORE, _("This evaluation has already been submitted (was the file "
                                                   "imported twice?); submitted answers are never overwritten. Ask "
                                                   "the administrator to reopen it if it must change."))
                return None
            return "unchanged"
        if not has_content or (same and row["status"] == "draft" and not _complete(criteria, current, answers)):
            return "unchanged"
        return "submit" if _complete(criteria, current, answers) else "draft"


def _same(stored: Answer | None, new: Answer) -> bool:
    if stored is None:
        return new.score is None and not new.comment
    return stored.score == new.score and (stored.comment or "") == new.comment


def _complete(criteria: dict[int, rubrics.CriterionSpec], stored: dict[int, Answer], new: dict[int, Answer]) -> bool:
    merged = {**stored, **new}
    return all(merged.get(c) is not None and merged[c].score is not None for c in criteria)


def _score(raw: object, formula: bool, criterion: rubrics.CriterionSpec, error) -> int | None:
    """A score as typed in Excel or LibreOffice: 3, 3.0, "3", "３" are all 3; anything else is refused."""
    low, high = criterion.scale_min, criterion.scale_max
    if formula:
        error(_("A formula is not accepted as a score; type the number ({low} to {high}).").format(low=low, high=high))
        return None
    if raw is None:
        return None
    number: int | None = None
    if isinstance(raw, bool):
        number = None
    elif isinstance(raw, int):
        number = raw
    elif isinstance(raw, float):
        number = int(raw) if raw.is_integer() else None
    elif isinstance(raw, str):
        text = raw.translate(_FULL_WIDTH_NUMBER).strip()
        if not text:
            return None
        number = int(float(text)) if _NUMBER.fullmatch(text) else None
    if number is None:
        error(_("The score must be a whole number from {low} to {high} (found {value}).").format(
            low=low, high=high, value=shorten(raw, 20)))
        return None
    if number not in criterion.scores:
        error(_("The score must be between {low} and {high} (found {value}).").format(low=low, high=high, value=number))
        return None
    return number


def commit_import(db: sqlite_utils.Database, user: User, preview: SheetImportPreview) -> dict:
    """Write one checked file, all or nothing; refused when the evaluations changed since the check."""
    require(user, Action.RATINGS_OWN)
    if preview.errors:
        raise UserError(_("{file} has errors; nothing was imported.").format(file=preview.file_name))
    with transaction(db):
        ids = list(preview.state)
        now = {r[0]: (r[1], r[2]) for r in db.execute(
            f"SELECT id, status, updated_at FROM evaluation_assignments WHERE id IN ({','.join('?' * len(ids))})",
            ids)} if ids else {}
        if now != preview.state:
            raise UserError(_("{file}: the evaluations were changed since the file was checked; check it again."
                              ).format(file=preview.file_name))
        for change in preview.changes:
            if change.action in ("submit", "draft"):
                ratings.save_answers(db, user, change.assignment_id, change.answers,
                                         submit=change.action == "submit", source="excel")
        counts = {"submitted": preview.count("submit"), "drafts": preview.count("draft"),
                  "unchanged": preview.count("unchanged") + preview.count("locked")}
        audit.record(db, user.login, "evaluation.sheets_import", "projects", preview.project_id, None,
                     {"file": preview.file_name, "evaluator": preview.evaluator_key, **counts})
    return counts
