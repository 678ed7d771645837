"""Translations: one place that provides `_`, `N_`, `ngettext` and, for short msgids with several
meanings, `pgettext` / `NC_` (a context, ``msgctxt`` in the catalogue).

Msgids are English; Japanese is the default language. The catalogue is read
from the compiled .mo when it is current, otherwise straight from the .po
with babel, so a fresh source tree never shows stale or missing text.
"""

from __future__ import annotations

import gettext
import io
import os
import sys
from pathlib import Path

from app.paths import resources_dir

DOMAIN = "dx_jinzai"
DEFAULT_LANGUAGE = "ja"
LANGUAGES = ("ja", "en")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def locale_dir() -> Path:
    return resources_dir() / "locale"


def load_catalogue(language: str) -> gettext.NullTranslations | None:
    """The catalogue of ``language`` from the bundled resources, or None when there is none."""
    folder = locale_dir() / language / "LC_MESSAGES"
    mo_path, po_path = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    # The compiled file is used only when it is strictly newer than its source (a frozen build ships no .po).
    if mo_path.exists() and (not po_path.exists() or mo_path.stat().st_mtime > po_path.stat().st_mtime):
        with mo_path.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po_path.exists():
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return None


def install(language: str | None = None) -> str:
    """Activate a language (default: $DX_JINZAI_LANG or Japanese); returns the one in use.

    A missing catalogue falls back to the English msgids rather than failing.
    """
    global _translations, _language
    wanted = language or os.environ.get("DX_JINZAI_LANG") or DEFAULT_LANGUAGE
    if wanted not in LANGUAGES:
        wanted = DEFAULT_LANGUAGE
    catalogue = None if wanted == "en" else load_catalogue(wanted)
    _translations = catalogue or gettext.NullTranslations()
    _language = wanted if (catalogue or wanted == "en") else "en"
    return _language


def ensure_japanese_output() -> None:
    """Messages are Japanese: a stream whose encoding cannot hold them (a pipe on a Western-locale
    Windows writes cp1252) is switched to UTF-8 instead of crashing on the first message."""
    for stream in (sys.stdout, sys.stderr):
        try:
            "台帳".encode(getattr(stream, "encoding", None) or "ascii")
        except (UnicodeEncodeError, LookupError):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(encoding="utf-8", errors="replace")


def current_language() -> str:
    return _language


def _(message: str) -> str:
    return _translations.gettext(message)


def pgettext(context: str, message: str) -> str:
    """A short msgid that means different things in different places (「Status」 of a person: 在職状況;
    of a certification: 状態) is told apart by its context (msgctxt in the catalogue)."""
    return _translations.pgettext(context, message)


def NC_(context: str, message: str) -> tuple[str, str]:
    """Mark a msgid with its context for extraction (``pybabel -k NC_:1c,2``); translate it with ``tr``."""
    return context, message


def tr(marked: str | tuple[str, str]) -> str:
    """Translate a msgid marked with ``N_`` (a string) or ``NC_`` (context and msgid)."""
    return pgettext(*marked) if isinstance(marked, tuple) else _(marked)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later, where it is shown."""
    return message


def label(labels: dict, key: object) -> str:
    """The translated label of ``key`` in a table of msgids (keeps literal keys out of _() for extraction)."""
    return _(labels[key])


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)
