"""設定: language, accounts (administrators only) and the audit log.

Three tabs (general, accounts, 操作記録) so that each table has the page's height: stacked on one
page at 1366×768 the two tables were squeezed to a row or two.
"""

from __future__ import annotations

import sqlite_utils
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.register import accounts
from app.register import audit
from app.register import maintenance
from app.evaluation import rubrics
from app.overview import setting_values
from app.staff import edit as staff_edit
from app.register import settings as app_settings
from app.register.accounts import Role, User
from app.errors import UserError
from app.formatting import format_timestamp
from app.i18n import LANGUAGES, _
from ui.register.account_dialogs import ChangePasswordDialog, LinkStaffDialog, NewAccountDialog, RecoveryCodeDialog
from ui.widgets.dialog_parts import error_label, save_discard_buttons, save_discard_or_stay
from ui.widgets.table_model import RecordTableModel, record_table_view

LANGUAGE_KEY = "ui/language"
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}


MUNICIPALITY_KEYS = ("municipality_name", "mayor_title", "mayor_name")


class SettingsPage(QWidget):
    accounts_changed = Signal()
    setup_guide_requested = Signal()

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        outer.addWidget(self.tabs)
        general_page = QWidget()
        layout = QVBoxLayout(general_page)
        self.tabs.addTab(general_page, _("General"))

        layout.addWidget(self._build_display_box())
        self._build_municipality_box()
        layout.addWidget(self.municipality_box)
        self._build_evaluation_box()
        layout.addWidget(self.evaluation_box)
        layout.addStretch(1)
        self._build_accounts_box()
        self.tabs.addTab(self.accounts_box, _("Accounts"))
        self.backup_box = self._build_backup_box()
        self.tabs.addTab(self.backup_box, _("Backups"))
        self._build_audit_box()
        self.tabs.addTab(self.audit_box, _("Audit log"))
        if not user.is_admin:
            self._hide_admin_parts(layout)
        self.reload()

    def _build_display_box(self) -> QGroupBox:
        """Language, and for the administrator the set-up guide."""
        general = QGroupBox(_("Display"))
        form = QFormLayout(general)
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        current = QSettings().value(LANGUAGE_KEY, "ja")
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        self.language.currentIndexChanged.connect(self._language_changed)
        form.addRow(_("Language (after restart)"), self.language)
        # The guide of a new register, reopened here: each of its steps can be done or redone later.
        if self._user.is_admin:
            self.guide_button = QPushButton(_("Open the set-up guide…"))
            self.guide_button.setObjectName("settingsSetupGuide")
            self.guide_button.clicked.connect(self.setup_guide_requested.emit)
            form.addRow(_("Set-up guide"), self.guide_button)
        return general

    def _build_municipality_box(self) -> None:
        # The town and the issuer are saved with 保存 (checked as on 証書 → 様式・文面, which edits them too).
        self.municipality_box = QGroupBox(_("Municipality"))
        municipality_form = QFormLayout(self.municipality_box)
        self.setting_edits: dict[str, QLineEdit] = {}
        # What was last loaded or saved: "unsaved" is judged without reading the register (it may be closed).
        self._saved_municipality = {key: str(app_settings.get(self._db, key)) for key in MUNICIPALITY_KEYS}
        for key in MUNICIPALITY_KEYS:
            edit = QLineEdit(self._saved_municipality[key])
            edit.setObjectName(key)
            edit.textChanged.connect(self._municipality_edited)
            municipality_form.addRow(_(app_settings.SETTINGS[key].label), edit)
            self.setting_edits[key] = edit
        self.municipality_error = error_label()
        self.municipality_error.hide()
        municipality_buttons, self.municipality_save, self.municipality_revert = save_discard_buttons(
            self.save_municipality, self.reload_municipality, "saveMunicipality", "discardMunicipality")
        municipality_form.addRow(self.municipality_error)
        municipality_form.addRow(municipality_buttons)
        self._municipality_edited()

    def _build_evaluation_box(self) -> None:
        """The digital section, the executives and the evaluation templates."""
        self.evaluation_box = QGroupBox(_("Evaluation"))
        evaluation_form = QFormLayout(self.evaluation_box)
        # Long labels go above their field when the page is narrow (150 % scaling) instead of widening it.
        evaluation_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.digital_section = QComboBox()
        self.digital_section.setObjectName("digitalSection")
        self.executive_rank = QComboBox()
        self.executive_rank.setObjectName("executiveRank")
        digital_label = app_settings.SETTINGS["digital_section_id"].label
        evaluation_form.addRow(_(digital_label), self.digital_section)
        ranks_row = QHBoxLayout()
        ranks_row.addWidget(self.executive_rank, 1)
        self.positions_button = QPushButton(_("Order of positions…"))
        self.positions_button.setObjectName("positionsButton")
        self.positions_button.clicked.connect(self._edit_positions)
        ranks_row.addWidget(self.positions_button)
        evaluation_form.addRow(_("Executives (rate the policy perspective when a project has no owners)"), ranks_row)
        evaluation_form.addRow(_("Evaluation templates"), self._build_templates())
        self._fill_evaluation_choices()
        self.digital_section.currentIndexChanged.connect(
            lambda: self._save_setting("digital_section_id", self.digital_section.currentData()))
        self.executive_rank.currentIndexChanged.connect(
            lambda: self._save_setting("executive_max_rank", self.executive_rank.currentData()))

    def _build_templates(self) -> QVBoxLayout:
        templates = QVBoxLayout()
        self.templates_model = RecordTableModel([
            (_("Template"), lambda t: t["name"]),
            (_("Version"), lambda t: t["version"]),
            (_("Combining raters"), lambda t: rubrics.aggregation_label(t["aggregation"])),
            (_("Projects"), lambda t: t["projects"]),
            (_("In use for new projects"), lambda t: _("Yes") if t["latest"] else ""),
        ], self)
        self.templates_view = record_table_view(self.templates_model)
        self.templates_view.setObjectName("templates")
        self.templates_view.setMinimumHeight(110)
        templates.addWidget(self.templates_view)
        template_buttons = QHBoxLayout()
        self.revise_template_button = QPushButton(_("View / revise…"))
        self.revise_template_button.setObjectName("reviseTemplate")
        self.revise_template_button.clicked.connect(lambda: self._edit_template(as_new=False))
        self.copy_template_button = QPushButton(_("Copy as a new template…"))
        self.copy_template_button.setObjectName("copyTemplate")
        self.copy_template_button.clicked.connect(lambda: self._edit_template(as_new=True))
        template_buttons.addWidget(self.revise_template_button)
        template_buttons.addWidget(self.copy_template_button)
        template_buttons.addStretch(1)
        templates.addLayout(template_buttons)
        return templates

    def _build_accounts_box(self) -> None:
        self.accounts_box = QGroupBox(_("Accounts"))
        box_layout = QVBoxLayout(self.accounts_box)
        self.users_model = RecordTableModel([
            (_("Login name"), lambda u: u["login"]),
            (_("Display name"), lambda u: u["display_name"]),
            (_("Role"), lambda u: _(accounts.ROLE_LABELS[Role(u["role"])])),
            (_("Staff member"), lambda u: f"{u['staff_name']} ({u['staff_no']})" if u["staff_id"] else ""),
            (_("State"), _account_state),
            (_("Last login"), lambda u: format_timestamp(u["last_login_at"])),
        ], self)
        self.users_view = record_table_view(self.users_model)
        self.users_view.setObjectName("accounts")
        box_layout.addWidget(self.users_view)
        box_layout.addLayout(self._build_account_buttons())
        box_layout.addLayout(self._build_idle_row())

    def _build_account_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.add_user_button = QPushButton(_("Add account…"))
        self.add_user_button.setObjectName("addAccount")
        self.add_user_button.clicked.connect(self._add_user)
        self.toggle_user_button = QPushButton(_("Disable / enable"))
        self.toggle_user_button.setObjectName("toggleAccount")
        self.toggle_user_button.clicked.connect(self._toggle_user)
        self.password_button = QPushButton(_("Reset password…"))
        self.password_button.setObjectName("setPassword")
        self.password_button.setToolTip(_("Another account: a temporary password its owner changes at the next "
                                          "login. Your own account: change your password."))
        self.password_button.clicked.connect(self._set_password)
        self.unlock_button = QPushButton(_("Unlock"))
        self.unlock_button.setToolTip(_("Clear the failed logins that make this login name wait."))
        self.unlock_button.setObjectName("unlockAccount")
        self.unlock_button.clicked.connect(self._unlock)
        self.recovery_button = QPushButton(_("New recovery code…"))
        self.recovery_button.setObjectName("newRecoveryCode")
        self.recovery_button.clicked.connect(self._new_recovery_code)
        buttons.addWidget(self.add_user_button)
        buttons.addWidget(self.toggle_user_button)
        buttons.addWidget(self.password_button)
        buttons.addWidget(self.unlock_button)
        self.link_button = QPushButton(_("Link to staff member…"))
        self.link_button.setObjectName("linkAccount")
        self.link_button.clicked.connect(self._link_staff)
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.recovery_button)
        buttons.addStretch(1)
        return buttons

    def _build_idle_row(self) -> QHBoxLayout:
        idle_row = QHBoxLayout()
        idle_row.addWidget(QLabel(_(app_settings.SETTINGS["idle_lock_minutes"].label)))
        self.idle_lock = QSpinBox()
        self.idle_lock.setObjectName("idleLockMinutes")
        self.idle_lock.setRange(0, app_settings.IDLE_LOCK_MAX_MINUTES)
        self.idle_lock.setSuffix(_(" min"))
        self.idle_lock.setSpecialValueText(_("Never"))
        self.idle_lock.setValue(int(app_settings.get(self._db, "idle_lock_minutes")))
        self.idle_lock.editingFinished.connect(self._save_idle_lock)
        idle_row.addWidget(self.idle_lock)
        idle_row.addStretch(1)
        return idle_row

    def _build_audit_box(self) -> None:
        self.audit_box = QGroupBox(_("Audit log (newest first)"))
        audit_layout = QVBoxLayout(self.audit_box)
        self.audit_model = RecordTableModel([
            (_("Time"), lambda e: format_timestamp(e["at"])),
            (_("By"), lambda e: e["actor"]),
            (_("Action"), lambda e: audit.action_label(e["action"])),
            (_("Details"), lambda e: e["sentence"]),
        ], self)
        self.audit_view = record_table_view(self.audit_model)
        self.audit_view.setObjectName("auditLog")
        audit_layout.addWidget(self.audit_view)

    def _hide_admin_parts(self, layout: QVBoxLayout) -> None:
        """What a non-administrator sees: the general tab only, with the town read-only."""
        note = QLabel(_("Only administrators can manage accounts and read the audit log."))
        layout.insertWidget(layout.count() - 1, note)
        self.accounts_box.hide()
        self.audit_box.hide()
        self.backup_box.hide()
        for box in (self.accounts_box, self.audit_box, self.backup_box):
            self.tabs.setTabVisible(self.tabs.indexOf(box), False)
        self.municipality_box.setEnabled(False)
        self.evaluation_box.hide()

    def reload(self) -> None:
        if self._user.is_admin:
            self.templates_model.set_records(rubrics.list_templates(self._db))
            self.users_model.set_records(accounts.list_users(self._db, self._user))
            entries = audit.recent(self._db, self._user)
            for entry, sentence in zip(entries, audit.describe(self._db, entries)):
                entry["sentence"] = sentence
            self.audit_model.set_records(entries)

    def reload_municipality(self) -> None:
        """Show the saved town and issuer (also edited on the 証書 screen), discarding edits here."""
        self._saved_municipality = {key: str(app_settings.get(self._db, key)) for key in MUNICIPALITY_KEYS}
        for key, edit in self.setting_edits.items():
            edit.setText(self._saved_municipality[key])
        self.municipality_error.hide()

    def municipality_values(self) -> dict[str, str]:
        return {key: edit.text().strip() for key, edit in self.setting_edits.items()}

    def municipality_dirty(self) -> bool:
        return self.municipality_values() != self._saved_municipality

    def _municipality_edited(self, *_args) -> None:
        dirty = self.municipality_dirty()
        self.municipality_save.setEnabled(dirty)
        self.municipality_revert.setEnabled(dirty)

    def save_municipality(self) -> bool:
        """Save the town and issuer through the certificate settings' own check; the refusal is shown inline."""
        try:
            from app.certification import certificate_settings  # reportlab: loaded when first saved

            changed = certificate_settings.save(self._db, self._user, self.municipality_values())
        except UserError as exc:
            self.municipality_error.setText(str(exc))
            self.municipality_error.show()
            return False
        self.reload_municipality()
        if changed:
            self.reload()  # the audit log shows the change
        return True

    def confirm_leave(self) -> bool:
        """Before the screen changes or the window closes: unsaved town or issuer is saved, dropped or kept."""
        if not self._user.is_admin or not self.municipality_dirty():
            return True
        return save_discard_or_stay(self, _("The municipality and the certifying official have unsaved changes. "
                                            "Save them?"), self.save_municipality, self.reload_municipality)

    def reload_evaluation_choices(self) -> None:
        """The digital section and the ranks again (the set-up guide may have changed them)."""
        if self._user.is_admin:
            self._fill_evaluation_choices()

    def _fill_evaluation_choices(self) -> None:
        for box in (self.digital_section, self.executive_rank):
            box.blockSignals(True)  # refilling is not a choice
            box.clear()
        self.digital_section.addItem(_("Found by name (デジタル…, 情報政策…)"), None)
        for unit_id, path in staff_edit.section_choices(self._db):
            self.digital_section.addItem(path, unit_id)
        chosen = app_settings.get(self._db, "digital_section_id")
        if chosen is not None and self.digital_section.findData(chosen) < 0:  # closed, or opening after a reform
            self.digital_section.addItem(staff_edit.unit_label(self._db, chosen), chosen)
        self.digital_section.setCurrentIndex(max(0, self.digital_section.findData(chosen)))
        for rank, name in staff_edit.position_ranks(self._db):
            self.executive_rank.addItem(_("{position} and above").format(position=name), rank)
        self.executive_rank.setCurrentIndex(max(0, self.executive_rank.findData(
            app_settings.get(self._db, "executive_max_rank"))))
        for box in (self.digital_section, self.executive_rank):
            box.blockSignals(False)

    def _edit_positions(self) -> None:
        from ui.staff.positions_dialog import PositionsDialog

        dialog = PositionsDialog(self._db, self._user, self)
        dialog.exec()
        if dialog.changed:
            self._fill_evaluation_choices()
            self.reload()

    def _edit_template(self, as_new: bool) -> None:
        from ui.evaluation.template_editor import TemplateEditorDialog

        rows = self.templates_view.selectionModel().selectedRows()
        template_id = self.templates_model.record_at(rows[0].row())["id"] if rows else (
            rubrics.latest_template_id(self._db, rubrics.MOKA_PRESET.family))
        dialog = TemplateEditorDialog(self._db, template_id, self._user, as_new=as_new, parent=self)
        if dialog.exec():
            self.reload()

    # -- backups ---------------------------------------------------------------------------------
    def _build_backup_box(self) -> QGroupBox:
        """Where the automatic backups also go (a USB stick, a file server), besides backups/ next to the register."""
        box = QGroupBox(_("Backups"))
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        explanation = QLabel(_("Every day at login and when the app is closed, a checked copy of the register is "
                               "written to the backups folder beside it and, if you choose one, to a second folder "
                               "such as a USB stick or a file server. Old copies are thinned (7 days, 4 weeks, "
                               "12 months)."))
        explanation.setWordWrap(True)
        form.addRow(explanation)
        row = QHBoxLayout()
        self.backup_folder = QLineEdit(str(app_settings.get(self._db, maintenance.BACKUP_FOLDER_KEY) or ""))
        self.backup_folder.setObjectName("backupFolder")
        self.backup_folder.setPlaceholderText(_("(none: only beside the register)"))
        row.addWidget(self.backup_folder, 1)
        browse = QPushButton(_("Choose…"))
        browse.setObjectName("chooseBackupFolder")
        browse.clicked.connect(self._choose_backup_folder)
        row.addWidget(browse)
        self.backup_folder_save = QPushButton(_("Save"))
        self.backup_folder_save.setObjectName("saveBackupFolder")
        self.backup_folder_save.clicked.connect(self.save_backup_folder)
        row.addWidget(self.backup_folder_save)
        form.addRow(_(app_settings.SETTINGS[maintenance.BACKUP_FOLDER_KEY].label), row)
        self.backup_folder_error = error_label()
        self.backup_folder_error.hide()
        form.addRow(self.backup_folder_error)
        return box

    def _choose_backup_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Backup folder"), self.backup_folder.text())
        if folder:
            self.backup_folder.setText(folder)

    def save_backup_folder(self) -> bool:
        """Checked as the CLI checks it: an existing folder, or empty for none."""
        try:
            setting_values.set_text(self._db, self._user, maintenance.BACKUP_FOLDER_KEY, self.backup_folder.text())
        except UserError as exc:
            self.backup_folder_error.setText(str(exc))
            self.backup_folder_error.show()
            return False
        self.backup_folder_error.hide()
        self.backup_folder.setText(str(app_settings.get(self._db, maintenance.BACKUP_FOLDER_KEY) or ""))
        return True

    def _save_setting(self, key: str, value: str) -> None:
        app_settings.set_value(self._db, key, value, self._user)
        self.reload()

    def _language_changed(self) -> None:
        QSettings().setValue(LANGUAGE_KEY, self.language.currentData())

    def _add_user(self) -> None:
        dialog = NewAccountDialog(self._db, self._user, first_admin=False, parent=self)
        if dialog.exec():
            self.reload()
            self.accounts_changed.emit()

    def _selected_account(self) -> dict | None:
        rows = self.users_view.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, _("Accounts"), _("Select an account first."))
            return None
        return self.users_model.record_at(rows[0].row())

    def _set_password(self) -> None:
        """Another account gets a random temporary password; one's own is changed with the current one."""
        record = self._selected_account()
        if record is None:
            return
        if record["login"].casefold() == self._user.login.casefold():
            if ChangePasswordDialog(self._db, self._user, parent=self).exec():
                QMessageBox.information(self, _("Accounts"), _("Your password was changed."))
            return
        if QMessageBox.question(self, _("Accounts"), _(
                "Give {login} a temporary password? The current password stops working, and {login} chooses a "
                "new one at the next login.").format(login=record["login"])) != QMessageBox.StandardButton.Yes:
            return
        try:
            temporary = accounts.reset_password(self._db, record["login"], self._user)
        except UserError as exc:
            QMessageBox.warning(self, _("Accounts"), str(exc))
            return
        box = QMessageBox(QMessageBox.Icon.Information, _("Accounts"), _(
            "Temporary password of {login}:\n\n{password}\n\nTell it to {login} in person. They choose a new "
            "password at the next login.").format(login=record["login"], password=temporary), parent=self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()
        self.reload()

    def _unlock(self) -> None:
        record = self._selected_account()
        if record is None:
            return
        cleared = accounts.unlock(self._db, record["login"], self._user)
        QMessageBox.information(self, _("Accounts"), _("The failed logins of {login} were cleared.").format(
            login=record["login"]) if cleared else _("{login} has no failed logins to clear.").format(
            login=record["login"]))
        self.reload()

    def _new_recovery_code(self) -> None:
        record = self._selected_account()
        if record is None:
            return
        current = None
        if record["login"].casefold() == self._user.login.casefold():
            current, ok = QInputDialog.getText(self, _("New recovery code"), _(
                "A new recovery code replaces the old one. Enter your password:"), QLineEdit.EchoMode.Password)
            if not ok:
                return
        try:
            code = accounts.issue_recovery_code(self._db, record["login"], self._user, current)
        except UserError as exc:
            QMessageBox.warning(self, _("Accounts"), str(exc))
            return
        RecoveryCodeDialog(record["login"], code, self).exec()
        self.reload()

    def _save_idle_lock(self) -> None:
        try:
            setting_values.set_text(self._db, self._user, "idle_lock_minutes", str(self.idle_lock.value()))
        except UserError as exc:
            QMessageBox.warning(self, _("Accounts"), str(exc))
        self.reload()

    def _link_staff(self) -> None:
        record = self._selected_account()
        if record is not None and LinkStaffDialog(self._db, record, self._user, self).exec():
            self.reload()
            self.accounts_changed.emit()

    def _toggle_user(self) -> None:
        record = self._selected_account()
        if record is None:
            return
        try:
            accounts.set_active(self._db, record["login"], not record["active"], self._user)
        except UserError as exc:
            QMessageBox.warning(self, _("Accounts"), str(exc))
        self.reload()


def _account_state(record: dict) -> str:
    """Enabled or disabled, and locked out until when after too many failed logins."""
    state = _("Enabled") if record["active"] else _("Disabled")
    if record.get("locked_until"):
        state += _(" (locked until {time})").format(time=format_timestamp(record["locked_until"]))
    if record.get("must_change_password"):
        state += _(" (temporary password)")
    return state
