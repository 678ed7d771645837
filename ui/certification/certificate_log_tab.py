"""出力記録: every certificate written or printed, newest first (the log is append-only)."""

from __future__ import annotations

import sqlite_utils
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.certification import certificates
from app.register.accounts import User
from app.formatting import format_timestamp
from app.i18n import N_, _
from ui.widgets.table_model import RecordTableModel, record_table_view

KINDS = {"first": N_("First issue"), "reprint": N_("Reprint")}


def _file(row: dict) -> str:
    return row["file_name"] or _("(printed)")


class PrintLogTab(QWidget):
    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.model = RecordTableModel([
            (_("Output at"), lambda r: format_timestamp(r["printed_at"])),
            (_("By"), lambda r: r["printed_by"]),
            (_("Certificate no."), lambda r: r["certificate_no"]),
            (_("Name"), lambda r: r["name"]),
            (_("Kind"), lambda r: _(KINDS.get(r["kind"], r["kind"]))),
            (_("Layout"), lambda r: _(certificates.TEMPLATES.get(r["template"], r["template"]))),
            (_("File"), _file),
        ])
        self.table = record_table_view(self.model)
        self.table.setObjectName("printLog")
        self.count = QLabel()
        reload_button = QPushButton(_("Reload"))
        reload_button.setObjectName("reloadPrintLog")
        reload_button.clicked.connect(self.reload)
        bar = QHBoxLayout()
        bar.addWidget(self.count, 1)
        bar.addWidget(reload_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def reload(self) -> None:
        rows = certificates.print_log(self._db, self._user)
        self.model.set_records(rows)
        self.count.setText(_("{count} certificates output").format(count=len(rows)))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        self.reload()
        super().showEvent(event)
