"""需要と充足: the heat map of sections × skills, the demand editor and who could fill a gap.

The map is a QAbstractTableModel over the core's ``HeatMap`` (computed on a worker: 50,000 staff take a few
hundred milliseconds); each cell reads 「いる人数/必要数」 in the colour of its state, the same colours the
xlsx export uses. Selecting a cell lists its demand lines and the people elsewhere at (or one short of) the
level. The buttons are hidden for roles the services would refuse; the services check again.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.register.permissions import Action, allowed
from app.skills import demand, map_export, supply
from app.wareki import format_fiscal_year
from ui.background import start_with_database
from ui.skills.demand_dialog import DemandDialog
from ui.widgets.dialog_parts import run_modal
from ui.widgets.table_model import RecordTableModel, record_table_view

_Index = QModelIndex | QPersistentModelIndex
TAB_TITLE = N_("Supply and demand")  # the スキル page adds it: page.add_tab(SkillMapTab(db, user, page), _(TAB_TITLE))
FIXED_COLUMNS = 2  # section / project, people
CANDIDATES_SHOWN = 300  # the best first; `skills candidates` lists everyone


def _wrapped(name: str, width: int = 6) -> str:
    """A skill's name on up to two header lines, so that 50 columns stay narrow (the tooltip has it whole)."""
    if len(name) <= width:
        return name
    cut = name.find("（")
    dot = name.find("・", 0, width + 1)
    if 0 < cut <= width + 2:
        first, rest = name[:cut], name[cut:]
    elif dot > 0:
        first, rest = name[:dot + 1], name[dot + 1:]
    else:
        first, rest = name[:width], name[width:]
    return first + "\n" + (rest if len(rest) <= width + 1 else rest[:width] + "…")


class HeatMapModel(QAbstractTableModel):
    """Rows of the map × (name, people, one column per skill); colours by the cell's state."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.heat: supply.HeatMap | None = None

    def set_map(self, heat: supply.HeatMap | None) -> None:
        self.beginResetModel()
        self.heat = heat
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.heat is None else len(self.heat.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.heat is None else FIXED_COLUMNS + len(self.heat.items)

    def cell(self, index: _Index) -> supply.Cell | None:
        if self.heat is None or not index.isValid() or index.column() < FIXED_COLUMNS:
            return None
        return self.heat.cell(index.row(), index.column() - FIXED_COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if self.heat is None or not index.isValid():
            return None
        row = self.heat.rows[index.row()]
        cell = self.cell(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return row.name if row.kind == "unit" else _("Project: {name}").format(name=row.name)
            return str(row.people) if cell is None else cell.text()
        if role == Qt.ItemDataRole.BackgroundRole and cell is not None:
            return QColor("#" + supply.STATUS_COLOURS[cell.status])
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, cell, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _tooltip(self, row: supply.MapRow, cell: supply.Cell | None, column: int) -> str:
        if cell is None:
            return row.department
        item = self.heat.items[column - FIXED_COLUMNS]
        lines = [f"{row.name} × {item.name}", _(supply.STATUS_LABELS[cell.status])]
        lines += [_("Level {level} or above: {have} of {needed} needed").format(
            level=n.level, have=n.have, needed=n.needed) for n in cell.needs]
        lines.append(_("People at level 1 or above: {n}").format(n=cell.holders))
        return "\n".join(lines)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if self.heat is None or orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return _("Section / project")
            if section == 1:
                return _("People")
            return _wrapped(self.heat.items[section - FIXED_COLUMNS].name)
        if role == Qt.ItemDataRole.ToolTipRole and section >= FIXED_COLUMNS:
            item = self.heat.items[section - FIXED_COLUMNS]
            return f"{item.category} / {item.name} ({item.code})"
        return None


class SkillMapTab(QWidget):
    """The supply-versus-demand tab of the スキル page (standalone: it needs only the register and the user)."""

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None, *,
                 on: date | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.on = on or date.today()  # whose seat counts: today on screen, a fixed day in tests
        self.is_loaded = False
        self._build_filters()
        self._build_toolbar()
        self.model = HeatMapModel(self)
        self.view = QTableView()
        self.view.setObjectName("skillHeatMap")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.setWordWrap(False)  # a long project name is cut with …; the tooltip has it whole
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setDefaultSectionSize(max(72, self.fontMetrics().horizontalAdvance("データ利活用") + 6))
        self.view.selectionModel().currentChanged.connect(self._show_cell)
        side = self._build_side()
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(self.filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(self._legend())
        self.reload()

    # -- building ---------------------------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.family = QComboBox()
        self.family.setObjectName("skillMapFamily")
        # A catalogue's long name must not widen the window (1366x768 at 150 %): the list shows it whole.
        self.family.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.family.setMinimumContentsLength(14)
        self.year = QComboBox()
        self.year.setObjectName("skillMapYear")
        self.demanded_only = QCheckBox(_("Only skills with demand"))
        self.demanded_only.setObjectName("skillMapDemandedOnly")
        self.status = QLabel()
        self.status.setObjectName("skillMapStatus")
        self.status.setWordWrap(True)
        self.filters = QHBoxLayout()
        self.family_label = QLabel(_("Skill catalogue"))
        for label, box in ((self.family_label, self.family), (QLabel(_("Fiscal year")), self.year)):
            self.filters.addWidget(label)
            self.filters.addWidget(box, 1)
        self.filters.addWidget(self.demanded_only)
        self.filters.addWidget(self.status, 2)
        self.family.currentIndexChanged.connect(self.refresh_map)
        self.year.currentIndexChanged.connect(self.refresh_map)
        self.demanded_only.toggled.connect(self.refresh_map)

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.actions_by_key = {}
        for key, name, label, slot, action in (
                ("add", "skillDemandAdd", _("Add demand…"), self.add_demand, Action.SKILL_DEMAND_EDIT),
                ("edit", "skillDemandEdit", _("Change demand…"), self.edit_demand, Action.SKILL_DEMAND_EDIT),
                ("remove", "skillDemandRemove", _("Remove demand"), self.remove_demand, Action.SKILL_DEMAND_EDIT),
                ("export", "skillMapExport", _("Export to Excel…"), self.export, Action.SKILL_MAP_VIEW)):
            qaction = self.toolbar.addAction(label)
            qaction.setObjectName(name)
            qaction.triggered.connect(slot)
            qaction.setVisible(allowed(self._user, action))
            self.actions_by_key[key] = qaction

    def _build_side(self) -> QWidget:
        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        self.cell_label = QLabel(_("Select a cell of the map."))
        self.cell_label.setObjectName("skillCellLabel")
        self.cell_label.setWordWrap(True)
        self.demand_model = RecordTableModel([
            (_("Level"), lambda d: d.level), (_("Needed"), lambda d: d.people),
            (_("Fiscal year"), lambda d: format_fiscal_year(d.fiscal_year) if d.fiscal_year else _("standing")),
            (_("note"), lambda d: d.note)], self)
        self.demand_view = record_table_view(self.demand_model)
        self.demand_view.setObjectName("skillDemandLines")
        self.candidate_model = RecordTableModel([
            (_("Name"), lambda c: c.name), (_("Affiliation"), lambda c: c.section),
            (_("Level"), lambda c: f"{c.level}" + (_("(one level short)") if c.near else ""))], self)
        self.candidate_view = record_table_view(self.candidate_model)
        self.candidate_view.setObjectName("skillCandidates")
        self.candidate_label = QLabel(_("Who could fill the gap"))
        layout.addWidget(self.cell_label)
        layout.addWidget(QLabel(_("Demand of this cell")))
        layout.addWidget(self.demand_view, 1)
        layout.addWidget(self.candidate_label)
        layout.addWidget(self.candidate_view, 2)
        self.candidate_label.setVisible(allowed(self._user, Action.SKILL_GAP_PEOPLE))
        self.candidate_view.setVisible(allowed(self._user, Action.SKILL_GAP_PEOPLE))
        return side

    def _legend(self) -> QHBoxLayout:
        legend = QHBoxLayout()
        for status in supply.Status:
            label = QLabel(_(supply.STATUS_LABELS[status]))
            label.setStyleSheet(f"background-color: #{supply.STATUS_COLOURS[status]}; padding: 2px 8px;")
            legend.addWidget(label)
        explanation = QLabel(_("Each cell: people at or above the needed level / people needed. Grey: no demand "
                               "(people at level 1 or above)."))
        explanation.setWordWrap(True)  # wraps rather than widening the window (1366x768 at 150 %)
        legend.addWidget(explanation, 1)
        return legend

    def follow_catalogue(self, family: str | None) -> None:
        """On the スキル page the page's own catalogue chooser decides: show that one and hide this tab's."""
        for widget in (self.family_label, self.family):
            widget.hide()
        index = self.family.findData(family)
        if index >= 0 and index != self.family.currentIndex():
            self.family.setCurrentIndex(index)  # refreshes the map

    # -- loading ----------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Fill the catalogue and year lists again, then the map."""
        chosen_family, chosen_year = self.family.currentData(), self.year.currentData()
        for box in (self.family, self.year):
            box.blockSignals(True)
            box.clear()
        for family, name in demand.families(self._db):
            self.family.addItem(name, family)
        start = demand.default_family(self._db)
        self.family.setCurrentIndex(max(0, self.family.findData(chosen_family or start)))
        self.year.addItem(_("All fiscal years"), None)
        years = sorted({d.fiscal_year for d in demand.list_demands(self._db, self._user) if d.fiscal_year}, reverse=True)
        for year in years:
            self.year.addItem(format_fiscal_year(year), year)
        self.year.setCurrentIndex(max(0, self.year.findData(chosen_year)))
        for box in (self.family, self.year):
            box.blockSignals(False)
        self.refresh_map()

    def refresh_map(self) -> None:
        family = self.family.currentData()
        if family is None:
            self.model.set_map(None)
            self.status.setText(_("No skill catalogue yet: install one on the catalogue tab."))
            self.is_loaded = True
            return
        self.is_loaded = False
        self.status.setText(_("Counting…"))
        options = {"fiscal_year": self.year.currentData(), "demanded_only": self.demanded_only.isChecked()}
        user, on = self._user, self.on
        start_with_database(self._db, lambda db: supply.heat_map(db, user, family, on, **options), self._map_ready)

    def _map_ready(self, heat: supply.HeatMap | None, error: BaseException | None) -> None:
        self.is_loaded = True
        if error is not None:
            self.model.set_map(None)
            self.status.setText(str(error) if isinstance(error, UserError) else _("The map could not be counted."))
            if not isinstance(error, UserError):
                raise error
            return
        self.model.set_map(heat)
        self.view.setColumnWidth(0, 200)
        self.view.setColumnWidth(1, 44)
        short = len(heat.shortages())
        lines = sum(len(needs) for needs in heat.needs.values())
        self.status.setText(_("{rows} rows; {lines} demand lines, {short} not met").format(
            rows=len(heat.rows), lines=lines, short=short))
        self._show_cell(self.view.currentIndex())

    # -- the selected cell --------------------------------------------------------------------------------
    def selected(self) -> tuple[supply.MapRow, supply.CatalogueItem, supply.Cell] | None:
        index = self.view.currentIndex()
        cell = self.model.cell(index)
        if cell is None:
            return None
        heat = self.model.heat
        return heat.rows[index.row()], heat.items[index.column() - FIXED_COLUMNS], cell

    def _show_cell(self, *_args) -> None:
        chosen = self.selected()
        if chosen is None:
            self.cell_label.setText(_("Select a cell of the map."))
            self.demand_model.set_records([])
            self.candidate_model.set_records([])
            return
        row, item, cell = chosen
        lines = {d.id: d for d in demand.list_demands(self._db, self._user, self.model.heat.family)}
        self.demand_model.set_records([lines[n.demand_id] for n in cell.needs if n.demand_id in lines])
        self.cell_label.setText(f"{row.name} × {item.name}: {_(supply.STATUS_LABELS[cell.status])}")
        if not allowed(self._user, Action.SKILL_GAP_PEOPLE):
            return
        level = max((n.level for n in cell.needs if n.shortfall), default=None)
        if level is None:
            self.candidate_label.setText(_("Who could fill the gap (no gap here)"))
            self.candidate_model.set_records([])
            return
        found = supply.candidates(self._db, self._user, self.model.heat.family, item.code, level, self.on, row=row,
                                  limit=CANDIDATES_SHOWN)
        shown = f"{len(found)}+" if len(found) == CANDIDATES_SHOWN else str(len(found))
        self.candidate_label.setText(_("Who could fill the gap: level {level} or above, or one short ({n})").format(
            level=level, n=shown))
        self.candidate_model.set_records(found)

    # -- actions ------------------------------------------------------------------------------------------
    def _selected_line(self) -> demand.Demand | None:
        rows = self.demand_view.selectionModel().selectedRows()
        if rows:
            return self.demand_model.record_at(rows[0].row())
        return self.demand_model.record_at(0) if self.demand_model.rowCount() == 1 else None

    def add_demand(self) -> None:
        chosen = self.selected()
        preset = None
        if chosen is not None:
            row, item, _cell = chosen
            preset = demand.DemandInput(self.model.heat.family, item.code, 1,
                                        unit_id=row.id if row.kind == "unit" else None,
                                        project_id=row.id if row.kind == "project" else None)
        dialog = DemandDialog(self._db, self._user, self, family=self.family.currentData(), preset=preset)
        if run_modal(dialog):
            self.reload()

    def edit_demand(self) -> None:
        line = self._selected_line()
        if line is None:
            QMessageBox.information(self, _("Change demand"), _("Select a cell and one of its demand lines first."))
            return
        if run_modal(DemandDialog(self._db, self._user, self, family=line.catalogue_family, existing=line)):
            self.reload()

    def remove_demand(self) -> None:
        line = self._selected_line()
        if line is None:
            QMessageBox.information(self, _("Remove demand"), _("Select a cell and one of its demand lines first."))
            return
        answer = QMessageBox.question(self, _("Remove demand"), _("Remove the demand {item} level {level} × {people} "
                                      "of {target}?").format(item=line.item_name, level=line.level,
                                                             people=line.people, target=line.target_name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            demand.remove_demand(self._db, self._user, line.id)
        except UserError as exc:
            QMessageBox.warning(self, _("Remove demand"), str(exc))
            return
        self.reload()

    def export(self) -> None:
        family = self.family.currentData()
        if family is None:
            return
        path, _chosen = QFileDialog.getSaveFileName(self, _("Export the skill map"), "スキルマップ.xlsx",
                                                    _("Excel workbook (*.xlsx)"))
        if not path:
            return
        self.export_to(Path(path if path.lower().endswith(".xlsx") else path + ".xlsx"))

    def export_to(self, path: Path) -> None:
        """Write the map as shown (same catalogue, year and columns) to ``path``."""
        try:
            map_export.write_map(self._db, self._user, path, self.family.currentData(), self.on,
                                 fiscal_year=self.year.currentData(), demanded_only=self.demanded_only.isChecked())
        except (UserError, OSError) as exc:
            QMessageBox.warning(self, _("Export the skill map"), str(exc))
            return
        self.status.setText(_("Wrote the skill map to {path}.").format(path=path))
