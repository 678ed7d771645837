"""Roles in the core (issue 13 item 1): every action of the permission table, called as each role.

The calls go straight to the services, as a script would: whatever a screen hides, a role that the
table does not list for an action is refused with PermissionDenied and the register is unchanged.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from app.overview import audit_log
from app.overview import dashboard
from app.skills import demand as skill_demand
from app.skills import supply as skill_supply
from tests.skill_map_fixtures import FAMILY as SKILL_FAMILY, install_catalogue
from app.certification import certificates
from app.certification import decisions
from app.certification import candidates
from app.certification import eligibility
from app.evaluation import sheets
from app.evaluation import summary
from app.evaluation import ratings
from app.overview import maintenance
from app.staff import organisation
from app.certification import past
from app.staff import positions
from app.evaluation import projects
from app.evaluation import rubrics
from app.certification import schemes
from app.overview import setting_values
from app.register import settings
from app.staff import directory
from app.staff import edit
from app.staff import export
from app.staff import importer
from app.training import attendance as training_attendance
from app.training import events as training_events
from app.training import qualification_import, qualifications, surveys
from app.targets import coverage as target_coverage
from app.targets import designations
from app.targets import progress as target_progress
from app.targets import targets
from app.register.accounts import Role, User, create_user, setup_administrator
from app.db import open_database
from app.demo.town import generate_town, load_town, set_demo_municipality
from app.demo.projects import load_certification_history, load_projects
from app.errors import PermissionDenied
from app.register.permissions import TABLE, Action, markdown_table
from app.skills import catalogue_files, catalogues, presets, records
from app.demo.skills import load_skills
from tests.conftest import ADMIN_PASSWORD, ADMIN_USER, admin_as, run_cli

AS_OF = date(2026, 4, 1)
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Register:
    """The demo town with projects, ratings and certifications, and the ids the calls need."""

    db: object
    folder: Path
    staff_id: int
    unit_id: int
    project_id: int
    own_assignment: int  # a draft of the evaluator below
    evaluator_staff: int
    newcomer: int  # an active person on no project


@pytest.fixture(scope="module")
def register_file(tmp_path_factory) -> Path:
    """Built once (the demo with its history takes seconds); each test works on a copy."""
    path = tmp_path_factory.mktemp("roles") / "register.sqlite"
    result = open_database(path)
    load_town(result.db, generate_town(300, seed=1), "test")
    load_projects(result.db, "test")
    load_certification_history(result.db, "test")
    set_demo_municipality(result.db, "test")  # certificate output needs a town and an issuer
    load_skills(result.db, "test", AS_OF)
    result.db.close()
    return path


@pytest.fixture
def reg(register_file: Path, tmp_path: Path):
    path = tmp_path / "register.sqlite"
    shutil.copy(register_file, path)
    result = open_database(path)
    db = result.db
    own, evaluator, project_id = db.execute(
        "SELECT id, evaluator_staff_id, project_id FROM evaluation_assignments WHERE status != 'submitted' "
        "AND evaluator_staff_id IS NOT NULL ORDER BY id LIMIT 1").fetchone()
    newcomer = db.execute("SELECT id FROM staff WHERE status = 'active' AND id NOT IN "
                          "(SELECT staff_id FROM project_members) ORDER BY id LIMIT 1").fetchone()[0]
    unit_id = db.execute("SELECT unit_id FROM staff_assignments WHERE staff_id = ? AND valid_to IS NULL",
                         [newcomer]).fetchone()[0]
    yield Register(db, tmp_path, newcomer, unit_id, project_id, own, evaluator, newcomer)
    db.close()


def user_for(role: Role, reg: Register) -> User:
    """An account of ``role`` linked to the evaluator of ``reg.own_assignment`` (a viewer too: the role decides)."""
    return User(900 + list(Role).index(role), f"as-{role}", str(role), role, staff_id=reg.evaluator_staff)


def _scheme(db) -> schemes.SchemeSpec:
    return schemes.load_scheme(db, schemes.active_scheme_id(db))


def _person() -> edit.PersonInput:
    return edit.PersonInput("990001", "試験", "太郎", "しけん", "たろう", date(2020, 4, 1), None, None)


def _new_person(r: Register, u: User) -> int:
    data = _person()
    data.unit_id = r.unit_id
    return edit.create_person(r.db, data, u)


def _section_of(r: Register) -> int:
    """The newcomer's section (or department), the unit a designation names."""
    return r.db.execute("SELECT CASE kind WHEN 'unit' THEN parent_id ELSE id END FROM org_units WHERE id = ?",
                        [r.unit_id]).fetchone()[0]


def _first_certificate(r: Register) -> str:
    return r.db.execute("SELECT certificate_no FROM certifications WHERE status = 'active' ORDER BY id").fetchone()[0]


def _past_file(r: Register) -> Path:
    """An earlier certification of the newcomer, as a town's paper register lists it."""
    path = r.folder / "earlier.csv"
    staff_no = r.db.execute("SELECT staff_no FROM staff WHERE id = ?", [r.newcomer]).fetchone()[0]
    path.write_text(f"職員番号,レベル,認定日,認定番号,認定者\n{staff_no},DXアドバイザー,令和7年3月1日,第0099号,真岡市長\n",
                    encoding="utf-8")
    return path


def _qualification_file(r: Register) -> Path:
    path = r.folder / "qualifications.csv"
    staff_no = r.db.execute("SELECT staff_no FROM staff WHERE id = ?", [r.newcomer]).fetchone()[0]
    path.write_text(f"職員番号,資格,取得日\n{staff_no},ITパスポート,令和7年3月1日\n", encoding="utf-8")
    return path


def _event(r: Register) -> int:
    """A training event to survey: the demo town's first (made before the call, so a refusal changes nothing)."""
    return _first_event(r)


def _skill_family(r: Register) -> str:
    """The simple skill map's catalogue (installed on first use), for the skill-map calls."""
    if not skill_demand.families(r.db):
        install_catalogue(r.db)
    return SKILL_FAMILY


def _first_certification_id(r: Register) -> int:
    return r.db.execute("SELECT id FROM certifications WHERE status = 'active' ORDER BY id").fetchone()[0]


Call = Callable[[Register, User], object]


def _first_event(r: Register) -> int:
    return r.db.execute("SELECT min(id) FROM training_events").fetchone()[0]

# Every action of the table with the service calls that do it. Each call is valid for an allowed role.
CALLS: dict[Action, list[Call]] = {
    Action.STAFF_LIST: [
        lambda r, u: directory.load_directory(r.db, u, AS_OF),
        lambda r, u: organisation.people_in(r.db, u, r.unit_id),
    ],
    Action.STAFF_HISTORY: [
        lambda r, u: directory.staff_history(r.db, u, r.staff_id),
        lambda r, u: edit.person(r.db, u, r.staff_id),
    ],
    Action.STAFF_EDIT: [
        _new_person,
        lambda r, u: positions.move(r.db, "主事", "down", u),
        lambda r, u: importer.save_mapping(r.db, ["職員番号", "氏名"], {"staff_no": "職員番号"}, u),
        lambda r, u: importer.commit(r.db, importer.ImportPreview(
            "empty.csv", "utf-8", AS_OF.isoformat(), 0, basis=importer.register_basis(r.db)), u),
    ],
    Action.STAFF_EXPORT: [
        lambda r, u: export.export_staff(r.db, r.folder / "staff.csv", u),
        lambda r, u: export.cp932_problems(r.db, u),
    ],
    Action.ORGANISATION_EDIT: [
        lambda r, u: organisation.create_unit(r.db, None, "未来創造部", AS_OF, u),
        lambda r, u: organisation.rename_unit(r.db, r.unit_id, "新しい名前課", AS_OF, u),
    ],
    Action.PROJECT_VIEW: [
        lambda r, u: projects.list_projects(r.db, u),
        lambda r, u: projects.members(r.db, u, r.project_id),
        lambda r, u: projects.sessions(r.db, u, r.project_id),
    ],
    Action.PROJECT_EDIT: [
        lambda r, u: projects.create_project(r.db, projects.ProjectInput("権限の試験", 2026), u),
        lambda r, u: projects.add_member(r.db, r.project_id, r.newcomer, "member", u),
        lambda r, u: projects.create_external_rater(r.db, "試験 花子", "試験株式会社", u),
    ],
    Action.TEMPLATE_EDIT: [
        lambda r, u: rubrics.save_template(r.db, rubrics.MOKA_PRESET, u),
        lambda r, u: rubrics.ensure_preset(r.db, u),
    ],
    Action.ASSIGNMENT_EDIT: [
        lambda r, u: ratings.suggest(r.db, u, r.project_id, AS_OF),
        lambda r, u: ratings.project_assignments(r.db, u, r.project_id),
        lambda r, u: ratings.remove_assignment(r.db, r.own_assignment, u),
    ],
    Action.RATINGS_OWN: [
        lambda r, u: ratings.my_assignments(r.db, u),
        lambda r, u: ratings.open_form(r.db, u, r.own_assignment),
        lambda r, u: ratings.save_answers(r.db, u, r.own_assignment, {}),
        lambda r, u: sheets.export_sheets(r.db, u, r.project_id, r.folder),
    ],
    Action.RATINGS_INDIVIDUAL: [
        lambda r, u: ratings.individual_ratings(r.db, u, r.project_id),
        lambda r, u: summary.combined_ratings(r.db, u),
        lambda r, u: summary.member_spread(r.db, u, r.project_id),
    ],
    Action.RESULTS_VIEW: [lambda r, u: summary.summary(r.db, u, r.project_id)],
    Action.TENDENCY_VIEW: [lambda r, u: summary.calibration(r.db, u)],
    Action.ELIGIBILITY_VIEW: [
        lambda r, u: eligibility.eligibility(r.db, u, _scheme(r.db), AS_OF),
        lambda r, u: candidates.candidate_rows(r.db, u, _scheme(r.db), AS_OF),
    ],
    Action.CERTIFY: [
        lambda r, u: decisions.reissue(r.db, u, _first_certificate(r), "紛失", AS_OF),
        lambda r, u: decisions.revoke(r.db, u, _first_certificate(r), "試験", AS_OF),
    ],
    Action.CERTIFICATION_IMPORT: [
        lambda r, u: past.preview_file(r.db, u, _past_file(r), today=AS_OF),
        lambda r, u: past.commit(r.db, u, past.preview_file(
            r.db, ADMIN_USER, _past_file(r), today=AS_OF)),
        lambda r, u: decisions.record_past(r.db, u, _scheme(r.db).id, r.newcomer, "advisor", date(2025, 3, 1),
                                               "真岡市長", "第0099号"),
    ],
    Action.SCHEME_EDIT: [lambda r, u: schemes.install_preset(r.db, "hokkaido", u)],
    Action.REGISTER_VIEW: [
        lambda r, u: decisions.register(r.db, u),
        lambda r, u: decisions.person_path(r.db, u, r.staff_id),
        lambda r, u: decisions.export_register(r.db, r.folder / "register.csv", u),
    ],
    Action.CERTIFICATE_OUTPUT: [
        lambda r, u: certificates.output_list(r.db, u),
        lambda r, u: certificates.print_log(r.db, u),
        lambda r, u: certificates.write(r.db, u, [_first_certification_id(r)], r.folder / "c.pdf"),
    ],
    Action.SETTINGS_EDIT: [
        lambda r, u: settings.set_value(r.db, "municipality_name", "権限町", u),
        lambda r, u: setting_values.set_text(r.db, u, "mayor_title", "町長"),
    ],
    Action.BACKUP: [lambda r, u: maintenance.backup(r.db, r.folder / "copy.sqlite", u)],
    Action.AUDIT_VIEW: [lambda r, u: audit_log.recent(r.db, u)],
    Action.SKILLS_VIEW: [
        lambda r, u: records.people_skills(r.db, u, "skill-map", AS_OF),
        lambda r, u: records.history(r.db, u, r.newcomer, "skill-map"),
    ],
    Action.SKILLS_EDIT: [
        lambda r, u: records.record_skills(r.db, u, "skill-map", [
            records.SkillEntry(r.newcomer, "data", 2, AS_OF, "confirmed")]),
        lambda r, u: records.derive(r.db, u, "skill-map", AS_OF),
    ],
    Action.SKILL_CATALOGUE_EDIT: [
        lambda r, u: catalogues.save_catalogue(r.db, presets.blank(), u),
        lambda r, u: presets.install_preset(r.db, "dss-l", u),
        lambda r, u: catalogue_files.export_catalogue(r.db, u, catalogues.latest_id(r.db, "skill-map"),
                                                      r.folder / "catalogue.json"),
    ],
    Action.SKILLS_OWN: [
        lambda r, u: records.own_levels(r.db, u, "skill-map"),
        lambda r, u: records.save_own_assessment(r.db, u, "skill-map", {"data": 2}, AS_OF),
    ],
    Action.TRAINING_VIEW: [
        lambda r, u: training_events.list_events(r.db, u),
        lambda r, u: training_attendance.person_training(r.db, u, r.staff_id),
    ],
    Action.TRAINING_EDIT: [
        lambda r, u: training_events.create_event(r.db, training_events.EventInput("権限の試験", "study", AS_OF), u),
        lambda r, u: training_attendance.set_attendance(r.db, _first_event(r), [r.newcomer], u),
    ],
    Action.TARGETS_VIEW: [
        lambda r, u: targets.list_targets(r.db, u),
        lambda r, u: target_progress.progress(r.db, u, AS_OF),
        lambda r, u: target_coverage.coverage(r.db, u, 2025, AS_OF),
        lambda r, u: designations.list_designations(r.db, u),
    ],
    Action.TARGETS_EDIT: [
        lambda r, u: targets.set_target(r.db, u, targets.Target(None, 2026, "level_count", 30)),
        lambda r, u: designations.add_role(r.db, u, "DX推進員"),
        lambda r, u: designations.designate(r.db, u, r.newcomer, _section_of(r), designations.role_id(r.db, None), 2026),
    ],
    Action.QUALIFICATIONS_VIEW: [
        lambda r, u: qualifications.records(r.db, u),
        lambda r, u: qualifications.expiring(r.db, u, AS_OF),
        lambda r, u: qualifications.catalogue(r.db, u),
    ],
    Action.QUALIFICATIONS_EDIT: [
        lambda r, u: qualifications.add_entry(r.db, u, "権限の試験検定"),
        lambda r, u: qualifications.add_record(r.db, u, r.newcomer, 1, date(2025, 3, 1), today=AS_OF),
        lambda r, u: qualification_import.preview_file(r.db, u, _qualification_file(r), today=AS_OF),
    ],
    Action.SURVEYS_VIEW: [lambda r, u: surveys.results(r.db, u, _event(r))],
    Action.SURVEYS_EDIT: [lambda r, u: surveys.set_questions(r.db, u, _event(r), ["役に立ちましたか"])],
    Action.DASHBOARD_VIEW: [lambda r, u: dashboard.dashboard(r.db, u, AS_OF)],
    Action.DASHBOARD_DETAIL: [
        lambda r, u: dashboard.register_check(r.db, u),
        lambda r, u: dashboard.backups(r.db, u, AS_OF),
    ],
    Action.SKILL_MAP_VIEW: [
        lambda r, u: skill_demand.list_demands(r.db, u),
        lambda r, u: skill_supply.heat_map(r.db, u, _skill_family(r), AS_OF),
    ],
    Action.SKILL_GAP_PEOPLE: [
        lambda r, u: skill_supply.current_levels(r.db, u, r.staff_id),
        lambda r, u: skill_supply.candidates(r.db, u, _skill_family(r), "data", 2, AS_OF),
    ],
    Action.SKILL_DEMAND_EDIT: [
        lambda r, u: skill_demand.add_demand(r.db, u, skill_demand.DemandInput(_skill_family(r), "data", 2,
                                                                               unit_id=r.unit_id)),
    ],
}
# Account management is checked in app/register/accounts.py (another change of issue 13) and, until then, by the CLI.
OWNED_ELSEWHERE = {Action.ACCOUNTS_MANAGE}

CASES = [(action, role, index) for action in Action if action not in OWNED_ELSEWHERE
         for role in Role for index in range(len(CALLS[action]))]


def _snapshot(db) -> tuple:
    return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("audit_log", "staff", "projects", "project_members", "evaluation_assignments",
                           "certifications", "settings", "org_units", "training_events", "training_attendance",
                           "staff_skills", "skill_catalogues"))


def test_every_action_has_service_calls():
    assert set(CALLS) | OWNED_ELSEWHERE == set(Action) == set(TABLE)


@pytest.mark.parametrize(("action", "role", "index"), [c for c in CASES if c[1] not in TABLE[c[0]]],
                         ids=lambda v: str(v))
def test_a_role_not_in_the_table_is_refused_and_nothing_changes(reg, action, role, index):
    before = _snapshot(reg.db)
    with pytest.raises(PermissionDenied):
        CALLS[action][index](reg, user_for(role, reg))
    assert _snapshot(reg.db) == before


@pytest.mark.parametrize(("action", "role", "index"), [c for c in CASES if c[1] in TABLE[c[0]]],
                         ids=lambda v: str(v))
def test_a_role_in_the_table_may_do_it(reg, action, role, index):
    CALLS[action][index](reg, user_for(role, reg))


def test_the_refusal_names_the_action_in_japanese(reg):
    with pytest.raises(PermissionDenied) as refused:
        maintenance.backup(reg.db, reg.folder / "copy.sqlite", user_for(Role.EVALUATOR, reg))
    assert str(refused.value) == "この操作を行う権限がありません（バックアップと復元）。"
    assert not (reg.folder / "copy.sqlite").exists()


def test_non_administrators_see_leave_as_in_service(reg):
    """休職 is personnel history: only the administrator's staff list shows it."""
    admin = user_for(Role.ADMIN, reg)
    on_leave = reg.db.execute("SELECT id FROM staff WHERE status = 'leave' LIMIT 1").fetchone()
    if on_leave is None:
        reg.db.execute("UPDATE staff SET status = 'leave' WHERE id = ?", [reg.staff_id])
        on_leave = (reg.staff_id,)
    status = lambda u: next(r.status for r in directory.load_directory(reg.db, u, AS_OF) if r.id == on_leave[0])  # noqa: E731
    assert status(admin) == "leave"
    assert status(user_for(Role.VIEWER, reg)) == status(user_for(Role.EVALUATOR, reg)) == "active"


def test_an_evaluator_still_opens_only_their_own_assignments(reg):
    other = User(950, "other", "other", Role.EVALUATOR, staff_id=reg.newcomer)
    with pytest.raises(PermissionDenied):
        ratings.open_form(reg.db, other, reg.own_assignment)


def test_the_readme_table_is_the_code_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- permissions-table[^>]*-->\n(.*?)\n<!-- /permissions-table -->", readme, re.S)
    assert found, "README.md has no permissions table"
    assert found.group(1) == markdown_table(), "replace the README's table with:\n" + markdown_table()


# -- the CLI's --as LOGIN -------------------------------------------------------------------------------------

def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The CLI in this process; the password for ``--as`` is the first line of ``stdin``, as on a pipe."""
    return run_cli(*args, stdin=stdin)


@pytest.fixture
def cli_register(register_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cli.sqlite"
    shutil.copy(register_file, path)
    result = open_database(path)
    evaluator = result.db.execute("SELECT evaluator_staff_id FROM evaluation_assignments "
                                  "WHERE evaluator_staff_id IS NOT NULL LIMIT 1").fetchone()[0]
    setup_administrator(result.db, "kanri", "管理", ADMIN_PASSWORD)
    create_user(result.db, "hyoka", "評価", ADMIN_PASSWORD, Role.EVALUATOR, admin_as("kanri"), staff_id=evaluator)
    create_user(result.db, "etsuran", "閲覧", ADMIN_PASSWORD, Role.VIEWER, admin_as("kanri"))
    result.db.close()
    return path


@pytest.mark.parametrize(("login", "command"), [
    ("hyoka", ["eligibility"]),
    ("hyoka", ["evaluations", "summary", "--project", "1"]),
    ("hyoka", ["export-staff", "OUT.csv"]),
    ("hyoka", ["settings", "set", "municipality_name", "乗っ取り町"]),
    ("hyoka", ["backup", "OUT.sqlite"]),
    ("hyoka", ["import-staff", "--dry-run", "OUT.csv"]),
    ("hyoka", ["user", "add", "intruder", "--role", "admin", "--password-stdin"]),
    ("etsuran", ["eligibility"]),
    ("etsuran", ["projects", "add", "勝手な計画", "--year", "2026"]),
    ("etsuran", ["user", "list"]),
    ("etsuran", ["revoke", "R5-0001", "--reason", "試験"]),
    ("etsuran", ["certifications", "import", "OUT.csv", "--dry-run"]),
    ("etsuran", ["training", "add", "勝手な研修", "--kind", "研修", "--date", "2025-06-01"]),
    ("hyoka", ["training", "list"]),
])
def test_cli_as_a_role_is_refused_with_exit_1(cli_register, tmp_path, login, command):
    command = [str(tmp_path / c) if c.startswith("OUT") else c for c in command]
    done = cli("--db", str(cli_register), "--as", login, *command, stdin=f"{ADMIN_PASSWORD}\nanother password 1\n")
    assert done.returncode == 1, done.stderr
    # the table's message, or the results' own refusal for evaluators (「評価結果を見ることはできません」)
    assert "この操作を行う権限がありません" in done.stderr or "見ることはできません" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not any(p.name.startswith("OUT") for p in tmp_path.iterdir())


def test_cli_as_runs_what_the_role_may_do_and_defaults_to_the_administrator(cli_register):
    viewer = cli("--db", str(cli_register), "--as", "etsuran", "evaluations", "summary", "--project", "1", "--json",
                 stdin=ADMIN_PASSWORD + "\n")
    assert viewer.returncode == 0, viewer.stderr
    assert cli("--db", str(cli_register), "eligibility").returncode == 0
    wrong = cli("--db", str(cli_register), "--as", "etsuran", "eligibility", stdin="not the password\n")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
