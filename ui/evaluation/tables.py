"""Read-only tables for the evaluation screens: rows that need attention are tinted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableView

from app.evaluation import ratings
from app.evaluation import rubrics
from app.i18n import _
from ui.widgets.table_model import RecordTableModel, record_table_view

ATTENTION = QColor("#ffe3b3")   # a flag or a missing figure: look here
MUTED = QColor("#fbe9e7")       # not enough raters
DONE = QColor("#e3f2e1")        # submitted


class TintedTableModel(RecordTableModel):
    """RecordTableModel with an optional tint per record and column (None: no tint)."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[Any], Any]]],
                 tint: Callable[[Any, int], QColor | None] | None = None, parent=None) -> None:
        super().__init__(columns, parent)
        self._tint = tint

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.BackgroundRole and self._tint is not None:
            return self._tint(self.record_at(index.row()), index.column())
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            return super().data(index, Qt.ItemDataRole.DisplayRole)  # long names are elided in narrow windows
        return super().data(index, role)

    def column_texts(self) -> list[str]:
        """Every cell as shown, for checks that nothing confidential is displayed."""
        return [self.index(r, c).data() or "" for r in range(self.rowCount()) for c in range(self.columnCount())]


def tinted_table(model: TintedTableModel, name: str) -> QTableView:
    """A row-selecting table whose columns can be narrowed by hand (no clipping at 150 %)."""
    view = record_table_view(model)
    view.setObjectName(name)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view


def fit_columns(view: QTableView, maximum: int = 260) -> None:
    """Size columns to their contents once, capped so that one long name cannot push the others away."""
    view.resizeColumnsToContents()
    for column in range(view.model().columnCount()):
        if view.columnWidth(column) > maximum:
            view.setColumnWidth(column, maximum)


def kind_label(row: dict) -> str:
    """The evaluator kind of an assignment row, translated (e.g. デジタル部門)."""
    kind = row["evaluator_kind"]
    return _(rubrics.EVALUATOR_KINDS[kind])


def status_label(row: dict) -> str:
    """未着手 / 下書き / 提出済み."""
    status = row["status"]
    return _(ratings.ASSIGNMENT_STATUSES[status])
