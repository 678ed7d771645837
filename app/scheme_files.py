"""A certification scheme as a JSON file, so that a neighbouring town can load the same rules.

The file holds the scheme's name, number pattern, note and its levels with their requirements,
nothing about people. Reading one trusts nothing: every field is checked for its type and for
the rules a scheme must follow (``schemes.check_scheme``), and a refusal names the file and the field
(「levels[1].requirements[0].params.min」) in Japanese. A loaded scheme is saved as the next version
of its family, like a revision on the scheme screen, so certifications already made keep theirs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlite_utils

from app import schemes
from app.accounts import User
from app.errors import UserError
from app.i18n import _
from app.permissions import Action, require

FORMAT = "dx-jinzai-scheme"
FORMAT_VERSION = 1
MAX_BYTES = 1_000_000  # a scheme is a few kilobytes; anything near this is not one


def to_dict(spec: schemes.SchemeSpec) -> dict[str, Any]:
    """The scheme as the file stores it (no ids, no version: those belong to the register)."""
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "family": spec.family, "name": spec.name, "number_pattern": spec.number_pattern, "note": spec.note,
        "levels": [{"code": level.code, "name": level.name, "ladder": level.ladder, "description": level.description,
                    "requirements": [{"kind": r.kind, "params": r.params} for r in level.requirements]}
                   for level in spec.levels],
    }


def export_scheme(db: sqlite_utils.Database, user: User, scheme_id: int, out: Path) -> Path:
    """Write the scheme to ``out`` (UTF-8 JSON); an existing file is never overwritten."""
    require(user, Action.SCHEME_EDIT)
    spec = schemes.load_scheme(db, scheme_id)
    if out.exists():
        raise UserError(_("{path} already exists. Choose another file name.").format(path=str(out)))
    try:
        out.write_text(json.dumps(to_dict(spec), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UserError(_("{path} cannot be written: {error}").format(path=str(out), error=exc.strerror)) from exc
    return out


class _Reader:
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


def _no_constant(name: str) -> None:
    raise ValueError(name)


def _parse(raw: bytes, file: str) -> dict:
    if len(raw) > MAX_BYTES:
        raise UserError(_("{file} is too large to be a certification scheme.").format(file=file))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(_("{file} is not a UTF-8 text file.").format(file=file)) from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UserError(_("{file} is not valid JSON (line {line}, column {column}).").format(
            file=file, line=exc.lineno, column=exc.colno)) from None
    except (ValueError, RecursionError):  # NaN/Infinity, or nesting deeper than any scheme
        raise UserError(_("{file} is not valid JSON (line {line}, column {column}).").format(
            file=file, line=1, column=1)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UserError(_("{file} is not a certification scheme file of DX人材認定台帳 (the field format is not "
                          "{format}).").format(file=file, format=FORMAT))
    if data.get("format_version") != FORMAT_VERSION:
        raise UserError(_("{file}: the field format_version must be {version}; the file comes from another version "
                          "of the application.").format(file=file, version=FORMAT_VERSION))
    return data


def from_dict(data: dict, file: str) -> schemes.SchemeSpec:
    """A checked SchemeSpec from the parsed file; UserError naming the field at the first problem."""
    read = _Reader(file)
    levels = []
    raw_levels = read.get(data, "levels", "", list)
    if not raw_levels:
        raise read.refuse("levels", _("is empty."))
    for i, raw_level in enumerate(raw_levels):
        where = f"levels[{i}]"
        if not isinstance(raw_level, dict):
            raise read.refuse(where, _("has the wrong type."))
        requirements = []
        raw_reqs = read.get(raw_level, "requirements", where, list)
        for j, raw_req in enumerate(raw_reqs):
            req_where = f"{where}.requirements[{j}]"
            if not isinstance(raw_req, dict):
                raise read.refuse(req_where, _("has the wrong type."))
            kind = read.text(raw_req, "kind", req_where)
            if kind not in schemes.KINDS:
                raise read.refuse(f"{req_where}.kind", _("is not a known requirement ({value}; known: {known}).").format(
                    value=kind, known=", ".join(schemes.KINDS)))
            requirements.append(schemes.RequirementSpec(kind, read.get(raw_req, "params", req_where, dict)))
        levels.append(schemes.LevelSpec(read.text(raw_level, "code", where).strip(), read.text(raw_level, "name", where),
                                        requirements, read.get(raw_level, "ladder", where, bool, False, True),
                                        read.text(raw_level, "description", where, required=False)))
    spec = schemes.SchemeSpec(read.text(data, "family", "").strip(), read.text(data, "name", ""), levels,
                              read.get(data, "number_pattern", "", str, False, schemes.DEFAULT_PATTERN),
                              read.text(data, "note", "", required=False))
    _check_fields(spec, read)
    try:
        schemes.check_scheme(spec)
    except UserError as exc:
        raise UserError(f"{file}: {exc}") from None
    return spec


def _check_fields(spec: schemes.SchemeSpec, read: _Reader) -> None:
    """The per-requirement rules, with the field that breaks them named."""
    earlier: set[str] = set()
    for i, level in enumerate(spec.levels):
        for j, req in enumerate(level.requirements):
            try:
                schemes.check_requirement(level, req, earlier)
            except UserError as exc:
                raise read.refuse(f"levels[{i}].requirements[{j}].params", f"— {exc}") from None
        earlier.add(level.code)
    try:
        schemes.check_pattern(spec.number_pattern)
    except UserError as exc:
        raise read.refuse("number_pattern", f"— {exc}") from None


def read_scheme(path: Path) -> schemes.SchemeSpec:
    """The scheme in ``path``, checked; nothing is written."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(_("{path} cannot be read: {error}").format(path=str(path), error=exc.strerror)) from exc
    return from_dict(_parse(raw, Path(path).name), Path(path).name)


def import_scheme(db: sqlite_utils.Database, user: User, path: Path) -> int:
    """Save the scheme in ``path`` as the next version of its family; the new scheme id."""
    require(user, Action.SCHEME_EDIT)
    return schemes.save_scheme(db, read_scheme(path), user)
