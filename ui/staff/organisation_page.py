"""組織: the 部 > 課 > 係 tree with head counts, and the yearly reforms dated to take effect."""

from __future__ import annotations

from datetime import date

import sqlite_utils
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app import wareki
from app.staff import organisation
from app.register.accounts import User
from app.errors import UserError
from app.i18n import _
from app.staff.organisation import UnitNode
from ui.widgets.dialog_parts import ok_cancel
from ui.widgets.wareki_date import DateEdit

_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class SplitDialog(QDialog):
    """Names of the new units and, for each person, which of them they join."""

    def __init__(self, db: sqlite_utils.Database, user: User, node: UnitNode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Split {name}").format(name=node.name))
        self.names = QLineEdit(f"{node.name}、")
        self.names.setObjectName("splitNames")
        self.names.textChanged.connect(self._refresh_choices)
        form = QFormLayout()
        form.addRow(_("New names (separated by 、)"), self.names)
        self.choices: dict[int, QComboBox] = {}
        for staff_id, name in organisation.people_in(db, user, node.id):
            box = QComboBox()
            self.choices[staff_id] = box
            form.addRow(name, box)
        self.buttons = ok_cancel(self, self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._refresh_choices()

    def new_names(self) -> list[str]:
        return [n.strip() for n in self.names.text().replace(",", "、").split("、") if n.strip()]

    def _refresh_choices(self) -> None:
        names = self.new_names()
        for box in self.choices.values():
            current = box.currentIndex()
            box.clear()
            box.addItems(names)
            box.setCurrentIndex(min(max(current, 0), len(names) - 1))

    def placement(self) -> dict[int, int]:
        return {staff_id: box.currentIndex() for staff_id, box in self.choices.items()}


class OrganisationPage(QWidget):
    organisation_changed = Signal()

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._nodes: dict[int, UnitNode] = {}
        self.effective = DateEdit(wareki.next_april_first(date.today()), field=_("Organisation as of"))
        self.effective.setObjectName("reformDate")
        self.effective.date_changed.connect(self.reload)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.actions_by_key = {}
        for key, label, slot in (("create", _("New unit…"), self.create), ("rename", _("Rename…"), self.rename),
                                 ("merge", _("Merge into…"), self.merge), ("split", _("Split…"), self.split),
                                 ("abolish", _("Abolish"), self.abolish)):
            action = self.toolbar.addAction(label)
            action.setObjectName(f"org_{key}")
            action.triggered.connect(slot)
            action.setVisible(user.is_admin)
            self.actions_by_key[key] = action
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Organisation as of")))
        top.addWidget(self.effective, 1)
        note = QLabel(_("Reforms take effect on this date: the old unit ends the day before, and every past "
                        "assignment keeps the name it had."))
        note.setWordWrap(True)
        self.model = QStandardItemModel(self)
        self.view = QTreeView()
        self.view.setObjectName("orgTree")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(top)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        self.reload()

    def on(self) -> date:
        """The effective date of a reform; UserError while the typed date is wrong (shown beside it)."""
        return self.effective.value()

    def reload(self) -> None:
        self.model.clear()
        self.model.setHorizontalHeaderLabels([_("Organisation unit"), _("Head count")])
        self._nodes.clear()

        def add(parent: QStandardItem, node: UnitNode) -> None:
            self._nodes[node.id] = node
            name = QStandardItem(node.name)
            name.setData(node.id, _ID_ROLE)
            count = QStandardItem(str(node.staff) if node.staff else "")
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            parent.appendRow([name, count])
            for child in node.children:
                add(name, child)

        for root in organisation.tree(self._db, self.effective.date()):
            add(self.model.invisibleRootItem(), root)
        self.view.expandAll()
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def selected(self) -> UnitNode | None:
        indexes = self.view.selectionModel().selectedRows(0)
        return self._nodes.get(indexes[0].data(_ID_ROLE)) if indexes else None

    def select(self, unit_id: int) -> None:
        for item in self.model.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive):
            if item.data(_ID_ROLE) == unit_id:
                self.view.setCurrentIndex(item.index())
                return

    def _need_selection(self) -> UnitNode | None:
        node = self.selected()
        if node is None:
            QMessageBox.information(self, _("Organisation"), _("Select a unit first."))
        return node

    def _run(self, action) -> None:
        try:
            action()
        except UserError as exc:
            QMessageBox.warning(self, _("Organisation"), str(exc))
            return
        self.reload()
        self.organisation_changed.emit()

    def create(self) -> None:
        node = self.selected()
        where = node.name if node else _("the top level")
        name, ok = QInputDialog.getText(self, _("New unit"), _("Name of the new unit under {where}:").format(where=where))
        if ok:
            self._run(lambda: organisation.create_unit(self._db, node.id if node else None, name, self.on(),
                                                       self._user))

    def rename(self) -> None:
        node = self._need_selection()
        if node is None:
            return
        name, ok = QInputDialog.getText(self, _("Rename"), _("New name of {name}:").format(name=node.name),
                                        text=node.name)
        if ok:
            self._run(lambda: organisation.rename_unit(self._db, node.id, name, self.on(), self._user))

    def merge(self) -> None:
        node = self._need_selection()
        if node is None:
            return
        siblings = [n for n in self._nodes.values() if n.kind == node.kind and n.id != node.id]
        labels = [n.name for n in siblings]
        if not labels:
            return
        choice, ok = QInputDialog.getItem(self, _("Merge"), _("Merge {name} into:").format(name=node.name), labels,
                                          0, False)
        if ok:
            target = siblings[labels.index(choice)]
            self._run(lambda: organisation.merge_units(self._db, [node.id], target.id, self.on(), self._user))

    def split(self) -> None:
        node = self._need_selection()
        if node is None:
            return
        dialog = SplitDialog(self._db, self._user, node, self)
        if dialog.exec():
            self._run(lambda: organisation.split_unit(self._db, node.id, dialog.new_names(), dialog.placement(),
                                                      self.on(), self._user))

    def abolish(self) -> None:
        node = self._need_selection()
        if node is None:
            return
        answer = QMessageBox.question(self, _("Abolish"), _("Abolish {name} from {date}?").format(
            name=node.name, date=wareki.format_wareki(self.effective.date())))
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda: organisation.abolish_unit(self._db, node.id, self.on(), self._user))
