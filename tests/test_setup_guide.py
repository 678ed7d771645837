"""The set-up guide's core: what is still missing on a register, the steps' writes, the empty lists' hints,
and adding many project members at once. No screen: these are the services the guide and the lists call."""

from __future__ import annotations

from datetime import date

import pytest

from app.certification import past
from app.register import accounts
from app.overview import audit_log
from app.evaluation import projects
from app.certification import schemes
from app.register import settings
from app.overview import setup_guide
from app.staff import edit
from app.register.accounts import Role, User
from app.errors import PermissionDenied, UserError
from app.staff.importer import commit, preview_file
from tests.conftest import ADMIN_PASSWORD, ADMIN_USER, run_cli

DAY = date(2025, 6, 1)
VIEWER = User(7, "etsuran", "閲覧 花子", Role.VIEWER)
EVALUATOR = User(8, "hyouka", "評価 次郎", Role.EVALUATOR)
STAFF_CSV = ("職員番号,氏名,ふりがな,部,課,職名\n"
             "1001,真岡 太郎,もおか たろう,総務部,デジタル戦略課,課長\n"
             "1002,芳賀 花子,はが はなこ,総務部,総務課,主事\n"
             "1003,益子 次郎,ましこ じろう,市民部,市民課,係長\n")


def _import_staff(db, tmp_path) -> None:
    path = tmp_path / "職員.csv"
    path.write_text(STAFF_CSV, encoding="cp932")
    commit(db, preview_file(db, path, effective=date(2025, 4, 1), today=DAY)[0], ADMIN_USER)


def _missing(db) -> list[str]:
    return [s.key for s in setup_guide.missing(db, ADMIN_USER, DAY)]


def test_a_new_register_misses_every_step_and_opens_the_guide(db):
    assert setup_guide.is_new_register(db)
    assert _missing(db) == [s.key for s in setup_guide.STEPS]
    states = setup_guide.checklist(db, ADMIN_USER, DAY)
    assert all(s.missing and not s.detail for s in states if s.key != "accounts")
    assert "自治体名" in states[0].missing


def test_each_step_done_leaves_the_checklist(db, tmp_path, admin):
    setup_guide.set_municipality(db, ADMIN_USER, "  真岡市 ")
    assert not setup_guide.is_new_register(db), "a town name means the register has been set up"
    assert settings.get(db, "municipality_name") == "真岡市"
    setup_guide.set_issuer(db, ADMIN_USER, "市長", "山田 太郎")
    setup_guide.set_first_fiscal_year(db, ADMIN_USER, 2025)
    setup_guide.choose_scheme(db, ADMIN_USER, "moka")
    assert _missing(db) == ["staff", "past_certifications", "evaluation_rules", "accounts"]
    _import_staff(db, tmp_path)
    # The section named デジタル… is found by name, as the evaluation rules find it: nothing to choose.
    assert _missing(db) == ["past_certifications", "accounts"]
    accounts.create_user(db, "hyouka", "評価 次郎", ADMIN_PASSWORD, Role.EVALUATOR, admin)
    assert _missing(db) == ["past_certifications"]
    earlier = tmp_path / "以前の認定.csv"
    staff_no = db.execute("SELECT staff_no FROM staff ORDER BY id LIMIT 1").fetchone()[0]
    earlier.write_text("職員番号,レベル,認定日,認定番号,認定者\n"
                       f"{staff_no},DXアドバイザー,令和6年3月15日,令和5年度DX認定第0001号,山田 太郎\n", encoding="utf-8")
    preview = past.preview_file(db, ADMIN_USER, earlier, today=DAY)
    assert not preview.errors, preview.errors
    past.commit(db, ADMIN_USER, preview)
    assert _missing(db) == []
    details = {s.key: s.detail for s in setup_guide.checklist(db, ADMIN_USER, DAY)}
    assert details == {"municipality": "真岡市", "issuer": "市長 山田 太郎", "fiscal_year": "令和7年度",
                       "scheme": schemes.MOKA_PRESET.name, "staff": "職員 3 名",
                       "past_certifications": "以前の認定 1 件を取り込み済み", "evaluation_rules": "デジタル戦略課",
                       "accounts": "アカウント 2 件"}


def test_the_digital_section_is_missing_until_one_is_chosen_when_none_is_named_so(db, tmp_path):
    path = tmp_path / "職員.csv"
    path.write_text(STAFF_CSV.replace("デジタル戦略課", "企画課"), encoding="utf-8")
    commit(db, preview_file(db, path, effective=date(2025, 4, 1), today=DAY)[0], ADMIN_USER)
    assert "evaluation_rules" in _missing(db)
    section = next(uid for uid, name in edit.section_choices(db) if "企画課" in name)
    setup_guide.set_digital_section(db, ADMIN_USER, section)
    assert "evaluation_rules" not in _missing(db)
    with pytest.raises(UserError, match="99999"):
        setup_guide.set_digital_section(db, ADMIN_USER, 99999)


def test_choosing_a_scheme_installs_the_preset_and_uses_it_in_one_step(db):
    scheme_id = setup_guide.choose_scheme(db, ADMIN_USER, "hokkaido")
    assert schemes.active_scheme_id(db) == scheme_id
    assert settings.get(db, "certification_scheme") == schemes.HOKKAIDO_PRESET.family
    setup_guide.choose_scheme(db, ADMIN_USER, "blank")
    assert schemes.load_scheme(db, schemes.active_scheme_id(db)).name == schemes.BLANK_PRESET.name
    assert setup_guide.choose_scheme(db, ADMIN_USER, "hokkaido") == scheme_id, "an installed preset is not saved twice"
    with pytest.raises(UserError, match="tokyo"):
        setup_guide.choose_scheme(db, ADMIN_USER, "tokyo")


@pytest.mark.parametrize("call, message", [
    (lambda db: setup_guide.set_municipality(db, ADMIN_USER, "真岡市\ue000"), "印刷できない"),
    (lambda db: setup_guide.set_issuer(db, ADMIN_USER, " ", "山田 太郎"), "肩書"),
    (lambda db: setup_guide.set_first_fiscal_year(db, ADMIN_USER, 20250), "20250"),
    (lambda db: setup_guide.set_first_fiscal_year(db, ADMIN_USER, 1900), "1989"),
])
def test_bad_input_is_refused_and_changes_nothing(db, call, message):
    entries = len(audit_log.recent(db, ADMIN_USER, 100))
    with pytest.raises(UserError, match=message):
        call(db)
    assert len(audit_log.recent(db, ADMIN_USER, 100)) == entries
    assert _missing(db) == [s.key for s in setup_guide.STEPS]


@pytest.mark.parametrize("user", [VIEWER, EVALUATOR], ids=["viewer", "evaluator"])
@pytest.mark.parametrize("call", [
    lambda db, user: setup_guide.checklist(db, user, DAY),
    lambda db, user: setup_guide.set_municipality(db, user, "真岡市"),
    lambda db, user: setup_guide.set_issuer(db, user, "市長", "山田 太郎"),
    lambda db, user: setup_guide.set_first_fiscal_year(db, user, 2025),
    lambda db, user: setup_guide.choose_scheme(db, user, "moka"),
    lambda db, user: setup_guide.set_digital_section(db, user, None),
], ids=["checklist", "municipality", "issuer", "fiscal_year", "scheme", "digital_section"])
def test_the_administrators_steps_are_refused_to_other_roles(db, user, call):
    with pytest.raises(PermissionDenied):
        call(db, user)
    assert settings.get(db, "municipality_name") == "" and schemes.active_scheme_id(db) is None


def test_the_first_fiscal_year_is_a_setting_the_cli_reads_and_checks(db):
    from app.overview import setting_values

    assert setting_values.set_text(db, ADMIN_USER, "first_fiscal_year", "2023")
    assert settings.get(db, "first_fiscal_year") == 2023
    with pytest.raises(UserError, match="1989"):
        setting_values.parse(db, "first_fiscal_year", "1800")


# -- empty lists --------------------------------------------------------------------------------------

def test_empty_lists_say_what_to_do_first(db, tmp_path):
    hint = setup_guide.empty_hint(db, ADMIN_USER, "staff")
    assert hint.text == "職員がまだ登録されていません。まず職員一覧を取り込んでください。"
    assert (hint.button, hint.target) == ("職員一覧を取り込む…", "staff")
    assert setup_guide.empty_hint(db, ADMIN_USER, "projects").target == "staff", "projects need staff first"
    assert setup_guide.empty_hint(db, ADMIN_USER, "evaluations").target == "projects"
    assert setup_guide.empty_hint(db, ADMIN_USER, "register").target == "scheme"
    viewer_hint = setup_guide.empty_hint(db, VIEWER, "staff")
    assert viewer_hint.button == "" and "管理者" in viewer_hint.text, "no button for a step the role may not do"
    _import_staff(db, tmp_path)
    assert setup_guide.empty_hint(db, ADMIN_USER, "staff") is None
    assert setup_guide.empty_hint(db, ADMIN_USER, "projects").target == "new_project"
    assert setup_guide.empty_hint(db, VIEWER, "projects").button == ""
    setup_guide.choose_scheme(db, ADMIN_USER, "moka")
    assert setup_guide.empty_hint(db, ADMIN_USER, "register").target == "candidates"
    assert setup_guide.empty_hint(db, ADMIN_USER, "candidates").target == "projects"
    projects.create_project(db, projects.ProjectInput("窓口のオンライン化", 2025), ADMIN_USER)
    assert setup_guide.empty_hint(db, ADMIN_USER, "projects") is None
    assert setup_guide.empty_hint(db, ADMIN_USER, "evaluations") is None
    assert setup_guide.empty_hint(db, ADMIN_USER, "candidates") is None


# -- many members at once ------------------------------------------------------------------------------

def _ids(db, n: int, offset: int = 0) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id LIMIT ? OFFSET ?",
                                     [n, offset])]


@pytest.fixture
def project_id(demo_db):
    return projects.create_project(demo_db, projects.ProjectInput("会計事務の電子決裁化", 2025), ADMIN_USER)


def _member_roles(db, project_id) -> dict[int, str]:
    return {m["staff_id"]: m["role"] for m in projects.members(db, ADMIN_USER, project_id)}


def test_many_members_are_added_at_once_and_those_already_on_it_are_named_and_kept(demo_db, project_id):
    first, *others = _ids(demo_db, 6, offset=30)
    projects.add_member(demo_db, project_id, first, "leader", ADMIN_USER)
    result = projects.add_members(demo_db, project_id, [first, *others, others[0]], "member", ADMIN_USER)
    assert len(result.added) == 5 and len(result.already) == 1
    assert _member_roles(demo_db, project_id) == {first: "leader", **{i: "member" for i in others}}
    entries = [e for e in audit_log.recent(demo_db, ADMIN_USER, 10) if e["action"] == "project.member_add"]
    assert len(entries) == 6, "each person added is logged as a single addition is"


def test_adding_many_members_is_all_or_nothing(demo_db, project_id):
    ids = _ids(demo_db, 4, offset=50)
    retired = demo_db.execute("SELECT id FROM staff WHERE status = 'retired' LIMIT 1").fetchone()
    for bad, message in (([*ids, 999999], "999999"), ([*ids, retired[0]], "退職"), ([], "一人以上")):
        with pytest.raises(UserError, match=message):
            projects.add_members(demo_db, project_id, bad, "member", ADMIN_USER)
        assert _member_roles(demo_db, project_id) == {}
    with pytest.raises(UserError, match="不明な役割"):
        projects.add_members(demo_db, project_id, ids, "boss", ADMIN_USER)
    with pytest.raises(PermissionDenied):
        projects.add_members(demo_db, project_id, ids, "member", VIEWER)
    assert _member_roles(demo_db, project_id) == {}


def test_the_cli_lists_the_missing_steps_and_sets_the_first_fiscal_year(db_path):
    import json
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent

    def cli(*args: str) -> subprocess.CompletedProcess:
        return run_cli("--db", str(db_path), *args, cwd=root)

    assert cli("init").returncode == 0
    steps = json.loads(cli("settings", "missing", "--date", "2025-06-01", "--json").stdout)
    assert [s["key"] for s in steps] == [s.key for s in setup_guide.STEPS] and not any(s["done"] for s in steps)
    assert cli("settings", "set", "first_fiscal_year", "2025").returncode == 0
    text = cli("settings", "missing", "--date", "令和7年6月1日").stdout
    assert "✓ fiscal_year\t開始年度\t令和7年度" in text and "✗ municipality\t自治体名\t自治体名が設定されていません" in text
    refused = cli("settings", "set", "first_fiscal_year", "20250")
    assert refused.returncode == 1 and "20250" in refused.stderr
