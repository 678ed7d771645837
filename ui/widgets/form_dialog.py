"""The form dialog every "fill in, press OK, the service decides" dialog is built on.

It owns what those dialogs used to repeat by hand: the red error line, the OK/Cancel box and
the handling of a refusal. A subclass fills in two hooks:

- ``build(layout)`` adds the body (form, lists, notes) above the error line and the buttons;
- ``apply()`` calls the service and raises ``UserError`` when it refuses (a check of its own,
  such as "choose a rater", raises one too).

OK runs ``apply``: a refusal shows the service's words in the error line and the dialog stays
open with everything typed; success accepts. ``build`` runs inside ``__init__``, so a subclass
sets what ``build`` needs (the database, the user, the record) before calling ``super().__init__``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from app.errors import UserError
from ui.widgets.dialog_parts import error_label

StandardButton = QDialogButtonBox.StandardButton
OK_CANCEL = StandardButton.Ok | StandardButton.Cancel


class FormDialog(QDialog):
    """Body from ``build``, then the error line, then the buttons; OK → ``apply`` → accept or show the refusal."""

    def __init__(self, title: str, parent: QWidget | None = None, *, ok_text: str | None = None,
                 ok_name: str = "", standard: StandardButton = OK_CANCEL) -> None:
        """``standard`` the box's buttons; ``ok_text`` renames OK/Save, or, in a box without either, is a
        button of its own in the accept role (``ok_name`` its object name)."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(standard)
        self.ok_button = self._ok_button(ok_text)
        if ok_name and self.ok_button is not None:
            self.ok_button.setObjectName(ok_name)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.form_layout = QVBoxLayout(self)
        self.build(self.form_layout)
        self.form_layout.addWidget(self.error_label)
        self.form_layout.addWidget(self.buttons)

    def _ok_button(self, text: str | None) -> QPushButton | None:
        button = self.buttons.button(StandardButton.Ok) or self.buttons.button(StandardButton.Save)
        if button is None and text:
            button = QPushButton(text)
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        elif button is not None and text:
            button.setText(text)
        return button

    def build(self, layout: QVBoxLayout) -> None:  # pragma: no cover - overridden
        """Add the body of the dialog to ``layout`` (above the error line and the buttons)."""
        raise NotImplementedError

    def apply(self) -> None:  # pragma: no cover - overridden
        """Hand the form to the service; raise ``UserError`` when it (or a check here) refuses."""
        raise NotImplementedError

    def submit(self) -> None:
        """What OK does: the refusal goes into the error line and the dialog stays open; success accepts."""
        try:
            self.apply()
        except UserError as exc:
            self.show_error(str(exc))
            self.refused(exc)
            return
        self.accept()

    def show_error(self, text: str) -> None:
        """Put a message in the red line (also for a refusal found before OK, e.g. a missing approver)."""
        self.error_label.setText(text)

    def refused(self, exc: UserError) -> None:
        """Hook after a refusal is shown: reset a field, hold OK off for a while."""
