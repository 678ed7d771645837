"""The editor of a versioned two-level spec: a tree on the left, the chosen node's form on the right.

The certification scheme (levels > requirements) and the evaluation template (perspectives >
criteria) are edited the same way: a copy of the spec is changed node by node, and 保存 hands it
to the service, which stores the next version and leaves the opened one as it was. This base
owns that shape: intro, header form, splitter with the tree and its buttons, stacked pages for the
node forms, the guard that keeps filling a form from writing back into the spec, and the save
whose refusal shows in the error line (``FormDialog``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.form_dialog import FormDialog, StandardButton

NODE_ROLE = Qt.ItemDataRole.UserRole


class VersionedTreeEditor(FormDialog):
    """A subclass sets ``spec`` before ``super().__init__`` and fills in the hooks below."""

    tree_name = "specTree"
    placeholder = ""  # shown on the right while nothing is chosen
    splitter_sizes = (400, 440)
    left_stretch = 1
    child_tooltips = False

    def __init__(self, title: str, parent: QWidget | None = None, *, read_only: bool = False) -> None:
        self._loading = False
        self.saved_id: int | None = None
        super().__init__(title, parent, standard=StandardButton.Close if read_only else
                         StandardButton.Save | StandardButton.Cancel)

    # -- hooks --------------------------------------------------------------------------------
    def intro_text(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def build_header(self) -> QFormLayout:  # pragma: no cover - overridden
        """The spec's own fields (name, note, ...) above the tree."""
        raise NotImplementedError

    def build_tree_buttons(self) -> QLayout:  # pragma: no cover - overridden
        raise NotImplementedError

    def build_pages(self) -> list[QWidget]:  # pragma: no cover - overridden
        """The node forms; page n of the list is shown when ``load_node`` returns n + 1."""
        raise NotImplementedError

    def groups(self) -> list:  # pragma: no cover - overridden
        """The top-level nodes in order."""
        raise NotImplementedError

    def members(self, group: object) -> list:  # pragma: no cover - overridden
        """The children of a top-level node in order."""
        raise NotImplementedError

    def node_label(self, node: object) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def load_node(self, node: object) -> int:  # pragma: no cover - overridden
        """Fill the node's form (signals do not store while it runs) and return its page (0: none chosen)."""
        raise NotImplementedError

    def save_spec(self) -> int:  # pragma: no cover - overridden
        """Copy the header into the spec and store it as the next version; UserError when refused."""
        raise NotImplementedError

    # -- layout ------------------------------------------------------------------------------------
    def build(self, layout: QVBoxLayout) -> None:
        intro = QLabel(self.intro_text())
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self.build_header())
        layout.addWidget(self._build_splitter(), 1)

    def _build_splitter(self) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setObjectName(self.tree_name)
        self.tree.setHeaderHidden(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.currentItemChanged.connect(self.show_node)
        left_layout.addWidget(self.tree, 1)
        left_layout.addLayout(self.build_tree_buttons())
        splitter.addWidget(left)
        self.detail = QStackedWidget()
        self.detail.addWidget(QLabel(self.placeholder))
        for page in self.build_pages():
            self.detail.addWidget(page)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.detail)
        splitter.addWidget(scroll)
        if self.left_stretch:
            splitter.setStretchFactor(0, self.left_stretch)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes(list(self.splitter_sizes))
        return splitter

    # -- tree --------------------------------------------------------------------------------------
    def fill_tree(self, select: object | None = None) -> None:
        """Rebuild the tree from the spec and choose ``select`` (else the first node)."""
        self.tree.clear()
        chosen = None
        for group in self.groups():
            item = QTreeWidgetItem([self.node_label(group)])
            item.setData(0, NODE_ROLE, group)
            self.tree.addTopLevelItem(item)
            chosen = item if group is select else chosen
            for member in self.members(group):
                child = QTreeWidgetItem([self.node_label(member)])
                if self.child_tooltips:
                    child.setToolTip(0, child.text(0))
                child.setData(0, NODE_ROLE, member)
                item.addChild(child)
                chosen = child if member is select else chosen
        self.tree.expandAll()
        self.tree.setCurrentItem(chosen or self.tree.topLevelItem(0))

    def node(self):
        item = self.tree.currentItem()
        return item.data(0, NODE_ROLE) if item else None

    def group_of(self, member: object):
        return next(g for g in self.groups() if any(m is member for m in self.members(g)))

    def tree_button(self, text: str, slot) -> QPushButton:
        """A button under the tree (add, remove, move) that acts on the chosen node."""
        button = QPushButton(text)
        button.clicked.connect(slot)
        return button

    def edited(self, kind: type):
        """The chosen node when the form's change is the officer's edit of a ``kind``; None while a form is filled."""
        node = self.node()
        return None if self._loading or not isinstance(node, kind) else node

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Fill widgets without their signals storing into the spec."""
        self._loading = True
        try:
            yield
        finally:
            self._loading = False

    def show_node(self) -> None:
        with self.loading():
            self.detail.setCurrentIndex(self.load_node(self.node()))

    def relabel(self, node: object) -> None:
        """The current item's text after an edit of its form."""
        text = self.node_label(node)
        self.tree.currentItem().setText(0, text)
        if self.child_tooltips and self.tree.currentItem().parent() is not None:
            self.tree.currentItem().setToolTip(0, text)

    def apply(self) -> None:
        self.saved_id = self.save_spec()
