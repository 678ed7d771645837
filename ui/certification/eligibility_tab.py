"""認定候補: who can be certified on a date, and why — requirement by requirement.

The rows come from the core (certification_view.candidate_rows), computed on a
worker thread with its own connection: at tens of thousands of staff the engine
takes a second or two. Filtering by section, level and status is plain Python
over the computed rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.certification import candidates
from app.certification import eligibility
from app.staff import organisation
from app.overview import setup_guide
from app.register.accounts import User
from app.certification.candidates import CandidateRow
from app.formatting import format_number
from app.i18n import N_, _
from app.certification.schemes import SchemeSpec
from ui.background import run_with_database
from ui.widgets.empty_hint import EmptyHint
from ui.widgets.wareki_date import DateEdit
from ui.widgets.dialog_parts import ERROR_COLOUR

_Index = QModelIndex | QPersistentModelIndex
MET_COLOUR, UNMET_COLOUR, NEAR_COLOUR = QColor("#1b7f3b"), QColor(ERROR_COLOUR), QColor("#a15c00")
STATUS_COLOURS = {"eligible": MET_COLOUR, "near": NEAR_COLOUR, "not_yet": QColor("#666666")}
DATE_SETTLE_MS = 500
COLUMNS = [N_("Name"), N_("Reading"), N_("Next level"), N_("Result"), N_("Unmet"), N_("Affiliation"), N_("Position")]
NAME, READING, LEVEL, RESULT, UNMET, AFFILIATION, POSITION = range(len(COLUMNS))


class CandidateTableModel(QAbstractTableModel):
    """Candidate rows; eligible rows carry a check box when the user may approve."""

    checked_changed = Signal()

    def __init__(self, checkable: bool, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[CandidateRow] = []
        self._checkable = checkable
        self.checked: set[tuple[int, str]] = set()
        self._titles = [_(c) for c in COLUMNS]
        self._status = {key: _(label) for key, label in eligibility.STATUSES.items()}

    def set_rows(self, rows: Sequence[CandidateRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> CandidateRow:
        return self._rows[row]

    def rows(self) -> list[CandidateRow]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def _can_check(self, row: CandidateRow) -> bool:
        return self._checkable and row.status == "eligible"

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0 and self._can_check(self._rows[index.row()]):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.name, row.reading, row.level_name, self._status[row.status], str(row.unmet),
                    row.section or row.department, row.position)[column]
        if role == Qt.ItemDataRole.CheckStateRole and column == 0 and self._can_check(row):
            return Qt.CheckState.Checked if row.key in self.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and column in (RESULT, UNMET):
            return STATUS_COLOURS[row.status]
        if role == Qt.ItemDataRole.ToolTipRole and column == AFFILIATION:
            return f"{row.department} {row.section}".strip()
        if role == Qt.ItemDataRole.TextAlignmentRole and column == UNMET:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        row = self._rows[index.row()]
        if not self._can_check(row):
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.checked.add(row.key)
        else:
            self.checked.discard(row.key)
        self.dataChanged.emit(index, index, [role])
        self.checked_changed.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._titles[section]
        return None


class ReasonsPanel(QWidget):
    """Every requirement of the chosen candidate with the engine's own sentence, green when met, red when not."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setObjectName("reasonsHeading")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;")
        self.status = QLabel()
        self.status.setObjectName("reasonsStatus")
        self.lines_box = QWidget()
        self.lines = QVBoxLayout(self.lines_box)
        self.lines.setContentsMargins(0, 0, 0, 0)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #555;")
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.heading)
        inner_layout.addWidget(self.status)
        inner_layout.addWidget(self.lines_box)
        inner_layout.addWidget(self.description)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(_("Requirements"))
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        layout.addWidget(scroll, 1)
        self.show_candidate(None, "")

    def line_labels(self) -> list[QLabel]:
        return [self.lines.itemAt(i).widget() for i in range(self.lines.count())]

    def texts(self) -> list[str]:
        return [label.text() for label in self.line_labels()]

    def show_candidate(self, row: CandidateRow | None, description: str) -> None:
        while self.lines.count():
            widget = self.lines.takeAt(0).widget()
            widget.hide()  # gone now, not only when the event loop deletes it
            widget.deleteLater()
        if row is None:
            self.heading.setText(_("Choose a person in the list to see each requirement."))
            self.status.clear()
            self.description.clear()
            return
        self.heading.setText(_("{name} → {level}").format(name=row.name, level=row.level_name))
        colour = STATUS_COLOURS[row.status].name()
        self.status.setText(_(eligibility.STATUSES[row.status]))
        self.status.setStyleSheet(f"color: {colour}; font-weight: bold;")
        for result in row.results:
            label = QLabel(result.text)
            label.setObjectName("reasonLine")
            label.setProperty("met", result.met)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            colour = MET_COLOUR if result.met else UNMET_COLOUR
            label.setStyleSheet(f"color: {colour.name()}; padding: 2px 0;")
            self.lines.addWidget(label)
        self.description.setText(description)


class EligibilityTab(QWidget):
    """The candidate list with filters and counts, the reasons beside it, and approval for the administrator."""

    certified = Signal(list)  # the certificate numbers issued

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._scheme: SchemeSpec | None = None
        self._rows: list[CandidateRow] = []
        self._ancestors: dict[int, frozenset[int]] = {}
        top, statuses = self._build_filters(), self._build_statuses()
        self._build_table()
        self.reasons = ReasonsPanel()
        self.reasons.setObjectName("reasonsPanel")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(self.reasons)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([560, 340])
        self.summary = QLabel()
        self.summary.setObjectName("candidateSummary")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(statuses)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        self.status_buttons[""].setChecked(True)

    def _build_filters(self) -> QHBoxLayout:
        """The date the engine judges at, and the affiliation and level filters."""
        self.as_of = DateEdit()
        self.as_of.setObjectName("asOf")
        # Typing a date changes it several times: run the engine once the date has settled.
        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(DATE_SETTLE_MS)
        self._date_timer.timeout.connect(self.reload)
        self.as_of.date_changed.connect(lambda _day: self._date_timer.start())
        self.unit = QComboBox()
        self.unit.setObjectName("unitFilter")
        self.unit.setMinimumContentsLength(6)
        self.unit.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.level = QComboBox()
        self.level.setObjectName("levelFilter")
        self.level.setMinimumContentsLength(6)
        self.level.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for box in (self.unit, self.level):
            box.currentIndexChanged.connect(self.refresh_view)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("As of")))
        top.addWidget(self.as_of)
        top.addWidget(QLabel(_("Affiliation")))
        top.addWidget(self.unit, 2)
        top.addWidget(QLabel(_("Level")))
        top.addWidget(self.level, 1)
        return top

    def _build_statuses(self) -> QHBoxLayout:
        """One toggle per result, and for the administrator tick-all and certify."""
        self.status_group = QButtonGroup(self)
        self.status_group.setExclusive(True)
        self.status_buttons: dict[str, QPushButton] = {}
        statuses = QHBoxLayout()
        for key in ("", *eligibility.STATUSES):
            button = QPushButton()
            button.setObjectName(f"status_{key or 'all'}")
            button.setCheckable(True)
            self.status_group.addButton(button)
            self.status_buttons[key] = button
            statuses.addWidget(button)
            button.toggled.connect(lambda checked: checked and self.refresh_view())
        statuses.addStretch(1)
        self.select_all_button = QPushButton(_("Tick all eligible"))
        self.select_all_button.setObjectName("tickAll")
        self.select_all_button.clicked.connect(self.tick_all_eligible)
        self.approve_button = QPushButton(_("Certify the selected staff…"))
        self.approve_button.setObjectName("approveSelected")
        self.approve_button.clicked.connect(self.approve_selected)
        statuses.addWidget(self.select_all_button)
        statuses.addWidget(self.approve_button)
        for button in (self.select_all_button, self.approve_button):
            button.setVisible(self._user.is_admin)
        return statuses

    def _build_table(self) -> None:
        self.model = CandidateTableModel(self._user.is_admin, self)
        self.model.checked_changed.connect(self._update_buttons)
        self.view = QTableView()
        self.view.setObjectName("candidateTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((120, 130, 120, 70, 50, 170, 70)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().currentRowChanged.connect(lambda current, _prev: self._show_reasons(current.row()))
        self.empty_hint = EmptyHint(self.view, lambda: setup_guide.empty_hint(self._db, self._user, "candidates"))
        self.view.doubleClicked.connect(self._show_card)

    # -- data ------------------------------------------------------------------------------------------
    def set_scheme(self, scheme: SchemeSpec | None) -> None:
        self._scheme = scheme
        self.level.blockSignals(True)
        current = self.level.currentData()
        self.level.clear()
        self.level.addItem(_("All"), "")
        for level in scheme.levels if scheme else []:
            self.level.addItem(level.name, level.code)
        self.level.setCurrentIndex(max(0, self.level.findData(current)))
        self.level.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        """Run the engine again (new date, new decisions, new scheme version)."""
        self._date_timer.stop()
        self._fill_units()
        if self._scheme is None:
            self._rows = []
        else:
            scheme, day, user = self._scheme, self.as_of.date(), self._user
            self._rows = run_with_database(self, _("Checking the requirements…"), self._db,
                                           lambda db: candidates.candidate_rows(db, user, scheme, day))
        eligible = {r.key for r in self._rows if r.status == "eligible"}
        self.model.checked &= eligible
        self.refresh_view()

    def _fill_units(self) -> None:
        self._ancestors = organisation.unit_ancestors(self._db)
        current = self.unit.currentData()
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(_("All"), None)
        for unit_id, name, depth in candidates.unit_choices(self._db):
            self.unit.addItem("\u3000" * depth + name, unit_id)
        self.unit.setCurrentIndex(max(0, self.unit.findData(current)))
        self.unit.blockSignals(False)

    def refresh_view(self) -> None:
        base = candidates.filter_candidates(self._rows, self._ancestors, self.unit.currentData(),
                                                    self.level.currentData() or "")
        counts = candidates.status_counts(base)
        self.status_buttons[""].setText(_("All ({n})").format(n=format_number(len(base))))
        for key, label in eligibility.STATUSES.items():
            self.status_buttons[key].setText(_("{label} ({n})").format(label=_(label), n=format_number(counts[key])))
        status = next(key for key, button in self.status_buttons.items() if button.isChecked())
        shown = [r for r in base if not status or r.status == status]
        selected = self.current_row()
        self.model.set_rows(shown)
        if selected is not None:
            index = next((i for i, r in enumerate(shown) if r.key == selected.key), None)
            if index is not None:
                self.view.selectRow(index)
        if self.view.selectionModel().currentIndex().row() < 0:
            self._show_reasons(-1)
        self._update_buttons()

    def _update_buttons(self) -> None:
        ticked = len(self.model.checked)
        self.approve_button.setEnabled(self._scheme is not None)
        self.summary.setText(_("{shown} candidates shown · {ticked} ticked for certification").format(
            shown=format_number(self.model.rowCount()), ticked=format_number(ticked)) if self._user.is_admin
            else _("{shown} candidates shown").format(shown=format_number(self.model.rowCount())))

    def current_row(self) -> CandidateRow | None:
        row = self.view.selectionModel().currentIndex().row() if self.view.selectionModel() else -1
        return self.model.row_at(row) if 0 <= row < self.model.rowCount() else None

    def _show_reasons(self, row: int) -> None:
        if 0 <= row < self.model.rowCount() and self._scheme is not None:
            candidate = self.model.row_at(row)
            self.reasons.show_candidate(candidate, self._scheme.level(candidate.level_code).description)
        else:
            self.reasons.show_candidate(None, "")

    def _show_card(self, index) -> None:
        from ui.overview.person_card import open_person_card

        if index.isValid():
            open_person_card(self, self._db, self._user, self.model.row_at(index.row()).staff_id)

    def select_person(self, staff_id: int, level_code: str | None = None) -> bool:
        """Make a person (and level) the current row, e.g. from a test or a link; False when not shown."""
        for i, row in enumerate(self.model.rows()):
            if row.staff_id == staff_id and (level_code is None or row.level_code == level_code):
                self.view.selectRow(i)
                self.view.setCurrentIndex(self.model.index(i, 0))
                return True
        return False

    # -- approval ------------------------------------------------------------------------------------
    def tick_all_eligible(self) -> None:
        for i, row in enumerate(self.model.rows()):
            if row.status == "eligible":
                self.model.setData(self.model.index(i, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)

    def picked_rows(self) -> list[CandidateRow]:
        """Ticked rows (wherever the filters hide them), else the rows selected in the list."""
        if self.model.checked:
            return [r for r in self._rows if r.key in self.model.checked]
        return [self.model.row_at(index.row()) for index in self.view.selectionModel().selectedRows()]

    def approve_selected(self) -> None:
        from ui.certification.dialogs import ApproveDialog

        title = _("Certify the selected staff")
        if not self._user.is_admin or self._scheme is None:
            QMessageBox.warning(self, title, _("Only the administrator can do this."))
            return
        picked = self.picked_rows()
        if not picked:
            QMessageBox.information(self, title, _("Tick the eligible people to certify (or select them in the list)."))
            return
        # Held back only by an earlier revocation: the approval dialog asks for the reason to certify again.
        refused = [r for r in picked if r.status != "eligible" and not eligibility.only_revocation_unmet(r.results)]
        if refused:
            QMessageBox.warning(self, title, _(
                "Only people who meet every requirement can be certified. Not eligible: {names}").format(
                names="、".join(f"{r.name}({r.level_name})" for r in refused[:10])
                + (_(" and {n} more").format(n=len(refused) - 10) if len(refused) > 10 else "")))
            return
        dialog = ApproveDialog(self._db, self._user, self._scheme, picked, self.as_of.date(), self)
        if not dialog.exec():
            return
        numbers = dialog.numbers
        self.model.checked.clear()
        self.reload()
        self.certified.emit(numbers)
        listed = "\n".join(numbers[:15]) + ("\n" + _("… and {n} more").format(n=len(numbers) - 15)
                                            if len(numbers) > 15 else "")
        QMessageBox.information(self, title, _("{n} people were certified. Certificate numbers:\n{numbers}").format(
            n=len(numbers), numbers=listed))
