"""Pieces every dialog uses: the red error line, OK/Cancel wired to a submit, a size that fits the screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QWidget

from app.i18n import N_

# The one red of refusals and warnings that must not be missed; every screen takes it from here.
ERROR_COLOUR = "#b00020"
ERROR_STYLE = f"color: {ERROR_COLOUR};"
# The encodings an import dialog offers for a CSV (label msgid, codec; None = detect).
ENCODINGS = [(N_("Detect automatically"), None), ("Shift_JIS (CP932)", "cp932"), ("UTF-8", "utf-8"),
             (N_("UTF-8 with BOM"), "utf-8-sig")]


def error_label() -> QLabel:
    """Where a dialog shows the service's refusal; selectable so that it can be copied into a report."""
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def run_modal(dialog: QDialog) -> int:
    """exec() the dialog, then have Qt delete it on the GUI thread once it is closed.

    PySide hands an exec()'d dialog to Python: one caught in a reference cycle (a model holding
    one of its methods) would otherwise live until a garbage collection, wherever that runs.
    The caller may still read the dialog's attributes until control returns to the event loop.
    """
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()


def ok_cancel(dialog, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """OK runs ``on_ok`` (which accepts the dialog when the service agreed); Cancel rejects."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def import_cancel(dialog, on_import: Callable[[], None], name: str) -> tuple[QDialogButtonBox, QPushButton]:
    """取り込む (disabled until a preview without errors) and キャンセル, for the import dialogs."""
    from app.i18n import _

    buttons = QDialogButtonBox()
    import_button = buttons.addButton(_("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
    import_button.setObjectName(name)
    import_button.setEnabled(False)
    buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(on_import)
    buttons.rejected.connect(dialog.reject)
    return buttons, import_button


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """The wished size where it fits, else 95 % × 90 % of the screen (1366×768 at 150 % is about 910×512)."""
    screen = widget.screen() or QApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        width, height = min(width, int(available.width() * 0.95)), min(height, int(available.height() * 0.9))
    widget.resize(width, height)


def save_discard_buttons(save: Callable[[], object], discard: Callable[[], object], save_name: str,
                         discard_name: str) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    """保存 and 変更を破棄 at the right, for a settings form saved as a whole: (row, save, discard)."""
    from app.i18n import _

    save_button = QPushButton(_("Save"))
    save_button.setObjectName(save_name)
    save_button.clicked.connect(save)
    discard_button = QPushButton(_("Discard changes"))
    discard_button.setObjectName(discard_name)
    discard_button.clicked.connect(discard)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(discard_button)
    row.addWidget(save_button)
    return row, save_button, discard_button


def save_discard_or_stay(parent: QWidget, text: str, save: Callable[[], bool], discard: Callable[[], None]) -> bool:
    """Before leaving a form with unsaved changes: 保存 / 変更を破棄 / このまま続ける. True when it may be left.

    One question for every form whose settings are saved with 保存, so that leaving never saves
    or drops an edit without the officer's word.
    """
    from PySide6.QtWidgets import QMessageBox

    from app.i18n import _

    box = QMessageBox(QMessageBox.Icon.Question, _("Unsaved changes"), text, parent=parent)
    save_button = box.addButton(_("Save"), QMessageBox.ButtonRole.AcceptRole)
    discard_button = box.addButton(_("Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(_("Stay here"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save_button)
    box.exec()
    if box.clickedButton() is save_button:
        return save()
    if box.clickedButton() is discard_button:
        discard()
        return True
    return False
