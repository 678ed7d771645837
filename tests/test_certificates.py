"""Certificate PDFs parsed back: exact names (𠮷 included), 和暦 dates, embedded fonts, refusals, verification."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import pdf_fonts
from app.certification import certificates
from app.certification import decisions
from app.certification import schemes
from app.register import settings
from app.register.accounts import Role, User
from app.demo.projects import load_certification_history, load_projects
from app.errors import UserError
from tests.conftest import ADMIN_USER, run_cli

ROOT = Path(__file__).resolve().parent.parent
OFFICER = User(0, "officer", "officer", Role.ADMIN)


@pytest.fixture
def town(demo_db):
    load_projects(demo_db, "test")
    load_certification_history(demo_db, "test")
    settings.set_value(demo_db, "municipality_name", "真岡市", ADMIN_USER)
    settings.set_value(demo_db, "mayor_name", "石坂　真一", ADMIN_USER)
    return demo_db


def _text(path: Path) -> str:
    """The text in drawing order (-raw), so that vertical columns read top to bottom as written."""
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _certify_names(db, names: list[str], on: date) -> list[int]:
    """Earlier decisions for the people with these family names (the demo town has all of them)."""
    scheme_id = schemes.active_scheme_id(db)
    ids = []
    for family in names:
        staff_id = db.execute("""SELECT id FROM staff WHERE family_name = ? AND status = 'active' AND id NOT IN
                                 (SELECT staff_id FROM certifications) ORDER BY id LIMIT 1""", [family]).fetchone()[0]
        number = decisions.record_past(db, OFFICER, scheme_id, staff_id, "advisor", on, "真岡市長")
        ids.append(db.execute("SELECT id FROM certifications WHERE certificate_no = ?", [number]).fetchone()[0])
    return ids


@pytest.mark.parametrize("template", ["portrait", "landscape", "vertical"])
def test_exact_names_dates_and_only_embedded_fonts(town, tmp_path, template):
    ids = _certify_names(town, ["髙橋", "山﨑", "渡邊", "𠮷田"], date(2019, 5, 1))
    out = tmp_path / f"{template}.pdf"
    certificates.write(town, OFFICER, ids, out, template)
    text = _text(out)
    flat = text.replace(" ", "").replace("\u3000", "").replace("\n", "")  # vertical columns: one char a line
    for name in ("髙橋", "山﨑", "渡邊", "𠮷田"):
        assert name in flat, name
    expected_date = "令和元年五月一日" if template == "vertical" else "令和元年5月1日"
    assert expected_date in text.replace("\n", "").replace(" ", "")
    assert "真岡市長" in text.replace("\n", "").replace(" ", "")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert {line.split()[0].split("+")[1] for line in fonts} == {"IPAexMincho", "IPAmjMincho"}
    reader = PdfReader(out)
    assert len(reader.pages) == 4
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == ((842, 595) if template == "landscape" else (595, 842))


def test_every_name_in_the_demo_town_is_printable_and_outsiders_are_refused(town, tmp_path):
    for family, given in town.execute("SELECT family_name, given_name FROM staff"):
        assert pdf_fonts.unprintable(family + given) == [], family + given
    assert pdf_fonts.unprintable("𠮷髙﨑邊") == []
    assert pdf_fonts.unprintable("葛\U000E0102城") == ["\U000E0102"]
    assert pdf_fonts.unprintable("山\ue000") == ["\ue000"]
    # A staff name with a character no bundled font has: refused, person and character named, nothing written.
    ids = _certify_names(town, ["髙橋"], date(2025, 4, 1))
    staff_id = town.execute("SELECT staff_id FROM certifications WHERE id = ?", ids).fetchone()[0]
    town.execute("UPDATE staff SET given_name = '太\ue000' WHERE id = ?", [staff_id])
    prints_before = town.execute("SELECT count(*) FROM certificate_prints").fetchone()[0]
    with pytest.raises(UserError) as refused:
        certificates.write(town, OFFICER, ids, tmp_path / "x.pdf", "portrait")
    assert "髙橋 太\ue000" in str(refused.value) and "U+E000" in str(refused.value)
    assert "何も出力していません" in str(refused.value)
    assert not list(tmp_path.glob("*.pdf*"))
    assert town.execute("SELECT count(*) FROM certificate_prints").fetchone()[0] == prints_before


def test_rendered_pages_are_not_blank(town, tmp_path):
    ids = _certify_names(town, ["𠮷田"], date(2025, 4, 1))
    out = tmp_path / "c.pdf"
    certificates.write(town, OFFICER, ids, out, "portrait")
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(out), str(tmp_path / "page")], check=True)
    from PySide6.QtGui import QImage

    image = QImage(str(next(tmp_path.glob("page*.png"))))
    dark = sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if image.pixelColor(x, y).lightness() < 128)
    assert dark > 200  # border, title, name, text and QR code are drawn


def test_the_qr_code_reads_back_as_the_verification_code(town, tmp_path):
    import zxingcpp
    from PySide6.QtGui import QImage

    ids = _certify_names(town, ["𠮷田"], date(2025, 4, 1))
    out = tmp_path / "c.pdf"
    certificates.write(town, OFFICER, ids, out, "landscape")
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(out), str(tmp_path / "page")], check=True)
    image = QImage(str(next(tmp_path.glob("page*.png")))).convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = bytes(image.constBits())[:image.bytesPerLine() * image.height()]
    view = zxingcpp.ImageView(pixels, image.width(), image.height(), zxingcpp.ImageFormat.Lum, image.bytesPerLine())
    (found,) = [r.text for r in zxingcpp.read_barcodes(view)]
    (cert,) = certificates.certificates(town, ids)
    assert found == f"DXJ:{cert.code}"
    assert certificates.verify(town, found).valid


def test_print_log_reprint_and_reissue_marks(town, tmp_path):
    ids = _certify_names(town, ["渡邊"], date(2025, 4, 1))
    first = tmp_path / "first.pdf"
    certificates.write(town, OFFICER, ids, first)
    assert "再発行" not in _text(first)
    second = tmp_path / "second.pdf"
    certificates.write(town, OFFICER, ids, second)
    assert "再発行" in _text(second)
    with pytest.raises(UserError, match="既に存在します"):
        certificates.write(town, OFFICER, ids, second)
    number = town.execute("SELECT certificate_no FROM certifications WHERE id = ?", ids).fetchone()[0]
    decisions.reissue(town, OFFICER, number, "紛失", date(2025, 6, 1))
    third = tmp_path / "third.pdf"
    certificates.write(town, OFFICER, ids, third, "landscape")
    assert "再交付" in _text(third)
    log = certificates.print_log(town, ADMIN_USER, ids[0])
    assert [e["kind"] for e in log] == ["reprint", "reprint", "first"]
    assert log[0]["template"] == "landscape" and log[2]["file_name"] == "first.pdf"
    decisions.revoke(town, OFFICER, number, "辞退", date(2025, 7, 1))
    with pytest.raises(UserError, match="取り消されているため"):
        certificates.write(town, OFFICER, ids, tmp_path / "revoked.pdf")


def test_new_certificates_one_file_per_person_and_the_ceremony_list(town, tmp_path):
    ids = certificates.select(town, new_only=True)
    assert len(ids) == 25
    folder = tmp_path / "certificates"
    written = certificates.write(town, OFFICER, ids[:3], folder, per_person=True)
    assert len(written) == 3 and all(p.parent == folder and p.suffix == ".pdf" for p in written)
    assert len(certificates.select(town, new_only=True)) == 22
    listing = certificates.ceremony_list(town, OFFICER, ids, tmp_path / "list.pdf")
    text = _text(listing).replace(" ", "")
    assert "授与者名簿" in text and "令和5年度DX認定第0001号" in text and "DXスペシャリスト" in text


def test_verification_code_valid_revoked_unknown_and_tampered(town):
    ids = _certify_names(town, ["山﨑"], date(2025, 4, 1))
    (cert,) = certificates.certificates(town, ids)
    assert len(cert.code) == 14 and cert.code.count("-") == 2
    ok = certificates.verify(town, cert.code)
    assert ok.valid and ok.number == cert.number and "有効な認定証" in ok.message
    assert certificates.verify(town, f"DXJ:{cert.code.lower().replace('-', '')}").valid  # as a QR reader gives it
    assert not certificates.verify(town, "AAAA-BBBB-CCCC").valid
    assert "形式ではありません" in certificates.verify(town, "12345").message
    # A changed name gives another code: a certificate with an edited name no longer verifies.
    key = certificates._key(town)
    forged = certificates.verification_code(key, cert.number, "山崎 " + cert.given_name, cert.level_code,
                                            cert.decided_on.isoformat())
    assert forged != cert.code and not certificates.verify(town, forged).valid
    decisions.revoke(town, OFFICER, cert.number, "本人の申出", date(2025, 5, 1))
    revoked = certificates.verify(town, cert.code)
    assert not revoked.valid and revoked.status == "revoked" and "本人の申出" in revoked.message
    assert revoked.message.startswith("失効：")


def test_settings_change_the_certificate(town, tmp_path):
    ids = _certify_names(town, ["髙橋"], date(2025, 4, 1))
    settings.set_value(town, "certificate_honorific", "様", ADMIN_USER)
    settings.set_value(town, "certificate_title", "DX人材認定証", ADMIN_USER)
    settings.set_value(town, "certificate_body", "{レベル}に認定します。", ADMIN_USER)
    buffer = io.BytesIO()
    lay = certificates.layout(town)
    certificates.render(lay, certificates.certificates(town, ids), buffer)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages)
    assert "様" in text and "殿" not in text and "DX人材認定証" in text and "DXアドバイザーに認定します。" in text
    settings.set_value(town, "certificate_body", "{氏名}様", ADMIN_USER)
    with pytest.raises(UserError, match="差し込み項目"):
        certificates.write(town, OFFICER, ids, tmp_path / "x.pdf")
    assert certificates.issuer_line("益子町", "町長", "大塚 朋之") == "益子町長\u3000大塚 朋之"
    assert certificates.issuer_line("北海道", "知事", "") == "北海道知事"


def test_seal_image_is_drawn(town, tmp_path):
    import base64

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(120, 120, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    for x in range(10, 110):
        for y in range(10, 110):
            image.setPixelColor(x, y, QColor(200, 0, 0, 255))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    encoded = base64.b64encode(bytes(data)).decode()
    settings.set_value(town, "certificate_seal_png", encoded, ADMIN_USER)
    from app.overview import audit_log

    logged = audit_log.recent(town, ADMIN_USER, 1)[0]["after_json"]
    assert encoded not in logged and "sha256" in logged  # the append-only log keeps a fingerprint, not the image
    ids = _certify_names(town, ["髙橋"], date(2025, 4, 1))
    out = tmp_path / "seal.pdf"
    certificates.write(town, OFFICER, ids, out)
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()) >= 3  # header lines + the seal (with its transparency mask)

    # The seal position setting moves it: 20 mm to the right and 10 mm up on the rendered page.
    settings.set_value(town, "certificate_seal_offset_mm", [20, 10], ADMIN_USER)
    moved = tmp_path / "moved.pdf"
    certificates.write(town, OFFICER, ids, moved)
    first, second = (_red_centre(path, tmp_path) for path in (out, moved))
    dots_per_mm = 72 / 25.4
    assert abs((second[0] - first[0]) / dots_per_mm - 20) < 1.5
    assert abs((first[1] - second[1]) / dots_per_mm - 10) < 1.5  # image rows grow downwards


def _red_centre(pdf: Path, folder: Path) -> tuple[float, float]:
    """The centre of the red pixels (the seal) on the first page rendered at 72 dpi."""
    from PySide6.QtGui import QImage

    stem = folder / f"{pdf.stem}-page"
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "1", str(pdf), str(stem)], check=True)
    image = QImage(str(next(folder.glob(f"{pdf.stem}-page*.png"))))
    red = [(x, y) for y in range(image.height()) for x in range(image.width())
           if (c := image.pixelColor(x, y)).red() > 150 and c.green() < 80 and c.blue() < 80]
    assert red, "no seal on the page"
    return sum(x for x, _y in red) / len(red), sum(y for _x, y in red) / len(red)


def test_cli_certificates_and_verify(tmp_path):
    db_path = tmp_path / "town.sqlite"

    def cli(*args: str) -> subprocess.CompletedProcess:
        return run_cli("--db", str(db_path), *args, cwd=ROOT)

    assert cli("demo").returncode == 0
    out = tmp_path / "all.pdf"
    done = cli("certificates", "--out", str(out), "--new", "--ceremony-list", str(tmp_path / "list.pdf"))
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(out).pages) == 25 and (tmp_path / "list.pdf").exists()
    assert "𠮷田" in _text(out).replace(" ", "")
    nothing = cli("certificates", "--out", str(tmp_path / "none.pdf"), "--new")
    assert nothing.returncode == 0 and not (tmp_path / "none.pdf").exists()
    code = _text(out).split("照合コード")[1].split()[0]
    verified = cli("verify", code, "--json")
    assert verified.returncode == 0 and json.loads(verified.stdout)["valid"]
    assert cli("verify", "AAAA-BBBB-CCCC").returncode == 1
