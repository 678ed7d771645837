"""make bench: print figures and ratios against the bare library doing the same work.

    python -m bench [--size N ...] [--only NAME ...] [--json] [--repeat R]

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

from app import staff, wareki  # noqa: E402
from app.db import connect, migrations, open_database  # noqa: E402
from app.demo import Town, generate_town, load_town  # noqa: E402
from app.staff import Column  # noqa: E402

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

    from ui.staff_model import StaffTableModel

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
        model.set_rows(staff.load_directory(db))

    def bare_load() -> None:
        bare.set_rows(raw.execute(bare_sql).fetchall())

    figures = [figure("staff_list_load", size, best(ours_load, repeat), best(bare_load, repeat),
                      "query + 五十音 keys + model reset vs raw fetchall + bare model reset")]
    rows = staff.load_directory(db)
    bare_rows = raw.execute(bare_sql).fetchall()
    # Sorting starts from another order (as after sorting by a different column), not the 五十音 one.
    shuffled, bare_shuffled = rows[:], bare_rows[:]
    random.Random(1).shuffle(shuffled)
    random.Random(1).shuffle(bare_shuffled)

    def ours_filter() -> None:
        for query in ("た", "たか", "たかは", "たかはし"):  # keystrokes, narrowing as the page does
            model.set_rows(staff.filter_rows(rows, query))

    def bare_filter() -> None:
        for query in ("た", "たか", "たかは", "たかはし"):
            bare.set_rows([r for r in bare_rows if query in r[2]])

    figures.append(figure("staff_filter_keystroke", size, best(ours_filter, repeat) / 4, best(bare_filter, repeat) / 4,
                          "one keystroke from the full list: fold-aware filter + reset vs plain substring + reset"))

    def ours_sort() -> None:
        model.set_rows(staff.sort_rows(shuffled, Column.READING))

    def bare_sort() -> None:
        bare.set_rows(sorted(bare_shuffled, key=lambda r: r[2]))

    figures.append(figure("staff_sort_reading", size, best(ours_sort, repeat), best(bare_sort, repeat),
                          "五十音 sort + reset vs code-point sort + reset"))
    raw.close()
    db.close()
    return figures


# -- staff import --------------------------------------------------------------------------------
def _hr_csv(path: Path, size: int) -> Path:
    """A personnel-system export: CP932, one 氏名 column, カナ, one 所属 string, 和暦 and ISO dates."""
    from app.staff import unit_names

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
    from app import staff_import

    source = _hr_csv(folder / f"hr-{size}.csv", size)
    counter = iter(range(10**6))

    def ours() -> None:
        result = open_database(folder / f"imp-{size}-{next(counter)}.sqlite")
        preview, _table, _mapping = staff_import.preview_file(result.db, source)
        assert not preview.errors, preview.errors[:3]
        staff_import.commit(result.db, preview, "bench")
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

    def run(script: str, *args: str) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([sys.executable, str(HERE / script), *args], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return min(times)

    ours, bare = run("cold_start_app.py", str(path)), run("cold_start_bare.py")
    return [figure("gui_cold_start", size, ours, bare, "process start to first painted main window vs a bare "
                   "PySide6 window with a table")]


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


BENCHES: dict[str, tuple[Callable[[Path, int, int], list[Figure]], bool]] = {
    # name: (function, runs per size)
    "open_migrate": (bench_open_migrate, False),
    "bulk_insert": (bench_bulk_insert, True),
    "staff_list": (bench_staff_list, True),
    "import_staff": (bench_import, True),
    "gui_cold_start": (bench_cold_start, False),
    "evaluation_summary": (bench_evaluation_summary, True),
    "eligibility": (bench_eligibility, True),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", type=int, action="append", help="town size(s); default 600, 7000, 50000")
    parser.add_argument("--only", action="append", choices=sorted(BENCHES), help="run only these benchmarks")
    parser.add_argument("--json", action="store_true", help="one JSON object per figure")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = args.size or list(DEFAULT_SIZES)
    with tempfile.TemporaryDirectory(prefix="dx-bench-") as tmp:
        folder = Path(tmp)
        for name in args.only or list(BENCHES):
            fn, per_size = BENCHES[name]
            for size in (sizes if per_size else [7_000 if name == "gui_cold_start" else 0]):
                for fig in fn(folder, size, args.repeat):
                    if args.json:
                        print(json.dumps(asdict(fig), ensure_ascii=False), flush=True)
                    else:
                        print(f"{fig.name:<38} {fig.size:>6}  {fig.value:>10.2f} {fig.unit}  bare {fig.baseline:>10.2f} "
                              f"{fig.unit}  ratio {fig.ratio:>5.2f}  {fig.note}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
