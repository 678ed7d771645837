"""Targets per fiscal year: what a town promises to reach (「リーダー100人」「職員の10〜15%」「全所属に1名」).

A target is a kind, a figure and what it measures (a level, a group of staff, a designation role).
Setting the same kind and measure again for a year replaces the figure, so that ``targets set`` can be
run again when the plan changes; every change is in the audit log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.targets.population import active_scheme, sections_on
from app.wareki import fiscal_year, format_fiscal_year

KINDS = {
    "level_count": N_("Certified people (count)"),
    "staff_share": N_("Share of staff certified (%)"),
    "coverage": N_("People per section (coverage)"),
    "training_hours": N_("Training hours"),
    "training_share": N_("Share of staff trained (%)"),
    "hours_saved": N_("Hours saved a year"),
}
COUNTS = {"certified": N_("certified"), "designated": N_("designated"), "either": N_("certified or designated")}
PERCENT_KINDS = ("staff_share", "training_share")
LEVEL_KINDS = ("level_count", "staff_share", "coverage")  # the kinds that may count one level only
GROUP_KINDS = ("level_count", "staff_share", "training_hours", "training_share", "hours_saved")  # of a 部 or 課


@dataclass(frozen=True)
class Target:
    id: int | None
    fiscal_year: int
    kind: str
    value: float
    level_code: str | None = None
    unit_id: int | None = None
    role_id: int | None = None
    counts: str = "either"
    note: str = ""

    @property
    def key(self) -> tuple:
        """What the target measures, apart from the year and the figure (the same key across years is a trend)."""
        return self.kind, self.level_code or "", self.unit_id or 0, self.role_id or 0, self.counts


def _check(db: sqlite_utils.Database, target: Target) -> Target:
    if target.kind not in KINDS:
        raise UserError(_("Unknown kind of target: {kind} (use {kinds}).").format(kind=target.kind, kinds=", ".join(KINDS)))
    if not 1900 <= target.fiscal_year <= 2200:
        raise UserError(_("Not a fiscal year: {text}").format(text=target.fiscal_year))
    if target.value < 0 or (target.kind in PERCENT_KINDS and target.value > 100):
        raise UserError(_("The figure of a target must be from 0 (and a share at most 100 %): {value}").format(
            value=target.value))
    if target.kind == "coverage" and target.value < 1:
        raise UserError(_("Coverage needs at least 1 person per section."))
    if target.counts not in COUNTS:
        raise UserError(_("Count {value}? Use certified, designated or either.").format(value=target.counts))
    level, unit, role = target.level_code or None, target.unit_id, target.role_id
    for given, kinds, option in ((level, LEVEL_KINDS, "--level"), (unit, GROUP_KINDS, "--group"),
                                 (role, ("coverage",), "--role")):
        if given is not None and target.kind not in kinds:
            raise UserError(_("{option} does not apply to a target of the kind {kind}.").format(
                option=option, kind=_(KINDS[target.kind])))
    if level is not None:
        scheme = active_scheme(db)
        codes = [lv.code for lv in scheme.levels] if scheme else []
        if level not in codes:
            raise UserError(_("The scheme in use has no level {level} (levels: {codes}).").format(
                level=level, codes=", ".join(codes) or _("none")))
    counts = target.counts if target.kind == "coverage" else "either"
    if unit is not None and db.execute("SELECT 1 FROM org_units WHERE id = ?", [unit]).fetchone() is None:
        raise UserError(_("There is no such department or section."))
    if role is not None and db.execute("SELECT 1 FROM designation_roles WHERE id = ?", [role]).fetchone() is None:
        raise UserError(_("No such designation role."))
    return Target(None, target.fiscal_year, target.kind, float(target.value), level, unit, role, counts, target.note)


def set_target(db: sqlite_utils.Database, user: User, target: Target) -> int:
    """Save the target; one of the same year, kind and measure is replaced. Returns its id."""
    require(user, Action.TARGETS_EDIT)
    clean = _check(db, target)
    with transaction(db):
        old = next((t for t in list_targets(db, user, clean.fiscal_year) if t.key == clean.key), None)
        row = {k: v for k, v in asdict(clean).items() if k != "id"}
        if old is not None:
            db["targets"].update(old.id, row)
            audit.record(db, user.login, "target.set", "targets", old.id, before=asdict(old), after=row)
            return old.id
        target_id = db["targets"].insert({**row, "created_by": user.login}).last_pk
        audit.record(db, user.login, "target.set", "targets", target_id, after=row)
        return target_id


def remove_target(db: sqlite_utils.Database, user: User, target_id: int) -> None:
    require(user, Action.TARGETS_EDIT)
    with transaction(db):
        old = target_by_id(db, user, target_id)
        db.execute("DELETE FROM targets WHERE id = ?", [target_id])
        audit.record(db, user.login, "target.remove", "targets", target_id, before=asdict(old))


def target_by_id(db: sqlite_utils.Database, user: User, target_id: int) -> Target:
    require(user, Action.TARGETS_VIEW)
    found = [t for t in list_targets(db, user) if t.id == target_id]
    if not found:
        raise UserError(_("There is no target {id}.").format(id=target_id))
    return found[0]


def list_targets(db: sqlite_utils.Database, user: User, fiscal_year: int | None = None) -> list[Target]:
    """Targets by year, then in the order of KINDS."""
    require(user, Action.TARGETS_VIEW)
    sql = "SELECT id, fiscal_year, kind, value, level_code, unit_id, role_id, counts, note FROM targets"
    params: list = []
    if fiscal_year is not None:
        sql += " WHERE fiscal_year = ?"
        params.append(fiscal_year)
    order = list(KINDS)
    found = [Target(*row) for row in db.execute(sql, params)]
    return sorted(found, key=lambda t: (t.fiscal_year, order.index(t.kind), t.key, t.id))


def year_choices(db: sqlite_utils.Database, today: date) -> list[int]:
    """The fiscal years a screen offers: two back from this one to two ahead, and every year with a target
    or a designation."""
    this = fiscal_year(today)
    years = {r[0] for r in db.execute("SELECT fiscal_year FROM targets UNION SELECT fiscal_year FROM designations")}
    return list(range(min(years | {this - 2}), max(years | {this + 2}) + 1))


def group_choices(db: sqlite_utils.Database, today: date) -> list[tuple[int, str]]:
    """(unit id, 「部」 or 「部 課」) of the departments and sections in force, for a target of a group of staff."""
    found = []
    seen: set[int] = set()
    for s in sections_on(db, today):
        if s["department_id"] not in seen:
            seen.add(s["department_id"])
            found.append((s["department_id"], s["department"]))
        found.append((s["unit_id"], f"{s['department']} {s['section']}"))
    return found


def level_choices(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(code, name) of the levels of the scheme in use."""
    scheme = active_scheme(db)
    return [(lv.code, lv.name) for lv in scheme.levels] if scheme else []


def describe(db: sqlite_utils.Database, target: Target) -> str:
    """The target in words: 「令和8年度 認定者（アドバイザー） 30人」."""
    scheme = active_scheme(db)
    levels = {lv.code: lv.name for lv in scheme.levels} if scheme else {}
    parts = [_(KINDS[target.kind])]
    if target.level_code:
        parts.append(levels.get(target.level_code, target.level_code))
    if target.unit_id is not None:
        parts.append(_unit_name(db, target.unit_id))
    if target.kind == "coverage":
        role = _role_name(db, target.role_id) if target.role_id else ""
        parts.append(_(COUNTS[target.counts]) + (f"（{role}）" if role and target.counts != "certified" else ""))
    return f"{format_fiscal_year(target.fiscal_year)} " + " / ".join(parts)


def _unit_name(db: sqlite_utils.Database, unit_id: int) -> str:
    row = db.execute("SELECT name FROM org_units WHERE id = ?", [unit_id]).fetchone()
    return row[0] if row else str(unit_id)


def _role_name(db: sqlite_utils.Database, role_id: int) -> str:
    row = db.execute("SELECT name FROM designation_roles WHERE id = ?", [role_id]).fetchone()
    return row[0] if row else str(role_id)
