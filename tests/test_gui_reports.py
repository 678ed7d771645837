"""The レポート page: choose a report and a year, preview it, save it as PDF and xlsx (demo town)."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog

from app.demo.targets import load_targets
from app.register.accounts import Role, User
from tests.conftest import ADMIN_USER
from tests.qt_helpers import show_widget

pytestmark = pytest.mark.gui
TODAY = date(2026, 12, 1)


@pytest.fixture
def demo(town):
    load_targets(town, "test")
    return town


def _page(qtbot, db, user=ADMIN_USER):
    from ui.reporting.page import ReportsPage

    page = show_widget(qtbot, ReportsPage(db, user, TODAY), 1200, 700)
    qtbot.waitUntil(lambda: page.preview.page_count() > 0, timeout=30000)
    return page


def test_the_page_previews_the_annual_report_of_this_year_first(qtbot, demo):
    page = _page(qtbot, demo)
    assert page.key == "annual" and page.fiscal_year == 2026
    assert page.report is not None and page.report.title == "年度報告"
    assert 1 <= page.preview.page_count() <= 4
    page.year_box.setCurrentIndex(page.year_box.findData(2025))
    page.report_box.setCurrentIndex(page.report_box.findData("training"))
    qtbot.waitUntil(lambda: page.report is not None and page.report.key == "training"
                    and page.report.fiscal_year == 2025 and page.preview.page_count() > 0, timeout=30000)


def test_saving_writes_the_chosen_report_as_pdf_and_as_xlsx(qtbot, demo, tmp_path, monkeypatch):
    page = _page(qtbot, demo)
    page.report_box.setCurrentIndex(page.report_box.findData("certification"))
    page.year_box.setCurrentIndex(page.year_box.findData(2025))
    pdf_target = tmp_path / "部署別"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf_target), "PDF (*.pdf)"))
    page.save_pdf.click()
    written = tmp_path / "部署別.pdf"
    text = PdfReader(written).pages[0].extract_text()
    assert "令和7年度" in text and "部署別認定状況" in text and "1 / 1 ページ" in text
    xlsx = page.save(".xlsx", tmp_path / "部署別.xlsx")
    book = load_workbook(xlsx)
    assert book.worksheets[0]._charts and book.worksheets[0]["A3"].value == "部"


def test_a_viewer_is_not_offered_the_evaluation_results(qtbot, demo):
    page = _page(qtbot, demo, User(901, "viewer", "閲覧者", Role.VIEWER))
    keys = [page.report_box.itemData(i) for i in range(page.report_box.count())]
    assert "evaluation" not in keys and "annual" in keys
    admin = _page(qtbot, demo)
    assert "evaluation" in [admin.report_box.itemData(i) for i in range(admin.report_box.count())]


def test_the_reports_screen_is_not_offered_to_evaluators_and_is_to_viewers(qtbot, town, admin, db_path):
    from app.register import accounts
    from app.staff.lookup import staff_id
    from ui.main_window import NAVIGATION, MainWindow, Session

    row = [key for key, _title in NAVIGATION].index("reports")
    for login, role, hidden in (("hyoka", Role.EVALUATOR, True), ("etsuran", Role.VIEWER, False)):
        user = accounts.create_user(town, login, "閲覧 花子", "correct horse 3", role, ADMIN_USER,
                                    staff_id=staff_id(town, "100163") if role == Role.EVALUATOR else None)
        window = MainWindow(Session(town, db_path, user))
        qtbot.addWidget(window)
        window.show()
        assert window.navigation.item(row).isHidden() is hidden
        if not hidden:
            window.navigation.setCurrentRow(row)
            page = window.reports_page
            qtbot.waitUntil(lambda: not page.busy and page.preview.page_count() > 0, timeout=30000)
            assert "evaluation" not in [page.report_box.itemData(i) for i in range(page.report_box.count())]
