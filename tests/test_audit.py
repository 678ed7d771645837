"""The audit log read as Japanese sentences (設定 → 操作記録): people, projects and units by name, never JSON."""

from __future__ import annotations

import re
from datetime import date

from app.overview import audit_log
from app import audit
from app.certification import decisions
from app.evaluation import ratings
from app.register import settings
from app.staff import edit
from app.register.accounts import Role, User, create_user
from app.db import transaction
from app.demo.projects import load_certification_history, load_projects
from app.evaluation.ratings import Answer
from tests.conftest import ADMIN_USER, OFFICER, admin_as


def _newest(db, action: str) -> str:
    entry = next(db.query("SELECT * FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1", [action]))
    return audit_log.describe(db, [entry])[0]


def _staff(db, staff_id: int) -> str:
    return db.execute("SELECT family_name || ' ' || given_name FROM staff WHERE id = ?", [staff_id]).fetchone()[0]


def test_each_entry_is_a_sentence_that_names_people_by_name(demo_db, admin):
    db = demo_db
    load_projects(db, "admin")
    load_certification_history(db, "admin")
    # An evaluator assignment logs {"evaluator": "s19", "kind": "digital", ...}: the sentence names them.
    row = next(db.query("SELECT a.* FROM evaluation_assignments a JOIN audit_log l ON l.entity_id = CAST(a.id AS TEXT) "
                        "AND l.action = 'evaluation.assign' WHERE a.evaluator_kind = 'digital' LIMIT 1"))
    entry = next(db.query("SELECT * FROM audit_log WHERE action = 'evaluation.assign' AND entity_id = ?",
                          [str(row["id"])]))
    sentence = audit_log.describe(db, [entry])[0]
    project = db.execute("SELECT name FROM projects WHERE id = ?", [row["project_id"]]).fetchone()[0]
    assert sentence == (f"{project} で {_staff(db, row['target_staff_id'])} の評価者に "
                        f"{_staff(db, row['evaluator_staff_id'])}（デジタル部門）を割り当てました。")

    kacho = create_user(db, "kacho", "総務 課長", "correct horse 2", Role.EVALUATOR, OFFICER,
                        staff_id=row["evaluator_staff_id"])
    assert _newest(db, "user.create") == (f"アカウント kacho（評価者）を作成しました。"
                                          f"職員 {_staff(db, kacho.staff_id)} のアカウントです。")
    settings.set_value(db, "municipality_name", "真岡市", admin_as("admin"))
    assert _newest(db, "setting.change") == "「自治体名」を変更しました：（空） → 真岡市。"

    person, seat = edit.person(db, ADMIN_USER, row["target_staff_id"])
    other_unit = next(u for u, _label in edit.org_units(db) if u != seat["unit_id"])
    edit.update_person(db, person["id"], edit.PersonInput(
        person["staff_no"], person["family_name"], person["given_name"], person["family_reading"],
        person["given_reading"], None, other_unit, seat["position_id"]), admin_as("admin"), transfer_on=date(2027, 4, 1))
    moved = _newest(db, "staff.transfer")
    assert moved.startswith(f"{_staff(db, person['id'])} を ") and "令和9年4月1日付け" in moved, moved

    officer = User(admin.id, "admin", "管理 者", Role.ADMIN)
    number = db.execute("SELECT certificate_no FROM certifications WHERE status = 'active' LIMIT 1").fetchone()[0]
    decisions.reissue(db, officer, number, "紛失", date(2026, 5, 1))
    assert "を再交付しました（1 回目）：紛失。" in _newest(db, "certification.reissue")

    paper = next(db.query("SELECT id FROM evaluation_assignments WHERE status = 'pending' LIMIT 1"))["id"]
    form = ratings.open_form(db, officer, paper)
    ratings.save_answers(db, officer, paper, {c.id: Answer(3, "") for c in form.criteria}, submit=True,
                             source="paper")
    assert _newest(db, "evaluation.submit").endswith("を提出しました。紙の評価票からの代理入力です。")

    entries = audit_log.recent(db, ADMIN_USER, limit=10_000)
    for entry, sentence in zip(entries, audit_log.describe(db, entries)):
        assert "{" not in sentence and "_id" not in sentence, (entry, sentence)
        assert not re.search(r"\b[se]\d+\b", sentence), (entry, sentence)  # evaluator keys are names
        assert sentence.endswith("。"), (entry, sentence)


def test_an_action_without_a_sentence_still_shows_its_details(db):
    with transaction(db):
        audit.record(db, "admin", "future.action", after={"count": 3})
    assert _newest(db, "future.action") == "future.action（count: 3）"
