"""年度報告: the few pages a year for the mayor and the council, each figure beside the year before.

Certified people per level and per department, the targets, section coverage, training and project
outcomes — each with one chart (smaller than in the detailed reports, so that the whole fits on one
to four A4 pages). The detailed reports hold the long lists; this one only names the sections still
without their certified or designated person.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils

from app.i18n import _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.reporting import details, figures
from app.reporting.document import Report, Section
from app.targets import coverage, population
from app.wareki import format_fiscal_year

CHART_HEIGHT = 150.0


def _levels_section(db: sqlite_utils.Database, fy: int, today: date) -> Section:
    this = figures.certified_by_level(db, population.measure_day(fy, today))
    before = {lv.code: lv.people for lv in figures.certified_by_level(db, population.measure_day(fy - 1, today))}
    this_label, before_label = format_fiscal_year(fy), format_fiscal_year(fy - 1)
    rows = [[lv.name, len(before.get(lv.code, set())), len(lv.people),
             len(lv.people) - len(before.get(lv.code, set()))] for lv in this]
    people_now = set().union(*(lv.people for lv in this)) if this else set()
    people_then = set().union(*before.values()) if before else set()
    return Section(_("Certified people per level"), [_("Level"), before_label, this_label, _("Change")], rows,
                   chart_column=2, chart_title=_("Certified people per level ({year})").format(year=this_label),
                   unit=_("people"), chart_height=CHART_HEIGHT,
                   total=[_("Certified (people)"), len(people_then), len(people_now), len(people_now) - len(people_then)])


def _coverage_counts(db: sqlite_utils.Database, user: User, fy: int, today: date) -> tuple[dict, list[dict]]:
    on = population.measure_day(fy, today)
    rule = coverage.rule_for(db, user, fy)
    counts = coverage.count_sections(db, rule, fy, on)
    sections = population.sections_on(db, on)
    short = [dict(s, counted=len(counts[s["unit_id"]][0] | counts[s["unit_id"]][1])) for s in sections
             if len(counts[s["unit_id"]][0] | counts[s["unit_id"]][1]) < rule.value]
    return {"sections": len(sections), "covered": len(sections) - len(short)}, short


def _coverage_sections(db: sqlite_utils.Database, user: User, fy: int, today: date) -> list[Section]:
    rows, short_now = [], []
    for year in (fy - 1, fy):
        counts, short = _coverage_counts(db, user, year, today)
        rows.append([format_fiscal_year(year), counts["sections"], counts["covered"], len(short),
                     figures.share(counts["covered"], counts["sections"])])
        short_now = short
    summary = Section(_("Section coverage"), [_("Fiscal year"), _("Sections"), _("Covered"), _("Not covered"),
                                              _("Covered (%)")], rows, chart_column=4,
                      chart_title=_("Sections with their certified or designated person (%)"), unit="%",
                      chart_height=CHART_HEIGHT)
    uncovered = Section(_("Sections not covered ({year})").format(year=format_fiscal_year(fy)),
                        [_("Department"), _("Section"), _("Counted")],
                        [[s["department"], s["section"], s["counted"]] for s in short_now], col_widths=[2, 2, 1])
    return [summary, uncovered]


def _training_years(db: sqlite_utils.Database, fy: int, today: date) -> Section:
    rows = []
    for year in (fy - 1, fy):
        by_dept = figures.training_by_department(db, year, population.measure_day(year, today))
        staff, trained = sum(r.staff for r in by_dept), sum(r.trained for r in by_dept)
        rows.append([format_fiscal_year(year), len(figures.training_events(db, year)), trained,
                     figures.share(trained, staff), sum(r.hours for r in by_dept)])
    return Section(_("Training"), [_("Fiscal year"), _("Events"), _("Trained"), _("Share trained (%)"), _("Hours")],
                   rows, chart_column=4, chart_title=_("Training hours attended"), unit=_("hours"),
                   chart_height=CHART_HEIGHT)


def _outcome_years(db: sqlite_utils.Database, user: User, fy: int) -> Section:
    from app.reporting import outcomes

    result = outcomes.summary(db, user)
    shown = [f for f in result.fields if f.field_id is None]
    rows = [[r.label, r.projects, *[r.values[f.key] for f in shown]] for r in result.by_year if r.key <= fy]
    running = [r for r in result.cumulative if r.key <= fy]
    total = [_("Total since the start"), running[-1].projects, *[running[-1].values[f.key] for f in shown]] \
        if running else None
    return Section(_("Project outcomes per fiscal year"),
                   [_("Fiscal year"), _("Projects"), *[f"{f.label}（{f.unit}）" for f in shown]], rows,
                   chart_column=2, chart_title=_("Hours saved per year by fiscal year"), unit=_("hours"),
                   chart_height=CHART_HEIGHT, total=total)


def build(db: sqlite_utils.Database, user: User, fy: int, today: date) -> Report:
    require(user, Action.REGISTER_VIEW)
    on = population.measure_day(fy, today)
    target_section, _found = details.targets_section(db, user, fy, today, CHART_HEIGHT)
    sections = [_levels_section(db, fy, today), details.certification_section(db, on, CHART_HEIGHT), target_section,
                *_coverage_sections(db, user, fy, today), _training_years(db, fy, today),
                _outcome_years(db, user, fy)]
    return details.make_report(db, "annual", fy, today, sections)
