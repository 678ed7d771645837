"""The certificate's QR code: the cached encoder draws module for module what reportlab's encoder draws."""

from __future__ import annotations

import random
import string

import pytest
from reportlab.graphics.barcode import qrencoder

from app.certification.qr_matrix import qr_modules, qr_rows


def reportlab_modules(text: str, level: int, mask: int) -> tuple[tuple[bool, ...], ...]:
    qr = qrencoder.QRCode(None, level)
    qr.addData(text)
    qr.version = qr.calculate_version()
    qr.makeImpl(False, mask)
    return tuple(tuple(bool(module) for module in row) for row in qr.modules)


ALPHABETS = (string.digits, string.ascii_uppercase + string.digits + "-:", string.ascii_letters + "認定証", "漢字かな")
LEVELS = (qrencoder.QRErrorCorrectLevel.L, qrencoder.QRErrorCorrectLevel.M, qrencoder.QRErrorCorrectLevel.Q,
          qrencoder.QRErrorCorrectLevel.H)


@pytest.mark.parametrize("alphabet", ALPHABETS, ids=("numeric", "alphanumeric", "bytes", "kanji"))
def test_every_version_and_level_matches_reportlab(alphabet):
    """Lengths up to version 10 and more: several and unequal Reed-Solomon blocks, version information."""
    rng = random.Random(14)
    for length in [*range(0, 40), 60, 90, 140, 220]:
        text = "".join(rng.choice(alphabet) for _ in range(length))
        for level in LEVELS:
            for mask in (0, 3, 7):
                try:
                    expected = reportlab_modules(text, level, mask)
                except Exception:  # longer than reportlab encodes at this level
                    continue
                assert qr_modules(text, level, mask) == expected, (text, level, mask)


def test_codes_of_one_length_share_the_cache_but_not_their_data():
    first, second = qr_rows("DXJ:ABCD-EFGH-JKMN"), qr_rows("DXJ:ABCD-EFGH-JKMP")
    assert len(first) == len(second) == 21  # version 1: "DXJ:" and the code are QR alphanumerics
    assert first != second
    assert qr_modules("DXJ:ABCD-EFGH-JKMN", mask=0) == reportlab_modules("DXJ:ABCD-EFGH-JKMN",
                                                                          qrencoder.QRErrorCorrectLevel.M, 0)
