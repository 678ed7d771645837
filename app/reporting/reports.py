"""The reports of the レポート screen and of ``report NAME``: a small registry of their builders.

Each builder (details.py, annual.py) reads the register once and returns a ``document.Report``; the
registry names it and says who may make it (評価結果 is the administrator's only; the builders check
permissions themselves too, so a script cannot skip the check).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from app.errors import UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.reporting import annual, details, skills
from app.reporting.document import Report


@dataclass(frozen=True)
class ReportKind:
    key: str
    title: str            # msgid
    build: Callable[[sqlite_utils.Database, User, int, date], Report]
    admin_only: bool = False


# -- the registry ----------------------------------------------------------------------------------

KINDS: dict[str, ReportKind] = {k.key: k for k in (
    ReportKind("annual", N_("Annual report"), annual.build),
    ReportKind("certification", N_("Certification by department"), details.build_certification),
    ReportKind("targets", N_("Progress against targets"), details.build_targets),
    ReportKind("outcomes", N_("Project outcomes"), details.build_outcomes),
    ReportKind("training", N_("Training attendance"), details.build_training),
    ReportKind("skills", N_("Skill supply and demand"), skills.build),
    ReportKind("evaluation", N_("Evaluation results"), details.build_evaluation, admin_only=True),
)}


def available(user: User) -> list[ReportKind]:
    """The reports this user may make, in the screen's order."""
    return [k for k in KINDS.values() if user.is_admin or not k.admin_only]


def build(db: sqlite_utils.Database, user: User, key: str, fy: int, today: date) -> Report:
    """Build report ``key`` for fiscal year ``fy`` as of ``today`` (the permission check is the builder's)."""
    kind = KINDS.get(key)
    if kind is None:
        raise UserError(_("Unknown report: {name} (reports: {names}).").format(name=key, names=", ".join(KINDS)))
    report = kind.build(db, user, fy, today)
    report.title = _(kind.title)
    return report
