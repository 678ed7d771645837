"""評価テンプレートの編集: perspectives, criteria and the anchor text of every score.

Saving never changes the template that was opened: it stores the next version
(rubrics.save_template), so evaluations already made keep the wording they
were rated on. Projects created afterwards use the new version.
"""

from __future__ import annotations

import copy

import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.evaluation import rubrics
from app.register.accounts import User
from app.errors import UserError
from app.i18n import _
from app.evaluation.rubrics import CriterionSpec, PerspectiveSpec, TemplateSpec
from ui.widgets.dialog_parts import error_label, fit_to_screen

_NODE = Qt.ItemDataRole.UserRole


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


class TemplateEditorDialog(QDialog):
    """Edit a copy of a template; 保存 stores it as a new version (or a new template)."""

    def __init__(self, db: sqlite_utils.Database, template_id: int | None, user: User, as_new: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        source = rubrics.load_template(db, template_id) if template_id is not None else copy.deepcopy(rubrics.MOKA_PRESET)
        self.spec: TemplateSpec = copy.deepcopy(source)
        if as_new:
            self.spec.family = f"custom-{len(rubrics.list_templates(db)) + 1}"
            self.spec.name = _("{name} (copy)").format(name=source.name)
        self.saved_id: int | None = None
        self._loading = False
        self.setWindowTitle(_("Evaluation template"))

        layout = QVBoxLayout(self)
        version_note = (_("Saving stores version {n}; evaluations already made keep version {old}.").format(
            n=(source.version or 0) + 1, old=source.version) if source.version and not as_new
            else _("Saving stores a new template."))
        intro = QLabel(version_note)
        intro.setWordWrap(True)
        layout.addWidget(intro)
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
        layout.addLayout(header)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setObjectName("templateTree")
        self.tree.setHeaderHidden(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.currentItemChanged.connect(self._show_node)
        left_layout.addWidget(self.tree)
        tree_buttons = QHBoxLayout()
        self.add_perspective_button = QPushButton(_("Add perspective"))
        self.add_perspective_button.clicked.connect(self._add_perspective)
        self.add_criterion_button = QPushButton(_("Add criterion"))
        self.add_criterion_button.clicked.connect(self._add_criterion)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.clicked.connect(self._remove)
        for button in (self.add_perspective_button, self.add_criterion_button, self.remove_button):
            tree_buttons.addWidget(button)
        left_layout.addLayout(tree_buttons)
        splitter.addWidget(left)

        self.detail = QStackedWidget()
        self.detail.addWidget(QLabel(_("Choose a perspective or a criterion on the left.")))
        self.detail.addWidget(self._perspective_form())
        self.detail.addWidget(self._criterion_form())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.detail)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 560])
        layout.addWidget(splitter, 1)

        self.error_label = error_label()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill_tree()
        fit_to_screen(self, 900, 620)

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
    def _fill_tree(self, select: object | None = None) -> None:
        self.tree.clear()
        chosen = None
        for perspective in self.spec.perspectives:
            item = QTreeWidgetItem([perspective.name])
            item.setData(0, _NODE, perspective)
            self.tree.addTopLevelItem(item)
            chosen = item if perspective is select else chosen
            for criterion in perspective.criteria:
                child = QTreeWidgetItem([criterion.name])
                child.setData(0, _NODE, criterion)
                item.addChild(child)
                chosen = child if criterion is select else chosen
        self.tree.expandAll()
        self.tree.setCurrentItem(chosen or self.tree.topLevelItem(0))

    def _node(self) -> PerspectiveSpec | CriterionSpec | None:
        item = self.tree.currentItem()
        return item.data(0, _NODE) if item else None

    def _perspective_of(self, criterion: CriterionSpec) -> PerspectiveSpec:
        return next(p for p in self.spec.perspectives if any(c is criterion for c in p.criteria))

    def _show_node(self) -> None:
        node = self._node()
        self._loading = True
        try:
            if isinstance(node, PerspectiveSpec):
                self.p_code.setText(node.code)
                self.p_name.setText(node.name)
                self.p_min.setValue(node.min_raters)
                self.p_kinds.set_kinds(node.rater_kinds)
                self.detail.setCurrentIndex(1)
            elif isinstance(node, CriterionSpec):
                self.c_name.setText(node.name)
                self.c_description.setPlainText(node.description)
                self.c_min.setValue(node.scale_min)
                self.c_max.setValue(node.scale_max)
                self.c_kinds.set_kinds(node.rater_kinds)
                self._fill_anchors(node)
                self.detail.setCurrentIndex(2)
            else:
                self.detail.setCurrentIndex(0)
        finally:
            self._loading = False

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
        node = self._node()
        if self._loading or not isinstance(node, PerspectiveSpec):
            return
        node.code, node.name = self.p_code.text().strip(), self.p_name.text()
        node.min_raters, node.rater_kinds = self.p_min.value(), self.p_kinds.kinds()
        self.tree.currentItem().setText(0, node.name)

    def _store_criterion(self) -> None:
        node = self._node()
        if self._loading or not isinstance(node, CriterionSpec):
            return
        node.name, node.description = self.c_name.text(), self.c_description.toPlainText()
        node.rater_kinds = self.c_kinds.kinds()
        for score, edit in self.anchor_edits.items():
            node.descriptors[score] = edit.text()
        self.tree.currentItem().setText(0, node.name)

    def _scale_changed(self) -> None:
        node = self._node()
        if self._loading or not isinstance(node, CriterionSpec):
            return
        self._store_criterion()
        node.scale_min, node.scale_max = self.c_min.value(), self.c_max.value()
        self._loading = True
        try:
            self._fill_anchors(node)
        finally:
            self._loading = False

    def _add_perspective(self) -> None:
        number = len(self.spec.perspectives) + 1
        perspective = PerspectiveSpec(f"view{number}", _("New perspective"), [], ("member",), 1)
        self.spec.perspectives.append(perspective)
        self._fill_tree(perspective)

    def _add_criterion(self) -> None:
        node = self._node()
        if node is None:
            return
        perspective = node if isinstance(node, PerspectiveSpec) else self._perspective_of(node)
        criterion = CriterionSpec(_("New criterion"), {}, perspective.rater_kinds or ("member",))
        perspective.criteria.append(criterion)
        self._fill_tree(criterion)

    def _remove(self) -> None:
        node = self._node()
        if isinstance(node, PerspectiveSpec):
            self.spec.perspectives.remove(node)
        elif isinstance(node, CriterionSpec):
            parent = self._perspective_of(node)
            parent.criteria = [c for c in parent.criteria if c is not node]
        self._fill_tree()

    # -- save ----------------------------------------------------------------------------
    def _save(self) -> None:
        self.spec.name = self.name.text()
        self.spec.aggregation = self.aggregation.currentData()
        self.spec.note = self.note.text()
        try:
            self.saved_id = rubrics.save_template(self._db, self.spec, self._user)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()
