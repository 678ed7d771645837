"""`skills map`, `skills demand …` and `skills candidates` on a real register file."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from app.demo.skill_demand import load_skill_demand
from tests.conftest import run_cli
from tests.skill_map_fixtures import FAMILY, ON, fill


@pytest.fixture
def skill_file(town, db_path):
    fill(town)
    load_skill_demand(town, "test")
    return db_path


def test_map_json_counts_match_the_demand_table(skill_file, town):
    result = run_cli("--db", str(skill_file), "skills", "map", "--date", ON.isoformat(), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["family"] == FAMILY
    lines = [n for r in data["rows"] for c in r["cells"].values() for n in c["needs"]]
    assert len(lines) == town.execute("SELECT count(*) FROM skill_demands").fetchone()[0]
    short = sum(1 for n in lines if n["have"] < n["needed"])
    assert data["shortages"] == short


def test_map_of_one_section_in_text_and_xlsx(skill_file, tmp_path):
    out = tmp_path / "map.xlsx"
    result = run_cli("--db", str(skill_file), "skills", "map", "--section", "デジタル戦略課", "--date", ON.isoformat(),
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "デジタル戦略課" in result.stdout and "セキュリティ L3" in result.stdout
    assert "市民課" not in result.stdout
    assert load_workbook(out).worksheets[0].cell(row=5, column=1).value == "デジタル戦略課"


def test_demand_add_edit_list_remove(skill_file):
    db = ["--db", str(skill_file)]
    result = run_cli(*db, "skills", "demand", "add", "ai", "--level", "3", "--people", "2", "--section", "税務課",
                     "--year", "2026", "--note", "AI-OCR")
    assert result.returncode == 0, result.stderr
    demand_id = int("".join(ch for ch in result.stdout if ch.isdigit()))
    assert run_cli(*db, "skills", "demand", "edit", str(demand_id), "--people", "4", "--standing").returncode == 0
    listed = json.loads(run_cli(*db, "skills", "demand", "list", "--json").stdout)
    line = next(d for d in listed if d["id"] == demand_id)
    assert (line["item_code"], line["level"], line["people"], line["fiscal_year"], line["note"]) == (
        "ai", 3, 4, None, "AI-OCR")
    assert run_cli(*db, "skills", "demand", "remove", str(demand_id)).returncode == 0
    assert all(d["id"] != demand_id for d in json.loads(run_cli(*db, "skills", "demand", "list", "--json").stdout))


def test_refusals_exit_1_in_japanese(skill_file):
    db = ["--db", str(skill_file)]
    result = run_cli(*db, "skills", "demand", "add", "cooking", "--level", "2", "--section", "税務課")
    assert result.returncode == 1 and "cooking" in result.stderr and "エラー" in result.stderr
    result = run_cli(*db, "skills", "demand", "add", "ai", "--level", "2")
    assert result.returncode == 1
    result = run_cli(*db, "skills", "map", "--section", "存在しない課")
    assert result.returncode == 1 and "存在しない課" in result.stderr
    assert run_cli(*db, "skills", "demand", "remove", "99999").returncode == 1


def test_candidates_json(skill_file):
    result = run_cli("--db", str(skill_file), "skills", "candidates", "security", "--level", "3", "--section",
                     "デジタル戦略課", "--date", ON.isoformat(), "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found and all(c["level"] >= 2 for c in found)
    assert all(c["section"] != "デジタル戦略課" for c in found)
