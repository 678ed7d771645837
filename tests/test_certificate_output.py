"""Core helpers behind the 証書 screen: the output list, printing without a file, the certificate settings."""

from __future__ import annotations

import base64
import io
import json
import subprocess
from datetime import date

import pytest
from PIL import Image

from app.overview import audit_log
from app.certification import certificate_settings
from app.certification import certificates
from app.register import settings
from app.register.accounts import Role, create_user
from app.errors import PermissionDenied, UserError
from tests.conftest import ADMIN_USER, OFFICER


def png(mode: str = "RGBA", size: tuple[int, int] = (40, 40)) -> bytes:
    image = Image.new(mode, size, (200, 0, 0, 128) if mode == "RGBA" else (200, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def text_of(data: bytes, tmp_path) -> str:
    path = tmp_path / "extract.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_output_list_shows_history_and_the_next_mark(town, admin, tmp_path):
    rows = certificates.output_list(town, ADMIN_USER)
    assert len(rows) == 25 and all(r["prints"] == 0 and r["mark"] == "" and r["last_printed"] is None for r in rows)
    first = rows[0]
    certificates.write(town, admin, [first["id"]], tmp_path / "a.pdf")
    again = {r["id"]: r for r in certificates.output_list(town, ADMIN_USER)}[first["id"]]
    assert again["prints"] == 1 and again["mark"] == "再発行" and again["last_printed"]
    assert first["id"] not in {r["id"] for r in certificates.output_list(town, ADMIN_USER, new_only=True)}
    assert len(certificates.output_list(town, ADMIN_USER, new_only=True)) == 24


def test_revoked_certifications_are_not_offered(town, admin):
    from app.certification import decisions

    number = certificates.output_list(town, ADMIN_USER)[0]["certificate_no"]
    decisions.revoke(town, admin, number, "誤認定", date(2025, 1, 10))
    assert number not in {r["certificate_no"] for r in certificates.output_list(town, ADMIN_USER)}


def test_no_ids_means_no_certificates(town):
    assert certificates.certificates(town, []) == []


def test_record_print_logs_first_issue_then_reprint(town, admin):
    ids = certificates.select(town)[:2]
    certs = certificates.certificates(town, ids)
    certificates.record_print(town, admin, certs, "landscape", "事務室プリンタ")
    log = certificates.print_log(town, ADMIN_USER)
    assert [(r["kind"], r["template"], r["file_name"]) for r in log] == [("first", "landscape", "")] * 2
    again = certificates.certificates(town, ids)
    assert {c.mark for c in again} == {"再発行"}
    certificates.record_print(town, admin, again, "portrait", "事務室プリンタ")
    assert [r["kind"] for r in certificates.print_log(town, ADMIN_USER)][:2] == ["reprint", "reprint"]
    entry = audit_log.recent(town, ADMIN_USER, 1)[0]
    assert entry["action"] == "certificate.print" and json.loads(entry["after_json"])["printer"] == "事務室プリンタ"


def test_record_print_is_for_the_administrator(town, admin):
    viewer = create_user(town, "viewer", "閲覧 者", "correct horse 1", Role.VIEWER, OFFICER)
    certs = certificates.certificates(town, certificates.select(town)[:1])
    with pytest.raises(PermissionDenied):
        certificates.record_print(town, viewer, certs, "portrait", "printer")
    assert certificates.print_log(town, ADMIN_USER) == []


def test_pdf_bytes_is_the_pdf_written(town, tmp_path):
    certs = certificates.certificates(town, certificates.select(town)[2:3])
    data = certificates.pdf_bytes(certificates.layout(town), certs)
    assert data.startswith(b"%PDF")
    text = text_of(data, tmp_path)
    assert "𠮷田" in text and "令和6年3月15日" in text


def test_sample_certificate_uses_the_scheme_level(town):
    sample = certificate_settings.sample_certificate(town)
    assert sample.level == "DXアドバイザー" and sample.mark == "見本" and sample.decided_on == date.today()


def test_sample_certificate_without_a_scheme(db):
    assert certificate_settings.sample_certificate(db).level


def test_save_settings_changes_the_next_layout_and_is_audited(town, admin):
    changed = certificate_settings.save(town, admin, {"certificate_honorific": "様", "municipality_name": " 真岡市 ",
                                                      "mayor_name": "石坂　真一", "certificate_seal_mm": 25})
    assert set(changed) == {"certificate_honorific", "municipality_name", "mayor_name", "certificate_seal_mm"}
    lay = certificates.layout(town)
    assert lay.honorific == "様" and lay.issuer == "真岡市長\u3000石坂　真一" and lay.seal_mm == 25
    assert {e["entity_id"] for e in audit_log.recent(town, ADMIN_USER, 10) if e["action"] == "setting.change"} >= set(changed)
    assert certificate_settings.save(town, admin, {"certificate_honorific": "様"}) == []


@pytest.mark.parametrize("changes, fragment", [
    ({"certificate_body": "{名前}を認定します"}, "名前"),
    ({"certificate_honorific": "さん"}, "殿"),
    ({"certificate_template": "A3"}, "A3"),
    ({"certificate_title": " "}, ""),
    ({"certificate_seal_mm": 200}, "60"),
    ({"certificate_title": "認定証\ue000"}, "U+E000"),
    ({"mayor_name": "葛\U000e0100城"}, "異体字セレクタ"),
    ({"certificate_seal_png": base64.b64encode(b"GIF89a....").decode()}, "PNG"),
])
def test_save_settings_refuses_what_would_break_printing(town, admin, changes, fragment):
    before = certificate_settings.values(town)
    with pytest.raises(UserError) as caught:
        certificate_settings.save(town, admin, changes)
    assert fragment in str(caught.value)
    assert certificate_settings.values(town) == before


def test_save_settings_is_for_the_administrator(town, admin):
    viewer = create_user(town, "viewer", "閲覧 者", "correct horse 1", Role.VIEWER, OFFICER)
    with pytest.raises(PermissionDenied):
        certificate_settings.save(town, viewer, {"certificate_honorific": "様"})
    assert settings.get(town, "certificate_honorific") == "殿"


def test_seal_info_tells_transparency(town, admin, tmp_path):
    assert certificate_settings.seal_info(png("RGBA", (60, 50))) == certificate_settings.SealInfo(60, 50, True)
    assert not certificate_settings.seal_info(png("RGB")).transparent
    with pytest.raises(UserError):
        certificate_settings.seal_info(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    seal = base64.b64encode(png()).decode()
    certificate_settings.save(town, admin, {"certificate_seal_png": seal})
    lay = certificates.layout(town)
    assert lay.seal_png == png()
    data = certificates.pdf_bytes(lay, certificates.certificates(town, certificates.select(town)[:1]))
    assert b"/Image" in data or b"/XObject" in data


def test_layout_from_unsaved_values(town):
    values = {**certificate_settings.values(town), "certificate_title": "修了証", "municipality_name": "真岡市",
              "mayor_title": "市長", "mayor_name": "石坂 真一"}
    lay = certificate_settings.layout_from(values)
    assert lay.title == "修了証" and lay.issuer.startswith("真岡市長") and lay.seal_png is None
