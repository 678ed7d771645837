"""Certificates (認定証): A4 PDFs in Mincho with 和暦 dates, verification codes and a print log.

Every name and text is checked against the bundled fonts before anything is
written: a certificate that cannot show the exact name is refused, naming the
person and the character. Each certificate carries a short verification code
(also as a QR code) derived with a key kept in the register, so that a
certificate can be checked offline with ``verify``. That key is readable by whoever holds the
file, so ``verify`` also requires the decision row's seal (app.register.seal, a key outside the register):
a certification inserted or changed outside the app does not verify, whatever code it prints.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlite_utils
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app import pdf_fonts
from app.register import audit
from app.register import settings
from app.register.accounts import User
from app.certification.qr_matrix import qr_rows
from app.db import transaction
from app.errors import UserError
from app.register.seal import row_verifies
from app.i18n import N_, _
from app.register.permissions import Action, require
from app.wareki import format_wareki

TEMPLATES = {"portrait": N_("A4 portrait"), "landscape": N_("A4 landscape"), "vertical": N_("A4 vertical writing (縦書き)")}
KEY_SETTING = "certificate_verification_key"  # internal: not in app.register.settings.SETTINGS, never shown
VERIFY_PREFIX = "DXJ"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O or U: nothing to misread when typed in


@dataclass(frozen=True)
class CertificateData:
    certification_id: int
    number: str
    family_name: str
    given_name: str
    level: str
    level_code: str
    scheme: str
    decided_on: date
    status: str
    mark: str  # "" / 再交付 / 再発行
    code: str

    @property
    def name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}"


@dataclass(frozen=True)
class Layout:
    """The settings that shape a certificate, read once per batch."""

    template: str
    title: str
    body: str
    honorific: str
    issuer: str
    municipality: str
    seal_png: bytes | None
    seal_mm: float
    seal_offset_mm: tuple[float, float] = (0.0, 0.0)  # right, up


# -- verification --------------------------------------------------------------------------------

def _key(db: sqlite_utils.Database) -> bytes:
    """The register's own random key, made on first use (inside the caller's transaction)."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [KEY_SETTING]).fetchone()
    if row:
        return bytes.fromhex(row[0].strip('"'))
    key = secrets.token_bytes(32)
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [KEY_SETTING, f'"{key.hex()}"'])
    return key


def verification_code(key: bytes, number: str, name: str, level_code: str, decided_on: str) -> str:
    """12 characters from an HMAC of the certificate's facts, grouped for reading aloud: ABCD-EFGH-JKMN."""
    digest = hmac.new(key, "\n".join((number, name, level_code, decided_on)).encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big") >> 4  # 60 bits = 12 characters
    text = "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(55, -1, -5))
    return "-".join(text[i:i + 4] for i in range(0, 12, 4))


def _normalise_code(code: str) -> str:
    from app.staff.importer import safe_normalise

    text = safe_normalise(code).upper().replace(" ", "").replace("-", "")
    if text.startswith(VERIFY_PREFIX + ":"):
        text = text[len(VERIFY_PREFIX) + 1:]
    return text.translate(str.maketrans("OIL", "011"))  # what a person may type for 0 and 1


@dataclass(frozen=True)
class Verification:
    valid: bool
    message: str
    number: str = ""
    name: str = ""
    level: str = ""
    decided_on: str = ""
    status: str = ""


def verify(db: sqlite_utils.Database, code: str) -> Verification:
    """Check a code read from a certificate against the register (including revocation)."""
    wanted = _normalise_code(code)
    if len(wanted) != 12:
        return Verification(False, _("This is not a verification code (12 letters and digits)."))
    with transaction(db):
        key = _key(db)
    for row in _rows(db, None):
        if verification_code(key, row["certificate_no"], row["name"], row["level_code"],
                             row["decided_on"]).replace("-", "") == wanted:
            if not row_verifies(db, "certifications", (row["id"],)):
                # The code key is in the file; the decision's seal is not: a row made or changed outside
                # the app prints a well-formed code, but is not a decision of this register.
                return Verification(False, _("The decision of {number} in the register does not verify: it was "
                                             "made or changed outside the app. This certificate cannot be confirmed "
                                             "as genuine; run check.").format(number=row["certificate_no"]),
                                    row["certificate_no"], row["name"], row["level"], "", "unverified")
            decided = format_wareki(date.fromisoformat(row["decided_on"]))
            if row["status"] == "revoked":
                return Verification(False, _("{number} was revoked on {date}: {reason}").format(
                    number=row["certificate_no"], date=format_wareki(date.fromisoformat(row["revoked_on"])),
                    reason=row["revoke_reason"]), row["certificate_no"], row["name"], row["level"], decided, "revoked")
            return Verification(True, _("Valid: {number}, {name}, {level}, certified on {date}.").format(
                number=row["certificate_no"], name=row["name"], level=row["level"], date=decided),
                row["certificate_no"], row["name"], row["level"], decided, "active")
    return Verification(False, _("No certificate in this register has this code. It may be forged or from "
                                 "another municipality."))


# -- reading the register ------------------------------------------------------------------------------

def _rows(db: sqlite_utils.Database, ids: list[int] | None) -> list[dict]:
    where = f"WHERE c.id IN ({','.join('?' * len(ids))})" if ids else ""
    return list(db.query(f"""
        SELECT c.id, c.certificate_no, c.level_code, c.decided_on, c.status, c.revoked_on, c.revoke_reason,
               c.reissues, s.family_name, s.given_name, s.family_name || ' ' || s.given_name AS name,
               l.name AS level, cs.name AS scheme,
               (SELECT count(*) FROM certificate_prints p WHERE p.certification_id = c.id) AS prints
        FROM certifications c JOIN staff s ON s.id = c.staff_id JOIN scheme_levels l ON l.id = c.level_id
        JOIN cert_schemes cs ON cs.id = c.scheme_id {where} ORDER BY c.fiscal_year, c.seq""", ids or []))


def select(db: sqlite_utils.Database, numbers: list[str] | None = None, new_only: bool = False) -> list[int]:
    """Certification ids to print: the given numbers, or every active one never printed (``new_only``)."""
    if numbers:
        ids = []
        for number in numbers:
            row = db.execute("SELECT id FROM certifications WHERE certificate_no = ?", [number.strip()]).fetchone()
            if row is None:
                raise UserError(_("No certificate has the number {number}.").format(number=number))
            ids.append(row[0])
        return ids
    where = "AND NOT EXISTS (SELECT 1 FROM certificate_prints p WHERE p.certification_id = c.id)" if new_only else ""
    return [r[0] for r in db.execute(f"SELECT c.id FROM certifications c WHERE c.status = 'active' {where} "
                                     "ORDER BY c.fiscal_year, c.seq")]


def _mark(row: dict) -> str:
    """再交付 after a recorded re-issue, 再発行 when a certificate was printed before, else nothing."""
    return "再交付" if row["reissues"] else "再発行" if row["prints"] else ""


def output_list(db: sqlite_utils.Database, user: User, new_only: bool = False) -> list[dict]:
    """Active certifications for the output screen, oldest first, with their print history.

    Each row: id, certificate_no, name, level, decided_on (ISO), prints, last_printed, mark
    (the 再交付/再発行 mark the next certificate would carry).
    """
    require(user, Action.CERTIFICATE_OUTPUT)
    rows = []
    for row in _rows(db, None):
        if row["status"] != "active" or (new_only and row["prints"]):
            continue
        rows.append({"id": row["id"], "certificate_no": row["certificate_no"], "name": row["name"],
                     "level": row["level"], "decided_on": row["decided_on"], "prints": row["prints"],
                     "mark": _mark(row)})
    last = dict(db.execute("SELECT certification_id, max(printed_at) FROM certificate_prints GROUP BY certification_id"))
    for row in rows:
        row["last_printed"] = last.get(row["id"])
    return rows


def certificates(db: sqlite_utils.Database, ids: list[int]) -> list[CertificateData]:
    """The data printed on each certificate; revoked certifications are refused."""
    if not ids:
        return []  # (``_rows`` reads every certification when given no ids)
    with transaction(db):
        key = _key(db)
    out = []
    for row in _rows(db, ids):
        if row["status"] != "active":
            raise UserError(_("{number} has been revoked; no certificate is printed for it.").format(
                number=row["certificate_no"]))
        if not row_verifies(db, "certifications", (row["id"],)):
            raise UserError(_("The decision of {number} does not verify: it was made or changed outside the app. "
                              "No certificate is printed for it; run check.").format(number=row["certificate_no"]))
        mark = _mark(row)
        out.append(CertificateData(row["id"], row["certificate_no"], row["family_name"], row["given_name"],
                                   row["level"], row["level_code"], row["scheme"], date.fromisoformat(row["decided_on"]),
                                   row["status"], mark, verification_code(key, row["certificate_no"], row["name"],
                                                                          row["level_code"], row["decided_on"])))
    return out


def issuer_line(municipality: str, title: str, name: str) -> str:
    """「真岡市長　石坂　真一」: 真岡市 + 市長 share the 市, as the title is written."""
    municipality, title = municipality.strip(), title.strip()
    if municipality and title and municipality[-1] == title[0]:
        head = municipality + title[1:]
    else:
        head = municipality + title
    return "\u3000".join(part for part in (head, name.strip()) if part)


ISSUER_SETTINGS = ("municipality_name", "mayor_title", "mayor_name")


def missing_issuer_settings(db: sqlite_utils.Database) -> list[str]:
    """The keys of the town and issuer settings still empty (a fresh register has no town or mayor)."""
    return [key for key in ISSUER_SETTINGS if not str(settings.get(db, key) or "").strip()]


def require_issuer(db: sqlite_utils.Database) -> None:
    """Refuse output while the town or the issuer is unset: 「あなたはのDX人材認定制度」 and a bare 「市長」
    would be printed, and that print would count as the first issue."""
    missing = missing_issuer_settings(db)
    if missing:
        raise UserError(_("Certificates cannot be output until these settings are entered: {settings}. "
                          "Enter them in 設定 or in 証書 → 様式・文面 (CLI: settings set KEY VALUE).").format(
            settings="、".join(_(settings.SETTINGS[key].label) for key in missing)))


def layout(db: sqlite_utils.Database, template: str | None = None) -> Layout:
    """The saved layout for output; refused while the town or the issuer is not set (``require_issuer``)."""
    require_issuer(db)
    get = lambda key: settings.get(db, key)  # noqa: E731
    seal = get("certificate_seal_png")
    chosen = template or get("certificate_template")
    if chosen not in TEMPLATES:
        raise UserError(_("Unknown certificate layout: {value}").format(value=chosen))
    return Layout(chosen, get("certificate_title"), get("certificate_body"), get("certificate_honorific"),
                  issuer_line(get("municipality_name"), get("mayor_title"), get("mayor_name")), get("municipality_name"),
                  base64.b64decode(seal) if seal else None, float(get("certificate_seal_mm")),
                  tuple(float(v) for v in get("certificate_seal_offset_mm")))


def body_text(lay: Layout, cert: CertificateData) -> str:
    try:
        return lay.body.format(**{"レベル": cert.level, "制度": cert.scheme, "自治体": lay.municipality or ""})
    except (KeyError, IndexError, ValueError) as exc:
        raise UserError(_("The certificate text has an unknown placeholder: {error} (use {{レベル}}, {{制度}}, "
                          "{{自治体}}).").format(error=exc)) from exc


def check_printable(lay: Layout, certs: list[CertificateData]) -> None:
    """Refuse the whole batch before writing anything when a name or text cannot be printed exactly."""
    problems = []
    for text, what in ((lay.title, _("the title")), (lay.issuer, _("the issuer line")), (lay.honorific, _("the honorific"))):
        bad = pdf_fonts.unprintable(text)
        if bad:
            problems.append(_("{what}: {chars}").format(what=what, chars="、".join(map(pdf_fonts.describe, bad))))
    for cert in certs:
        bad = pdf_fonts.unprintable(cert.name + body_text(lay, cert) + cert.number)
        if bad:
            problems.append(_("{number} {name}: {chars}").format(number=cert.number, name=cert.name.replace("\u3000", " "),
                                                                 chars="、".join(map(pdf_fonts.describe, bad))))
    if problems:
        raise UserError(_("These characters cannot be printed exactly with the bundled fonts, so nothing was written. "
                          "Correct the name (e.g. the registered character) and try again:\n{problems}").format(
            problems="\n".join(problems[:20])))


# -- drawing ------------------------------------------------------------------------------------------------

_NO_LINE_START = "、。」）"


@functools.lru_cache(maxsize=1)
def _phrase_parser():
    """BudouX's Japanese model (loaded once): it knows where a reader expects a line may break."""
    import budoux

    return budoux.load_default_japanese_parser()


def _phrases(text: str, keep: tuple[str, ...]) -> list[str]:
    """Japanese text cut at phrase boundaries (BudouX), never inside a term of ``keep``.

    The level and the town's name are printed whole on one line: BudouX may cut 「DXアドバイザー」
    or a town like 「みどり市」 after its first characters, so boundaries inside them are dropped.
    """
    if not text:
        return []
    cuts, at = set(), 0
    for phrase in _phrase_parser().parse(text)[:-1]:
        at += len(phrase)
        cuts.add(at)
    for term in (t for t in keep if t):
        start = text.find(term)
        while start >= 0:
            cuts -= set(range(start + 1, start + len(term)))
            start = text.find(term, start + 1)
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(text) and text[c] not in _NO_LINE_START), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def _fill(phrases: list[str], measure, limit: float) -> list[str]:
    """Greedy lines of whole phrases; a phrase longer than a line is cut by character (not before 、。)."""
    lines, line = [], ""
    for phrase in phrases:
        if line and measure(line + phrase) > limit:
            lines.append(line)
            line = ""
        if measure(line + phrase) <= limit:
            line += phrase
            continue
        for char in phrase:  # longer than a whole line: the old character rule
            if line and measure(line + char) > limit and char not in _NO_LINE_START:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines


@functools.lru_cache(maxsize=256)
def _wrap(text: str, size: float, max_width: float, keep: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Break Japanese text into lines by width at phrase boundaries, keeping the ``keep`` terms whole.

    Cached: in a batch the body differs only by level, so a thousand certificates parse a few texts.
    """
    measure = functools.partial(pdf_fonts.width, size=size)
    return tuple(line for paragraph in text.split("\n")
                 for line in (_fill(_phrases(paragraph, keep), measure, max_width) or [""]))


@functools.lru_cache(maxsize=256)
def _columns(text: str, per_column: int, keep: tuple[str, ...] = ()) -> tuple[str, ...]:
    """縦書き: the same phrase breaking, by the number of characters a column holds."""
    return tuple(line for paragraph in text.split("\n") for line in _fill(_phrases(paragraph, keep), len, per_column))


def _unbreakable(lay: Layout, cert: CertificateData) -> tuple[str, ...]:
    """Terms printed whole on one line: the level, the town's name (and the scheme's name when short)."""
    return tuple(t for t in (cert.level, lay.municipality, cert.scheme if len(cert.scheme) <= 12 else "") if t)


def _spaced(title: str) -> str:
    """認定証 → 認　定　証 (short titles are spread out, as on printed certificates)."""
    return "\u3000".join(title) if len(title) <= 4 else title


_DARK_RUN = re.compile("1+")  # a run of dark modules in a row of qr_rows


def _qr(canvas: Canvas, x: float, y: float, size: float, code: str) -> None:
    """The verification code as a QR code, drawn as one filled path of module-sized rectangles.

    reportlab's QR widget would add an unembedded Helvetica to the PDF. A fixed mask pattern is
    valid for every reader and saves the eight trial encodings of the "best" mask; what depends only
    on the code's length is computed once per batch (``qr_matrix``). The path is
    written in module units (integers) under a scale, which keeps a batch of certificates fast.
    """
    rows = qr_rows(f"{VERIFY_PREFIX}:{code}", qrencoder.QRErrorCorrectLevel.M, mask=0)
    count = len(rows)
    cell = size / (count + 8)  # four modules of quiet zone on each side
    operators = [f"{run.start()} {count - 1 - row} {run.end() - run.start()} 1 re"
                 for row, dark in enumerate(rows) for run in _DARK_RUN.finditer(dark)]
    canvas.saveState()
    canvas.translate(x + 4 * cell, y + 4 * cell)
    canvas.scale(cell, cell)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    path._code.extend(operators)  # already PDF operators; reportlab would format each number again
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _seal(canvas: Canvas, lay: Layout, x: float, y: float) -> None:
    if lay.seal_png:
        side = lay.seal_mm * mm
        x, y = x + lay.seal_offset_mm[0] * mm, y + lay.seal_offset_mm[1] * mm
        canvas.drawImage(ImageReader(io.BytesIO(lay.seal_png)), x - side / 2, y - side / 2, side, side, mask="auto")


def _border(canvas: Canvas, width: float, height: float) -> None:
    canvas.setLineWidth(2.2)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.6)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)


def _footer(canvas: Canvas, cert: CertificateData, width: float) -> None:
    _qr(canvas, width - 42 * mm, 19 * mm, 20 * mm, cert.code)
    pdf_fonts.draw(canvas, width - 44 * mm, 21 * mm, f"照合コード {cert.code}", 8, "right")


def _draw_horizontal(canvas: Canvas, lay: Layout, cert: CertificateData, width: float, height: float) -> None:
    _border(canvas, width, height)
    top = height - 30 * mm
    if cert.mark:
        pdf_fonts.draw(canvas, 25 * mm, top, f"【{cert.mark}】", 12)
    pdf_fonts.draw(canvas, width - 25 * mm, top, cert.number, 12, "right")
    title_y = top - (32 if height > width else 22) * mm
    pdf_fonts.draw(canvas, width / 2, title_y, _spaced(lay.title), 40, "centre")
    name_y = title_y - 28 * mm
    pdf_fonts.draw(canvas, width / 2, name_y, f"{cert.name}\u3000{lay.honorific}".rstrip(), 26, "centre")
    body_width = width - 70 * mm
    y = name_y - 26 * mm
    for line in _wrap(body_text(lay, cert), 17, body_width, _unbreakable(lay, cert)):
        pdf_fonts.draw(canvas, 35 * mm, y, line, 17)
        y -= 17 * 1.9
    date_y = max(y - 14 * mm, 80 * mm if height > width else 62 * mm)
    pdf_fonts.draw(canvas, 35 * mm, date_y, format_wareki(cert.decided_on), 16)
    issuer_y = date_y - 20 * mm
    issuer_right = width - 45 * mm
    pdf_fonts.draw(canvas, issuer_right, issuer_y, lay.issuer, 19, "right")
    _seal(canvas, lay, issuer_right + 4 * mm, issuer_y + 3 * mm)
    _footer(canvas, cert, width)


def _draw_vertical(canvas: Canvas, lay: Layout, cert: CertificateData, width: float, height: float) -> None:
    """縦書き: columns from right to left — number, title, name, text, date, issuer."""
    _border(canvas, width, height)
    top = height - 28 * mm
    x = width - 30 * mm
    pdf_fonts.draw_vertical(canvas, x, top, cert.number, 11)
    if cert.mark:
        pdf_fonts.draw_vertical(canvas, x - 9 * mm, top, cert.mark, 11)
    x -= 26 * mm
    pdf_fonts.draw_vertical(canvas, x, top - 8 * mm, _spaced(lay.title), 36, spacing=1.2)
    x -= 26 * mm
    pdf_fonts.draw_vertical(canvas, x, top - 30 * mm, f"{cert.name}\u3000{lay.honorific}".rstrip(), 24)
    x -= 22 * mm
    column_height = height - 75 * mm
    chars_per_column = int(column_height / (16 * 1.05))
    for column in _columns(body_text(lay, cert), chars_per_column, _unbreakable(lay, cert)):
        pdf_fonts.draw_vertical(canvas, x, top - 8 * mm, column, 16)
        x -= 13 * mm
    x -= 8 * mm
    pdf_fonts.draw_vertical(canvas, x, top - 20 * mm, format_wareki(cert.decided_on, style="numerals"), 15)
    x -= 22 * mm
    bottom = pdf_fonts.draw_vertical(canvas, x, top - 60 * mm, lay.issuer, 18)
    _seal(canvas, lay, x, bottom + 6 * mm)
    _footer(canvas, cert, width)


def draw_certificate(canvas: Canvas, lay: Layout, cert: CertificateData) -> None:
    size = landscape(A4) if lay.template == "landscape" else A4
    canvas.setPageSize(size)
    (_draw_vertical if lay.template == "vertical" else _draw_horizontal)(canvas, lay, cert, *size)
    canvas.showPage()


def _canvas(target, title: str) -> Canvas:
    primary, _fallback = pdf_fonts.register()
    canvas = Canvas(target, pagesize=A4, initialFontName=primary, initialFontSize=12)  # no unembedded Helvetica
    canvas.setTitle(title)
    canvas.setAuthor("DX人材認定台帳")
    canvas.setCreator("DX人材認定台帳")
    return canvas


def render(lay: Layout, certs: list[CertificateData], target) -> None:
    """All certificates into one PDF (a path or a binary file object); checks every character first."""
    check_printable(lay, certs)
    canvas = _canvas(target, lay.title)
    for cert in certs:
        draw_certificate(canvas, lay, cert)
    canvas.save()


def pdf_bytes(lay: Layout, certs: list[CertificateData]) -> bytes:
    """The PDF in memory, for a preview or for printing without a file (checked as ``render`` checks)."""
    buffer = io.BytesIO()
    render(lay, certs, buffer)
    return buffer.getvalue()


def write(db: sqlite_utils.Database, user: User, ids: list[int], out: Path, template: str | None = None,
          per_person: bool = False) -> list[Path]:
    """Write certificates (one PDF, or one file per person into the folder ``out``) and log the prints."""
    require(user, Action.CERTIFICATE_OUTPUT)
    if not ids:
        raise UserError(_("There are no certificates to print."))
    lay = layout(db, template)
    certs = certificates(db, ids)
    check_printable(lay, certs)
    out = Path(out)
    written: list[tuple[Path, list[CertificateData]]] = []
    if per_person:
        out.mkdir(parents=True, exist_ok=True)
        for cert in certs:
            safe = "".join(c if c not in '\\/:*?"<>|' else "_" for c in f"{cert.number}_{cert.family_name}{cert.given_name}")
            written.append((out / f"{safe}.pdf", [cert]))
    else:
        written.append((out, certs))
    for path, batch in written:
        if path.exists():
            raise UserError(_("{path} already exists. Choose another file name.").format(path=path))
    for path, batch in written:
        temporary = path.with_name(path.name + ".part")
        render(lay, batch, str(temporary))
        temporary.replace(path)  # a half-written PDF never carries the final name
    _log_prints(db, user, [(path.name, batch) for path, batch in written], lay.template,
                {"files": [p.name for p, _b in written]})
    return [p for p, _b in written]


def _log_prints(db: sqlite_utils.Database, user: User, batches: list[tuple[str, list[CertificateData]]],
                template: str, details: dict) -> None:
    """One log line per certificate (first issue or reprint, by the mark it carried) and one audit entry."""
    with transaction(db):
        for file_name, batch in batches:
            for cert in batch:
                db["certificate_prints"].insert({"certification_id": cert.certification_id, "printed_by": user.login,
                                                 "kind": "reprint" if cert.mark else "first",
                                                 "template": template, "file_name": file_name})
        audit.record(db, user.login, "certificate.print", "certifications", None, None,
                     {"count": sum(len(b) for _f, b in batches), "template": template, **details})


def record_print(db: sqlite_utils.Database, user: User, certs: list[CertificateData], template: str,
                 printer: str) -> None:
    """Log certificates sent straight to a printer (no file), as ``write`` logs the files it writes.

    The caller passes the certificates it printed, so that each line says first issue or
    reprint by the mark that was on the paper.
    """
    require(user, Action.CERTIFICATE_OUTPUT)
    require_issuer(db)
    if template not in TEMPLATES:
        raise UserError(_("Unknown certificate layout: {value}").format(value=template))
    if certs:
        _log_prints(db, user, [("", certs)], template, {"printer": printer})


def print_log(db: sqlite_utils.Database, user: User, certification_id: int | None = None,
              staff_id: int | None = None) -> list[dict]:
    """Printed certificates, newest first: all, one certification's, or one person's (``staff_id``)."""
    require(user, Action.CERTIFICATE_OUTPUT)
    where, params = "WHERE 1 = 1", []
    if certification_id:
        where += " AND p.certification_id = ?"
        params.append(certification_id)
    if staff_id is not None:
        where += " AND c.staff_id = ?"
        params.append(staff_id)
    return list(db.query(f"""
        SELECT p.printed_at, p.printed_by, p.kind, p.template, p.file_name, c.certificate_no,
               s.family_name || ' ' || s.given_name AS name, l.name AS level
        FROM certificate_prints p JOIN certifications c ON c.id = p.certification_id JOIN staff s ON s.id = c.staff_id
        JOIN scheme_levels l ON l.id = c.level_id
        {where} ORDER BY p.id DESC""", params))


CEREMONY_FORMATS = (".pdf", ".xlsx")
CEREMONY_HEADERS = ("番号", "認定番号", "氏名", "所属", "レベル", "認定日")
# Column left edges and the right end of the rule (mm): every cell is fitted into its column.
_CEREMONY_COLUMNS_MM = (16, 25, 77, 108, 140, 168)
_CEREMONY_RIGHT_MM = 196
_CEREMONY_SIZE, _CEREMONY_MIN_SIZE = 10.0, 6.0
_CEREMONY_GAP = 2 * mm


def _affiliations(db: sqlite_utils.Database, ids: list[int], on: date) -> dict[int, str]:
    """certification id -> the person's 課 (or 部) on ``on``, as read aloud at the ceremony."""
    from app.staff.directory import unit_names

    if not ids:
        return {}
    names = unit_names(db, on.isoformat())
    rows = db.execute(f"""
        SELECT c.id, a.unit_id FROM certifications c
        LEFT JOIN staff_assignments a ON a.staff_id = c.staff_id AND a.is_primary = 1 AND a.valid_from <= ?
                                      AND (a.valid_to IS NULL OR a.valid_to >= ?)
        WHERE c.id IN ({",".join("?" * len(ids))})""", [on.isoformat(), on.isoformat(), *ids])
    out: dict[int, str] = {}
    for cert_id, unit_id in rows:
        department, section, _team = names.get(unit_id, ("", "", ""))
        out[cert_id] = section or department or ""
    return out


def ceremony_rows(db: sqlite_utils.Database, certs: list[CertificateData], on: date) -> list[list[str]]:
    """The rows of the 授与者名簿 (as ``CEREMONY_HEADERS``), numbered from 1."""
    affiliation = _affiliations(db, [c.certification_id for c in certs], on)
    return [[str(index), cert.number, cert.name, affiliation.get(cert.certification_id, ""), cert.level,
             format_wareki(cert.decided_on)] for index, cert in enumerate(certs, start=1)]


def _fitted_size(text: str, room: float) -> float:
    """The largest size up to 10 pt at which ``text`` fits ``room`` (never below 6 pt)."""
    size = _CEREMONY_SIZE
    while size > _CEREMONY_MIN_SIZE and pdf_fonts.width(text, size) > room:
        size -= 0.5
    return size


def _fitted(text: str, room: float) -> tuple[str, float]:
    """Text and size that stay inside its column: smaller type first, then cut with …  as a last resort."""
    size = _fitted_size(text, room)
    while text and pdf_fonts.width(text, size) > room:
        text = text[:-2] + "…" if len(text) > 1 else ""
    return text, size


def ceremony_list(db: sqlite_utils.Database, user: User, ids: list[int], out: Path, title: str = "",
                  on: date | None = None) -> Path:
    """授与者名簿: the people receiving certificates, by level then number, as PDF (A4) or .xlsx by the extension.

    ``on`` is the day whose 所属 is shown (default today, the ceremony).
    """
    require(user, Action.CERTIFICATE_OUTPUT)
    out = Path(out)
    if out.suffix.lower() not in CEREMONY_FORMATS:
        raise UserError(_("The list of recipients can be written as .pdf or .xlsx, not 「{suffix}」: {path}").format(
            suffix=out.suffix or _("no extension"), path=out))
    certs = certificates(db, ids)
    lay = layout(db, "portrait")
    check_printable(lay, certs)
    if out.exists():
        raise UserError(_("{path} already exists. Choose another file name.").format(path=out))
    heading = title or f"{lay.municipality} DX人材認定 授与者名簿".strip()
    rows = ceremony_rows(db, certs, on or date.today())
    if out.suffix.lower() == ".xlsx":
        from app.tabular import write_xlsx

        temporary = out.with_name(out.name + ".part")
        write_xlsx(temporary, list(CEREMONY_HEADERS), rows, "授与者名簿")
        temporary.replace(out)
        return out
    bad = pdf_fonts.unprintable(heading + "".join(row[3] for row in rows))
    if bad:
        raise UserError(_("{what}: {chars}").format(what=heading, chars="、".join(map(pdf_fonts.describe, bad))))
    canvas = _canvas(str(out), heading)
    width, height = A4
    columns = [x * mm for x in _CEREMONY_COLUMNS_MM]
    right = _CEREMONY_RIGHT_MM * mm
    rooms = [following - start - _CEREMONY_GAP for start, following in zip(columns, columns[1:] + [right])]
    rows_per_page = 28
    pages = [rows[i:i + rows_per_page] for i in range(0, len(rows), rows_per_page)] or [[]]
    for page_no, page in enumerate(pages, start=1):
        pdf_fonts.draw(canvas, width / 2, height - 25 * mm, heading, 16, "centre")
        pdf_fonts.draw(canvas, right, height - 33 * mm, f"{page_no} / {len(pages)}", 9, "right")
        y = height - 45 * mm
        for x, room, text in zip(columns, rooms, CEREMONY_HEADERS):
            pdf_fonts.draw(canvas, x, y, *_fitted(text, room))
        canvas.line(columns[0] - 2 * mm, y - 2.5 * mm, right, y - 2.5 * mm)
        y -= 8 * mm
        for row in page:
            for x, room, text in zip(columns, rooms, row):
                pdf_fonts.draw(canvas, x, y, *_fitted(text, room))
            y -= 8 * mm
        canvas.showPage()
    canvas.save()
    return out
