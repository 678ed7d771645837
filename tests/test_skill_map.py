"""Skill demand and the supply/demand heat map, cross-checked against SQL written here on the demo town."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from app.demo.skill_demand import SECTION_DEMAND, load_skill_demand
from app.errors import PermissionDenied, UserError
from app.register.accounts import Role, User
from app.skills import demand, map_export, supply
from tests.conftest import ADMIN_USER
from tests.skill_map_fixtures import CURRENT_SQL, FAMILY, ON, fill, insert_skills, install_catalogue

VIEWER = User(99, "etsuran", "閲覧", Role.VIEWER)
EVALUATOR = User(98, "hyoka", "評価", Role.EVALUATOR)

# People supplying a row on ON: primary seat that day, in service and not on leave; a 係 counts for its 課.
SEATED_SQL = """
SELECT s.id AS staff_id, CASE WHEN u.kind = 'unit' THEN u.parent_id ELSE u.id END AS row_unit
FROM staff s
JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_from <= :on
     AND (a.valid_to IS NULL OR a.valid_to >= :on)
JOIN org_units u ON u.id = a.unit_id
WHERE NOT (s.status = 'retired' AND s.retired_on < :on)
  AND NOT (s.leave_from IS NOT NULL AND s.leave_from <= :on AND (s.leave_until IS NULL OR s.leave_until >= :on))
  AND NOT (s.leave_from IS NULL AND s.status = 'leave')"""


@pytest.fixture
def skill_town(town):
    fill(town)
    assert load_skill_demand(town, "test") == len(SECTION_DEMAND) + 6
    return town


def _direct_counts(db, level: int) -> dict[tuple[int, str], int]:
    """(row unit, item) → people at or above ``level``, by SQL alone."""
    sql = (f"WITH cur AS ({CURRENT_SQL}), seat AS ({SEATED_SQL}) "
           "SELECT seat.row_unit, cur.item_code, count(*) FROM seat JOIN cur ON cur.staff_id = seat.staff_id "
           "WHERE cur.catalogue_family = :family AND cur.level >= :level GROUP BY 1, 2")
    return {(r[0], r[1]): r[2] for r in db.execute(sql, {"on": ON.isoformat(), "family": FAMILY, "level": level})}


def test_profiles_hold_the_current_level_of_every_record(skill_town):
    direct = {(r[0], r[2]): r[3] for r in skill_town.execute(CURRENT_SQL)}
    slots = dict(skill_town.execute("SELECT item_code, slot FROM skill_item_slots WHERE catalogue_family = ?", [FAMILY]))
    cached = {}
    for staff_id, text in skill_town.execute("SELECT staff_id, levels FROM staff_skill_profiles"):
        for code, slot in slots.items():
            if slot < len(text) and text[slot] != "-":
                cached[staff_id, code] = ord(text[slot]) - 48
    assert cached == direct and len(direct) > 1000


def test_every_cell_of_the_map_matches_direct_sql(skill_town):
    heat = supply.heat_map(skill_town, ADMIN_USER, FAMILY, ON)
    by_level = {level: _direct_counts(skill_town, level) for level in range(1, 5)}
    unit_rows = [r for r in heat.rows if r.kind == "unit"]
    heads = dict(skill_town.execute(f"SELECT row_unit, count(*) FROM ({SEATED_SQL}) GROUP BY 1", {"on": ON.isoformat()}))
    assert {r.id: r.people for r in unit_rows} == heads
    checked = 0
    for row, cells in zip(heat.rows, heat.cells):
        if row.kind != "unit":
            continue
        for item, cell in zip(heat.items, cells):
            assert cell.holders == by_level[1].get((row.id, item.code), 0), (row.name, item.code)
            for need in cell.needs:
                assert need.have == by_level[need.level].get((row.id, item.code), 0)
                checked += 1
    assert checked == len(SECTION_DEMAND)


def test_demand_lines_are_the_table_rows(skill_town):
    heat = supply.heat_map(skill_town, ADMIN_USER, FAMILY, ON)
    shown = sorted((n.demand_id, n.level, n.needed) for cells in heat.cells for c in cells for n in c.needs)
    assert shown == sorted(tuple(r) for r in skill_town.execute("SELECT id, level, people FROM skill_demands"))


def test_project_rows_count_members_without_owners(skill_town):
    heat = supply.heat_map(skill_town, ADMIN_USER, FAMILY, ON)
    projects = [(row, cells) for row, cells in zip(heat.rows, heat.cells) if row.kind == "project"]
    assert len(projects) == 3
    for row, cells in projects:
        for item, cell in zip(heat.items, cells):
            for need in cell.needs:
                expected = skill_town.execute(
                    f"WITH cur AS ({CURRENT_SQL}), seat AS ({SEATED_SQL}) SELECT count(*) FROM project_members m "
                    "JOIN seat ON seat.staff_id = m.staff_id JOIN cur ON cur.staff_id = m.staff_id "
                    "WHERE m.project_id = :p AND m.role != 'owner' AND cur.catalogue_family = :family "
                    "AND cur.item_code = :code AND cur.level >= :level",
                    {"on": ON.isoformat(), "p": row.id, "family": FAMILY, "code": item.code,
                     "level": need.level}).fetchone()[0]
                assert need.have == expected


def test_section_filter_and_status_colours(skill_town):
    digital = skill_town.execute("SELECT min(id) FROM org_units WHERE name = 'デジタル戦略課'").fetchone()[0]
    heat = supply.heat_map(skill_town, ADMIN_USER, FAMILY, ON, section=digital, demanded_only=True)
    assert [r.name for r in heat.rows] == ["デジタル戦略課"]
    assert {i.code for i in heat.items} == {code for _s, code, *_ in SECTION_DEMAND} | {"pm", "design", "bpr"}
    for cell in heat.cells[0]:
        if cell.needs:
            have, needed = cell.needs[0].have, cell.needs[0].needed
            expected = "met" if have >= needed else "none" if have == 0 else "short"
            assert cell.status == expected and cell.text() == f"{have}/{needed}"


def test_a_new_record_moves_the_map_and_a_deleted_one_moves_it_back(skill_town):
    before = supply.heat_map(skill_town, ADMIN_USER, FAMILY, ON)
    row_index = next(i for i, r in enumerate(before.rows) if r.kind == "unit" and r.people)
    row = before.rows[row_index]
    staff_id = next(sid for sid, unit in skill_town.execute(SEATED_SQL, {"on": ON.isoformat()}) if unit == row.id)
    column = [i.code for i in before.items].index("ai")
    old = before.cells[row_index][column].holders
    had = {r[0] for r in skill_town.execute(f"SELECT staff_id FROM ({CURRENT_SQL}) WHERE item_code = 'ai' "
                                            "AND level >= 1")}
    insert_skills(skill_town, [(staff_id, FAMILY, "ai", 4, "2026-05-01", "confirmed")])
    after = supply.heat_map(skill_town, ADMIN_USER, FAMILY, ON)
    assert after.cells[row_index][column].holders == old + (0 if staff_id in had else 1)
    with skill_town.conn:
        skill_town.execute("DELETE FROM staff_skills WHERE assessed_on = '2026-05-01'")
    assert supply.heat_map(skill_town, ADMIN_USER, FAMILY, ON).cells[row_index][column].holders == old


def test_who_could_fill_a_gap_comes_from_outside_the_row(skill_town):
    heat = supply.heat_map(skill_town, ADMIN_USER, FAMILY, ON)
    row_index, item_index, need = next((ri, ii, n) for ri, cells in enumerate(heat.cells)
                                       for ii, c in enumerate(cells) for n in c.needs if n.shortfall)
    row, item = heat.rows[row_index], heat.items[item_index]
    found = supply.candidates(skill_town, ADMIN_USER, FAMILY, item.code, need.level, ON, row=row)
    seated = dict(skill_town.execute(SEATED_SQL, {"on": ON.isoformat()}))
    current = {r[0]: r[3] for r in skill_town.execute(CURRENT_SQL) if r[2] == item.code}
    inside = ({sid for sid, unit in seated.items() if unit == row.id} if row.kind == "unit" else
              {r[0] for r in skill_town.execute("SELECT staff_id FROM project_members WHERE project_id = ?", [row.id])})
    floor = max(1, need.level - 1) if need.level > 1 else need.level
    expected = {sid for sid, level in current.items() if level >= floor and sid in seated and sid not in inside}
    assert {c.staff_id for c in found} == expected and expected
    assert all(c.near == (c.level < need.level) for c in found)
    assert [c.level for c in found] == sorted((c.level for c in found), reverse=True)
    strict = supply.candidates(skill_town, ADMIN_USER, FAMILY, item.code, need.level, ON, row=row, include_near=False)
    assert all(c.level >= need.level for c in strict)


def test_current_levels_of_one_person_follow_the_rule(db):
    from app.demo.town import generate_town, load_town

    load_town(db, generate_town(20, seed=1), "test")
    install_catalogue(db)
    insert_skills(db, [(1, FAMILY, "data", 2, "2025-06-01", "self"),
                       (1, FAMILY, "data", 1, "2025-06-01", "confirmed"),   # same day: confirmed wins
                       (1, FAMILY, "data", 4, "2025-06-01", "self"),        # later id, lower rank
                       (1, FAMILY, "pm", 1, "2025-06-01", "training"),
                       (1, FAMILY, "pm", 3, "2025-06-01", "qualification"),  # qualification > training
                       (1, FAMILY, "ai", 1, "2025-06-01", "confirmed"),
                       (1, FAMILY, "ai", 2, "2025-07-01", "self")])         # a later day wins over rank
    levels = {s.item_code: (s.level, s.source) for s in supply.current_levels(db, ADMIN_USER, 1)}
    assert levels == {"data": (1, "confirmed"), "pm": (3, "qualification"), "ai": (2, "self")}
    text = db.execute("SELECT levels FROM staff_skill_profiles WHERE staff_id = 1").fetchone()[0]
    slots = dict(db.execute("SELECT item_code, slot FROM skill_item_slots"))
    assert {code: ord(text[slot]) - 48 for code, slot in slots.items()} == {k: v[0] for k, v in levels.items()}


# -- demand: add, change, remove ----------------------------------------------------------------------

def _section(db, name: str) -> int:
    return db.execute("SELECT min(id) FROM org_units WHERE name = ?", [name]).fetchone()[0]


def test_demand_is_added_changed_and_removed_with_audit(demo_db):
    install_catalogue(demo_db)
    unit = _section(demo_db, "市民課")
    demand_id = demand.add_demand(demo_db, ADMIN_USER, demand.DemandInput(FAMILY, "design", 2, 3, unit_id=unit,
                                                                          fiscal_year=2026, note=" 書かない窓口 "))
    (line,) = demand.list_demands(demo_db, ADMIN_USER, FAMILY)
    assert (line.id, line.item_name, line.target_name, line.people, line.note) == (
        demand_id, "デザイン", "市民生活部 市民課", 3, "書かない窓口")
    demand.edit_demand(demo_db, ADMIN_USER, demand_id, demand.DemandInput(FAMILY, "bpr", 3, 1, unit_id=unit))
    assert demo_db.execute("SELECT item_code, level, people, fiscal_year FROM skill_demands").fetchall() == [
        ("bpr", 3, 1, None)]
    demand.remove_demand(demo_db, ADMIN_USER, demand_id)
    assert demo_db.execute("SELECT count(*) FROM skill_demands").fetchone()[0] == 0
    actions = [r[0] for r in demo_db.execute("SELECT action FROM audit_log WHERE entity = 'skill_demands' ORDER BY id")]
    assert actions == ["skill_demand.add", "skill_demand.change", "skill_demand.remove"]


@pytest.mark.parametrize("change, message", [
    ({"item_code": "cooking"}, "cooking"),
    ({"level": 9}, "レベル"),
    ({"level": 0}, "レベル"),
    ({"people": 0}, "人数"),
    ({"unit_id": None}, "プロジェクト"),
    ({"project_id": 1}, "プロジェクト"),
    ({"unit_id": 99999}, "99999"),
    ({"catalogue_family": "nothing"}, "nothing"),
])
def test_wrong_demand_is_refused_in_japanese_and_changes_nothing(demo_db, change, message):
    install_catalogue(demo_db)
    data = {"catalogue_family": FAMILY, "item_code": "design", "level": 2, "people": 1,
            "unit_id": _section(demo_db, "市民課")} | change
    with pytest.raises(UserError, match=message):
        demand.add_demand(demo_db, ADMIN_USER, demand.DemandInput(**data))
    assert demo_db.execute("SELECT count(*) FROM skill_demands").fetchone()[0] == 0


def test_permissions_are_checked_in_the_services(skill_town):
    with pytest.raises(PermissionDenied):
        demand.add_demand(skill_town, VIEWER, demand.DemandInput(FAMILY, "design", 2, unit_id=1))
    with pytest.raises(PermissionDenied):
        demand.remove_demand(skill_town, VIEWER, 1)
    with pytest.raises(PermissionDenied):
        supply.heat_map(skill_town, EVALUATOR, FAMILY, ON)
    with pytest.raises(PermissionDenied):
        supply.candidates(skill_town, VIEWER, FAMILY, "data", 2, ON)
    assert supply.heat_map(skill_town, VIEWER, FAMILY, ON).rows  # the numbers are for viewers too


# -- export ------------------------------------------------------------------------------------------------

def test_xlsx_export_is_formula_safe_and_coloured(skill_town, tmp_path):
    unit = _section(skill_town, "税務課")
    demand.add_demand(skill_town, ADMIN_USER, demand.DemandInput(FAMILY, "ai", 4, 5, unit_id=unit,
                                                                 note="=HYPERLINK(\"http://x\")"))
    with skill_town.conn:  # a unit name typed as a formula stays text too
        skill_town.execute("UPDATE org_units SET name = '=1+2' WHERE id = ?", [unit])
    path = tmp_path / "map.xlsx"
    heat = map_export.write_map(skill_town, ADMIN_USER, path, FAMILY, ON)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    names = [sheet.cell(row=5 + i, column=1) for i in range(len(heat.rows))]
    formula_cell = next(c for c in names if c.value == "=1+2")
    assert formula_cell.data_type == "s"
    headers = [sheet.cell(row=4, column=c).value for c in range(4, 4 + len(heat.items))]
    assert headers == [i.name for i in heat.items]
    for r, (row, cells) in enumerate(zip(heat.rows, heat.cells)):
        for c, cell in enumerate(cells):
            xl = sheet.cell(row=5 + r, column=4 + c)
            assert (xl.value or "") == cell.text()
            assert xl.fill.start_color.rgb.endswith(supply.STATUS_COLOURS[cell.status])
    gaps = book.worksheets[1]
    lines = list(gaps.iter_rows(min_row=2, values_only=True))
    assert len(lines) == skill_town.execute("SELECT count(*) FROM skill_demands").fetchone()[0]
    assert sum(line[5] for line in lines) == sum(n.shortfall for *_x, n in heat.shortages())
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_map_json_is_complete(skill_town):
    data = supply.heat_map(skill_town, ADMIN_USER, FAMILY, ON).as_json()
    assert data["family"] == FAMILY and len(data["items"]) == 9
    assert sum(len(c["needs"]) for r in data["rows"] for c in r["cells"].values()) == skill_town.execute(
        "SELECT count(*) FROM skill_demands").fetchone()[0]


def test_demo_demand_needs_the_catalogue(demo_db):
    assert load_skill_demand(demo_db, "test") == 0
    install_catalogue(demo_db)
    assert load_skill_demand(demo_db, "test") == len(SECTION_DEMAND)  # no projects in a bare town


def test_migration_builds_the_profiles_of_records_written_before_it(tmp_path):
    from app.db import _apply, connect, migrations, open_database
    from app.demo.town import generate_town, load_town

    path = tmp_path / "v12.sqlite"
    old = connect(path)
    for migration in migrations():
        if migration.name.endswith("_skillgap.sql"):
            break
        _apply(old, migration)
    load_town(old, generate_town(40, seed=2), "test")
    install_catalogue(old)
    insert_skills(old, skill_rows_for(old))
    assert old.execute("SELECT count(*) FROM sqlite_master WHERE name = 'staff_skill_profiles'").fetchone()[0] == 0
    old.close()
    db = open_database(path).db
    try:
        direct = {(r[0], r[2]): r[3] for r in db.execute(CURRENT_SQL)}
        slots = dict(db.execute("SELECT item_code, slot FROM skill_item_slots"))
        cached = {(sid, code): ord(text[slot]) - 48 for sid, text in db.execute(
            "SELECT staff_id, levels FROM staff_skill_profiles") for code, slot in slots.items() if text[slot] != "-"}
        assert cached == direct and direct
    finally:
        db.close()


def skill_rows_for(db):
    from tests.skill_map_fixtures import skill_rows

    return skill_rows([r[0] for r in db.execute("SELECT id FROM staff")], seed=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="-01234", min_size=4, max_size=4), max_size=6), max_size=5),
       st.integers(min_value=0, max_value=5))
def test_counting_by_offsets_matches_counting_person_by_person(groups, level):
    """The hot loop's str.count over a row's stretch of a column gives what a loop over the people gives."""
    width = 4
    bounds, start = [], 0
    for members in groups:
        bounds.append((start, start + len(members)))
        start += len(members)
    everything = "".join("".join(m) for m in groups).replace("-", "0")
    columns = {slot: everything[slot::width] for slot in range(width)}
    holders = supply._holder_counts(columns, bounds, [0, 1, 2, 3, None])
    for r, members in enumerate(groups):
        for slot in range(width):
            levels = [int(text[slot]) for text in members if text[slot] != "-"]
            assert holders[r][slot] == sum(1 for v in levels if v >= 1)
            a, b = bounds[r]
            assert supply.at_least(columns[slot], level, a, b) == sum(1 for v in levels if v >= level) + (
                sum(1 for text in members if text[slot] == "-") if level == 0 else 0)
        assert holders[r][4] == 0
