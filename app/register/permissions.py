"""Who may do what: the one table of roles and actions that every service checks.

A service that reads or writes personnel data takes the acting ``User`` and calls
``require(user, Action.X)`` before it touches the register. Screens hide what a role
may not use, but that is a convenience: the check here is the one that counts, so a
script, the CLI (``--as LOGIN``) and a screen all meet the same rule. The README's table
of roles is generated from ``TABLE`` (a test keeps the two the same).

Some actions carry a narrower rule inside the service on top of the table: an evaluator
opens only the assignments where they are the evaluator and sees only their own rating
tendency; non-administrators see the staff list without leave (休職) status.
"""

from __future__ import annotations

from enum import StrEnum

from app.register.accounts import ROLE_LABELS, Role, User
from app.errors import PermissionDenied
from app.i18n import N_, _


class Action(StrEnum):
    """A named thing a person can do; the value is what the README and error messages refer to."""

    STAFF_LIST = "staff:list"
    STAFF_HISTORY = "staff:history"
    STAFF_EDIT = "staff:edit"
    STAFF_EXPORT = "staff:export"
    ORGANISATION_EDIT = "organisation:edit"
    PROJECT_VIEW = "projects:view"
    PROJECT_EDIT = "projects:edit"
    TEMPLATE_EDIT = "templates:edit"
    ASSIGNMENT_EDIT = "evaluations:assign"
    RATINGS_OWN = "evaluations:own"
    RATINGS_INDIVIDUAL = "evaluations:individual"
    RESULTS_VIEW = "evaluations:summary"
    TENDENCY_VIEW = "evaluations:tendency"
    ELIGIBILITY_VIEW = "certification:eligibility"
    CERTIFY = "certification:decide"
    CERTIFICATION_IMPORT = "certification:import"
    SCHEME_EDIT = "schemes:edit"
    REGISTER_VIEW = "certification:register"
    CERTIFICATE_OUTPUT = "certificates:output"
    SETTINGS_EDIT = "settings:edit"
    BACKUP = "maintenance:backup"
    AUDIT_VIEW = "audit:view"
    ACCOUNTS_MANAGE = "accounts:manage"
    SKILLS_VIEW = "skills:view"
    SKILLS_EDIT = "skills:edit"
    SKILL_CATALOGUE_EDIT = "skills:catalogue"
    SKILLS_OWN = "skills:own"
    TRAINING_VIEW = "training:view"
    TRAINING_EDIT = "training:edit"
    QUALIFICATIONS_VIEW = "qualifications:view"
    QUALIFICATIONS_EDIT = "qualifications:edit"
    SURVEYS_VIEW = "surveys:view"
    SURVEYS_EDIT = "surveys:edit"
    TARGETS_VIEW = "targets:view"
    TARGETS_EDIT = "targets:edit"
    DASHBOARD_VIEW = "dashboard:view"
    DASHBOARD_DETAIL = "dashboard:detail"
    # skill map: demand and gap (issue 15, lane skillgap)
    SKILL_MAP_VIEW = "skills:map"
    SKILL_GAP_PEOPLE = "skills:gap_people"
    SKILL_DEMAND_EDIT = "skills:demand"


_ALL = frozenset(Role)
_ADMIN = frozenset({Role.ADMIN})

# The table. Administrators may do everything; the other two roles are listed action by action.
TABLE: dict[Action, frozenset[Role]] = {
    Action.STAFF_LIST: _ALL,
    Action.STAFF_HISTORY: _ADMIN,
    Action.STAFF_EDIT: _ADMIN,
    Action.STAFF_EXPORT: _ADMIN,
    Action.ORGANISATION_EDIT: _ADMIN,
    Action.PROJECT_VIEW: frozenset({Role.ADMIN, Role.VIEWER}),
    Action.PROJECT_EDIT: _ADMIN,
    Action.TEMPLATE_EDIT: _ADMIN,
    Action.ASSIGNMENT_EDIT: _ADMIN,
    Action.RATINGS_OWN: frozenset({Role.ADMIN, Role.EVALUATOR}),
    Action.RATINGS_INDIVIDUAL: _ADMIN,
    Action.RESULTS_VIEW: frozenset({Role.ADMIN, Role.VIEWER}),
    Action.TENDENCY_VIEW: frozenset({Role.ADMIN, Role.EVALUATOR}),
    Action.ELIGIBILITY_VIEW: _ADMIN,
    Action.CERTIFY: _ADMIN,
    Action.CERTIFICATION_IMPORT: _ADMIN,
    Action.SCHEME_EDIT: _ADMIN,
    Action.REGISTER_VIEW: frozenset({Role.ADMIN, Role.VIEWER}),
    Action.CERTIFICATE_OUTPUT: _ADMIN,
    Action.SETTINGS_EDIT: _ADMIN,
    Action.BACKUP: _ADMIN,
    Action.AUDIT_VIEW: _ADMIN,
    Action.ACCOUNTS_MANAGE: _ADMIN,
    Action.SKILLS_VIEW: frozenset({Role.ADMIN, Role.VIEWER}),
    Action.SKILLS_EDIT: _ADMIN,
    Action.SKILL_CATALOGUE_EDIT: _ADMIN,
    Action.SKILLS_OWN: _ALL,
    Action.TRAINING_VIEW: frozenset({Role.ADMIN, Role.VIEWER}),
    Action.TRAINING_EDIT: _ADMIN,
    Action.QUALIFICATIONS_VIEW: frozenset({Role.ADMIN, Role.VIEWER}),
    Action.QUALIFICATIONS_EDIT: _ADMIN,
    Action.SURVEYS_VIEW: frozenset({Role.ADMIN, Role.VIEWER}),
    Action.SURVEYS_EDIT: _ADMIN,
    Action.TARGETS_VIEW: frozenset({Role.ADMIN, Role.VIEWER}),
    Action.TARGETS_EDIT: _ADMIN,
    Action.DASHBOARD_VIEW: frozenset({Role.ADMIN, Role.VIEWER}),
    Action.DASHBOARD_DETAIL: _ADMIN,
    Action.SKILL_MAP_VIEW: frozenset({Role.ADMIN, Role.VIEWER}),
    Action.SKILL_GAP_PEOPLE: _ADMIN,
    Action.SKILL_DEMAND_EDIT: _ADMIN,
}

# What each action covers, as the README table and the refusal message name it.
LABELS: dict[Action, str] = {
    Action.STAFF_LIST: N_("Staff list (names, sections, positions)"),
    Action.STAFF_HISTORY: N_("A person's record and history (leave, career)"),
    Action.STAFF_EDIT: N_("Add, edit and import staff; order of positions"),
    Action.STAFF_EXPORT: N_("Export the staff register"),
    Action.ORGANISATION_EDIT: N_("Reorganise units"),
    Action.PROJECT_VIEW: N_("Projects, members and study sessions"),
    Action.PROJECT_EDIT: N_("Create and change projects, members, sessions and external raters"),
    Action.TEMPLATE_EDIT: N_("Evaluation templates"),
    Action.ASSIGNMENT_EDIT: N_("Assign evaluators, reopen evaluations"),
    Action.RATINGS_OWN: N_("Enter one's own evaluations (screen or Excel sheet)"),
    Action.RATINGS_INDIVIDUAL: N_("Individual ratings and who gave them"),
    Action.RESULTS_VIEW: N_("Aggregated results (from the minimum number of raters)"),
    Action.TENDENCY_VIEW: N_("Rater tendency (evaluators: their own)"),
    Action.ELIGIBILITY_VIEW: N_("Certification candidates and their reasons"),
    Action.CERTIFY: N_("Approve, revoke and re-issue certifications"),
    Action.CERTIFICATION_IMPORT: N_("Import earlier certifications (台帳導入前)"),
    Action.SCHEME_EDIT: N_("Certification schemes"),
    Action.REGISTER_VIEW: N_("Register of certified staff and its export"),
    Action.CERTIFICATE_OUTPUT: N_("Certificate output and its log"),
    Action.SETTINGS_EDIT: N_("Change settings (town, issuer, certificate layout, evaluation rules)"),
    Action.BACKUP: N_("Back up and restore"),
    Action.AUDIT_VIEW: N_("Audit log"),
    Action.ACCOUNTS_MANAGE: N_("Manage accounts"),
    Action.SKILLS_VIEW: N_("Staff skills (the skill map)"),
    Action.SKILLS_EDIT: N_("Record, confirm and import staff skills; self-assessment sheets for others"),
    Action.SKILL_CATALOGUE_EDIT: N_("Skill catalogues"),
    Action.SKILLS_OWN: N_("One's own skill self-assessment (screen or Excel sheet)"),
    Action.TRAINING_VIEW: N_("Training events and who attended them"),
    Action.TRAINING_EDIT: N_("Create and change training events, enter and import attendance"),
    Action.QUALIFICATIONS_VIEW: N_("Staff qualifications and what expires soon"),
    Action.QUALIFICATIONS_EDIT: N_("Qualification catalogue; enter and import staff qualifications"),
    Action.SURVEYS_VIEW: N_("Results of participant surveys (anonymous)"),
    Action.SURVEYS_EDIT: N_("Survey questions and importing the answers"),
    Action.TARGETS_VIEW: N_("Targets, their progress, designations and section coverage"),
    Action.TARGETS_EDIT: N_("Set targets, designation roles and designations"),
    Action.DASHBOARD_VIEW: N_("Home dashboard: figures per level, section and project"),
    Action.DASHBOARD_DETAIL: N_("Home dashboard details: who has not rated yet, whose qualifications expire, backups, check"),
    Action.SKILL_MAP_VIEW: N_("Skill supply and demand (heat map: numbers of people) and its export"),
    Action.SKILL_GAP_PEOPLE: N_("Who could fill a skill gap (names and levels)"),
    Action.SKILL_DEMAND_EDIT: N_("Skill demand of projects and sections"),
}

# The one identity the CLI acts as when no --as LOGIN is given: the administrator at the file.
CLI_USER = User(0, "cli", "cli", Role.ADMIN)


def allowed(user: User, action: Action) -> bool:
    """True when ``user``'s role may do ``action`` (screens use this to hide what would be refused)."""
    return user.role in TABLE[action]


def require(user: User, action: Action) -> None:
    """Refuse with a Japanese message naming the action when ``user``'s role may not do it."""
    if not allowed(user, action):
        raise PermissionDenied(_("You do not have permission to do this ({action}).").format(action=_(LABELS[action])))


def markdown_table() -> str:
    """The roles × actions table as the README shows it (Japanese), generated so that the two cannot drift."""
    roles = list(Role)
    lines = ["| " + " | ".join([_("Action"), *(_(ROLE_LABELS[r]) for r in roles)]) + " |",
             "| " + " | ".join(["---"] * (len(roles) + 1)) + " |"]
    for action in Action:
        marks = ["○" if r in TABLE[action] else "—" for r in roles]
        lines.append(f"| {_(LABELS[action])} (`{action.value}`) | " + " | ".join(marks) + " |")
    return "\n".join(lines)
