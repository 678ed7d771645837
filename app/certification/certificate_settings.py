"""What a certificate looks like: the settings behind it, checked before they are saved.

The 証書 screen edits these with a live preview, so a layout can be built from
values not saved yet (``layout_from``), and a sample certificate stands in when
no real one is chosen. Saving refuses what would break the next print run:
an unknown placeholder, a character no bundled font has, a seal that is not a
readable PNG.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from app import pdf_fonts
from app.certification import schemes
from app.register import settings
from app.register.accounts import User
from app.certification.certificates import TEMPLATES, CertificateData, Layout, body_text, check_printable, issuer_line
from app.db import transaction
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, require

HONORIFICS = ("殿", "様")
KEYS = ("certificate_title", "certificate_body", "certificate_honorific", "certificate_template",
        "certificate_seal_png", "certificate_seal_mm", "certificate_seal_offset_mm", "municipality_name", "mayor_title", "mayor_name")
SEAL_MM = (10, 60)  # a seal smaller than 1 cm or larger than 6 cm is a typo
SEAL_OFFSET_MM = (-60, 60)  # anywhere near the issuer line; further would leave the page or the line
MAX_SEAL_BYTES = 1_000_000  # stored in the register as base64; a scanned seal is far smaller
SAMPLE_CODE = "0000-0000-0000"


def values(db: sqlite_utils.Database) -> dict[str, Any]:
    """The saved values of every certificate setting."""
    return {key: settings.get(db, key) for key in KEYS}


def layout_from(values: dict[str, Any]) -> Layout:
    """A layout from values (saved or being edited); the seal as base64 PNG text ("" = none)."""
    seal = values.get("certificate_seal_png") or ""
    return Layout(values["certificate_template"], values["certificate_title"], values["certificate_body"],
                  values["certificate_honorific"],
                  issuer_line(values["municipality_name"], values["mayor_title"], values["mayor_name"]),
                  values["municipality_name"], base64.b64decode(seal) if seal else None,
                  float(values["certificate_seal_mm"]),
                  tuple(float(v) for v in values.get("certificate_seal_offset_mm") or (0, 0)))


def sample_certificate(db: sqlite_utils.Database) -> CertificateData:
    """A certificate for the preview when none is chosen: the scheme's first level, today, marked 見本."""
    scheme_id = schemes.active_scheme_id(db)
    level, level_code, scheme = "DXアドバイザー", "advisor", "DX人材認定制度"
    if scheme_id is not None:
        spec = schemes.load_scheme(db, scheme_id)
        scheme = spec.name
        if spec.levels:
            level, level_code = spec.levels[0].name, spec.levels[0].code
    return CertificateData(0, "見本", "見本", "太郎", level, level_code, scheme, date.today(), "active", "見本",
                           SAMPLE_CODE)


@dataclass(frozen=True)
class SealInfo:
    width: int
    height: int
    transparent: bool  # without transparency the white around the seal covers the issuer's name


def seal_info(data: bytes) -> SealInfo:
    """Check that a seal image is a PNG that can be printed; say whether it has transparency."""
    from PIL import Image  # reportlab's own image library

    if len(data) > MAX_SEAL_BYTES:
        raise UserError(_("The seal image is too large ({size} KB; at most {limit} KB).").format(
            size=len(data) // 1000, limit=MAX_SEAL_BYTES // 1000))
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise UserError(_("The seal image must be a PNG file."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            return SealInfo(image.width, image.height, transparent)
    except Exception as exc:  # noqa: BLE001 - any decoding failure means the same to the user
        raise UserError(_("The seal image cannot be read: {error}").format(error=exc)) from exc


TEXT_KEYS = ("certificate_title", "certificate_body", "certificate_honorific", "municipality_name", "mayor_title",
             "mayor_name")


def check_fields_printable(values: dict[str, Any]) -> None:
    """Name the field that holds a character no bundled font has, before the sample certificate is tried.

    The sample stands in for a person, so a bad character in a setting must not be reported
    as if it were in someone's name (the batch check in ``certificates`` speaks of people).
    """
    problems = []
    for key in TEXT_KEYS:
        bad = pdf_fonts.unprintable(str(values.get(key) or ""))
        if bad:
            problems.append(_("{field}: {chars}").format(field=_(settings.SETTINGS[key].label),
                                                        chars="、".join(map(pdf_fonts.describe, bad))))
    if problems:
        raise UserError(_("These settings contain characters that the bundled fonts cannot print, so nothing was "
                          "saved. Delete the character or replace it with another, then press Save again:\n"
                          "{problems}").format(problems="\n".join(problems)))


def check(db: sqlite_utils.Database, values: dict[str, Any]) -> Layout:
    """Refuse values that would break printing; returns the layout they make."""
    if values["certificate_template"] not in TEMPLATES:
        raise UserError(_("Unknown certificate layout: {value}").format(value=values["certificate_template"]))
    if values["certificate_honorific"] not in HONORIFICS:
        raise UserError(_("The honorific must be one of: {choices}").format(choices="、".join(HONORIFICS)))
    if not str(values["certificate_title"]).strip():
        raise UserError(_("Enter the certificate title."))
    low, high = SEAL_MM
    if not low <= float(values["certificate_seal_mm"]) <= high:
        raise UserError(_("The seal size must be between {low} and {high} mm.").format(low=low, high=high))
    offset = values.get("certificate_seal_offset_mm") or (0, 0)
    low, high = SEAL_OFFSET_MM
    if len(offset) != 2 or not all(low <= float(v) <= high for v in offset):
        raise UserError(_("The seal position must be within {low} to {high} mm.").format(low=low, high=high))
    seal = values.get("certificate_seal_png") or ""
    if seal:
        try:
            data = base64.b64decode(seal, validate=True)
        except ValueError as exc:
            raise UserError(_("The seal image cannot be read: {error}").format(error=exc)) from exc
        seal_info(data)
    check_fields_printable(values)
    lay = layout_from(values)
    sample = sample_certificate(db)
    body_text(lay, sample)  # unknown placeholders: the service's own message
    check_printable(lay, [sample])
    return lay


def save(db: sqlite_utils.Database, user: User, changes: dict[str, Any]) -> list[str]:
    """Save changed certificate settings together (each audited); returns the keys that changed."""
    require(user, Action.SETTINGS_EDIT)
    unknown = set(changes) - set(KEYS)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    current = values(db)
    cleaned = {key: value.strip() if isinstance(value, str) and key != "certificate_seal_png" else value
               for key, value in changes.items()}
    if "certificate_seal_mm" in cleaned:
        cleaned["certificate_seal_mm"] = int(round(float(cleaned["certificate_seal_mm"])))
    check(db, {**current, **cleaned})
    changed = [key for key, value in cleaned.items() if current[key] != value]
    with transaction(db):
        for key in changed:
            settings.set_value(db, key, cleaned[key], user)
    return changed
