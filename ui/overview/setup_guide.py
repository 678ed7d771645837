"""設定ガイド: the steps of a new register, one page each, every one of them skippable.

The steps and whether each is done come from ``app.overview.setup_guide.STEPS``; this module gives each
step its page (``PAGES``, by the step's key). A new step is a ``Step`` there and a ``GuidePage``
subclass here. Pages that only reuse an existing dialog (the staff import, the order of positions,
accounts) write through that dialog; the others save through the guide's services on 保存して次へ.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.register import accounts
from app.staff import positions
from app.certification import schemes
from app.overview import setup_guide
from app.staff import edit
from app.register import settings as app_settings
from app.register.accounts import User
from app.errors import UserError
from app.i18n import N_, _
from app.overview.setup_guide import StepState
from app.wareki import fiscal_year, format_fiscal_year
from ui.widgets.dialog_parts import error_label, fit_to_screen, run_modal

DONE_MARK, MISSING_MARK = "✓", "・"


class GuidePage(QWidget):
    """One step: an explanation, its fields, and ``save`` (which raises UserError to stay on the page)."""

    intro = ""  # msgid
    saves = True  # False: the page writes through the dialogs it opens, 次へ only moves on
    changed = Signal()  # something was written from inside the page (an import, an account)

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        text = QLabel(_(self.intro))
        text.setWordWrap(True)
        text.setObjectName("stepIntro")
        self.layout_.addWidget(text)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.layout_.addLayout(self.form)
        self.build()
        self.layout_.addStretch(1)

    def build(self) -> None:
        """Add the step's fields."""

    def load(self) -> None:
        """Show what the register holds now (the page is shown again after other steps)."""

    def save(self) -> None:
        """Write the step; a UserError keeps the guide on this page with the message shown."""


class MunicipalityPage(GuidePage):
    intro = N_("The municipality's name is printed on certificates and in the certificate text ({自治体}).")

    def build(self) -> None:
        self.name = QLineEdit()
        self.name.setObjectName("guideMunicipality")
        self.name.setPlaceholderText(_("e.g. 真岡市"))
        self.form.addRow(_("Municipality name"), self.name)

    def load(self) -> None:
        self.name.setText(str(app_settings.get(self._db, "municipality_name")))

    def save(self) -> None:
        setup_guide.set_municipality(self._db, self._user, self.name.text())


class IssuerPage(GuidePage):
    intro = N_("The certifying official is printed on the issuer line of every certificate, e.g. 「○○市長 ○○ ○○」.")

    def build(self) -> None:
        self.title = QLineEdit()
        self.title.setObjectName("guideIssuerTitle")
        self.name = QLineEdit()
        self.name.setObjectName("guideIssuerName")
        self.name.setPlaceholderText(_("e.g. 山田 太郎"))
        self.form.addRow(_(app_settings.SETTINGS["mayor_title"].label), self.title)
        self.form.addRow(_(app_settings.SETTINGS["mayor_name"].label), self.name)

    def load(self) -> None:
        self.title.setText(str(app_settings.get(self._db, "mayor_title")))
        self.name.setText(str(app_settings.get(self._db, "mayor_name")))

    def save(self) -> None:
        setup_guide.set_issuer(self._db, self._user, self.title.text(), self.name.text())


class FiscalYearPage(GuidePage):
    intro = N_("A fiscal year runs from April 1 to March 31, as the Local Autonomy Act sets it for every municipality. "
               "Choose the fiscal year your scheme starts in: the project screens offer the years from it.")

    def build(self) -> None:
        self.year = QComboBox()
        self.year.setObjectName("guideFiscalYear")
        this_year = fiscal_year(date.today())
        for year in range(this_year + 1, this_year - 11, -1):
            self.year.addItem(f"{format_fiscal_year(year)}（{year}）", year)
        self.form.addRow(_("First fiscal year of the scheme"), self.year)

    def load(self) -> None:
        chosen = app_settings.get(self._db, "first_fiscal_year")
        if chosen is not None and self.year.findData(chosen) < 0:
            self.year.addItem(f"{format_fiscal_year(chosen)}（{chosen}）", chosen)
        self.year.setCurrentIndex(max(0, self.year.findData(chosen if chosen is not None else fiscal_year(date.today()))))

    def save(self) -> None:
        setup_guide.set_first_fiscal_year(self._db, self._user, self.year.currentData())


SCHEME_CHOICES = [
    ("moka", N_("Moka city style: アドバイザー → エキスパート → スペシャリスト, rated on projects from three perspectives")),
    ("hokkaido", N_("Hokkaido style: レベル1 to レベル4 and デジタルマネジメント人材")),
    ("blank", N_("A blank scheme with one level, to build your own")),
]


class SchemePage(GuidePage):
    intro = N_("Start from a preset and adjust it to your rules later (認定 → 制度を確認・改訂). Every change is "
               "kept as a new version; certifications keep the version they were decided under.")

    def build(self) -> None:
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for key, label in SCHEME_CHOICES:
            button = QRadioButton(_(label))
            button.setObjectName(f"guideScheme_{key}")
            button.setToolTip(schemes.PRESETS[key].note or schemes.PRESETS[key].name)
            self.group.addButton(button)
            self.buttons[key] = button
            self.layout_.addWidget(button)
        self.current = QLabel()
        self.current.setObjectName("guideSchemeCurrent")
        self.current.setWordWrap(True)
        self.layout_.addWidget(self.current)

    def load(self) -> None:
        scheme_id = schemes.active_scheme_id(self._db)
        family = schemes.load_scheme(self._db, scheme_id).family if scheme_id is not None else None
        self.current.setText(_("In use now: {name}").format(name=schemes.load_scheme(self._db, scheme_id).name)
                             if scheme_id is not None else _("No scheme is in use yet."))
        for key, button in self.buttons.items():
            button.setChecked(schemes.PRESETS[key].family == family)

    def chosen(self) -> str | None:
        return next((key for key, button in self.buttons.items() if button.isChecked()), None)

    def save(self) -> None:
        key = self.chosen()
        if key is None:
            raise UserError(_("Choose a scheme, or skip this step."))
        setup_guide.choose_scheme(self._db, self._user, key)


class StaffListPage(GuidePage):
    intro = N_("Import the staff list that HR exports (CSV in Shift_JIS or UTF-8, or Excel). You see every change "
               "before anything is written, and the import can be repeated after each personnel change.")
    saves = False

    def build(self) -> None:
        self.status = QLabel()
        self.status.setObjectName("guideStaffStatus")
        self.import_button = QPushButton(_("Import the staff list…"))
        self.import_button.setObjectName("guideImportStaff")
        self.import_button.clicked.connect(self.import_staff)
        self.layout_.addWidget(self.status)
        self.layout_.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)

    def load(self) -> None:
        self.status.setText(setup_guide.step_detail(self._db, self._user, "staff", date.today())
                            or _("No staff are registered yet."))

    def import_staff(self) -> None:
        from ui.staff.import_dialog import ImportDialog

        if run_modal(ImportDialog(self._db, self._user, self)):
            self.load()
            self.changed.emit()


class PastCertificationsPage(GuidePage):
    intro = N_("If the town certified people before this register (paper certificates, an Excel list), import them "
               "here: their numbers are kept as printed, new numbers continue after them, and they count for the "
               "next level (shown as 「台帳導入前」). A town without earlier certifications skips this step.")
    saves = False

    def build(self) -> None:
        self.status = QLabel()
        self.status.setObjectName("guidePastStatus")
        self.import_button = QPushButton(_("Import earlier certifications…"))
        self.import_button.setObjectName("guideImportPast")
        self.import_button.clicked.connect(self.import_past)
        self.layout_.addWidget(self.status)
        self.layout_.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)

    def load(self) -> None:
        self.status.setText(setup_guide.step_detail(self._db, self._user, "past_certifications", date.today())
                            or _("No earlier certifications imported."))

    def import_past(self) -> None:
        from ui.certification.past_dialog import PastCertificationsImportDialog

        if run_modal(PastCertificationsImportDialog(self._db, self._user, self)):
            self.load()
            self.changed.emit()


class EvaluationRulesPage(GuidePage):
    intro = N_("The digital section's staff rate the ICT perspective. The order of positions decides who counts as "
               "an executive (policy perspective) and as a manager. Both can be changed later in 設定.")

    def build(self) -> None:
        self.section = QComboBox()
        self.section.setObjectName("guideDigitalSection")
        self.section.setMinimumContentsLength(16)
        self.section.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.form.addRow(_(app_settings.SETTINGS["digital_section_id"].label), self.section)
        self.found = QLabel()
        self.found.setObjectName("guideDigitalFound")
        self.found.setWordWrap(True)
        self.form.addRow(self.found)
        self.positions_button = QPushButton(_("Order of positions…"))
        self.positions_button.setObjectName("guidePositions")
        self.positions_button.clicked.connect(self.edit_positions)
        positions_row = QHBoxLayout()
        positions_row.addWidget(self.positions_button)
        positions_row.addStretch(1)
        self.form.addRow(_("Order of positions"), positions_row)

    def load(self) -> None:
        self.section.clear()
        self.section.addItem(_("Found by name (デジタル…, 情報政策…)"), None)
        for unit_id, path in edit.section_choices(self._db):
            self.section.addItem(path, unit_id)
        self.section.setCurrentIndex(max(0, self.section.findData(app_settings.get(self._db, "digital_section_id"))))
        state = next(s for s in setup_guide.checklist(self._db, self._user, date.today()) if s.key == "evaluation_rules")
        self.found.setText(_("Rates ICT now: {name}").format(name=state.detail) if state.done else _(
            "No section rates ICT yet: import the staff list, then choose the section here."))
        self.positions_button.setEnabled(bool(positions.ordered(self._db)))

    def save(self) -> None:
        setup_guide.set_digital_section(self._db, self._user, self.section.currentData())

    def edit_positions(self) -> None:
        from ui.staff.positions_dialog import PositionsDialog

        dialog = PositionsDialog(self._db, self._user, self)
        run_modal(dialog)
        if dialog.changed:
            self.changed.emit()


class AccountsPage(GuidePage):
    intro = N_("Evaluators who enter ratings on this PC and viewers who only read need their own accounts. Evaluators "
               "who fill in Excel sheets need none. Link an evaluator's account to their staff number.")
    saves = False

    def build(self) -> None:
        self.list = QListWidget()
        self.list.setObjectName("guideAccounts")
        self.list.setMaximumHeight(140)
        self.add_button = QPushButton(_("Add account…"))
        self.add_button.setObjectName("guideAddAccount")
        self.add_button.clicked.connect(self.add_account)
        self.layout_.addWidget(self.list)
        self.layout_.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def load(self) -> None:
        self.list.clear()
        for row in accounts.list_users(self._db, self._user):
            self.list.addItem(f"{row['display_name']}（{row['login']}・{_(accounts.ROLE_LABELS[accounts.Role(row['role'])])}）")

    def add_account(self) -> None:
        from ui.register.account_dialogs import NewAccountDialog

        if run_modal(NewAccountDialog(self._db, self._user, first_admin=False, parent=self)):
            self.load()
            self.changed.emit()


# The page of each step, by the step's key in app.overview.setup_guide.STEPS.
PAGES: dict[str, type[GuidePage]] = {
    "municipality": MunicipalityPage, "issuer": IssuerPage, "fiscal_year": FiscalYearPage, "scheme": SchemePage,
    "staff": StaffListPage, "past_certifications": PastCertificationsPage, "evaluation_rules": EvaluationRulesPage,
    "accounts": AccountsPage,
}


class SetupGuideDialog(QDialog):
    """The steps on the left (✓ done), the current step on the right; 戻る, スキップ, 保存して次へ, 閉じる."""

    def __init__(self, db: sqlite_utils.Database, user: User, start: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.changed = False  # the main window reloads its screens when the guide wrote anything
        self.setWindowTitle(_("Set-up guide"))
        self.steps = [s for s in setup_guide.STEPS if s.key in PAGES]
        self.step_list = QListWidget()
        self.step_list.setObjectName("guideSteps")
        self.step_list.setMaximumWidth(230)
        self.step_list.setStyleSheet("QListWidget#guideSteps { font-size: 11pt; }"
                                     "QListWidget#guideSteps::item { padding: 5px 6px; }")
        self.pages = QStackedWidget()
        self.page_by_key: dict[str, GuidePage] = {}
        for step in self.steps:
            page = PAGES[step.key](db, user)
            page.setObjectName(f"guidePage_{step.key}")
            page.changed.connect(self._page_changed)
            area = QScrollArea()  # a page taller than 1366×768 at 150 % scrolls
            area.setWidgetResizable(True)
            area.setFrameShape(QScrollArea.Shape.NoFrame)
            area.setWidget(page)
            self.pages.addWidget(area)
            self.page_by_key[step.key] = page
            self.step_list.addItem(QListWidgetItem())
        self.heading = QLabel()
        self.heading.setObjectName("guideHeading")
        self.heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.error_label = error_label()
        self.back_button = QPushButton(_("Back"))
        self.back_button.setObjectName("guideBack")
        self.back_button.clicked.connect(lambda: self.go(self.index() - 1))
        self.skip_button = QPushButton(_("Skip"))
        self.skip_button.setObjectName("guideSkip")
        self.skip_button.setToolTip(_("Leave this step for later: the start screen lists what is still missing."))
        self.skip_button.clicked.connect(self.skip)
        self.next_button = QPushButton()
        self.next_button.setObjectName("guideNext")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.save_and_next)
        self.close_button = QPushButton(_("Close"))
        self.close_button.setObjectName("guideClose")
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.next_button)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.pages, 1)
        right.addWidget(self.error_label)
        right.addLayout(buttons)
        body = QHBoxLayout(self)
        body.addWidget(self.step_list)
        body.addLayout(right, 1)
        self.step_list.currentRowChanged.connect(self._show)
        self.refresh_steps()
        keys = [s.key for s in self.steps]
        self.go(keys.index(start) if start in keys else self._first_missing())
        fit_to_screen(self, 900, 520)

    # -- state ---------------------------------------------------------------------------------------
    def states(self) -> dict[str, StepState]:
        return {s.key: s for s in setup_guide.checklist(self._db, self._user, date.today())}

    def refresh_steps(self) -> None:
        """The list on the left: ✓ for a done step, with what it holds as the tooltip."""
        states = self.states()
        for row, step in enumerate(self.steps):
            state = states[step.key]
            item = self.step_list.item(row)
            item.setText(f"{DONE_MARK if state.done else MISSING_MARK} {state.title}")
            item.setToolTip(state.detail if state.done else state.missing)

    def _first_missing(self) -> int:
        states = self.states()
        return next((row for row, step in enumerate(self.steps) if not states[step.key].done), 0)

    def index(self) -> int:
        return self.pages.currentIndex()

    def current_page(self) -> GuidePage:
        return self.page_by_key[self.steps[self.index()].key]

    # -- moving --------------------------------------------------------------------------------------
    def go(self, row: int) -> None:
        if 0 <= row < len(self.steps):
            self.step_list.setCurrentRow(row)  # shows it

    def _show(self, row: int) -> None:
        if row < 0:
            return
        self.pages.setCurrentIndex(row)
        step = self.steps[row]
        self.heading.setText(_("Step {n} of {total}: {title}").format(n=row + 1, total=len(self.steps),
                                                                       title=_(step.title)))
        page = self.page_by_key[step.key]
        page.load()
        self.error_label.clear()
        last = row == len(self.steps) - 1
        self.back_button.setEnabled(row > 0)
        self.skip_button.setVisible(not last or page.saves)
        if page.saves:
            self.next_button.setText(_("Save and finish") if last else _("Save and next"))
        else:
            self.next_button.setText(_("Finish") if last else _("Next"))

    def skip(self) -> None:
        """Leave the step unsaved; on the last step, close the guide."""
        if self.index() == len(self.steps) - 1:
            self.accept()
        else:
            self.go(self.index() + 1)

    def save_and_next(self) -> None:
        page = self.current_page()
        if page.saves:
            try:
                page.save()
            except UserError as exc:
                self.error_label.setText(str(exc))
                return
            self._page_changed()
        if self.index() == len(self.steps) - 1:
            self.accept()
        else:
            self.go(self.index() + 1)

    def _page_changed(self) -> None:
        self.changed = True
        self.refresh_steps()
