"""設定 (証書): the texts, honorific, layout, issuer and seal, with a preview that follows the typing.

Nothing is saved until 保存 (leaving with changes asks first, as 設定 does for the town and
issuer); the preview is drawn from the values being edited
(the first selected certificate, or a sample marked 見本). The municipality and
the mayor are the register's shared settings, also shown on the 設定 screen.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils
from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.certification import certificate_settings
from app.certification import certificates
from app.register import settings
from app.register.accounts import User
from app.certification.certificates import CertificateData
from app.errors import UserError
from app.i18n import N_, _
from ui.widgets.dialog_parts import error_label, save_discard_buttons, save_discard_or_stay
from ui.widgets.pdf_preview import PdfPreview, PdfRenderer

SEAL_FILTER = N_("PNG images (*.png)")
DEBOUNCE_MS = 300
_LINES = ("certificate_title", "municipality_name", "mayor_title", "mayor_name")


class CertificateSettingsTab(QWidget):
    saved = Signal()

    def __init__(self, db: sqlite_utils.Database, user: User,
                 certificate: Callable[[], CertificateData | None] = lambda: None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._certificate = db, user, certificate
        self._seal = ""  # base64 PNG being edited
        self._saved: dict[str, Any] = {}  # the values last loaded or saved
        self._loading = False
        self._build_text_fields()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_left())
        self.preview = PdfPreview()
        self.preview.setObjectName("settingsPreview")
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.renderer = PdfRenderer(self)
        self.renderer.ready.connect(self.preview.set_pdf)
        self.renderer.failed.connect(self.preview.show_error)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.load()

    def _build_text_fields(self) -> None:
        """The title, body and issuer lines, the honorific and the layout."""
        self.lines: dict[str, QLineEdit] = {}
        for key in _LINES:
            edit = QLineEdit()
            edit.setObjectName(key)
            edit.textChanged.connect(self._changed)
            self.lines[key] = edit
        self.body = QPlainTextEdit()
        self.body.setObjectName("certificate_body")
        self.body.setTabChangesFocus(True)
        self.body.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.body.textChanged.connect(self._changed)
        self.honorific = QComboBox()
        self.honorific.setObjectName("certificate_honorific")
        for text in certificate_settings.HONORIFICS:
            self.honorific.addItem(text, text)
        self.honorific.currentIndexChanged.connect(self._changed)
        self.template = QComboBox()
        self.template.setObjectName("settingsTemplate")
        for key, label in certificates.TEMPLATES.items():
            self.template.addItem(_(label), key)
        self.template.currentIndexChanged.connect(self._changed)

    def _build_seal_row(self) -> QHBoxLayout:
        """The seal image with its choose/remove buttons."""
        self.seal_image = QLabel()
        self.seal_image.setObjectName("sealImage")
        self.seal_image.setFixedSize(56, 56)
        self.seal_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.seal_image.setStyleSheet("border: 1px solid #bbb; background: white;")
        choose_seal = QPushButton(_("Choose image…"))
        choose_seal.setObjectName("chooseSeal")
        choose_seal.clicked.connect(self.choose_seal)
        self.remove_seal = QPushButton(_("Remove"))
        self.remove_seal.setObjectName("removeSeal")
        self.remove_seal.clicked.connect(lambda: self.set_seal(b""))
        self.seal_note = QLabel()
        self.seal_note.setWordWrap(True)
        seal_row = QHBoxLayout()
        seal_row.addWidget(self.seal_image)
        seal_buttons = QVBoxLayout()
        seal_buttons.addWidget(choose_seal)
        seal_buttons.addWidget(self.remove_seal)
        seal_row.addLayout(seal_buttons)
        seal_row.addStretch(1)
        return seal_row

    def _build_seal_placement(self) -> QHBoxLayout:
        """The seal's size and where it sits, moved from its place over the end of the issuer's name."""
        self.seal_mm = QSpinBox()
        self.seal_mm.setObjectName("certificate_seal_mm")
        self.seal_mm.setRange(*certificate_settings.SEAL_MM)
        self.seal_mm.setSuffix(" mm")
        self.seal_mm.valueChanged.connect(self._changed)
        self.seal_right, self.seal_up = QSpinBox(), QSpinBox()
        seal_offset = QHBoxLayout()
        for spin, name, text in ((self.seal_right, "sealRight", _("right")), (self.seal_up, "sealUp", _("up"))):
            spin.setObjectName(name)
            spin.setRange(*certificate_settings.SEAL_OFFSET_MM)
            spin.setSuffix(" mm")
            spin.valueChanged.connect(self._changed)
            seal_offset.addWidget(QLabel(text))
            seal_offset.addWidget(spin)
        seal_offset.addStretch(1)
        return seal_offset

    def _build_form(self) -> QFormLayout:
        seal_row, seal_offset = self._build_seal_row(), self._build_seal_placement()
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        label = lambda key: _(settings.SETTINGS[key].label)  # noqa: E731
        form.addRow(label("certificate_title"), self.lines["certificate_title"])
        form.addRow(_("Text"), self.body)
        placeholders = QLabel(_("{レベル}, {制度} and {自治体} are replaced by the level, the scheme and the "
                                "municipality."))
        placeholders.setWordWrap(True)
        placeholders.setStyleSheet("color: #555;")
        form.addRow("", placeholders)
        form.addRow(label("certificate_honorific"), self.honorific)
        form.addRow(label("certificate_template"), self.template)
        form.addRow(label("municipality_name"), self.lines["municipality_name"])
        form.addRow(label("mayor_title"), self.lines["mayor_title"])
        form.addRow(label("mayor_name"), self.lines["mayor_name"])
        form.addRow(label("certificate_seal_png"), seal_row)
        form.addRow("", self.seal_note)
        form.addRow(label("certificate_seal_mm"), self.seal_mm)
        form.addRow(label("certificate_seal_offset_mm"), seal_offset)
        return form

    def _build_left(self) -> QWidget:
        """The form (scrolling on a small screen) with the error line, and 保存 / 変更を破棄 below it."""
        self.error = error_label()
        self.error.setObjectName("settingsError")
        self.error.hide()
        buttons, self.save_button, self.revert_button = save_discard_buttons(
            self.save, self.load, "saveCertificateSettings", "discardCertificateSettings")
        fields = QWidget()
        fields_layout = QVBoxLayout(fields)
        fields_layout.addLayout(self._build_form())
        fields_layout.addWidget(self.error)
        fields_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(fields)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(scroll, 1)
        left_layout.addLayout(buttons)
        return left

    # -- values ------------------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """What the form holds now (saved or not)."""
        out: dict[str, Any] = {key: edit.text().strip() for key, edit in self.lines.items()}
        out.update({"certificate_body": self.body.toPlainText().strip(), "certificate_honorific": self.honorific.currentData(),
                    "certificate_template": self.template.currentData(), "certificate_seal_png": self._seal,
                    "certificate_seal_mm": self.seal_mm.value(),
                    "certificate_seal_offset_mm": [self.seal_right.value(), self.seal_up.value()]})
        return out

    def dirty(self) -> bool:
        """Edited since the last load or save (judged without reading the register, which may be closed)."""
        return self.values() != self._saved

    def load(self) -> None:
        """Show the saved settings (discarding edits)."""
        saved = self._saved = certificate_settings.values(self._db)
        self._loading = True
        try:
            for key, edit in self.lines.items():
                edit.setText(str(saved[key] or ""))
            self.body.setPlainText(saved["certificate_body"])
            self.honorific.setCurrentIndex(max(0, self.honorific.findData(saved["certificate_honorific"])))
            self.template.setCurrentIndex(max(0, self.template.findData(saved["certificate_template"])))
            self.seal_mm.setValue(int(saved["certificate_seal_mm"]))
            right, up = saved["certificate_seal_offset_mm"]
            self.seal_right.setValue(int(right))
            self.seal_up.setValue(int(up))
            self.set_seal(base64.b64decode(saved["certificate_seal_png"]) if saved["certificate_seal_png"] else b"")
        finally:
            self._loading = False
        self._changed()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if not self.dirty():
            self.load()  # the municipality may have been changed on the 設定 screen
        else:
            self._timer.start()  # the certificate chosen on 出力 may have changed
        super().showEvent(event)

    def _changed(self, *_args) -> None:
        if self._loading:
            return
        self.save_button.setEnabled(self.dirty())
        self.revert_button.setEnabled(self.save_button.isEnabled())
        self._timer.start()

    # -- seal ---------------------------------------------------------------------------------------------
    def choose_seal(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Official seal image"), str(Path.home()), _(SEAL_FILTER))
        if path:
            self.load_seal_file(Path(path))

    def load_seal_file(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
            certificate_settings.seal_info(data)
        except (OSError, UserError) as exc:
            QMessageBox.warning(self, _("Official seal image"), str(exc))
            return False
        self.set_seal(data)
        return True

    def set_seal(self, data: bytes) -> None:
        self._seal = base64.b64encode(data).decode("ascii") if data else ""
        self.remove_seal.setEnabled(bool(data))
        if data:
            info = certificate_settings.seal_info(data)
            pixmap = QPixmap()
            pixmap.loadFromData(QByteArray(data))
            self.seal_image.setPixmap(pixmap.scaled(52, 52, Qt.AspectRatioMode.KeepAspectRatio,
                                                    Qt.TransformationMode.SmoothTransformation))
            note = _("{width}×{height} pixels.").format(width=info.width, height=info.height)
            if not info.transparent:
                note += " " + _("The image has no transparency: its white background will cover the issuer's name.")
            self.seal_note.setText(note)
            self.seal_note.setStyleSheet("" if info.transparent else "color: #a15c00;")
        else:
            self.seal_image.clear()
            self.seal_image.setText(_("None"))
            self.seal_note.setText(_("A PNG with a transparent background, scanned at 300 dpi or more."))
            self.seal_note.setStyleSheet("color: #555;")
        self._changed()

    # -- preview and saving -------------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        self._timer.stop()
        try:
            lay = certificate_settings.layout_from(self.values())
            cert = self._certificate() or certificate_settings.sample_certificate(self._db)
            certificates.body_text(lay, cert)  # an unknown placeholder: say so beside the text too
        except UserError as exc:
            self._show_error(str(exc))
            self.preview.show_error(str(exc))
            return
        self._show_error("")
        self.renderer.request(lambda: certificates.pdf_bytes(lay, [cert]))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def wait_for_preview(self) -> None:
        """Make a pending preview now and wait for it (its result arrives with the next events)."""
        if self._timer.isActive():
            self.refresh_preview()
        self.renderer.wait()

    def confirm_leave(self) -> bool:
        """Before the screen changes or the window closes: unsaved settings are saved, dropped or kept."""
        if not self.dirty():
            return True
        return save_discard_or_stay(self, _("The certificate settings have unsaved changes. Save them?"),
                                    self.save, self.load)

    def save(self) -> bool:
        values = self.values()
        try:
            changed = certificate_settings.save(self._db, self._user, values)
        except UserError as exc:
            self._show_error(str(exc))
            QMessageBox.warning(self, _("Certificate settings"), str(exc))
            return False
        self._saved = certificate_settings.values(self._db)
        self._show_error("")
        self._changed()
        if changed:
            self.saved.emit()
        return True
