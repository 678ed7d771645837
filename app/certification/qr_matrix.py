"""QR code modules for certificates: reportlab's encoder, with everything but the data done once.

A batch of a thousand certificates encodes a thousand codes of the same length, hence of the same
QR version. reportlab's ``QRCode.makeImpl`` redraws the finder, timing and alignment patterns,
rebuilds the Reed-Solomon generator polynomial and walks the data positions for every code, in
pure Python (~0.2 s per thousand, most of a batch's QR cost). Here those depend only on
(version, error-correction level, mask) and are cached; per code only the data bits are written
(into an int, not bit by bit), the error-correction bytes computed with log/antilog tables, and
the bits placed on the cached positions. The result is module for module what reportlab draws
(tests/test_certificate_qr.py compares them).
"""

from __future__ import annotations

import functools
from itertools import zip_longest

from reportlab.graphics.barcode import qrencoder

# GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1, as antilog (EXP) and log (LOG) tables.
EXP = [0] * 512
LOG = [0] * 256
_value = 1
for _i in range(255):
    EXP[_i] = _value
    LOG[_value] = _i
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D
for _i in range(255, 512):
    EXP[_i] = EXP[_i - 255]


class _Bits:
    """The bit buffer reportlab's data segments write into (they only call ``put``), kept as one int."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length


@functools.lru_cache(maxsize=64)
def _generator_multiples(ec_count: int) -> tuple[int, ...]:
    """The Reed-Solomon generator of ``ec_count`` bytes (without its leading 1) times each byte value,
    each packed into one int of ``ec_count`` bytes: one table look-up and XOR per data byte."""
    poly = qrencoder.QRUtil.getErrorCorrectPolynomial(ec_count)
    logs = [LOG[poly.get(i)] for i in range(1, poly.getLength())]
    return (0, *(int.from_bytes(bytes(EXP[g + LOG[factor]] for g in logs), "big") for factor in range(1, 256)))


def _error_correction(data: list[int], ec_count: int) -> bytes:
    """The remainder of data·x^ec divided by the generator: the block's error-correction bytes."""
    multiples = _generator_multiples(ec_count)
    top, keep = 8 * (ec_count - 1), (1 << 8 * ec_count) - 1
    remainder = 0
    for byte in data:
        remainder = ((remainder << 8) & keep) ^ multiples[byte ^ (remainder >> top)]
    return remainder.to_bytes(ec_count, "big")


@functools.lru_cache(maxsize=64)
def _blocks(version: int, level: int) -> tuple[tuple[int, int], ...]:
    """(data bytes, total bytes) of each Reed-Solomon block of a version and level."""
    return tuple((b.dataCount, b.totalCount) for b in qrencoder.QRRSBlock.getRSBlocks(version, level))


@functools.lru_cache(maxsize=64)
def _template(version: int, level: int, mask: int) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...], int]:
    """What every code of a version shares: the rows with the function patterns and format information
    ("1" = dark, data left light), the data positions in placement order, and the mask over those
    positions as one int (the first position in the highest bit)."""
    qr = qrencoder.QRCode(version, level)
    qr.dataCache = []  # no data: makeImpl only draws the patterns and the mask
    qr.makeImpl(False, mask)
    mask_at = qrencoder.QRUtil.getMask(mask)
    positions = tuple((row, col) for col, row in qr.dataPosIterator())
    mask_bits = int("".join("1" if mask_at(row, col) else "0" for row, col in positions) or "0", 2)
    rows = ["".join("1" if dark else "0" for dark in row) for row in qr.modules]
    for row, col in positions:  # the data modules light, whatever makeImpl left there
        rows[row] = rows[row][:col] + "0" + rows[row][col + 1:]
    return tuple(rows), positions, mask_bits


def _codewords(segment, version: int, level: int) -> list[int]:
    """The data bytes (with terminator and padding) and their error-correction bytes, interleaved."""
    blocks = _blocks(version, level)
    capacity = sum(data for data, _total in blocks) * 8
    bits = _Bits()
    segment.write(bits, version)
    if bits.length > capacity:
        raise ValueError(f"code length overflow ({bits.length} > {capacity})")
    if bits.length + 4 <= capacity:
        bits.put(0, 4)
    bits.put(0, -bits.length % 8)
    pad = (qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1)
    stream = list(bits.value.to_bytes(bits.length // 8, "big")) if bits.length else []
    stream += [pad[i % 2] for i in range(capacity // 8 - len(stream))]
    data_blocks, ec_blocks, offset = [], [], 0
    for data_count, total in blocks:
        data_blocks.append(stream[offset:offset + data_count])
        ec_blocks.append(_error_correction(data_blocks[-1], total - data_count))
        offset += data_count
    return [b for column in (*zip_longest(*data_blocks), *zip_longest(*ec_blocks)) for b in column if b is not None]


def qr_rows(text: str, level: int = qrencoder.QRErrorCorrectLevel.M, mask: int = 0) -> tuple[str, ...]:
    """The QR code of ``text`` (smallest version that holds it) as rows of "1" (dark) and "0" (light).

    The same modules as reportlab's ``QRCode(None, level)``, ``addData(text)``, ``makeImpl(False, mask)``;
    a fixed mask is valid for every reader (choosing the "best" one would cost eight trial encodings).
    """
    qr = qrencoder.QRCode(None, level)
    qr.addData(text)
    (segment,) = qr.dataList
    version = qr.calculate_version()
    template, positions, mask_bits = _template(version, level, mask)
    codewords = _codewords(segment, version, level)
    data = int.from_bytes(bytes(codewords), "big") << (len(positions) - 8 * len(codewords))  # remainder bits 0
    placed = format(data ^ mask_bits, f"0{len(positions)}b")
    modules = [list(row) for row in template]
    for (row, col), bit in zip(positions, placed):
        modules[row][col] = bit
    return tuple("".join(row) for row in modules)


def qr_modules(text: str, level: int = qrencoder.QRErrorCorrectLevel.M, mask: int = 0) -> tuple[tuple[bool, ...], ...]:
    """``qr_rows`` as dark (True) and light modules, as reportlab's ``QRCode.modules`` holds them."""
    return tuple(tuple(bit == "1" for bit in row) for row in qr_rows(text, level, mask))
