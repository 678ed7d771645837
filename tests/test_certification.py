"""Certification: the eligibility engine's properties, scenarios on the demo town, numbering and revocation."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.overview import audit_log
from app.certification import decisions
from app.certification import eligibility
from app.evaluation import projects
from app.certification import schemes
from app.register.accounts import Role, User
from app.certification.decisions import Approval
from app.demo.projects import load_certification_history, load_projects
from app.certification.eligibility import PersonFacts, ProjectFact, ScoreFact
from app.errors import PermissionDenied, UserError
from tests.conftest import ADMIN_USER, run_cli

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 23)
OFFICER = User(0, "officer", "officer", Role.ADMIN)


def _spec_with_ids(spec: schemes.SchemeSpec) -> schemes.SchemeSpec:
    return replace(spec, levels=[replace(level, id=i) for i, level in enumerate(spec.levels, start=1)])


MOKA = _spec_with_ids(schemes.MOKA_PRESET)
HOKKAIDO = _spec_with_ids(schemes.HOKKAIDO_PRESET)
CODES = ["policy", "leadership", "ict"]


# -- generated facts ------------------------------------------------------------------------------------

@st.composite
def person_facts(draw, staff_id: int = 1, scheme: schemes.SchemeSpec = MOKA) -> PersonFacts:
    facts = PersonFacts(staff_id, sessions=draw(st.integers(0, 8)))
    for project_id in range(draw(st.integers(0, 3))):
        facts.projects.append(ProjectFact(project_id, draw(st.sampled_from(list(projects.ROLES))),
                                          draw(st.sampled_from([None, *projects.REALISATION]))))
        for code in CODES:
            raters = draw(st.integers(0, 5))
            value = draw(st.floats(1, 5).map(lambda v: round(v, 2))) if raters else None
            facts.scores.setdefault(code, []).append(ScoreFact(project_id, value, raters, draw(st.integers(1, 3))))
    for level in scheme.levels:
        if draw(st.booleans()):
            facts.held[level.code] = draw(st.dates(date(2020, 1, 1), AS_OF))
    return facts


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_nobody_skips_a_level(data):
    """Certify whatever the engine allows, again and again: levels are gained strictly in ladder order."""
    for scheme in (MOKA, HOKKAIDO):
        facts = data.draw(person_facts(scheme=scheme))
        facts.held = {}
        ladder = [level.code for level in scheme.levels if level.ladder]
        for _ in range(len(scheme.levels) + 1):
            gained = [c.level.code for c in eligibility.evaluate(scheme, {1: facts}, AS_OF) if c.status == "eligible"]
            for code in gained:
                if code in ladder:
                    assert all(earlier in facts.held for earlier in ladder[:ladder.index(code)])
                facts.held[code] = date(2020, 1, 1)  # long ago, so that waiting months never blocks
            if not gained:
                break
        ladder_held = [code for code in ladder if code in facts.held]
        assert ladder_held == ladder[:len(ladder_held)]


@settings(max_examples=300, deadline=None)
@given(person_facts(), st.sampled_from(CODES), st.floats(0, 4))
def test_raising_a_score_never_makes_someone_ineligible(facts, code, raise_by):
    before = {c.level.code: c.status for c in eligibility.evaluate(MOKA, {1: facts}, AS_OF)}
    raised = replace(facts, scores={k: [replace(e, value=min(5.0, e.value + raise_by) if e.value is not None and k == code
                                                else e.value) for e in v] for k, v in facts.scores.items()})
    after = {c.level.code: c for c in eligibility.evaluate(MOKA, {1: raised}, AS_OF)}
    for level, status in before.items():
        if status == "eligible":
            assert after[level].status == "eligible"
        assert after[level].unmet <= {"eligible": 0, "near": 1}.get(status, 99)


@settings(max_examples=200, deadline=None)
@given(st.lists(person_facts(), min_size=1, max_size=6), st.randoms())
def test_results_do_not_depend_on_row_order(people, rnd):
    facts = {i: replace(p, staff_id=i) for i, p in enumerate(people, start=1)}

    def shuffled(p: PersonFacts) -> PersonFacts:
        projects_ = p.projects[:]
        rnd.shuffle(projects_)
        scores = {k: rnd.sample(v, len(v)) for k, v in rnd.sample(list(p.scores.items()), len(p.scores))}
        held = dict(rnd.sample(list(p.held.items()), len(p.held)))
        return replace(p, projects=projects_, scores=scores, held=held)

    keys = list(facts)
    rnd.shuffle(keys)
    other = {k: shuffled(facts[k]) for k in keys}
    first = [(c.staff_id, c.level.code, c.status, [r.text for r in c.results]) for c in eligibility.evaluate(MOKA, facts, AS_OF)]
    second = [(c.staff_id, c.level.code, c.status, [r.text for r in c.results]) for c in eligibility.evaluate(MOKA, other, AS_OF)]
    assert first == second


def test_reason_texts_for_met_and_unmet_requirements():
    facts = PersonFacts(1, sessions=5, projects=[ProjectFact(1, "member", None)],
                        scores={"policy": [ScoreFact(1, 3.4, 2, 2)], "leadership": [ScoreFact(1, 4.0, 2, 3)],
                                "ict": []})
    (candidate,) = eligibility.evaluate(MOKA, {1: facts}, AS_OF, {"policy": "政策", "leadership": "リーダーシップ"})
    texts = [r.text for r in candidate.results]
    assert texts[0] == "ワークショップ参加 5回 / 必要 4回 ✓"
    assert texts[2] == "政策の評価 3.40 / 必要 3.0 ✓"
    assert texts[3] == "リーダーシップ: 評価者 2名 / 必要 3名 ✗"
    assert texts[4] == "ictの評価: 未評価 / 必要 3.0 ✗"
    assert candidate.status == "not_yet" and candidate.unmet == 2


def test_one_short_is_near_only_on_a_level_with_two_or_more_requirements(town):
    """「あと1つ」: one requirement short with the others met; on a one-requirement level that is 未達."""
    nothing = PersonFacts(1)
    one_requirement = _spec_with_ids(schemes.SchemeSpec("one-cert", "一つの要件", [
        schemes.LevelSpec("level1", "レベル1", [schemes.RequirementSpec("sessions", {"min": 2})])]))
    (level1,) = eligibility.evaluate(one_requirement, {1: nothing}, AS_OF)
    assert len(level1.results) == 1 and level1.unmet == 1 and level1.status == "not_yet"
    one_short = PersonFacts(1, sessions=5, projects=[ProjectFact(1, "member", None)],
                            scores={"policy": [ScoreFact(1, 3.4, 2, 2)], "leadership": [ScoreFact(1, 4.0, 3, 3)]})
    (advisor,) = eligibility.evaluate(MOKA, {1: one_short}, AS_OF)
    assert advisor.unmet == 1 and advisor.status == "near"
    # The demo town under a one-requirement level: nobody without workshops is 「あと1つ」 for it.
    scheme = schemes.load_scheme(town, schemes.save_scheme(town, one_requirement, ADMIN_USER))
    found = eligibility.eligibility(town, OFFICER, scheme, AS_OF)
    assert {c.status for c in found} == {"eligible", "not_yet"}


# -- the demo town ----------------------------------------------------------------------------------------------

@pytest.fixture
def town(demo_db):
    load_projects(demo_db, "test")
    return demo_db


def _names(db, ids) -> list[str]:
    names = dict(db.execute("SELECT id, family_name || ' ' || given_name FROM staff"))
    return sorted(names[i] for i in ids)


def test_moka_scenario_on_the_demo_town(town):
    load_certification_history(town, "test")
    scheme = schemes.load_scheme(town, schemes.active_scheme_id(town))
    found = eligibility.eligibility(town, OFFICER, scheme, AS_OF)
    by = {(c.level.code, c.status): sorted(_names(town, [x.staff_id for x in found
                                                         if (x.level.code, x.status) == (c.level.code, c.status)]))
          for c in found}
    # Checked by hand against the reasons: all four have ≥4 workshops, a project and every perspective ≥ 3.0.
    assert by[("advisor", "eligible")] == ["井上 隆", "大塚 智子", "渡辺 陽介", "野口 由美"]
    # 荒井 光 has one policy rater of two needed; 荒井 一郎 two leadership raters of three.
    assert by[("advisor", "near")] == ["荒井 一郎", "荒井 光"]
    # Two graduates who proposed realised projects miss only ICT 3.5 (the vendor rates everyone 3).
    assert by[("expert", "near")] == ["佐藤 結衣", "大塚 美咲"]
    near = next(c for c in found if c.level.code == "expert" and c.status == "near")
    assert [r.met for r in near.results] == [True, True, True, True, False]
    assert near.results[4].text.startswith("ICTの評価 3.") and near.results[4].text.endswith("/ 必要 3.5 ✗")
    assert ("specialist", "eligible") not in by
    numbers = decisions.approve(town, OFFICER, scheme.id, [Approval(c.staff_id, "advisor") for c in found
                                                                if c.level.code == "advisor" and c.status == "eligible"],
                                    date(2026, 12, 1), "真岡市長")
    assert numbers == [f"令和8年度DX認定第{n:04}号" for n in range(1, 5)]
    after = eligibility.eligibility(town, OFFICER, scheme, date(2026, 12, 1))
    assert not [c for c in after if c.level.code == "advisor" and c.status == "eligible"]


def test_every_fact_is_taken_as_of_the_date(town):
    """Ratings count from the day they were submitted; a level revoked later was still held before."""
    from app.demo.projects import RATED_AT

    load_certification_history(town, "test")
    scheme = schemes.load_scheme(town, schemes.active_scheme_id(town))
    rated = date.fromisoformat(RATED_AT[:10])
    on_the_day = [c for c in eligibility.eligibility(town, OFFICER, scheme, rated) if c.level.code == "advisor"]
    eligible = {c.staff_id for c in on_the_day if c.status == "eligible"}
    assert len(eligible) == 4
    before = {c.staff_id: c for c in eligibility.eligibility(town, OFFICER, scheme, date.fromordinal(rated.toordinal() - 1))
              if c.level.code == "advisor"}
    for staff_id in eligible:  # workshops and projects were there the day before; the ratings were not
        results = before[staff_id].results
        assert [r.met for r in results if r.kind != "score"] == [True] * sum(r.kind != "score" for r in results)
        assert all(not r.met and "評価者 0名" in r.text for r in results if r.kind == "score")
    holder = town.execute("SELECT staff_id FROM certifications WHERE level_code = 'advisor' AND staff_id NOT IN "
                          "(SELECT staff_id FROM certifications WHERE level_code = 'expert')").fetchone()[0]
    number = town.execute("SELECT certificate_no FROM certifications WHERE staff_id = ?", [holder]).fetchone()[0]
    decisions.revoke(town, OFFICER, number, "誤り", date(2026, 12, 2))
    levels = {c.level.code for c in eligibility.eligibility(town, OFFICER, scheme, AS_OF, [holder])}
    assert levels == {"expert"}  # on 2026-11-23 the advisor level was still held


def test_a_revoked_level_needs_a_set_date_or_a_reason_to_certify_again(town):
    """Revocation does not make someone 認定可 again at once (issue 12)."""
    scheme = schemes.load_scheme(town, schemes.install_preset(town, "moka", ADMIN_USER))
    decided, revoked_on = date(2026, 6, 1), date(2026, 7, 1)
    eligible = sorted(c.staff_id for c in eligibility.eligibility(town, OFFICER, scheme, decided)
                      if c.level.code == "advisor" and c.status == "eligible")
    first, second = decisions.approve(town, OFFICER, scheme.id, [Approval(s, "advisor") for s in eligible[:2]],
                                          decided, "真岡市長")
    by_number = dict(town.execute("SELECT certificate_no, staff_id FROM certifications"))
    with pytest.raises(UserError, match="取消日"):
        decisions.revoke(town, OFFICER, first, "誤り", revoked_on, reeligible_from=revoked_on)
    decisions.revoke(town, OFFICER, first, "誤り", revoked_on)  # no date: only with a reason
    decisions.revoke(town, OFFICER, second, "要件の誤認", revoked_on, reeligible_from=date(2026, 10, 1))

    def advisor(staff_id: int, on: date) -> eligibility.Candidate:
        return next(c for c in eligibility.eligibility(town, OFFICER, scheme, on, [staff_id]) if c.level.code == "advisor")

    blocked = advisor(by_number[first], AS_OF)
    assert blocked.status != "eligible" and eligibility.only_revocation_unmet(blocked.results)
    assert blocked.results[-1].text == "DXアドバイザー: 令和8年7月1日に取消、再認定には理由を付けた判断が必要 ✗"
    waiting = advisor(by_number[second], date(2026, 9, 30))
    assert waiting.status != "eligible" and waiting.results[-1].text.endswith("再認定は令和8年10月1日から ✗")
    again = advisor(by_number[second], AS_OF)
    assert again.status == "eligible" and again.results[-1].text.endswith("令和8年10月1日から再認定可 ✓")

    with pytest.raises(UserError, match="理由を入力"):
        decisions.approve(town, OFFICER, scheme.id, [Approval(by_number[first], "advisor")], AS_OF, "真岡市長")
    (number,) = decisions.approve(town, OFFICER, scheme.id, [Approval(by_number[first], "advisor")], AS_OF,
                                      "真岡市長", override_reason="再審査により要件充足を確認")
    row = town.execute("SELECT override_reason, reasons_json FROM certifications WHERE certificate_no = ?",
                       [number]).fetchone()
    assert row[0] == "再審査により要件充足を確認" and "再認定には理由" in row[1]
    assert "再審査" in audit_log.recent(town, ADMIN_USER, 1)[0]["after_json"]
    (plain,) = decisions.approve(town, OFFICER, scheme.id, [Approval(by_number[second], "advisor")], AS_OF, "真岡市長")
    assert town.execute("SELECT override_reason FROM certifications WHERE certificate_no = ?", [plain]).fetchone()[0] == ""
    # An override lifts a revocation only: someone short of another requirement stays refused.
    with pytest.raises(UserError, match="要件を満たしていません"):
        decisions.approve(town, OFFICER, scheme.id, [Approval(eligible[2], "expert")], AS_OF, "真岡市長",
                              override_reason="特例")


def test_approval_refuses_the_ineligible_and_writes_nothing(town):
    scheme_id = schemes.install_preset(town, "moka", ADMIN_USER)
    scheme = schemes.load_scheme(town, scheme_id)
    found = eligibility.eligibility(town, OFFICER, scheme, AS_OF)
    ok = next(c for c in found if c.status == "eligible")
    not_ok = next(c for c in found if c.status == "near")
    before = town.execute("SELECT count(*) FROM certifications").fetchone()[0]
    with pytest.raises(UserError, match="何も認定していません"):
        decisions.approve(town, OFFICER, scheme_id, [Approval(ok.staff_id, "advisor"),
                                                         Approval(not_ok.staff_id, "advisor")], AS_OF, "市長")
    with pytest.raises(UserError, match="承認者"):
        decisions.approve(town, OFFICER, scheme_id, [Approval(ok.staff_id, "advisor")], AS_OF, " ")
    viewer = User(9, "viewer", "viewer", Role.VIEWER)
    with pytest.raises(PermissionDenied):
        decisions.approve(town, viewer, scheme_id, [Approval(ok.staff_id, "advisor")], AS_OF, "市長")
    assert town.execute("SELECT count(*) FROM certifications").fetchone()[0] == before


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EVALUATOR])
def test_candidates_reasons_and_register_scores_are_the_administrators_only(town, role):
    """With two raters, a rater who saw the combined score could work out the other's (issue 12)."""
    from app.certification import candidates
    from app.evaluation import summary

    load_certification_history(town, "test")
    scheme = schemes.load_scheme(town, schemes.active_scheme_id(town))
    rater = town.execute("SELECT evaluator_staff_id FROM evaluation_assignments WHERE status = 'submitted' "
                         "AND evaluator_staff_id IS NOT NULL").fetchone()[0]
    other = User(9, "other", "other", role, staff_id=rater)
    for call in (lambda: eligibility.eligibility(town, other, scheme, AS_OF),
                 lambda: eligibility.gather_facts(town, other, scheme.family, AS_OF),
                 lambda: candidates.candidate_rows(town, other, scheme, AS_OF),
                 lambda: summary.combined_ratings(town, other, with_raw=True)):
        with pytest.raises(PermissionDenied):
            call()
    holder = town.execute("SELECT staff_id FROM certifications LIMIT 1").fetchone()[0]
    if role is Role.VIEWER:
        # Viewers read the register and a person's certification path (issue 13), never the reasons (scores).
        for rows in (decisions.register(town, other), decisions.person_path(town, other, holder)):
            assert rows and all("reasons_json" not in row for row in rows)
    else:
        for call in (lambda: decisions.register(town, other), lambda: decisions.person_path(town, other, holder)):
            with pytest.raises(PermissionDenied):
                call()
    assert all("reasons_json" in row for row in decisions.person_path(town, OFFICER, holder))
    assert eligibility.eligibility(town, OFFICER, scheme, AS_OF) and decisions.register(town, OFFICER)


def test_numbers_revocation_and_reissue(town):
    scheme_id = schemes.install_preset(town, "moka", ADMIN_USER)
    load_certification_history(town, "test")
    first = decisions.register(town, OFFICER, fiscal_year_filter=2023)
    assert sorted(r["certificate_no"] for r in first) == [f"令和5年度DX認定第{n:04}号" for n in range(1, 22)]
    number = "令和5年度DX認定第0003号"
    assert decisions.reissue(town, OFFICER, number, "紛失", date(2026, 6, 1)) == 1
    assert decisions.reissue(town, OFFICER, number, "汚損", date(2026, 7, 1)) == 2
    decisions.revoke(town, OFFICER, number, "本人の申出による辞退", date(2026, 8, 1))
    with pytest.raises(UserError, match="既に取り消されています"):
        decisions.revoke(town, OFFICER, number, "二重", date(2026, 8, 2))
    with pytest.raises(UserError, match="再交付できません"):
        decisions.reissue(town, OFFICER, number, "紛失", date(2026, 9, 1))
    row = next(r for r in decisions.register(town, OFFICER) if r["certificate_no"] == number)
    assert (row["status"], row["reissues"], row["revoke_reason"]) == ("revoked", 2, "本人の申出による辞退")
    assert [e["action"] for e in audit_log.recent(town, ADMIN_USER, 3)] == ["certification.revoke", "certification.reissue",
                                                           "certification.reissue"]
    # The number is never reused: the next decision of that year continues after 0021.
    staff_id = town.execute("SELECT id FROM staff WHERE id NOT IN (SELECT staff_id FROM certifications) LIMIT 1").fetchone()[0]
    again = decisions.record_past(town, OFFICER, scheme_id, staff_id, "advisor", date(2024, 3, 29), "真岡市長")
    assert again == "令和5年度DX認定第0022号"
    # A decision cannot be rewritten or deleted, even by SQL.
    import sqlite3
    with pytest.raises(sqlite3.IntegrityError):
        town.execute("UPDATE certifications SET certificate_no = 'x' WHERE certificate_no = ?", [number])
    with pytest.raises(sqlite3.IntegrityError):
        town.execute("DELETE FROM certifications")
    path = decisions.person_path(town, OFFICER, next(r for r in first if r["level_code"] == "advisor"
                                               and r["staff_id"] in {x["staff_id"] for x in decisions.register(town, OFFICER, "specialist")})["staff_id"])
    assert [r["level_code"] for r in path] == ["advisor", "expert", "specialist"]


def test_editing_a_scheme_never_rewrites_history(town):
    scheme_id = schemes.install_preset(town, "moka", ADMIN_USER)
    load_certification_history(town, "test")
    spec = schemes.load_scheme(town, scheme_id)
    spec.levels[0].requirements[0].params["min"] = 5
    spec.levels[0].name = "DXアドバイザー(改)"
    new_id = schemes.save_scheme(town, spec, ADMIN_USER)
    assert schemes.active_scheme_id(town) == new_id
    assert {r["scheme_version"] for r in decisions.register(town, OFFICER)} == {1}
    assert {r["level"] for r in decisions.register(town, OFFICER, "advisor")} == {"DXアドバイザー"}
    assert schemes.load_scheme(town, scheme_id).levels[0].requirements[0].params["min"] == 4
    # Holders of the old version's level still hold it under the new version (same level code).
    new = schemes.load_scheme(town, new_id)
    holders = {r["staff_id"] for r in decisions.register(town, OFFICER, "advisor")}
    nexts = {c.staff_id: c.level.code for c in eligibility.eligibility(town, OFFICER, new, AS_OF) if c.staff_id in holders}
    assert set(nexts.values()) <= {"expert", "specialist"}


@pytest.mark.parametrize("change, message", [
    (lambda s: replace(s, number_pattern="DX認定第{年度}号"), "連番"),
    (lambda s: replace(s, number_pattern="{連番}{不明}"), "使えません"),
    (lambda s: replace(s, levels=[]), "レベルが1つ以上"),
    (lambda s: replace(s, levels=[replace(s.levels[1])]), "前に並んだレベル"),
    (lambda s: replace(s, levels=[replace(s.levels[0], requirements=[schemes.RequirementSpec("sessions", {"min": 0})])]),
     "1 以上の整数"),
])
def test_bad_schemes_are_refused(db, change, message):
    with pytest.raises(UserError, match=message):
        schemes.save_scheme(db, change(schemes.MOKA_PRESET), ADMIN_USER)
    assert db.execute("SELECT count(*) FROM cert_schemes").fetchone()[0] == 0


# -- crash in the middle of a batch ----------------------------------------------------------------------------

def _hundred_eligible(path: Path, db) -> None:
    """100 people who attended the level 1 course, six hours: 100 eligible for Hokkaido level 1."""
    from tests.requirement_rows import add_event

    schemes.install_preset(db, "hokkaido", ADMIN_USER)
    people = [r[0] for r in db.execute("SELECT id FROM staff WHERE status = 'active' ORDER BY id LIMIT 100")]
    add_event(db, "デジタル推進リーダー研修", date(2026, 5, 1), 6.0, people, kind="elearning")


def test_killing_the_process_mid_batch_leaves_none_or_all_and_no_gaps(demo_db, db_path, tmp_path):
    _hundred_eligible(db_path, demo_db)
    demo_db.close()
    pristine = tmp_path / "pristine.sqlite"
    shutil.copy(db_path, pristine)
    outcomes = []
    for delay in (0.6, 1.2, 2.0):
        shutil.copy(pristine, db_path)
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        env = {**os.environ, "DX_JINZAI_APPROVAL_PAUSE": "0.02"}  # 100 × 20 ms inside the transaction
        proc = subprocess.Popen([sys.executable, "-m", "app.cli.main", "--db", str(db_path), "certify", "--approve-eligible",
                                 "--date", "2026-07-01", "--approver", "知事"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        was_running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        from app.db import open_database

        result = open_database(db_path)
        seqs = [r[0] for r in result.db.execute("SELECT seq FROM certifications ORDER BY seq")]
        result.db.close()
        assert len(seqs) in (0, 100), f"half a batch after a kill at {delay} s: {len(seqs)}"
        assert seqs == list(range(1, len(seqs) + 1))
        outcomes.append((was_running, len(seqs)))
    assert (True, 0) in outcomes, f"no kill landed inside the batch: {outcomes}"
    # After a killed batch, running it again completes the whole batch with numbers 1..100.
    done = subprocess.run([sys.executable, "-m", "app.cli.main", "--db", str(db_path), "certify", "--approve-eligible",
                           "--date", "2026-07-01", "--approver", "知事"], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    from app.db import open_database

    result = open_database(db_path)
    seqs = [r[0] for r in result.db.execute("SELECT seq FROM certifications ORDER BY seq")]
    result.db.close()
    assert seqs == list(range(1, 101))


def test_cli_eligibility_certify_revoke_and_export(tmp_path):
    db_path = tmp_path / "town.sqlite"

    def cli(*args: str) -> subprocess.CompletedProcess:
        return run_cli("--db", str(db_path), *args, cwd=ROOT)

    assert cli("demo").returncode == 0
    listed = json.loads(cli("eligibility", "--level", "advisor", "--date", "2026-11-23", "--json").stdout)
    eligible = [p["name"] for p in listed if p["status"] == "eligible"]
    assert len(eligible) == 4 and all(p["requirements"] for p in listed)
    # The demo's ratings were submitted on 2026-03-16: the day before, none of them counts.
    early = json.loads(cli("eligibility", "--level", "advisor", "--date", "2026-03-15", "--json", "--all").stdout)
    assert not [p for p in early if p["status"] == "eligible"]
    assert not [r for p in early for r in p["requirements"] if r["kind"] == "score" and r["met"]]
    assert cli("eligibility", "--level", "nosuch").returncode == 1
    done = cli("certify", "--approve-eligible", "--date", "令和8年12月1日", "--approver", "真岡市長", "--level", "advisor")
    assert done.returncode == 0, done.stderr
    assert "令和8年度DX認定第0001号 〜 令和8年度DX認定第0004号" in done.stdout
    early = cli("revoke", "令和8年度DX認定第0002号", "--reason", "誤り", "--date", "2026-11-30")
    assert early.returncode == 1 and "認定日より前" in early.stderr
    assert cli("revoke", "令和8年度DX認定第0002号", "--reason", "誤り", "--date", "2026-12-02").returncode == 0
    again = cli("revoke", "令和8年度DX認定第0002号", "--reason", "誤り", "--date", "2026-12-02")
    assert again.returncode == 1 and "既に取り消されています" in again.stderr
    assert cli("reissue", "令和8年度DX認定第0001号", "--reason", "紛失", "--date", "2026-12-03").returncode == 0
    # Revoked without a date: the person is not 認定可 again; an override needs the person and a reason.
    revoked = next(p for p in json.loads(cli("eligibility", "--level", "advisor", "--date", "2026-12-10", "--json",
                                             "--all").stdout) if any("取消" in r["text"] for r in p["requirements"]))
    assert revoked["status"] != "eligible"
    refused = cli("certify", "--approve-eligible", "--date", "2026-12-10", "--approver", "真岡市長", "--level",
                  "advisor", "--override-reason", "再審査")
    assert refused.returncode == 1 and "--staff-no" in refused.stderr
    override = cli("certify", "--approve-eligible", "--date", "2026-12-10", "--approver", "真岡市長", "--level",
                   "advisor", "--staff-no", revoked["staff_no"], "--override-reason", "再審査")
    assert override.returncode == 0 and "令和8年度DX認定第0005号" in override.stdout, override.stderr
    dated = cli("revoke", "令和8年度DX認定第0003号", "--reason", "誤り", "--date", "2026-12-02",
                "--reeligible-from", "2027-04-01")
    assert dated.returncode == 0, dated.stderr
    out = tmp_path / "名簿.xlsx"
    assert cli("register", "export", str(out)).returncode == 0
    from openpyxl import load_workbook

    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "認定番号" and len(rows) == 1 + 25 + 5
    revoked = next(r for r in rows if r[0] == "令和8年度DX認定第0002号")
    assert revoked[8] == "取消" and revoked[10] == "誤り"
