"""機構改革: rename, merge, split and abolish keep every past assignment under its old name."""

from __future__ import annotations

from datetime import date

import pytest

from app.staff import organisation
from app.staff import directory
from app.errors import UserError
from tests.conftest import ADMIN_USER

REFORM = date(2027, 4, 1)


def unit_id(db, name: str) -> int:
    return db.execute("SELECT id FROM org_units WHERE name = ? AND valid_to IS NULL", [name]).fetchone()[0]


def people(db, unit: int) -> set[int]:
    return {r[0] for r in db.execute("SELECT staff_id FROM staff_assignments WHERE unit_id = ? AND valid_to IS NULL",
                                     [unit])}


def test_rename_keeps_history_and_moves_sub_units(demo_db):
    old = unit_id(demo_db, "デジタル戦略課")
    before = people(demo_db, old)
    child_people = people(demo_db, unit_id(demo_db, "DX推進係"))
    new = organisation.rename_unit(demo_db, old, "DX推進課", REFORM, ADMIN_USER)
    assert people(demo_db, new) == before
    assert {r.section.split(" ")[0] for r in directory.load_directory(demo_db, ADMIN_USER, on=REFORM) if r.id in before} == {"DX推進課"}
    assert {r.section.split(" ")[0] for r in directory.load_directory(demo_db, ADMIN_USER, on=date(2027, 3, 31)) if r.id in before} == {
        "デジタル戦略課"}
    moved_child = demo_db.execute("SELECT id FROM org_units WHERE name = 'DX推進係' AND valid_to IS NULL").fetchone()[0]
    assert demo_db.execute("SELECT parent_id FROM org_units WHERE id = ?", [moved_child]).fetchone()[0] == new
    assert people(demo_db, moved_child) == child_people
    someone = next(iter(before))
    history = directory.staff_history(demo_db, ADMIN_USER, someone)
    assert history[-2]["valid_to"] == "2027-03-31" and history[-1]["valid_from"] == "2027-04-01"


def test_merge_moves_people_and_closes_sources(demo_db):
    a, b = unit_id(demo_db, "都市計画課"), unit_id(demo_db, "道路河川課")
    everyone = people(demo_db, a) | people(demo_db, b)
    organisation.merge_units(demo_db, [b], a, REFORM, ADMIN_USER)
    assert people(demo_db, a) == everyone
    assert demo_db.execute("SELECT valid_to FROM org_units WHERE id = ?", [b]).fetchone()[0] == "2027-03-31"
    with pytest.raises(UserError, match="同じ階層"):
        organisation.merge_units(demo_db, [unit_id(demo_db, "建設部")], a, REFORM, ADMIN_USER)


def test_split_places_people_where_asked(demo_db):
    old = unit_id(demo_db, "福祉課")
    members = sorted(people(demo_db, old))
    assert members
    placement = {members[0]: 1}
    first, second = organisation.split_unit(demo_db, old, ["障がい福祉課", "生活福祉課"], placement, REFORM, ADMIN_USER)
    assert people(demo_db, second) == {members[0]}
    assert people(demo_db, first) == set(members[1:])
    assert organisation.tree(demo_db, REFORM)  # still a tree
    with pytest.raises(UserError, match="2つ以上"):
        organisation.split_unit(demo_db, first, ["一つだけ"], {}, REFORM, ADMIN_USER)


def test_abolish_only_empty_units_and_names_are_unique(demo_db):
    dept = unit_id(demo_db, "総務部")
    with pytest.raises(UserError, match="既にあります"):
        organisation.create_unit(demo_db, dept, "総務課", REFORM, ADMIN_USER)
    new = organisation.create_unit(demo_db, dept, "危機管理課", REFORM, ADMIN_USER)
    assert demo_db.execute("SELECT kind FROM org_units WHERE id = ?", [new]).fetchone()[0] == "section"
    with pytest.raises(UserError, match="職員がいます"):
        organisation.abolish_unit(demo_db, unit_id(demo_db, "人事係"), REFORM, ADMIN_USER)
    organisation.abolish_unit(demo_db, new, date(2028, 4, 1), ADMIN_USER)
    assert demo_db.execute("SELECT valid_to FROM org_units WHERE id = ?", [new]).fetchone()[0] == "2028-03-31"


def test_tree_counts_people(demo_db):
    roots = organisation.tree(demo_db)
    assert len(roots) == 6
    total = sum(n.staff for root in roots for n in _walk(root))
    assert total == demo_db.execute("SELECT count(*) FROM staff WHERE status != 'retired'").fetchone()[0]


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def test_rename_then_merge_on_the_same_day_leaves_no_one_day_unit(demo_db):
    source = unit_id(demo_db, "総務課")
    everyone = people(demo_db, source)
    renamed = organisation.rename_unit(demo_db, source, "総務企画課", REFORM, ADMIN_USER)
    target = unit_id(demo_db, "財政課")
    organisation.merge_units(demo_db, [renamed], target, REFORM, ADMIN_USER)
    assert demo_db.execute("SELECT count(*) FROM org_units WHERE name = '総務企画課'").fetchone()[0] == 0
    names_on_reform_day = [n.name for root in organisation.tree(demo_db, REFORM) for n in _walk(root)]
    assert "総務企画課" not in names_on_reform_day and names_on_reform_day.count("庶務係") == 1
    assert everyone <= {r.id for r in directory.load_directory(demo_db, ADMIN_USER, on=date(2027, 4, 2)) if r.section}
    assert people(demo_db, target) >= everyone


def test_a_reform_entered_late_moves_assignments_that_ended_since(demo_db):
    section = unit_id(demo_db, "生涯学習課")
    person = next(iter(people(demo_db, section)))
    other = unit_id(demo_db, "学校教育課")
    # the person moved away on 2026-10-01; the rename was decided for 2026-06-01 and is entered now
    demo_db.execute("UPDATE staff_assignments SET valid_to = '2026-09-30' WHERE staff_id = ? AND valid_to IS NULL",
                    [person])
    demo_db.execute("INSERT INTO staff_assignments (staff_id, unit_id, valid_from) VALUES (?, ?, '2026-10-01')",
                    [person, other])
    demo_db.conn.commit()
    renamed = organisation.rename_unit(demo_db, section, "生涯学習スポーツ課", date(2026, 6, 1), ADMIN_USER)
    spans = demo_db.execute("SELECT unit_id, valid_from, valid_to FROM staff_assignments WHERE staff_id = ? "
                            "AND valid_from >= '2026-01-01' ORDER BY valid_from", [person]).fetchall()
    assert (renamed, "2026-06-01", "2026-09-30") in spans
    assert (other, "2026-10-01", None) in spans
