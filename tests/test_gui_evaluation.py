"""The 評価 screen with pytest-qt on the demo teams: own evaluations, the rating form, assignments,
results, calibration, and that nobody sees more than their role allows."""

from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
)

from app.evaluation import summary
from app.evaluation import ratings
from app.evaluation import projects
from app.register.accounts import Role, User, create_user
from app.demo.projects import VENDOR, load_projects
from app.evaluation.ratings import Answer, Evaluator, Proposal
from tests.fit_probe import run_probe
from tests.qt_helpers import collect_message_texts, show_widget, when_modal
from ui.evaluation.assignment_dialogs import AddAssignmentDialog, ReopenDialog, SuggestionsDialog
from ui.evaluation.page import EvaluationPage
from ui.evaluation.tables import ATTENTION
from ui.evaluation.rating_form import RatingDialog
from tests.conftest import ADMIN_USER, OFFICER, admin_as

pytestmark = pytest.mark.gui
SECRET = "Bだけが書いた所見XYZ"


@pytest.fixture
def teams(demo_db, admin):
    load_projects(demo_db, "test")
    return demo_db


def _one(db, sql: str, params=()):
    return db.execute(sql, params).fetchone()[0]


@pytest.fixture
def raters(teams):
    """Two digital-department raters of the running team: A has work to do, B has a draft with a comment."""
    a_staff = _one(teams, """SELECT evaluator_staff_id FROM evaluation_assignments WHERE status = 'pending'
                             AND evaluator_kind = 'digital' ORDER BY id LIMIT 1""")
    b_assignment = _one(teams, """SELECT id FROM evaluation_assignments WHERE status = 'draft'
                                  AND evaluator_kind = 'digital' AND evaluator_staff_id != ? ORDER BY id LIMIT 1""",
                        [a_staff])
    b_staff = _one(teams, "SELECT evaluator_staff_id FROM evaluation_assignments WHERE id = ?", [b_assignment])
    a = create_user(teams, "hyoka_a", "評価 A", "correct horse 2", Role.EVALUATOR, OFFICER, staff_id=a_staff)
    b = create_user(teams, "hyoka_b", "評価 B", "correct horse 2", Role.EVALUATOR, OFFICER, staff_id=b_staff)
    form = ratings.open_form(teams, b, b_assignment)
    ratings.save_answers(teams, b, b_assignment, {form.criteria[0].id: Answer(5, SECRET)})
    return teams, a, b, b_assignment


def _page(qtbot, db, user: User) -> EvaluationPage:
    page = EvaluationPage(db, user)
    show_widget(qtbot, page, 1100, 700)  # reads the data
    return page


def _shown_texts(page: EvaluationPage) -> list[str]:
    """Every text a widget of the page shows: labels, editors, combo items, tabs and table cells."""
    texts: list[str] = []
    for label in page.findChildren(QLabel):
        texts.append(label.text())
    for edit in page.findChildren(QPlainTextEdit):
        texts.append(edit.toPlainText())
    for edit in page.findChildren(QLineEdit):
        texts.append(edit.text())
    for combo in page.findChildren(QComboBox):
        texts.extend(combo.itemText(i) for i in range(combo.count()))
    for tabs in page.findChildren(QTabWidget):
        texts.extend(tabs.tabText(i) for i in range(tabs.count()))
    for view in page.findChildren(QAbstractItemView):
        model = view.model()
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = model.index(row, column).data(role)
                    if value is not None:
                        texts.append(str(value))
    return texts


def _status(db, assignment_id: int) -> str:
    return _one(db, "SELECT status FROM evaluation_assignments WHERE id = ?", [assignment_id])


def _then(first, second):
    """Handle a modal dialog, then the one that follows it (a refusal after a confirmation)."""
    def run(widget) -> None:
        first(widget)
        when_modal(second)
    return run


def _answer_box(button_text: str):
    """A handler for a message box that clicks the button with this text."""
    def click(box) -> None:
        next(b for b in box.buttons() if b.text() == button_text).click()
    return click


# -- evaluators ------------------------------------------------------------------------------------

def test_evaluator_sees_only_own_assignments_and_never_another_raters_scores(qtbot, raters):
    db, a, b, b_assignment = raters
    page = _page(qtbot, db, a)
    own = {r[0] for r in db.execute("SELECT id FROM evaluation_assignments WHERE evaluator_staff_id = ?", [a.staff_id])}
    assert set(page.my_tab.assignment_ids()) == own and b_assignment not in own
    # Only the own tabs exist: no results, assignments or rater tendencies of others.
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["自分の評価", "自分の評価傾向"]
    assert page.results is None and page.assignments_tab is None and page.calibration is None
    assert not page.project_bar.isVisible()
    # Open every own assignment, including the one for the member B rated with the same perspective.
    for assignment_id in sorted(own):
        assert page.my_tab.open_assignment(assignment_id)
        assert all(SECRET not in text for text in _shown_texts(page))
    page.tabs.setCurrentIndex(1)
    assert all(line.evaluator_key == f"s{a.staff_id}" for line in page.own_calibration.lines)
    assert all(SECRET not in text for text in _shown_texts(page))
    # B's scores on the member both rate never reach A's form.
    same_member = _one(db, """SELECT a2.id FROM evaluation_assignments a1 JOIN evaluation_assignments a2
                              ON a2.target_staff_id = a1.target_staff_id AND a2.perspective_id = a1.perspective_id
                              WHERE a1.id = ? AND a2.evaluator_staff_id = ?""", [b_assignment, a.staff_id])
    page.tabs.setCurrentIndex(0)
    page.my_tab.open_assignment(same_member)
    assert all(box.score is None for box in page.my_tab.form.boxes.values())


def test_evaluator_rates_saves_a_draft_and_submits(qtbot, raters):
    db, a, _b, _ = raters
    page = _page(qtbot, db, a)
    pending = next(r["id"] for r in ratings.my_assignments(db, a) if r["status"] == "pending")
    tab = page.my_tab
    assert tab.open_assignment(pending)
    form = tab.form
    criteria = ratings.open_form(db, a, pending).criteria
    first = criteria[0]
    assert form.editable and not form.is_dirty()
    # Every anchor is listed while rating; the chosen one is highlighted.
    box = form.boxes[first.id]
    assert [row.label.text() for row in box.rows.values()] == [first.descriptors[s] for s in reversed(first.scores)]
    qtbot.mouseClick(box.rows[4].radio, Qt.MouseButton.LeftButton)
    assert form.chosen_descriptor(first.id) == first.descriptors[4]
    assert box.rows[4].label.isVisible() and box.rows[4].label.font().bold()
    assert not box.rows[3].label.font().bold()
    form.set_comment(first.id, "=業務フローを自分で整理した")
    assert form.is_dirty() and "未保存" in form.progress.text()
    form.save_button.click()
    assert _status(db, pending) == "draft" and not form.is_dirty()
    assert db.execute("SELECT score, comment FROM evaluation_scores WHERE assignment_id = ? AND criterion_id = ?",
                      [pending, first.id]).fetchone() == (4, "=業務フローを自分で整理した")
    # Submitting with a criterion left open is refused before any question.
    shown = collect_message_texts()
    form.submit_button.click()
    assert "評点" in shown[0] and _status(db, pending) == "draft"
    for criterion in criteria[1:]:
        form.set_score(criterion.id, 2)
    when_modal(lambda box: box.button(QMessageBox.StandardButton.No).click())
    form.submit_button.click()
    assert _status(db, pending) == "draft"
    confirmation: list[str] = []

    def yes(box) -> None:
        confirmation.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(yes)
    form.submit_button.click()
    assert "変更できなくなります" in confirmation[0]
    assert _status(db, pending) == "submitted"
    assert dict(db.execute("SELECT criterion_id, score FROM evaluation_scores WHERE assignment_id = ?", [pending])) == {
        first.id: 4, **{c.id: 2 for c in criteria[1:]}}
    # The form is read-only now and says who can reopen it; the list shows the new state.
    assert not form.editable
    assert not form.save_button.isEnabled() and not form.submit_button.isEnabled()
    assert all(not row.radio.isEnabled() for b in form.boxes.values() for row in b.rows.values())
    assert all(b.comment.isReadOnly() for b in form.boxes.values())
    assert form.note.isVisible() and "差し戻し" in form.note.text()
    assert form.chosen_descriptor(first.id) == first.descriptors[4]
    row = tab.assignment_ids().index(pending)
    assert tab.model.index(row, 2).data() == "提出済み"


def test_unsaved_changes_are_not_lost_when_switching(qtbot, raters):
    db, a, _b, _ = raters
    page = _page(qtbot, db, a)
    tab = page.my_tab
    first, second = [r["id"] for r in ratings.my_assignments(db, a) if r["status"] != "submitted"][:2]
    tab.open_assignment(first)
    criterion = next(iter(tab.form.boxes))
    tab.form.set_score(criterion, 3)
    asked: list[str] = []

    def stay(box) -> None:
        asked.append(box.text())
        _answer_box("このまま続ける")(box)

    when_modal(stay)
    tab.view.selectRow(tab.assignment_ids().index(second))
    assert asked and "保存していない変更" in asked[0]
    assert tab.form.assignment_id == first and tab.form.is_dirty()
    assert tab.view.selectionModel().selectedRows()[0].row() == tab.assignment_ids().index(first)
    when_modal(_answer_box("下書き保存"))
    tab.view.selectRow(tab.assignment_ids().index(second))
    assert tab.form.assignment_id == second
    assert db.execute("SELECT score FROM evaluation_scores WHERE assignment_id = ? AND criterion_id = ?",
                      [first, criterion]).fetchone() == (3,)
    # Discarding leaves the database as it was.
    other = next(iter(tab.form.boxes))
    tab.form.set_score(other, 1)
    when_modal(_answer_box("変更を破棄"))
    tab.view.selectRow(tab.assignment_ids().index(first))
    assert tab.form.assignment_id == first
    assert db.execute("SELECT score FROM evaluation_scores WHERE assignment_id = ? AND criterion_id = ?",
                      [second, other]).fetchone() in (None, (None,))


def test_account_without_staff_link_is_told_why_nothing_is_listed(qtbot, teams):
    user = create_user(teams, "nolink", "未連携", "correct horse 2", Role.EVALUATOR, OFFICER)
    page = _page(qtbot, teams, user)
    note = page.findChild(QLabel, "notLinked")
    assert note is not None and "関連付け" in note.text()


def test_own_tendency_is_explained_in_plain_japanese(qtbot, raters):
    db, a, _b, _ = raters
    page = _page(qtbot, db, a)
    view = page.own_calibration
    assert view.lines and {line.evaluator_key for line in view.lines} == {f"s{a.staff_id}"}
    text = "\n".join(view.texts())
    assert "人を評価し" in text and "あなたの平均点" in text
    assert "評価者全員の平均" in text or "評価者全員が提出し" in text


# -- administrator -----------------------------------------------------------------------------------

def _admin_page(qtbot, window, project_id: int | None = None) -> EvaluationPage:
    window.navigation.setCurrentRow(window.row_of("evaluations"))
    page = window.evaluation_page
    assert window.pages.currentWidget().findChild(EvaluationPage) is page
    if project_id is not None:
        page.set_project(project_id)
    return page


def test_admin_reopens_a_submitted_evaluation_with_a_reason(qtbot, teams, window):
    page = _admin_page(qtbot, window, 1)
    tab = page.assignments_tab
    assert tab.model.rowCount() == _one(teams, "SELECT count(*) FROM evaluation_assignments WHERE project_id = 1")
    target = tab.model.record_at(0)
    assert target["status"] == "submitted"
    tab.select_assignment(target["id"])
    attempts: list[str] = []

    def fill(dialog) -> None:
        assert isinstance(dialog, ReopenDialog)
        # Viewers see this result: the administrator is told what reopening may reveal.
        assert dialog.published_warning.isVisibleTo(dialog) and "閲覧者" in dialog.published_warning.text()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # no reason yet: refused
        attempts.append(dialog.error_label.text())
        dialog.reason.setText("別の職員の評点を誤って入力したため")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(fill)
    tab.actions_by_key["reopen"].trigger()
    assert "理由" in attempts[0]
    assert _status(teams, target["id"]) == "draft"
    entry = next(teams.query("SELECT * FROM audit_log WHERE action = 'evaluation.reopen' ORDER BY id DESC LIMIT 1"))
    assert entry["actor"] == "admin" and entry["entity_id"] == str(target["id"])
    assert json.loads(entry["after_json"])["reason"] == "別の職員の評点を誤って入力したため"
    assert any(r["id"] == target["id"] and r["status"] == "draft"
               for r in (tab.model.record_at(i) for i in range(tab.model.rowCount())))


def test_admin_applies_chosen_suggestions_for_a_fresh_project(qtbot, teams, window):
    project_id = projects.create_project(teams, projects.ProjectInput(name="窓口キャッシュレス化", fiscal_year=2026), admin_as("admin"))
    busy = {r[0] for r in teams.execute("SELECT staff_id FROM project_members")}
    people = [r[0] for r in teams.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id") if r[0] not in busy]
    for staff_id, role in zip(people[:4], ("proposer", "leader", "member", "owner")):
        projects.add_member(teams, project_id, staff_id, role, admin_as("admin"))
    vendor = _one(teams, "SELECT id FROM external_raters WHERE name = ?", [VENDOR[0]])
    projects.attach_external_rater(teams, project_id, vendor, admin_as("admin"))
    page = _admin_page(qtbot, window)
    page.reload()  # the project was created after the screen was first shown
    page.set_project(project_id)
    tab = page.assignments_tab
    assert tab.model.rowCount() == 0
    expected = ratings.suggest_assignments(teams, ADMIN_USER, project_id)
    left_out: list = []

    def choose(dialog) -> None:
        assert isinstance(dialog, SuggestionsDialog)
        assert dialog.table.rowCount() == len(expected)
        dialog.set_checked(0, False)
        left_out.append(dialog.proposals[0])
        assert f"{len(expected)}件中 {len(expected) - 1}件" in dialog.count_label.text()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(choose)
    tab.actions_by_key["suggest"].trigger()
    assert tab.model.rowCount() == len(expected) - 1
    assert ratings.suggest_assignments(teams, ADMIN_USER, project_id) == left_out
    assert _one(teams, "SELECT count(*) FROM audit_log WHERE action = 'evaluation.assign'") >= len(expected) - 1


def test_suggestions_that_would_move_a_published_result_are_unticked(qtbot, teams, admin):
    """Adding a rater to a result viewers already see would let them work out the new rating from the change."""
    leader = _one(teams, "SELECT staff_id FROM project_members WHERE project_id = 1 AND role = 'leader'")
    ict = _one(teams, """SELECT p.id FROM template_perspectives p JOIN projects pr ON pr.template_id = p.template_id
                         WHERE pr.id = 1 AND p.code = 'ict'""")
    outsider = _one(teams, """SELECT id FROM staff WHERE status = 'active' AND id NOT IN
                              (SELECT evaluator_staff_id FROM evaluation_assignments WHERE evaluator_staff_id IS NOT NULL)
                              AND id NOT IN (SELECT staff_id FROM project_members) ORDER BY id LIMIT 1""")
    late = Proposal(leader, ict, Evaluator(staff_id=outsider), "digital")
    dialog = SuggestionsDialog(teams, admin, 1, [late])
    qtbot.addWidget(dialog)
    assert dialog.chosen() == []
    assert dialog.notes_label.isVisibleTo(dialog) and "閲覧者" in dialog.notes_label.text()
    fresh = AddAssignmentDialog(teams, admin, 3)  # the running team: nothing of it published for that pair yet
    qtbot.addWidget(fresh)
    pairs = summary.published_groups(teams, admin, 3)
    shown = (fresh.member.currentData(), fresh.perspective.currentData()) in pairs
    assert fresh.published_warning.isVisibleTo(fresh) == shown


def test_admin_adds_an_external_rater_and_cannot_remove_a_submitted_assignment(qtbot, teams, window):
    page = _admin_page(qtbot, window, 1)
    tab = page.assignments_tab
    before = tab.model.rowCount()
    leader = _one(teams, "SELECT staff_id FROM project_members WHERE project_id = 1 AND role = 'leader'")
    vendor2 = projects.create_external_rater(teams, "山本 美香", "うつのみやシステム株式会社", admin_as("admin"))
    projects.attach_external_rater(teams, 1, vendor2, admin_as("admin"))

    def fill(dialog) -> None:
        assert isinstance(dialog, AddAssignmentDialog)
        dialog.member.setCurrentIndex(dialog.member.findData(leader))
        dialog.perspective.setCurrentIndex(dialog.perspective.findText("ICT"))
        dialog.is_external.setChecked(True)
        dialog.external.setCurrentIndex(dialog.external.findData(vendor2))
        assert dialog.kind.currentData() == "external"
        assert dialog.published_warning.isVisibleTo(dialog)  # the finished project's results are published
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(fill)
    tab.actions_by_key["add"].trigger()
    assert tab.model.rowCount() == before + 1
    added = next(teams.query("SELECT * FROM evaluation_assignments WHERE evaluator_external_id = ?", [vendor2]))
    assert added["target_staff_id"] == leader and added["status"] == "pending"
    # A submitted one is refused by the service, and the message says what to do.
    submitted = next(tab.model.record_at(i) for i in range(tab.model.rowCount())
                     if tab.model.record_at(i)["status"] == "submitted")
    tab.select_assignment(submitted["id"])
    refusal: list[str] = []

    def keep_text(box) -> None:
        refusal.append(box.text())
        box.done(0)

    when_modal(_then(lambda box: box.button(QMessageBox.StandardButton.Yes).click(), keep_text))
    tab.actions_by_key["remove"].trigger()
    assert "差し戻して" in refusal[0]
    assert _status(teams, submitted["id"]) == "submitted"
    # The pending one goes.
    tab.select_assignment(added["id"])
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    tab.actions_by_key["remove"].trigger()
    assert tab.model.rowCount() == before
    assert _one(teams, "SELECT count(*) FROM evaluation_assignments WHERE id = ?", [added["id"]]) == 0



def test_admin_enters_a_paper_form_on_the_evaluators_behalf(qtbot, teams, window):
    page = _admin_page(qtbot, window, 3)
    tab = page.assignments_tab
    pending = next(tab.model.record_at(i) for i in range(tab.model.rowCount())
                   if tab.model.record_at(i)["status"] == "pending" and tab.model.record_at(i)["evaluator_kind"] == "external")
    tab.select_assignment(pending["id"])

    def enter(dialog) -> None:
        assert isinstance(dialog, RatingDialog)
        form = dialog.form
        assert "代理入力" in form.note.text() and pending["evaluator"] in form.note.text()
        for criterion_id in form.boxes:
            form.set_score(criterion_id, 3)
        when_modal(_then(lambda box: box.button(QMessageBox.StandardButton.Yes).click(), lambda d: d.reject()))
        form.submit_button.click()

    when_modal(enter)
    tab.actions_by_key["enter"].trigger()
    assert _status(teams, pending["id"]) == "submitted"
    entry = next(teams.query("SELECT * FROM audit_log WHERE action = 'evaluation.submit' ORDER BY id DESC LIMIT 1"))
    assert entry["actor"] == "admin" and json.loads(entry["after_json"])["source"] == "paper"
    assert any(tab.model.record_at(i)["id"] == pending["id"] and tab.model.record_at(i)["status"] == "submitted"
               for i in range(tab.model.rowCount()))


@pytest.mark.parametrize("status", ["pending", "submitted"])
def test_paper_form_dialog_shows_every_criterion_once_opened(qtbot, teams, window, status):
    """The administrator's 評価票 was blank: each box was hidden because the form was not yet shown."""
    page = _admin_page(qtbot, window, 1 if status == "submitted" else 3)
    tab = page.assignments_tab
    target = next(tab.model.record_at(i) for i in range(tab.model.rowCount())
                  if tab.model.record_at(i)["status"] == status)
    tab.select_assignment(target["id"])
    seen: dict = {}

    def look(dialog) -> None:
        assert isinstance(dialog, RatingDialog)
        form = dialog.form
        seen["total"] = len(form.boxes)
        seen["visible"] = [box.isVisible() for box in form.boxes.values()]
        seen["anchors"] = all(row.label.isVisible() for box in form.boxes.values() for row in box.rows.values())
        seen["scored"] = sum(1 for box in form.boxes.values() if box.score is not None)
        seen["progress"] = form.progress.text()
        dialog.reject()

    when_modal(look)
    tab.actions_by_key["enter"].trigger()
    assert seen["total"] >= 3 and all(seen["visible"]) and seen["anchors"], seen
    expected = seen["total"] if status == "submitted" else 0
    assert seen["scored"] == expected and seen["progress"].startswith(f"{seen['total']}項目中 {expected}項目"), seen


def test_results_show_not_enough_raters_with_the_rule_named(qtbot, teams, window):
    page = _admin_page(qtbot, window, 3)
    page.tabs.setCurrentWidget(page.results)
    results = page.results
    assert "平均" in results.rule.text() and "評価者数不足" in results.rule.text()
    rows = [results.model.record_at(i) for i in range(results.model.rowCount())]
    short = [r for r in rows if r["value"] is None]
    assert short and all(r["display"] == "評価者数不足" and r["raters"] < r["min_raters"] for r in short)
    index = rows.index(short[0])
    assert results.model.index(index, 3).data() == "評価者数不足"
    assert results.model.index(index, 4).data() == f"{short[0]['raters']}人（最低{short[0]['min_raters']}人）"
    assert results.model.index(index, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    # A rater alone below the minimum: no 最低, 最高 or ばらつき either (they would be that rater's score).
    lone = [rows.index(r) for r in short if r["raters"] >= 1]
    assert lone and all(results.model.index(i, column).data() == "—" for i in lone for column in (6, 7, 8))
    # Beside each figure, what viewers are shown (nothing before every assigned rater is in).
    assert results.model.headerData(5, Qt.Orientation.Horizontal) == "閲覧者への表示"
    assert all(results.model.index(i, 5).data() == r["public_display"] for i, r in enumerate(rows))
    assert all(r["public_display"] in ("評価者数不足", "未提出の評価あり") for r in short)
    # The administrator sees the spread between raters; individual scores only after the toggle.
    assert results.model.columnCount() == 9
    assert results.individual_model.rowCount() == 0 and not results.individual_box.isVisible()
    results.show_individual.setChecked(True)
    assert results.individual_box.isVisible()
    assert results.individual_model.rowCount() == len(ratings.individual_ratings(teams, window.session.user, 3))
    results.show_individual.setChecked(False)
    assert results.individual_model.rowCount() == 0


def test_calibration_flags_the_demo_vendor_as_giving_everyone_the_same_score(qtbot, teams, window):
    page = _admin_page(qtbot, window, 1)
    page.tabs.setCurrentWidget(page.calibration)
    model = page.calibration.model
    rows = {model.index(i, 0).data(): i for i in range(model.rowCount())}
    vendor_row = rows[f"{VENDOR[0]}（外部）"]
    assert model.index(vendor_row, 7).data() == "全員に同じ評点"
    assert model.index(vendor_row, 7).data(Qt.ItemDataRole.BackgroundRole) == ATTENTION
    assert model.index(vendor_row, 4).data() == "0.00"
    unflagged = next(i for i in range(model.rowCount()) if not model.index(i, 7).data())
    assert model.index(unflagged, 7).data(Qt.ItemDataRole.BackgroundRole) is None
    total = model.rowCount()
    page.calibration.project_only.setChecked(True)
    assert 0 < model.rowCount() <= total


def test_viewer_sees_results_only_and_no_individual_ratings(qtbot, teams, admin):
    viewer = create_user(teams, "etsuran", "閲覧 者", "correct horse 2", Role.VIEWER, OFFICER)
    page = _page(qtbot, teams, viewer)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["集計結果"]
    assert page.my_tab is None and page.assignments_tab is None and page.calibration is None
    page.set_project(3)
    results = page.results
    assert results.model.rowCount() > 0 and results.model.columnCount() == 4
    assert "未提出の評価あり" in results.rule.text()
    # The publication rule: no rater count, a figure only for sealed groups, to one decimal.
    rows = [results.model.record_at(i) for i in range(results.model.rowCount())]
    assert all(r["raters"] is None for r in rows)
    published = {(r.target_staff_id, r.perspective_id): r.public_value
                 for r in summary.summary(teams, admin, 3)}
    for r in rows:
        assert r["display"] in ("評価者数不足", "未提出の評価あり") or re.fullmatch(r"\d\.\d", r["display"]), r
    assert {r["display"] for r in rows} >= {"未提出の評価あり"}
    assert sorted(r["value"] for r in rows if r["value"] is not None) == sorted(
        v for v in published.values() if v is not None)
    assert not results.show_individual.isVisible()
    results.show_individual.setChecked(True)  # even if forced, nothing is read
    assert results.individual_model.rowCount() == 0 and not results.individual_box.isVisible()
    comments = {r[0] for r in teams.execute("SELECT comment FROM evaluation_scores WHERE comment != ''")}
    evaluators = {r[0] for r in teams.execute(
        "SELECT family_name || ' ' || given_name FROM staff WHERE id IN (SELECT evaluator_staff_id FROM evaluation_assignments)"
        " AND id NOT IN (SELECT staff_id FROM project_members WHERE project_id = 3)")}
    shown = set(_shown_texts(page))
    assert not shown & comments and not shown & evaluators


def test_main_window_shows_the_evaluation_screen(qtbot, teams, window):
    window.navigation.setCurrentRow(window.row_of("evaluations"))
    page = window.pages.currentWidget().findChild(EvaluationPage)
    assert isinstance(page, EvaluationPage)
    assert page.project.count() == 3
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["評価者の割当", "集計結果", "評価者の傾向"]
    assert page.toolbar.objectName() == "evaluationToolbar"  # the Excel sheet buttons go here


@pytest.mark.parametrize("scale", ["1", "1.5"])
def test_evaluation_screen_fits_1366x768(tmp_path, scale):
    """Every tab and the paper-form dialog at 1366×768 and at 150 % (a fresh process, so QT_SCALE_FACTOR applies)."""
    info = run_probe("evaluation", tmp_path / "fit.sqlite", tmp_path, scale)
    logical_w, logical_h = 1366 / float(scale), 768 / float(scale) - 40  # 40: taskbar
    assert info["window"]["min"][0] <= logical_w and info["window"]["min"][1] <= logical_h, info
    dialog = info["parts"].pop("rating-dialog")
    # The page gets the window less the navigation (≤ 220), menu, status bar, project bar and tab bar (≈ 150).
    for name, part in info["parts"].items():
        width, height = part["min"]
        assert width <= logical_w - 220 and height <= logical_h - 150, (name, info)
    # The rating dialog can shrink to the screen and opens at most 90 % of it (the offscreen screen is 800×800).
    assert dialog["min"][0] <= logical_w and dialog["min"][1] <= logical_h, info
    assert all(size <= 0.9 * screen + 1 for size, screen in zip(dialog["size"], dialog["screen"])), info
    shots = sorted(tmp_path.glob("*.png"))
    assert len(shots) == 6 and all(p.stat().st_size > 10_000 for p in shots)


def test_closing_the_window_with_unsaved_ratings_asks_first(qtbot, raters, db_path):
    from ui.main_window import MainWindow, Session

    db, a, _b, _ = raters
    window = MainWindow(Session(db, db_path, a))
    qtbot.addWidget(window)
    window.show()
    window.navigation.setCurrentRow(window.row_of("evaluations"))  # 評価
    tab = window.evaluation_page.my_tab
    first = next(r["id"] for r in ratings.my_assignments(db, a) if r["status"] != "submitted")
    tab.open_assignment(first)
    criterion = next(iter(tab.form.boxes))
    tab.form.set_score(criterion, 4)
    when_modal(_answer_box("このまま続ける"))
    assert not window.close() and window.isVisible()
    when_modal(_answer_box("下書き保存"))
    assert window.close()
    assert db.execute("SELECT score FROM evaluation_scores WHERE assignment_id = ? AND criterion_id = ?",
                      [first, criterion]).fetchone() == (4,)


def test_excel_sheets_are_reachable_from_the_evaluation_screen(qtbot, teams, admin):
    page = _page(qtbot, teams, admin)
    titles: list[str] = []

    def close(dialog) -> None:
        titles.append(dialog.windowTitle())
        if hasattr(dialog, "project_box"):
            titles.append(dialog.project_box.currentText())
        dialog.reject()

    when_modal(close)
    page.export_sheets_action.trigger()
    when_modal(close)
    page.import_sheets_action.trigger()
    assert titles[0] == "評価シートの出力" and titles[1] == page.project.currentText()
    assert titles[1].startswith("令和7年度")
    assert titles[2] == "評価シートの取り込み"


def test_suggestions_say_when_the_digital_department_is_closed(qtbot, teams, window):
    """Issue 12 item 8: a setting left on a closed section is said on the suggestion screen, not 0 ICT raters silently."""
    from datetime import date

    from app.staff import organisation
    from app.register import settings

    project_id = projects.create_project(teams, projects.ProjectInput(name="電子申請の拡充", fiscal_year=2026), admin_as("admin"))
    busy = {r[0] for r in teams.execute("SELECT staff_id FROM project_members")}
    people = [r[0] for r in teams.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id") if r[0] not in busy]
    for staff_id, role in zip(people[:3], ("proposer", "member", "owner")):
        projects.add_member(teams, project_id, staff_id, role, admin_as("admin"))
    department = _one(teams, "SELECT id FROM org_units WHERE kind = 'department' ORDER BY id LIMIT 1")
    old = organisation.create_unit(teams, department, "旧電算室", date(2001, 4, 1), admin_as("admin"))
    organisation.abolish_unit(teams, old, date(2002, 4, 1), admin_as("admin"))  # closed long ago, whatever today is
    settings.set_value(teams, "digital_section_id", old, admin_as("admin"))
    page = _admin_page(qtbot, window)
    page.reload()
    page.set_project(project_id)
    seen: dict[str, str] = {}

    def look(dialog) -> None:
        assert isinstance(dialog, SuggestionsDialog)
        seen["notes"] = dialog.notes_label.text() if dialog.notes_label.isVisibleTo(dialog) else ""
        dialog.reject()

    when_modal(look)
    page.assignments_tab.suggest()
    assert "旧電算室" in seen["notes"] and "2002-03-31 で廃止" in seen["notes"]
    assert "ICT" in seen["notes"] and "見つかりません" in seen["notes"]
