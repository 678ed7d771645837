"""Fonts for formal PDFs: IPAex明朝 first, IPAmj明朝 glyph by glyph for what it lacks (人名外字 such as 𠮷).

Nothing is written with a character that no bundled font has: ``unprintable``
finds them first, so that the caller can refuse with the name and the character
(reportlab would draw a blank box without a word). reportlab 4/5 writes a wrong
ToUnicode entry for characters outside the BMP; ``_to_unicode_cmap`` replaces
it with UTF-16 surrogate pairs so that copying or searching the PDF gives the
exact name.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts

from app.paths import resources_dir

PRIMARY = "IPAexMincho"
FALLBACK = "IPAmjMincho"
FILES = {PRIMARY: "ipaexm.ttf", FALLBACK: "ipamjm.ttf"}  # in resources/fonts
# Characters that shape text but are not drawn: line breaks and the like.
_INVISIBLE = {"\n", "\r", "\t"}


def _utf16_hex(code_point: int) -> str:
    return chr(code_point).encode("utf-16-be", "surrogatepass").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's makeToUnicodeCMap with UTF-16BE destinations (surrogate pairs above U+FFFF)."""
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1), "endcodespacerange", "%d beginbfchar" % len(subset),
        *("<%02X> <%s>" % (i, _utf16_hex(v)) for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


def font_path(file_name: str) -> Path:
    """A bundled font file (resources/fonts)."""
    return resources_dir() / "fonts" / file_name


@functools.cache
def register() -> tuple[str, str]:
    """Register both fonts with reportlab once (and fix its ToUnicode); returns their names.

    Streams are only Flate-compressed: ASCII85 on top (reportlab's default) makes files larger and,
    without reportlab's optional C accelerator, costs more time than drawing the certificates.
    """
    from reportlab import rl_config

    rl_config.useA85 = 0
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    for name, file_name in FILES.items():
        pdfmetrics.registerFont(ttfonts.TTFont(name, str(font_path(file_name))))
    return PRIMARY, FALLBACK


@functools.cache
def _cmaps() -> tuple[frozenset[int], frozenset[int]]:
    register()
    return tuple(frozenset(pdfmetrics.getFont(n).face.charToGlyph) for n in (PRIMARY, FALLBACK))  # type: ignore[return-value]


def is_variation_selector(char: str) -> bool:
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


def unprintable(text: str) -> list[str]:
    """Characters of ``text`` that neither font can draw exactly, in order of appearance.

    Ideographic variation selectors (葛 + U+E0102) are refused too: reportlab cannot
    select the variant glyph, and printing the base glyph would be a silent substitute.
    """
    primary, fallback = _cmaps()
    bad: list[str] = []
    for char in text:
        if char in _INVISIBLE or char in bad:
            continue
        if is_variation_selector(char) or (ord(char) not in primary and ord(char) not in fallback):
            bad.append(char)
    return bad


def describe(char: str) -> str:
    """「𠮷 (U+20BB7)」 for messages: the character and its code point, with what it is in Japanese
    when it cannot be seen (a 外字 of the private use area, a variation selector).

    The English Unicode name (GRINNING FACE) is left out: the messages are read by Japanese officers.
    """
    if is_variation_selector(char):
        return f"異体字セレクタ (U+{ord(char):04X})"
    if unicodedata.category(char) == "Co":
        return f"外字 (U+{ord(char):04X})"
    return f"{char} (U+{ord(char):04X})"


def code_label(char: str) -> str:
    """「😀」(U+1F600) for the officer: the character as typed and its code point, to find it in the source."""
    from app.i18n import _

    shown = _("variation selector") if is_variation_selector(char) else char
    return f"「{shown}」(U+{ord(char):04X})"


@dataclass(frozen=True)
class Run:
    font: str
    text: str


@functools.lru_cache(maxsize=8192)
def runs(text: str) -> tuple[Run, ...]:
    """Split text into runs per font: IPAex明朝 where it has the glyph, IPAmj明朝 for the rest."""
    primary, _fallback = _cmaps()
    out: list[Run] = []
    for char in text:
        font = PRIMARY if ord(char) in primary else FALLBACK
        if out and out[-1].font == font:
            out[-1] = Run(font, out[-1].text + char)
        else:
            out.append(Run(font, char))
    return tuple(out)


@functools.lru_cache(maxsize=8192)
def width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(r.text, r.font, size) for r in runs(text))


def char_width(char: str, size: float) -> float:
    """One character's advance (cached through ``width``), for breaking lines without re-measuring them."""
    return width(char, size)


def draw(canvas, x: float, y: float, text: str, size: float, align: str = "left") -> None:
    """Draw one line with per-glyph fallback; align left, centre or right of x."""
    total = width(text, size)
    if align == "centre":
        x -= total / 2
    elif align == "right":
        x -= total
    parts = runs(text)
    for run in parts:
        canvas.setFont(run.font, size)
        canvas.drawString(x, y, run.text)
        if run is not parts[-1]:  # most lines are one run: no advance to measure after the last
            x += width(run.text, size)


_ROTATED = set("ー－―‐〜～…‥（）「」『』【】〔〕()[]｛｝{}＝=")  # drawn turned 90° in a column
_CORNER = set("、。，．")  # sit in the upper right of their cell in a column


def draw_vertical(canvas, x: float, top: float, text: str, size: float, spacing: float = 1.05) -> float:
    """Draw a column top to bottom, centred on x (縦書き); returns the y below the last character.

    Long vowel marks, dashes and brackets are turned, and 、。 move to the upper right of
    their cell, as vertical Japanese typesetting does (reportlab knows no vertical forms).
    """
    y = top
    for char in text:
        if char in (" ", "\u3000"):
            y -= size * spacing
            continue
        run = runs(char)[0]
        canvas.setFont(run.font, size)
        w = pdfmetrics.stringWidth(char, run.font, size)
        if char in _ROTATED:
            canvas.saveState()
            canvas.translate(x, y - size / 2)
            canvas.rotate(-90)
            canvas.drawString(-w / 2, -size * 0.38, char)
            canvas.restoreState()
        elif char in _CORNER:
            canvas.drawString(x - w / 2 + size * 0.55, y - size * 0.88 + size * 0.62, char)
        else:
            canvas.drawString(x - w / 2, y - size * 0.88, char)
        y -= size * spacing
    return y
