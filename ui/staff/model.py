"""Table model over staff rows that the core has already filtered and sorted."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.i18n import _, tr
from app.staff.directory import COLUMN_TITLES, STATUS_LABELS, Column, StaffRow

_Index = QModelIndex | QPersistentModelIndex


class StaffTableModel(QAbstractTableModel):
    """Shows a list of StaffRow; a new filter or sort replaces the list and resets the model."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[StaffRow] = []
        self._status_text = {key: _(label) for key, label in STATUS_LABELS.items()}
        self._titles = [tr(COLUMN_TITLES[c]) for c in Column]

    def set_rows(self, rows: Sequence[StaffRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> StaffRow:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            row = self._rows[index.row()]
            column = Column(index.column())
            if column is Column.STATUS:
                return self._status_text.get(row.status, row.status)
            return row.value(column)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == Column.NAME:
            return self._rows[index.row()].reading
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._titles[section]
        return None
