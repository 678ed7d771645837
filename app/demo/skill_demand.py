"""Demo skill demand: what the demo town's sections and its three projects need, on the simple skill map.

The demand refers to the simple map's family (``skill-map``: design, data, security, network, pm, bpr,
cloud, ai, lowcode — app/skills/presets.py); the demo's catalogue and people's skills come from
app/demo/skills.py. Without that catalogue in the register nothing is added (the lines could not name
their items), so this runs after the skills demo.
"""

from __future__ import annotations

import sqlite_utils

from app.db import transaction
from app.demo.officer import officer
from app.skills import demand

FAMILY = "skill-map"

# (課, item code, level, people, note): the digital section carries the technical demand; every section
# wants someone who can use data and rework its own procedures; the front desks want service design.
SECTION_DEMAND: list[tuple[str, str, int, int, str]] = [
    ("デジタル戦略課", "security", 3, 2, "情報セキュリティ責任者の補佐"),
    ("デジタル戦略課", "network", 3, 1, "ネットワーク更新（令和8年度）"),
    ("デジタル戦略課", "pm", 3, 2, "基幹系システム標準化"),
    ("デジタル戦略課", "cloud", 3, 1, "ガバメントクラウド移行"),
    ("デジタル戦略課", "ai", 2, 2, ""),
    ("企画政策課", "data", 3, 1, "EBPM の推進"),
    ("総務課", "bpr", 2, 1, "電子決裁の全庁展開"),
    ("人事課", "data", 2, 1, ""),
    ("財政課", "data", 2, 2, ""),
    ("市民課", "design", 2, 2, "書かない窓口"),
    ("市民課", "bpr", 2, 1, ""),
    ("税務課", "lowcode", 2, 1, ""),
    ("福祉課", "design", 2, 1, ""),
    ("こども家庭課", "design", 2, 1, ""),
    ("こども家庭課", "lowcode", 2, 1, "保育所入所申請のオンライン化"),
    ("都市計画課", "data", 2, 1, "GIS の活用"),
    ("学校教育課", "security", 2, 1, "校務系ネットワーク"),
]

# (project name prefix, item code, level, people)
PROJECT_DEMAND: list[tuple[str, str, int, int]] = [
    ("ローコードツール", "lowcode", 3, 2),
    ("ローコードツール", "pm", 2, 1),
    ("会計事務の電子決裁化", "bpr", 3, 1),
    ("会計事務の電子決裁化", "cloud", 2, 1),
    ("保育所入所申請", "design", 3, 1),
    ("保育所入所申請", "lowcode", 2, 2),
]


def load_skill_demand(db: sqlite_utils.Database, actor: str, fiscal_year: int = 2026) -> int:
    """Add the demo demand (one transaction); the number of lines added, 0 without the simple map."""
    if FAMILY not in {family for family, _name in demand.families(db)}:
        return 0
    user = officer(actor)
    sections = dict(db.execute("SELECT name, id FROM org_units WHERE kind = 'section' AND valid_to IS NULL "
                               "ORDER BY id DESC"))  # the main office's section wins over a branch's
    projects = list(db.execute("SELECT id, name FROM projects ORDER BY id"))
    added = 0
    with transaction(db):
        for section, code, level, people, note in SECTION_DEMAND:
            if section in sections:
                demand.add_demand(db, user, demand.DemandInput(FAMILY, code, level, people, unit_id=sections[section],
                                                               fiscal_year=fiscal_year, note=note))
                added += 1
        for prefix, code, level, people in PROJECT_DEMAND:
            project_id = next((pid for pid, name in projects if name.startswith(prefix)), None)
            if project_id is not None:
                demand.add_demand(db, user, demand.DemandInput(FAMILY, code, level, people, project_id=project_id))
                added += 1
    return added
