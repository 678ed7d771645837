"""Register the bundled fonts and make them the application font."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.paths import resources_dir

UI_FONT_FILE = "ipaexg.ttf"
FALLBACK_FONT_FILE = "ipamjm.ttf"  # has 𠮷 and other 人名外字 the UI font lacks


def register_bundled_fonts(app: QApplication, point_size: float = 10.0) -> list[str]:
    """Load the bundled fonts; returns the family list set on the application font.

    Qt falls back glyph by glyph through the family list, so a name with 𠮷 is
    drawn from IPAmj明朝 while the rest stays in the UI font — never tofu.
    """
    families: list[str] = []
    for file_name in (UI_FONT_FILE, FALLBACK_FONT_FILE):
        font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / file_name))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id)[:1])
    if families:
        font = QFont()
        font.setFamilies(families)
        font.setPointSizeF(point_size)
        app.setFont(font)
    return families
