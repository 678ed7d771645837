"""A certification scheme as a JSON file, so that a neighbouring town can load the same rules.

The file holds the scheme's name, number pattern, note and its levels with their requirements,
nothing about people. Reading one trusts nothing: every field is checked for its type and for
the rules a scheme must follow (``schemes.check_scheme``), and a refusal names the file and the field
(「levels[1].requirements[0].params.min」) in Japanese. A loaded scheme is saved as the next version
of its family, like a revision on the scheme screen, so certifications already made keep theirs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils

from app.certification import schemes
from app.register.accounts import User
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, require
from app.spec_files import FieldReader, parse_file, read_bytes, write_new

FORMAT = "dx-jinzai-scheme"
FORMAT_VERSION = 1


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
    return write_new(out, to_dict(spec))


def from_dict(data: dict, file: str) -> schemes.SchemeSpec:
    """A checked SchemeSpec from the parsed file; UserError naming the field at the first problem."""
    read = FieldReader(file)
    levels = []
    for where, raw_level in read.objects(data, "levels", ""):
        requirements = []
        for req_where, raw_req in read.objects(raw_level, "requirements", where):
            kind = read.text(raw_req, "kind", req_where)
            if kind not in schemes.KINDS:
                raise read.refuse(f"{req_where}.kind", _("is not a known requirement ({value}; known: {known}).").format(
                    value=kind, known=", ".join(schemes.KINDS)))
            requirements.append(schemes.RequirementSpec(kind, read.get(raw_req, "params", req_where, dict)))
        code = read.text(raw_level, "code", where).strip()
        if code in {level.code for level in levels}:
            raise read.refuse(f"{where}.code", _("repeats the code of an earlier level ({value}).").format(value=code))
        levels.append(schemes.LevelSpec(code, read.text(raw_level, "name", where),
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


def _check_fields(spec: schemes.SchemeSpec, read: FieldReader) -> None:
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
    raw = read_bytes(path)
    return from_dict(parse_file(raw, Path(path).name, FORMAT, FORMAT_VERSION, _("certification scheme")), Path(path).name)


def import_scheme(db: sqlite_utils.Database, user: User, path: Path) -> int:
    """Save the scheme in ``path`` as the next version of its family; the new scheme id."""
    require(user, Action.SCHEME_EDIT)
    return schemes.save_scheme(db, read_scheme(path), user)
