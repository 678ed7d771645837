"""Benchmark: 1,000 one-page certificates against bare reportlab drawing the same text in IPAex明朝."""

from __future__ import annotations

import io
from datetime import date

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app import pdf_fonts
from app.certification import certificates
from app.demo.town import generate_town
from app.paths import resources_dir


def sample(n: int) -> tuple[certificates.Layout, list[certificates.CertificateData]]:
    town = generate_town(max(n, 10), seed=1)
    lay = certificates.Layout("portrait", "認定証", "あなたは真岡市のDX人材認定制度に基づき、{レベル}として認定されたことを証します。",
                              "殿", "真岡市長\u3000石坂\u3000真一", "真岡市", None, 30)
    certs = [certificates.CertificateData(i, f"令和8年度DX認定第{i:04}号", row[2], row[3], "DXアドバイザー", "advisor",
                                          "真岡市 DX人材認定", date(2026, 4, 1), "active", "", "ABCD-EFGH-JKMN")
             for i, row in enumerate(town.staff[:n], start=1)]
    return lay, certs


def runs(n: int):
    lay, certs = sample(n)
    pdf_fonts.register()
    if "BareMincho" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("BareMincho", str(resources_dir() / "fonts" / "ipaexm.ttf")))

    def ours() -> None:
        certificates.render(lay, certs, io.BytesIO())

    def bare(full_page: bool = False) -> None:
        canvas = Canvas(io.BytesIO(), pagesize=A4, initialFontName="BareMincho")
        for cert in certs:
            if full_page:  # the same border and QR code, the way reportlab's own widget draws it
                canvas.setLineWidth(2.2)
                canvas.rect(34, 34, 527, 774)
                canvas.setLineWidth(0.6)
                canvas.rect(42, 42, 511, 758)
                widget = QrCodeWidget(f"DXJ:{cert.code}")
                drawing = Drawing(57, 57)
                drawing.add(widget)
                renderPDF.draw(drawing, canvas, 480, 54)
            canvas.setFont("BareMincho", 12)
            canvas.drawRightString(520, 780, cert.number)
            canvas.setFont("BareMincho", 40)
            canvas.drawCentredString(297, 690, "認\u3000定\u3000証")
            canvas.setFont("BareMincho", 26)
            canvas.drawCentredString(297, 610, f"{cert.name}\u3000殿")
            canvas.setFont("BareMincho", 17)
            canvas.drawString(100, 540, certificates.body_text(lay, cert)[:28])
            canvas.drawString(100, 508, certificates.body_text(lay, cert)[28:])
            canvas.setFont("BareMincho", 16)
            canvas.drawString(100, 420, "令和8年4月1日")
            canvas.setFont("BareMincho", 19)
            canvas.drawRightString(470, 360, lay.issuer)
            canvas.showPage()
        canvas.save()

    def first() -> None:
        certificates.render(lay, certs[:1], io.BytesIO())

    return ours, bare, lambda: bare(full_page=True), first
