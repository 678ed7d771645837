"""Certificates as a new town first prints them (issue 12, items 10, 12, 13, 17, 18).

Real registers in temporary folders, PDFs and workbooks read back: the issuer must be set
before anything is printed or logged, the ceremony list follows its extension and keeps its
text inside the table, the body breaks where a reader expects, and messages say which field.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.lib.units import mm

from app import pdf_fonts
from app.certification import certificate_settings
from app.certification import certificates
from app.certification import decisions
from app.register import settings
from app.register.accounts import Role, User
from app.demo.town import set_demo_municipality
from app.demo.projects import load_certification_history, load_projects
from app.errors import UserError
from tests.conftest import ADMIN_USER

OFFICER = User(0, "officer", "officer", Role.ADMIN)
CEREMONY_DAY = date(2026, 4, 1)


@pytest.fixture
def fresh(demo_db):
    """A register as a town starts it: staff and decisions, but no town name or mayor in the settings."""
    load_projects(demo_db, "test")
    load_certification_history(demo_db, "test")
    return demo_db


@pytest.fixture
def town(fresh):
    set_demo_municipality(fresh, "test")
    return fresh


@pytest.fixture
def out(tmp_path) -> Path:
    """An empty folder for what is written (the register itself lives in ``tmp_path``)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _prints(db) -> int:
    return db.execute("SELECT count(*) FROM certificate_prints").fetchone()[0]


# -- item 10: no town or mayor, no certificate ------------------------------------------------------------

def test_output_is_refused_until_the_town_and_issuer_are_set_and_nothing_is_logged(fresh, out):
    ids = certificates.select(fresh, new_only=True)
    assert ids
    with pytest.raises(UserError) as refused:
        certificates.write(fresh, OFFICER, ids, out / "c.pdf")
    assert "自治体名" in str(refused.value) and "認定者の氏名" in str(refused.value)
    assert "認定者の職名" not in str(refused.value)  # 市長 is there by default
    assert not list(out.iterdir()) and _prints(fresh) == 0
    certs = certificates.certificates(fresh, ids[:1])
    with pytest.raises(UserError, match="自治体名"):
        certificates.record_print(fresh, OFFICER, certs, "portrait", "printer")
    with pytest.raises(UserError, match="自治体名"):
        certificates.ceremony_list(fresh, OFFICER, ids, out / "list.pdf", on=CEREMONY_DAY)
    assert _prints(fresh) == 0 and not list(out.iterdir())

    settings.set_value(fresh, "municipality_name", "真岡市", ADMIN_USER)
    with pytest.raises(UserError) as still:
        certificates.write(fresh, OFFICER, ids, out / "c.pdf")
    assert "認定者の氏名" in str(still.value) and "自治体名" not in str(still.value)
    settings.set_value(fresh, "mayor_name", "石坂　真一", ADMIN_USER)
    certificates.write(fresh, OFFICER, ids, out / "c.pdf")
    kinds = {r[0] for r in fresh.execute("SELECT kind FROM certificate_prints")}
    assert kinds == {"first"}  # the first good print is the first issue, not a 再発行
    text = subprocess.run(["pdftotext", str(out / "c.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "真岡市のDX人材" in text and "真岡市長" in text and "石坂" in text
    assert certificates.select(fresh, new_only=True) == []


# -- item 12: the ceremony list ----------------------------------------------------------------------------

def test_ceremony_list_format_follows_the_extension_and_has_the_affiliation(town, out):
    ids = certificates.select(town)
    with pytest.raises(UserError) as refused:
        certificates.ceremony_list(town, OFFICER, ids, out / "ceremony.txt", on=CEREMONY_DAY)
    assert ".pdf" in str(refused.value) and ".xlsx" in str(refused.value) and "ceremony.txt" in str(refused.value)
    assert not list(out.iterdir())

    xlsx = certificates.ceremony_list(town, OFFICER, ids, out / "ceremony.xlsx", on=CEREMONY_DAY)
    assert xlsx.read_bytes()[:2] == b"PK"  # a workbook, not a PDF under an .xlsx name
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0] == ("番号", "認定番号", "氏名", "所属", "レベル", "認定日")
    assert len(rows) == len(ids) + 1
    register = {r["certificate_no"]: r for r in decisions.register(town, OFFICER)}
    for row in rows[1:]:
        assert row[3] and row[3] in register[row[1]]["section"]  # the person's 課 (or 部)

    pdf = certificates.ceremony_list(town, OFFICER, ids, out / "ceremony.pdf", on=CEREMONY_DAY)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "所属" in text and rows[1][3] in text


def _text_runs(path: Path) -> list[tuple[float, float, str]]:
    """(x, font size, text) of every text run drawn on the first page, read back from the PDF."""
    runs: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            runs.append((tm[4] * cm[0] + cm[4], font_size * tm[0], text.strip()))

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return runs


def test_ceremony_list_text_stays_inside_the_table_rule(town, tmp_path):
    """Every cell ends before the next column and the last before the right end of the rule."""
    long_level = "デジタルマネジメント人材（上級）"
    town.execute("UPDATE scheme_levels SET name = ? WHERE code = 'specialist'", [long_level])
    town.execute("UPDATE org_units SET name = '地域デジタル推進戦略課' WHERE name = '人事課'")
    pdf = certificates.ceremony_list(town, OFFICER, certificates.select(town), tmp_path / "list.pdf", on=CEREMONY_DAY)
    columns = [x * mm for x in certificates._CEREMONY_COLUMNS_MM]
    right = certificates._CEREMONY_RIGHT_MM * mm
    ends = dict(zip(columns, [*columns[1:], right]))
    runs = _text_runs(pdf)
    checked = 0
    for x, size, text in runs:
        start = min(columns, key=lambda c: abs(c - x))
        if abs(start - x) > 0.5:
            continue  # the heading and the page number
        assert x + pdf_fonts.width(text, size) <= ends[start] - 1, (text, size)
        checked += 1
    assert checked > 6 * 20
    assert any(long_level[:6] in text for _x, _s, text in runs)  # shrunk to fit, not dropped


# -- item 13: one word, two meanings -----------------------------------------------------------------------

def test_register_export_heads_the_status_column_as_the_certification_status(town, tmp_path):
    out = tmp_path / "register.xlsx"
    decisions.export_register(town, out, OFFICER)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    status = rows[0].index("状態")
    assert "在職状況" not in rows[0]
    assert {row[status] for row in rows[1:]} <= {"認定", "取消"}
    from app.i18n import pgettext

    assert pgettext("employment", "Status") == "在職状況"  # the staff list keeps its own meaning


# -- item 17: a bad character in the settings --------------------------------------------------------------

def test_an_emoji_in_the_body_names_the_field_the_character_and_what_to_do(town, admin):
    body = "あなたは{自治体}のDX人材認定制度に基づき、{レベル}として認定されたことを証します😀"
    with pytest.raises(UserError) as refused:
        certificate_settings.save(town, admin, {"certificate_body": body})
    message = str(refused.value)
    assert "本文" in message and "😀 (U+1F600)" in message
    assert "保存" in message and "出力" not in message
    assert "見本" not in message and "太郎" not in message  # the sample person is not to blame
    assert "GRINNING" not in message and "FACE" not in message
    assert settings.get(town, "certificate_body") != body


def test_a_private_use_character_in_the_issuer_is_named_as_gaiji(town, admin):
    with pytest.raises(UserError) as refused:
        certificate_settings.save(town, admin, {"mayor_name": "石\ue000　真一"})
    assert "認定者の氏名" in str(refused.value) and "外字 (U+E000)" in str(refused.value)


# -- item 18: line breaks at phrase boundaries ---------------------------------------------------------

BODY = "あなたは真岡市のDX人材認定制度に基づき、DXアドバイザーとして認定されたことを証します。"


def test_the_body_breaks_at_phrases_not_inside_a_term():
    pdf_fonts.register()
    lines = certificates._wrap(BODY, 17, 140 * mm, ("DXアドバイザー", "真岡市"))
    assert "".join(lines) == BODY
    assert lines[0].endswith("に基づき、") and lines[1].startswith("DXアドバイザーとして")


def test_level_and_town_names_are_never_split_even_where_budoux_would():
    pdf_fonts.register()
    town, level = "さくらみどり市", "デジタルマネジメント人材"
    text = f"あなたは{town}のDX人材認定制度に基づき、{level}として認定されたことを証します。"
    for width_mm in range(75, 150, 5):  # the level (12 characters) fits from 72 mm
        lines = certificates._wrap(text, 17, width_mm * mm, (level, town))
        assert "".join(lines) == text
        assert all(pdf_fonts.width(line, 17) <= width_mm * mm for line in lines)
        assert any(town in line for line in lines) and any(level in line for line in lines), (width_mm, lines)
    columns = certificates._columns(text, 14, (level, town))
    assert any(level in c for c in columns) and any(town in c for c in columns) and max(map(len, columns)) <= 14


def test_printed_certificate_lines_end_at_phrases(town, tmp_path):
    ids = [certificates.select(town)[0]]
    out = certificates.write(town, OFFICER, ids, tmp_path / "c.pdf")[0]
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    assert "あなたはみどり市のDX人材認定制度に基づき、" in lines
    assert any(line.startswith("DXアドバイザーとして") for line in lines)
