"""The person card's service and the employment status set by hand (休職・退職・在職), with the CLI.

Real register files: the demo town with its teams, ratings and certification history, a
certificate written and reprinted, a certification revoked.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.certification import certificates
from app.certification import decisions
from app.certification import eligibility
from app.evaluation import summary
from app.overview import person_card
from app.certification import schemes
from app.staff import directory
from app.staff import edit
from app.staff import importer
from app.register.accounts import Role, User
from app.demo.town import set_demo_municipality
from app.demo.projects import load_certification_history, load_projects
from app.errors import PermissionDenied, UserError
from app.evaluation.ratings import _current_staff_of_section
from tests.conftest import ADMIN_USER
from tests.test_cli import cli
from tests.test_staff_import import write_csv

VIEWER = User(91, "etsuran", "閲覧 一子", Role.VIEWER)
EVALUATOR = User(92, "hyoka", "評価 二郎", Role.EVALUATOR)


@pytest.fixture
def town(demo_db, tmp_path):
    """The demo town with its teams and certification history; the first team's proposer has a
    certificate printed twice and a revoked expert level, so that every tab has something to show."""
    load_projects(demo_db, "test")
    load_certification_history(demo_db, "test")
    set_demo_municipality(demo_db, "test")
    return demo_db


def proposer(db) -> int:
    """A person on a rated team who holds a certification (the demo's first proposer)."""
    return db.execute("SELECT staff_id FROM project_members WHERE role = 'proposer' ORDER BY project_id").fetchone()[0]


def staff_no(db, staff_id: int) -> str:
    return db.execute("SELECT staff_no FROM staff WHERE id = ?", [staff_id]).fetchone()[0]


def status_on(db, staff_id: int, day: date, user: User = ADMIN_USER) -> str:
    return directory.load_directory(db, user, day, staff_id)[0].status


def audit_rows(db, staff_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM audit_log WHERE action = 'staff.status' AND entity_id = ? ORDER BY id",
                         [str(staff_id)]))


def snapshot(db) -> tuple:
    return (list(db.query("SELECT * FROM staff ORDER BY id")), list(db.query("SELECT * FROM staff_assignments ORDER BY id")),
            db.execute("SELECT count(*) FROM audit_log").fetchone()[0])


# -- status by hand ---------------------------------------------------------------------------------------------

def test_leave_with_dates_shows_on_those_days_only_and_is_audited(demo_db):
    person = proposer_like(demo_db)
    edit.set_status(demo_db, ADMIN_USER, person, "休職", date(2026, 1, 10), until=date(2026, 6, 30))
    assert status_on(demo_db, person, date(2026, 1, 9)) == "active"
    assert status_on(demo_db, person, date(2026, 1, 10)) == "leave"
    assert status_on(demo_db, person, date(2026, 6, 30)) == "leave"
    assert status_on(demo_db, person, date(2026, 7, 1)) == "active"
    assert status_on(demo_db, person, date(2026, 2, 1), VIEWER) == "active"  # leave is the person's record
    entry = audit_rows(demo_db, person)[-1]
    assert json.loads(entry["before_json"])["status"] == "active"
    after = json.loads(entry["after_json"])
    assert after["leave_from"] == "2026-01-10" and after["leave_until"] == "2026-06-30"
    assert entry["actor"] == ADMIN_USER.login


def test_return_to_service_ends_the_leave_the_day_before(demo_db):
    person = proposer_like(demo_db)
    edit.set_status(demo_db, ADMIN_USER, person, "leave", date(2026, 1, 10))
    assert status_on(demo_db, person, date(2030, 1, 1)) == "leave"  # open-ended
    edit.set_status(demo_db, ADMIN_USER, person, "在職", date(2026, 4, 1))
    assert status_on(demo_db, person, date(2026, 3, 31)) == "leave"
    assert status_on(demo_db, person, date(2026, 4, 1)) == "active"
    row = demo_db["staff"].get(person)
    assert (row["status"], row["leave_from"], row["leave_until"]) == ("active", "2026-01-10", "2026-03-31")


def test_retirement_closes_the_seat_and_a_return_reopens_it(demo_db):
    person = proposer_like(demo_db)
    edit.set_status(demo_db, ADMIN_USER, person, "退職", date(2027, 3, 31))
    assert status_on(demo_db, person, date(2027, 3, 31)) == "active"  # the last day is still a working day
    assert status_on(demo_db, person, date(2027, 4, 1)) == "retired"
    open_seats = demo_db.execute("SELECT count(*) FROM staff_assignments WHERE staff_id = ? AND valid_to IS NULL",
                                 [person]).fetchone()[0]
    assert open_seats == 0
    edit.set_status(demo_db, ADMIN_USER, person, "在職", date(2027, 4, 1))  # the retirement was a mistake
    assert status_on(demo_db, person, date(2027, 4, 1)) == "active"
    assert directory.load_directory(demo_db, ADMIN_USER, date(2027, 4, 1), person)[0].department  # the seat is back


@pytest.mark.parametrize(("status", "on", "until", "words"), [
    ("退職", date(1990, 1, 1), None, "採用日"),  # before the hire date
    ("休職", date(2026, 5, 1), date(2026, 4, 30), "前"),  # ends before it begins
    ("在職", date(2026, 5, 1), None, "在職"),  # already in service
    ("退職", date(2026, 5, 1), date(2026, 6, 1), "休職"),  # an end date only for a leave
    ("辞職", date(2026, 5, 1), None, "在職、休職または退職"),
])
def test_wrong_status_input_is_refused_and_changes_nothing(demo_db, status, on, until, words):
    person = proposer_like(demo_db)
    before = snapshot(demo_db)
    with pytest.raises(UserError) as refused:
        edit.set_status(demo_db, ADMIN_USER, person, status, on, until)
    assert words in str(refused.value)
    assert snapshot(demo_db) == before


def test_retirement_before_a_later_transfer_is_refused(demo_db):
    person = proposer_like(demo_db)
    data = edit.PersonInput(*[demo_db["staff"].get(person)[k] for k in (
        "staff_no", "family_name", "given_name", "family_reading", "given_reading")], None,
        edit.org_units(demo_db)[3][0], None)
    edit.update_person(demo_db, person, data, ADMIN_USER, transfer_on=date(2027, 4, 1))
    before = snapshot(demo_db)
    with pytest.raises(UserError, match="令和9年4月1日"):
        edit.set_status(demo_db, ADMIN_USER, person, "退職", date(2027, 3, 31))
    assert snapshot(demo_db) == before


@pytest.mark.parametrize("user", [VIEWER, EVALUATOR])
def test_only_the_administrator_sets_a_status(demo_db, user):
    before = snapshot(demo_db)
    with pytest.raises(PermissionDenied):
        edit.set_status(demo_db, user, proposer_like(demo_db), "退職", date(2027, 3, 31))
    assert snapshot(demo_db) == before


def proposer_like(db) -> int:
    """Someone in service with a hire date (any member of staff of the demo town, first by number)."""
    return db.execute("SELECT id FROM staff WHERE status = 'active' AND hire_date IS NOT NULL ORDER BY staff_no"
                      ).fetchone()[0]


# -- what eligibility, rater suggestions and the staff import make of it -------------------------------------------

def test_eligibility_keeps_someone_on_leave_and_drops_a_leaver_after_the_last_day(town):
    scheme = schemes.load_scheme(town, schemes.active_scheme_id(town))
    on_leave, leaver = [r[0] for r in town.execute(
        "SELECT staff_id FROM project_members WHERE role != 'owner' ORDER BY id LIMIT 2")]
    edit.set_status(town, ADMIN_USER, on_leave, "休職", date(2026, 4, 1))
    edit.set_status(town, ADMIN_USER, leaver, "退職", date(2026, 9, 30))
    facts = eligibility.gather_facts(town, ADMIN_USER, scheme.family, date(2026, 9, 30))
    assert on_leave in facts and leaver in facts  # on leave: still staff; retiring: until the last day
    facts = eligibility.gather_facts(town, ADMIN_USER, scheme.family, date(2026, 10, 1))
    assert on_leave in facts and leaver not in facts


def test_someone_on_leave_is_not_suggested_as_a_rater_while_away(demo_db):
    unit_id, person = demo_db.execute("""SELECT a.unit_id, a.staff_id FROM staff_assignments a JOIN staff s ON s.id = a.staff_id
                                         WHERE a.valid_to IS NULL AND s.status = 'active' ORDER BY a.id LIMIT 1""").fetchone()
    edit.set_status(demo_db, ADMIN_USER, person, "休職", date(2026, 5, 1), until=date(2026, 8, 31))
    assert person not in _current_staff_of_section(demo_db, unit_id, None, date(2026, 6, 1))
    assert person in _current_staff_of_section(demo_db, unit_id, None, date(2026, 4, 30))
    assert person in _current_staff_of_section(demo_db, unit_id, None, date(2026, 9, 1))


def import_list(db, tmp_path: Path, people: list[int], effective: date,
                seats_on: date = date(2026, 4, 1)) -> importer.ImportPreview:
    """HR's list naming ``people`` in their seats of ``seats_on`` (everybody else missing), previewed for ``effective``."""
    rows = [["職員番号", "氏名", "フリガナ", "所属", "職名"]]
    for row in directory.load_directory(db, ADMIN_USER, seats_on):
        if row.id in people:
            rows.append([row.staff_no, row.name.replace("\u3000", " "), row.reading.replace("\u3000", " "),
                         f"{row.department}{row.section.replace(' ', '')}", row.position])
    path = write_csv(tmp_path / "職員.csv", rows, "utf-8")
    preview, _table, _mapping = importer.preview_file(db, path, effective=effective, today=date(2026, 4, 1))
    assert not preview.errors, preview.errors
    return preview


def test_a_planned_retirement_survives_an_import_that_still_lists_the_person(demo_db, tmp_path):
    person = proposer_like(demo_db)
    edit.set_status(demo_db, ADMIN_USER, person, "退職", date(2027, 3, 31))
    preview = import_list(demo_db, tmp_path, [person], date(2026, 10, 1))
    assert not [c for c in preview.changes if c.staff_no == staff_no(demo_db, person)]  # nothing to change
    importer.commit(demo_db, preview, ADMIN_USER)
    assert demo_db["staff"].get(person)["retired_on"] == "2027-03-31"
    assert status_on(demo_db, person, date(2027, 4, 1)) == "retired"


def test_an_import_listing_a_retired_person_takes_them_back_with_a_warning(demo_db, tmp_path):
    person = proposer_like(demo_db)
    edit.set_status(demo_db, ADMIN_USER, person, "退職", date(2026, 3, 31))
    preview = import_list(demo_db, tmp_path, [person], date(2026, 10, 1), seats_on=date(2026, 3, 31))
    warnings = [w for w in preview.warnings if staff_no(demo_db, person) in w.message]
    assert warnings and "退職" in warnings[0].message and "在職" in warnings[0].message
    assert warnings[0].row == 2 and warnings[0].column == "職員番号"
    importer.commit(demo_db, preview, ADMIN_USER)
    assert status_on(demo_db, person, date(2026, 10, 1)) == "active"
    assert json.loads(audit_rows(demo_db, person)[-1]["after_json"])["status"] == "active"


def test_a_leave_set_by_hand_survives_an_import(demo_db, tmp_path):
    person = proposer_like(demo_db)
    edit.set_status(demo_db, ADMIN_USER, person, "休職", date(2026, 9, 1))
    importer.commit(demo_db, import_list(demo_db, tmp_path, [person], date(2026, 10, 1)), ADMIN_USER)
    assert status_on(demo_db, person, date(2026, 10, 1)) == "leave"


# -- the card -------------------------------------------------------------------------------------------------

def test_tabs_per_role():
    assert [k for k, _t in person_card.visible_tabs(ADMIN_USER)] == [
        "basic", "affiliations", "projects", "training", "qualifications", "evaluations", "certifications",
        "certificates", "skills"]
    assert [k for k, _t in person_card.visible_tabs(VIEWER)] == [
        "basic", "projects", "training", "qualifications", "certifications", "skills"]
    assert [k for k, _t in person_card.visible_tabs(EVALUATOR)] == ["basic"]


def print_twice_and_revoke(db, tmp_path: Path, person: int) -> None:
    ids = [r[0] for r in db.execute("SELECT id FROM certifications WHERE staff_id = ? AND status = 'active'", [person])]
    certificates.write(db, ADMIN_USER, ids, tmp_path / "first.pdf")
    certificates.write(db, ADMIN_USER, ids, tmp_path / "again.pdf")
    number = db.execute("SELECT certificate_no FROM certifications WHERE id = ?", [ids[0]]).fetchone()[0]
    decisions.revoke(db, ADMIN_USER, number, "認定要件の誤り", date(2026, 4, 10))


def test_the_administrator_sees_every_tab_filled(town, tmp_path):
    person = proposer(town)
    print_twice_and_revoke(town, tmp_path, person)
    edit.set_status(town, ADMIN_USER, person, "休職", date(2026, 5, 1), until=date(2026, 7, 31))
    card = person_card.card(town, ADMIN_USER, person, on=date(2026, 6, 1))
    basic = card["basic"]
    assert basic["status"] == "leave" and basic["leave_from"] == "2026-05-01" and basic["hire_date"]
    assert basic["department"] and basic["staff_no"] == staff_no(town, person)
    assert card["affiliations"] and card["projects"][0]["role"] == "proposer"
    # the evaluation rows are the summary's own, not recomputed
    expected = [r for r in summary.summary(town, ADMIN_USER) if r.target_staff_id == person]
    assert [r["value"] for r in card["evaluations"]] == [r.display for r in expected]
    assert all(r["raters"] is not None for r in card["evaluations"])
    revoked = [c for c in card["certifications"] if c["status"] == "revoked"]
    assert revoked and revoked[0]["revoke_reason"] == "認定要件の誤り"
    assert sorted(p["kind"] for p in card["certificates"]) == ["first", "reprint"]


def test_a_viewer_sees_the_list_view_of_a_person_and_no_record(town, tmp_path):
    person = proposer(town)
    edit.set_status(town, ADMIN_USER, person, "休職", date(2026, 5, 1))
    card = person_card.card(town, VIEWER, person, on=date(2026, 6, 1))
    assert set(card) == {"basic", "projects", "training", "qualifications", "certifications", "skills"}
    basic = card["basic"]
    assert basic["status"] == "active"  # as the staff list shows leave to a viewer
    assert basic["hire_date"] is None and basic["leave_from"] is None and not basic["full_record"]
    assert card["projects"] and card["certifications"]
    for refused in (person_card.evaluations, person_card.affiliations, person_card.printed_certificates):
        with pytest.raises(PermissionDenied):
            refused(town, VIEWER, person)


def test_an_evaluator_sees_only_the_basics(town):
    person = proposer(town)
    card = person_card.card(town, EVALUATOR, person, on=date(2026, 6, 1))
    assert set(card) == {"basic"} and card["basic"]["name"]
    for refused in (person_card.projects, person_card.certifications, person_card.evaluations):
        with pytest.raises(PermissionDenied):
            refused(town, EVALUATOR, person)


# -- CLI --------------------------------------------------------------------------------------------------------

def test_cli_sets_a_status_and_refuses_wrong_input(tmp_path):
    db = tmp_path / "t.sqlite"
    assert cli("--db", str(db), "demo", "--staff", "40").returncode == 0
    listed = json.loads(cli("--db", str(db), "staff", "list", "--json").stdout)
    number = listed[0]["staff_no"]
    done = cli("--db", str(db), "staff", "set-status", number, "休職", "--on", "R8.5.1", "--until", "2026-07-31",
               "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["status"] == "leave" and answer["after"]["leave_until"] == "2026-07-31"
    shown = json.loads(cli("--db", str(db), "staff", "list", "--date", "2026-06-01", "--query", number, "--json").stdout)
    assert shown[0]["status"] == "leave"
    text = cli("--db", str(db), "staff", "set-status", number, "在職", "--on", "2026-06-01")
    assert text.returncode == 0 and "在職" in text.stdout

    for args, words in ((["9999999", "退職", "--on", "2027-03-31"], "9999999"),
                        ([number, "退職", "--on", "2026-13-01"], "--on"),
                        ([number, "退職", "--on", "1900-01-01"], "採用日"),
                        ([number, "辞職", "--on", "2027-03-31"], "辞職")):
        refused = cli("--db", str(db), "staff", "set-status", *args)
        assert refused.returncode == 1, (args, refused.stderr)
        assert words in refused.stderr and "Traceback" not in refused.stderr
    assert cli("--db", str(db), "staff", "set-status", number, "退職").returncode == 2  # --on is required

    card = json.loads(cli("--db", str(db), "staff", "show", number, "--date", "2026-05-15", "--json").stdout)
    assert card["basic"]["status"] == "leave" and card["basic"]["leave_until"] == "2026-05-31"
    assert set(card) == {"basic", "affiliations", "projects", "training", "qualifications", "evaluations",
                         "certifications", "certificates", "skills"}
    shown = cli("--db", str(db), "staff", "show", number, "--date", "2026-05-15")
    assert shown.returncode == 0 and "休職（令和8年5月1日から令和8年5月31日まで）" in shown.stdout
    assert cli("--db", str(db), "staff", "show", "9999999").returncode == 1


def test_cli_set_status_as_a_viewer_is_refused(tmp_path):
    db = tmp_path / "t.sqlite"
    assert cli("--db", str(db), "demo", "--staff", "40").returncode == 0
    for login, role in (("kanri", "admin"), ("etsuran", "viewer")):  # the first account is the administrator
        assert cli("--db", str(db), "user", "add", login, "--role", role, "--password-stdin",
                   stdin="correct horse 1\n").returncode == 0
    number = json.loads(cli("--db", str(db), "staff", "list", "--json").stdout)[0]["staff_no"]
    refused = cli("--db", str(db), "--as", "etsuran", "staff", "set-status", number, "退職", "--on", "2027-03-31",
                  stdin="correct horse 1\n")
    assert refused.returncode == 1 and "権限" in refused.stderr
    card = cli("--db", str(db), "--as", "etsuran", "staff", "show", number, "--json", stdin="correct horse 1\n")
    assert card.returncode == 0 and set(json.loads(card.stdout)) == {
        "basic", "projects", "training", "qualifications", "certifications", "skills"}


def test_a_register_from_before_leave_dates_keeps_its_leaves(tmp_path, monkeypatch):
    """Opened by this version, a file whose leaves have no dates yet still shows those people on leave."""
    from app import db as dbmod
    from app.db import migrations, open_database
    from app.demo.town import generate_town, load_town

    chain = migrations()
    ours = next(m for m in chain if "staff_leave" in m.name)
    path = tmp_path / "old.sqlite"
    monkeypatch.setattr(dbmod, "migrations", lambda: chain[:ours.version - 1])
    old = open_database(path)
    load_town(old.db, generate_town(80, seed=3), "test")
    on_leave = [r[0] for r in old.db.execute("SELECT id FROM staff WHERE status = 'leave'")]
    old.db.close()
    assert on_leave  # the demo town has people on leave
    monkeypatch.setattr(dbmod, "migrations", lambda: chain)
    new = open_database(path)
    try:
        assert new.migrated_from == ours.version - 1
        shown = {r.id: r.status for r in directory.load_directory(new.db, ADMIN_USER, date(2026, 6, 1))}
        assert all(shown[i] == "leave" for i in on_leave)
        edit.set_status(new.db, ADMIN_USER, on_leave[0], "在職", date(2026, 6, 1))
        assert status_on(new.db, on_leave[0], date(2026, 6, 1)) == "active"
    finally:
        new.db.close()
