"""The program's start-up self-check: is everything it needs inside this installation?

`dx-jinzai-cli self-check` and `dx-jinzai --self-check` run it. A frozen build (PyInstaller, the
Windows installer) can lack a font, the Japanese catalogue, a migration or a module that is only
imported when an officer first exports a workbook; the self-check finds that at build time (CI runs
it against the installed program) or on the officer's PC, naming what is missing, instead of the
first export failing at the desk. Each check uses the code paths of the real features (a scratch
register in a temporary folder, real certificates, a real workbook) and reports its figures.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path

from app import __version__, i18n
from app.i18n import _

# Modules that app/ imports only inside functions, by importing module: PyInstaller's spec (an
# exclude, a hidden import it cannot see) may leave them out, and nothing fails until the feature is
# first used. Checked where the importing module is part of the program (app.cli.main is only in the
# CLI). tests/test_self_check.py keeps this table equal to the function-local imports in app/.
LAZY_IMPORTS: dict[str, tuple[str, ...]] = {
    "app.register.accounts": ("argon2", "argon2.exceptions"),
    "app.certification.certificate_settings": ("PIL.Image",),
    "app.certification.certificates": ("budoux",),
    "app.cli.main": ("app.cli.assignments", "app.cli.certification", "app.cli.dashboard", "app.cli.org", "app.cli.outcomes", "app.cli.qualifications", "app.cli.records", "app.cli.reports", "app.cli.settings", "app.cli.skill_map", "app.cli.skills", "app.cli.staff", "app.cli.surveys", "app.cli.templates", "app.cli.training", "app.overview.person_card", "app.staff.export"),
    "app.cli.certification": ("app.cli.records", "app.cli.schemes"),
    "app.cli.projects": ("app.cli.project_details", "app.cli.project_people"),
    "app.demo.town": ("app.demo.outcomes", "app.demo.projects", "app.demo.qualifications", "app.demo.skill_demand", "app.demo.skills", "app.demo.surveys", "app.demo.targets", "app.demo.training"),
    "app.evaluation.sheets": ("openpyxl", "openpyxl.styles", "openpyxl.workbook.protection", "openpyxl.worksheet.cell_range", "openpyxl.worksheet.datavalidation"),
    "app.formatting": ("babel.dates", "babel.numbers"),
    # reportlab, the certificate layout and the evaluation rules: not loaded before the first paint
    "app.overview.setting_values": ("app.certification.certificate_settings",),
    "app.overview.setup_guide": ("app.certification.certificate_settings",),
    "app.i18n": ("babel.messages.mofile", "babel.messages.pofile"),
    "app.pdf_fonts": ("reportlab.rl_config",),
    "app.seal_key": ("ctypes.wintypes",),  # DPAPI, Windows only; the installer must carry them
    "app.tabular": ("openpyxl", "openpyxl.cell", "openpyxl.worksheet._reader"),
    "app.reporting.document": ("openpyxl", "openpyxl.chart", "openpyxl.styles", "openpyxl.utils", "reportlab.lib.styles", "reportlab.platypus"),
    "app.skills.map_export": ("openpyxl", "openpyxl.styles", "openpyxl.utils"),
    "app.skills.self_assessment": ("openpyxl", "openpyxl.styles", "openpyxl.workbook.protection", "openpyxl.worksheet.datavalidation"),
}
SAMPLE_DATE = date(2026, 4, 1)  # the sample certificate's decision date (any fixed date)


class Missing(Exception):
    """A resource the program needs is not there; the message names it (translated)."""


@dataclass
class CheckResult:
    key: str
    title: str
    ok: bool
    detail: str  # the figures when it passed, the missing resource when it did not
    ms: float
    figures: dict[str, object] = field(default_factory=dict)

    def line(self) -> str:
        mark = "OK" if self.ok else "NG"
        return _("{mark} {title}: {detail} ({ms} ms)").format(mark=mark, title=self.title, detail=self.detail,
                                                             ms=round(self.ms))


@dataclass
class Report:
    version: str
    language: str
    checks: list[CheckResult]
    seconds: float

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def as_dict(self) -> dict:
        return {"ok": self.ok, **asdict(self)}

    def json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)

    def text(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        head = _("Self-check of dx-jinzai {version}").format(version=self.version)
        if self.ok:
            tail = _("Self-check passed: {n} checks in {seconds} s.").format(n=len(self.checks),
                                                                            seconds=f"{self.seconds:.1f}")
        else:
            failed = [check.title for check in self.checks if not check.ok]
            tail = _("Self-check FAILED: {failed}. The installation is incomplete; reinstall the program.").format(
                failed="、".join(failed))
        return [head, *("  " + check.line() for check in self.checks), tail]


# A check returns (detail, figures) or raises Missing; title is a msgid.
Check = tuple[str, str, Callable[[], tuple[str, dict[str, object]]]]


def _run_one(key: str, title: str, check: Callable[[], tuple[str, dict[str, object]]]) -> CheckResult:
    started = time.perf_counter()
    try:
        detail, figures = check()
        ok = True
    except Missing as exc:
        detail, figures, ok = str(exc), {}, False
    except ImportError as exc:  # a module left out of the build
        detail, figures, ok = _missing_module_text(exc.name or str(exc), exc), {}, False
    except Exception as exc:  # noqa: BLE001 - a self-check reports every failure, never a traceback
        detail, figures, ok = _("unexpected error: {error}").format(error=f"{type(exc).__name__}: {exc}"), {}, False
    return CheckResult(key, _(title), ok, detail, round((time.perf_counter() - started) * 1000, 1), figures)


def _missing_module_text(name: str, error: object) -> str:
    return _("the module {module} is missing from the program ({error})").format(module=name, error=error)


def _in_program(module: str) -> bool:
    """Whether this program carries ``module`` (a frozen CLI has no ui, a frozen GUI no app.cli.main)."""
    try:
        return module in sys.modules or importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def import_lazy(table: dict[str, tuple[str, ...]]) -> tuple[str, dict[str, object]]:
    """Import what each module of the program imports lazily; Missing names every one that fails.

    Failures are grouped by the module that is really missing (openpyxl, not each of its submodules).
    """
    failed: dict[str, tuple[list[str], str]] = {}
    loaded, skipped = set(), []
    for importer, modules in table.items():
        if not _in_program(importer):
            skipped.append(importer)
            continue
        for name in modules:
            try:
                importlib.import_module(name)
                loaded.add(name)
            except Exception as exc:  # noqa: BLE001 - ImportError, or a module failing at import time
                missing = getattr(exc, "name", None) or name
                importers, _error = failed.setdefault(missing, ([], f"{type(exc).__name__}: {exc}"))
                if importer not in importers:
                    importers.append(importer)
    if failed:
        raise Missing(_("modules missing from the program: {modules}").format(modules="; ".join(
            _("{module} (imported by {importer}): {error}").format(module=module, importer="、".join(importers),
                                                                  error=error)
            for module, (importers, error) in failed.items())))
    detail = _("{n} modules loaded").format(n=len(loaded))
    if skipped:
        detail += _(" (not in this program: {modules})").format(modules=", ".join(skipped))
    return detail, {"modules": len(loaded), "not_in_program": skipped}


# -- the checks -------------------------------------------------------------------------------------

def _fonts() -> tuple[str, dict[str, object]]:
    from reportlab.pdfbase import pdfmetrics

    from app import pdf_fonts

    for file_name in pdf_fonts.FILES.values():
        path = pdf_fonts.font_path(file_name)
        if not path.is_file():
            raise Missing(_("the font file {file} is missing: {path}").format(file=file_name, path=path))
    glyphs = {name: len(pdfmetrics.getFont(name).face.charToGlyph) for name in pdf_fonts.register()}
    detail = "、".join(_("{font} {n} glyphs").format(font=name, n=f"{n:,}") for name, n in glyphs.items())
    return detail, {"files": len(pdf_fonts.FILES), "glyphs": glyphs}


def _translations() -> tuple[str, dict[str, object]]:
    folder = i18n.locale_dir() / i18n.DEFAULT_LANGUAGE / "LC_MESSAGES"
    catalogue = i18n.load_catalogue(i18n.DEFAULT_LANGUAGE)
    if catalogue is None:
        raise Missing(_("the Japanese message catalogue is missing: {path}").format(
            path=folder / f"{i18n.DOMAIN}.mo"))
    probe = "Translations"  # this check's own title
    if catalogue.gettext(probe) == probe:
        raise Missing(_("the Japanese message catalogue does not translate: {path}").format(path=folder))
    messages = len(getattr(catalogue, "_catalog", {}))
    detail = _("{n} Japanese messages, language in use: {language}").format(n=f"{messages:,}",
                                                                            language=i18n.current_language())
    return detail, {"messages": messages, "language": i18n.current_language()}


def _migrations() -> tuple[str, dict[str, object]]:
    from app import db as app_db

    try:
        chain = app_db.migrations()
    except (OSError, RuntimeError) as exc:
        raise Missing(_("the migration chain cannot be read: {error}").format(error=exc)) from exc
    if not chain:
        raise Missing(_("no migrations in the program (app/migrations)"))
    with tempfile.TemporaryDirectory(prefix="dx-jinzai-self-check-") as folder:
        result = app_db.open_database(Path(folder) / "self-check.sqlite", create=True)
        try:
            version = result.db.execute("PRAGMA user_version").fetchone()[0]
            tables = len(result.db.table_names())
        finally:
            result.db.close()
    if version != len(chain):
        raise Missing(_("the migrations reached data format {found} instead of {wanted}").format(
            found=version, wanted=len(chain)))
    return _("{n} migrations, data format {version}, {tables} tables in a new register").format(
        n=len(chain), version=version, tables=tables), {"migrations": len(chain), "tables": tables}


def _seal_png() -> bytes:
    """A small red seal with transparency, through the same checks as an uploaded one."""
    import io

    from PIL import Image, ImageDraw

    from app.certification.certificate_settings import seal_info

    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((4, 4, 60, 60), outline=(200, 0, 0, 255), width=5)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    seal_info(buffer.getvalue())
    return buffer.getvalue()


def sample_certificates() -> dict[str, bytes]:
    """One sample certificate per template (QR code, seal, 𠮷 from IPAmj明朝), as PDF bytes."""
    from app.certification import certificates
    from app.register import settings as app_settings
    from app.db import open_database
    from app.demo.officer import officer

    with tempfile.TemporaryDirectory(prefix="dx-jinzai-self-check-") as folder:
        result = open_database(Path(folder) / "self-check.sqlite", create=True)
        try:
            # a sample issuer in the throwaway register: output is refused without the town and issuer
            for key, value in (("municipality_name", "見本町"), ("mayor_title", "町長"), ("mayor_name", "見本 太郎")):
                app_settings.set_value(result.db, key, value, officer("self-check"))
            layouts = {template: certificates.layout(result.db, template) for template in certificates.TEMPLATES}
        finally:
            result.db.close()
    seal = _seal_png()
    code = certificates.verification_code(b"self-check", "DX-0001", "𠮷田\u3000太郎", "L1", SAMPLE_DATE.isoformat())
    cert = certificates.CertificateData(0, "DX-0001", "𠮷田", "太郎", "DX推進リーダー", "L1", "DX人材認定制度",
                                        SAMPLE_DATE, "active", "", code)
    return {template: certificates.pdf_bytes(replace(lay, seal_png=seal), [cert]) for template, lay in layouts.items()}


def _reportlab() -> tuple[str, dict[str, object]]:
    import reportlab
    from reportlab.pdfbase import pdfmetrics

    pdfs = sample_certificates()
    encodings = len(pdfmetrics.standardEncodings)
    size = sum(len(pdf) for pdf in pdfs.values())
    if not all(pdf.startswith(b"%PDF") for pdf in pdfs.values()):
        raise Missing(_("reportlab wrote no PDF"))
    detail = _("reportlab {version}: {n} sample certificates ({kb} KB, QR code and seal), "
               "{encodings} encodings").format(version=reportlab.Version, n=len(pdfs), kb=size // 1024,
                                               encodings=encodings)
    return detail, {"certificates": len(pdfs), "pdf_bytes": size, "encodings": encodings}


def _openpyxl() -> tuple[str, dict[str, object]]:
    import openpyxl

    from app import tabular

    headers, rows = ["職員番号", "氏名"], [["S-0001", "𠮷田\u3000太郎"], ["S-0002", "=1+1"]]
    with tempfile.TemporaryDirectory(prefix="dx-jinzai-self-check-") as folder:
        path = Path(folder) / "self-check.xlsx"
        tabular.write_xlsx(path, headers, rows, "職員")
        size = path.stat().st_size
        table = tabular.read_table(path)
    if table.headers != headers or table.rows != rows:
        raise Missing(_("openpyxl did not read back the workbook it wrote"))
    return _("openpyxl {version}: a workbook written and read back ({kb} KB, {n} rows)").format(
        version=openpyxl.__version__, kb=max(1, size // 1024), n=len(rows)), {"xlsx_bytes": size}


def _modules() -> tuple[str, dict[str, object]]:
    return import_lazy(LAZY_IMPORTS)


CORE_CHECKS: tuple[Check, ...] = (
    ("fonts", i18n.N_("Fonts"), _fonts),
    ("translations", i18n.N_("Translations"), _translations),
    ("migrations", i18n.N_("Migrations"), _migrations),
    ("modules", i18n.N_("Modules loaded on first use"), _modules),
    ("reportlab", i18n.N_("Certificates (reportlab)"), _reportlab),
    ("openpyxl", i18n.N_("Excel workbooks (openpyxl)"), _openpyxl),
)


def run(extra: Sequence[Check] = ()) -> Report:
    """Run the core checks, then ``extra`` (the GUI's Qt checks); never raises for a missing resource."""
    started = time.perf_counter()
    results = [_run_one(key, title, check) for key, title, check in (*CORE_CHECKS, *extra)]
    return Report(__version__, i18n.current_language(), results, round(time.perf_counter() - started, 2))
