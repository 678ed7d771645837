"""The form dialog base: a refusal stays in the dialog's red line, success accepts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QVBoxLayout

from app.errors import UserError
from ui.widgets.dialog_parts import ERROR_COLOUR
from ui.widgets.form_dialog import FormDialog


class _NameForm(FormDialog):
    """Refuses an empty name the way a service does."""

    def __init__(self, **options) -> None:
        self.saved: list[str] = []
        super().__init__("氏名", **options)

    def build(self, layout: QVBoxLayout) -> None:
        self.name = QLineEdit()
        layout.addWidget(self.name)

    def apply(self) -> None:
        if not self.name.text().strip():
            raise UserError("氏名を入力してください。")
        self.saved.append(self.name.text())


def test_a_refusal_is_shown_in_the_error_line_and_the_dialog_stays_open(qtbot):
    dialog = _NameForm()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("   ")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.error_label.text() == "氏名を入力してください。"
    assert dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.name.text() == "   " and dialog.saved == []  # nothing typed is lost
    assert ERROR_COLOUR in dialog.error_label.styleSheet()


def test_success_accepts(qtbot):
    dialog = _NameForm()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("山田 太郎")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert dialog.saved == ["山田 太郎"] and dialog.error_label.text() == ""


def test_a_button_of_its_own_beside_cancel_submits(qtbot):
    dialog = _NameForm(ok_text="認定する", ok_name="approveButton", standard=QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.ok_button.objectName() == "approveButton" and dialog.ok_button.text() == "認定する"
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.error_label.text() == "氏名を入力してください。"
    dialog.name.setText("山田 太郎")
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_the_error_colour_is_written_once():
    """One constant, so that the red of refusals is the same on every screen."""
    ui = Path(__file__).resolve().parents[1] / "ui"
    places = [str(p.relative_to(ui)) for p in ui.rglob("*.py") if ERROR_COLOUR in p.read_text(encoding="utf-8")]
    assert places == ["widgets/dialog_parts.py"]
