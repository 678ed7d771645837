"""目標・配置: the year's targets with progress, section coverage with who could be named, and designations.

One fiscal year at a time (the box at the top). Figures come from app/targets; a viewer sees them all
but changes nothing and is shown no eligibility (the engine is the administrator's).
"""

from __future__ import annotations

from datetime import date

import sqlite_utils
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.formatting import format_number
from app.i18n import _
from app.register.accounts import User
from app.register.permissions import Action, allowed
from app.targets import coverage, designations, population, progress, targets
from app.wareki import display_date, fiscal_year, format_fiscal_year
from ui.targets.dialogs import FIGURES, DesignationDialog, TargetDialog
from ui.widgets.dialog_parts import run_modal
from ui.widgets.table_model import RecordTableModel, record_table_view

UNMET = QColor("#fde2e1")
MET = QColor("#e3f4e1")


class ColouredModel(RecordTableModel):
    """A record table whose rows are tinted by a test on the record (met / covered)."""

    def __init__(self, columns, good, parent=None) -> None:
        super().__init__(columns, parent)
        self._good = good

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(MET if self._good(self.record_at(index.row())) else UNMET)
        if role == Qt.ItemDataRole.ToolTipRole:  # the long lists of names are cut off at the window's edge
            return super().data(index, Qt.ItemDataRole.DisplayRole)
        return super().data(index, role)


def _figure(value: float | None, kind: str) -> str:
    if value is None:
        return ""
    return _(FIGURES[kind]).format(n=format_number(round(value, 1)))


def _aim(p: progress.Progress) -> str:
    figure = _figure(p.target.value, p.target.kind)
    return _("{figure} per section").format(figure=figure) if p.target.kind == "coverage" else figure


def _reached(p: progress.Progress) -> str:
    if p.target.kind == "coverage":
        return _("{covered} of {total} sections").format(covered=int(p.actual), total=p.total or 0)
    return _figure(p.actual, p.target.kind)


def _gap(p: progress.Progress) -> str:
    if p.met:
        return _("Met")
    if p.target.kind == "coverage":
        return _("{n} sections short").format(n=int(p.gap))
    return _("{gap} short").format(gap=_figure(p.gap, p.target.kind))


def _trend(p: progress.Progress) -> str:
    figure = _("{n} sections") if p.target.kind == "coverage" else _(FIGURES[p.target.kind])
    return " → ".join(f"{format_fiscal_year(y.fiscal_year)} " + figure.format(n=format_number(round(y.actual, 1)))
                      for y in p.trend)


def _names(people: list[coverage.Person], with_detail: bool = True) -> str:
    return "、".join(f"{p.name}（{p.detail}）" if with_detail and p.detail else p.name for p in people)


class TargetsPage(QWidget):
    """The 目標・配置 navigation page."""

    changed = Signal()

    def __init__(self, db: sqlite_utils.Database, user: User, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_targets")
        self.db, self.user = db, user
        self.today = today or date.today()
        self.may_edit = allowed(user, Action.TARGETS_EDIT)
        self.year = QComboBox()
        self.year.setObjectName("targetsYear")
        for fy in targets.year_choices(db, self.today):
            self.year.addItem(format_fiscal_year(fy), fy)
        self.year.setCurrentIndex(max(0, self.year.findData(fiscal_year(self.today))))
        self.as_of = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Fiscal year")))
        top.addWidget(self.year)
        top.addWidget(self.as_of, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_progress_tab(), _("Targets and progress"))
        self.tabs.addTab(self._build_coverage_tab(), _("Section coverage"))
        self.tabs.addTab(self._build_designations_tab(), _("Designations"))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.year.currentIndexChanged.connect(self.reload)
        self.reload()

    @property
    def fiscal_year(self) -> int:
        return self.year.currentData()

    # -- building ----------------------------------------------------------------------------------------------
    def _buttons(self, specs: list[tuple[str, str, object]]) -> QHBoxLayout:
        row = QHBoxLayout()
        for name, text, slot in specs:
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            button.setVisible(self.may_edit)
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _build_progress_tab(self) -> QWidget:
        self.progress_model = ColouredModel([
            (_("Target"), lambda p: targets.describe(self.db, p.target).split(" ", 1)[1]),
            (_("Target value"), _aim),
            (_("Reached"), _reached),
            (_("Gap"), _gap),
            (_("Trend over fiscal years"), _trend),
        ], lambda p: p.met, self)
        self.progress_view = record_table_view(self.progress_model)
        self.progress_view.setObjectName("targetsProgress")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(self._buttons([("targetSet", _("Set a target…"), self.set_target),
                                        ("targetRemove", _("Remove the target"), self.remove_target)]))
        layout.addWidget(self.progress_view, 1)
        return tab

    def _build_coverage_tab(self) -> QWidget:
        self.coverage_model = ColouredModel([
            (_("Department"), lambda s: s.department),
            (_("Section"), lambda s: s.section),
            (_("Staff"), lambda s: s.staff),
            (_("Counted"), lambda s: s.counted),
            (_("Covered"), lambda s: "✓" if s.covered else "✗"),
            (_("Could be named"), lambda s: "、".join(
                f"{p.name}（{p.detail}）" if p.basis == "certified" else f"{p.name}（→{p.detail}）" for p in s.nominees)),
            (_("Designated"), lambda s: _names(s.designated)),
            (_("Certified"), lambda s: _names(s.certified)),
        ], lambda s: s.covered, self)
        self.coverage_view = record_table_view(self.coverage_model)
        self.coverage_view.setObjectName("coverageTable")
        self.coverage_view.setWordWrap(False)
        self.coverage_summary = QLabel()
        self.coverage_summary.setObjectName("coverageSummary")
        self.coverage_summary.setWordWrap(True)
        self.only_short = QCheckBox(_("Only the sections short of it"))
        self.only_short.setObjectName("coverageOnlyShort")
        self.only_short.toggled.connect(self._show_coverage)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.coverage_summary)
        row = self._buttons([("coverageDesignate", _("Designate in this section…"), self.designate_in_section)])
        row.insertWidget(0, self.only_short)
        layout.addLayout(row)
        layout.addWidget(self.coverage_view, 1)
        return tab

    def _build_designations_tab(self) -> QWidget:
        self.designation_model = RecordTableModel([
            (_("Section"), lambda d: d.unit),
            (_("Designated role"), lambda d: d.role),
            (_("Staff no."), lambda d: d.staff_no),
            (_("Name"), lambda d: d.name),
            (_("Remarks"), lambda d: d.note),
        ], self)
        self.designation_view = record_table_view(self.designation_model)
        self.designation_view.setObjectName("designationTable")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(self._buttons([("designationAdd", _("Designate…"), lambda: self.add_designation()),
                                        ("designationRemove", _("Remove the designation"), self.remove_designation),
                                        ("designationRoleAdd", _("Add a role…"), self.add_role)]))
        layout.addWidget(self.designation_view, 1)
        return tab

    # -- data --------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        fy = self.fiscal_year
        self.progress_model.set_records(progress.progress(self.db, self.user, self.today, fy))
        report = self.coverage_report = coverage.coverage(self.db, self.user, fy, self.today)
        self._show_coverage()
        rule = report.rule
        self.as_of.setText(_("Measured on {day}").format(day=display_date(report.as_of)))
        self.coverage_summary.setText(_(
            "{covered} of {total} sections have at least {n} {counts} people; {short} do not.").format(
            covered=report.covered, total=len(report.sections), n=format_number(rule.value),
            counts=_(targets.COUNTS[rule.counts]), short=len(report.uncovered)))
        self.designation_model.set_records(designations.list_designations(self.db, self.user, fy))

    def _show_coverage(self) -> None:
        report = self.coverage_report
        self.coverage_model.set_records(report.uncovered if self.only_short.isChecked() else report.sections)

    def _selected(self, view, model):
        rows = view.selectionModel().selectedRows() if view.selectionModel() else []
        return model.record_at(rows[0].row()) if rows else None

    # -- actions -----------------------------------------------------------------------------------------------
    def set_target(self) -> None:
        dialog = TargetDialog(self.db, self.user, self.fiscal_year, self.today, self)
        if run_modal(dialog):
            self._after_change()

    def remove_target(self) -> None:
        chosen = self._selected(self.progress_view, self.progress_model)
        if chosen is None:
            QMessageBox.information(self, _("Remove the target"), _("Choose a target in the list first."))
            return
        text = targets.describe(self.db, chosen.target)
        if QMessageBox.question(self, _("Remove the target"), _("Remove the target {target}?").format(
                target=text)) == QMessageBox.StandardButton.Yes:
            self._write(lambda: targets.remove_target(self.db, self.user, chosen.target.id), _("Remove the target"))

    def designate_in_section(self) -> None:
        chosen = self._selected(self.coverage_view, self.coverage_model)
        self.add_designation(chosen.unit_id if chosen is not None else None)

    def add_designation(self, section_id: int | None = None) -> None:
        on = population.measure_day(self.fiscal_year, self.today)
        dialog = DesignationDialog(self.db, self.user, self.fiscal_year, on, section_id or None, self)
        if run_modal(dialog):
            self._after_change()

    def remove_designation(self) -> None:
        chosen = self._selected(self.designation_view, self.designation_model)
        if chosen is None:
            QMessageBox.information(self, _("Remove the designation"), _("Choose a designation in the list first."))
            return
        if QMessageBox.question(self, _("Remove the designation"), _("Remove {name} as {role} of {section}?").format(
                name=chosen.name, role=chosen.role, section=chosen.unit)) == QMessageBox.StandardButton.Yes:
            self._write(lambda: designations.remove(self.db, self.user, chosen.id), _("Remove the designation"))

    def add_role(self) -> None:
        name, ok = QInputDialog.getText(self, _("Add a role"), _("Name of the role (e.g. DX推進員):"))
        if ok and name.strip():
            self._write(lambda: designations.add_role(self.db, self.user, name), _("Add a role"))

    def _write(self, action, title: str) -> None:
        try:
            action()
        except UserError as exc:
            QMessageBox.warning(self, title, str(exc))
            return
        self._after_change()

    def _after_change(self) -> None:
        self.reload()
        self.changed.emit()
