"""認定者名簿: every decision with its number, filters, revocation, re-issue, export and a person's path."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.certification import decisions
from app.certification import candidates
from app.overview import setup_guide
from app.register.accounts import User
from app.errors import UserError
from app.formatting import format_number
from app.i18n import N_, _
from app.register.permissions import Action, allowed
from app.certification.schemes import SchemeSpec
from app.wareki import format_fiscal_year, format_wareki
from ui.widgets.empty_hint import EmptyHint
from ui.widgets.table_model import RecordTableModel, record_table_view

EXPORT_FILTERS = {N_("Excel workbook (*.xlsx)"): ".xlsx", N_("CSV for Excel (UTF-8 with BOM) (*.csv)"): ".csv"}
REVOKED_COLOUR = QColor("#888888")


class _RegisterModel(RecordTableModel):
    """Revoked decisions stay listed, in grey."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            return REVOKED_COLOUR if self.record_at(index.row())["status"] == "revoked" else None
        return super().data(index, role)


def _status_text(record: dict) -> str:
    text = _(decisions.CERT_STATUSES[record["status"]])
    if record["revoked_on"]:
        text += " " + format_wareki(date.fromisoformat(record["revoked_on"]))
    return text


class RegisterTab(QWidget):
    changed = Signal()

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.level = QComboBox()
        self.level.setObjectName("registerLevel")
        self.year = QComboBox()
        self.year.setObjectName("registerYear")
        self.unit = QComboBox()
        self.unit.setObjectName("registerUnit")
        for box in (self.level, self.year, self.unit):
            box.setMinimumContentsLength(5)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.currentIndexChanged.connect(self.refresh_view)
        self.include_revoked = QCheckBox(_("Include revoked"))
        self.include_revoked.setObjectName("includeRevoked")
        self.include_revoked.setChecked(True)
        self.include_revoked.toggled.connect(self.refresh_view)
        filters = QHBoxLayout()
        for label, box, stretch in ((_("Level"), self.level, 1), (_("Fiscal year"), self.year, 1),
                                    (_("Affiliation"), self.unit, 2)):
            filters.addWidget(QLabel(label))
            filters.addWidget(box, stretch)
        filters.addWidget(self.include_revoked)

        # A tool bar folds its buttons into a menu when the window is narrow (1366×768 at 150 %).
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.actions_by_key: dict[str, QAction] = {}
        for key, label, slot in (("path", _("Certification path…"), self.show_path),
                                 ("revoke", _("Revoke…"), self.revoke),
                                 ("reissue", _("Re-issue…"), self.reissue),
                                 ("export", _("Export the register…"), self.export)):
            action = self.toolbar.addAction(label)
            action.setObjectName(f"register_{key}")
            action.triggered.connect(slot)
            self.actions_by_key[key] = action
        for key, action in (("revoke", Action.CERTIFY), ("reissue", Action.CERTIFY), ("export", Action.REGISTER_VIEW)):
            self.actions_by_key[key].setVisible(allowed(user, action))

        self.model = _RegisterModel([
            (_("Certificate no."), lambda r: r["certificate_no"]),
            (_("Name"), lambda r: r["name"]),
            (_("Affiliation"), lambda r: r["section"]),
            (_("Level"), lambda r: r["level"]),
            (_("Decided on"), decisions.decided_label),
            (_("Approver"), lambda r: r["approver"]),
            (_("Certification status"), _status_text),
            (_("Re-issues"), lambda r: r["reissues"] or ""),
        ], self)
        self.view = record_table_view(self.model)
        self.view.setObjectName("registerTable")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((190, 110, 190, 130, 120, 110, 70)):
            self.view.setColumnWidth(column, width)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.doubleClicked.connect(self._show_card)  # the path with its reasons: the tool bar
        self.empty_hint = EmptyHint(self.view, lambda: setup_guide.empty_hint(self._db, self._user, "register"))
        self.count_label = QLabel()
        self.count_label.setObjectName("registerCount")
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)

    def set_scheme(self, scheme: SchemeSpec | None) -> None:
        current = self.level.currentData()
        self.level.blockSignals(True)
        self.level.clear()
        self.level.addItem(_("All"), "")
        for level in scheme.levels if scheme else []:
            self.level.addItem(level.name, level.code)
        self.level.setCurrentIndex(max(0, self.level.findData(current)))
        self.level.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        for box, items in ((self.year, [(format_fiscal_year(fy), fy)
                                        for fy in candidates.register_fiscal_years(self._db)]),
                           (self.unit, [("\u3000" * depth + name, unit_id)
                                        for unit_id, name, depth in candidates.unit_choices(self._db)])):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(_("All"), None)
            for text, value in items:
                box.addItem(text, value)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)
        self.refresh_view()

    def filters(self) -> dict:
        return {"level_code": self.level.currentData() or None, "fiscal_year_filter": self.year.currentData(),
                "section_id": self.unit.currentData(), "include_revoked": self.include_revoked.isChecked()}

    def refresh_view(self) -> None:
        rows = decisions.register(self._db, self._user, **self.filters())
        self.model.set_records(rows)
        revoked = sum(r["status"] == "revoked" for r in rows)
        self.count_label.setText(_("{n} certifications ({revoked} revoked)").format(
            n=format_number(len(rows)), revoked=format_number(revoked)))

    def select_number(self, number: str) -> bool:
        for i in range(self.model.rowCount()):
            if self.model.record_at(i)["certificate_no"] == number:
                self.view.selectRow(i)
                return True
        return False

    def selected_record(self) -> dict | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def _need_selection(self, title: str) -> dict | None:
        record = self.selected_record()
        if record is None:
            QMessageBox.information(self, title, _("Select a certification in the register first."))
        return record

    # -- actions --------------------------------------------------------------------------------------
    def show_path(self) -> None:
        from ui.certification.dialogs import PersonPathDialog

        record = self._need_selection(_("Certification path"))
        if record is not None:
            PersonPathDialog(self._db, self._user, record["staff_id"], self).exec()

    def _show_card(self, index) -> None:
        from ui.overview.person_card import open_person_card, staff_id_at

        open_person_card(self, self._db, self._user, staff_id_at(self.view, index), tab="certifications")

    def revoke(self) -> None:
        from ui.certification.dialogs import RevokeDialog

        record = self._need_selection(_("Revoke a certification"))
        if record is None:
            return
        if record["status"] == "revoked":
            QMessageBox.information(self, _("Revoke a certification"),
                                    _("{number} has already been revoked.").format(number=record["certificate_no"]))
            return
        if RevokeDialog(self._db, self._user, record, self).exec():
            self._changed(record["certificate_no"])

    def reissue(self) -> None:
        from ui.certification.dialogs import ReissueDialog

        record = self._need_selection(_("Re-issue a certificate"))
        if record is None:
            return
        if record["status"] == "revoked":
            QMessageBox.information(self, _("Re-issue a certificate"), _("A revoked certification cannot be re-issued."))
            return
        if ReissueDialog(self._db, self._user, record, self).exec():
            self._changed(record["certificate_no"])

    def _changed(self, number: str) -> None:
        self.reload()
        self.select_number(number)
        self.changed.emit()

    def export(self) -> None:
        title = _("Export the register of certified staff")
        path, chosen = QFileDialog.getSaveFileName(self, title, "認定者名簿.xlsx", ";;".join(_(f) for f in EXPORT_FILTERS))
        if not path:
            return
        suffix = next((v for k, v in EXPORT_FILTERS.items() if _(k) == chosen), ".xlsx")
        out = Path(path)
        if out.suffix.lower() not in (".xlsx", ".csv"):
            out = out.with_suffix(suffix)
        try:
            n = decisions.export_register(self._db, out, self._user, **self.filters())
        except (UserError, OSError) as exc:
            QMessageBox.warning(self, title, str(exc))
            return
        QMessageBox.information(self, title, _("Wrote {n} certifications to {path}.").format(
            n=format_number(n), path=out))
