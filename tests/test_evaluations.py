"""Assignments, confidential entry, submit lock, aggregation and calibration on a real register."""

from __future__ import annotations

import sqlite3
import statistics
from dataclasses import replace
from datetime import date

import pytest

from app.register import accounts
from app.overview import audit_log
from app.evaluation import summary
from app.evaluation import ratings
from app.evaluation import projects
from app.evaluation import rubrics
from app.register.accounts import Role
from app.errors import PermissionDenied, UserError
from app.evaluation.ratings import Answer, Evaluator
from tests.conftest import ADMIN_PASSWORD, ADMIN_USER, OFFICER, admin_as


def _staff(db, n: int, offset: int = 0) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id LIMIT ? OFFSET ?",
                                     [n, offset])]


@pytest.fixture
def team(demo_db, admin):
    """A project with one owner, four rated members and the suggested assignments."""
    db = demo_db
    project_id = projects.create_project(db, projects.ProjectInput("窓口のオンライン化", 2025, theme="窓口業務"), ADMIN_USER)
    owner, *members = _staff(db, 5, offset=100)
    projects.add_member(db, project_id, owner, "owner", ADMIN_USER)
    for role, staff_id in zip(("proposer", "leader", "member", "member"), members):
        projects.add_member(db, project_id, staff_id, role, ADMIN_USER)
    ratings.apply_suggestions(db, project_id, ADMIN_USER)
    return project_id, owner, members


def _evaluator(db, staff_id: int, login: str) -> accounts.User:
    return accounts.create_user(db, login, login, ADMIN_PASSWORD, Role.EVALUATOR, OFFICER, staff_id=staff_id)


def _perspective(db, project_id: int, code: str) -> rubrics.PerspectiveSpec:
    template = rubrics.load_template(db, projects.project(db, project_id)["template_id"])
    return next(p for p in template.perspectives if p.code == code)


def _fill(db, user, assignment_id: int, score: int, submit: bool = True) -> None:
    form = ratings.open_form(db, user, assignment_id)
    ratings.save_answers(db, user, assignment_id, {c.id: Answer(score, "") for c in form.criteria}, submit=submit)


def test_suggestions_follow_the_rules_and_never_rate_oneself(demo_db, team):
    project_id, owner, members = team
    rows = list(demo_db.query("SELECT * FROM evaluation_assignments WHERE project_id = ?", [project_id]))
    assert all(r["evaluator_staff_id"] != r["target_staff_id"] for r in rows)
    policy = _perspective(demo_db, project_id, "policy")
    leadership = _perspective(demo_db, project_id, "leadership")
    ict = _perspective(demo_db, project_id, "ict")
    for target in members:
        mine = [r for r in rows if r["target_staff_id"] == target]
        assert {r["evaluator_staff_id"] for r in mine if r["perspective_id"] == policy.id} == {owner}
        assert {r["evaluator_staff_id"] for r in mine if r["perspective_id"] == leadership.id} == set(members) - {target}
        assert {r["evaluator_kind"] for r in mine if r["perspective_id"] == ict.id} == {"digital"}
    assert owner not in {r["target_staff_id"] for r in rows}, "owners rate, they are not rated"
    assert ratings.suggest_assignments(demo_db, ADMIN_USER, project_id) == [], "applied suggestions are not proposed again"


def test_external_raters_get_ict_only_and_criteria_follow_the_kind(demo_db, admin, team):
    project_id, _owner, members = team
    vendor = projects.create_external_rater(demo_db, "佐野 健一", "支援事業者", ADMIN_USER)
    projects.attach_external_rater(demo_db, project_id, vendor, ADMIN_USER)
    proposals = ratings.suggest_assignments(demo_db, ADMIN_USER, project_id)
    assert {p.evaluator for p in proposals} == {Evaluator(external_id=vendor)}
    assert {p.perspective_id for p in proposals} == {_perspective(demo_db, project_id, "ict").id}
    ratings.apply_suggestions(demo_db, project_id, ADMIN_USER, proposals)
    assignment = next(a for a in ratings.project_assignments(demo_db, admin, project_id)
                      if a["evaluator_external_id"] == vendor)
    form = ratings.open_form(demo_db, admin, assignment["id"])
    # The security criterion is for the digital department only.
    assert [c.name for c in form.criteria] == ["デジタル技術の理解と活用", "業務プロセスの分析・再設計"]
    with pytest.raises(UserError, match="評価項目をどれも評価できません"):
        ratings.add_assignment(demo_db, project_id, members[0], _perspective(demo_db, project_id, "policy").id,
                                   Evaluator(external_id=vendor), "external", ADMIN_USER)


def test_manual_assignment_refusals(demo_db, team):
    project_id, owner, members = team
    leadership = _perspective(demo_db, project_id, "leadership").id
    with pytest.raises(UserError, match="自分自身"):
        ratings.add_assignment(demo_db, project_id, members[0], leadership, Evaluator(staff_id=members[0]),
                                   "member", ADMIN_USER)
    with pytest.raises(UserError, match="既に"):
        ratings.add_assignment(demo_db, project_id, members[0], leadership, Evaluator(staff_id=members[1]),
                                   "member", ADMIN_USER)
    with pytest.raises(UserError, match="評価の対象"):
        ratings.add_assignment(demo_db, project_id, owner, leadership, Evaluator(staff_id=members[1]), "member", ADMIN_USER)
    outsider = _staff(demo_db, 1, offset=250)[0]
    ratings.add_assignment(demo_db, project_id, members[0], leadership, Evaluator(staff_id=outsider), "staff", ADMIN_USER)


def test_evaluator_sees_and_opens_only_their_own_assignments(demo_db, admin, team):
    project_id, _owner, members = team
    a_user, b_user = _evaluator(demo_db, members[0], "hyoka-a"), _evaluator(demo_db, members[1], "hyoka-b")
    mine = ratings.my_assignments(demo_db, a_user)
    assert mine and {r["evaluator_staff_id"] for r in mine} == {members[0]}
    theirs = ratings.my_assignments(demo_db, b_user)
    _fill(demo_db, b_user, theirs[0]["id"], 4)
    with pytest.raises(PermissionDenied):
        ratings.open_form(demo_db, a_user, theirs[0]["id"])
    with pytest.raises(PermissionDenied):
        ratings.save_answers(demo_db, a_user, theirs[0]["id"], {}, submit=False)
    for call in (ratings.individual_ratings, ratings.project_assignments, summary.member_spread):
        with pytest.raises(PermissionDenied):
            call(demo_db, a_user, project_id)
    with pytest.raises(PermissionDenied):
        summary.summary(demo_db, a_user, project_id)
    # Calibration shows A only A's own lines.
    _fill(demo_db, a_user, mine[0]["id"], 2)
    assert {s.evaluator_key for s in summary.calibration(demo_db, a_user)} == {f"s{members[0]}"}
    # A viewer enters no evaluations (issue 13: refused, not an empty list).
    viewer = accounts.create_user(demo_db, "etsuran", "閲覧", ADMIN_PASSWORD, Role.VIEWER, OFFICER)
    with pytest.raises(PermissionDenied):
        ratings.my_assignments(demo_db, viewer)
    with pytest.raises(PermissionDenied):
        summary.calibration(demo_db, viewer)


def test_submit_locks_until_the_administrator_reopens(demo_db, admin, team):
    _project_id, _owner, members = team
    user = _evaluator(demo_db, members[0], "hyoka-a")
    assignment = ratings.my_assignments(demo_db, user)[0]["id"]
    form = ratings.open_form(demo_db, user, assignment)
    first = form.criteria[0]
    ratings.save_answers(demo_db, user, assignment, {first.id: Answer(3, "=cmd|' /C calc'!A0")})
    form = ratings.open_form(demo_db, user, assignment)
    assert form.assignment["status"] == "draft" and not form.complete
    assert form.answers[first.id].comment == "=cmd|' /C calc'!A0", "kept as text, exactly as typed"
    with pytest.raises(UserError, match="すべての評価項目"):
        ratings.save_answers(demo_db, user, assignment, {}, submit=True)
    with pytest.raises(UserError, match="1 から 5"):
        ratings.save_answers(demo_db, user, assignment, {first.id: Answer(9)})
    _fill(demo_db, user, assignment, 4)
    with pytest.raises(UserError, match="提出済み"):
        _fill(demo_db, user, assignment, 5)
    # The lock holds in the database itself, not only in the service.
    with pytest.raises(sqlite3.IntegrityError, match="locked"):
        demo_db.execute("UPDATE evaluation_scores SET score = 1 WHERE assignment_id = ?", [assignment])
    with pytest.raises(PermissionDenied):
        ratings.reopen(demo_db, user, assignment, "誤り")
    with pytest.raises(UserError, match="理由"):
        ratings.reopen(demo_db, admin, assignment, " ")
    ratings.reopen(demo_db, admin, assignment, "評点の入力誤りの申し出")
    entry = audit_log.recent(demo_db, ADMIN_USER, 1)[0]
    assert entry["action"] == "evaluation.reopen" and "入力誤り" in entry["after_json"]
    _fill(demo_db, user, assignment, 5)
    scores = {r[0] for r in demo_db.execute("SELECT score FROM evaluation_scores WHERE assignment_id = ?", [assignment])}
    assert scores == {5}


def test_summary_matches_hand_computed_means_and_medians(demo_db, admin, team):
    project_id, _owner, members = team
    target = members[0]
    leadership = _perspective(demo_db, project_id, "leadership")
    rows = [a for a in ratings.project_assignments(demo_db, admin, project_id)
            if a["target_staff_id"] == target and a["perspective_id"] == leadership.id]
    assert len(rows) == 3
    given = {}
    for assignment, scores in zip(rows, ([5, 4, 3], [2, 2, 2], [4, 4, 5])):
        form = ratings.open_form(demo_db, admin, assignment["id"])
        ratings.save_answers(demo_db, admin, assignment["id"],
                                 {c.id: Answer(s) for c, s in zip(form.criteria, scores)}, submit=True)
        given[assignment["id"]] = statistics.fmean(scores)
    result = {(r.target_staff_id, r.perspective_code): r for r in summary.summary(demo_db, admin, project_id)}
    mean = (4 + 2 + 13 / 3) / 3
    assert result[(target, "leadership")].value == round(mean, 2) == 3.44
    assert result[(target, "leadership")].raters == 3
    # Fewer raters than the minimum: no number, the words 評価者数不足.
    assert result[(target, "policy")].value is None and result[(target, "policy")].display == "評価者数不足"
    assert result[(members[1], "leadership")].raters == 0

    # A median template: a new version of the family, the project moved before any rating on it... refused now.
    spec = rubrics.load_template(demo_db, projects.project(demo_db, project_id)["template_id"])
    median_id = rubrics.save_template(demo_db, replace(spec, aggregation="median"), ADMIN_USER)
    data = projects.project_input(demo_db, project_id)
    data.template_id = median_id
    with pytest.raises(UserError, match="変更できません"):
        projects.update_project(demo_db, project_id, data, ADMIN_USER)


def test_no_statistic_below_the_minimum_number_of_raters(demo_db, admin, team):
    """A lone rater's score must not be readable as 最低・最高・ばらつき (「1人（最低2人） 3.33 3.33 0.00」)."""
    project_id, _owner, members = team
    target = members[0]
    by_perspective = {}
    for a in ratings.project_assignments(demo_db, admin, project_id):
        if a["target_staff_id"] == target:
            by_perspective.setdefault(a["perspective_id"], []).append(a["id"])
    policy, leadership = _perspective(demo_db, project_id, "policy"), _perspective(demo_db, project_id, "leadership")
    assert policy.min_raters >= 2
    _fill(demo_db, admin, by_perspective[policy.id][0], 4)  # one rater of the two needed
    for assignment in by_perspective[leadership.id]:
        _fill(demo_db, admin, assignment, 3)
    spreads = {(s.target_staff_id, s.perspective_id) for s in summary.member_spread(demo_db, admin, project_id)}
    assert (target, policy.id) not in spreads and (target, leadership.id) in spreads


def test_median_rule_and_minimum_from_the_template(demo_db, admin):
    spec = replace(rubrics.MOKA_PRESET, family="median-test", aggregation="median")
    spec.perspectives = [replace(p, min_raters=2) for p in spec.perspectives]
    template_id = rubrics.save_template(demo_db, spec, ADMIN_USER)
    project_id = projects.create_project(demo_db, projects.ProjectInput("中央値の試験", 2025, template_id=template_id), ADMIN_USER)
    members = _staff(demo_db, 4, offset=150)
    for staff_id in members:
        projects.add_member(demo_db, project_id, staff_id, "member", ADMIN_USER)
    ratings.apply_suggestions(demo_db, project_id, ADMIN_USER)
    leadership = next(p for p in rubrics.load_template(demo_db, template_id).perspectives if p.code == "leadership")
    rows = [a for a in ratings.project_assignments(demo_db, admin, project_id)
            if a["target_staff_id"] == members[0] and a["perspective_id"] == leadership.id]
    for assignment, score in zip(rows, (1, 2, 5)):
        _fill(demo_db, admin, assignment["id"], score)
    row = next(r for r in summary.summary(demo_db, admin, project_id)
               if r.target_staff_id == members[0] and r.perspective_code == "leadership")
    assert row.value == 2.0 and row.min_raters == 2


def test_drafts_do_not_count_towards_results(demo_db, admin, team):
    project_id, _owner, members = team
    rows = [a for a in ratings.project_assignments(demo_db, admin, project_id) if a["target_staff_id"] == members[0]]
    for a in rows:
        _fill(demo_db, admin, a["id"], 4, submit=False)
    assert all(r.raters == 0 for r in summary.summary(demo_db, admin, project_id))


def test_calibration_flags_lenient_severe_and_flat_raters(demo_db, admin):
    from app.demo.projects import load_projects

    load_projects(demo_db, "test")
    stats = summary.calibration(demo_db, admin)
    vendor = next(s for s in stats if s.evaluator_key.startswith("e"))
    assert "flat" in vendor.flags and vendor.spread == 0 and vendor.flag_text == "全員に同じ評点"
    for s in stats:
        if s.difference is not None:
            assert ("lenient" in s.flags) == (s.difference >= summary.LENIENCY_THRESHOLD)
            assert ("severe" in s.flags) == (s.difference <= -summary.LENIENCY_THRESHOLD)
    spreads = summary.member_spread(demo_db, admin)
    assert spreads == sorted(spreads, key=lambda r: (-r.spread, r.project_id, r.target_staff_id))
    assert all(r.lowest <= r.highest for r in spreads)


def test_evaluator_sees_the_comparison_only_when_it_hides_the_others(demo_db, admin, team):
    project_id, owner, members = team
    # The owner is the only policy rater: comparing with "all raters" would reveal nothing new but
    # the rule is the same everywhere, so the comparison stays hidden below three raters.
    user = _evaluator(demo_db, owner, "owner")
    for a in ratings.my_assignments(demo_db, user):
        _fill(demo_db, user, a["id"], 5)
    (line,) = summary.calibration(demo_db, user, project_id)
    assert line.peers_mean is None and line.difference is None and line.rated == 4
    # Leadership has four raters: once all are in, each sees the comparison.
    leader = _evaluator(demo_db, members[0], "leader")
    for a in ratings.my_assignments(demo_db, leader):
        _fill(demo_db, leader, a["id"], 3)
    for staff_id, score in ((members[1], 4), (members[2], 2), (members[3], 3)):
        for a in ratings.project_assignments(demo_db, admin, project_id):
            if a["evaluator_staff_id"] == staff_id:
                _fill(demo_db, admin, a["id"], score)
    (line,) = [s for s in summary.calibration(demo_db, leader, project_id)]
    assert line.peers_mean == 3.0 and line.difference == 0.0


def test_template_versions_never_change_past_evaluations(demo_db, admin, team):
    project_id, _owner, _members = team
    old_id = projects.project(demo_db, project_id)["template_id"]
    spec = rubrics.load_template(demo_db, old_id)
    edited = replace(spec, name="真岡市方式 改訂版")
    edited.perspectives[0].criteria[0].descriptors = {**edited.perspectives[0].criteria[0].descriptors, 3: "新しい説明"}
    new_id = rubrics.save_template(demo_db, edited, ADMIN_USER)
    assert new_id != old_id
    assert rubrics.load_template(demo_db, new_id).version == spec.version + 1
    old = rubrics.load_template(demo_db, old_id)
    assert old.perspectives[0].criteria[0].descriptors[3] == rubrics.MOKA_PRESET.perspectives[0].criteria[0].descriptors[3]
    assert projects.project(demo_db, project_id)["template_id"] == old_id
    listed = {t["id"]: t for t in rubrics.list_templates(demo_db)}
    assert listed[new_id]["latest"] and not listed[old_id]["latest"] and listed[old_id]["projects"] == 1
    # New projects get the latest version.
    assert projects.project(demo_db, projects.create_project(
        demo_db, projects.ProjectInput("新規", 2026), ADMIN_USER))["template_id"] == new_id


@pytest.mark.parametrize("change, message", [
    (lambda s: replace(s, name=" "), "名前"),
    (lambda s: replace(s, perspectives=[]), "観点が1つ以上"),
    (lambda s: replace(s, perspectives=[replace(s.perspectives[0], criteria=[])]), "評価項目がありません"),
    (lambda s: replace(s, perspectives=[s.perspectives[0], replace(s.perspectives[1], code="policy")]), "異なるコード"),
    (lambda s: replace(s, perspectives=[replace(s.perspectives[0], criteria=[
        replace(s.perspectives[0].criteria[0], descriptors={1: "a", 2: "b"})])]), "評点 3 の説明"),
    (lambda s: replace(s, perspectives=[replace(s.perspectives[0], criteria=[
        replace(s.perspectives[0].criteria[0], rater_kinds=())])]), "評価者区分"),
])
def test_templates_that_cannot_be_answered_are_refused(db, change, message):
    with pytest.raises(UserError, match=message):
        rubrics.save_template(db, change(rubrics.MOKA_PRESET), ADMIN_USER)
    assert db.execute("SELECT count(*) FROM evaluation_templates").fetchone()[0] == 0


# -- position order and the digital section (issue 12 items 7 and 8) ------------------------------------------
TOWN_CSV = ("職員番号,氏名,ふりがな,所属,職名\n"
            "1,佐藤 一郎,さとう いちろう,総務部総務課,係長\n"    # the HR file happens to start with 係長,
            "2,鈴木 花子,すずき はなこ,総務部総務課,課長\n"      # then 課長,
            "3,高田 次郎,たかだ じろう,総務部総務課,主事\n"      # 主事
            "4,田中 三郎,たなか さぶろう,総務部,部長\n"          # and 部長
            "5,伊藤 四郎,いとう しろう,企画部デジタル戦略課,係長\n"
            "6,渡辺 五郎,わたなべ ごろう,企画部デジタル戦略課,主事\n"
            "7,山本 六子,やまもと むつこ,企画部デジタル戦略課,課長\n"
            "8,中村 七海,なかむら ななみ,企画部企画課,主事\n")
ON = date(2026, 6, 1)


@pytest.fixture
def town(db, tmp_path):
    """A small town read from an HR file whose first rows are 係長, 課長, 主事, 部長."""
    from app.staff import importer

    path = tmp_path / "town.csv"
    path.write_text(TOWN_CSV, encoding="utf-8")
    preview, _t, _m = importer.preview_file(db, path, effective=date(2026, 4, 1))
    importer.commit(db, preview, ADMIN_USER)
    ids = {no: sid for sid, no in db.execute("SELECT id, staff_no FROM staff")}
    section = db.execute("SELECT id FROM org_units WHERE name = '総務課'").fetchone()[0]
    project_id = projects.create_project(db, projects.ProjectInput("文書の電子化", 2026, owner_unit_id=section), ADMIN_USER)
    projects.add_member(db, project_id, ids["3"], "proposer", ADMIN_USER)
    projects.add_member(db, project_id, ids["8"], "member", ADMIN_USER)
    return project_id, ids


def _raters(db, project_id: int, code: str, on: date = ON) -> set[int]:
    perspective = _perspective(db, project_id, code)
    return {p.evaluator.staff_id for p in ratings.suggest(db, ADMIN_USER, project_id, on).proposals
            if p.perspective_id == perspective.id}


def test_ranks_follow_the_usual_order_not_the_files_row_order(db, town):
    project_id, ids = town
    ranks = dict(db.execute("SELECT name, rank FROM positions").fetchall())
    assert ranks["部長"] < ranks["課長"] < ranks["係長"] < ranks["主事"]
    # No owners: the owning section's executives (課長 and above, with the 部長 over it) rate 政策.
    assert _raters(db, project_id, "policy") == {ids["2"], ids["4"]}
    # ICT: the digital section's managers, 係長 and above by the town's order, not a fixed rank number.
    assert _raters(db, project_id, "ict") == {ids["5"], ids["7"]}


def test_moving_a_position_changes_who_is_suggested(db, town):
    from app.staff import positions

    project_id, ids = town
    positions.move(db, "係長", "up", ADMIN_USER)  # this town counts 係長 among executives
    assert positions.ordered(db)[2]["name"] in ("係長", "課長")
    assert _raters(db, project_id, "policy") == {ids["1"], ids["2"], ids["4"]}
    with pytest.raises(UserError, match="最上位"):
        positions.move(db, "部長", "up", ADMIN_USER)


def test_the_digital_section_follows_a_rename_and_a_closed_one_is_reported(db, town):
    from app.staff import organisation
    from app.register import settings

    project_id, ids = town
    digital = db.execute("SELECT id FROM org_units WHERE name = 'デジタル戦略課'").fetchone()[0]
    settings.set_value(db, "digital_section_id", digital, ADMIN_USER)
    successor = organisation.rename_unit(db, digital, "情報システム課", date(2027, 4, 1), ADMIN_USER)
    assert settings.get(db, "digital_section_id") == successor
    # before the reform the people are still in デジタル戦略課, after it in 情報システム課: both are found
    assert _raters(db, project_id, "ict", date(2026, 6, 1)) == {ids["5"], ids["7"]}
    assert _raters(db, project_id, "ict", date(2027, 6, 1)) == {ids["5"], ids["7"]}
    assert ratings.suggest(db, ADMIN_USER, project_id, date(2027, 6, 1)).notes == []

    # a merge moves it on as well
    planning = db.execute("SELECT id FROM org_units WHERE name = '企画課' AND valid_to IS NULL").fetchone()[0]
    organisation.merge_units(db, [successor], planning, date(2028, 4, 1), ADMIN_USER)
    assert settings.get(db, "digital_section_id") == planning
    assert _raters(db, project_id, "ict", date(2028, 6, 1)) == {ids["5"], ids["7"]}


def test_a_setting_left_on_a_closed_unit_or_an_empty_perspective_is_said(db, town):
    from app.staff import organisation
    from app.register import settings

    project_id, ids = town
    digital = db.execute("SELECT id FROM org_units WHERE name = 'デジタル戦略課'").fetchone()[0]
    # as a register from before this fix has it: renamed, with the setting left on the old unit
    successor = organisation.rename_unit(db, digital, "情報システム課", date(2027, 4, 1), ADMIN_USER)
    db.execute("UPDATE org_units SET successor_id = NULL WHERE id = ?", [digital])
    settings.set_value(db, "digital_section_id", digital, ADMIN_USER)
    found = ratings.suggest(db, ADMIN_USER, project_id, date(2027, 6, 1))
    assert not _raters(db, project_id, "ict", date(2027, 6, 1)) - {None}
    assert any("デジタル戦略課" in n and "廃止" in n for n in found.notes)
    assert any("ICT" in n and "見つかりません" in n for n in found.notes)
    settings.set_value(db, "digital_section_id", successor, ADMIN_USER)
    assert ratings.suggest(db, ADMIN_USER, project_id, date(2027, 6, 1)).notes == []


# -- the publication rule: no differencing (issue 13, item 2) ---------------------------------------

@pytest.fixture
def two_of_three(demo_db, admin):
    """A project whose leadership needs 2 raters and has 3 per member (the four members rate each other)."""
    spec = replace(rubrics.MOKA_PRESET, family="differencing-test")
    spec.perspectives = [replace(p, min_raters=2) if p.code == "leadership" else p for p in spec.perspectives]
    template_id = rubrics.save_template(demo_db, spec, admin)
    project_id = projects.create_project(demo_db, projects.ProjectInput("差分の試験", 2025, template_id=template_id),
                                         admin)
    members = _staff(demo_db, 4, offset=200)
    for staff_id in members:
        projects.add_member(demo_db, project_id, staff_id, "member", admin)
    ratings.apply_suggestions(demo_db, project_id, admin)
    leadership = _perspective(demo_db, project_id, "leadership")
    return project_id, members, leadership


def _row(db, user, project_id: int, target: int, perspective_id: int) -> summary.SummaryRow:
    return next(r for r in summary.summary(db, user, project_id)
                if r.target_staff_id == target and r.perspective_id == perspective_id)


def test_a_viewer_cannot_work_out_a_new_rating_by_differencing(demo_db, admin, two_of_three):
    """The attack: 2.50 from 2 raters, one more submits, 2.67 from 3, so the new rating is 3 × 2.67 − 2 × 2.50."""
    project_id, members, leadership = two_of_three
    viewer = accounts.create_user(demo_db, "etsuran", "閲覧", ADMIN_PASSWORD, Role.VIEWER, admin_as("test"))
    target = members[0]
    raters = [a["id"] for a in ratings.project_assignments(demo_db, admin, project_id)
              if a["target_staff_id"] == target and a["perspective_id"] == leadership.id]
    assert len(raters) == 3
    seen = []
    for assignment_id, score in zip(raters, (2, 3, 3)):
        _fill(demo_db, admin, assignment_id, score)
        seen.append(_row(demo_db, viewer, project_id, target, leadership.id))
        # The administrator still sees every step exactly, with the count (2.50 from 2, then 2.67 from 3).
        exact = _row(demo_db, admin, project_id, target, leadership.id)
        assert exact.raters == len(seen)
    # The attacker's arithmetic needs two published figures with their counts: the viewer sees one
    # figure only, and never a count.
    published = [(r.value, r.raters) for r in seen if r.value is not None]
    assert published == [(2.7, None)], published
    assert [r.display for r in seen] == ["未提出の評価あり", "未提出の評価あり", "2.7"]
    assert exact.value == 2.67 and exact.public_value == 2.7 and exact.public_display == "2.7"
    # Dropping a rater who will never submit seals the group: the rule is "all assigned are in".
    other = members[1]
    pending = [a["id"] for a in ratings.project_assignments(demo_db, admin, project_id)
               if a["target_staff_id"] == other and a["perspective_id"] == leadership.id]
    for assignment_id in pending[:2]:
        _fill(demo_db, admin, assignment_id, 4)
    assert _row(demo_db, viewer, project_id, other, leadership.id).value is None
    ratings.remove_assignment(demo_db, pending[2], admin)
    assert _row(demo_db, viewer, project_id, other, leadership.id).value == 4.0


def test_an_evaluators_all_raters_average_does_not_move_with_each_new_rating(demo_db, admin, team):
    """「全員の平均」: with 3 raters in it shows P3, a 4th submits, it shows P4: 4 × P4 − 3 × P3 is the 4th's mean."""
    project_id, _owner, members = team
    leader = _evaluator(demo_db, members[0], "leader")
    for a in ratings.my_assignments(demo_db, leader):
        _fill(demo_db, leader, a["id"], 3)
    leadership = _perspective(demo_db, project_id, "leadership")
    seen = []
    for staff_id, score in ((members[1], 4), (members[2], 2), (members[3], 5)):
        for a in ratings.project_assignments(demo_db, admin, project_id):
            if a["evaluator_staff_id"] == staff_id and a["perspective_id"] == leadership.id:
                _fill(demo_db, admin, a["id"], score)
        (line,) = [s for s in summary.calibration(demo_db, leader) if s.perspective_id == leadership.id]
        seen.append(line.peers_mean)
    assert seen == [None, None, 3.5], seen  # one figure, once the perspective's raters are all in
    (line,) = [s for s in summary.calibration(demo_db, leader) if s.perspective_id == leadership.id]
    assert line.difference == -0.5 and line.mean == 3.0 and not line.precise  # to 0.1, like a viewer's figures
    # The administrator's view is exact and always there.
    admin_line = next(s for s in summary.calibration(demo_db, admin)
                      if s.evaluator_key == f"s{members[0]}" and s.perspective_id == leadership.id)
    assert admin_line.peers_mean == 3.5 and admin_line.difference == -0.5


def test_read_services_check_the_role(demo_db, admin, team):
    project_id, _owner, members = team
    evaluator = _evaluator(demo_db, members[0], "hyoka")
    viewer = accounts.create_user(demo_db, "etsuran", "閲覧", ADMIN_PASSWORD, Role.VIEWER, admin_as("test"))
    with pytest.raises(PermissionDenied):
        summary.summary(demo_db, evaluator, project_id)
    with pytest.raises(PermissionDenied):
        summary.calibration(demo_db, viewer)
    for user in (evaluator, viewer):
        for call in (summary.member_spread, summary.combined_ratings,
                     ratings.individual_ratings, ratings.project_assignments):
            with pytest.raises(PermissionDenied):
                call(demo_db, user, project_id)
    assert summary.summary(demo_db, viewer, project_id)
    assert summary.calibration(demo_db, evaluator) == []


def test_cli_summary_follows_the_acting_users_role(db_path, demo_db, admin, two_of_three, capsys):
    """`evaluations summary` shows a viewer the published figures only and refuses an evaluator.

    The CLI's ``--as LOGIN`` puts the account in ``args.user``; the handler is called directly here.
    """
    import argparse
    import json

    from app.cli import projects as cli_projects

    project_id, members, leadership = two_of_three
    raters = [a["id"] for a in ratings.project_assignments(demo_db, admin, project_id)
              if a["target_staff_id"] == members[0] and a["perspective_id"] == leadership.id]
    for assignment_id, score in zip(raters[:2], (2, 3)):
        _fill(demo_db, admin, assignment_id, score)
    viewer = accounts.create_user(demo_db, "etsuran", "閲覧", ADMIN_PASSWORD, Role.VIEWER, admin_as("test"))
    args = argparse.Namespace(db=db_path, project=project_id, json=True, user=viewer)
    assert cli_projects.cmd_evaluations_summary(args) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows and all("raters" not in r and "lowest" not in r and "spread" not in r for r in rows)
    assert all(r["value"] is None for r in rows)  # 2.50 from 2 of 3 raters is not published
    args.user = admin
    assert cli_projects.cmd_evaluations_summary(args) == 0
    exact = json.loads(capsys.readouterr().out)["rows"]
    mine = next(r for r in exact if r["staff_no"] and r["perspective"] == "leadership" and r["raters"] == 2)
    assert mine["value"] == 2.5 and mine["public_value"] is None and mine["complete"] is False
    args.user = _evaluator(demo_db, members[1], "hyoka")
    with pytest.raises(PermissionDenied):
        cli_projects.cmd_evaluations_summary(args)
