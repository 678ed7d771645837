"""make bench: print figures and ratios against the bare library doing the same work.

    python -m bench [--size N ...] [--only NAME ...] [--json] [--repeat R] [--workbooks N]

Each figure is the best of R runs (least disturbed by the machine). The ratio is
ours ÷ bare for times (lower is better; budgets say how much above 1 is allowed).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402

from app import wareki
from app.staff import directory
from app.db import connect, migrations, open_database  # noqa: E402
from app.demo.town import Town, generate_town, load_town  # noqa: E402
from app.staff.directory import Column  # noqa: E402
from app.demo.officer import officer as admin_as
ADMIN_USER = admin_as("bench")  # the administrator the benchmarks act as


HERE = Path(__file__).resolve().parent
DEFAULT_SIZES = (600, 7_000, 50_000)


@dataclass
class Figure:
    name: str
    size: int
    value: float
    unit: str
    baseline: float
    ratio: float
    note: str = ""


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def figure(name: str, size: int, ours: float, bare: float, note: str = "") -> Figure:
    return Figure(name, size, round(ours * 1000, 3), "ms", round(bare * 1000, 3), round(ours / bare, 2), note)


# -- open + migrate -------------------------------------------------------------------------
def bench_open_migrate(folder: Path, size: int, repeat: int) -> list[Figure]:
    counter = iter(range(10**6))

    def ours() -> None:
        open_database(folder / f"om-{next(counter)}.sqlite").db.close()

    sql = "\n".join(m.sql for m in migrations())

    def bare() -> None:
        conn = sqlite3.connect(folder / f"raw-{next(counter)}.sqlite")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(f"BEGIN;\n{sql}\nCOMMIT;")
        conn.close()

    return [figure("open_migrate", 0, best(ours, repeat), best(bare, repeat),
                   "create + migrate a new register vs raw executescript of the same schema")]


# -- bulk insert ------------------------------------------------------------------------------
def _raw_load(path: Path, town: Town) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO org_units (id, parent_id, kind, code, name, reading, sort_order, valid_from) "
                     "VALUES (?,?,?,?,?,?,?,?)", town.units)
    conn.executemany("INSERT INTO positions (id, name, rank, is_manager) VALUES (?,?,?,?)", town.positions)
    conn.executemany("INSERT INTO staff (id, staff_no, family_name, given_name, family_reading, given_reading, "
                     "hire_date, status, retired_on) VALUES (?,?,?,?,?,?,?,?,?)", town.staff)
    conn.executemany("INSERT INTO staff_assignments (staff_id, unit_id, position_id, valid_from, valid_to) "
                     "VALUES (?,?,?,?,?)", town.assignments)
    conn.execute("COMMIT")
    conn.close()


def bench_bulk_insert(folder: Path, size: int, repeat: int) -> list[Figure]:
    town = generate_town(size, seed=1)
    template = folder / f"empty-{size}.sqlite"
    open_database(template).db.close()
    counter = iter(range(10**6))

    def fresh() -> Path:
        target = folder / f"bulk-{size}-{next(counter)}.sqlite"
        src = connect(template)
        dest = sqlite3.connect(target)
        src.conn.backup(dest)
        dest.close()
        src.close()
        return target

    def timed(load: Callable[[Path], None]) -> float:
        times = []
        for _ in range(repeat):
            path = fresh()
            start = time.perf_counter()
            load(path)
            times.append(time.perf_counter() - start)
        return min(times)

    def ours(path: Path) -> None:
        db = connect(path)
        load_town(db, town, "bench")
        db.close()

    def sqlite_utils_insert_all(path: Path) -> None:
        db = connect(path)
        db["org_units"].insert_all(dict(zip(("id", "parent_id", "kind", "code", "name", "reading", "sort_order",
                                             "valid_from"), u)) for u in town.units)
        db["positions"].insert_all(dict(zip(("id", "name", "rank", "is_manager"), p)) for p in town.positions)
        db["staff"].insert_all(dict(zip(("id", "staff_no", "family_name", "given_name", "family_reading",
                                         "given_reading", "hire_date", "status", "retired_on"), s)) for s in town.staff)
        db["staff_assignments"].insert_all(dict(zip(("staff_id", "unit_id", "position_id", "valid_from", "valid_to"),
                                                    a)) for a in town.assignments)
        db.close()

    ours_t, bare_t = timed(ours), timed(lambda p: _raw_load(p, town))
    naive_t = timed(sqlite_utils_insert_all)
    return [
        figure("bulk_insert", size, ours_t, bare_t, "load_town vs raw executemany in one transaction "
               f"(speed = {bare_t / ours_t:.2f}× raw)"),
        figure("bulk_insert_sqlite_utils_insert_all", size, naive_t, bare_t, "for reference: the path we avoid"),
    ]


# -- staff list: load, filter, sort --------------------------------------------------------------
def _bare_model_class():
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    class BareModel(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[tuple] = []

        def set_rows(self, rows: list[tuple]) -> None:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()

        def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
            return len(self.rows)

        def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
            return 7

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return self.rows[index.row()][index.column()] if role == Qt.ItemDataRole.DisplayRole else None

    return BareModel


def bench_staff_list(folder: Path, size: int, repeat: int) -> list[Figure]:
    from PySide6.QtWidgets import QApplication

    from ui.staff.model import StaffTableModel

    QApplication.instance() or QApplication([])
    path = folder / f"list-{size}.sqlite"
    result = open_database(path)
    load_town(result.db, generate_town(size, seed=1), "bench")
    db = result.db
    model, bare = StaffTableModel(), _bare_model_class()()
    raw = sqlite3.connect(path)
    bare_sql = ("SELECT s.staff_no, s.family_name || ' ' || s.given_name, s.family_reading || ' ' || s.given_reading, "
                "'', u.name, p.name, s.status FROM staff s LEFT JOIN staff_assignments a ON a.staff_id = s.id "
                "AND a.valid_to IS NULL LEFT JOIN org_units u ON u.id = a.unit_id "
                "LEFT JOIN positions p ON p.id = a.position_id")

    def ours_load() -> None:
        model.set_rows(directory.load_directory(db, ADMIN_USER))

    def bare_load() -> None:
        bare.set_rows(raw.execute(bare_sql).fetchall())

    figures = [figure("staff_list_load", size, best(ours_load, repeat), best(bare_load, repeat),
                      "query + 五十音 keys + model reset vs raw fetchall + bare model reset")]
    rows = directory.load_directory(db, ADMIN_USER)
    bare_rows = raw.execute(bare_sql).fetchall()
    # Sorting starts from another order (as after sorting by a different column), not the 五十音 one.
    shuffled, bare_shuffled = rows[:], bare_rows[:]
    random.Random(1).shuffle(shuffled)
    random.Random(1).shuffle(bare_shuffled)

    def ours_filter() -> None:
        for query in ("た", "たか", "たかは", "たかはし"):  # keystrokes, narrowing as the page does
            model.set_rows(directory.filter_rows(rows, query))

    def bare_filter() -> None:
        for query in ("た", "たか", "たかは", "たかはし"):
            bare.set_rows([r for r in bare_rows if query in r[2]])

    figures.append(figure("staff_filter_keystroke", size, best(ours_filter, repeat) / 4, best(bare_filter, repeat) / 4,
                          "one keystroke from the full list: fold-aware filter + reset vs plain substring + reset"))

    def ours_sort() -> None:
        model.set_rows(directory.sort_rows(shuffled, Column.READING))

    def bare_sort() -> None:
        bare.set_rows(sorted(bare_shuffled, key=lambda r: r[2]))

    figures.append(figure("staff_sort_reading", size, best(ours_sort, repeat), best(bare_sort, repeat),
                          "五十音 sort + reset vs code-point sort + reset"))
    raw.close()
    db.close()
    return figures


# -- member picker: open, tick a whole section, add them in one transaction -----------------------
def bench_member_picker(folder: Path, size: int, repeat: int) -> list[Figure]:
    from PySide6.QtWidgets import QApplication

    from app.evaluation import projects
    from ui.evaluation.project_dialogs import AddMemberDialog

    QApplication.instance() or QApplication([])
    path = folder / f"picker-{size}.sqlite"
    db = open_database(path).db
    load_town(db, generate_town(size, seed=1), "bench")
    raw = sqlite3.connect(path)
    bare = _bare_model_class()()
    bare_sql = ("SELECT s.id, s.staff_no, s.family_name || ' ' || s.given_name, s.family_reading, u.name, '', "
                "s.status FROM staff s LEFT JOIN staff_assignments a ON a.staff_id = s.id AND a.valid_to IS NULL "
                "LEFT JOIN org_units u ON u.id = a.unit_id WHERE s.status != 'retired'")
    project_id = projects.create_project(db, projects.ProjectInput("bench", 2025), ADMIN_USER)

    def ours_open() -> None:
        AddMemberDialog(db, project_id, ADMIN_USER).deleteLater()

    def bare_open() -> None:
        bare.set_rows(raw.execute(bare_sql).fetchall())

    figures = [figure("member_picker_open", size, best(ours_open, repeat), best(bare_open, repeat),
                      "directory + section choices + model vs raw fetchall + bare model reset")]
    dialog = AddMemberDialog(db, project_id, ADMIN_USER)
    dialog.section.setCurrentIndex(1)  # the first section, as an officer ticks a whole 課
    section_ids = dialog.model.shown_ids()
    dialog.section.setCurrentIndex(0)

    def ours_tick() -> None:
        dialog.model.set_ticked(dialog.model.shown_ids(), True)  # 表示中の全員をチェック over everyone
        dialog.model.set_ticked(list(dialog.model.ticked), False)

    def bare_tick() -> None:
        ticked = {row[0] for row in bare.rows}
        ticked.clear()

    figures.append(figure("member_picker_tick_all", size, best(ours_tick, repeat), best(bare_tick, repeat),
                          "tick and clear everyone shown (model signals) vs a bare set of ids"))
    projects_made = iter(range(repeat * 2 + 2))

    def ours_add() -> None:
        target = projects.create_project(db, projects.ProjectInput(f"bench {next(projects_made)}", 2025), ADMIN_USER)
        projects.add_members(db, target, section_ids, "member", ADMIN_USER)

    def bare_add() -> None:
        with raw:
            target = raw.execute("INSERT INTO projects (name, fiscal_year) VALUES (?, 2025)",
                                 [f"bare {next(projects_made)}"]).lastrowid
            raw.executemany("INSERT INTO project_members (project_id, staff_id, role) VALUES (?, ?, 'member')",
                            [(target, i) for i in section_ids])

    figures.append(figure("members_add_section", len(section_ids), best(ours_add, repeat), best(bare_add, repeat),
                          "a section's staff added in one checked, audited transaction vs a bare executemany"))
    dialog.deleteLater()
    raw.close()
    db.close()
    return figures


# -- staff import --------------------------------------------------------------------------------
def _hr_csv(path: Path, size: int) -> Path:
    """A personnel-system export: CP932, one 氏名 column, カナ, one 所属 string, 和暦 and ISO dates."""
    from app.staff.directory import unit_names

    town = generate_town(size, seed=1)
    scratch = path.with_suffix(".town.sqlite")
    result = open_database(scratch)
    load_town(result.db, town, "bench")
    names = unit_names(result.db)
    result.db.close()
    positions = {p[0]: p[1] for p in town.positions}
    seat = {a[0]: a for a in town.assignments if a[4] is None}
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["職員番号", "氏名", "カナ氏名", "所属", "職名", "採用年月日"])
    for sid, no, fam, giv, fam_r, giv_r, hire, status, _retired in town.staff:
        if status == "retired":
            continue
        kana = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in f"{fam_r}\u3000{giv_r}")
        writer.writerow([no, f"{fam.replace('𠮷', '吉')}\u3000{giv}", kana, "".join(names[seat[sid][1]]),
                         positions[seat[sid][2]], hire if sid % 2 else wareki.format_wareki(date.fromisoformat(hire))])
    path.write_bytes(buffer.getvalue().encode("cp932"))
    return path


def bench_import(folder: Path, size: int, repeat: int) -> list[Figure]:
    from app.staff import importer

    source = _hr_csv(folder / f"hr-{size}.csv", size)
    counter = iter(range(10**6))

    def ours() -> None:
        result = open_database(folder / f"imp-{size}-{next(counter)}.sqlite")
        preview, _table, _mapping = importer.preview_file(result.db, source)
        assert not preview.errors, preview.errors[:3]
        importer.commit(result.db, preview, admin_as("bench"))
        result.db.close()

    def bare() -> None:
        result = open_database(folder / f"raw-{size}-{next(counter)}.sqlite")
        result.db.close()
        conn = sqlite3.connect(folder / f"raw-{size}-{next(counter) - 1}.sqlite", isolation_level=None)
        rows = list(csv.reader(io.StringIO(source.read_bytes().decode("cp932"), newline="")))[1:]
        # The same rows written the same way (a staff row and an assignment each), with no
        # recognition, normalisation, validation or diff: what the bare libraries cost.
        conn.execute("BEGIN")
        conn.execute("INSERT INTO org_units (id, kind, name, valid_from) VALUES (1, 'department', 'x', '2026-04-01')")
        conn.executemany("INSERT INTO staff (id, staff_no, family_name, given_name, family_reading, given_reading, "
                         "hire_date) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [(i, r[0], *r[1].split("\u3000", 1), *r[2].split("\u3000", 1), r[5])
                          for i, r in enumerate(rows, start=1)])
        conn.executemany("INSERT INTO staff_assignments (staff_id, unit_id, valid_from) VALUES (?, 1, '2026-04-01')",
                         [(i,) for i in range(1, len(rows) + 1)])
        conn.execute("COMMIT")
        conn.close()

    ours_t, bare_t = best(ours, repeat), best(bare, repeat)
    return [figure("import_staff_csv", size, ours_t, bare_t,
                   f"CP932 CSV: recognise, normalise, validate, diff, commit vs raw csv + the same executemany "
                   f"(speed = {bare_t / ours_t:.2f}× raw)")]


# -- GUI cold start -------------------------------------------------------------------------------
def bench_cold_start(folder: Path, size: int, repeat: int) -> list[Figure]:
    path = folder / f"cold-{size}.sqlite"
    result = open_database(path)
    load_town(result.db, generate_town(size, seed=1), "bench")
    result.db.close()

    # A fresh settings folder: the window opens on the staff list, whatever page a developer left open.
    env = {**os.environ, "XDG_CONFIG_HOME": str(folder / "cold-config")}

    def run(script: str, *args: str) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([sys.executable, str(HERE / script), *args], check=True, capture_output=True, env=env)
            times.append(time.perf_counter() - start)
        return min(times)

    bare = run("cold_start_bare.py")
    painted, listed = run("cold_start_app.py", str(path)), run("cold_start_app.py", str(path), "--list")
    return [figure("gui_cold_start", size, painted, bare, "process start to first painted main window vs a bare "
                   "PySide6 window with a table (budget 2×)"),
            figure("gui_cold_start_list_ready", size, listed, bare, "process start to the staff list filled "
                   "(read on a worker after the first paint) vs the same bare window")]


# -- evaluation summary ---------------------------------------------------------------------------
def bench_evaluation_summary(folder: Path, size: int, repeat: int) -> list[Figure]:
    from bench.evaluation import build_rated_town, summary_runs

    path = folder / f"rated-{size}.sqlite"
    ratings = build_rated_town(path, size)
    ours, bare = summary_runs(path)
    return [figure("evaluation_summary", size, best(ours, repeat), best(bare, repeat),
                   f"summary of every member and perspective over {ratings:,} ratings vs one hand-written "
                   "SQL query of the same aggregates")]


def bench_eligibility(folder: Path, size: int, repeat: int) -> list[Figure]:
    from bench.evaluation import add_sessions_and_scheme, build_rated_town, eligibility_runs

    path = folder / f"eligible-{size}.sqlite"
    ratings = build_rated_town(path, size)
    memberships = add_sessions_and_scheme(path)
    ours, bare = eligibility_runs(path)
    return [figure("eligibility", size, best(ours, repeat), best(bare, repeat),
                   f"every person's next level with reasons ({ratings:,} ratings, {memberships:,} memberships) vs one "
                   "hand-written SQL query of the same aggregates")]


def bench_eligibility_training(folder: Path, size: int, repeat: int) -> list[Figure]:
    from bench.eligibility_training import build, runs

    path = folder / f"eligible-training-{size}.sqlite"
    counts = build(path, size)
    ours, bare = runs(path)
    return [figure("eligibility_training", size, best(ours, repeat), best(bare, repeat),
                   f"Hokkaido's preset for everyone: training hours and named training in a period, qualifications "
                   f"held on the day, manager's position, years in a level ({counts['attendance']:,} attendances, "
                   f"{counts['qualifications']:,} qualifications, {counts['certifications']:,} earlier levels) vs one "
                   "hand-written SQL query of the same aggregates")]


# -- evaluation sheets: Excel out and back -----------------------------------------------------------
def _sheets_register(path: Path, evaluators: int) -> int:
    """A town with one project: 12 members, each evaluator rates 6 of them on leadership (12 rows a sheet)."""
    from app.evaluation import ratings as evaluations
    from app.evaluation import projects
    from app.evaluation import rubrics
    from app.db import transaction

    result = open_database(path)
    db = result.db
    load_town(db, generate_town(max(300, evaluators + 100), seed=1), "bench")
    staff_ids = [r[0] for r in db.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id")]
    rng = random.Random(1)
    with transaction(db):
        template_id = rubrics.ensure_preset(db, admin_as("bench"))
        project_id = projects.create_project(db, projects.ProjectInput(
            name="窓口申請のオンライン化", fiscal_year=2025, template_id=template_id), admin_as("bench"))
        members = staff_ids[:12]
        for staff_id in members:
            projects.add_member(db, project_id, staff_id, "member", admin_as("bench"))
        leadership = rubrics.load_template(db, template_id).perspectives[1]
        for evaluator in staff_ids[12:12 + evaluators]:
            for target in rng.sample(members, 6):
                evaluations.add_assignment(db, project_id, target, leadership.id,
                                           evaluations.Evaluator(staff_id=evaluator), "staff", admin_as("bench"))
    db.close()
    return project_id


def _fill_sheet(path: Path, rng: random.Random) -> None:
    """What an evaluator does: open the workbook, type a score and a comment in every open row, save."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    for row in workbook.worksheets[0].iter_rows(min_row=9, max_col=5):
        if row[3].protection.locked is False:
            row[3].value = rng.randint(1, 5)
            row[4].value = "資料の作り方が分かりやすかった"
    workbook.save(path)


def _bare_write(path: Path, title: str, rows: list[tuple], guide: list[tuple]) -> None:
    """The same cells, styles, list validation and protection with openpyxl alone: no plan, no signature."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "評価"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    input_fill = PatternFill("solid", fgColor="FFFDE7")
    unlocked, wrap, top = Protection(locked=False), Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    for number, text in enumerate((title, "プロジェクト", "評価者", "作成日", "記入方法", "提出", "返送"), start=1):
        sheet.cell(number, 1, text)
    for column, label in enumerate(("被評価者", "観点", "評価項目", "評点", "コメント", "キー"), start=1):
        cell = sheet.cell(8, column, label)
        cell.font, cell.fill = bold, fill
    for number, (target, perspective, criterion, key) in enumerate(rows, start=9):
        sheet.cell(number, 1, target).alignment = top
        sheet.cell(number, 2, perspective).alignment = top
        sheet.cell(number, 3, criterion).alignment = wrap
        score, comment = sheet.cell(number, 4), sheet.cell(number, 5)
        score.protection = comment.protection = unlocked
        score.fill = comment.fill = input_fill
        comment.number_format, comment.alignment = "@", wrap
        sheet.cell(number, 6, key)
    validation = DataValidation(type="list", formula1='"1,2,3,4,5"', allow_blank=True, showErrorMessage=True,
                                error="1から5の整数", prompt="1から5")
    validation.add(f"D9:D{8 + len(rows)}")
    sheet.add_data_validation(validation)
    sheet.column_dimensions["F"].hidden = True
    sheet.protection.sheet = True
    guide_sheet = workbook.create_sheet("評点の目安")
    for number, (perspective, criterion, description, score, text) in enumerate(guide, start=5):
        if score == 1:
            guide_sheet.cell(number, 1, perspective).alignment = top
            guide_sheet.cell(number, 2, criterion).alignment = wrap
            guide_sheet.cell(number, 3, description).alignment = wrap
        guide_sheet.cell(number, 4, score).alignment = top
        guide_sheet.cell(number, 5, text).alignment = wrap
    guide_sheet.protection.sheet = True
    meta = workbook.create_sheet("_meta")
    for number, key in enumerate(rows, start=9):
        assignment_id, criterion_id = key[3].split(":")
        for column, value in enumerate((number, int(assignment_id), int(criterion_id), 0), start=1):
            meta.cell(number, column, value)
    meta.sheet_state = "hidden"
    workbook.save(path)


def _bare_read(path: Path) -> list[tuple]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    values = [tuple(c.value for c in row) for row in workbook.worksheets[0].iter_rows(min_row=9, max_col=6)]
    values += list(workbook["_meta"].iter_rows(values_only=True))
    workbook.close()
    return values


def bench_sheets(folder: Path, size: int, repeat: int) -> list[Figure]:
    """``size`` evaluator workbooks written, filled in (not timed) and read back; ours and bare alternate."""
    from app.evaluation import sheets as evaluation_sheets
    from app.register.accounts import Role, User

    template = folder / f"sheets-{size}.sqlite"
    project_id = _sheets_register(template, size)
    officer = User(0, "bench", "bench", Role.ADMIN)
    # The bare library gets the same cell texts, prepared beforehand.
    db = connect(template)
    sheets: dict[int, list[tuple]] = {}
    for evaluator, target, perspective, criterion, key in db.execute("""
            SELECT a.evaluator_staff_id, t.family_name || ' ' || t.given_name, p.name, c.name, a.id || ':' || c.id
            FROM evaluation_assignments a JOIN staff t ON t.id = a.target_staff_id
            JOIN template_perspectives p ON p.id = a.perspective_id JOIN template_criteria c ON c.perspective_id = p.id
            WHERE a.project_id = ? AND c.rater_kinds LIKE '%"staff"%'
            ORDER BY a.evaluator_staff_id, a.id, c.sort_order""",
                                                                      [project_id]):
        sheets.setdefault(evaluator, []).append((target, perspective, criterion, key))
    guide = list(db.execute("""
            SELECT p.name, c.name, c.description, d.score, d.text FROM criterion_descriptors d
            JOIN template_criteria c ON c.id = d.criterion_id JOIN template_perspectives p ON p.id = c.perspective_id
            WHERE p.code = 'leadership' AND c.rater_kinds LIKE '%"staff"%' ORDER BY c.sort_order, d.score"""))
    db.close()
    counter = iter(range(10**6))

    def ours() -> tuple[float, float]:
        run = folder / f"sheets-run-{next(counter)}"
        run.mkdir()
        src, dest = connect(template), sqlite3.connect(run / "register.sqlite")
        src.conn.backup(dest)
        dest.close()
        src.close()
        db = connect(run / "register.sqlite")
        start = time.perf_counter()
        files = evaluation_sheets.export_sheets(db, officer, project_id, run)
        out = time.perf_counter() - start
        assert len(files) == size
        rng = random.Random(1)
        for path in files:
            _fill_sheet(path, rng)
        start = time.perf_counter()
        for path in files:
            preview = evaluation_sheets.preview_import(db, officer, path)
            assert preview.ok and preview.count("submit"), preview.errors[:3]
            evaluation_sheets.commit_import(db, officer, preview)
        back = time.perf_counter() - start
        db.close()
        return out, back

    def bare() -> tuple[float, float]:
        run = folder / f"sheets-bare-{next(counter)}"
        run.mkdir()
        paths = [run / f"{evaluator}.xlsx" for evaluator in sheets]
        start = time.perf_counter()
        for path, rows in zip(paths, sheets.values()):
            _bare_write(path, "BPRプロジェクト評価シート", rows, guide)
        out = time.perf_counter() - start
        rng = random.Random(1)
        for path in paths:
            _fill_sheet(path, rng)
        start = time.perf_counter()
        for path in paths:
            _bare_read(path)
        return out, time.perf_counter() - start

    runs = [(ours(), bare()) for _ in range(repeat)]  # alternating, so both see the same machine load
    o_out, o_in = min(r[0][0] for r in runs), min(r[0][1] for r in runs)
    b_out, b_in = min(r[1][0] for r in runs), min(r[1][1] for r in runs)
    return [
        figure("sheets_export", size, o_out, b_out, "evaluator workbooks: plan, write, sign vs openpyxl writing "
               "the same cells, validation and protection"),
        figure("sheets_import", size, o_in, b_in, "filled workbooks: read, check signature and rows, save answers "
               "vs openpyxl reading the same cells"),
        figure("sheets_round_trip", size, o_out + o_in, b_out + b_in,
               f"out and back: {(o_out + o_in) * 100 / size:.2f} s per 100 workbooks "
               f"(bare {(b_out + b_in) * 100 / size:.2f} s)"),
    ]

def bench_certificates(folder: Path, size: int, repeat: int) -> list[Figure]:
    from bench.certificates import runs

    count = min(size, 1000) if size else 1000
    ours, bare, bare_page, first = runs(count)
    ours_t = best(ours, repeat)
    return [figure("certificates_pdf", count, ours_t, best(bare, repeat),
                   f"{count:,} one-page certificates (name check, per-glyph fallback, QR code, border) vs bare reportlab "
                   "drawing the same text in IPAex明朝"),
            figure("certificates_pdf_same_page", count, ours_t, best(bare_page, repeat),
                   "the same, vs bare reportlab drawing the same text, border and QR code (its own QR widget)"),
            figure("certificate_first_warm", 1, best(first, repeat), best(bare, repeat) / count,
                   "one certificate in a warm process (budget 0.5 s) vs a thousandth of the bare batch")]


def bench_backup(folder: Path, size: int, repeat: int) -> list[Figure]:
    from bench.backup import backup_runs

    ours, bare, ratings = backup_runs(folder, size)
    return [figure("backup", size, best(ours, repeat), best(bare, repeat),
                   f"{size:,} staff, {ratings:,} ratings: audit entry + copy + integrity and register check "
                   "(budget 2 s at 50,000) vs sqlite3's backup API alone")]


def bench_login(folder: Path, size: int, repeat: int) -> list[Figure]:
    from bench.login import runs

    ours, refused, bare = runs(folder)
    ours_t = best(ours, repeat)
    return [figure("login", 1, ours_t, best(bare, repeat),
                   f"throttle check + argon2id verify + audit entry (budget 0.5 s: {ours_t:.3f} s) vs bare argon2 "
                   "verify"),
            figure("login_refused", 1, best(refused, repeat), best(bare, repeat),
                   "an unknown name: same argon2 cost, failure counted and audited, vs bare argon2 verify")]


def bench_tamper(folder: Path, size: int, repeat: int) -> list[Figure]:
    """Issue 13 budget: chain + MAC verification of 500,000 rows ≤ 3 s (ten rows per staff: the 50,000 town)."""
    from bench.tamper import build_sealed_register, runs

    rows = size * 10
    path = folder / f"sealed-{rows}.sqlite"
    total = build_sealed_register(path, audit=rows * 3 // 5, ratings=rows - rows * 3 // 5)
    ours, bare, close = runs(path)
    try:
        return [figure("tamper_verify", rows, best(ours, repeat), best(bare, repeat),
                       f"audit chain + seals of {total:,} rows (60 % audit entries, 40 % ratings) vs one bare "
                       "hashlib SHA-256 per row of the same rows")]
    finally:
        close()


# -- skill heat map (issue 15; figures and baselines explained in bench/skill_map.py) -----------------------
def bench_skill_map(folder: Path, size: int, repeat: int) -> list[Figure]:
    from bench.skill_map import run

    return [figure(name, size, ours, bare, note) for name, ours, bare, note in run(folder, size, repeat)]


BENCHES: dict[str, tuple[Callable[[Path, int, int], list[Figure]], bool]] = {
    # name: (function, runs per size)
    "open_migrate": (bench_open_migrate, False),
    "bulk_insert": (bench_bulk_insert, True),
    "staff_list": (bench_staff_list, True),
    "member_picker": (bench_member_picker, True),
    "import_staff": (bench_import, True),
    "gui_cold_start": (bench_cold_start, False),
    "evaluation_summary": (bench_evaluation_summary, True),
    "eligibility": (bench_eligibility, True),
    "eligibility_training": (bench_eligibility_training, True),
    "sheets": (bench_sheets, False),
    "certificates": (bench_certificates, False),
    "backup": (bench_backup, True),
    "login": (bench_login, False),
    "tamper": (bench_tamper, True),
    "skill_map": (bench_skill_map, True),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", type=int, action="append", help="town size(s); default 600, 7000, 50000")
    parser.add_argument("--only", action="append", choices=sorted(BENCHES), help="run only these benchmarks")
    parser.add_argument("--json", action="store_true", help="one JSON object per figure")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workbooks", type=int, default=200, help="evaluator workbooks for the sheets benchmark")
    args = parser.parse_args(argv)
    sizes = args.size or list(DEFAULT_SIZES)
    with tempfile.TemporaryDirectory(prefix="dx-bench-") as tmp:
        folder = Path(tmp)
        for name in args.only or list(BENCHES):
            fn, per_size = BENCHES[name]
            fixed = {"gui_cold_start": 7_000, "sheets": args.workbooks}.get(name, 0)
            for size in (sizes if per_size else [fixed]):
                for fig in fn(folder, size, args.repeat):
                    if args.json:
                        print(json.dumps(asdict(fig), ensure_ascii=False), flush=True)
                    else:
                        print(f"{fig.name:<38} {fig.size:>6}  {fig.value:>10.2f} {fig.unit}  bare {fig.baseline:>10.2f} "
                              f"{fig.unit}  ratio {fig.ratio:>5.2f}  {fig.note}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
