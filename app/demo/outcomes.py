"""Demo outcomes: two fields of the town's own and the demo teams' values of them; on request two earlier
projects with outcomes only.

The demo teams all run in 令和7年度. With ``past_years`` the scheme's earlier years (令和5・6年度, before the
register) are added as two completed projects with their figures, as a town enters its past improvements,
so that the 成果の集計 view and its chart show a trend over fiscal years. ``load_demo`` leaves them out for
now: the demo's three projects are counted by other tests (`demo` → 3 projects); switch it on at merge if
the reports want the years.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils

from app.db import transaction
from app.demo.officer import officer as demo_officer
from app.evaluation import projects
from app.reporting import outcomes

FIELDS = (("削減コスト", "千円", False), ("ペーパーレス化した帳票", "枚", True))
# The demo teams' figures of the town's fields, by project name (削減コスト, 帳票).
TEAM_VALUES = {
    "ローコードツールによる事業者連携の効率化": (1200.0, 4800.0),
    "会計事務の電子決裁化": (850.0, 12000.0),
}
# name, theme, year, section, hours saved per year, procedures online, systems built, 削減コスト, 帳票
PAST = (
    ("RPAによる給与事務の自動化", "定型入力の自動化", 2023, "総務課", 320.0, 0, 1, 640.0, None),
    ("電子申請の拡充（子育て・介護）", "行かない窓口", 2024, None, 1250.5, 14, 2, 2100.0, 3600.0),
)


def load_outcomes(db: sqlite_utils.Database, actor: str, past_years: bool = False) -> None:
    """Add the fields, the teams' values and (``past_years``) the earlier projects to the demo town."""
    officer = demo_officer(actor)
    with transaction(db):
        ids = [outcomes.define_field(db, officer, name, unit, whole) for name, unit, whole in FIELDS]
        for name, figures in TEAM_VALUES.items():
            row = db.execute("SELECT id FROM projects WHERE name = ?", [name]).fetchone()
            if row:
                outcomes.set_project_values(db, officer, row[0], dict(zip(ids, figures)))
        for name, theme, year, section, hours, online, systems, cost, sheets in PAST if past_years else ():
            unit = db.execute("SELECT id FROM org_units WHERE name = ? AND kind = 'section'", [section]).fetchone() \
                if section else None
            project_id = projects.create_project(db, projects.ProjectInput(
                name=name, theme=theme, fiscal_year=year, owner_unit_id=unit[0] if unit else None,
                starts_on=date(year, 4, 1), ends_on=date(year + 1, 3, 31), status="completed",
                hours_saved_per_year=hours, procedures_online=online, systems_built=systems,
                outcome_summary="台帳導入前の取組（成果のみ記録）"), officer)
            outcomes.set_project_values(db, officer, project_id, dict(zip(ids, (cost, sheets))))
