"""The set-up guide of a new register: its steps, what is still missing, and what an empty list asks for.

A new town opens the app on an empty register. The guide (``ui.overview.setup_guide``) walks the
administrator through the steps in ``STEPS``; each can be skipped, and the start screen lists the
ones still missing. What counts as done is decided here, from the register itself, so that the
checklist, the guide and the empty lists' hints agree and can be tested without a screen.

``STEPS`` is a plain list: a new step (e.g. importing earlier paper certifications) is one more
``Step`` with its ``done`` test, and one more page in the guide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from app.certification import schemes
from app.register import settings
from app.staff import edit
from app.register.accounts import User
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, _
from app.register.permissions import Action, allowed, require
from app.wareki import format_fiscal_year

FIRST_FISCAL_YEAR_RANGE = (1989, 2099)  # 平成元年度 .. : a typo such as 20250 is refused


@dataclass(frozen=True)
class Step:
    """One step of the guide: its title, the checklist's sentence while it is missing, and its test."""

    key: str
    title: str  # msgid
    missing: str  # msgid: the checklist line while the step is not done
    action: Action  # what doing the step needs (the administrator's)
    done: Callable[[sqlite_utils.Database, date], bool]


@dataclass(frozen=True)
class StepState:
    key: str
    title: str  # translated
    done: bool
    missing: str  # translated: what the checklist says while it is not done
    detail: str  # translated: what is set now ("" when nothing)


def _text_setting(db: sqlite_utils.Database, key: str) -> str:
    return str(settings.get(db, key) or "").strip()


def _has_staff(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT EXISTS (SELECT 1 FROM staff)").fetchone()[0] == 1


def _digital_section(db: sqlite_utils.Database, on: date) -> int | None:
    """The section that rates ICT: chosen in 設定, or found by its name (as the evaluation rules do)."""
    from app.evaluation import ratings  # the evaluation rules and their imports: not needed to paint the window

    return ratings.digital_section(db, on)[0]


def _has_certifications(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT EXISTS (SELECT 1 FROM certifications)").fetchone()[0] == 1


STEPS: list[Step] = [
    Step("municipality", N_("Municipality name"), N_("The municipality's name is not set (it is printed on certificates)."),
         Action.SETTINGS_EDIT, lambda db, on: bool(_text_setting(db, "municipality_name"))),
    Step("issuer", N_("Certifying official"), N_("The certifying official (title and name) is not set."),
         Action.SETTINGS_EDIT,
         lambda db, on: bool(_text_setting(db, "mayor_title")) and bool(_text_setting(db, "mayor_name"))),
    Step("fiscal_year", N_("First fiscal year"), N_("The fiscal year the scheme starts in is not set."),
         Action.SETTINGS_EDIT, lambda db, on: settings.get(db, "first_fiscal_year") is not None),
    Step("scheme", N_("Certification scheme"), N_("No certification scheme is chosen."),
         Action.SCHEME_EDIT, lambda db, on: schemes.active_scheme_id(db) is not None),
    Step("staff", N_("Staff list"), N_("No staff are registered yet: import the staff list."),
         Action.STAFF_EDIT, lambda db, on: _has_staff(db)),
    # Optional in practice: a town without paper certifications finds it done with its first decision.
    Step("past_certifications", N_("Earlier certifications"),
         N_("No certifications yet: import those made before the register (paper, an Excel list), if any, so that "
            "numbering continues and nobody is offered a level again."),
         Action.CERTIFY, lambda db, on: _has_certifications(db)),
    Step("evaluation_rules", N_("Digital section and order of positions"),
         N_("The digital section (it rates the ICT perspective) is not set."),
         Action.SETTINGS_EDIT, lambda db, on: _digital_section(db, on) is not None),
    Step("accounts", N_("Accounts"), N_("Only the administrator has an account: add accounts for evaluators."),
         Action.ACCOUNTS_MANAGE, lambda db, on: db.execute("SELECT count(*) FROM users").fetchone()[0] > 1),
]


def step(key: str) -> Step:
    for candidate in STEPS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def is_new_register(db: sqlite_utils.Database) -> bool:
    """A register nobody has set up yet (no town name and no staff): the guide opens by itself."""
    return not _text_setting(db, "municipality_name") and not _has_staff(db)


def _detail(db: sqlite_utils.Database, key: str, on: date) -> str:
    """What a step has set now, in a few words, for the guide and the checklist."""
    if key == "municipality":
        return _text_setting(db, "municipality_name")
    if key == "issuer":
        name = _text_setting(db, "mayor_name")
        return f"{_text_setting(db, 'mayor_title')} {name}".strip() if name else ""
    if key == "fiscal_year":
        year = settings.get(db, "first_fiscal_year")
        return format_fiscal_year(year) if year is not None else ""
    if key == "scheme":
        scheme_id = schemes.active_scheme_id(db)
        return schemes.load_scheme(db, scheme_id).name if scheme_id is not None else ""
    if key == "staff":
        return _("{n} staff registered").format(n=db.execute("SELECT count(*) FROM staff").fetchone()[0]) if _has_staff(db) else ""
    if key == "past_certifications":
        n = db.execute("SELECT count(*) FROM certifications WHERE source = 'imported'").fetchone()[0]
        return _("{n} earlier certifications imported").format(n=n) if n else ""
    if key == "evaluation_rules":
        unit = _digital_section(db, on)
        row = db.execute("SELECT name FROM org_units WHERE id = ?", [unit]).fetchone() if unit is not None else None
        return row[0] if row else ""
    if key == "accounts":
        return _("{n} accounts").format(n=db.execute("SELECT count(*) FROM users").fetchone()[0])
    return ""


def step_detail(db: sqlite_utils.Database, user: User, key: str, on: date) -> str:
    """What one step has set now (the guide's page shows it after an import or an edit)."""
    require(user, Action.SETTINGS_EDIT)
    return _detail(db, key, on)


def checklist(db: sqlite_utils.Database, user: User, on: date) -> list[StepState]:
    """Every step with whether it is done (on ``on``) and what is set; the administrator's."""
    require(user, Action.SETTINGS_EDIT)
    return [StepState(s.key, _(s.title), s.done(db, on), _(s.missing), _detail(db, s.key, on)) for s in STEPS]


def missing(db: sqlite_utils.Database, user: User, on: date) -> list[StepState]:
    """The steps not done yet, in the guide's order: the start screen's checklist."""
    return [state for state in checklist(db, user, on) if not state.done]


# -- the steps that write ---------------------------------------------------------------------------

def set_municipality(db: sqlite_utils.Database, user: User, name: str) -> bool:
    """The town's name, checked as the 証書 screen checks it; True when it changed."""
    require(user, Action.SETTINGS_EDIT)
    if not name.strip():
        raise UserError(_("Enter the municipality's name, or skip this step."))
    from app.certification import certificate_settings  # reportlab and the certificate layout: not at start-up

    return bool(certificate_settings.save(db, user, {"municipality_name": name}))


def set_issuer(db: sqlite_utils.Database, user: User, title: str, name: str) -> bool:
    """The certifying official (「市長」「山田 太郎」) printed on the issuer line; True when it changed."""
    require(user, Action.SETTINGS_EDIT)
    if not title.strip() or not name.strip():
        raise UserError(_("Enter the title (e.g. 市長) and the name of the certifying official, or skip this step."))
    from app.certification import certificate_settings  # reportlab and the certificate layout: not at start-up

    return bool(certificate_settings.save(db, user, {"mayor_title": title, "mayor_name": name}))


def set_first_fiscal_year(db: sqlite_utils.Database, user: User, year: int) -> bool:
    """The fiscal year (April to March) the scheme starts in, e.g. 2025 for 令和7年度; True when it changed."""
    require(user, Action.SETTINGS_EDIT)
    low, high = FIRST_FISCAL_YEAR_RANGE
    if not isinstance(year, int) or not low <= year <= high:
        raise UserError(_("The first fiscal year must be between {low} and {high}, not {value}.").format(
            low=low, high=high, value=year))
    if settings.get(db, "first_fiscal_year") == year:
        return False
    settings.set_value(db, "first_fiscal_year", year, user)
    return True


def choose_scheme(db: sqlite_utils.Database, user: User, preset: str) -> int:
    """Install a preset (真岡市方式, 北海道方式 or blank) and make it the scheme in use, in one transaction."""
    require(user, Action.SCHEME_EDIT)
    if preset not in schemes.PRESETS:
        raise UserError(_("Unknown scheme preset: {value}. Choose one of: {choices}").format(
            value=preset, choices="、".join(schemes.PRESETS)))
    with transaction(db):
        scheme_id = schemes.install_preset(db, preset, user)
        settings.set_value(db, "certification_scheme", schemes.PRESETS[preset].family, user)
    return scheme_id


def set_digital_section(db: sqlite_utils.Database, user: User, unit_id: int | None) -> None:
    """The section whose staff rate ICT (None: found by its name, デジタル… or 情報…)."""
    require(user, Action.SETTINGS_EDIT)
    if unit_id is not None and unit_id not in dict(edit.section_choices(db)):
        raise UserError(_("There is no section with id {id} in force today.").format(id=unit_id))
    settings.set_value(db, "digital_section_id", unit_id, user)


# -- what an empty list asks for first ----------------------------------------------------------------

@dataclass(frozen=True)
class Hint:
    """The sentence an empty list shows instead of an empty grid, and the step its button opens."""

    text: str  # translated
    button: str = ""  # translated; "" = no button (the person may not do it)
    target: str = ""  # a STEPS key, or "new_project" / "projects" / "candidates"


def _count(db: sqlite_utils.Database, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - table names are ours


def _staff_first(user: User) -> Hint:
    if allowed(user, Action.STAFF_EDIT):
        return Hint(_("No staff are registered yet. Import the staff list first."), _("Import the staff list…"), "staff")
    return Hint(_("No staff are registered yet. The administrator imports the staff list."))


def empty_hint(db: sqlite_utils.Database, user: User, list_key: str) -> Hint | None:
    """What an empty list (``staff``, ``projects``, ``evaluations``, ``register``, ``candidates``) should say.

    None when the register has rows for it (an empty view then comes from a filter or search,
    and the view says so itself). The button is offered only to a role that may do the step.
    """
    if list_key == "staff":
        return _staff_first(user) if not _has_staff(db) else None
    if list_key == "projects":
        if _count(db, "projects"):
            return None
        if not _has_staff(db):
            return _staff_first(user)
        if allowed(user, Action.PROJECT_EDIT):
            return Hint(_("No projects yet. Create the first improvement project and add its members."),
                        _("New project…"), "new_project")
        return Hint(_("No projects yet. The administrator creates them."))
    if list_key == "evaluations":
        if not _count(db, "projects"):
            if allowed(user, Action.PROJECT_EDIT):
                return Hint(_("Evaluations are about a project's members. Create a project and add its members "
                              "first."), _("Go to Projects"), "projects")
            return Hint(_("Evaluations are about a project's members. There are no projects yet."))
        return None
    if list_key in ("register", "candidates"):
        if schemes.active_scheme_id(db) is None:
            if allowed(user, Action.SCHEME_EDIT):
                return Hint(_("No certification scheme is chosen yet. Choose one first."), _("Choose a scheme…"), "scheme")
            return Hint(_("No certification scheme is set up yet. The administrator sets it up."))
        if not _has_staff(db):
            return _staff_first(user)
        if list_key == "register" and not _count(db, "certifications"):
            if allowed(user, Action.CERTIFY):
                return Hint(_("Nobody is certified yet. Staff who meet a level's requirements appear under "
                              "Candidates, where they are certified."), _("Show the candidates"), "candidates")
            return Hint(_("Nobody is certified yet."))
        if list_key == "candidates" and not _count(db, "projects"):
            return Hint(_("Candidates come from projects, workshops and evaluations. Create a project first."),
                        _("Go to Projects"), "projects")
        return None
    raise KeyError(list_key)
