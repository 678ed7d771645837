"""What an empty list asks for first: a sentence and a button over the table instead of an empty grid.

The sentence comes from the core (``app.overview.setup_guide.empty_hint``), so that every list says the same
thing for the same state of the register. The button's target is handled by the page when it can
(the staff page imports, the projects page creates a project) and otherwise by the main window
(``open_target``), which knows the other screens and the set-up guide.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QPushButton, QVBoxLayout, QWidget

from app.overview.setup_guide import Hint


class EmptyHint(QWidget):
    """Shown over ``view``'s viewport while its model has no rows and the core has something to say."""

    def __init__(self, view: QAbstractItemView, hint_for: Callable[[], Hint | None],
                 handlers: dict[str, Callable[[], None]] | None = None) -> None:
        super().__init__(view.viewport())
        self.setObjectName("emptyHint")
        self._view, self._hint_for, self._handlers = view, hint_for, dict(handlers or {})
        self._target = ""
        self.label = QLabel()
        self.label.setObjectName("emptyHintText")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet("font-size: 11pt; color: #444;")
        self.button = QPushButton()
        self.button.setObjectName("emptyHintButton")
        self.button.clicked.connect(self.activate)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.refresh)
        view.viewport().installEventFilter(self)
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        area = self._view.viewport().rect()
        margin = max(8, area.width() // 10)
        self.setGeometry(area.adjusted(margin, 0, -margin, 0))

    def refresh(self) -> None:
        """Show the core's hint while the list is empty; hide it as soon as there are rows."""
        hint = self._hint_for() if self._view.model().rowCount() == 0 else None
        if hint is None:
            self.hide()
            return
        self._target = hint.target
        self.label.setText(hint.text)
        self.button.setText(hint.button)
        self.button.setVisible(bool(hint.button))
        self._place()
        self.show()
        self.raise_()

    def activate(self) -> None:
        """The button: the page's own handler for the target, else the main window's."""
        handler = self._handlers.get(self._target)
        if handler is None:
            window_handler = getattr(self.window(), "open_target", None)
            if window_handler is None:
                return
            handler = lambda: window_handler(self._target)  # noqa: E731
        handler()
