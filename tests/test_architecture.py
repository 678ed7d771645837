"""The house plan, held by a test: what may import what, where SQL may stand, what the installer lists.

The rules (checked by ``tests/architecture.py`` over the source text, function-local imports included):

1. ``app/`` never imports Qt (PySide6, shiboken6) or PDFium: the CLI bundle carries neither.
2. ``ui/`` reaches the store (``app.db``) only in ``ui/main.py`` (start-up opens the file),
   ``ui/background.py`` (a connection per worker thread) and ``ui/lock_wait.py`` (it registers itself
   as the store's lock-wait listener); screens call services.
3. ``app/cli/`` and ``ui/`` run no SQL (``ui/background.py``, the worker helper, may ask the store
   for the file behind a connection): no ``.execute(``/``.query(``/``.table(`` calls, no ``db[...]`` tables, no
   SELECT/INSERT/UPDATE/DELETE/PRAGMA in strings. Lookups of what an officer types live in the core
   (``app/staff/lookup.py``).
4. No import loops between modules of ``app/`` and ``ui/``, counting imports inside functions
   (a late import hides a loop; it does not remove it).
5. No upward imports. ``app/`` layers, low to high: the kernel (the modules at the top of ``app/``
   and ``app/migrations``) < register < staff < evaluation < certification < demo < overview < cli;
   a module imports its own layer and those below, and never ``ui/``. In ``ui/``: any module may
   import any of ``app/``; ``ui/widgets`` imports no other part of ``ui/``; the feature packages
   (staff, evaluation, certification, register, overview) import ``ui/widgets``, the shell's services
   (``background``, ``gui_gc``, ``fonts``, ``qt_language``, ``idle_lock``, ``lock_wait``) and each
   other only along the links listed in ``architecture.UI_FEATURE_LINKS`` (every list opens the
   person card; the person card and the set-up guide open other features' dialogs; the settings
   page opens the positions dialog and the template editor; the member picker uses the staff
   table's model). The shell at the top of ``ui/`` builds the window from all of them.
6. ``pyproject.toml`` lists exactly the packages in the tree (a package missing there is missing
   from the installed program).
7. The README's module map has one line per package of ``app/`` and ``ui/``, and no other.

Each check is also run on a small synthetic tree with one planted violation, so that a check that
quietly finds nothing fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests import architecture

ROOT = Path(__file__).resolve().parent.parent


# -- the real tree ---------------------------------------------------------------------------------

def test_app_never_imports_qt():
    assert architecture.qt_in_app(ROOT) == []


def test_ui_reaches_the_store_only_at_start_up_and_in_the_worker_helper():
    assert architecture.store_in_ui(ROOT) == []


def test_the_cli_runs_no_sql():
    assert architecture.sql_in(ROOT, "app/cli") == []


def test_the_screens_run_no_sql():
    assert architecture.sql_in(ROOT, "ui") == []  # the worker helper asks the store (app.db.WorkerStore)


def test_no_import_loops():
    assert architecture.import_loops(ROOT) == []


def test_no_upward_imports():
    assert architecture.upward_imports(ROOT) == []


def test_pyproject_lists_every_package_of_the_tree():
    assert architecture.packaging_mismatch(ROOT) == []


def test_readme_module_map_has_a_line_per_package():
    assert architecture.module_map_mismatch(ROOT) == []


# -- a synthetic tree with planted violations ---------------------------------------------------------

CLEAN = {
    "app/__init__.py": "",
    "app/errors.py": "class UserError(Exception):\n    pass\n",
    "app/db.py": "from app.errors import UserError\n",
    "app/migrations/__init__.py": "",
    "app/register/__init__.py": "",
    "app/register/accounts.py": "from app import db\n",
    "app/staff/__init__.py": "",
    "app/staff/directory.py": "from app.register import accounts\n\n\ndef people(db):\n"
                              "    return db.execute('SELECT id FROM staff')\n",
    "app/cli/__init__.py": "",
    "app/cli/main.py": "from app.staff import directory\n\n\ndef run(db):\n    return directory.people(db)\n",
    "ui/__init__.py": "",
    "ui/main.py": "from PySide6.QtWidgets import QApplication\nfrom app.db import UserError\n",
    "ui/widgets/__init__.py": "",
    "ui/widgets/parts.py": "from PySide6.QtWidgets import QLabel\n",
    "ui/staff/__init__.py": "",
    "ui/staff/page.py": "from ui.widgets.parts import QLabel\nfrom app.staff import directory\n",
    "ui/evaluation/__init__.py": "",
    "ui/evaluation/page.py": "from ui.widgets import parts\n",
}
PACKAGES = ["app", "app.migrations", "app.register", "app.staff", "app.cli", "ui", "ui.widgets", "ui.staff",
            "ui.evaluation"]


def _tree(root: Path, files: dict[str, str], packages: list[str] = PACKAGES) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    listed = ", ".join(f'"{p}"' for p in packages)
    (root / "pyproject.toml").write_text(f"[tool.setuptools]\npackages = [{listed}]\n", encoding="utf-8")
    (root / "README.md").write_text("# x\n\n" + "".join(f"- `{p.replace('.', '/')}/` — a package\n" for p in packages),
                                    encoding="utf-8")
    return root


def _all_checks(root: Path) -> list[str]:
    return [*architecture.qt_in_app(root), *architecture.store_in_ui(root), *architecture.sql_in(root, "app/cli"),
            *architecture.import_loops(root), *architecture.upward_imports(root),
            *architecture.packaging_mismatch(root), *architecture.module_map_mismatch(root)]


def test_the_clean_synthetic_tree_passes(tmp_path):
    assert _all_checks(_tree(tmp_path, CLEAN)) == []


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("app/staff/directory.py", "from PySide6.QtCore import QObject\n", "app.staff.directory:1 imports PySide6.QtCore"),
    ("app/register/accounts.py", "def f():\n    import shiboken6\n", "app.register.accounts:2 imports shiboken6"),
])
def test_a_qt_import_in_app_is_reported(tmp_path, name, text, expected):
    root = _tree(tmp_path, {**CLEAN, name: text})
    assert architecture.qt_in_app(root) == [expected]


def test_a_screen_importing_the_store_is_reported(tmp_path):
    root = _tree(tmp_path, {**CLEAN, "ui/staff/page.py": "def f():\n    from app import db\n"})
    assert architecture.store_in_ui(root) == ["ui.staff.page:2 imports app.db"]


@pytest.mark.parametrize(("text", "expected"), [
    ("def f(db):\n    return db.execute('SELECT 1').fetchone()\n", ["calls .execute()", "has SQL in a string"]),
    ("def f(db):\n    return list(db.query(sql))\n", ["calls .query()"]),
    ("def f(db):\n    return db['staff'].count\n", ["reads a table as db[...]"]),
    ("SQL = 'DELETE FROM staff WHERE id = ?'\n", ["has SQL in a string"]),
    ("SQL = 'PRAGMA database_list'\n", ["has SQL in a string"]),
])
def test_sql_in_the_cli_is_reported(tmp_path, text, expected):
    root = _tree(tmp_path, {**CLEAN, "app/cli/lookups.py": text})
    found = architecture.sql_in(root, "app/cli")
    assert sorted(f.split(" ", 1)[1] for f in found) == sorted(expected)
    assert all(f.startswith("app.cli.lookups:") for f in found)


def test_help_text_in_the_cli_is_not_sql(tmp_path):
    root = _tree(tmp_path, {**CLEAN, "app/cli/words.py": "HELP = 'select the staff to update, delete old rows'\n"})
    assert architecture.sql_in(root, "app/cli") == []


def test_a_loop_through_a_function_local_import_is_reported(tmp_path):
    root = _tree(tmp_path, {**CLEAN, "app/db.py": "def f():\n    from app.errors import UserError\n",
                            "app/errors.py": "from app import db\n"})
    loops = architecture.import_loops(root)
    assert len(loops) == 1 and "app.db:2 (local)" in loops[0] and "app.errors:1" in loops[0], loops


def test_a_loop_in_the_ui_is_reported(tmp_path):
    root = _tree(tmp_path, {**CLEAN, "ui/widgets/parts.py": "from ui.widgets import more\n",
                            "ui/widgets/more.py": "from ui.widgets.parts import x\n"})
    assert len(architecture.import_loops(root)) == 1


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("app/register/accounts.py", "def f():\n    from app.staff import directory\n",
     "app.register.accounts:2 imports app.staff.directory: staff is above register"),
    ("app/db.py", "from app.register import accounts\n",
     "app.db:1 imports app.register.accounts: register is above kernel"),
    ("app/staff/directory.py", "from app.cli.main import run\n",
     "app.staff.directory:1 imports app.cli.main: cli is above staff"),
    ("app/errors.py", "import ui.main\n", "app.errors:1 imports ui.main: the core imports the GUI"),
    ("ui/widgets/parts.py", "from ui.staff import page\n",
     "ui.widgets.parts:1 imports ui.staff.page: ui/widgets is shared and imports no other part of ui/"),
    ("ui/staff/page.py", "from ui.evaluation.page import parts\n",
     "ui.staff.page:1 imports ui.evaluation.page: ui feature packages do not import each other"),
    ("ui/staff/page.py", "from ui import main\n", "ui.staff.page:1 imports ui.main: a feature package imports the shell"),
])
def test_an_upward_import_is_reported(tmp_path, name, text, expected):
    root = _tree(tmp_path, {**CLEAN, name: text})
    assert architecture.upward_imports(root) == [expected]


def test_a_relative_import_counts_like_an_absolute_one(tmp_path):
    root = _tree(tmp_path, {**CLEAN, "app/register/accounts.py": "from ..staff import directory\n"})
    assert architecture.upward_imports(root) == [
        "app.register.accounts:1 imports app.staff.directory: staff is above register"]


def test_imports_only_for_type_checking_are_left_out(tmp_path):
    text = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.staff.directory import people\n"
    root = _tree(tmp_path, {**CLEAN, "app/register/accounts.py": text})
    assert architecture.upward_imports(root) == []


def test_a_package_missing_from_pyproject_is_reported(tmp_path):
    root = _tree(tmp_path, {**CLEAN, "app/reports/__init__.py": ""}, PACKAGES)
    assert "app.reports: in the tree, not in pyproject.toml" in architecture.packaging_mismatch(root)


def test_a_package_missing_from_the_readme_map_is_reported(tmp_path):
    root = _tree(tmp_path, {**CLEAN, "app/reports/__init__.py": ""}, [*PACKAGES, "app.reports"])
    readme = root / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("- `app/reports/` — a package\n", ""),
                      encoding="utf-8")
    assert architecture.module_map_mismatch(root) == ["app.reports: a package without a line in the README module map"]
    assert architecture.packaging_mismatch(root) == []


def long_functions(root: Path, packages: tuple[str, ...] = ("app", "ui"), limit: int = 80) -> list[str]:
    """Functions longer than ``limit`` lines: a long function hides several steps that deserve names."""
    found = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    length = node.end_lineno - node.lineno + 1
                    if length > limit:
                        found.append(f"{path.relative_to(root).as_posix()}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_over_80_lines():
    assert long_functions(ROOT) == []


def test_a_long_function_is_found(tmp_path):
    (tmp_path / "app").mkdir()
    body = "".join(f"    x{n} = {n}\n" for n in range(80))
    (tmp_path / "app" / "long.py").write_text(f"def short():\n    return 1\n\n\ndef long():\n{body}")
    assert long_functions(tmp_path) == ["app/long.py:5 long (81 lines)"]
