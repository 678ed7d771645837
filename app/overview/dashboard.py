"""The home dashboard: the few figures the administrator looks at first when the register opens.

Certified people per level against the year's targets, the sections without their DX推進リーダー,
evaluations still waiting (by project, and for the administrator by rater), qualifications that
expire soon, the last backup and what the register check found. Every figure is read here, in the
service, so that the screen, the CLI and the tests show the same numbers.

Viewers get the aggregate tiles only: counts per level, per section and per project. Who has not
rated yet, whose qualification expires, the backups and the check name people or files and are left
out (None) for them — the service decides this, not the screen.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import sqlite_utils

from app.db import database_path
from app.i18n import _
from app.overview import maintenance
from app.register.accounts import User
from app.register.permissions import Action, allowed, require
from app.targets import coverage, population
from app.targets.targets import list_targets
from app.training import qualifications
from app.wareki import fiscal_year

EXPIRING_DAYS = qualifications.EXPIRING_DAYS
MAX_BACKUPS_LISTED = 50


@dataclass
class LevelTile:
    """One level of the scheme in use: people certified today, and the year's 認定者数 target if one is set."""

    code: str
    name: str
    certified: int
    target: float | None = None


@dataclass
class WaitingProject:
    project_id: int
    project: str
    fiscal_year: int
    waiting: int      # assignments not yet submitted (pending or draft)
    raters: int       # distinct raters who still owe at least one


@dataclass
class WaitingRater:
    project_id: int
    project: str
    rater: str
    external: bool
    waiting: int
    drafts: int


@dataclass
class BackupSeen:
    """The newest backup known: a file beside the register or in the chosen folder, or an audited one."""

    at: str        # ISO timestamp (local time)
    path: str
    days_ago: int


@dataclass
class Dashboard:
    as_of: str
    fiscal_year: int
    detailed: bool                      # False: a viewer, aggregate tiles only
    scheme: str
    levels: list[LevelTile] = field(default_factory=list)
    certified_total: int = 0
    sections: int = 0
    uncovered: list[dict] = field(default_factory=list)   # unit_id, department, section, counted, needed
    waiting_total: int = 0
    waiting_projects: list[WaitingProject] = field(default_factory=list)
    waiting_raters: list[WaitingRater] | None = None
    expiring_days: int = EXPIRING_DAYS
    expiring_count: int = 0
    expiring_by_qualification: list[dict] = field(default_factory=list)  # qualification, count
    expiring: list[dict] | None = None
    last_backup: BackupSeen | None = None
    backups: list[BackupSeen] | None = None  # newest first, up to MAX_BACKUPS_LISTED
    backups_seen: bool = False          # the administrator's view looked for backups (the tile is shown)

    def as_json(self) -> dict:
        return json.loads(json.dumps(asdict(self), default=str))


def _levels(db: sqlite_utils.Database, user: User, fy: int, today: date,
            people: dict[int, population.Seat]) -> tuple[str, list[LevelTile], int]:
    """Certified per level on ``today`` among the staff counted that day (the rule targets use)."""
    scheme = population.active_scheme(db)
    if scheme is None:
        return "", [], 0
    day = today.isoformat()
    held: dict[str, set[int]] = {}
    for staff_id, level in db.execute(
            """SELECT DISTINCT staff_id, level_code FROM certifications WHERE scheme_family = ? AND decided_on <= ?
               AND (status = 'active' OR revoked_on > ?)""", [scheme.family, day, day]):
        if staff_id in people:
            held.setdefault(level, set()).add(staff_id)
    targets = {t.level_code: t.value for t in list_targets(db, user, fy)
               if t.kind == "level_count" and t.unit_id is None and t.level_code}
    tiles = [LevelTile(level.code, level.name, len(held.get(level.code, ())), targets.get(level.code))
             for level in scheme.levels]
    total = len(set().union(*held.values())) if held else 0
    return scheme.name, tiles, total


def _uncovered(db: sqlite_utils.Database, user: User, fy: int, today: date,
               people: dict[int, population.Seat]) -> tuple[int, list[dict]]:
    """(sections in force, the ones short of the year's coverage rule) — as 目標・配置 counts them."""
    on = population.measure_day(fy, today)
    rule = coverage.rule_for(db, user, fy)
    counts = coverage.count_sections(db, rule, fy, on, people if on == today else None)
    short = []
    for section in population.sections_on(db, on):
        certified, designated = counts[section["unit_id"]]
        counted = len(certified | designated)
        if counted < rule.value:
            short.append({"unit_id": section["unit_id"], "department": section["department"],
                          "section": section["section"], "counted": counted, "needed": int(rule.value)})
    return len(counts), short


_WAITING_SQL = """
SELECT a.project_id, p.name, p.fiscal_year, a.evaluator_staff_id, a.evaluator_external_id,
       count(*), sum(a.status = 'draft')
FROM evaluation_assignments a JOIN projects p ON p.id = a.project_id
WHERE a.status != 'submitted' AND p.status != 'cancelled'
GROUP BY a.project_id, a.evaluator_staff_id, a.evaluator_external_id
"""


def _waiting(db: sqlite_utils.Database, detailed: bool) -> tuple[list[WaitingProject], list[WaitingRater] | None]:
    """Evaluations not yet submitted, per project (and per rater for the administrator)."""
    rows = db.execute(_WAITING_SQL).fetchall()
    projects: dict[int, WaitingProject] = {}
    for project_id, name, fy, _staff, _external, waiting, _drafts in rows:
        entry = projects.setdefault(project_id, WaitingProject(project_id, name, fy, 0, 0))
        entry.waiting += waiting
        entry.raters += 1
    ordered = sorted(projects.values(), key=lambda p: (-p.waiting, p.project_id))
    if not detailed:
        return ordered, None
    staff_names = dict(db.execute("SELECT id, family_name || ' ' || given_name FROM staff WHERE id IN "
                                  "(SELECT evaluator_staff_id FROM evaluation_assignments WHERE status != 'submitted')"))
    external_names = dict(db.execute("SELECT id, name FROM external_raters"))
    raters = [WaitingRater(project_id, name, staff_names.get(staff, "?") if staff is not None
                           else external_names.get(external, "?"), staff is None, waiting, drafts or 0)
              for project_id, name, _fy, staff, external, waiting, drafts in rows]
    raters.sort(key=lambda r: (r.project_id, -r.waiting, r.rater))
    return ordered, raters


def _backup_files(db: sqlite_utils.Database) -> list[tuple[datetime, str]]:
    source = database_path(db)
    folders = [Path(source).resolve().parent / "backups"] if source else []
    chosen = maintenance.chosen_backup_folder(db)
    if chosen is not None:
        folders.append(chosen)
    stem = Path(source).stem if source else ""
    found = []
    for folder in folders:
        if folder.is_dir():
            for file in folder.glob(f"{stem}*.sqlite"):
                try:
                    found.append((datetime.fromtimestamp(file.stat().st_mtime), str(file.resolve())))
                except OSError:
                    continue
    return found


def backups(db: sqlite_utils.Database, user: User, today: date) -> list[BackupSeen]:
    """The backups known, newest first: files in backups/ beside the register and in the chosen folder,
    and the backups the audit log records (「バックアップ」 to any place; one file is listed once)."""
    require(user, Action.DASHBOARD_DETAIL)
    found = dict((path, at) for at, path in _backup_files(db))
    for at_text, after in db.execute("SELECT at, after_json FROM audit_log WHERE action = 'database.backup' "
                                     "ORDER BY id DESC LIMIT ?", [MAX_BACKUPS_LISTED]):
        path = str(json.loads(after or "{}").get("file", ""))
        found.setdefault(str(Path(path).resolve()) if path else "", datetime.fromisoformat(at_text))
    newest = sorted(((at, path) for path, at in found.items()), reverse=True)[:MAX_BACKUPS_LISTED]
    return [BackupSeen(at.isoformat(timespec="seconds"), path, (today - at.date()).days) for at, path in newest]


# population.people_on for only the people a tile can count (certified, or designated this year): the same
# rule, without building a seat for each of 50,000 staff (most of the refresh's time otherwise).
_COUNTED_SQL = f"""SELECT * FROM ({population._PEOPLE_SQL}) WHERE id IN
    (SELECT staff_id FROM certifications UNION SELECT staff_id FROM designations WHERE fiscal_year = :fy)"""


def _counted_people(db: sqlite_utils.Database, on: date, fy: int) -> dict[int, population.Seat]:
    return {sid: population.Seat(unit, section)
            for sid, unit, section in db.execute(_COUNTED_SQL, {"on": on.isoformat(), "fy": fy})}


def dashboard(db: sqlite_utils.Database, user: User, today: date) -> Dashboard:
    """Every tile's figure on ``today``; a viewer's dashboard carries the aggregate tiles only."""
    require(user, Action.DASHBOARD_VIEW)
    detailed = allowed(user, Action.DASHBOARD_DETAIL)
    fy = fiscal_year(today)
    people = _counted_people(db, today, fy)
    scheme, levels, total = _levels(db, user, fy, today, people)
    sections, uncovered = _uncovered(db, user, fy, today, people)
    projects, raters = _waiting(db, detailed)
    expiring = qualifications.expiring(db, user, today, EXPIRING_DAYS)
    board = Dashboard(as_of=today.isoformat(), fiscal_year=fy, detailed=detailed, scheme=scheme, levels=levels,
                      certified_total=total, sections=sections, uncovered=uncovered,
                      waiting_total=sum(p.waiting for p in projects), waiting_projects=projects,
                      waiting_raters=raters, expiring_count=len(expiring))
    by_name = Counter(r["qualification"] for r in expiring)
    board.expiring_by_qualification = [{"qualification": name, "count": n} for name, n in by_name.most_common()]
    if detailed:
        board.expiring = [{k: r[k] for k in ("id", "staff_id", "staff_no", "person", "qualification",
                                             "expires_on", "days_left")} for r in expiring]
        board.backups = backups(db, user, today)
        board.last_backup = board.backups[0] if board.backups else None
        board.backups_seen = True
    return board


@dataclass
class CheckTile:
    ok: bool
    findings: list[str]


def register_check(db: sqlite_utils.Database, user: User) -> CheckTile:
    """What ``check`` finds in the open register (integrity, foreign keys, data format, tamper evidence).

    Kept apart from ``dashboard``: it reads every page of the file, so the screen runs it on a worker
    after the figures are shown.
    """
    require(user, Action.DASHBOARD_DETAIL)
    report = maintenance.check(db, Path(database_path(db) or ":memory:"))
    findings = list(report.findings)
    if report.integrity != ["ok"]:
        findings = [*report.integrity[:5], *findings]
    if report.foreign_key_problems:
        findings.append(_("{n} rows point to records that do not exist (foreign keys).").format(
            n=report.foreign_key_problems))
    if report.schema_version != report.latest_version:
        findings.append(_("The data format is version {version}; this program expects {latest}.").format(
            version=report.schema_version, latest=report.latest_version))
    return CheckTile(report.ok, findings)
