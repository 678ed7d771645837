"""The 証書 screen on a real register: output, preview, printing, settings, verification, the print log."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrinter

from app.certification import certificates
from app.certification import decisions
from app.register import settings
from app.staff import edit
from app.register.accounts import Role, create_user
from app.demo.projects import load_certification_history, load_projects
from tests.fit_probe import run_probe
from tests.qt_helpers import collect_message_texts, show_widget, when_modal
from tests.conftest import ADMIN_USER, OFFICER

pytestmark = pytest.mark.gui

YOSHIDA = "令和5年度DX認定第0003号"  # 𠮷田 直子 in the demo history
TAKAHASHI = "令和5年度DX認定第0004号"  # 髙橋 翔太
SATO = "令和5年度DX認定第0001号"


@pytest.fixture
def page(qtbot, town, admin):
    from ui.certification.certificates_page import CertificatesPage

    widget = CertificatesPage(town, admin)
    show_widget(qtbot, widget, 1100, 650)
    yield widget
    widget.wait_for_previews()


def pdf_text(path: Path) -> str:
    """pdftotext in drawing order, each run of spaces as one (the 　 of 「𠮷田　直子」 comes out as a space)."""
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def pdf_info(path: Path) -> str:
    return subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True, text=True,
                          check=True).stdout


def preview_text(preview, tmp_path: Path) -> str:
    path = tmp_path / "preview.pdf"
    path.write_bytes(preview.data)
    return pdf_text(path)


def settle(qtbot, tab) -> None:
    """Let the debounced preview run and its result arrive."""
    tab.wait_for_preview()
    qtbot.waitUntil(lambda: not tab.renderer.busy, timeout=10_000)
    qtbot.wait(10)


def write_closing_offer(tab, out: Path, per_person: bool = False) -> tuple[list[Path] | None, list[str]]:
    texts = collect_message_texts()
    written = tab.write(out, per_person=per_person)
    return written, texts


def test_output_writes_a_pdf_with_exact_names_and_wareki_then_marks_reprints(page, qtbot, tmp_path):
    out = page.output
    assert out.filter.currentData() == "new" and len(out.selected_ids()) == 25  # the new ones, chosen already
    out.select_numbers([YOSHIDA, TAKAHASHI])
    assert len(out.selected_ids()) == 2
    first, shown = write_closing_offer(out, tmp_path / "認定証.pdf")
    assert first == [tmp_path / "認定証.pdf"] and "2" in shown[0]
    text = pdf_text(first[0])
    assert "𠮷田 直子" in text and "髙橋 翔太" in text
    assert "令和6年3月15日" in text and "殿" in text and "再発行" not in text
    assert not list(tmp_path.glob("*.part"))

    # Printed ones leave the 未出力 list; the log shows them as first issues of that file.
    assert {YOSHIDA, TAKAHASHI}.isdisjoint(out.model.record_at(r)["certificate_no"] for r in range(out.model.rowCount()))
    page.tabs.setCurrentWidget(page.log)
    log = page.log.model
    assert log.rowCount() == 2
    row = [log.data(log.index(0, c)) for c in range(log.columnCount())]
    assert row[1] == "admin" and row[4] == "初回" and row[5] == "A4 縦" and row[6] == "認定証.pdf"

    # All active: the next certificate would carry 再発行, and does.
    out.filter.setCurrentIndex(out.filter.findData("all"))
    marks = {out.model.record_at(r)["certificate_no"]: out.model.data(out.model.index(r, 5))
             for r in range(out.model.rowCount())}
    assert marks[YOSHIDA] == "再発行" and marks[SATO] == ""
    assert re.search(r"1", out.model.data(out.model.index(
        next(r for r in range(out.model.rowCount()) if out.model.record_at(r)["certificate_no"] == YOSHIDA), 4)))
    out.select_numbers([YOSHIDA])
    again, _texts = write_closing_offer(out, tmp_path / "再発行.pdf")
    assert "再発行" in pdf_text(again[0]) and "𠮷田 直子" in pdf_text(again[0])
    page.log.reload()
    assert page.log.model.rowCount() == 3
    assert page.log.model.data(page.log.model.index(0, 4)) == "再出力"


def test_output_never_overwrites_and_one_file_per_person(page, qtbot, tmp_path):
    out = page.output
    out.select_numbers([YOSHIDA, TAKAHASHI, SATO])
    existing = tmp_path / "exists.pdf"
    existing.write_bytes(b"keep")
    written, shown = write_closing_offer(out, existing)
    assert written is None and "exists.pdf は既に存在します" in shown[0]
    assert existing.read_bytes() == b"keep" and certificates.print_log(page.output._db, ADMIN_USER) == []

    folder = tmp_path / "一人ずつ"
    written, _texts = write_closing_offer(out, folder, per_person=True)
    assert len(written) == 3 and all(p.parent == folder for p in written)
    assert any("𠮷田" in p.name for p in written)
    assert all(int(re.search(r"Pages:\s+(\d+)", pdf_info(p)).group(1)) == 1 for p in written)


def test_preview_shows_the_selected_certificates_page_by_page(page, qtbot, tmp_path):
    out = page.output
    out.select_numbers([YOSHIDA, TAKAHASHI, SATO])
    settle(qtbot, out)
    preview = out.preview
    assert preview.page_count() == 3 and preview.current_page == 0
    assert preview.page_label.text() == "1 / 3 ページ"
    assert not preview.previous_button.isEnabled()
    preview.next_button.click()
    preview.next_button.click()
    assert preview.current_page == 2 and not preview.next_button.isEnabled()
    text = preview_text(preview, tmp_path)
    assert "𠮷田 直子" in text and "令和6年3月15日" in text
    # The page is drawn: a white sheet with dark text on the grey background.
    image = preview.view.grab().toImage()
    whites = sum(image.pixelColor(x, image.height() // 2) == QColor("white") for x in range(image.width()))
    assert whites > image.width() // 4
    # Another layout: the same pages turned.
    out.template.setCurrentIndex(out.template.findData("landscape"))
    settle(qtbot, out)
    width, height = preview._pages.size_pt(0)
    assert width > height and preview.page_count() == 3
    # Nothing selected: no pages, a hint.
    out.table.clearSelection()
    settle(qtbot, out)
    assert preview.page_count() == 0 and preview.message.text()
    assert not out.output_button.isEnabled() and not out.print_button.isEnabled()


def test_printing_goes_to_the_printer_at_a4_and_is_logged(page, qtbot, tmp_path):
    out = page.output
    out.select_numbers([YOSHIDA, TAKAHASHI, SATO])
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(150)  # a quick test; a real printer prints at its own (up to 600 dpi)
    assert out.print_to(printer) == 3
    info = pdf_info(tmp_path / "printed.pdf")
    assert "Pages:           3" in info
    assert len(re.findall(r"size:\s+595(\.\d+)? x 842(\.\d+)? pts \(A4\)", info)) == 3
    log = certificates.print_log(out._db, ADMIN_USER)
    assert [(r["kind"], r["file_name"]) for r in log] == [("first", "")] * 3
    page.log.reload()
    assert page.log.model.data(page.log.model.index(0, 6)) == "（印刷）"
    # Landscape pages come out landscape, at full size; they are reprints now.
    out.filter.setCurrentIndex(out.filter.findData("all"))
    out.select_numbers([SATO])
    out.template.setCurrentIndex(out.template.findData("landscape"))
    printer.setOutputFileName(str(tmp_path / "landscape.pdf"))
    assert out.print_to(printer) == 1
    assert re.search(r"size:\s+842(\.\d+)? x 595(\.\d+)? pts \(A4\)", pdf_info(tmp_path / "landscape.pdf"))
    assert certificates.print_log(out._db, ADMIN_USER)[0]["kind"] == "reprint"


def test_printed_page_is_at_real_size_not_fitted(qtbot, town, tmp_path):
    """The certificate's outer frame (12 mm from the edge) lands 12 mm from the paper's edge."""
    from ui.widgets.pdf_pages import print_pdf

    certs = certificates.certificates(town, certificates.select(town)[:1])
    data = certificates.pdf_bytes(certificates.layout(town, "portrait"), certs)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "scale.pdf"))
    printer.setResolution(72 * 2)
    assert print_pdf([data], printer) == 1
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(tmp_path / "scale.pdf"),
                    str(tmp_path / "scale")], check=True)
    image = QImage(str(tmp_path / "scale.png"))
    row = image.height() // 2
    first_dark = next(x for x in range(image.width()) if image.pixelColor(x, row).lightness() < 128)
    assert abs(first_dark - 12 / 25.4 * 100) <= 3  # 12 mm at 100 dpi ≈ 47 px


@pytest.mark.parametrize("family", ["\ue000田", "葛\U000e0100城"])
def test_a_name_that_cannot_be_printed_refuses_the_whole_batch(page, qtbot, tmp_path, family, admin):
    db = page.output._db
    staff_id = db.execute("SELECT staff_id FROM certifications WHERE certificate_no = ?", [TAKAHASHI]).fetchone()[0]
    row, current = edit.person(db, ADMIN_USER, staff_id)
    edit.update_person(db, staff_id, edit.PersonInput(
        row["staff_no"], family, row["given_name"], row["family_reading"], row["given_reading"],
        date.fromisoformat(row["hire_date"]) if row["hire_date"] else None, current["unit_id"], current["position_id"]),
        ADMIN_USER)
    out = page.output
    out.reload()
    out.select_numbers([YOSHIDA, TAKAHASHI])
    settle(qtbot, out)
    assert out.preview.page_count() == 0
    assert "U+E000" in out.preview.message.text() or "異体字セレクタ" in out.preview.message.text()

    written, shown = write_closing_offer(out, tmp_path / "refused.pdf")
    assert written is None
    assert TAKAHASHI in shown[0] and family.rstrip("\U000e0100")[0] in shown[0]
    assert ("U+E000" in shown[0]) if "\ue000" in family else ("異体字セレクタ" in shown[0])
    assert list(tmp_path.glob("*.pdf*")) == [] and certificates.print_log(db, ADMIN_USER) == []

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "refused-print.pdf"))
    shown = collect_message_texts()
    assert out.print_to(printer) == 0
    assert TAKAHASHI in shown[0]
    assert not (tmp_path / "refused-print.pdf").exists() and certificates.print_log(db, ADMIN_USER) == []


def test_settings_change_the_preview_and_the_next_pdf(page, qtbot, tmp_path):
    design = page.design
    page.tabs.setCurrentWidget(design)
    page.output.select_numbers([YOSHIDA])
    design.refresh_preview()
    settle(qtbot, design)
    assert design.preview.page_count() == 1 and "𠮷田" in preview_text(design.preview, tmp_path)

    design.honorific.setCurrentIndex(design.honorific.findData("様"))
    design.lines["municipality_name"].setText("真岡市")
    design.lines["mayor_name"].setText("石坂　真一")
    assert design.save_button.isEnabled()
    settle(qtbot, design)
    text = preview_text(design.preview, tmp_path)
    assert "直子 様" in text and "真岡市長 石坂 真一" in text and "真岡市のDX人材認定制度" in text
    assert settings.get(page.output._db, "certificate_honorific") == "殿"  # nothing saved yet

    assert design.save()
    assert settings.get(page.output._db, "certificate_honorific") == "様"
    assert not design.save_button.isEnabled()
    out = page.output
    out.select_numbers([YOSHIDA])
    written, _texts = write_closing_offer(out, tmp_path / "様.pdf")
    assert "直子 様" in pdf_text(written[0])


def test_settings_preview_without_selection_is_a_sample(page, qtbot, tmp_path):
    design = page.design
    page.output.table.clearSelection()
    design.lines["certificate_title"].setText("修了証")
    settle(qtbot, design)
    text = preview_text(design.preview, tmp_path)
    assert "見本" in text and "修 了 証" in text


def test_unknown_placeholder_shows_the_service_message_and_is_not_saved(page, qtbot):
    design = page.design
    page.tabs.setCurrentWidget(design)
    design.body.setPlainText("あなたを{役職}として認定します。")
    settle(qtbot, design)
    assert design.error.isVisible() and "役職" in design.error.text() and "{レベル}" in design.error.text()
    assert design.preview.page_count() == 0
    shown = collect_message_texts()
    assert not design.save()
    assert "役職" in shown[0]
    assert "{役職}" not in settings.get(page.output._db, "certificate_body")
    design.load()
    settle(qtbot, design)
    assert not design.error.isVisible() and not design.save_button.isEnabled()


def test_seal_image_is_shown_previewed_saved_and_removed(page, qtbot, tmp_path):
    design = page.design
    seal = QImage(120, 120, QImage.Format.Format_ARGB32)
    seal.fill(QColor(0, 0, 0, 0))
    for x in range(10, 110):
        for y in range(10, 110):
            seal.setPixelColor(x, y, QColor(200, 20, 20, 200))
    seal.save(str(tmp_path / "seal.png"))
    assert design.load_seal_file(tmp_path / "seal.png")
    assert design.seal_image.pixmap() is not None and not design.seal_image.pixmap().isNull()
    assert "120×120" in design.seal_note.text() and design.remove_seal.isEnabled()
    opaque = QImage(40, 40, QImage.Format.Format_RGB32)
    opaque.fill(QColor("white"))
    opaque.save(str(tmp_path / "opaque.png"))
    assert design.load_seal_file(tmp_path / "opaque.png")
    assert "透明" in design.seal_note.text()
    (tmp_path / "not.png").write_bytes(b"GIF89a")
    shown = collect_message_texts()
    assert not design.load_seal_file(tmp_path / "not.png")
    assert "PNG" in shown[0]
    assert design.load_seal_file(tmp_path / "seal.png")
    design.seal_mm.setValue(24)
    design.seal_right.setValue(-5)
    design.seal_up.setValue(8)
    settle(qtbot, design)
    assert design.save()
    db = page.output._db
    assert settings.get(db, "certificate_seal_png") and settings.get(db, "certificate_seal_mm") == 24
    assert settings.get(db, "certificate_seal_offset_mm") == [-5, 8]
    assert certificates.layout(db).seal_offset_mm == (-5.0, 8.0)
    assert certificates.layout(db).seal_png == (tmp_path / "seal.png").read_bytes()
    design.remove_seal.click()
    assert design.save() and settings.get(db, "certificate_seal_png") == ""


def test_verify_tab_tells_valid_revoked_and_unknown(page, qtbot, admin):
    db = page.output._db
    ids = certificates.select(db, [YOSHIDA, TAKAHASHI])
    valid, revoked = certificates.certificates(db, ids)
    decisions.revoke(db, admin, TAKAHASHI, "虚偽の申告", date(2025, 6, 1))
    verify = page.verify
    page.tabs.setCurrentWidget(verify)
    verify.code.setText(f"DXJ:{valid.code}")  # as a QR reader types it
    verify.code.returnPressed.emit()
    assert verify.headline.text() == "✔ 有効な認定証です"
    assert verify.detail_labels["name"].text() == "𠮷田 直子"
    assert verify.detail_labels["decided_on"].text() == "令和6年3月15日"

    verify.code.setText(revoked.code.lower())
    verify.check()
    assert verify.headline.text() == "✖ 失効した認定証です（取消済み）"
    assert "令和7年6月1日" in verify.message.text() and "虚偽の申告" in verify.message.text()

    verify.code.setText("ABCD-EFGH-JKMN")
    verify.check()
    assert verify.headline.text() == "？ この台帳にはありません"
    assert not verify.detail_labels["name"].isVisible()
    verify.code.setText("12345")
    assert not verify.check().valid and "12" in verify.message.text()


def test_ceremony_list_is_written_for_the_selection(page, qtbot, tmp_path):
    out = page.output
    out.select_numbers([YOSHIDA, TAKAHASHI])
    shown = collect_message_texts()
    written = out.write_ceremony_list(tmp_path / "名簿.pdf")
    assert written == tmp_path / "名簿.pdf" and "名簿.pdf" in shown[0]
    text = pdf_text(written)
    assert "𠮷田 直子" in text and "授与者名簿" in text


def test_offer_after_writing_opens_the_pdf(page, qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    out = page.output
    out.select_numbers([SATO])

    def press_open(box) -> None:
        next(b for b in box.buttons() if b.text() == "PDFを開く").click()

    when_modal(press_open)
    written = out.write(tmp_path / "open.pdf", per_person=False)
    assert opened == [str(written[0])]


def test_page_in_the_main_window_and_for_other_roles(qtbot, town, db_path, admin):
    from ui.certification.certificates_page import CertificatesPage
    from ui.main_window import NAVIGATION, MainWindow, Session

    window = MainWindow(Session(town, db_path, admin))
    qtbot.addWidget(window)
    window.show()
    window.navigation.setCurrentRow([key for key, _t in NAVIGATION].index("certificates"))
    page = window.certificates_page
    assert window.pages.currentWidget().findChild(CertificatesPage) is page
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["出力", "様式・文面", "照合", "出力記録"]
    page.design.lines["municipality_name"].setText("真岡市")
    assert page.design.save()
    assert window.settings_page.setting_edits["municipality_name"].text() == "真岡市"
    page.wait_for_previews()

    viewer = create_user(town, "viewer", "閲覧 者", "correct horse 1", Role.VIEWER, OFFICER)
    other = CertificatesPage(town, viewer)
    qtbot.addWidget(other)
    assert [other.tabs.tabText(i) for i in range(other.tabs.count())] == ["照合"]


@pytest.mark.slow
@pytest.mark.parametrize("scale", ["1", "1.5"])
def test_certificates_screen_fits_1366x768(tmp_path, scale):
    """Every tab and the preview at 1366×768 and at 150 % (a fresh process, so QT_SCALE_FACTOR applies)."""
    info = run_probe("certificates", tmp_path / "fit.sqlite", tmp_path, scale)
    logical_w, logical_h = 1366 / float(scale), 768 / float(scale) - 40  # 40: taskbar
    assert info["window"]["min"][0] <= logical_w and info["window"]["min"][1] <= logical_h, info
    preview = info["parts"].pop("certificates-preview")
    for name, part in info["parts"].items():
        width, height = part["min"]
        assert width <= logical_w - 220 and height <= logical_h - 110, (name, info)
    assert preview["pages"] == 25 and min(preview["size"]) >= 150, info
    assert len(list(tmp_path.glob("printed-*.pdf"))) == 1
    shots = sorted(tmp_path.glob("certificates-*.png"))
    assert len(shots) == 5 and all(p.stat().st_size > 10_000 for p in shots)


def test_print_dialog_offers_no_page_range_and_cancel_prints_nothing(page, qtbot):
    from PySide6.QtPrintSupport import QAbstractPrintDialog

    seen = []

    def cancel(dialog) -> None:
        seen.append(dialog.testOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange))
        dialog.reject()

    page.output.select_numbers([SATO])
    when_modal(cancel)
    page.output.choose_printer()
    assert seen == [False] and certificates.print_log(page.output._db, ADMIN_USER) == []


def test_writing_runs_off_the_gui_thread(page, qtbot, tmp_path, monkeypatch):
    """The event loop keeps turning while the certificates are drawn (a timer ticks meanwhile)."""
    from PySide6.QtCore import QThread, QTimer

    import app.certification.certificates as core

    threads, ticks, ticks_at_end = [], [], []
    real_write = core.write
    monkeypatch.setattr(core, "write", lambda *a, **k: threads.append(QThread.currentThread()) or real_write(*a, **k))
    out = page.output
    monkeypatch.setattr(out, "offer_written", lambda *a: ticks_at_end.append(len(ticks)))
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(1)
    out.table.selectAll()
    written = out.write(tmp_path / "all.pdf", per_person=False)
    timer.stop()
    assert written and len(certificates.print_log(out._db, ADMIN_USER)) == 25
    assert threads and threads[0] is not page.thread()
    assert ticks_at_end[0] > 0


def test_without_town_and_mayor_the_preview_warns_and_nothing_is_output_or_logged(qtbot, demo_db, admin, tmp_path):
    """Issue 12 item 10 on the screen: a fresh register names the missing settings and prints nothing."""
    from ui.certification.certificates_page import CertificatesPage

    load_projects(demo_db, "test")
    load_certification_history(demo_db, "test")
    page = CertificatesPage(demo_db, admin)
    show_widget(qtbot, page, 1100, 650)
    out = page.output
    out.select_numbers([YOSHIDA])
    settle(qtbot, out)
    assert out.preview.page_count() == 0
    assert "自治体名" in out.preview.message.text() and "認定者の氏名" in out.preview.message.text()

    written, shown = write_closing_offer(out, tmp_path / "c.pdf")
    assert written is None and "自治体名" in shown[0]
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "print.pdf"))
    shown = collect_message_texts()
    assert out.print_to(printer) == 0 and "自治体名" in shown[0]
    shown = collect_message_texts()
    assert out.write_ceremony_list(tmp_path / "list.pdf") is None and "自治体名" in shown[0]
    assert list(tmp_path.glob("*.pdf*")) == [] and certificates.print_log(demo_db, ADMIN_USER) == []
    page.wait_for_previews()


def test_ceremony_list_as_a_workbook_from_the_screen(page, qtbot, tmp_path):
    from openpyxl import load_workbook

    out = page.output
    out.select_numbers([YOSHIDA, TAKAHASHI])
    shown = collect_message_texts()
    written = out.write_ceremony_list(tmp_path / "名簿.xlsx")
    assert written == tmp_path / "名簿.xlsx" and "名簿.xlsx" in shown[0]
    rows = list(load_workbook(written).active.iter_rows(values_only=True))
    assert rows[0][3] == "所属" and len(rows) == 3 and all(row[3] for row in rows[1:])


def test_leaving_unsaved_certificate_settings_asks_first(qtbot, town, db_path, admin):
    """証書 → 様式・文面 and 設定 keep the town and issuer the same way: 保存, and a question before leaving."""
    from PySide6.QtWidgets import QMessageBox

    from ui.main_window import NAVIGATION, MainWindow, Session

    window = MainWindow(Session(town, db_path, admin))
    qtbot.addWidget(window)
    window.show()
    rows = [key for key, _t in NAVIGATION]
    window.navigation.setCurrentRow(rows.index("certificates"))
    design = window.certificates_page.design
    design.lines["municipality_name"].setText("真岡市")
    asked: list[str] = []

    def answer(box: QMessageBox) -> None:
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == "保存").click()

    when_modal(answer)
    window.navigation.setCurrentRow(rows.index("settings"))
    assert asked and "未保存" in asked[0]
    assert window.pages.currentWidget() is window._settings_area
    assert settings.get(town, "municipality_name") == "真岡市"
    assert window.settings_page.setting_edits["municipality_name"].text() == "真岡市"
    window.certificates_page.wait_for_previews()
