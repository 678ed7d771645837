"""Settings declared once, with defaults and translatable labels, stored as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from app import audit
from app.register.accounts import User
from app.db import transaction
from app.i18n import N_
from app.register.permissions import Action, require


IDLE_LOCK_MAX_MINUTES = 240


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    label: str  # msgid, translate where shown


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        # Printed on certificates and reports (issuer line 「○○市長 氏名」).
        Setting("municipality_name", "", N_("Municipality name")),
        Setting("mayor_title", "市長", N_("Title of the certifying official")),
        Setting("mayor_name", "", N_("Name of the certifying official")),
        # The fiscal year (April to March, as 地方自治法 sets it) the town's scheme starts in, e.g. 2025.
        Setting("first_fiscal_year", None, N_("First fiscal year of the scheme")),
        # Evaluation rules: whose staff rate the ICT perspective, and which positions count as executives.
        Setting("digital_section_id", None, N_("Digital department (rates the ICT perspective)")),
        Setting("executive_max_rank", 3, N_("Executives are positions up to rank")),
        # The certification scheme in use (a scheme family; None = the first one saved).
        Setting("certification_scheme", None, N_("Certification scheme in use")),
        # Certificates: texts, honorific, layout and the official seal (PNG as base64; "" = none).
        Setting("certificate_title", "認定証", N_("Certificate title")),
        Setting("certificate_body", "あなたは{自治体}のDX人材認定制度に基づき、{レベル}として認定されたことを証します。",
                N_("Certificate text ({レベル}, {制度} and {自治体} are filled in)")),
        Setting("certificate_honorific", "殿", N_("Honorific after the name")),
        Setting("certificate_template", "portrait", N_("Certificate layout")),
        Setting("certificate_seal_png", "", N_("Official seal image")),
        Setting("certificate_seal_mm", 30, N_("Seal size (mm)")),
        # Where the seal sits: millimetres right and up from its place over the end of the issuer's name.
        Setting("certificate_seal_offset_mm", [0, 0], N_("Seal position (mm right, mm up)")),
        # A second place for the automatic backups (a USB stick, a file server); "" = only beside the register.
        Setting("backup_folder", "", N_("Backup folder (a USB stick or file server)")),
        # A shared PC: the main window hides its content after this many minutes without input (0 = never).
        Setting("idle_lock_minutes", 10, N_("Lock the screen after this many minutes without input (0 = never)")),
    )
}


def get(db: sqlite_utils.Database, key: str) -> Any:
    setting = SETTINGS[key]
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return setting.default if row is None else json.loads(row[0])


def set_value(db: sqlite_utils.Database, key: str, value: Any, user: User) -> None:
    """Change one setting, audited, in its own transaction."""
    require(user, Action.SETTINGS_EDIT)
    if key not in SETTINGS:
        raise KeyError(key)
    with transaction(db):
        before = get(db, key)
        if before == value:
            return
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')",
            [key, json.dumps(value, ensure_ascii=False)],
        )
        audit.record(db, user.login, "setting.change", "settings", key, {"value": _for_log(key, before)}, {"value": _for_log(key, value)})


def _for_log(key: str, value: Any) -> Any:
    """Images (the seal) are logged by their fingerprint: the audit log is append-only and shown as text."""
    if key.endswith("_png") and isinstance(value, str) and value:
        import hashlib

        return {"sha256": hashlib.sha256(value.encode()).hexdigest(), "characters": len(value)}
    return value
