"""Settings as text: read, shown and changed by key, for the CLI (`settings get|set|list`).

Only settings declared in ``app.register.settings.SETTINGS`` exist here. A value typed as text is
turned into the stored type and checked the way the GUI checks it: the certificate and
issuer settings go through ``certificate_settings.save`` (the 証書 screen's own check),
the evaluation and scheme settings must name something the register has.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import sqlite_utils

from app.certification import schemes
from app.register import settings
from app.staff import edit
from app.overview.setup_guide import FIRST_FISCAL_YEAR_RANGE
from app.register.accounts import User
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, require


def _unknown_key(key: str) -> UserError:
    return UserError(_("There is no setting {key}. Settings: {keys}").format(key=key, keys=", ".join(settings.SETTINGS)))


def label(key: str) -> str:
    if key not in settings.SETTINGS:
        raise _unknown_key(key)
    return _(settings.SETTINGS[key].label)


def shown(key: str, value: Any) -> Any:
    """A value as printed: the seal image by its size and fingerprint, never its base64 text."""
    if key == "certificate_seal_png":
        if not value:
            return ""
        data = base64.b64decode(value)
        return f"PNG {len(data) // 1000} KB sha256:{hashlib.sha256(data).hexdigest()[:12]}"
    return value


def get(db: sqlite_utils.Database, key: str) -> Any:
    label(key)  # refuses an unknown key
    return settings.get(db, key)


def listing(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every declared setting: key, label (translated) and value as shown."""
    return [{"key": key, "label": label(key), "value": shown(key, settings.get(db, key))} for key in settings.SETTINGS]


def _integer(key: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise UserError(_("{setting} ({key}) must be a whole number, not 「{value}」.").format(
            setting=label(key), key=key, value=text)) from None


def _choice(key: str, value: Any, choices: dict[Any, str]) -> Any:
    if value not in choices:
        raise UserError(_("{setting} ({key}) cannot be 「{value}」. Choose one of: {choices}").format(
            setting=label(key), key=key, value=value,
            choices="、".join(f"{k} ({v})" if str(k) != v else str(k) for k, v in choices.items())))
    return value


def parse(db: sqlite_utils.Database, key: str, text: str) -> Any:
    """The stored value for ``text``, refused with the setting named when it is not one the GUI allows."""
    label(key)
    if key == "certificate_seal_png":  # a PNG file to read, or "" to remove the seal
        if not text.strip():
            return ""
        try:
            data = Path(text).expanduser().read_bytes()
        except OSError as exc:
            raise UserError(_("The seal image {path} cannot be read: {error}").format(path=text, error=exc.strerror)) from exc
        from app.certification import certificate_settings  # reportlab: not needed to show the settings

        certificate_settings.seal_info(data)
        return base64.b64encode(data).decode("ascii")
    if key == "certificate_seal_mm":
        return _integer(key, text)
    if key == "idle_lock_minutes":
        minutes = _integer(key, text)
        if not 0 <= minutes <= settings.IDLE_LOCK_MAX_MINUTES:
            raise UserError(_("{setting} ({key}) must be between 0 and {most}.").format(
                setting=label(key), key=key, most=settings.IDLE_LOCK_MAX_MINUTES))
        return minutes
    if key == "certificate_seal_offset_mm":
        parts = text.replace("、", ",").split(",")
        if len(parts) != 2:
            raise UserError(_("{setting} ({key}) is two numbers, right and up, e.g. 5,-3.").format(
                setting=label(key), key=key))
        return [_integer(key, part) for part in parts]
    if key == "digital_section_id":
        if not text.strip():
            return None
        return _choice(key, _integer(key, text), dict(edit.section_choices(db)))
    if key == "first_fiscal_year":  # 2025 for 令和7年度; "" = not set
        if not text.strip():
            return None
        year, (low, high) = _integer(key, text), FIRST_FISCAL_YEAR_RANGE
        if not low <= year <= high:
            raise UserError(_("The first fiscal year must be between {low} and {high}, not {value}.").format(
                low=low, high=high, value=year))
        return year
    if key == "executive_max_rank":
        return _choice(key, _integer(key, text), dict(edit.position_ranks(db)))
    if key == "backup_folder":  # must exist now; a later absence is reported at backup time
        from app.register.maintenance import check_backup_folder

        folder = check_backup_folder(text)
        return str(folder) if folder else ""
    if key == "certification_scheme":
        families = {r["family"]: r["name"] for r in schemes.list_schemes(db) if r["latest"]}
        return _choice(key, text.strip(), families)
    return text.strip()


def set_text(db: sqlite_utils.Database, user: User, key: str, text: str) -> bool:
    """Change one setting from text, checked as the GUI checks it; True when the value changed."""
    require(user, Action.SETTINGS_EDIT)
    value = parse(db, key, text)
    from app.certification import certificate_settings  # reportlab: not needed to show the settings

    if key in certificate_settings.KEYS:
        return bool(certificate_settings.save(db, user, {key: value}))
    if settings.get(db, key) == value:
        return False
    settings.set_value(db, key, value, user)
    return True
