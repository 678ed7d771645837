"""The start-up self-check (`dx-jinzai-cli self-check`, `dx-jinzai --self-check`) on the source tree.

The frozen builds run it too (installer/smoke_test.py, installer/windows_smoke.py); here it must pass
on the source tree, name a missing resource in a clear line, and import every lazily loaded module.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.overview import self_check
from app.paths import resources_dir

ROOT = Path(__file__).resolve().parent.parent
CORE_KEYS = ["fonts", "translations", "migrations", "modules", "reportlab", "openpyxl"]


def _imported_modules(node: ast.Import | ast.ImportFrom) -> set[str]:
    """`import a.b` → a.b; `from a import b` → a.b when b is a module, else a."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    found = set()
    for alias in node.names:
        candidate = f"{node.module}.{alias.name}"
        try:
            is_module = importlib.util.find_spec(candidate) is not None
        except (ImportError, ValueError):
            is_module = False
        found.add(candidate if is_module else str(node.module))
    return found


def _lazy_imports(package: str, also_top_level: set[str] = frozenset()) -> tuple[set[str], dict[str, tuple]]:
    """(modules imported at module level, {module: what it imports only inside functions}) of a package.

    A module that some module imports at module level is loaded at start-up and left out, as are
    the self-check's own function-local imports (running it imports them).
    """
    top, local = set(), {}
    for path in sorted((ROOT / package).rglob("*.py")):
        if path.name == "self_check.py":
            continue
        importer = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and not getattr(node, "level", 0):
                if id(node) in module_level:
                    top |= _imported_modules(node)
                else:
                    local.setdefault(importer, set()).update(_imported_modules(node))
    lazy = {importer: tuple(sorted(names - top - also_top_level)) for importer, names in local.items()}
    return top, {importer: names for importer, names in lazy.items() if names}


def test_lazy_import_tables_are_the_function_local_imports_of_app_and_ui():
    """A new function-local import (a library the first export loads) must join the self-check's table."""
    from ui import self_check as gui_self_check

    app_top, app_lazy = _lazy_imports("app")
    _ui_top, ui_lazy = _lazy_imports("ui", app_top)
    assert {k: tuple(sorted(v)) for k, v in self_check.LAZY_IMPORTS.items()} == app_lazy
    assert {k: tuple(sorted(v)) for k, v in gui_self_check.LAZY_IMPORTS.items()} == ui_lazy
    assert not any(name.split(".")[0] in ("PySide6", "pypdfium2") for names in app_lazy.values() for name in names), \
        "the CLI bundle has no Qt and no PDFium: app/ must not need them"


def _cli(capsys, *args: str) -> tuple[int, str]:
    code = main.main(["self-check", *args])
    return code, capsys.readouterr().out


def test_cli_self_check_passes_on_the_source_tree_and_prints_its_figures(capsys):
    code, out = _cli(capsys, "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"], out
    assert [check["key"] for check in report["checks"]] == CORE_KEYS
    figures = {check["key"]: check["figures"] for check in report["checks"]}
    assert figures["fonts"]["glyphs"]["IPAmjMincho"] > 50_000  # the font with 𠮷
    assert figures["translations"]["messages"] > 500 and figures["translations"]["language"] == "ja"
    assert figures["migrations"]["migrations"] == len(list((ROOT / "app" / "migrations").glob("*.sql")))
    assert figures["modules"]["modules"] == len({m for names in self_check.LAZY_IMPORTS.values() for m in names})
    assert figures["modules"]["not_in_program"] == []
    assert figures["reportlab"]["certificates"] == 3 and figures["reportlab"]["pdf_bytes"] > 10_000
    code, out = _cli(capsys)
    assert code == 0
    assert out.splitlines()[-1].startswith("自己診断は正常に終わりました: 6 項目")
    assert "  OK フォント: IPAexMincho" in out


@pytest.mark.gui
def test_gui_self_check_adds_qt_fonts_translations_pdfium_and_screens(qapp, tmp_path, capsys):
    from ui.main import run_self_check

    report_path = tmp_path / "report.json"
    assert run_self_check(qapp, False, report_path) == 0
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["ok"]
    assert [check["key"] for check in report["checks"]] == [
        *CORE_KEYS, "qt_fonts", "qt_translations", "ui_modules", "pdfium"]
    figures = {check["key"]: check["figures"] for check in report["checks"]}
    assert figures["qt_fonts"]["families"] == ["IPAexGothic", "IPAmjMincho"]
    assert figures["pdfium"]["width"] > 100
    out = capsys.readouterr().out
    assert "OK Qt の日本語表示: qtbase_ja.qm を読み込みました (Cancel → キャンセル)" in out


@pytest.mark.gui
def test_gui_self_check_prints_to_a_cp1252_pipe(qapp, tmp_path, monkeypatch):
    """The windowed program under a Western-locale Windows: its piped stdout is cp1252 (it crashed there)."""
    from ui.main import run_self_check

    pipe = io.BytesIO()
    stdout = io.TextIOWrapper(pipe, encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", stdout)
    assert run_self_check(qapp, False, tmp_path / "report.json") == 0
    sys.stdout.flush()
    assert "自己診断は正常に終わりました" in pipe.getvalue().decode("utf-8")


def test_missing_fonts_fail_with_a_japanese_line_naming_the_file(tmp_path, monkeypatch, capsys):
    """The resources folder of a broken installation: the catalogue is there, the fonts are not."""
    broken = tmp_path / "resources"
    shutil.copytree(resources_dir() / "locale", broken / "locale")
    monkeypatch.setenv("DX_JINZAI_RESOURCES", str(broken))
    code, out = _cli(capsys)
    assert code == 1
    assert f"NG フォント: フォントファイル ipaexm.ttf が見つかりません: {broken / 'fonts' / 'ipaexm.ttf'}" in out
    assert "  OK 翻訳:" in out
    assert out.splitlines()[-1] == ("自己診断で問題が見つかりました: フォント。インストールが不完全です。"
                                    "プログラムを再インストールしてください。")


def test_an_empty_resources_folder_fails_naming_the_catalogue_and_the_fonts(tmp_path, monkeypatch, capsys):
    """Without the catalogue the lines fall back to English (the msgids), still naming each file."""
    monkeypatch.setenv("DX_JINZAI_RESOURCES", str(tmp_path))
    code, out = _cli(capsys)
    assert code == 1
    catalogue = tmp_path / "locale" / "ja" / "LC_MESSAGES" / "dx_jinzai.mo"
    assert f"NG Translations: the Japanese message catalogue is missing: {catalogue}" in out
    assert f"NG Fonts: the font file ipaexm.ttf is missing: {tmp_path / 'fonts' / 'ipaexm.ttf'}" in out
    assert out.splitlines()[-1].startswith("Self-check FAILED: Fonts、Translations.")


def test_a_module_left_out_of_the_build_is_named(monkeypatch, capsys):
    """What PyInstaller does to an excluded module: importing it fails only when it is first needed."""
    monkeypatch.setitem(sys.modules, "openpyxl.worksheet.datavalidation", None)
    code, out = _cli(capsys)
    assert code == 1
    assert ("NG 初回使用時に読み込むモジュール: プログラムに含まれていないモジュールがあります: "
            "openpyxl.worksheet.datavalidation (app.evaluation.sheets") in out


def test_a_library_left_out_is_named_once_with_every_module_that_needs_it(monkeypatch):
    """What the spec excluding openpyxl does: one line for openpyxl, not one per submodule."""

    class LeftOut:  # a frozen program without openpyxl: no finder knows it
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name.split(".")[0] == "openpyxl":
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    for name in [n for n in sys.modules if n.split(".")[0] == "openpyxl"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [LeftOut, *sys.meta_path])
    result = self_check._run_one("modules", "Modules loaded on first use", self_check._modules)
    assert not result.ok
    assert result.detail == (
        "プログラムに含まれていないモジュールがあります: openpyxl (app.evaluation.sheets、app.tabular、app.reporting.document、app.skills.map_export、app.skills.self_assessment が読み込むもの): "
        "ModuleNotFoundError: No module named 'openpyxl'")


def test_modules_of_another_program_are_skipped(monkeypatch):
    """The frozen GUI carries no app.cli.main: what only app.cli.main imports is not looked for there."""
    monkeypatch.setitem(self_check.LAZY_IMPORTS, "app.no_such_importer", ("no_such_module",))
    detail, figures = self_check.import_lazy(self_check.LAZY_IMPORTS)
    assert figures["not_in_program"] == ["app.no_such_importer"]
    assert "no_such_module" not in detail
