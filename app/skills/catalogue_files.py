"""A skill catalogue as a JSON file, so a town can edit it outside the app or share it with a neighbour.

Like the scheme files (``app.certification.scheme_files``): nothing in a file is trusted, every field is
checked by type and then by the catalogue's own rules, a refusal names the file and the field
(「items[3].descriptors.2」) in Japanese, and a loaded catalogue is saved as the next version of its family.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils

from app.errors import UserError
from app.i18n import _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.skills.catalogues import (CatalogueSpec, CategorySpec, ItemSpec, LevelSpec, RoleSpec, check_catalogue,
                                   load_catalogue, save_catalogue)
from app.spec_files import FieldReader, parse_file, read_bytes, write_new

FORMAT = "dx-jinzai-skill-catalogue"
FORMAT_VERSION = 1


def to_dict(spec: CatalogueSpec) -> dict[str, Any]:
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "family": spec.family, "name": spec.name, "note": spec.note,
        "levels": [{"level": lv.level, "name": lv.name, "description": lv.description} for lv in spec.levels],
        "categories": [{"code": c.code, "name": c.name} for c in spec.categories],
        "items": [{"code": i.code, "category": i.category, "name": i.name, "description": i.description,
                   "descriptors": {str(k): v for k, v in sorted(i.descriptors.items())}} for i in spec.items],
        "roles": [{"code": r.code, "type": r.type_name, "name": r.name, "description": r.description,
                   "items": dict(r.items)} for r in spec.roles],
    }


def export_catalogue(db: sqlite_utils.Database, user: User, catalogue_id: int, out: Path) -> Path:
    require(user, Action.SKILL_CATALOGUE_EDIT)
    return write_new(Path(out), to_dict(load_catalogue(db, catalogue_id)))


def _descriptors(read: FieldReader, raw: dict, where: str) -> dict[int, str]:
    found = read.get(raw, "descriptors", where, dict, False, {})
    out = {}
    for key, text in found.items():
        if not (isinstance(key, str) and key.isascii() and key.isdigit()) or not isinstance(text, str):
            raise read.refuse(f"{where}.descriptors.{key}", _("has the wrong type."))
        out[int(key)] = text
    return out


def from_dict(data: dict, file: str) -> CatalogueSpec:
    read = FieldReader(file)
    levels = []
    for where, raw in read.objects(data, "levels", ""):
        level = read.get(raw, "level", where, int)
        levels.append(LevelSpec(level, read.text(raw, "name", where), read.text(raw, "description", where, False)))
    categories = [CategorySpec(read.text(raw, "code", where).strip(), read.text(raw, "name", where))
                  for where, raw in read.objects(data, "categories", "")]
    items = [ItemSpec(read.text(raw, "code", where).strip(), read.text(raw, "category", where).strip(),
                      read.text(raw, "name", where), read.text(raw, "description", where, False),
                      _descriptors(read, raw, where))
             for where, raw in read.objects(data, "items", "")]
    roles = []
    for index, raw in enumerate(read.get(data, "roles", "", list, False, [])):
        where = f"roles[{index}]"
        if not isinstance(raw, dict):
            raise read.refuse(where, _("has the wrong type."))
        role_items = read.get(raw, "items", where, dict, False, {})
        if not all(isinstance(v, str) for v in role_items.values()):
            raise read.refuse(f"{where}.items", _("has the wrong type."))
        roles.append(RoleSpec(read.text(raw, "code", where).strip(), read.text(raw, "type", where, False),
                              read.text(raw, "name", where), read.text(raw, "description", where, False), role_items))
    spec = CatalogueSpec(read.text(data, "family", "").strip(), read.text(data, "name", ""), levels, categories, items,
                         roles, read.text(data, "note", "", False))
    try:
        check_catalogue(spec)
    except UserError as exc:
        raise UserError(f"{file}: {exc}") from None
    return spec


def read_catalogue(path: Path) -> CatalogueSpec:
    raw = read_bytes(path)
    return from_dict(parse_file(raw, Path(path).name, FORMAT, FORMAT_VERSION, _("skill catalogue")), Path(path).name)


def import_catalogue(db: sqlite_utils.Database, user: User, path: Path) -> int:
    """Save the catalogue in ``path`` as the next version of its family; the new catalogue id."""
    require(user, Action.SKILL_CATALOGUE_EDIT)
    return save_catalogue(db, read_catalogue(path), user)
