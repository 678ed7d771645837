"""The detailed reports: 部署別認定状況, 目標達成状況, プロジェクト成果一覧, 研修受講状況 and 評価結果.

A builder reads the register once and returns a ``document.Report`` (plain data; the registry in
reports.py names it); the screen previews it and both outputs write it, so a figure is computed in one
place. Permissions are checked here, by the services the builders call (a viewer may read every report
but 評価結果, the administrator's only). The sections that the 年度報告 reuses are functions of their own.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils

from app.i18n import _
from app.register import settings
from app.register.accounts import User
from app.register.permissions import Action, require
from app.reporting import figures
from app.reporting.document import Report, Section
from app.targets import population
from app.targets import progress as target_progress
from app.targets import targets as target_list
from app.wareki import display_date, format_fiscal_year


def make_report(db: sqlite_utils.Database, key: str, fy: int, today: date, sections: list[Section]) -> Report:
    """A report of the town (its name from the settings); the registry gives it its title."""
    return Report(key, "", fy, today, settings.get(db, "municipality_name") or "", sections)


# -- 部署別認定状況 ----------------------------------------------------------------------------------

def certification_section(db: sqlite_utils.Database, on: date, chart_height: float | None = None) -> Section:
    levels, rows = figures.certified_by_department(db, on)
    depts = figures.departments(db)
    headers = [_("Department"), _("Staff")] + [lv.name for lv in levels] + [_("Certified"), _("Share (%)")]
    body = [[depts.label(r.department_id), r.staff, *r.per_level, r.certified, figures.share(r.certified, r.staff)]
            for r in rows]
    staff, certified = sum(r.staff for r in rows), sum(r.certified for r in rows)
    total = [_("Total"), staff, *[sum(r.per_level[i] for r in rows) for i in range(len(levels))], certified,
             figures.share(certified, staff)]
    section = Section(_("Certified staff by department"), headers, body, chart_column=len(headers) - 2,
                      chart_title=_("Certified staff by department"), unit=_("people"), total=total,
                      note=_("Counted on {date}; a person holding two levels counts once under Certified.").format(
                          date=display_date(on)))
    if chart_height:
        section.chart_height = chart_height
    return section


def build_certification(db: sqlite_utils.Database, user: User, fy: int, today: date) -> Report:
    require(user, Action.REGISTER_VIEW)
    return make_report(db, "certification", fy, today, [certification_section(db, population.measure_day(fy, today))])


# -- 目標達成状況 ------------------------------------------------------------------------------------

def _progress_rows(db: sqlite_utils.Database, found: list[target_progress.Progress]) -> list[list]:
    rows = []
    for p in found:
        goal = float(p.total or 0) if p.target.kind == "coverage" else p.target.value
        rows.append([target_list.describe(db, p.target), goal, p.actual, p.gap,
                     figures.share(min(p.actual, goal), goal) if goal else 100.0,
                     _("Met") if p.met else _("Not met")])
    return rows


def targets_section(db: sqlite_utils.Database, user: User, fy: int, today: date,
                    chart_height: float | None = None) -> tuple[Section, list[target_progress.Progress]]:
    found = target_progress.progress(db, user, today, fy)
    headers = [_("Target"), _("Target figure"), _("Reached"), _("Gap"), _("Achieved (%)"), _("Status")]
    section = Section(_("Progress against the targets"), headers, _progress_rows(db, found), chart_column=4,
                      chart_title=_("Achievement of each target (%)"), unit="%", col_widths=[4, 1, 1, 1, 1, 1])
    if chart_height:
        section.chart_height = chart_height
    return section, found


def _trend_section(found: list[target_progress.Progress], db: sqlite_utils.Database) -> Section:
    years = sorted({y.fiscal_year for p in found for y in p.trend})
    rows = []
    for p in found:
        by_year = {y.fiscal_year: y.actual for y in p.trend}
        rows.append([target_list.describe(db, p.target), *[by_year.get(y) for y in years]])
    return Section(_("Trend over the fiscal years"), [_("Target")] + [format_fiscal_year(y) for y in years], rows,
                   col_widths=[4] + [1] * len(years))


def build_targets(db: sqlite_utils.Database, user: User, fy: int, today: date) -> Report:
    section, found = targets_section(db, user, fy, today)
    return make_report(db, "targets", fy, today, [section, _trend_section(found, db)])


# -- プロジェクト成果一覧 ------------------------------------------------------------------------------

def build_outcomes(db: sqlite_utils.Database, user: User, fy: int, today: date) -> Report:
    from app.reporting import outcomes

    result = outcomes.summary(db, user, fy)
    heads = [f"{f.label}（{f.unit}）" if f.unit else f.label for f in result.fields]
    keys = [f.key for f in result.fields]
    by_project = Section(_("Outcomes per project"), [_("Project"), *heads],
                         [[r.label, *[r.values[k] for k in keys]] for r in result.by_project], chart_column=1,
                         chart_title=_("Hours saved per year by project"), unit=_("hours"),
                         total=[_("Total"), *[_sum(r.values[k] for r in result.by_project) for k in keys]])
    by_department = Section(_("Outcomes per department"), [_("Department"), _("Projects"), *heads],
                            [[r.label, r.projects, *[r.values[k] for k in keys]] for r in result.by_department],
                            chart_column=2, chart_title=_("Hours saved per year by department"), unit=_("hours"))
    by_year = Section(_("Outcomes per fiscal year (total since the start)"), [_("Fiscal year"), _("Projects"), *heads],
                      [[r.label, r.projects, *[r.values[k] for k in keys]] for r in result.by_year], chart_column=2,
                      chart_title=_("Hours saved per year by fiscal year"), unit=_("hours"),
                      total=[_("Total"), result.total.projects, *[result.total.values[k] for k in keys]])
    return make_report(db, "outcomes", fy, today, [by_project, by_department, by_year])


def _sum(values) -> float | None:
    shown = [v for v in values if v is not None]
    return sum(shown) if shown else None


# -- 研修受講状況 ------------------------------------------------------------------------------------

def training_section(db: sqlite_utils.Database, fy: int, on: date, chart_height: float | None = None) -> Section:
    depts = figures.departments(db)
    rows = figures.training_by_department(db, fy, on)
    body = [[depts.label(r.department_id), r.staff, r.trained, figures.share(r.trained, r.staff), r.hours]
            for r in rows]
    staff, trained = sum(r.staff for r in rows), sum(r.trained for r in rows)
    section = Section(_("Training attended by department"),
                      [_("Department"), _("Staff"), _("Trained"), _("Share trained (%)"), _("Hours")], body,
                      chart_column=3, chart_title=_("Share of staff trained by department (%)"), unit="%",
                      total=[_("Total"), staff, trained, figures.share(trained, staff), sum(r.hours for r in rows)])
    if chart_height:
        section.chart_height = chart_height
    return section


def build_training(db: sqlite_utils.Database, user: User, fy: int, today: date) -> Report:
    from app.training.events import kind_label

    require(user, Action.TRAINING_VIEW)
    events = figures.training_events(db, fy)
    rows = [[title, kind_label(kind), display_date(starts), hours, people, attended or 0.0]
            for _id, title, kind, starts, hours, people, attended in events]
    by_event = Section(_("Training events"), [_("Event"), _("Kind"), _("Date"), _("Hours"), _("Attendees"),
                                              _("Hours attended")], rows, col_widths=[4, 1.5, 1.7, 0.8, 0.9, 1],
                       total=[_("Total"), "", "", None, sum(r[4] for r in rows), sum(r[5] for r in rows)])
    return make_report(db, "training", fy, today,
                   [training_section(db, fy, population.measure_day(fy, today)), by_event])


# -- 評価結果 (administrator only) -------------------------------------------------------------------

def build_evaluation(db: sqlite_utils.Database, user: User, fy: int, today: date) -> Report:
    """Per project of the year: every member's figure per perspective as published (sealed, at the minimum
    number of raters, rounded) — never a figure below the minimum, even in the administrator's hands."""
    from app.evaluation import summary
    from app.register.accounts import require_admin

    require_admin(user, reading=True)
    projects = {r[0]: r[1] for r in db.execute("SELECT id, name FROM projects WHERE fiscal_year = ? ORDER BY id",
                                               [fy])}
    names = {r[0]: r[1] for r in db.execute("SELECT id, family_name || '　' || given_name FROM staff")}
    rows, per_perspective = [], {}
    for r in summary.summary(db, user):  # one pass over every rating, not one per project
        if r.project_id not in projects:
            continue
        rows.append([projects[r.project_id], names.get(r.target_staff_id, ""), r.perspective, r.public_value,
                     r.public_display if r.public_value is None else ""])
        if r.public_value is not None:
            per_perspective.setdefault(r.perspective, []).append(r.public_value)
    members = Section(_("Results per member and perspective"),
                      [_("Project"), _("Member"), _("Perspective"), _("Result"), _("Note")], rows,
                      col_widths=[3, 2, 2, 1, 2],
                      note=_("Only figures with every assigned rater submitted and at least the minimum number "
                             "of raters are shown, rounded to one decimal."))
    means = [[name, len(values), round(sum(values) / len(values), 2)] for name, values in per_perspective.items()]
    overview = Section(_("Mean of the published results per perspective"),
                       [_("Perspective"), _("Published results"), _("Mean")], means, chart_column=2,
                       chart_title=_("Mean of the published results per perspective"), unit=_("points"))
    return make_report(db, "evaluation", fy, today, [overview, members])
