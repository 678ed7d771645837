"""The プロジェクト screen with pytest-qt on a real register: list and filters, project form, members
(picker, roles, CSV import), sessions with attendance, external raters, read-only access, and fit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from app.evaluation import project_list
from app.evaluation import projects
from app.evaluation import rubrics
from app.staff import directory
from app.staff import edit as staff_edit
from app.register.accounts import Role, User, create_user
from app.demo.projects import load_projects
from app.errors import UserError
from app.evaluation.project_list import ProjectFilter
from tests.fit_probe import run_probe
from tests.qt_helpers import collect_message_texts, show_widget, type_date, when_modal
from ui.evaluation.project_dialogs import (
    AddMemberDialog,
    ExistingExternalRaterDialog,
    MemberImportDialog,
    NewExternalRaterDialog,
    ProjectDialog,
    RoleDialog,
    SessionDialog,
)
from ui.evaluation.projects_page import ProjectsPage
from tests.conftest import ADMIN_USER, OFFICER

pytestmark = pytest.mark.gui
DEMO_TEAM = "保育所入所申請のオンライン化"  # the demo team still under way (not all ratings in)


@pytest.fixture
def teams_db(demo_db):
    load_projects(demo_db, "test")
    return demo_db


@pytest.fixture
def page(qtbot, teams_db, admin):
    widget = ProjectsPage(teams_db, admin)
    show_widget(qtbot, widget, 1100, 700)
    return widget


def _ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def _project_id(db, name: str) -> int:
    return next(r["id"] for r in projects.list_projects(db, ADMIN_USER) if r["name"] == name)


def _fresh_project(db, name: str = "窓口予約のオンライン化", year: int = 2026) -> int:
    return projects.create_project(db, projects.ProjectInput(name=name, fiscal_year=year, theme="窓口業務"), ADMIN_USER)


def _outsiders(db, project_id: int, n: int) -> list[directory.StaffRow]:
    """Current staff not on the project."""
    on = {m["staff_id"] for m in projects.members(db, ADMIN_USER, project_id)}
    return [r for r in directory.load_directory(db, ADMIN_USER) if r.status == "active" and r.id not in on][:n]


def _answer_yes() -> None:
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())


def _audit_count(db) -> int:
    return db.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def _select_member(page: ProjectsPage, staff_id: int) -> None:
    rows = [page.members_model.record_at(r)["staff_id"] for r in range(page.members_model.rowCount())]
    page.members_view.selectRow(rows.index(staff_id))


# -- the list, without and with widgets -------------------------------------------------------------

def test_project_list_filters_without_widgets(teams_db):
    _fresh_project(teams_db)
    rows = projects.list_projects(teams_db, ADMIN_USER)
    assert len(project_list.filter_projects(rows, ProjectFilter())) == 4
    assert len(project_list.filter_projects(rows, ProjectFilter(fiscal_year=2025))) == 3
    assert [r["name"] for r in project_list.filter_projects(rows, ProjectFilter(status="active"))] == [DEMO_TEAM]
    # name or theme, any width; every word must match
    assert len(project_list.filter_projects(rows, ProjectFilter(query="窓口"))) == 2
    assert len(project_list.filter_projects(rows, ProjectFilter(query="窓口　保育所"))) == 1
    assert len(project_list.filter_projects(rows, ProjectFilter(query="ＦＡＸ"))) == 0
    assert 2026 in project_list.fiscal_years(rows) and project_list.year_label(2025) == "令和7年度"
    team = next(r for r in rows if r["name"] == DEMO_TEAM)
    assert project_list.realisation_label(team["realisation"]) == "未決定"
    assert project_list.members_label(team).startswith("4 名")
    assert project_list.progress_label(team) == f"{team['submitted']}/{team['assignments']}"
    assert project_list.progress_label({"assignments": 0, "submitted": 0}) == "—"
    assert project_list.optional_number("１，２００", "h") == 1200.0
    assert project_list.optional_number(" ", "h") is None
    with pytest.raises(UserError, match="整数"):
        project_list.optional_number("2.5", "件数", integer=True)


def test_list_shows_wareki_and_filters(page, teams_db):
    _fresh_project(teams_db, year=2026)
    page.reload()
    assert page.model.rowCount() == 4
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert headers[:6] == ["プロジェクト名", "テーマ", "年度", "担当課", "状況", "実現度"]
    years = {page.model.index(r, 2).data() for r in range(page.model.rowCount())}
    assert years == {"令和7年度", "令和8年度"}
    page.year_filter.setCurrentIndex(page.year_filter.findData(2025))
    assert page.model.rowCount() == 3 and page.count_label.text() == "4 件中 3 件"
    page.status_filter.setCurrentIndex(page.status_filter.findData("active"))
    assert [r["name"] for r in page.visible_projects()] == [DEMO_TEAM]
    assert page.current_id == _project_id(teams_db, DEMO_TEAM)  # the only row is shown in the detail
    page.status_filter.setCurrentIndex(0)
    page.search.setText("電子決裁")
    assert [r["name"] for r in page.visible_projects()] == ["会計事務の電子決裁化"]
    page.search.setText("該当なし")
    assert page.model.rowCount() == 0 and not page.detail.isEnabled()
    assert page.title.text() == "プロジェクトを選んでください。"


# -- the project form ---------------------------------------------------------------------------------

def test_create_project_through_the_dialog(page, teams_db, qtbot):
    units = {label: uid for uid, label in staff_edit.org_units(teams_db)}
    unit_label = next(label for label in units if label.endswith("財政課"))
    seen = {}

    def fill(dialog) -> None:
        assert isinstance(dialog, ProjectDialog)
        assert dialog.template.currentText().endswith("（最新）")
        _ok(dialog)  # no name yet: refused inline, the dialog stays open
        seen["error"] = dialog.error_label.text()
        seen["open"] = dialog.isVisible()
        dialog.name.setText("ふるさと納税事務のRPA化")
        dialog.theme.setText("内部事務処理")
        dialog.fiscal_year.setCurrentIndex(dialog.fiscal_year.findData(2026))
        dialog.owner_unit.setCurrentIndex(dialog.owner_unit.findText(unit_label))
        type_date(qtbot, dialog.starts_on, "2026-05-01")
        assert not dialog.decided_on.isEnabled()
        _ok(dialog)

    when_modal(fill)
    page.new_project()
    assert seen == {"error": "プロジェクト名を入力してください。", "open": True}
    created = next(r for r in projects.list_projects(teams_db, ADMIN_USER) if r["name"] == "ふるさと納税事務のRPA化")
    assert created["fiscal_year"] == 2026 and created["owner_unit_id"] == units[unit_label]
    assert created["starts_on"] == "2026-05-01" and created["ends_on"] is None
    assert created["template_id"] == rubrics.latest_template_id(teams_db, rubrics.MOKA_PRESET.family)
    assert page.current_id == created["id"]
    assert page.overview_labels["fiscal_year"].text() == "令和8年度"
    assert page.overview_labels["period"].text() == "令和8年5月1日 〜"
    assert page.overview_labels["realisation"].text() == "未決定"


def test_edit_project_with_realisation_and_outcomes(page, teams_db, qtbot):
    project_id = _project_id(teams_db, DEMO_TEAM)
    page.select_project(project_id)
    changed = []
    page.projects_changed.connect(lambda: changed.append(True))
    seen = {}

    def edit(dialog) -> None:
        assert dialog.name.text() == DEMO_TEAM and dialog.realisation.currentData() is None
        dialog.realisation.setCurrentIndex(dialog.realisation.findData("trial"))
        assert dialog.decided_on.isEnabled() and dialog.decided_by.isEnabled()
        type_date(qtbot, dialog.decided_on, "令和8年3月12日")
        dialog.decided_by.setText("部長会議")
        dialog.status.setCurrentIndex(dialog.status.findData("completed"))
        dialog.hours_saved.setText("１２０")
        dialog.procedures_online.setText("三")
        _ok(dialog)
        seen["error"] = dialog.error_label.text()
        dialog.procedures_online.setText("2")
        dialog.systems_built.setText("")
        dialog.outcome_summary.setPlainText("入所申請をオンライン化した。")
        _ok(dialog)

    when_modal(edit)
    page.edit_project()
    assert seen["error"] == "オンライン化した手続数：整数を入力してください（不明なら空欄）。"
    row = projects.project(teams_db, project_id)
    assert (row["realisation"], row["realisation_decided_on"], row["realisation_decided_by"]) == (
        "trial", "2026-03-12", "部長会議")
    assert (row["hours_saved_per_year"], row["procedures_online"], row["systems_built"]) == (120.0, 2, None)
    assert row["status"] == "completed" and changed
    assert page.overview_labels["realisation"].text() == "試行"
    assert page.overview_labels["decided"].text() == "令和8年3月12日　部長会議"
    assert page.overview_labels["hours_saved"].text() == "120 時間"
    assert page.overview_labels["systems_built"].text() == "—"
    action = teams_db.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert action == "project.realisation"


def test_template_change_refused_once_rated(page, teams_db):
    newer = rubrics.save_template(teams_db, rubrics.MOKA_PRESET, ADMIN_USER)
    project_id = _project_id(teams_db, DEMO_TEAM)
    before = projects.project(teams_db, project_id)["template_id"]
    page.select_project(project_id)
    seen = {}

    def change(dialog) -> None:
        assert dialog.template.currentData() == before  # an existing project keeps its version
        dialog.template.setCurrentIndex(dialog.template.findData(newer))
        _ok(dialog)
        seen["error"], seen["open"] = dialog.error_label.text(), dialog.isVisible()
        dialog.reject()

    when_modal(change)
    page.edit_project()
    assert "テンプレートは変更できません" in seen["error"] and seen["open"]
    assert projects.project(teams_db, project_id)["template_id"] == before


# -- members ------------------------------------------------------------------------------------------

def test_add_member_through_the_picker_then_remove(page, teams_db):
    project_id = _fresh_project(teams_db)
    page.reload()
    page.select_project(project_id)
    person = _outsiders(teams_db, project_id, 1)[0]
    seen = {}

    def pick(dialog) -> None:
        assert isinstance(dialog, AddMemberDialog)
        _ok(dialog)
        seen["nothing chosen"] = dialog.error_label.text()
        dialog.search.setText(person.reading.split("\u3000")[0])  # family reading: several match
        seen["narrowed"] = dialog.model.rowCount()
        dialog.search.setText(person.staff_no)
        assert dialog.model.rowCount() == 1 and dialog.selected().id == person.id
        dialog.role.setCurrentIndex(dialog.role.findData("leader"))
        _ok(dialog)

    when_modal(pick)
    page.tabs.setCurrentIndex(1)
    page.add_member()
    assert seen["nothing chosen"] == "先に職員を選択してください。"
    assert 1 <= seen["narrowed"] < len(directory.load_directory(teams_db, ADMIN_USER))
    members = projects.members(teams_db, ADMIN_USER, project_id)
    assert [(m["staff_id"], m["role"]) for m in members] == [(person.id, "leader")]
    assert page.members_model.rowCount() == 1
    assert page.members_model.index(0, 4).data() == "リーダー"

    _select_member(page, person.id)
    _answer_yes()
    page.remove_member()
    assert projects.members(teams_db, ADMIN_USER, project_id) == [] and page.members_model.rowCount() == 0


def test_picker_leaves_out_members_and_retired_staff(qtbot, teams_db):
    project_id = _project_id(teams_db, DEMO_TEAM)
    on = {m["staff_id"] for m in projects.members(teams_db, ADMIN_USER, project_id)}
    dialog = AddMemberDialog(teams_db, project_id, ADMIN_USER)
    qtbot.addWidget(dialog)
    shown = {dialog.model.row_at(r).id for r in range(dialog.model.rowCount())}
    assert not shown & on
    assert all(dialog.model.row_at(r).status != "retired" for r in range(dialog.model.rowCount()))


def test_remove_refused_when_ratings_exist(page, teams_db):
    project_id = _project_id(teams_db, "会計事務の電子決裁化")
    page.select_project(project_id)
    rated = next(m for m in projects.members(teams_db, ADMIN_USER, project_id) if m["role"] == "leader")
    _select_member(page, rated["staff_id"])
    later: dict[str, list[str]] = {}

    def yes_then_collect(box) -> None:
        later["shown"] = collect_message_texts()  # the refusal that follows the question
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(yes_then_collect)
    page.remove_member()
    assert "外すことはできません" in later["shown"][0]
    assert rated["staff_id"] in {m["staff_id"] for m in projects.members(teams_db, ADMIN_USER, project_id)}


def test_change_role(page, teams_db):
    project_id = _project_id(teams_db, DEMO_TEAM)
    page.select_project(project_id)
    member = next(m for m in projects.members(teams_db, ADMIN_USER, project_id) if m["role"] == "member")
    _select_member(page, member["staff_id"])

    def choose(dialog) -> None:
        assert isinstance(dialog, RoleDialog) and dialog.chosen() == "member"
        dialog.role.setCurrentIndex(dialog.role.findData("proposer"))
        _ok(dialog)

    when_modal(choose)
    page.change_role()
    roles = {m["staff_id"]: m["role"] for m in projects.members(teams_db, ADMIN_USER, project_id)}
    assert roles[member["staff_id"]] == "proposer"


def _write_cp932(path: Path, rows: list[list[str]]) -> Path:
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode("cp932") + b"\r\n")
    return path


def test_import_members_from_cp932_csv(page, teams_db, tmp_path):
    project_id = _project_id(teams_db, DEMO_TEAM)
    page.select_project(project_id)
    newcomers = _outsiders(teams_db, project_id, 2)
    member = next(m for m in projects.members(teams_db, ADMIN_USER, project_id) if m["role"] == "member")
    kept = next(m for m in projects.members(teams_db, ADMIN_USER, project_id) if m["role"] == "leader")
    path = _write_cp932(tmp_path / "メンバー.csv", [
        ["職員番号", "役割"],
        [newcomers[0].staff_no, "リーダー"],
        [newcomers[1].staff_no, ""],
        [member["staff_no"], "提案者"],
        [kept["staff_no"], "リーダー"],
    ])
    seen = {}

    def check(dialog) -> None:
        assert isinstance(dialog, MemberImportDialog)
        seen["summary"] = dialog.summary.text()
        seen["adds"] = dialog.adds_model.rowCount()
        seen["enabled"] = dialog.import_button.isEnabled()
        dialog.import_button.click()

    when_modal(check)
    page.import_members(path)
    assert seen == {"summary": "追加 2 名・役割変更 1 名・変更なし 1 名・エラー 0 件", "adds": 2, "enabled": True}
    roles = {m["staff_id"]: m["role"] for m in projects.members(teams_db, ADMIN_USER, project_id)}
    assert roles[newcomers[0].id] == "leader" and roles[newcomers[1].id] == "member"
    assert roles[member["staff_id"]] == "proposer" and roles[kept["staff_id"]] == "leader"
    assert page.members_model.rowCount() == len(roles)


def test_import_with_errors_names_row_and_column_and_writes_nothing(page, teams_db, tmp_path):
    project_id = _project_id(teams_db, DEMO_TEAM)
    page.select_project(project_id)
    newcomer = _outsiders(teams_db, project_id, 1)[0]
    path = _write_cp932(tmp_path / "members.csv", [
        ["職員番号", "役割"],
        [newcomer.staff_no, "メンバー"],
        ["999999", "メンバー"],
        [newcomer.staff_no, "メンバー"],
        [_outsiders(teams_db, project_id, 2)[1].staff_no, "課長"],
    ])
    before_members, before_audit = projects.members(teams_db, ADMIN_USER, project_id), _audit_count(teams_db)
    seen = {}

    def check(dialog) -> None:
        seen["errors"] = [dialog.errors_model.index(r, 0).data() for r in range(dialog.errors_model.rowCount())]
        seen["tab"] = dialog.tabs.currentIndex()
        seen["enabled"] = dialog.import_button.isEnabled()
        seen["note"] = dialog.note.text()
        dialog.reject()

    when_modal(check)
    page.import_members(path)
    assert seen["tab"] == 2 and not seen["enabled"] and "何も書き込んでいません" in seen["note"]
    assert seen["errors"] == [
        "members.csv の 3 行目「職員番号」列：職員番号 999999 の在職者はいません。",
        f"members.csv の 4 行目「職員番号」列：{newcomer.staff_no} が重複しています（2 行目にもあります）。",
        "members.csv の 5 行目「役割」列：不明な役割「課長」です（提案者・リーダー・メンバー・オーナーのいずれか）。",
    ]
    assert projects.members(teams_db, ADMIN_USER, project_id) == before_members
    assert _audit_count(teams_db) == before_audit


def test_import_without_staff_number_column_is_refused(page, teams_db, tmp_path):
    page.select_project(_project_id(teams_db, DEMO_TEAM))
    path = _write_cp932(tmp_path / "names.csv", [["氏名", "役割"], ["山田 太郎", "メンバー"]])
    shown = collect_message_texts()
    page.import_members(path)
    assert "names.csv" in shown[0] and "職員番号" in shown[0]


# -- sessions ------------------------------------------------------------------------------------------

def test_add_session_with_attendance_edit_and_delete(page, teams_db, qtbot):
    project_id = _project_id(teams_db, DEMO_TEAM)
    page.select_project(project_id)
    page.tabs.setCurrentIndex(2)
    team = [m["staff_id"] for m in projects.members(teams_db, ADMIN_USER, project_id) if m["role"] != "owner"]
    count = len(projects.sessions(teams_db, ADMIN_USER, project_id))

    def fill(dialog) -> None:
        assert isinstance(dialog, SessionDialog) and dialog.attendance.count() == len(projects.members(teams_db, ADMIN_USER, project_id))
        type_date(qtbot, dialog.held_on, "2025-11-13")
        assert dialog.held_on.wareki.text() == "令和7年11月13日"
        dialog.title.setText("ワークショップ第6回")
        dialog.hours.setText("1.5")
        dialog.set_attending(set(team[:2]))
        _ok(dialog)

    when_modal(fill)
    page.add_session()
    added = projects.sessions(teams_db, ADMIN_USER, project_id)[-1]
    assert (added["title"], added["held_on"], added["hours"]) == ("ワークショップ第6回", "2025-11-13", 1.5)
    assert sorted(added["attendee_ids"]) == sorted(team[:2])
    assert page.sessions_model.rowCount() == count + 1
    last = page.sessions_model.rowCount() - 1
    assert page.sessions_model.index(last, 0).data() == "令和7年11月13日"
    assert page.sessions_model.index(last, 3).data() == "2"

    page.sessions_view.selectRow(last)

    def attendance(dialog) -> None:
        assert set(dialog.attendees()) == set(team[:2])
        dialog.set_attending(set(team))
        _ok(dialog)

    when_modal(attendance)
    page.edit_attendance()
    assert sorted(projects.sessions(teams_db, ADMIN_USER, project_id)[-1]["attendee_ids"]) == sorted(team)

    page.sessions_view.selectRow(page.sessions_model.rowCount() - 1)
    _answer_yes()
    page.remove_session()
    assert len(projects.sessions(teams_db, ADMIN_USER, project_id)) == count


def test_session_needs_a_title(qtbot, teams_db):
    dialog = SessionDialog(teams_db, _project_id(teams_db, DEMO_TEAM), ADMIN_USER)
    qtbot.addWidget(dialog)
    dialog.show()
    _ok(dialog)
    assert dialog.isVisible() and dialog.error_label.text() == "勉強会・ワークショップの名称を入力してください。"


# -- external raters -----------------------------------------------------------------------------------

def test_external_raters_register_add_existing_and_remove(page, teams_db):
    project_id = _fresh_project(teams_db)
    page.reload()
    page.select_project(project_id)
    page.tabs.setCurrentIndex(3)

    def register(dialog) -> None:
        assert isinstance(dialog, NewExternalRaterDialog)
        dialog.name.setText("宇都宮 花子")
        dialog.organisation.setText("宇都宮大学")
        _ok(dialog)

    when_modal(register)
    page.add_new_external()
    assert [(r["name"], r["organisation"]) for r in projects.external_raters(teams_db, project_id)] == [
        ("宇都宮 花子", "宇都宮大学")]

    def existing(dialog) -> None:
        assert isinstance(dialog, ExistingExternalRaterDialog)
        assert dialog.rater.count() == 1 and "とちぎデジタル支援" in dialog.rater.currentText()
        _ok(dialog)

    when_modal(existing)
    page.add_existing_external()
    names = [r["name"] for r in projects.external_raters(teams_db, project_id)]
    assert sorted(names) == sorted(["宇都宮 花子", "佐野 健一"]) and page.externals_model.rowCount() == 2

    shown = collect_message_texts()
    page.add_existing_external()  # nobody left to add
    assert "登録して追加" in shown[0]

    page.externals_view.selectRow(0)
    _answer_yes()
    page.remove_external()
    assert len(projects.external_raters(teams_db, project_id)) == 1


def test_rater_with_ratings_cannot_be_taken_off(page, teams_db):
    project_id = _project_id(teams_db, "会計事務の電子決裁化")
    page.select_project(project_id)
    page.externals_view.selectRow(0)
    later: dict[str, list[str]] = {}

    def yes_then_collect(box) -> None:
        later["shown"] = collect_message_texts()
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(yes_then_collect)
    page.remove_external()
    assert "評価" in later["shown"][0]
    assert len(projects.external_raters(teams_db, project_id)) == 1


# -- access ---------------------------------------------------------------------------------------------

def test_evaluators_are_not_offered_the_projects_screen(qtbot, teams_db, admin, tmp_path):
    """Evaluators see their own assignments only (issue 13): not the members of every project."""
    from ui.main_window import NAVIGATION, MainWindow, Session

    user = create_user(teams_db, "reader", "評価 者", "a long password", Role.EVALUATOR, OFFICER)
    window = MainWindow(Session(teams_db, tmp_path / "register.sqlite", user))
    qtbot.addWidget(window)
    row = [key for key, _title in NAVIGATION].index("projects")
    assert window.navigation.item(row).isHidden() and not window.page_offered(row)


def test_viewers_read_only(qtbot, teams_db, admin):
    user = create_user(teams_db, "reader", "閲覧 者", "a long password", Role.VIEWER, OFFICER)
    assert isinstance(user, User) and not user.is_admin
    widget = ProjectsPage(teams_db, user)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.model.rowCount() == 3
    widget.select_project(_project_id(teams_db, DEMO_TEAM))
    assert widget.members_model.rowCount() > 0 and widget.sessions_model.rowCount() == 5
    assert widget.overview_labels["name"].text() == DEMO_TEAM
    for bar in (widget.toolbar, widget.members_bar, widget.sessions_bar, widget.externals_bar):
        assert bar.isHidden()
    assert widget.overview_edit.isHidden()
    assert not [a for a in widget.actions_by_key.values() if a.isVisible() and a.parent().isVisibleTo(widget)]


def test_main_window_opens_the_projects_screen(window, qtbot):
    window.navigation.setCurrentRow(window.row_of("staff"))  # the window reopens on the screen last shown
    load_projects(window.session.db, "test")
    window.navigation.setCurrentRow(window.row_of("projects"))
    page = window.projects_page
    assert isinstance(page, ProjectsPage) and page.isVisible()
    assert page.model.rowCount() == 3 and page.current_id is not None
    _fresh_project(window.session.db)  # changed elsewhere: read again when the screen is shown again
    window.navigation.setCurrentRow(window.row_of("staff"))
    window.navigation.setCurrentRow(window.row_of("projects"))
    assert page.model.rowCount() == 4


# -- fit --------------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("scale", ["1", "1.5"])
def test_projects_screen_fits_1366x768(tmp_path, scale):
    """Every tab and dialog at 1366×768, at 100 % and 150 % (a fresh process so that the scale applies)."""
    shots = tmp_path / "shots"
    info = run_probe("projects", tmp_path / "fit.sqlite", shots, scale)
    width, height = info["available"]
    for name, part in info["parts"].items():
        (min_w, min_h), (shown_w, shown_h) = part["min"], part["size"]
        assert min_w <= width and min_h <= height, (name, part)
        assert shown_w <= width and shown_h <= height, (name, part)
        assert (shots / f"{name}-{int(float(scale) * 100)}.png").stat().st_size > 5_000


def test_the_missing_name_message_goes_once_a_name_is_typed(qtbot, demo_db, admin):
    """Issue 12 item 24: 「プロジェクト名を入力してください」 does not stay after the name is typed."""
    dialog = ProjectDialog(demo_db, admin)
    qtbot.addWidget(dialog)
    _ok(dialog)
    assert dialog.error_label.text() == "プロジェクト名を入力してください。"
    dialog.name.insert("窓口")  # as typed (keyClicks takes ASCII only)
    assert dialog.error_label.text() == ""
