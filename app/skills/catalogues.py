"""Skill catalogues: a level scale with written meanings, categories, items with descriptors, and roles.

Saved versions are never changed, like certification schemes and evaluation templates: a revision is
stored as the next version of its family. People's skills refer to (family, item code), which stay the
same across versions, so a new version of the catalogue keeps everyone's record. The catalogue in use
for a family is its latest version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import UserError
from app.i18n import _
from app.register.accounts import User
from app.register.permissions import Action, require


@dataclass
class LevelSpec:
    level: int
    name: str
    description: str = ""


@dataclass
class CategorySpec:
    code: str
    name: str


@dataclass
class ItemSpec:
    code: str
    category: str  # the category's code
    name: str
    description: str = ""
    descriptors: dict[int, str] = field(default_factory=dict)  # level -> what that level looks like


@dataclass
class RoleSpec:
    code: str
    type_name: str  # 人材類型
    name: str
    description: str = ""
    items: dict[str, str] = field(default_factory=dict)  # item code -> importance as published (a-d), or ""


@dataclass
class CatalogueSpec:
    family: str
    name: str
    levels: list[LevelSpec]
    categories: list[CategorySpec]
    items: list[ItemSpec]
    roles: list[RoleSpec] = field(default_factory=list)
    note: str = ""
    id: int | None = None
    version: int | None = None

    def item(self, code: str) -> ItemSpec | None:
        return next((i for i in self.items if i.code == code), None)

    def level_name(self, level: int) -> str:
        return next((lv.name for lv in self.levels if lv.level == level), str(level))

    @property
    def level_numbers(self) -> list[int]:
        return sorted(lv.level for lv in self.levels)


def _unique(codes: list[str], message: str) -> None:
    if not all(c.strip() for c in codes) or len(set(codes)) != len(codes):
        raise UserError(message)


def check_catalogue(spec: CatalogueSpec) -> None:
    """Refuse, naming what is wrong, a catalogue that people's skills could not be recorded against."""
    if not spec.family.strip():
        raise UserError(_("Enter a family (a short code) for the skill catalogue."))
    if not spec.name.strip():
        raise UserError(_("Enter a name for the skill catalogue."))
    if not spec.levels:
        raise UserError(_("A skill catalogue needs at least one level."))
    numbers = [lv.level for lv in spec.levels]
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in numbers) or len(set(numbers)) != len(numbers):
        raise UserError(_("Each level needs its own whole number (0 or more)."))
    if not all(lv.name.strip() for lv in spec.levels):
        raise UserError(_("Enter a name for every level."))
    _unique([c.code for c in spec.categories], _("Each skill category needs its own code."))
    if not all(c.name.strip() for c in spec.categories):
        raise UserError(_("Enter a name for every skill category."))
    _unique([i.code for i in spec.items], _("Each skill item needs its own code."))
    categories = {c.code for c in spec.categories}
    for item in spec.items:
        if not item.name.strip():
            raise UserError(_("The skill item {code} has no name.").format(code=item.code))
        if item.category not in categories:
            raise UserError(_("The skill item {name} names a category that does not exist ({category}).").format(
                name=item.name, category=item.category))
        wrong = [lv for lv in item.descriptors if lv not in numbers]
        if wrong:
            raise UserError(_("The skill item {name} describes level {level}, which is not on the scale.").format(
                name=item.name, level=wrong[0]))
    _unique([r.code for r in spec.roles], _("Each role needs its own code."))
    codes = {i.code for i in spec.items}
    for role in spec.roles:
        if not role.name.strip():
            raise UserError(_("Enter a name for every role."))
        missing = [c for c in role.items if c not in codes]
        if missing:
            raise UserError(_("The role {name} names a skill item that does not exist ({code}).").format(
                name=role.name, code=missing[0]))


def save_catalogue(db: sqlite_utils.Database, spec: CatalogueSpec, user: User) -> int:
    """Store ``spec`` as the next version of its family; the id of the new version."""
    require(user, Action.SKILL_CATALOGUE_EDIT)
    check_catalogue(spec)
    with transaction(db):
        version = db.execute("SELECT coalesce(max(version), 0) + 1 FROM skill_catalogues WHERE family = ?",
                             [spec.family.strip()]).fetchone()[0]
        catalogue_id = db["skill_catalogues"].insert({
            "family": spec.family.strip(), "version": version, "name": spec.name.strip(), "note": spec.note,
            "created_by": user.login}).last_pk
        _insert_parts(db, catalogue_id, spec)
        audit.record(db, user.login, "skill.catalogue_create" if version == 1 else "skill.catalogue_version",
                     "skill_catalogues", catalogue_id, None,
                     {"family": spec.family, "version": version, "name": spec.name, "items": len(spec.items)})
    return catalogue_id


def _insert_parts(db: sqlite_utils.Database, catalogue_id: int, spec: CatalogueSpec) -> None:
    db["skill_levels"].insert_all({"catalogue_id": catalogue_id, "level": lv.level, "name": lv.name.strip(),
                                   "description": lv.description} for lv in spec.levels)
    category_ids = {}
    for order, category in enumerate(spec.categories):
        category_ids[category.code] = db["skill_categories"].insert({
            "catalogue_id": catalogue_id, "code": category.code.strip(), "name": category.name.strip(),
            "sort_order": order}).last_pk
    item_ids = {}
    for order, item in enumerate(spec.items):
        item_ids[item.code] = db["skill_items"].insert({
            "catalogue_id": catalogue_id, "category_id": category_ids[item.category], "code": item.code.strip(),
            "name": item.name.strip(), "description": item.description, "sort_order": order}).last_pk
        db["skill_item_descriptors"].insert_all(
            {"item_id": item_ids[item.code], "level": level, "description": text}
            for level, text in sorted(item.descriptors.items()) if text.strip())
    for order, role in enumerate(spec.roles):
        role_id = db["skill_roles"].insert({
            "catalogue_id": catalogue_id, "code": role.code.strip(), "type_name": role.type_name,
            "name": role.name.strip(), "description": role.description, "sort_order": order}).last_pk
        db["skill_role_items"].insert_all({"role_id": role_id, "item_id": item_ids[code], "importance": importance}
                                          for code, importance in role.items.items())


def load_catalogue(db: sqlite_utils.Database, catalogue_id: int) -> CatalogueSpec:
    row = next(db.query("SELECT * FROM skill_catalogues WHERE id = ?", [catalogue_id]), None)
    if row is None:
        raise UserError(_("No skill catalogue with id {id}.").format(id=catalogue_id))
    levels = [LevelSpec(r["level"], r["name"], r["description"]) for r in db.query(
        "SELECT * FROM skill_levels WHERE catalogue_id = ? ORDER BY level", [catalogue_id])]
    category_rows = list(db.query("SELECT * FROM skill_categories WHERE catalogue_id = ? ORDER BY sort_order, id",
                                  [catalogue_id]))
    category_code = {r["id"]: r["code"] for r in category_rows}
    descriptors: dict[int, dict[int, str]] = {}
    for r in db.query("""SELECT d.* FROM skill_item_descriptors d JOIN skill_items i ON i.id = d.item_id
                         WHERE i.catalogue_id = ? ORDER BY d.level""", [catalogue_id]):
        descriptors.setdefault(r["item_id"], {})[r["level"]] = r["description"]
    item_rows = list(db.query("SELECT * FROM skill_items WHERE catalogue_id = ? ORDER BY sort_order, id", [catalogue_id]))
    item_code = {r["id"]: r["code"] for r in item_rows}
    items = [ItemSpec(r["code"], category_code[r["category_id"]], r["name"], r["description"],
                      descriptors.get(r["id"], {})) for r in item_rows]
    role_items: dict[int, dict[str, str]] = {}
    for r in db.query("""SELECT ri.* FROM skill_role_items ri JOIN skill_roles ro ON ro.id = ri.role_id
                         WHERE ro.catalogue_id = ?""", [catalogue_id]):
        role_items.setdefault(r["role_id"], {})[item_code[r["item_id"]]] = r["importance"]
    roles = [RoleSpec(r["code"], r["type_name"], r["name"], r["description"], role_items.get(r["id"], {}))
             for r in db.query("SELECT * FROM skill_roles WHERE catalogue_id = ? ORDER BY sort_order, id",
                               [catalogue_id])]
    return CatalogueSpec(row["family"], row["name"], levels, [CategorySpec(r["code"], r["name"]) for r in category_rows],
                         items, roles, row["note"], row["id"], row["version"])


def list_catalogues(db: sqlite_utils.Database) -> list[dict]:
    """Every version, newest first within a family, with whether it is the latest (the one in use)."""
    return list(db.query("""
        SELECT c.id, c.family, c.version, c.name, c.created_at, c.created_by,
               (SELECT count(*) FROM skill_items i WHERE i.catalogue_id = c.id) AS items,
               (SELECT count(*) FROM skill_roles r WHERE r.catalogue_id = c.id) AS roles,
               c.version = (SELECT max(version) FROM skill_catalogues WHERE family = c.family) AS latest
        FROM skill_catalogues c ORDER BY c.family, c.version DESC"""))


def latest_id(db: sqlite_utils.Database, family: str) -> int | None:
    row = db.execute("SELECT id FROM skill_catalogues WHERE family = ? ORDER BY version DESC LIMIT 1",
                     [family]).fetchone()
    return row[0] if row else None


def families(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(family, name of its latest version), the family first saved first: the catalogues a town uses."""
    return [(r[0], r[1]) for r in db.execute("""
        SELECT c.family, c.name FROM skill_catalogues c
        WHERE c.version = (SELECT max(version) FROM skill_catalogues WHERE family = c.family)
        ORDER BY (SELECT min(id) FROM skill_catalogues WHERE family = c.family)""")]


def current(db: sqlite_utils.Database, family: str | None = None) -> CatalogueSpec | None:
    """The latest version of ``family``, or of the first family saved when none is named; None without any."""
    if family is None:
        found = families(db)
        if not found:
            return None
        family = found[0][0]
    catalogue_id = latest_id(db, family)
    if catalogue_id is None:
        raise UserError(_("No skill catalogue {family}.").format(family=family))
    return load_catalogue(db, catalogue_id)
