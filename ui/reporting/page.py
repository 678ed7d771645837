"""レポート: choose a report and a fiscal year, see it page by page, save it as PDF (A4) or xlsx.

The report is built on a worker with its own connection (app/reporting reads the whole register for
some of them) and drawn to PDF off the GUI thread by the shared preview renderer, so the window never
freezes; saving builds it again from the register, so what is written is what the register says now.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlite_utils
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.reporting import document, reports
from app.targets.targets import year_choices
from app.wareki import fiscal_year, format_fiscal_year
from ui.background import run_with_database, start_with_database
from ui.widgets.pdf_preview import PdfPreview, PdfRenderer

FILTERS = {".pdf": N_("PDF (*.pdf)"), ".xlsx": N_("Excel workbook (*.xlsx)")}


class ReportsPage(QWidget):
    """The レポート navigation page."""

    def __init__(self, db: sqlite_utils.Database, user: User, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_reports")
        self._db, self._user = db, user
        self._today = today or date.today()
        self.report_box = QComboBox()
        self.report_box.setObjectName("reportChoice")
        for kind in reports.available(user):
            self.report_box.addItem(_(kind.title), kind.key)
        self.year_box = QComboBox()
        self.year_box.setObjectName("reportYear")
        this = fiscal_year(self._today)
        for fy in sorted(set(year_choices(db, self._today)) | {this}, reverse=True):
            self.year_box.addItem(format_fiscal_year(fy), fy)
        self.year_box.setCurrentIndex(self.year_box.findData(this))
        self.save_pdf = QPushButton(_("Save as PDF…"))
        self.save_pdf.setObjectName("savePdf")
        self.save_xlsx = QPushButton(_("Save as Excel…"))
        self.save_xlsx.setObjectName("saveXlsx")
        self.preview = PdfPreview()
        self.renderer = PdfRenderer(self)
        self.renderer.ready.connect(self.preview.set_pdf)
        self.renderer.failed.connect(self.preview.show_error)
        self.report: document.Report | None = None
        self._generation = 0
        self._building = False
        self._layout()
        self.report_box.currentIndexChanged.connect(self.refresh)
        self.year_box.currentIndexChanged.connect(self.refresh)
        self.save_pdf.clicked.connect(lambda: self.save(".pdf"))
        self.save_xlsx.clicked.connect(lambda: self.save(".xlsx"))
        self.refresh()

    def _layout(self) -> None:
        heading = QLabel(_("Reports"))
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        bar = QHBoxLayout()
        for label, box in ((_("Report"), self.report_box), (_("Fiscal year"), self.year_box)):
            bar.addWidget(QLabel(label))
            bar.addWidget(box)
        bar.addStretch(1)
        bar.addWidget(self.save_pdf)
        bar.addWidget(self.save_xlsx)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(bar)
        layout.addWidget(self.preview, 1)

    # -- what is chosen ---------------------------------------------------------------------------
    @property
    def key(self) -> str:
        return self.report_box.currentData()

    @property
    def fiscal_year(self) -> int:
        return self.year_box.currentData()

    def refresh(self) -> None:
        """Build the chosen report on a worker, then have it drawn for the preview."""
        self._generation += 1
        generation, key, fy, today, user = self._generation, self.key, self.fiscal_year, self._today, self._user
        self.preview.set_pdf(None, _("Making the report…"))
        self._building = True

        def done(report: document.Report | None, error: BaseException | None) -> None:
            if generation != self._generation:
                return  # a newer choice is on its way
            self._building = False
            if error is not None:
                self.report = None
                self.preview.show_error(str(error) if isinstance(error, UserError) else
                                        _("The preview could not be made: {error}").format(error=error))
                return
            self.report = report
            self.renderer.request(lambda: document.to_pdf(report))

        start_with_database(self._db, lambda db: reports.build(db, user, key, fy, today), done)

    @property
    def busy(self) -> bool:
        """A report is being built or drawn (tests wait for this before the register is closed)."""
        return self._building or self.renderer.busy

    # -- saving -----------------------------------------------------------------------------------
    def suggested_name(self, suffix: str) -> str:
        return f"{format_fiscal_year(self.fiscal_year)}_{self.report_box.currentText()}{suffix}"

    def save(self, suffix: str, path: Path | None = None) -> Path | None:
        """Write the chosen report to a file the officer names (PDF or xlsx)."""
        if path is None:
            name, _filter = QFileDialog.getSaveFileName(self, _("Save the report"), self.suggested_name(suffix),
                                                        _(FILTERS[suffix]))
            if not name:
                return None
            path = Path(name)
            if path.suffix.lower() != suffix:
                path = path.with_name(path.name + suffix)
        key, fy, today, user = self.key, self.fiscal_year, self._today, self._user
        try:
            run_with_database(self, _("Making the report…"), self._db,
                              lambda db: document.save(reports.build(db, user, key, fy, today), path))
        except UserError as exc:
            QMessageBox.warning(self, _("Reports"), str(exc))
            return None
        except OSError as exc:
            QMessageBox.warning(self, _("Reports"), _("Could not write {file}: {error}").format(
                file=path, error=exc.strerror or exc))
            return None
        return path

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.renderer.wait()
        super().closeEvent(event)
