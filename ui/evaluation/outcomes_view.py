"""成果の集計: project outcomes added up per fiscal year, department and project, with a chart.

Opened from the プロジェクト screen (「成果の集計…」) by whoever may view projects. The sums come from
app/reporting/outcomes.py and the chart is the core's reportlab Drawing shown as SVG (ChartView), the
same one ``outcomes chart`` writes and the reports print. The administrator also defines the town's
own outcome fields here (「成果の項目…」).
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.formatting import format_number
from app.i18n import N_, _
from app.register.accounts import User
from app.reporting import charts, outcomes
from app.wareki import format_fiscal_year
from ui.widgets.chart_view import ChartView
from ui.widgets.dialog_parts import fit_to_screen
from ui.widgets.table_model import RecordTableModel, record_table_view

CHART_FILE_FILTER = N_("PDF (*.pdf);;SVG (*.svg)")
TABLES = (("year", N_("Per fiscal year")), ("department", N_("Per department")), ("project", N_("Per project")))
GROUP_TITLES = {"year": N_("Fiscal year"), "department": N_("Department"), "project": N_("Project name")}


def figure_text(value: float | None) -> str:
    """A sum as the tables show it: 1,250.5; 「—」 when no project of the group reported it."""
    if value is None:
        return "—"
    return format_number(round(value, 2) if value != int(value) else int(value))


def figure_title(found: outcomes.OutcomeField) -> str:
    return f"{found.label}（{found.unit}）" if found.unit else found.label


class OutcomeTableModel(RecordTableModel):
    """Rows of sums; the columns follow the fields (the town may add one while the view is open)."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column() >= 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # figures line up
        return super().data(index, role)

    def show_rows(self, columns: list, rows: list[outcomes.OutcomeRow]) -> None:
        self.beginResetModel()
        self._columns, self._records = list(columns), list(rows)
        self.endResetModel()


class OutcomesDialog(QDialog):
    """The sums in three tables beside the chart; the year limits the department and project tables."""

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomesDialog")
        self.setWindowTitle(_("Outcomes added up"))
        self._db, self._user = db, user
        self.result: outcomes.OutcomeSummary | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_controls())
        # The tables over the chart: every figure column fits the width, and the chart keeps a legible size.
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_tables())
        self.chart = ChartView()
        self.chart.setObjectName("outcomeChart")
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([240, 330])
        layout.addWidget(splitter, 1)
        self.total_label = QLabel()
        self.total_label.setObjectName("outcomeTotal")
        self.total_label.setWordWrap(True)
        layout.addWidget(self.total_label)
        layout.addLayout(self._build_buttons())
        self.reload()
        fit_to_screen(self, 1120, 640)

    def _build_controls(self) -> QHBoxLayout:
        self.year = QComboBox()
        self.year.setObjectName("outcomeYear")
        self.figure = QComboBox()
        self.figure.setObjectName("outcomeFigure")
        self.cumulative = QCheckBox(_("Running total since the first year"))
        self.cumulative.setObjectName("outcomeCumulative")
        self.year.currentIndexChanged.connect(self.refresh)
        self.figure.currentIndexChanged.connect(self.refresh_chart)
        self.cumulative.toggled.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Fiscal year")))
        row.addWidget(self.year)
        row.addSpacing(16)
        row.addWidget(QLabel(_("Chart")))
        row.addWidget(self.figure)
        row.addWidget(self.cumulative)
        row.addStretch(1)
        return row

    def _build_tables(self) -> QTabWidget:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("outcomeTabs")
        self.models: dict[str, OutcomeTableModel] = {}
        for key, title in TABLES:
            model = OutcomeTableModel([], self)
            view = record_table_view(model)
            view.setObjectName(f"outcomeTable_{key}")
            self.models[key] = model
            self.tabs.addTab(view, _(title))
        return self.tabs

    def _build_buttons(self) -> QHBoxLayout:
        self.fields_button = QPushButton(_("Outcome fields…"))
        self.fields_button.setObjectName("outcomeFields")
        self.fields_button.clicked.connect(self.edit_fields)
        self.fields_button.setVisible(self._user.is_admin)
        self.save_button = QPushButton(_("Save the chart…"))
        self.save_button.setObjectName("outcomeChartSave")
        self.save_button.clicked.connect(lambda: self.save_chart())
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.fields_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        row.addWidget(close)
        return row

    # -- reading ----------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the fields and the years again (after the fields changed), keeping the choices."""
        everything = outcomes.summary(self._db, self._user)
        years, figure = self.year.currentData(), self.figure.currentData()
        for box in (self.year, self.figure):
            box.blockSignals(True)
            box.clear()
        self.year.addItem(_("All years"), None)
        for row in reversed(everything.by_year):
            self.year.addItem(format_fiscal_year(row.key), row.key)
        for found in everything.fields:
            if not found.retired:
                self.figure.addItem(figure_title(found), found.key)
        self.year.setCurrentIndex(max(0, self.year.findData(years)))
        self.figure.setCurrentIndex(max(0, self.figure.findData(figure)))
        for box in (self.year, self.figure):
            box.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        self.result = outcomes.summary(self._db, self._user, self.year.currentData())
        year_rows = self.result.cumulative if self.cumulative.isChecked() else self.result.by_year
        for key, rows in (("year", year_rows), ("department", self.result.by_department),
                          ("project", self.result.by_project)):
            self.models[key].show_rows(self._columns(_(GROUP_TITLES[key]), self.result.fields), rows)
        total = self.result.total
        parts = [f"{f.label} {figure_text(total.values[f.key])} {f.unit}".rstrip() for f in self.result.fields
                 if total.values[f.key] is not None]
        self.total_label.setText(_("Total since the start ({projects} projects): {figures}").format(
            projects=format_number(total.projects), figures="、".join(parts) or "—"))
        self.refresh_chart()

    @staticmethod
    def _columns(group: str, figures: list[outcomes.OutcomeField]) -> list:
        columns = [(group, lambda r: r.label), (_("Projects"), lambda r: r.projects)]
        for found in figures:
            columns.append((figure_title(found), lambda r, key=found.key: figure_text(r.values[key])))
        return columns

    def chart_definition(self) -> charts.BarChart:
        assert self.result is not None
        return charts.outcome_chart(self.result, self.figure.currentData() or "hours_saved",
                                    cumulative=self.cumulative.isChecked())

    def refresh_chart(self) -> None:
        if self.result is not None:
            self.chart.set_svg(charts.to_svg(self.chart_definition()))

    # -- actions ----------------------------------------------------------------------------------
    def save_chart(self, path: Path | None = None) -> Path | None:
        """The chart on screen as PDF (for a document) or SVG, by the file name's ending."""
        if path is None:
            name, _filter = QFileDialog.getSaveFileName(self, _("Save the chart"), _("outcomes-chart.pdf"),
                                                        _(CHART_FILE_FILTER))
            if not name:
                return None
            path = Path(name)
        chart = self.chart_definition()
        try:
            data = charts.to_svg(chart) if path.suffix.lower() == ".svg" else charts.to_pdf(chart)
            path.write_bytes(data)
        except OSError as exc:
            QMessageBox.warning(self, _("Outcomes added up"), _("Could not write {file}: {error}").format(
                file=path, error=exc.strerror or exc))
            return None
        return path

    def edit_fields(self) -> None:
        from ui.evaluation.outcome_fields import OutcomeFieldsDialog

        OutcomeFieldsDialog(self._db, self._user, self).exec()
        self.reload()

