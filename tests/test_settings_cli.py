"""`settings list|get|set`, and the CLI paths of issue 12 items 10–12, run in-process (tests.conftest.run_cli)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def register(tmp_path: Path):
    """A demo town whose town name and mayor have been cleared, as in a fresh register."""
    db = tmp_path / "town.sqlite"

    def run(*args: str) -> subprocess.CompletedProcess:
        return run_cli("--db", str(db), *args, cwd=ROOT)

    assert run("demo", "--staff", "300").returncode == 0
    assert run("settings", "set", "municipality_name", "").returncode == 0
    assert run("settings", "set", "mayor_name", "").returncode == 0
    return run


def test_settings_list_get_set_with_json_and_refusals(register):
    listed = json.loads(register("settings", "list", "--json").stdout)
    assert listed["municipality_name"] == "" and listed["mayor_title"] == "市長"
    assert set(listed) >= {"certificate_body", "certificate_seal_mm", "executive_max_rank"}
    text = register("settings", "list").stdout
    assert "自治体名" in text and "認定者の氏名" in text

    done = register("settings", "set", "municipality_name", " 真岡市 ")
    assert done.returncode == 0 and "自治体名" in done.stdout and "真岡市" in done.stdout
    assert json.loads(register("settings", "get", "municipality_name", "--json").stdout) == "真岡市"
    assert register("settings", "get", "municipality_name").stdout.strip() == "真岡市"
    assert register("settings", "set", "certificate_seal_offset_mm", "5,-3").returncode == 0
    assert json.loads(register("settings", "get", "certificate_seal_offset_mm", "--json").stdout) == [5, -3]

    for args, words in ((("get", "town"), ("town", "municipality_name")),
                        (("set", "town", "x"), ("town",)),
                        (("set", "certificate_seal_mm", "大"), ("公印の大きさ", "整数")),
                        (("set", "certificate_seal_mm", "99"), ("10", "60")),
                        (("set", "certificate_honorific", "さん"), ("殿",)),
                        (("set", "executive_max_rank", "99"), ("幹部職員",)),
                        (("set", "mayor_name", "石坂😀"), ("認定者の氏名", "U+1F600"))):
        refused = register("settings", *args)
        assert refused.returncode == 1, (args, refused.stdout)
        assert "Traceback" not in refused.stderr and all(w in refused.stderr for w in words), (args, refused.stderr)
    assert json.loads(register("settings", "get", "mayor_name", "--json").stdout) == ""
    assert json.loads(register("settings", "get", "certificate_seal_mm", "--json").stdout) == 30


def test_certificates_are_refused_until_the_town_and_mayor_are_set(register, tmp_path):
    out = tmp_path / "c.pdf"
    refused = register("certificates", "--out", str(out), "--new")
    assert refused.returncode == 1 and "自治体名" in refused.stderr and "認定者の氏名" in refused.stderr
    assert not out.exists()
    register("settings", "set", "municipality_name", "真岡市")
    register("settings", "set", "mayor_name", "石坂　真一")
    done = register("certificates", "--out", str(out), "--new")
    assert done.returncode == 0, done.stderr
    # the first good print was the first issue: nothing is left as new
    assert "出力する認定証がありません" in register("certificates", "--out", str(tmp_path / "d.pdf"), "--new").stdout


def test_certify_takes_the_approver_from_the_settings_and_refuses_without_one(register, tmp_path):
    refused = register("certify", "--approve-eligible", "--date", "2026-12-01", "--level", "advisor")
    assert refused.returncode == 1 and "認定者" in refused.stderr and "settings set" in refused.stderr
    register("settings", "set", "mayor_name", "石坂　真一")
    done = register("certify", "--approve-eligible", "--date", "2026-12-01", "--level", "advisor")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "register.csv"
    assert register("register", "export", str(out), "--year", "2026").returncode == 0
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 5 and all("市長 石坂　真一" in row for row in rows[1:])


def test_ceremony_list_extension_decides_the_format(register, tmp_path):
    register("settings", "set", "municipality_name", "真岡市")
    register("settings", "set", "mayor_name", "石坂　真一")
    wrong = register("certificates", "--out", str(tmp_path / "a.pdf"), "--all", "--ceremony-list",
                     str(tmp_path / "list.docx"))
    assert wrong.returncode == 1 and ".xlsx" in wrong.stderr and "list.docx" in wrong.stderr
    assert not (tmp_path / "a.pdf").exists()  # refused before any certificate was written or logged
    done = register("certificates", "--out", str(tmp_path / "b.pdf"), "--all", "--ceremony-list",
                    str(tmp_path / "ceremony.xlsx"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "ceremony.xlsx").read_bytes()[:2] == b"PK"
