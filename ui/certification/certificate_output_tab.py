"""出力: choose certifications, see the certificates, write them as PDF or print them.

Writing and printing run off the GUI thread (a few hundred certificates take
seconds). Every certificate written or printed is logged by the core, so the
next one carries 再発行; a batch with a name no font can print is refused whole
before anything is written or sent to the printer.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.certification import certificates
from app.register import settings
from app.register.accounts import User
from app.certification.certificates import CertificateData
from app.errors import UserError
from app.formatting import format_timestamp
from app.i18n import N_, _
from app.wareki import format_wareki
from ui.background import run_in_background, run_with_database
from ui.widgets.pdf_pages import print_pdf
from ui.widgets.pdf_preview import PdfPreview, PdfRenderer
from ui.widgets.table_model import RecordTableModel, record_table_view

FILTERS = [("new", N_("Not yet output")), ("all", N_("All active certifications"))]
DIRECTORY_KEY = "certificates/directory"
PDF_FILTER = N_("PDF (*.pdf)")
CEREMONY_FILTERS = {PDF_FILTER: ".pdf", N_("Excel workbook (*.xlsx)"): ".xlsx"}
DEBOUNCE_MS = 300


def _decided(row: dict) -> str:
    return format_wareki(date.fromisoformat(row["decided_on"]))


def _printed(row: dict) -> str:
    if not row["prints"]:
        return ""
    return _("{count} times, last {when}").format(count=row["prints"], when=format_timestamp(row["last_printed"]))


class OutputTab(QWidget):
    printed = Signal()  # certificates were written or printed: the log and the marks changed

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        top = self._build_list()
        options, buttons = self._build_output_options(), self._build_output_buttons()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(options)
        left_layout.addLayout(buttons)
        self.preview = PdfPreview()
        self.preview.setObjectName("certificatePreview")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._build_renderer()
        self.use_saved_template()
        if not certificates.output_list(db, user, new_only=True):
            self.filter.setCurrentIndex(self.filter.findData("all"))  # nothing new: show what can be reprinted
        self.reload()

    def _build_list(self) -> QHBoxLayout:
        """The certificates with the filter above them; returns the row above the table."""
        self.model = RecordTableModel([
            (_("Certificate no."), lambda r: r["certificate_no"]),
            (_("Name"), lambda r: r["name"]),
            (_("Level"), lambda r: r["level"]),
            (_("Decided on"), _decided),
            (_("Output"), _printed),
            (_("Mark on the next certificate"), lambda r: r["mark"]),
        ])
        self.table = record_table_view(self.model)
        self.table.setObjectName("certificateList")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.filter = QComboBox()
        self.filter.setObjectName("certificateFilter")
        for key, label in FILTERS:
            self.filter.addItem(_(label), key)
        self.filter.currentIndexChanged.connect(self.reload)
        select_all = QPushButton(_("Select all"))
        select_all.setObjectName("selectAllCertificates")
        select_all.clicked.connect(self.table.selectAll)
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.filter)
        top.addWidget(select_all)
        top.addWidget(self.count_label, 1)
        return top

    def _build_output_options(self) -> QHBoxLayout:
        self.template = QComboBox()
        self.template.setObjectName("certificateTemplate")
        for key, label in certificates.TEMPLATES.items():
            self.template.addItem(_(label), key)
        self.template.currentIndexChanged.connect(self.schedule_preview)
        self.per_person = QComboBox()
        self.per_person.setObjectName("certificatePerPerson")
        self.per_person.addItem(_("One PDF for all"), False)
        self.per_person.addItem(_("One file per person (into a folder)"), True)
        options = QHBoxLayout()
        options.addWidget(QLabel(_("Layout")))
        options.addWidget(self.template, 1)
        options.addWidget(QLabel(_("Files")))
        options.addWidget(self.per_person, 1)
        return options

    def _build_output_buttons(self) -> QHBoxLayout:
        self.output_button = QPushButton(_("Output PDF…"))
        self.output_button.setObjectName("certificateOutput")
        self.output_button.clicked.connect(self.choose_output)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("certificatePrint")
        self.print_button.clicked.connect(self.choose_printer)
        self.ceremony_button = QPushButton(_("Ceremony list…"))
        self.ceremony_button.setObjectName("ceremonyList")
        self.ceremony_button.setToolTip(_("授与者名簿: one A4 list of the people receiving the selected certificates"))
        self.ceremony_button.clicked.connect(self.choose_ceremony_list)
        buttons = QHBoxLayout()
        for button in (self.output_button, self.print_button, self.ceremony_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        return buttons

    def _build_renderer(self) -> None:
        """The preview is rendered off the GUI thread, a moment after the last change."""
        self.renderer = PdfRenderer(self)
        self.renderer.ready.connect(self.preview.set_pdf)
        self.renderer.failed.connect(self.preview.show_error)
        self.renderer.busy_changed.connect(self._busy)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh_preview)

    # -- list and selection -------------------------------------------------------------------
    def use_saved_template(self) -> None:
        """The layout chosen in the settings is the default here."""
        self.template.setCurrentIndex(max(0, self.template.findData(settings.get(self._db, "certificate_template"))))

    def reload(self) -> None:
        chosen = set(self.selected_ids())
        first_time = self.model.rowCount() == 0 and not chosen
        rows = certificates.output_list(self._db, self._user, new_only=self.filter.currentData() == "new")
        self.model.set_records(rows)
        selection = self.table.selectionModel()
        for row, record in enumerate(rows):
            if record["id"] in chosen or (first_time and self.filter.currentData() == "new"):
                selection.select(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
        self._selection_changed()

    def select_numbers(self, numbers: list[str]) -> None:
        """Select exactly these certificate numbers (for tests and for jumps from other screens)."""
        self.table.clearSelection()
        selection = self.table.selectionModel()
        for row in range(self.model.rowCount()):
            if self.model.record_at(row)["certificate_no"] in numbers:
                selection.select(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.record_at(row)["id"] for row in rows]

    def first_selected(self) -> CertificateData | None:
        ids = self.selected_ids()[:1]
        return certificates.certificates(self._db, ids)[0] if ids else None

    def _selection_changed(self, *_args) -> None:
        count = len(self.selected_ids())
        self.count_label.setText(_("{count} of {total} selected").format(count=count, total=self.model.rowCount()))
        for button in (self.output_button, self.print_button, self.ceremony_button):
            button.setEnabled(count > 0)
        self.schedule_preview()

    # -- preview ---------------------------------------------------------------------------------
    def schedule_preview(self, *_args) -> None:
        self._timer.start()

    def refresh_preview(self) -> None:
        """The certificates exactly as they would be written now (marks included), in the background."""
        self._timer.stop()
        ids = self.selected_ids()
        if not ids:
            self.preview.set_pdf(None, _("Select certifications to see their certificates."))
            return
        try:
            lay = certificates.layout(self._db, self.template.currentData())
            certs = certificates.certificates(self._db, ids)
        except UserError as exc:
            self.preview.show_error(str(exc))
            return
        self.renderer.request(lambda: certificates.pdf_bytes(lay, certs))

    def _busy(self, busy: bool) -> None:
        if busy:
            self.preview.set_message(_("Making the preview…"))

    def wait_for_preview(self) -> None:
        """Make a pending preview now and wait for it (its result arrives with the next events)."""
        if self._timer.isActive():
            self.refresh_preview()
        self.renderer.wait()

    # -- output ------------------------------------------------------------------------------------
    def _directory(self) -> str:
        return str(QSettings().value(DIRECTORY_KEY, "") or Path.home())

    def choose_output(self) -> None:
        per_person = bool(self.per_person.currentData())
        if per_person:
            folder = QFileDialog.getExistingDirectory(self, _("Folder for the certificates"), self._directory())
            if folder:
                self.write(Path(folder), per_person=True)
            return
        suggested = str(Path(self._directory()) / f"認定証_{date.today():%Y%m%d}.pdf")
        path, _filter = QFileDialog.getSaveFileName(self, _("Save certificates"), suggested, _(PDF_FILTER))
        if path:
            self.write(Path(path), per_person=False)

    def write(self, out: Path, per_person: bool) -> list[Path] | None:
        """Write the selected certificates through the core, off the GUI thread; then offer to open or print."""
        ids, template, user = self.selected_ids(), self.template.currentData(), self._user
        self.wait_for_preview()
        try:
            written = run_with_database(self, _("Writing certificates…"), self._db, lambda db: certificates.write(
                db, user, ids, out, template, per_person=per_person))
        except UserError as exc:
            QMessageBox.warning(self, _("Certificates"), str(exc))
            return None
        QSettings().setValue(DIRECTORY_KEY, str(out if per_person else out.parent))
        self.printed.emit()
        self.reload()
        self.offer_written(written, per_person, len(ids))
        return written

    def offer_written(self, written: list[Path], per_person: bool, count: int) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(_("Certificates"))
        box.setIcon(QMessageBox.Icon.Information)
        where = written[0].parent if per_person else written[0]
        box.setText(_("{count} certificates written to {path}.").format(count=count, path=where))
        open_button = box.addButton(_("Open folder") if per_person else _("Open PDF"), QMessageBox.ButtonRole.ActionRole)
        print_button = box.addButton(_("Print…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(_("Close"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is open_button:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(where)))
        elif box.clickedButton() is print_button:
            printer = self._ask_printer()
            if printer is not None:
                self.print_files(written, printer)

    def print_files(self, files: list[Path], printer: QPrinter) -> int:
        """Print PDFs just written (already in the print log: printing them is the same issue)."""
        documents = [path.read_bytes() for path in files]
        try:
            return run_in_background(self, _("Printing…"), lambda: print_pdf(documents, printer))
        except UserError as exc:
            QMessageBox.warning(self, _("Print"), str(exc))
            return 0

    # -- printing without a file ----------------------------------------------------------------------
    def _ask_printer(self) -> QPrinter | None:
        """The print dialog without page ranges: every certificate chosen is printed and logged."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, False)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, False)
        return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None

    def choose_printer(self) -> None:
        printer = self._ask_printer()
        if printer is not None:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Print the selected certificates on ``printer`` at 100 % and log them as ``write`` would.

        Returns the number of pages sent (0 when refused: the message names person and character).
        """
        ids, template = self.selected_ids(), self.template.currentData()
        self.wait_for_preview()
        try:
            certs = certificates.certificates(self._db, ids)
            data = certificates.pdf_bytes(certificates.layout(self._db, template), certs)  # refuses unprintable names
            pages = run_in_background(self, _("Printing…"), lambda: print_pdf([data], printer))
            name = printer.printerName() or printer.outputFileName()
            certificates.record_print(self._db, self._user, certs, template, name)
        except UserError as exc:
            QMessageBox.warning(self, _("Print"), str(exc))
            return 0
        self.printed.emit()
        self.reload()
        return pages

    # -- 授与者名簿 -------------------------------------------------------------------------------------
    def choose_ceremony_list(self) -> None:
        """PDF to print, or an Excel workbook to edit: the file's extension decides, as in the CLI."""
        suggested = str(Path(self._directory()) / f"授与者名簿_{date.today():%Y%m%d}.pdf")
        path, chosen = QFileDialog.getSaveFileName(self, _("Save ceremony list"), suggested,
                                                   ";;".join(_(f) for f in CEREMONY_FILTERS))
        if path:
            out = Path(path)
            if out.suffix.lower() not in certificates.CEREMONY_FORMATS:
                out = out.with_name(out.name + next((v for k, v in CEREMONY_FILTERS.items() if _(k) == chosen), ".pdf"))
            self.write_ceremony_list(out)

    def write_ceremony_list(self, out: Path) -> Path | None:
        ids, user = self.selected_ids(), self._user
        self.wait_for_preview()
        try:
            written = run_with_database(self, _("Writing the ceremony list…"), self._db,
                                        lambda db: certificates.ceremony_list(db, user, ids, out))
        except UserError as exc:
            QMessageBox.warning(self, _("Ceremony list"), str(exc))
            return None
        box = QMessageBox(self)
        box.setWindowTitle(_("Ceremony list"))
        box.setText(_("The ceremony list was written to {path}.").format(path=written))
        open_button = box.addButton(_("Open PDF") if written.suffix.lower() == ".pdf" else _("Open file"),
                                    QMessageBox.ButtonRole.ActionRole)
        box.addButton(_("Close"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is open_button:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))
        return written
