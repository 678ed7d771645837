"""The participant survey of a training event: questions, answers imported from a sheet, results per question."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import i18n
from app.db import open_database
from app.demo.town import generate_town, load_town
from app.errors import UserError
from app.staff.importer import ImportRefused
from app.tabular import read_table, write_xlsx
from app.training import surveys
from tests.conftest import ADMIN_USER, run_cli
from tests.test_import_fuzz import SETTINGS, Figures, Register, commit_unless_refused, digest, run_case, staff_file

QUESTIONS = ["満足度", "分かりやすさ", "業務への活用"]


def _event(db, title: str = "DX講演会") -> int:
    """An event as lane 1's service would store it (entered directly here)."""
    return db.execute("INSERT INTO training_events (title, kind, starts_on, ends_on, hours) "
                      "VALUES (?, 'lecture', '2026-10-20', '2026-10-20', 1.5)", [title]).lastrowid


def _answers(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    header = header or [*QUESTIONS, "コメント"]
    path.write_text("\r\n".join(",".join(r) for r in [header, *rows]) + "\r\n", encoding="utf-8-sig")
    return path


def test_questions_are_set_and_reworded_but_not_recounted_once_answered(db, tmp_path):
    event = _event(db)
    surveys.set_questions(db, ADMIN_USER, event, QUESTIONS)
    assert [q["text"] for q in surveys.questions(db, ADMIN_USER, event)] == QUESTIONS
    with pytest.raises(UserError):
        surveys.set_questions(db, ADMIN_USER, event, [f"Q{i}" for i in range(6)])
    with pytest.raises(UserError):
        surveys.set_questions(db, ADMIN_USER, event, ["同じ", "同じ"])
    surveys.set_questions(db, ADMIN_USER, event, ["満足度", "分かりやすさ"])  # no answers yet: may shrink
    surveys.set_questions(db, ADMIN_USER, event, QUESTIONS)
    preview = surveys.preview_file(db, ADMIN_USER, event, _answers(tmp_path / "a.csv", [["5", "4", "3", "良かった"]]))
    surveys.commit(db, ADMIN_USER, preview)
    surveys.set_questions(db, ADMIN_USER, event, ["全体の満足度", "分かりやすさ", "業務への活用"])
    with pytest.raises(UserError, match="設問の数"):
        surveys.set_questions(db, ADMIN_USER, event, ["満足度"])
    assert surveys.default_questions()[0] == "全体として、この研修に満足しましたか"


def test_answers_import_and_results_per_question(db, tmp_path):
    event = _event(db)
    surveys.set_questions(db, ADMIN_USER, event, QUESTIONS)
    rows = [["5", "4", "5", "具体例が分かりやすかった"], ["4", "", "3", ""], ["３", "2", "4", "=cmd|' /C calc'!A0"],
            ["", "", "", ""], ["5", "5", "5", ""]]
    path = _answers(tmp_path / "講演会アンケート.csv", rows)
    preview = surveys.preview_file(db, ADMIN_USER, event, path)
    assert preview.errors == [] and len(preview.responses) == 4
    surveys.commit(db, ADMIN_USER, preview)
    result = surveys.results(db, ADMIN_USER, event)
    assert result["responses"] == 4
    first, second, third = result["questions"]
    assert first["distribution"] == {1: 0, 2: 0, 3: 1, 4: 1, 5: 2} and first["mean"] == 4.25
    assert second["answers"] == 3 and second["mean"] == round((4 + 2 + 5) / 3, 2)
    assert third["mean"] == 4.25
    assert result["comments"] == ["具体例が分かりやすかった", "=cmd|' /C calc'!A0"]
    direct = db.execute("SELECT avg(value), count(*) FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id "
                        "WHERE q.event_id = ? AND q.position = 1", [event]).fetchone()
    assert direct == (4.25, 4)
    with pytest.raises(UserError, match="すでに取り込まれています"):
        surveys.commit(db, ADMIN_USER, surveys.preview_file(db, ADMIN_USER, event, path))


def test_numbered_headers_and_bad_values_are_refused_by_row_and_column(db, tmp_path):
    event = _event(db)
    surveys.set_questions(db, ADMIN_USER, event, QUESTIONS)
    path = _answers(tmp_path / "回答.csv", [["5", "6", "1", ""], ["とても", "3", "0", ""], ["4", "4", "4", ""]],
                    header=["Q1", "問2", "設問3", "感想"])
    before = digest(db)
    preview = surveys.preview_file(db, ADMIN_USER, event, path)
    assert [(e.row, e.column) for e in preview.errors] == [(2, "問2"), (3, "Q1"), (3, "設問3")]
    assert "1〜5 の回答ではありません" in preview.errors[0].text(path.name)
    with pytest.raises(ImportRefused):
        surveys.commit(db, ADMIN_USER, preview)
    assert digest(db) == before
    unrelated = _answers(tmp_path / "x.csv", [["1"]], header=["氏名"])
    assert surveys.preview_file(db, ADMIN_USER, event, unrelated).errors[0].row == 1


def test_no_questions_no_import_and_the_blank_sheet_round_trips(db, tmp_path):
    event = _event(db)
    with pytest.raises(UserError, match="設問がありません"):
        surveys.preview_file(db, ADMIN_USER, event, _answers(tmp_path / "a.csv", [["5", "5", "5", ""]]))
    surveys.set_questions(db, ADMIN_USER, event, QUESTIONS)
    sheet = tmp_path / "回答シート.xlsx"
    surveys.write_answer_sheet(db, ADMIN_USER, event, sheet)
    assert read_table(sheet).headers == [*QUESTIONS, "コメント"]


def test_cli_questions_sheet_import_results(db, db_path, tmp_path):
    event = _event(db)
    db.close()
    base = ["--db", str(db_path), "surveys"]
    assert run_cli(*base, "questions", str(event), "--default").returncode == 0
    sheet = tmp_path / "sheet.xlsx"
    assert run_cli(*base, "sheet", str(event), str(sheet)).returncode == 0
    headers = read_table(sheet).headers
    write_xlsx(sheet, headers, [["5", "4", "4", "5", "また参加したい"], ["3", "3", "4", "2", ""]], "回答")
    dry = run_cli(*base, "import", str(event), str(sheet), "--dry-run")
    assert dry.returncode == 0 and "2 件" in dry.stdout
    done = run_cli(*base, "import", str(event), str(sheet), "--json")
    assert done.returncode == 0 and '"responses": 2' in done.stdout
    results = run_cli(*base, "results", str(event))
    assert results.returncode == 0 and "Q1\t4.00\t2" in results.stdout and "また参加したい" in results.stdout
    bad = _answers(tmp_path / "bad.csv", [["9", "", "", "", ""]], header=["Q1", "Q2", "Q3", "Q4", "コメント"])
    refused = run_cli(*base, "import", str(event), str(bad))
    assert refused.returncode == 1 and "bad.csv, 2 行目、列「Q1」" in refused.stderr
    assert run_cli(*base, "results", "999").returncode == 1


@pytest.fixture(scope="module")
def survey_template(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("surveys") / "template.sqlite"
    result = open_database(path)
    load_town(result.db, generate_town(20, seed=3), "test")
    event = _event(result.db)
    surveys.set_questions(result.db, ADMIN_USER, event, QUESTIONS)
    result.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result.db.close()
    return path, event


@pytest.mark.reliability
def test_fuzz_survey_import(survey_template, tmp_path):
    i18n.install("ja")
    template, event = survey_template
    register = Register(template, tmp_path)
    figures = Figures()
    rnd0 = random.Random(4)
    rows = [[*QUESTIONS, "コメント"]] + [[str(rnd0.randint(1, 5)) for _ in QUESTIONS] + [f"感想 {i}"] for i in range(25)]
    files = tmp_path / "files"
    files.mkdir()

    @SETTINGS
    @given(seed=st.integers(0, 2**32 - 1))
    def case(seed: int) -> None:
        rnd = random.Random(seed)
        path = staff_file(rnd, files, rows).rename(files / rnd.choice(["回答.csv", "回答.xlsx"]))

        def attempt() -> list[str] | None:
            preview = surveys.preview_file(register.db, ADMIN_USER, event, path)
            return commit_unless_refused(preview.errors, lambda: surveys.commit(register.db, ADMIN_USER, preview),
                                         lambda: [e.text(path.name) for e in preview.errors])

        run_case(figures, register, path, attempt)

    try:
        case()
    finally:
        register.close()
    figures.check("survey-import-fuzz")


def test_the_demo_survey_goes_to_the_first_lecture(db):
    from app.demo.surveys import load_survey

    assert load_survey(db, "test") == 0  # no lecture: nothing
    event = _event(db)
    assert load_survey(db, "test") == 30
    result = surveys.results(db, ADMIN_USER, event)
    assert result["responses"] == 30 and len(result["questions"]) == 4
    assert all(q["mean"] is not None and 1 <= q["mean"] <= 5 for q in result["questions"])
    assert result["comments"]
