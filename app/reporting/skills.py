"""スキル充足状況: skill demand against the people at the needed level, per skill and where it is short.

The figures are the heat map's (app/skills/supply.py: a person's current level per item, people at or
above each needed level in the section or project), for the demand of the fiscal year and the standing
demand, in the catalogue that demand is written in (else the town's first catalogue).
"""

from __future__ import annotations

from datetime import date

import sqlite_utils

from app.i18n import _
from app.register.accounts import User
from app.reporting import details
from app.reporting.document import Report, Section
from app.skills import catalogues, supply
from app.targets import population
from app.wareki import display_date


def _family(db: sqlite_utils.Database) -> str | None:
    row = db.execute("SELECT catalogue_family FROM skill_demands GROUP BY catalogue_family "
                     "ORDER BY count(*) DESC, min(id) LIMIT 1").fetchone()
    if row:
        return row[0]
    found = catalogues.families(db)
    return found[0][0] if found else None


def build(db: sqlite_utils.Database, user: User, fy: int, today: date) -> Report:
    family = _family(db)
    if family is None:
        return details.make_report(db, "skills", fy, today, [Section(
            _("Skill demand by skill"), [_("Skill")], [], note=_("No skill catalogue has been installed."))])
    heat = supply.heat_map(db, user, family, population.measure_day(fy, today), fiscal_year=fy, demanded_only=True)
    per_item: dict[int, list[int]] = {}
    for (_row, column), needs in heat.needs.items():
        totals = per_item.setdefault(column, [0, 0, 0])
        for need in needs:
            totals[0] += need.needed
            totals[1] += min(need.have, need.needed)
            totals[2] += need.shortfall
    rows = [[heat.items[c].name, needed, have, short, round(100.0 * have / needed, 1) if needed else 100.0]
            for c, (needed, have, short) in sorted(per_item.items())]
    by_skill = Section(_("Skill demand by skill"), [_("Skill"), _("Needed"), _("At the level"), _("Short"),
                                                     _("Met (%)")], rows, chart_column=3,
                       chart_title=_("People short per skill"), unit=_("people"), col_widths=[3, 1, 1, 1, 1],
                       note=_("Catalogue: {name}. Counted on {date}.").format(
                           name=heat.catalogue_name, date=display_date(heat.on)))
    short = [[row.department, row.name, item.name, heat.levels.get(need.level, str(need.level)), need.needed,
              need.have, need.shortfall] for row, item, need in heat.shortages()]
    gaps = Section(_("Where skills are short"), [_("Department"), _("Section or project"), _("Skill"), _("Level"),
                                                 _("Needed"), _("At the level"), _("Short")], short,
                   col_widths=[1.5, 2, 2.5, 1.2, 0.8, 0.8, 0.8])
    return details.make_report(db, "skills", fy, today, [by_skill, gaps])
