"""PDF pages as images, and PDFs printed page by page at their real size.

PySide6-Essentials has no QtPdf (it ships with the much larger PySide6-Addons),
so pages are rasterised with pypdfium2: PDFium, the engine QtPdf wraps, as a
small wheel. What the preview shows and what the printer gets are the PDF the
core wrote, not a second drawing of it. PDFium must not be entered from two
threads at once, so every call goes through one lock.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.errors import UserError
from app.i18n import _

MAX_PRINT_DPI = 600  # a laser printer's resolution; the PDF writer's 1200 would only cost memory
BAND_PIXELS = 512  # pages are printed in bands of this height, so a 600 dpi A4 page never sits whole in memory
_LOCK = threading.Lock()


class PdfPages:
    """An open PDF held in memory (bytes from the core)."""

    def __init__(self, data: bytes) -> None:
        import pypdfium2  # loaded on first use: not needed to start the app

        with _LOCK:
            self._doc = pypdfium2.PdfDocument(data)
            self._sizes = [self._doc[i].get_size() for i in range(len(self._doc))]

    def __len__(self) -> int:
        return len(self._sizes)

    def size_pt(self, index: int) -> tuple[float, float]:
        """Width and height of a page in points (1/72 inch)."""
        return self._sizes[index]

    def image(self, index: int, scale: float, crop: tuple[float, float, float, float] = (0, 0, 0, 0)) -> QImage:
        """The page (or a band of it: crop = points cut from left, bottom, right, top) at pixels per point."""
        with _LOCK:
            bitmap = self._doc[index].render(scale=scale, crop=crop, prefer_bgrx=True, optimize_mode="print",
                                             fill_color=(255, 255, 255, 255))
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB32 if bitmap.n_channels == 4 else QImage.Format.Format_BGR888)
            return image.copy()  # the bitmap's memory goes with the bitmap

    def close(self) -> None:
        with _LOCK:
            self._doc.close()


def _page_layout(width_pt: float, height_pt: float) -> QPageLayout:
    """The paper of a PDF page (A4 portrait or landscape for certificates), with no margins."""
    portrait = QSizeF(min(width_pt, height_pt), max(width_pt, height_pt))
    size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if width_pt > height_pt else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0))


def print_pdf(documents: Sequence[bytes], printer: QPrinter, max_dpi: int = MAX_PRINT_DPI) -> int:
    """Print every page of the documents as one job at 100 %: no fitting to the printable area.

    Each page is placed at the corner of the paper at its real size, rendered at the
    printer's resolution (at most ``max_dpi``). Returns the number of pages printed.
    """
    opened = [PdfPages(data) for data in documents]
    pages = [(doc, index) for doc in opened for index in range(len(doc))]
    if not pages:
        raise UserError(_("There is nothing to print."))
    printer.setFullPage(True)  # painter coordinates start at the paper's corner, not at the printable area
    printer.setPageLayout(_page_layout(*pages[0][0].size_pt(pages[0][1])))
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError(_("The printer could not be started. Check the printer and try again."))
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for number, (doc, index) in enumerate(pages):
            width_pt, height_pt = doc.size_pt(index)
            if number:
                printer.setPageLayout(_page_layout(width_pt, height_pt))
                if not printer.newPage():
                    raise UserError(_("The printer stopped after {n} pages.").format(n=number))
            device = printer.resolution() / 72  # device pixels per point
            scale = min(printer.resolution(), max_dpi) / 72
            band_pt = BAND_PIXELS / scale
            top = 0.0
            while top < height_pt:
                bottom = min(top + band_pt, height_pt)
                band = doc.image(index, scale, crop=(0, height_pt - bottom, 0, top))
                painter.drawImage(QRectF(0, top * device, width_pt * device, (bottom - top) * device), band)
                top = bottom
    finally:
        painter.end()
        for doc in opened:
            doc.close()
    return len(pages)
