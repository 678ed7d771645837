"""Reading and writing a scheme or an evaluation template as a JSON file another register can load.

The files come from elsewhere (a neighbouring town, an edited copy), so nothing in them is trusted:
the size, the encoding, the JSON itself and the file's kind are checked first, then every field by
type, and each refusal names the file and the field (「levels[1].requirements[0].params.min」) in Japanese.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.i18n import _

MAX_BYTES = 1_000_000  # a scheme or a template is a few kilobytes; anything near this is not one


class FieldReader:
    """Typed access to the parsed JSON; every refusal names the file and the field."""

    def __init__(self, file: str) -> None:
        self.file = file

    def refuse(self, field: str, problem: str) -> UserError:
        return UserError(_("{file}: the field {field} {problem}").format(file=self.file, field=field, problem=problem))

    def get(self, data: dict, key: str, where: str, kind: type | tuple[type, ...], required: bool = True,
            default: Any = None) -> Any:
        field = f"{where}.{key}" if where else key
        if key not in data:
            if required:
                raise self.refuse(field, _("is missing."))
            return default
        value = data[key]
        if isinstance(value, bool) and kind is not bool:  # JSON true is not a number or a text here
            raise self.refuse(field, _("has the wrong type."))
        if not isinstance(value, kind):
            raise self.refuse(field, _("has the wrong type."))
        return value

    def text(self, data: dict, key: str, where: str, required: bool = True) -> str:
        value = self.get(data, key, where, str, required, "")
        if required and not value.strip():
            raise self.refuse(f"{where}.{key}" if where else key, _("is empty."))
        return value

    def objects(self, data: dict, key: str, where: str) -> list[tuple[str, dict]]:
        """A non-empty list of objects, each with the field name that locates it (``levels[2]``)."""
        field = f"{where}.{key}" if where else key
        items = self.get(data, key, where, list)
        if not items:
            raise self.refuse(field, _("is empty."))
        located = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise self.refuse(f"{field}[{index}]", _("has the wrong type."))
            located.append((f"{field}[{index}]", item))
        return located


def _no_constant(name: str) -> None:
    raise ValueError(name)


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UserError(_("{path} cannot be read: {error}").format(path=str(path), error=exc.strerror)) from exc


def parse_file(raw: bytes, file: str, kind: str, version: int, what: str) -> dict:
    """The JSON object of a file of ``kind`` (its "format" field) and ``version``; refused otherwise."""
    if len(raw) > MAX_BYTES:
        raise UserError(_("{file} is too large to be a {what}.").format(file=file, what=what))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(_("{file} is not a UTF-8 text file.").format(file=file)) from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UserError(_("{file} is not valid JSON (line {line}, column {column}).").format(
            file=file, line=exc.lineno, column=exc.colno)) from None
    except (ValueError, RecursionError):  # NaN/Infinity, or nesting deeper than any real file
        raise UserError(_("{file} is not valid JSON (line {line}, column {column}).").format(
            file=file, line=1, column=1)) from None
    if not isinstance(data, dict) or data.get("format") != kind:
        raise UserError(_("{file} is not a {what} file of DX人材認定台帳 (the field format is not {format}).").format(
            file=file, what=what, format=kind))
    if data.get("format_version") != version:
        raise UserError(_("{file}: the field format_version must be {version}; the file comes from another version "
                          "of the application.").format(file=file, version=version))
    return data


def write_new(out: Path, data: dict) -> Path:
    """Write ``data`` as UTF-8 JSON to a file that does not exist yet (nothing is overwritten)."""
    if out.exists():
        raise UserError(_("{path} already exists. Choose another file name.").format(path=str(out)))
    try:
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UserError(_("{path} cannot be written: {error}").format(path=str(out), error=exc.strerror)) from exc
    return out
