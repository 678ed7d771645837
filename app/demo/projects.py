"""Demo projects like Moka city's first year: 12 volunteers in three teams, rated from three perspectives.

Two teams have finished and every rating is in; the third is still under way
with drafts and missing answers, so that the screens show every state. One
rater is lenient and one gives everyone the same score, so that calibration
has something to flag.
"""

from __future__ import annotations

import random
from datetime import date

import sqlite_utils

from app.evaluation import ratings
from app.evaluation import projects
from app.evaluation import rubrics
from app.register.accounts import User
from app.demo.officer import officer as demo_officer
from app.db import transaction
from app.evaluation.ratings import Answer

TEAMS = [
    # name, theme, owning section, status, realisation, decided on, hours saved, procedures, systems, summary
    ("ローコードツールによる事業者連携の効率化", "外部事業者連携", "財政課", "completed", "full", date(2026, 3, 10),
     420.0, 3, 2, "契約事務の照会と回答をローコードツールの共有フォームに置き換え、電話とFAXのやり取りをなくした。"),
    ("会計事務の電子決裁化", "内部事務処理", "総務課", "completed", "trial", date(2026, 3, 10),
     260.0, 0, 1, "支出負担行為の回議を電子決裁で試行し、紙の回覧と押印を省いた。"),
    ("保育所入所申請のオンライン化", "窓口業務", "こども家庭課", "active", None, None,
     None, None, None, ""),
]
RATED_AT = "2026-03-16T17:00:00"
WORKSHOPS = [date(2025, 6, 12), date(2025, 7, 10), date(2025, 8, 7), date(2025, 9, 11), date(2025, 10, 9)]
VENDOR = ("佐野 健一", "とちぎデジタル支援株式会社")


def _current(db: sqlite_utils.Database) -> list[dict]:
    today = date.today().isoformat()
    return list(db.query("""
        SELECT s.id, p.rank, u.id AS unit_id, CASE WHEN u.kind = 'department' THEN NULL ELSE sec.id END AS section_id,
               coalesce(sec.name, u.name) AS section,
               CASE WHEN u.kind = 'department' THEN u.id ELSE sec.parent_id END AS department_id
        FROM staff s JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_to IS NULL
        JOIN positions p ON p.id = a.position_id JOIN org_units u ON u.id = a.unit_id
        LEFT JOIN org_units sec ON sec.id = CASE WHEN u.kind = 'unit' THEN u.parent_id ELSE u.id END
        WHERE s.status = 'active' AND a.valid_from <= ? ORDER BY s.id""", [today]))


def load_projects(db: sqlite_utils.Database, actor: str, seed: int = 1) -> None:
    """Add the three demo teams to a register that holds the demo town (one transaction)."""
    rng = random.Random(seed)
    officer = demo_officer(actor)
    people = _current(db)
    with transaction(db):
        template_id = rubrics.ensure_preset(db, officer)
        vendor_id = projects.create_external_rater(db, VENDOR[0], VENDOR[1], officer)
        # 12 volunteers at section-chief rank and below, from different sections.
        candidates = [p for p in people if p["rank"] >= 3]
        rng.shuffle(candidates)
        volunteers, sections_used = [], set()
        for person in candidates:
            if person["section_id"] not in sections_used:
                volunteers.append(person["id"])
                sections_used.add(person["section_id"])
            if len(volunteers) == 12:
                break
        for index, (name, theme, section, status, realisation, decided, hours, procedures, systems,
                    summary) in enumerate(TEAMS):
            section_row = db.execute("SELECT id, parent_id FROM org_units WHERE name = ? AND kind = 'section'",
                                     [section]).fetchone()
            project_id = projects.create_project(db, projects.ProjectInput(
                name=name, theme=theme, fiscal_year=2025, owner_unit_id=section_row[0] if section_row else None,
                starts_on=date(2025, 6, 1), ends_on=date(2026, 3, 31) if status == "completed" else None,
                status=status, realisation=realisation, realisation_decided_on=decided,
                realisation_decided_by="市長・副市長・部長会議" if realisation else "",
                hours_saved_per_year=hours, procedures_online=procedures, systems_built=systems,
                outcome_summary=summary, template_id=template_id), officer)
            team = volunteers[index * 4:(index + 1) * 4]
            for role, staff_id in zip(("proposer", "leader", "member", "member"), team):
                projects.add_member(db, project_id, staff_id, role, officer, joined_on=date(2025, 6, 1))
            # Owners: the head of the owning department and the section chief, as Moka's executives join from the start.
            if section_row:
                heads = [p["id"] for p in people if p["department_id"] == section_row[1] and p["rank"] <= 2][:1]
                heads += [p["id"] for p in people if p["section_id"] == section_row[0] and p["rank"] == 3][:1]
                for staff_id in heads:
                    if staff_id not in team:
                        projects.add_member(db, project_id, staff_id, "owner", officer, joined_on=date(2025, 6, 1))
            for number, held_on in enumerate(WORKSHOPS, start=1):
                attendees = [s for s in team if rng.random() > 0.12]
                projects.add_session(db, project_id, held_on, f"ワークショップ第{number}回", 2.0, attendees, officer)
            projects.attach_external_rater(db, project_id, vendor_id, officer)
            ratings.apply_suggestions(db, project_id, officer)
            _rate(db, officer, project_id, rng, in_progress=status != "completed")


def _rate(db: sqlite_utils.Database, officer: User, project_id: int, rng: random.Random, in_progress: bool) -> None:
    """Plausible ratings: each member has an ability, each rater a bias; one rater is lenient, the vendor is flat."""
    ability = {}
    for row in ratings.project_assignments(db, officer, project_id):
        target = row["target_staff_id"]
        ability.setdefault(target, rng.choice((2.6, 3.0, 3.4, 3.8, 4.2)))
        if in_progress and rng.random() < 0.35:
            if rng.random() < 0.5:
                continue  # not started yet
            submit = False
        else:
            submit = True
        form = ratings.open_form(db, officer, row["id"])
        lenient = row["evaluator_kind"] == "executive" and row["evaluator_staff_id"] % 2 == 1
        answers = {}
        for criterion in form.criteria:
            if row["evaluator_kind"] == "external":
                score = 3
            else:
                score = round(ability[target] + rng.uniform(-0.8, 0.8) + (1.0 if lenient else 0.0))
            answers[criterion.id] = Answer(max(criterion.scale_min, min(criterion.scale_max, score)))
        if not submit:
            answers.popitem()  # a draft with the last criterion still open
        ratings.save_answers(db, officer, row["id"], answers, submit=submit, source="demo")
        if submit:  # at the end of the fiscal year, not on the day the demo is made (the engine counts by date)
            db.execute("UPDATE evaluation_assignments SET submitted_at = ? WHERE id = ?", [RATED_AT, row["id"]])


def load_certification_history(db: sqlite_utils.Database, actor: str, seed: int = 1) -> None:
    """The Moka scheme with a past: 21 workshop graduates certified as アドバイザー in 令和5年度,
    three of them エキスパート a year later and one スペシャリスト in 令和7年度 — entered as earlier
    decisions, as a town moving its Excel list into the register would. The demo teams'
    proposers are among the graduates, and several members are eligible for アドバイザー now.
    """
    from app.certification import decisions
    from app.certification import schemes

    rng = random.Random(seed)
    officer = demo_officer(actor)
    scheme_id = schemes.install_preset(db, "moka", officer)
    on_projects = {r[0] for r in db.execute("SELECT staff_id FROM project_members")}
    proposers = [r[0] for r in db.execute(
        "SELECT staff_id FROM project_members WHERE role = 'proposer' ORDER BY project_id")]
    others = [p["id"] for p in _current(db) if p["id"] not in on_projects and p["rank"] >= 3]
    rng.shuffle(others)
    graduates = proposers + others[:21 - len(proposers)]
    approver = "真岡市長"
    with transaction(db):
        for staff_id in graduates:
            decisions.record_past(db, officer, scheme_id, staff_id, "advisor", date(2024, 3, 15), approver)
        experts = others[:3]
        for staff_id in experts:
            decisions.record_past(db, officer, scheme_id, staff_id, "expert", date(2025, 3, 14), approver)
        decisions.record_past(db, officer, scheme_id, experts[0], "specialist", date(2026, 3, 27), approver)
