"""成果の集計 with pytest-qt on the demo town: opened from プロジェクト, its tables against direct SQL,
the chart (SVG from the core) on screen and saved as PDF, the town's fields edited and entered in the
project form, and what a viewer sees."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialogButtonBox

from app.demo.outcomes import load_outcomes
from app.reporting import charts, outcomes
from app.register.accounts import Role, User
from tests.conftest import ADMIN_USER
from tests.qt_helpers import show_widget, when_modal
from ui.evaluation.outcome_fields import FieldDialog, OutcomeFieldsDialog
from ui.evaluation.outcomes_view import OutcomesDialog
from ui.evaluation.project_dialogs import ProjectDialog
from ui.evaluation.projects_page import ProjectsPage
from ui.widgets.chart_view import ChartView

pytestmark = pytest.mark.gui
VIEWER = User(91, "etsuran", "閲覧 一子", Role.VIEWER)


@pytest.fixture
def outcome_town(town):
    load_outcomes(town, "test", past_years=True)
    return town


@pytest.fixture
def view(qtbot, outcome_town, admin):
    dialog = OutcomesDialog(outcome_town, admin)
    show_widget(qtbot, dialog, 1120, 640)
    return dialog


def _bar_blue(colour: QColor) -> bool:
    """The bars' blue (#2f6fb0; the SVG writes it in whole percents, so within a few steps)."""
    return abs(colour.red() - 47) < 6 and abs(colour.green() - 111) < 6 and abs(colour.blue() - 176) < 6


def _cells(model) -> list[list[str]]:
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def _headers(model) -> list[str]:
    return [model.headerData(c, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal)
            for c in range(model.columnCount())]


def test_the_tables_show_the_sums_of_direct_sql(view, outcome_town):
    db = outcome_town
    years = _cells(view.models["year"])
    per_year = db.execute("SELECT fiscal_year, count(*), sum(hours_saved_per_year), sum(systems_built) "
                          "FROM projects GROUP BY fiscal_year ORDER BY fiscal_year").fetchall()
    assert [row[0] for row in years] == ["令和5年度", "令和6年度", "令和7年度"]
    headers = _headers(view.models["year"])
    hours, systems = headers.index("年間削減時間（時間）"), headers.index("構築したシステム数（件）")
    for shown, (_year, count, hours_sum, systems_sum) in zip(years, per_year):
        assert shown[1] == str(count)
        assert shown[hours] == charts.format_number(hours_sum) and shown[systems] == str(systems_sum)
    cost = headers.index("削減コスト（千円）")
    cost_sum = db.execute("SELECT sum(value) FROM project_outcome_values v JOIN outcome_fields f ON f.id = v.field_id "
                          "WHERE f.name = '削減コスト'").fetchone()[0]
    assert view.total_label.text().startswith("制度開始からの合計（5 件のプロジェクト）")
    assert f"削減コスト {charts.format_number(cost_sum)} 千円" in view.total_label.text()
    # 累計: the last year's running total is the total since the start
    view.cumulative.setChecked(True)
    assert _cells(view.models["year"])[-1][cost] == charts.format_number(cost_sum)
    departments = [row[0] for row in _cells(view.models["department"])]
    assert "総務部" in departments and departments[-1] == "（担当課なし）"
    projects = _cells(view.models["project"])
    assert len(projects) == db.execute("SELECT count(*) FROM projects").fetchone()[0]
    running = next(row for row in projects if row[0] == "保育所入所申請のオンライン化")
    assert running[hours] == "—"  # nothing reported is not 0


def test_a_year_limits_the_project_and_department_tables(view, outcome_town):
    view.year.setCurrentIndex(view.year.findData(2024))
    names = {row[0] for row in _cells(view.models["project"])}
    assert names == {r[0] for r in outcome_town.execute("SELECT name FROM projects WHERE fiscal_year = 2024")}
    assert len(_cells(view.models["year"])) == 3  # the years stay


def test_the_chart_is_the_cores_svg_and_saves_as_pdf(view, tmp_path, qtbot):
    assert view.chart.is_valid()
    assert view.chart.svg() == charts.to_svg(view.chart_definition())
    assert "令和6年度".encode() in view.chart.svg() and "年間削減時間".encode() in view.chart.svg()
    view.figure.setCurrentIndex(view.figure.findData(outcomes.field_by_name(view._db, "削減コスト").key))
    assert "削減コスト".encode() in view.chart.svg()
    image = view.chart.grab().toImage()
    blue = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if _bar_blue(image.pixelColor(x, y)))
    assert blue > 20, "the bars are painted"
    saved = view.save_chart(tmp_path / "cost.pdf")
    assert saved is not None and saved.read_bytes().startswith(b"%PDF")
    assert view.save_chart(tmp_path / "cost.svg").read_bytes().startswith(b"<?xml")


def test_chart_view_keeps_the_proportions(qtbot):
    widget = ChartView()
    widget.set_svg(charts.to_svg(charts.BarChart("t", ["令和7年度"], [1.0], "件")))
    show_widget(qtbot, widget, 1000, 300)
    rect = widget.target_rect()
    assert rect.height() == pytest.approx(300) and rect.width() == pytest.approx(520)
    assert rect.left() == pytest.approx(240)


def test_the_town_fields_are_added_in_the_dialog_and_entered_in_the_project_form(qtbot, outcome_town, admin):
    db = outcome_town
    fields = OutcomeFieldsDialog(db, admin)
    qtbot.addWidget(fields)

    def fill(dialog: FieldDialog) -> None:
        dialog.name.setText("来庁者の減少")
        dialog.unit.setText("人")
        dialog.whole.setChecked(True)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(fill)
    fields.add()
    assert [r.label for r in fields.model._records][-1] == "来庁者の減少"
    field_id = outcomes.field_by_name(db, "来庁者の減少").field_id

    form = ProjectDialog(db, admin, 3)
    qtbot.addWidget(form)
    edit = form.findChild(type(form.name), f"outcomeField{field_id}")
    assert edit is not None and edit.text() == ""
    edit.setText("12.5")  # a whole-number field: refused, nothing written
    form.submit()
    assert "整数" in form.error_label.text() and outcomes.project_values(db, ADMIN_USER, 3) == {}
    edit.setText("１２０")
    form.submit()
    assert form.result() == form.DialogCode.Accepted
    assert db.execute("SELECT value FROM project_outcome_values WHERE project_id = 3 AND field_id = ?",
                      [field_id]).fetchone()[0] == 120
    again = ProjectDialog(db, admin, 3)
    qtbot.addWidget(again)
    assert again.findChild(type(form.name), f"outcomeField{field_id}").text() == "120"


def test_the_projects_page_opens_the_view_for_a_viewer_without_the_fields_button(qtbot, outcome_town):
    page = ProjectsPage(outcome_town, VIEWER)
    show_widget(qtbot, page, 1100, 700)
    seen = {}

    def look(dialog) -> None:
        seen["type"] = type(dialog)
        seen["fields"] = dialog.fields_button.isVisible()
        seen["rows"] = dialog.models["year"].rowCount()
        dialog.reject()

    when_modal(look)
    page.outcomes_button.click()
    assert seen == {"type": OutcomesDialog, "fields": False, "rows": 3}
    page.select_project(1)
    assert "削減コスト 1,200 千円" in page.overview_labels["town_outcomes"].text()


def test_the_view_fits_1366x768_at_150_percent(view):
    """1366×768 less the task bar at 150 % leaves about 910×485 logical pixels: the dialog's minimum fits."""
    hint = view.minimumSizeHint().expandedTo(view.minimumSize())
    assert hint.width() <= 910 and hint.height() <= 485, hint
