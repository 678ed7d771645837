"""認定制度の表示・改訂: levels in order and the requirements of each, with the certificate number pattern.

Saving never changes the version that was opened: it stores the next version
(schemes.save_scheme), so certifications already decided keep the rules they
were decided under. The core checks the scheme; its refusal shows inline and
the dialog stays open.
"""

from __future__ import annotations

import copy

import sqlite_utils
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.certification import eligibility
from app.evaluation import rubrics
from app.certification import schemes
from app.register.accounts import User
from app.errors import UserError
from app.i18n import _
from app.evaluation.projects import REALISATION, ROLES
from app.certification.schemes import LevelSpec, RequirementSpec, SchemeSpec
from app.staff import edit as staff_edit
from ui.certification.requirement_widgets import (
    DurationBox,
    KindBoxes,
    NamesEdit,
    PeriodBox,
    QualificationBox,
    RoleBox,
)
from ui.widgets.dialog_parts import ERROR_STYLE, fit_to_screen
from ui.widgets.tree_editor import VersionedTreeEditor


def perspective_choices(db: sqlite_utils.Database) -> dict[str, str]:
    """Perspective code -> name from the evaluation templates (the Moka rubric when none is saved yet)."""
    return eligibility.perspective_names(db) or {p.code: p.name for p in rubrics.MOKA_PRESET.perspectives}


class _RoleBoxes(QWidget):
    """One check box per project role."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = {role: QCheckBox(_(label)) for role, label in ROLES.items()}
        for index, box in enumerate(self.boxes.values()):
            layout.addWidget(box, index // 2, index % 2)

    def set_roles(self, roles: list[str]) -> None:
        for role, box in self.boxes.items():
            box.setChecked(role in roles)

    def roles(self) -> list[str]:
        return [role for role, box in self.boxes.items() if box.isChecked()]


class SchemeEditorDialog(VersionedTreeEditor):
    """Edit a copy of a scheme; 保存 stores it as the next version of its family."""

    tree_name = "schemeTree"
    child_tooltips = True

    def __init__(self, db: sqlite_utils.Database, scheme_id: int | None, user: User, read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        self._db, self._user, self._read_only = db, user, read_only
        self._source = schemes.load_scheme(db, scheme_id) if scheme_id is not None \
            else copy.deepcopy(schemes.BLANK_PRESET)
        self.spec: SchemeSpec = copy.deepcopy(self._source)
        self._perspectives = perspective_choices(db)
        self._qualifications = schemes.qualification_choices(db)
        self._positions = [name for _id, name in staff_edit.positions(db)]
        self.placeholder = _("Choose a level or a requirement on the left.")
        super().__init__(_("Certification scheme"), parent, read_only=read_only)
        if read_only:
            for widget in (self.name, self.pattern, self.note, self.add_level_button, self.add_requirement_button,
                           self.remove_button, self.up_button, self.down_button, self.level_box,
                           self.requirement_box):
                widget.setEnabled(False)
        self._show_example()
        self.fill_tree()
        fit_to_screen(self, 920, 640)

    def intro_text(self) -> str:
        source = self._source
        if self._read_only:
            return _("Version {n}. Only the administrator can revise the scheme.").format(n=source.version)
        if source.version:
            return _("Saving stores version {n}; certifications already decided keep version {old}.").format(
                n=source.version + 1, old=source.version)
        return _("Saving stores a new scheme.")

    def build_header(self) -> QFormLayout:
        header = QFormLayout()
        self.name = QLineEdit(self.spec.name)
        self.name.setObjectName("schemeName")
        pattern_row = QHBoxLayout()
        self.pattern = QLineEdit(self.spec.number_pattern)
        self.pattern.setObjectName("numberPattern")
        self.pattern.setToolTip(_("{年度和暦} → 令和7年度, {年度} → 2025, {連番:04} → 0001"))
        self.pattern.textChanged.connect(self._show_example)
        self.example = QLabel()
        self.example.setObjectName("patternExample")
        pattern_row.addWidget(self.pattern, 1)
        pattern_row.addWidget(self.example, 1)
        self.note = QLineEdit(self.spec.note)
        self.note.setCursorPosition(0)
        header.addRow(_("Scheme name"), self.name)
        header.addRow(_("Certificate number"), pattern_row)
        header.addRow(_("Note"), self.note)
        return header

    def build_tree_buttons(self) -> QGridLayout:
        tree_buttons = QGridLayout()
        self.add_level_button = self.tree_button(_("Add level"), self._add_level)
        self.add_requirement_button = self.tree_button(_("Add requirement"), self._add_requirement)
        self.remove_button = self.tree_button(_("Remove"), self._remove)
        self.up_button = self.tree_button(_("Up"), lambda: self._move(-1))
        self.down_button = self.tree_button(_("Down"), lambda: self._move(1))
        tree_buttons.addWidget(self.add_level_button, 0, 0)
        tree_buttons.addWidget(self.add_requirement_button, 0, 1)
        tree_buttons.addWidget(self.remove_button, 1, 0)
        moves = QHBoxLayout()
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        tree_buttons.addLayout(moves, 1, 1)
        return tree_buttons

    def build_pages(self) -> list[QWidget]:
        return [self._level_form(), self._requirement_form()]

    # -- forms -----------------------------------------------------------------------------
    def _level_form(self) -> QWidget:
        self.level_box = QGroupBox(_("Level"))
        form = QFormLayout(self.level_box)
        self.l_name = QLineEdit()
        self.l_name.setObjectName("levelName")
        self.l_code = QLineEdit()
        self.l_code.setObjectName("levelCode")
        self.l_code.setToolTip(_("A short code that stays the same across versions (e.g. advisor)."))
        self.l_ladder = QComboBox()
        self.l_ladder.setObjectName("levelLadder")
        self.l_ladder.addItem(_("A step of the ladder"), True)
        self.l_ladder.addItem(_("A side track beside the ladder"), False)
        self.l_description = QPlainTextEdit()
        self.l_description.setObjectName("levelDescription")
        self.l_description.setMaximumHeight(80)
        form.addRow(_("Level name"), self.l_name)
        form.addRow(_("Code"), self.l_code)
        form.addRow(_("Kind"), self.l_ladder)
        form.addRow(_("Description"), self.l_description)
        self.l_name.textEdited.connect(self._store_level)
        self.l_code.textEdited.connect(self._store_level)
        self.l_ladder.currentIndexChanged.connect(self._store_level)
        self.l_description.textChanged.connect(self._store_level)
        page = QWidget()  # the form keeps its height; the space left goes below it
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.level_box)
        page_layout.addStretch(1)
        return page

    def _requirement_form(self) -> QWidget:
        self.requirement_box = QGroupBox(_("Requirement"))
        layout = QVBoxLayout(self.requirement_box)
        kind_form = QFormLayout()
        self.r_kind = QComboBox()
        self.r_kind.setObjectName("requirementKind")
        for kind, label in schemes.KINDS.items():
            self.r_kind.addItem(_(label), kind)
        self.r_kind.currentIndexChanged.connect(self._kind_changed)
        kind_form.addRow(_("Kind"), self.r_kind)
        layout.addLayout(kind_form)
        self.r_pages = QStackedWidget()
        self.r_page_index: dict[str, int] = {}
        self.param_widgets: dict[str, dict[str, QWidget]] = {}
        for kind in schemes.KINDS:
            page = QWidget()
            form = QFormLayout(page)
            form.setContentsMargins(0, 0, 0, 0)
            widgets = self._param_widgets(kind, form)
            self.param_widgets[kind] = widgets
            self.r_page_index[kind] = self.r_pages.addWidget(page)
        layout.addWidget(self.r_pages)
        self.r_description = QLabel()
        self.r_description.setObjectName("requirementSentence")
        self.r_description.setWordWrap(True)
        self.r_description.setStyleSheet("color: #555;")
        layout.addWidget(self.r_description)
        layout.addStretch(1)
        return self.requirement_box

    def _param_widgets(self, kind: str, form: QFormLayout) -> dict[str, QWidget]:
        """The widgets for one kind's parameters, keyed by parameter name."""
        widgets: dict[str, QWidget] = {}

        def spin(key: str, label: str, low: int, high: int, suffix: str = "") -> None:
            box = QSpinBox()
            box.setRange(low, high)
            box.setSuffix(suffix)
            box.setObjectName(f"{kind}_{key}")
            box.valueChanged.connect(self._store_requirement)
            form.addRow(label, box)
            widgets[key] = box

        def roles() -> None:
            boxes = _RoleBoxes()
            boxes.setObjectName(f"{kind}_roles")
            for box in boxes.boxes.values():
                box.toggled.connect(self._store_requirement)
            form.addRow(_("Roles that count"), boxes)
            widgets["roles"] = boxes

        def composite(key: str, label: str, widget: QWidget) -> None:
            widget.setObjectName(f"{kind}_{key}")
            widget.changed.connect(self._store_requirement)
            form.addRow(label, widget)
            widgets[key] = widget

        def combo(key: str, label: str, items: dict[str, str]) -> None:
            box = QComboBox()
            box.setObjectName(f"{kind}_{key}")
            for value, text in items.items():
                box.addItem(text, value)
            box.currentIndexChanged.connect(self._store_requirement)
            form.addRow(label, box)
            widgets[key] = box

        if kind == "sessions":
            spin("min", _("Workshops attended, at least"), 1, 100)
        elif kind == "projects":
            spin("min", _("Projects, at least"), 1, 100)
            roles()
        elif kind == "realisation":
            combo("min", _("Reached at least"), {k: _(v) for k, v in REALISATION.items()})
            roles()
        elif kind == "score":
            combo("perspective", _("Perspective"), {code: f"{name} ({code})" for code, name in self._perspectives.items()})
            score = QDoubleSpinBox()
            score.setObjectName("score_min")
            score.setRange(0.0, 10.0)
            score.setDecimals(2)
            score.setSingleStep(0.1)
            score.valueChanged.connect(self._store_requirement)
            form.addRow(_("Combined rating, at least"), score)
            widgets["min"] = score
            spin("min_raters", _("Raters who answered, at least"), 1, 50)
        elif kind == "previous_level":
            combo("level", _("Level held"), {})
            composite("duration", _("For at least"), DurationBox())
        else:
            self._new_kind_widgets(kind, form, widgets, spin, composite)
        return widgets

    def _new_kind_widgets(self, kind: str, form: QFormLayout, widgets: dict[str, QWidget], spin, composite) -> None:
        """The forms of the kinds that use training, qualifications and positions."""
        if kind == "training_hours":
            hours = QDoubleSpinBox()
            hours.setObjectName("training_hours_min")
            hours.setRange(0.5, 2000.0)
            hours.setDecimals(1)
            hours.setSingleStep(0.5)
            hours.setSuffix(_(" hours"))
            hours.valueChanged.connect(self._store_requirement)
            form.addRow(_("Hours of training, at least"), hours)
            widgets["min"] = hours
            composite("period", _("Period"), PeriodBox())
            composite("kinds", _("Kinds that count"), KindBoxes())
        elif kind == "training_events":
            composite("titles", _("Training events named"), NamesEdit("titles"))
            composite("kinds", _("Kinds that count"), KindBoxes())
            spin("min", _("Attended, at least"), 1, 100, _(" times"))
            composite("period", _("Period"), PeriodBox())
        elif kind == "qualification":
            names, categories = self._qualifications
            composite("qualification", _("Qualification"), QualificationBox(names, categories))
        else:
            composite("role", _("Position on the decision date"), RoleBox(self._positions))

    # -- number pattern ----------------------------------------------------------------------
    def _show_example(self) -> None:
        try:
            example = schemes.check_pattern(self.pattern.text())
        except UserError as exc:
            self.example.setText(str(exc))
            self.example.setStyleSheet(ERROR_STYLE)
            self.example.setWordWrap(True)
            return
        self.example.setStyleSheet("")
        self.example.setText(_("e.g. {example}").format(example=example))

    # -- tree ----------------------------------------------------------------------------------
    def _level_label(self, level: LevelSpec) -> str:
        label = f"{level.name} ({level.code})"
        return label if level.ladder else _("{level} — side track").format(level=label)

    def _requirement_label(self, requirement: RequirementSpec) -> str:
        try:
            return schemes.describe_requirement(requirement, {lv.code: lv.name for lv in self.spec.levels},
                                                self._perspectives)
        except (KeyError, TypeError, ValueError):
            return _(schemes.KINDS.get(requirement.kind, requirement.kind))

    def groups(self) -> list[LevelSpec]:
        return self.spec.levels

    def members(self, group: LevelSpec) -> list[RequirementSpec]:
        return group.requirements

    def node_label(self, node: LevelSpec | RequirementSpec) -> str:
        return self._level_label(node) if isinstance(node, LevelSpec) else self._requirement_label(node)

    def load_node(self, node: LevelSpec | RequirementSpec | None) -> int:
        if isinstance(node, LevelSpec):
            self.l_name.setText(node.name)
            self.l_code.setText(node.code)
            self.l_ladder.setCurrentIndex(0 if node.ladder else 1)
            self.l_description.setPlainText(node.description)
            return 1
        if isinstance(node, RequirementSpec):
            self._load_requirement(node)
            return 2
        return 0

    def _load_requirement(self, requirement: RequirementSpec) -> None:
        kind, p = requirement.kind, requirement.params
        self.r_kind.setCurrentIndex(max(0, self.r_kind.findData(kind)))
        self.r_pages.setCurrentIndex(self.r_page_index.get(kind, 0))
        widgets = self.param_widgets.get(kind, {})
        if kind == "previous_level":
            box = widgets["level"]
            assert isinstance(box, QComboBox)
            box.clear()
            level = self.group_of(requirement)
            for earlier in self.spec.levels[:self.spec.levels.index(level)]:
                box.addItem(earlier.name, earlier.code)
            if p.get("level") and box.findData(p["level"]) < 0:
                box.addItem(str(p["level"]), p["level"])  # refers to a level not listed before: save says so
            box.setCurrentIndex(box.findData(p.get("level")))
        if kind == "score":
            box = widgets["perspective"]
            assert isinstance(box, QComboBox)
            if p.get("perspective") and box.findData(p["perspective"]) < 0:
                box.addItem(str(p["perspective"]), p["perspective"])
        for key, widget in widgets.items():
            value = p.get(key)
            if hasattr(widget, "load_from"):
                widget.load_from(p)
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(value or 0))
            elif isinstance(widget, QDoubleSpinBox):
                widget.setValue(float(value or 0))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(widget.findData(value))
            elif isinstance(widget, _RoleBoxes):
                widget.set_roles(list(value or []))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value or ""))
        self.r_description.setText(self._requirement_label(requirement))

    def _read_params(self, kind: str) -> dict:
        params: dict = {}
        for key, widget in self.param_widgets[kind].items():
            if hasattr(widget, "read_into"):
                widget.read_into(params)
            elif isinstance(widget, QSpinBox):
                params[key] = widget.value()
            elif isinstance(widget, QDoubleSpinBox):
                params[key] = round(widget.value(), 2)
            elif isinstance(widget, QComboBox):
                params[key] = widget.currentData()
            elif isinstance(widget, _RoleBoxes):
                params[key] = widget.roles()
            elif isinstance(widget, QLineEdit):
                params[key] = widget.text().strip()
        return params

    def _default_params(self, kind: str, level: LevelSpec) -> dict:
        earlier = self.spec.levels[:self.spec.levels.index(level)]
        return {
            "sessions": {"min": 4},
            "projects": {"min": 1, "roles": ["proposer", "leader", "member"]},
            "realisation": {"min": "trial", "roles": ["proposer", "leader"]},
            "score": {"perspective": next(iter(self._perspectives), ""), "min": 3.0, "min_raters": 2},
            "previous_level": {"level": earlier[-1].code if earlier else None, "months": 0},
            "training_hours": {"min": 6, "period": "fiscal_year"},
            "training_events": {"min": 1, "titles": [], "kinds": ["training"], "period": "all"},
            "qualification": {"names": ["ITパスポート"]},
            "role": {"manager": True},
        }[kind]

    # -- storing edits into the spec ---------------------------------------------------------------
    def _store_level(self) -> None:
        node = self.edited(LevelSpec)
        if node is None:
            return
        old_code, new_code = node.code, self.l_code.text().strip()
        if new_code != old_code:  # keep "holds the previous level" pointing at the renamed level
            for level in self.spec.levels:
                for requirement in level.requirements:
                    if requirement.kind == "previous_level" and requirement.params.get("level") == old_code:
                        requirement.params["level"] = new_code
        node.name, node.code = self.l_name.text(), new_code
        node.ladder = bool(self.l_ladder.currentData())
        node.description = self.l_description.toPlainText()
        self.relabel(node)

    def _store_requirement(self) -> None:
        node = self.edited(RequirementSpec)
        if node is None:
            return
        node.params = self._read_params(node.kind)
        self.relabel(node)
        self.r_description.setText(self._requirement_label(node))

    def _kind_changed(self) -> None:
        node = self.edited(RequirementSpec)
        if node is None:
            return
        kind = self.r_kind.currentData()
        if kind == node.kind:
            return
        node.kind, node.params = kind, self._default_params(kind, self.group_of(node))
        self.fill_tree(node)

    def _add_level(self) -> None:
        number = len(self.spec.levels) + 1
        codes = {lv.code for lv in self.spec.levels}
        code = next(f"level{n}" for n in range(number, number + len(codes) + 2) if f"level{n}" not in codes)
        previous = [RequirementSpec("previous_level", {"level": self.spec.levels[-1].code, "months": 0})] \
            if self.spec.levels else []
        level = LevelSpec(code, _("New level"), previous or [RequirementSpec("sessions", {"min": 1})])
        self.spec.levels.append(level)
        self.fill_tree(level)

    def _add_requirement(self) -> None:
        node = self.node()
        if node is None:
            return
        level = node if isinstance(node, LevelSpec) else self.group_of(node)
        requirement = RequirementSpec("sessions", self._default_params("sessions", level))
        level.requirements.append(requirement)
        self.fill_tree(requirement)

    def _remove(self) -> None:
        node = self.node()
        if isinstance(node, LevelSpec):
            self.spec.levels = [lv for lv in self.spec.levels if lv is not node]
        elif isinstance(node, RequirementSpec):
            level = self.group_of(node)
            level.requirements = [r for r in level.requirements if r is not node]
        self.fill_tree()

    def _move(self, step: int) -> None:
        node = self.node()
        if node is None:
            return
        items = self.spec.levels if isinstance(node, LevelSpec) else self.group_of(node).requirements
        index = next(i for i, item in enumerate(items) if item is node)
        target = index + step
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
            self.fill_tree(node)

    # -- save ----------------------------------------------------------------------------------------
    def save_spec(self) -> int:
        self.spec.name = self.name.text()
        self.spec.number_pattern = self.pattern.text().strip()
        self.spec.note = self.note.text()
        return schemes.save_scheme(self._db, self.spec, self._user)
