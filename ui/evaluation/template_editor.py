"""評価テンプレートの編集: perspectives, criteria and the anchor text of every score.

Saving never changes the template that was opened: it stores the next version
(rubrics.save_template), so evaluations already made keep the wording they
were rated on. Projects created afterwards use the new version.
"""

from __future__ import annotations

import copy

import sqlite_utils
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from app.evaluation import rubrics
from app.register.accounts import User
from app.i18n import _
from app.evaluation.rubrics import CriterionSpec, PerspectiveSpec, TemplateSpec
from ui.widgets.dialog_parts import fit_to_screen
from ui.widgets.tree_editor import VersionedTreeEditor


class _KindBoxes(QWidget):
    """One check box per evaluator kind."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = {kind: QCheckBox(_(label)) for kind, label in rubrics.EVALUATOR_KINDS.items()}
        for index, box in enumerate(self.boxes.values()):
            layout.addWidget(box, index // 3, index % 3)

    def set_kinds(self, kinds: tuple[str, ...]) -> None:
        for kind, box in self.boxes.items():
            box.setChecked(kind in kinds)

    def kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind, box in self.boxes.items() if box.isChecked())


class TemplateEditorDialog(VersionedTreeEditor):
    """Edit a copy of a template; 保存 stores it as a new version (or a new template)."""

    tree_name = "templateTree"
    splitter_sizes = (260, 560)
    left_stretch = 0

    def __init__(self, db: sqlite_utils.Database, template_id: int | None, user: User, as_new: bool = False,
                 parent: QWidget | None = None) -> None:
        self._db, self._user, self._as_new = db, user, as_new
        self._source = rubrics.load_template(db, template_id) if template_id is not None \
            else copy.deepcopy(rubrics.MOKA_PRESET)
        self.spec: TemplateSpec = copy.deepcopy(self._source)
        if as_new:
            self.spec.family = f"custom-{len(rubrics.list_templates(db)) + 1}"
            self.spec.name = _("{name} (copy)").format(name=self._source.name)
        self.placeholder = _("Choose a perspective or a criterion on the left.")
        super().__init__(_("Evaluation template"), parent)
        self.fill_tree()
        fit_to_screen(self, 900, 620)

    def intro_text(self) -> str:
        source = self._source
        return (_("Saving stores version {n}; evaluations already made keep version {old}.").format(
            n=(source.version or 0) + 1, old=source.version) if source.version and not self._as_new
            else _("Saving stores a new template."))

    def build_header(self) -> QFormLayout:
        header = QFormLayout()
        self.name = QLineEdit(self.spec.name)
        self.name.setObjectName("templateName")
        self.aggregation = QComboBox()
        for key, label in rubrics.AGGREGATIONS.items():
            self.aggregation.addItem(_(label), key)
        self.aggregation.setCurrentIndex(self.aggregation.findData(self.spec.aggregation))
        self.note = QLineEdit(self.spec.note)
        header.addRow(_("Template name"), self.name)
        header.addRow(_("Combining raters"), self.aggregation)
        header.addRow(_("Note"), self.note)
        return header

    def build_tree_buttons(self) -> QHBoxLayout:
        tree_buttons = QHBoxLayout()
        self.add_perspective_button = self.tree_button(_("Add perspective"), self._add_perspective)
        self.add_criterion_button = self.tree_button(_("Add criterion"), self._add_criterion)
        self.remove_button = self.tree_button(_("Remove"), self._remove)
        for button in (self.add_perspective_button, self.add_criterion_button, self.remove_button):
            tree_buttons.addWidget(button)
        return tree_buttons

    def build_pages(self) -> list[QWidget]:
        return [self._perspective_form(), self._criterion_form()]

    # -- forms ---------------------------------------------------------------------
    def _perspective_form(self) -> QWidget:
        box = QGroupBox(_("Perspective"))
        form = QFormLayout(box)
        self.p_code = QLineEdit()
        self.p_name = QLineEdit()
        self.p_name.setObjectName("perspectiveName")
        self.p_min = QSpinBox()
        self.p_min.setRange(1, 20)
        self.p_min.setObjectName("minRaters")
        self.p_kinds = _KindBoxes()
        form.addRow(_("Code"), self.p_code)
        form.addRow(_("Perspective name"), self.p_name)
        form.addRow(_("Minimum raters before a result is shown"), self.p_min)
        form.addRow(_("Suggested raters"), self.p_kinds)
        for edit in (self.p_code, self.p_name):
            edit.textEdited.connect(self._store_perspective)
        self.p_min.valueChanged.connect(self._store_perspective)
        for check in self.p_kinds.boxes.values():
            check.toggled.connect(self._store_perspective)
        return box

    def _criterion_form(self) -> QWidget:
        box = QGroupBox(_("Criterion"))
        form = QFormLayout(box)
        self.c_name = QLineEdit()
        self.c_name.setObjectName("criterionName")
        self.c_description = QPlainTextEdit()
        self.c_description.setMaximumHeight(70)
        scale = QHBoxLayout()
        self.c_min, self.c_max = QSpinBox(), QSpinBox()
        for spin in (self.c_min, self.c_max):
            spin.setRange(0, 10)
            scale.addWidget(spin)
        scale.insertWidget(1, QLabel("〜"))
        scale.addStretch(1)
        self.c_kinds = _KindBoxes()
        self.anchors = QWidget()  # one line per score: "what a 3 looks like"
        self.anchors.setObjectName("anchors")
        self.anchor_form = QFormLayout(self.anchors)
        self.anchor_form.setContentsMargins(0, 0, 0, 0)
        self.anchor_edits: dict[int, QLineEdit] = {}
        form.addRow(_("Criterion name"), self.c_name)
        form.addRow(_("Description"), self.c_description)
        form.addRow(_("Scale"), scale)
        form.addRow(_("Who may rate it"), self.c_kinds)
        form.addRow(_("Score anchors"), self.anchors)
        self.c_name.textEdited.connect(self._store_criterion)
        self.c_description.textChanged.connect(self._store_criterion)
        self.c_min.valueChanged.connect(self._scale_changed)
        self.c_max.valueChanged.connect(self._scale_changed)
        for check in self.c_kinds.boxes.values():
            check.toggled.connect(self._store_criterion)
        return box

    # -- tree ------------------------------------------------------------------------
    def groups(self) -> list[PerspectiveSpec]:
        return self.spec.perspectives

    def members(self, group: PerspectiveSpec) -> list[CriterionSpec]:
        return group.criteria

    def node_label(self, node: PerspectiveSpec | CriterionSpec) -> str:
        return node.name

    def load_node(self, node: PerspectiveSpec | CriterionSpec | None) -> int:
        if isinstance(node, PerspectiveSpec):
            self.p_code.setText(node.code)
            self.p_name.setText(node.name)
            self.p_min.setValue(node.min_raters)
            self.p_kinds.set_kinds(node.rater_kinds)
            return 1
        if isinstance(node, CriterionSpec):
            self.c_name.setText(node.name)
            self.c_description.setPlainText(node.description)
            self.c_min.setValue(node.scale_min)
            self.c_max.setValue(node.scale_max)
            self.c_kinds.set_kinds(node.rater_kinds)
            self._fill_anchors(node)
            return 2
        return 0

    def _fill_anchors(self, criterion: CriterionSpec) -> None:
        while self.anchor_form.rowCount():
            self.anchor_form.removeRow(0)
        self.anchor_edits = {}
        for score in criterion.scores:
            edit = QLineEdit(criterion.descriptors.get(score, ""))
            edit.setObjectName(f"anchor{score}")
            edit.setPlaceholderText(_("What a {score} looks like").format(score=score))
            edit.textEdited.connect(self._store_criterion)
            self.anchor_form.addRow(str(score), edit)
            self.anchor_edits[score] = edit

    def _store_perspective(self) -> None:
        node = self.edited(PerspectiveSpec)
        if node is None:
            return
        node.code, node.name = self.p_code.text().strip(), self.p_name.text()
        node.min_raters, node.rater_kinds = self.p_min.value(), self.p_kinds.kinds()
        self.relabel(node)

    def _store_criterion(self) -> None:
        node = self.edited(CriterionSpec)
        if node is None:
            return
        node.name, node.description = self.c_name.text(), self.c_description.toPlainText()
        node.rater_kinds = self.c_kinds.kinds()
        for score, edit in self.anchor_edits.items():
            node.descriptors[score] = edit.text()
        self.relabel(node)

    def _scale_changed(self) -> None:
        node = self.edited(CriterionSpec)
        if node is None:
            return
        self._store_criterion()
        node.scale_min, node.scale_max = self.c_min.value(), self.c_max.value()
        with self.loading():
            self._fill_anchors(node)

    def _add_perspective(self) -> None:
        number = len(self.spec.perspectives) + 1
        perspective = PerspectiveSpec(f"view{number}", _("New perspective"), [], ("member",), 1)
        self.spec.perspectives.append(perspective)
        self.fill_tree(perspective)

    def _add_criterion(self) -> None:
        node = self.node()
        if node is None:
            return
        perspective = node if isinstance(node, PerspectiveSpec) else self.group_of(node)
        criterion = CriterionSpec(_("New criterion"), {}, perspective.rater_kinds or ("member",))
        perspective.criteria.append(criterion)
        self.fill_tree(criterion)

    def _remove(self) -> None:
        node = self.node()
        if isinstance(node, PerspectiveSpec):
            self.spec.perspectives.remove(node)
        elif isinstance(node, CriterionSpec):
            parent = self.group_of(node)
            parent.criteria = [c for c in parent.criteria if c is not node]
        self.fill_tree()

    # -- save ----------------------------------------------------------------------------
    def save_spec(self) -> int:
        self.spec.name = self.name.text()
        self.spec.aggregation = self.aggregation.currentData()
        self.spec.note = self.note.text()
        return rubrics.save_template(self._db, self.spec, self._user)
