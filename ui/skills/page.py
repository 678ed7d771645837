"""The スキル screen: the skill catalogue (with its editor and presets), people's skills and my self-assessment.

One catalogue is chosen at the top (the town may use several: the simple map, the デジタルスキル標準's two) and
every tab shows that one. What a role sees follows the permission table: the catalogue and one's own
self-assessment for everyone; people's skills for the administrator and viewers; presets, the editor, imports
and sheets for the administrator, and the supply-and-demand heat map (``SkillMapTab``).
"""

from __future__ import annotations

import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.register.permissions import Action, allowed
from app.skills import catalogues, presets
from app.skills.catalogues import CatalogueSpec
from ui.skills.heat_map_tab import TAB_TITLE as MAP_TAB_TITLE
from ui.skills.heat_map_tab import SkillMapTab
from ui.skills.catalogue_editor import CatalogueEditor
from ui.skills.own_tab import OwnAssessmentTab
from ui.skills.people_tab import PeopleTab
from ui.widgets.dialog_parts import run_modal
from ui.widgets.table_model import RecordTableModel, record_table_view

PRESET_LABELS = {"dss-p": N_("Digital skill standard: DX promotion skills (DSS-P)"),
                 "dss-l": N_("Digital skill standard: DX literacy for all staff (DSS-L)"),
                 "tokyo": N_("Simple skill map (Tokyo style)"), "blank": N_("Blank catalogue")}


class CatalogueTab(QWidget):
    """The catalogue: note, levels, items with their descriptors, roles; presets and the editor for the administrator."""

    def __init__(self, page: SkillsPage) -> None:
        super().__init__()
        self.page = page
        self.setObjectName("skillCatalogueTab")
        self.spec: CatalogueSpec | None = None
        layout = QVBoxLayout(self)
        if allowed(page.user, Action.SKILL_CATALOGUE_EDIT):
            layout.addLayout(self._admin_row())
        self.note = QLabel()
        self.note.setObjectName("catalogueNoteLabel")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.note)
        self.levels_model = RecordTableModel([(_("Level"), lambda r: r.level), (_("Name of the level"), lambda r: r.name),
                                              (_("What it means"), lambda r: r.description)], self)
        self.items_model = RecordTableModel([(_("Category"), lambda r: r[0]), (_("Skill item"), lambda r: r[1].name),
                                             (_("Code"), lambda r: r[1].code)], self)
        self.roles_model = RecordTableModel([(_("Type"), lambda r: r.type_name), (_("Skill role"), lambda r: r.name),
                                             (_("What the role does"), lambda r: r.description)], self)
        self.items_view = record_table_view(self.items_model)
        self.items_view.setObjectName("catalogueItems")
        self.items_view.selectionModel().currentRowChanged.connect(lambda current, _previous: self._describe(current.row()))
        self.descriptor = QLabel()
        self.descriptor.setObjectName("itemDescriptors")
        self.descriptor.setWordWrap(True)
        self.descriptor.setAlignment(Qt.AlignmentFlag.AlignTop)
        right = QTabWidget()
        right.addTab(self._scroll_label(self.descriptor), _("Descriptors"))
        right.addTab(record_table_view(self.levels_model), _("Levels"))
        self.roles_view = record_table_view(self.roles_model)
        right.addTab(self.roles_view, _("Roles"))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.items_view)
        splitter.addWidget(right)
        splitter.setSizes([520, 560])
        layout.addWidget(splitter, 1)

    @staticmethod
    def _scroll_label(label: QLabel) -> QWidget:
        from PySide6.QtWidgets import QScrollArea

        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(label)
        return area

    def _admin_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.preset_choice = QComboBox()
        self.preset_choice.setObjectName("skillPresetChoice")
        for key in presets.PRESETS:
            self.preset_choice.addItem(_(PRESET_LABELS[key]), key)
        install = QPushButton(_("Install preset"))
        install.setObjectName("skillPresetInstall")
        install.clicked.connect(self.install_preset)
        self.edit_button = QPushButton(_("Edit catalogue…"))
        self.edit_button.setObjectName("skillCatalogueEdit")
        self.edit_button.clicked.connect(self.edit)
        for widget in (QLabel(_("Preset:")), self.preset_choice, install):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.edit_button)
        return row

    def load(self, spec: CatalogueSpec | None) -> None:
        self.spec = spec
        if spec is None:
            self.note.setText(_("There is no skill catalogue yet. The administrator installs one of the presets "
                                "(the デジタルスキル標準 or a simple map) and can then edit it."))
            for model in (self.levels_model, self.items_model, self.roles_model):
                model.set_records([])
            self.descriptor.setText("")
            return
        self.note.setText(_("{name} (version {version}). {note}").format(name=spec.name, version=spec.version,
                                                                         note=spec.note))
        names = {c.code: c.name for c in spec.categories}
        self.levels_model.set_records(spec.levels)
        self.items_model.set_records([(names.get(i.category, ""), i) for i in spec.items])
        self.roles_model.set_records(spec.roles)
        self.items_view.selectRow(0)
        self._describe(0)

    def _describe(self, row: int) -> None:
        if self.spec is None or not 0 <= row < len(self.spec.items):
            self.descriptor.setText("")
            return
        item = self.spec.items[row]
        lines = [f"<b>{item.name}</b>", item.description]
        for level in self.spec.levels:
            text = item.descriptors.get(level.level) or level.description
            lines.append(f"<b>{level.level} {level.name}</b>: {text}")
        self.descriptor.setText("<br>".join(line for line in lines if line))

    def install_preset(self) -> None:
        key = self.preset_choice.currentData()
        try:
            catalogue_id = presets.install_preset(self.page.db, key, self.page.user)
        except UserError as exc:
            QMessageBox.warning(self, _("Skills"), str(exc))
            return
        self.page.reload(catalogues.load_catalogue(self.page.db, catalogue_id).family)

    def edit(self) -> None:
        if self.spec is None:
            QMessageBox.information(self, _("Skills"), _("Install a preset first; it can then be edited."))
            return
        editor = CatalogueEditor(self.page.db, self.page.user, self.spec, self)
        if run_modal(editor) and editor.saved_id is not None:
            self.page.reload(self.spec.family)


class SkillsPage(QWidget):
    """スキル: a catalogue chooser above the tabs; each tab reloads when the chosen catalogue changes."""

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user = db, user
        self.setObjectName("page_skills")
        heading = QLabel(_("Skills"))
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.choice = QComboBox()
        self.choice.setObjectName("catalogueChoice")
        self.choice.setMinimumWidth(380)
        self.choice.currentIndexChanged.connect(lambda _index: self._load())
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(QLabel(_("Skill catalogue:")))
        top.addWidget(self.choice)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("skillsTabs")
        self.catalogue_tab = CatalogueTab(self)
        self.tabs.addTab(self.catalogue_tab, _("Catalogue"))
        self.people_tab: PeopleTab | None = None
        if allowed(user, Action.SKILLS_VIEW):
            self.people_tab = PeopleTab(self)
            self.tabs.addTab(self.people_tab, _("Staff skills"))
        self.own_tab = OwnAssessmentTab(self)
        self.tabs.addTab(self.own_tab, _("My self-assessment"))
        self.map_tab: SkillMapTab | None = None
        if allowed(user, Action.SKILL_MAP_VIEW):  # supply against demand (issue 15 item 6)
            self.map_tab = SkillMapTab(db, user, self)
            self.tabs.addTab(self.map_tab, _(MAP_TAB_TITLE))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.reload()

    def add_tab(self, widget: QWidget, title: str) -> None:
        """A further tab (the heat map) after the page's own."""
        self.tabs.addTab(widget, title)

    @property
    def family(self) -> str | None:
        return self.choice.currentData()

    def reload(self, family: str | None = None) -> None:
        """Re-read the list of catalogues (after an install or a new version) and show ``family`` or the current one."""
        keep = family or self.family
        self.choice.blockSignals(True)
        self.choice.clear()
        for found, name in catalogues.families(self.db):
            self.choice.addItem(name, found)
        index = self.choice.findData(keep) if keep else -1
        self.choice.setCurrentIndex(max(index, 0) if self.choice.count() else -1)
        self.choice.blockSignals(False)
        self._load()

    def _load(self) -> None:
        spec = catalogues.current(self.db, self.family) if self.family else None
        self.catalogue_tab.load(spec)
        if self.people_tab is not None:
            self.people_tab.load(spec)
        self.own_tab.load(spec)
        if self.map_tab is not None:
            self.map_tab.follow_catalogue(self.family)
