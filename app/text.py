"""Text helpers every importer and lookup shares: names and numbers as people type them.

Kernel module (no feature imports), so that accounts, certificates and the importers all compare
text the same way without importing each other.
"""

from __future__ import annotations

import re
import unicodedata

_SAFE_RUN = re.compile(r"[\uFF01-\uFF5E\uFF61-\uFF9F]+")  # full-width ASCII and half-width kana only


def safe_normalise(text: str) -> str:
    """NFKC only where it cannot change a name: full-width ASCII/digits and half-width kana.

    Kanji such as 髙 or 﨑 (a compatibility ideograph) are left exactly as they are.
    """
    if not text or max(text) < "\uff01":  # the common case: nothing to widen or narrow
        return text.strip()
    return _SAFE_RUN.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text).strip()


def norm_header(text: str) -> str:
    """How every importer compares a column header with its synonyms: NFKC, no spaces, lower case."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "").lower()
