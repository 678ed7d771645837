"""The parameter widgets of the requirement kinds that use training, qualifications and positions.

Each widget edits a few keys of a requirement's parameters at once (a period is ``period`` and
``months``; a qualification is ``name`` or ``names`` or ``category``), so each has ``load_from(params)``
and ``read_into(params)``, and a ``changed`` signal the scheme editor stores on. The editor keeps
its plain spin boxes and combo boxes for the simple keys.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLineEdit, QSpinBox, QWidget

from app.certification import schemes
from app.i18n import _

_SEPARATORS = re.compile(r"[、,，;；\n]+")


def split_names(text: str) -> list[str]:
    """「ITパスポート、基本情報技術者」 → the names, in order, without blanks or repeats."""
    names: list[str] = []
    for part in _SEPARATORS.split(text):
        if part.strip() and part.strip() not in names:
            names.append(part.strip())
    return names


class _Composite(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)

    def load_from(self, params: dict) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def read_into(self, params: dict) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class KindBoxes(QWidget):
    """One check box per kind of training event; none ticked means every kind counts."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = {kind: QCheckBox(_(label)) for kind, label in schemes.EVENT_KINDS.items()}
        for index, box in enumerate(self.boxes.values()):
            layout.addWidget(box, index // 3, index % 3)
            box.toggled.connect(self.changed)
        self.setToolTip(_("None ticked: every kind of training counts."))

    def load_from(self, params: dict) -> None:
        for kind, box in self.boxes.items():
            box.setChecked(kind in (params.get("kinds") or []))

    def read_into(self, params: dict) -> None:
        params["kinds"] = [kind for kind, box in self.boxes.items() if box.isChecked()]


class PeriodBox(_Composite):
    """Any time, the N months before the decision date, or the decision date's fiscal year."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.period = QComboBox()
        self.period.setObjectName("period")
        for key, label in schemes.PERIODS.items():
            self.period.addItem(_(label), key)
        self.months = QSpinBox()
        self.months.setObjectName("periodMonths")
        self.months.setRange(1, 600)
        self.months.setSuffix(_(" months"))
        self.row.addWidget(self.period, 1)
        self.row.addWidget(self.months)
        self.period.currentIndexChanged.connect(self._period_changed)
        self.months.valueChanged.connect(self.changed)

    def _period_changed(self) -> None:
        self.months.setEnabled(self.period.currentData() == "months")
        self.changed.emit()

    def load_from(self, params: dict) -> None:
        self.period.setCurrentIndex(max(0, self.period.findData(params.get("period", "all"))))
        self.months.setValue(int(params.get("months") or 12))
        self.months.setEnabled(self.period.currentData() == "months")

    def read_into(self, params: dict) -> None:
        params["period"] = self.period.currentData()
        params.pop("months", None)
        if params["period"] == "months":
            params["months"] = self.months.value()


class NamesEdit(_Composite):
    """A list of names typed in one line, separated by 「、」 (the training events that count)."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.edit = QLineEdit()
        self.edit.setObjectName(f"names_{key}")
        self.edit.setPlaceholderText(_("e.g. デジタルマネジメント研修 (separate several with 、)"))
        self.row.addWidget(self.edit)
        self.edit.textEdited.connect(self.changed)

    def load_from(self, params: dict) -> None:
        self.edit.setText("、".join(params.get(self.key) or []))

    def read_into(self, params: dict) -> None:
        params[self.key] = split_names(self.edit.text())


class QualificationBox(_Composite):
    """A qualification by its name, any of several names, or a catalogue category."""

    def __init__(self, names: list[str], categories: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = QComboBox()
        self.mode.setObjectName("qualificationMode")
        self.mode.addItem(_("This qualification"), "name")
        self.mode.addItem(_("Any of these"), "names")
        self.mode.addItem(_("Any of the category"), "category")
        self.names = QComboBox()
        self.names.setObjectName("qualificationNames")
        self.names.setEditable(True)
        self.names.addItems(names)
        self.names.setToolTip(_("Several names: separate them with 、"))
        self.category = QComboBox()
        self.category.setObjectName("qualificationCategory")
        self.category.setEditable(True)
        self.category.addItems(categories)
        self.row.addWidget(self.mode)
        self.row.addWidget(self.names, 1)
        self.row.addWidget(self.category, 1)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.names.currentTextChanged.connect(self.changed)
        self.category.currentTextChanged.connect(self.changed)

    def _mode_changed(self) -> None:
        self._show_mode()
        self.changed.emit()

    def _show_mode(self) -> None:
        category = self.mode.currentData() == "category"
        self.names.setVisible(not category)
        self.category.setVisible(category)

    def load_from(self, params: dict) -> None:
        mode = next((key for key in ("names", "category") if key in params), "name")
        self.mode.setCurrentIndex(self.mode.findData(mode))
        value = params.get(mode)
        text = "、".join(value) if isinstance(value, list) else str(value or "")
        (self.category if mode == "category" else self.names).setCurrentText(text)
        self._show_mode()

    def read_into(self, params: dict) -> None:
        for key in ("name", "names", "category"):
            params.pop(key, None)
        mode = self.mode.currentData()
        if mode == "category":
            params["category"] = self.category.currentText().strip()
        elif mode == "names":
            params["names"] = split_names(self.names.currentText())
        else:
            params["name"] = self.names.currentText().strip()


class RoleBox(_Composite):
    """A manager's position, or a position at least as senior as the one chosen (by rank)."""

    def __init__(self, positions: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = QComboBox()
        self.choice.setObjectName("roleChoice")
        self.choice.addItem(_("A manager's position (管理職)"), None)
        for name in positions:
            self.choice.addItem(_("{position} or more senior").format(position=name), name)
        self.row.addWidget(self.choice, 1)
        self.choice.currentIndexChanged.connect(self.changed)

    def load_from(self, params: dict) -> None:
        position = params.get("position")
        if position and self.choice.findData(position) < 0:
            self.choice.addItem(_("{position} or more senior").format(position=position), position)
        self.choice.setCurrentIndex(max(0, self.choice.findData(position)) if position else 0)

    def read_into(self, params: dict) -> None:
        params.pop("manager", None)
        params.pop("position", None)
        position = self.choice.currentData()
        if position:
            params["position"] = position
        else:
            params["manager"] = True


class DurationBox(_Composite):
    """How long the previous level must have been held, in months or in whole years."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount = QSpinBox()
        self.amount.setObjectName("previous_level_amount")
        self.amount.setRange(0, 240)
        self.unit = QComboBox()
        self.unit.setObjectName("previous_level_unit")
        self.unit.addItem(_("months"), "months")
        self.unit.addItem(_("years"), "years")
        self.row.addWidget(self.amount)
        self.row.addWidget(self.unit)
        self.row.addStretch(1)
        self.amount.valueChanged.connect(self.changed)
        self.unit.currentIndexChanged.connect(self.changed)

    def load_from(self, params: dict) -> None:
        unit = "years" if "years" in params else "months"
        self.unit.setCurrentIndex(self.unit.findData(unit))
        self.amount.setValue(int(params.get(unit) or 0))

    def read_into(self, params: dict) -> None:
        params.pop("months", None)
        params.pop("years", None)
        params[self.unit.currentData()] = self.amount.value()
