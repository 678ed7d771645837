"""A new town's whole Moka cycle through `dx-jinzai-cli` alone: no Python service call, no SQL.

What a script (or an officer without the screens) does on a fresh register: the town and its
certifying official, the staff list, a project with members, four workshops with attendance, the
raters the rules suggest plus an outside rater, the signed Excel sheets out, filled in (here with
openpyxl, as each rater would in Excel) and back, the degree of realisation, eligibility,
certification, the certificates (read back from the PDF) and the verification of one.

Each step is one line of ``cycle``: adding a step (e.g. importing earlier certifications) is one
more line. Every date is given. Ratings carry the time they are submitted (the wall clock), so the
decision day lies well after any day this test can run on.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.evaluation import sheets as evaluation_sheets
from tests.conftest import run_cli

DECIDED = "2099-03-10"          # the mayor's decision; after every rating the test submits
DECIDED_WAREKI = "令和81年3月10日"
TOWN, TITLE, MAYOR = "芳賀町", "町長", "大塚 朋之"

STAFF = [  # 職員番号, 姓, 名, せい, めい, 部, 課, 職位
    ("1001", "小林", "健一", "こばやし", "けんいち", "総務部", "", "部長"),
    ("1002", "斎藤", "正和", "さいとう", "まさかず", "総務部", "総務課", "課長"),
    ("1003", "石井", "誠", "いしい", "まこと", "企画部", "デジタル推進課", "係長"),
    ("1004", "森", "沙織", "もり", "さおり", "企画部", "デジタル推進課", "主事"),
    ("2001", "高橋", "美咲", "たかはし", "みさき", "総務部", "総務課", "主任"),
    ("2002", "田中", "翔太", "たなか", "しょうた", "総務部", "総務課", "主事"),
    ("2003", "渡辺", "陽菜", "わたなべ", "ひな", "総務部", "総務課", "主事"),
    ("2004", "伊藤", "大輔", "いとう", "だいすけ", "総務部", "総務課", "主事"),
]
MEMBERS = ["2001", "2002", "2003", "2004"]


def cli_path() -> str:
    """The installed console script, as an officer's script calls it."""
    script = Path(sys.executable).parent / ("dx-jinzai-cli.exe" if os.name == "nt" else "dx-jinzai-cli")
    assert script.exists(), f"{script} is not installed (make install)"
    return str(script)


class Cli:
    """Runs `dx-jinzai-cli --db FILE ...` in its own process; ``ok`` insists on exit 0, ``json`` reads --json."""

    def __init__(self, db: Path, data_dir: Path) -> None:
        self.db = db
        self.env = {**os.environ, "DX_JINZAI_LANG": "ja", "PYTHONIOENCODING": "utf-8",
                    "DX_JINZAI_DATA_DIR": str(data_dir)}

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([cli_path(), "--db", str(self.db), *args], input=stdin, capture_output=True, text=True,
                              encoding="utf-8", env=self.env, timeout=180)

    def ok(self, *args: str, stdin: str | None = None) -> str:
        result = self.run(*args, stdin=stdin)
        assert result.returncode == 0, f"{' '.join(args)} → {result.returncode}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def json(self, *args: str):
        return json.loads(self.ok(*args, "--json"))


class InProcessCli(Cli):
    """The same commands through ``tests.conftest.run_cli``: for the many action tests, where a new
    interpreter per command is only cost (this cycle keeps the real console script)."""

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return run_cli("--db", str(self.db), *args, stdin=stdin,
                       env={"DX_JINZAI_DATA_DIR": self.env["DX_JINZAI_DATA_DIR"]})


def write_staff_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["職員番号", "姓", "名", "せい", "めい", "部", "課", "係", "職位", "採用日"])
        for no, family, given, family_r, given_r, dept, section, position in STAFF:
            writer.writerow([no, family, given, family_r, given_r, dept, section, "", position, "2010-04-01"])
    return path


def fill_sheets(folder: Path, score: int = 4) -> list[Path]:
    """What each rater does in Excel: a score (and a word) in every open row, then save."""
    files = sorted(folder.glob("*.xlsx"))
    first = evaluation_sheets.HEADER_ROW + 1
    for path in files:
        workbook = load_workbook(path)
        for row in workbook.worksheets[0].iter_rows(min_row=first):
            if row[5].value and not row[3].protection.locked:
                row[3].value, row[4].value = score, "よく取り組んだ"
        workbook.save(path)
    return files


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "haga.sqlite", tmp_path / "data")


def test_moka_cycle_on_a_fresh_register_through_the_cli_alone(cli: Cli, tmp_path: Path):
    sheets, pdf = tmp_path / "sheets", tmp_path / "certificates.pdf"
    staff_csv = write_staff_csv(tmp_path / "staff.csv")
    earlier_csv = tmp_path / "以前の認定.csv"
    earlier_csv.write_bytes(("職員番号,レベル,認定日,認定番号,認定者,取消日,取消理由\r\n"
                             f"1002,DXアドバイザー,令和6年3月15日,令和5年度DX認定第0001号,{MAYOR},,\r\n"
                             f"1004,DXアドバイザー,令和6年3月15日,令和5年度DX認定第0002号,{MAYOR},,\r\n").encode("cp932"))
    cycle = [
        ("init",),
        ("settings", "set", "municipality_name", TOWN),
        ("settings", "set", "mayor_title", TITLE),
        ("settings", "set", "mayor_name", MAYOR),
        ("import-staff", str(staff_csv), "--effective-date", "2025-04-01"),
        ("schemes", "install", "moka"),
        ("certifications", "import", str(earlier_csv)),  # the paper register of 令和5年度
        ("staff", "set-status", "1004", "休職", "--on", "2025-10-01", "--until", "2026-03-31"),
        ("projects", "add", "窓口予約のオンライン化", "--year", "2025", "--section", "総務部 総務課"),
        ("projects", "members", "add", "1", "2001", "--role", "leader", "--date", "2025-05-01"),
        ("projects", "members", "add", "1", "2002", "2003", "2004", "--date", "2025-05-01"),
        ("projects", "sessions", "add", "1", "--date", "2025-06-05", "--title", "第1回ワークショップ", "--hours", "2",
         "--all-members"),
        ("projects", "sessions", "add", "1", "--date", "2025-07-03", "--title", "第2回ワークショップ", "--hours", "2",
         "--all-members"),
        ("projects", "sessions", "add", "1", "--date", "2025-08-07", "--title", "第3回ワークショップ", "--hours", "2"),
        ("projects", "sessions", "attendance", "3", "--attended", *MEMBERS),
        ("projects", "sessions", "add", "1", "--date", "2025-09-04", "--title", "第4回ワークショップ", "--hours", "2",
         "--attended", *MEMBERS),
        ("projects", "externals", "add", "1", "--name", "佐野 健一", "--organisation", "とちぎデジタル支援株式会社"),
        ("assignments", "suggest", "--project", "1", "--date", "2025-10-01", "--apply"),
        ("export-evaluation-sheets", "--project", "1", "--out", str(sheets)),
        ("projects", "status", "1", "completed"),
        ("projects", "realise", "1", "trial", "--date", "2026-02-20", "--by", "部長会議"),
        ("projects", "outcomes", "1", "--hours-saved", "320", "--procedures-online", "3"),
    ]
    for step in cycle:
        cli.ok(*step)

    # Who was suggested: 部長 and 課長 (policy), the other three members (leadership), the digital
    # section's 係長 and the outside rater (ICT), for each of the four members.
    assignments = cli.json("assignments", "list", "--project", "1")
    assert len(assignments) == 4 * (2 + 3 + 2)
    assert {a["evaluator"] for a in assignments if a["perspective"] == "ICT"} == {"石井 誠", "佐野 健一"}
    members = cli.json("projects", "members", "list", "1")
    assert sorted(m["staff_no"] for m in members) == MEMBERS
    assert {m["sessions_attended"] for m in members} == {4}

    files = fill_sheets(sheets)
    assert len(files) == 2 + 4 + 1 + 1  # two executives, four members, one digital manager, one outside rater
    imported = cli.json("import-evaluation-sheets", *map(str, files))
    assert all(report["imported"] for report in imported)
    assert {a["status"] for a in cli.json("assignments", "list", "--project", "1")} == {"submitted"}

    eligible = cli.json("eligibility", "--date", DECIDED, "--level", "advisor")
    assert sorted(c["staff_no"] for c in eligible if c["status"] == "eligible") == MEMBERS
    certified = cli.ok("certify", "--approve-eligible", "--date", DECIDED)
    numbers = re.findall(r"令和\d+年度DX認定第\d{4}号", certified)
    assert numbers == ["令和80年度DX認定第0001号", "令和80年度DX認定第0004号"]

    # The four decided now (the two earlier ones were handed out on paper; --new would print them too).
    cli.ok("certificates", "--out", str(pdf), "--numbers", *(f"令和80年度DX認定第{i:04}号" for i in range(1, 5)))
    text = pdf_text(pdf)
    for name in ("高橋 美咲", "田中 翔太", "渡辺 陽菜", "伊藤 大輔"):
        assert name.replace(" ", "") in text.replace(" ", "").replace("\u3000", "")
    assert text.count(DECIDED_WAREKI) == 4 and TOWN in text and MAYOR.replace(" ", "") in text.replace(" ", "")
    code = re.search(r"照合コード\s*(\S+)", text).group(1)
    verified = cli.json("verify", code)
    assert verified["valid"] is True and "令和80年度DX認定第0001号" in json.dumps(verified, ensure_ascii=False)
