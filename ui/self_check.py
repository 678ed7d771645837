"""The GUI's part of the self-check: Qt finds the fonts and its Japanese strings, PDFium draws a page.

`dx-jinzai --self-check` runs app.overview.self_check with these checks added, before any window or login.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app.overview import self_check
from app.i18n import N_, _
from app.paths import resources_dir
from app.overview.self_check import Missing
from ui.fonts import FALLBACK_FONT_FILE, UI_FONT_FILE, register_bundled_fonts

# Modules that ui/ imports only inside functions (pages built when first opened, PDFium on the
# first preview), by importing module; tests/test_self_check.py keeps this table equal to those imports.
LAZY_IMPORTS: dict[str, tuple[str, ...]] = {
    "ui.evaluation.assignments_tab": ("ui.overview.person_card",),
    "ui.certification.certificates_page": ("ui.certification.certificate_output_tab", "ui.certification.certificate_settings_tab"),
    "ui.certification.page": ("ui.certification.past_dialog", "ui.certification.scheme_editor"),
    "ui.certification.eligibility_tab": ("ui.overview.person_card",),
    "ui.evaluation.page": ("ui.evaluation.assignments_tab", "ui.evaluation.sheets_dialog"),
    "ui.main_window": ("ui.certification.certificates_page", "ui.certification.page", "ui.evaluation.page", "ui.evaluation.projects_page", "ui.overview.dashboard", "ui.overview.setup_guide", "ui.reporting.page", "ui.skills.page", "ui.staff.organisation_page", "ui.targets.page", "ui.training.page"),
    "ui.widgets.pdf_pages": ("pypdfium2",),
    "ui.evaluation.projects_page": ("ui.evaluation.outcomes_view", "ui.overview.person_card"),
    "ui.certification.register_tab": ("ui.overview.person_card",),
    "ui.evaluation.results_view": ("ui.overview.person_card",),
    "ui.register.settings_page": ("ui.evaluation.template_editor", "ui.staff.positions_dialog"),
    "ui.overview.setup_guide": ("ui.certification.past_dialog", "ui.staff.import_dialog", "ui.staff.positions_dialog"),
    "ui.staff.page": ("app.staff.export", "ui.overview.person_card", "ui.staff.import_dialog", "ui.staff.person_dialogs"),
    "ui.evaluation.outcomes_view": ("ui.evaluation.outcome_fields",),
    "ui.skills.own_tab": ("ui.skills.page",),
    "ui.skills.people_tab": ("ui.overview.person_card", "ui.skills.page"),
    "ui.training.page": ("ui.overview.person_card", "ui.training.event_dialogs", "ui.training.qualifications_tab", "ui.training.survey_dialog"),
    "ui.overview.dashboard": ("ui.overview.dashboard_tiles",),
}
QT_TRANSLATION = "qtbase"  # OK/Cancel, file dialogs: ui.main.install_qt_translations loads it


def _qt_fonts(app: QApplication) -> Callable[[], tuple[str, dict[str, object]]]:
    def check() -> tuple[str, dict[str, object]]:
        for file_name in (UI_FONT_FILE, FALLBACK_FONT_FILE):
            path = resources_dir() / "fonts" / file_name
            if not path.is_file():
                raise Missing(_("the font file {file} is missing: {path}").format(file=file_name, path=path))
        families = register_bundled_fonts(app)
        if len(families) != 2:
            raise Missing(_("Qt could not load the bundled fonts (found: {families})").format(
                families="、".join(families) or "-"))
        return _("Qt font families: {families}").format(families="、".join(families)), {"families": families}

    return check


def _qt_translations() -> tuple[str, dict[str, object]]:
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator()
    if not translator.load(QLocale("ja"), QT_TRANSLATION, "_", folder):
        raise Missing(_("Qt's Japanese translation ({file}) is missing: {path}").format(
            file=f"{QT_TRANSLATION}_ja.qm", path=folder))
    probe = translator.translate("QPlatformTheme", "Cancel")
    return _("{file} loaded (Cancel → {probe})").format(file=f"{QT_TRANSLATION}_ja.qm", probe=probe or "?"), {
        "qt_translation": f"{QT_TRANSLATION}_ja.qm"}


def _pdfium() -> tuple[str, dict[str, object]]:
    from ui.widgets.pdf_pages import PdfPages

    pdf = self_check.sample_certificates()["portrait"]
    pages = PdfPages(pdf)
    try:
        image = pages.image(0, scale=0.25)
    finally:
        pages.close()
    if image.isNull() or image.width() < 100:
        raise Missing(_("PDFium drew no page"))
    return _("a certificate page drawn at {width}×{height} pixels").format(
        width=image.width(), height=image.height()), {"width": image.width(), "height": image.height()}


def _modules() -> tuple[str, dict[str, object]]:
    return self_check.import_lazy(LAZY_IMPORTS)


def gui_checks(app: QApplication) -> list[self_check.Check]:
    return [
        ("qt_fonts", N_("Qt fonts"), _qt_fonts(app)),
        ("qt_translations", N_("Qt's Japanese strings"), _qt_translations),
        ("ui_modules", N_("Screens loaded on first use"), _modules),
        ("pdfium", N_("Certificate preview (PDFium)"), _pdfium),
    ]


def run(app: QApplication) -> self_check.Report:
    return self_check.run(gui_checks(app))
