"""An evaluation template (rubric) as a JSON file: revise it outside the screen, or share it.

As with schemes (app.certification.scheme_files): no ids and no version in the file, every field checked with its
place named, and a loaded template saved as the next version of its family (rubrics.save_template),
so evaluations already made keep the wording they were made on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils

from app.evaluation import rubrics
from app.register.accounts import User
from app.errors import UserError
from app.i18n import _
from app.register.permissions import Action, require
from app.spec_files import FieldReader, parse_file, read_bytes, write_new

FORMAT = "dx-jinzai-template"
FORMAT_VERSION = 1


def to_dict(spec: rubrics.TemplateSpec) -> dict[str, Any]:
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "family": spec.family, "name": spec.name,
        "aggregation": spec.aggregation, "note": spec.note,
        "perspectives": [{"code": p.code, "name": p.name, "rater_kinds": list(p.rater_kinds), "min_raters": p.min_raters,
                          "criteria": [{"name": c.name, "description": c.description, "rater_kinds": list(c.rater_kinds),
                                        "scale_min": c.scale_min, "scale_max": c.scale_max,
                                        "descriptors": {str(score): text for score, text in sorted(c.descriptors.items())}}
                                       for c in p.criteria]}
                         for p in spec.perspectives],
    }


def export_template(db: sqlite_utils.Database, user: User, template_id: int, out: Path) -> Path:
    require(user, Action.TEMPLATE_EDIT)
    return write_new(out, to_dict(rubrics.load_template(db, template_id)))


def _kinds(read: FieldReader, data: dict, where: str) -> tuple[str, ...]:
    kinds = read.get(data, "rater_kinds", where, list)
    if not kinds or not all(isinstance(k, str) and k in rubrics.EVALUATOR_KINDS for k in kinds):
        raise read.refuse(f"{where}.rater_kinds", _("must list who rates ({known}).").format(
            known=", ".join(rubrics.EVALUATOR_KINDS)))
    return tuple(kinds)


def _descriptors(read: FieldReader, data: dict, where: str) -> dict[int, str]:
    raw = read.get(data, "descriptors", where, dict)
    result = {}
    for key, text in raw.items():
        if not key.lstrip("-").isdigit() or not isinstance(text, str):
            raise read.refuse(f"{where}.descriptors.{key}", _("has the wrong type."))
        result[int(key)] = text
    return result


def from_dict(data: dict, file: str) -> rubrics.TemplateSpec:
    read = FieldReader(file)
    perspectives = []
    for where, raw in read.objects(data, "perspectives", ""):
        criteria = [rubrics.CriterionSpec(read.text(c, "name", c_where), _descriptors(read, c, c_where),
                                          _kinds(read, c, c_where), read.text(c, "description", c_where, required=False),
                                          read.get(c, "scale_min", c_where, int, False, 1),
                                          read.get(c, "scale_max", c_where, int, False, 5))
                    for c_where, c in read.objects(raw, "criteria", where)]
        perspectives.append(rubrics.PerspectiveSpec(read.text(raw, "code", where).strip(), read.text(raw, "name", where),
                                                    criteria, _kinds(read, raw, where),
                                                    read.get(raw, "min_raters", where, int, False, 1)))
    spec = rubrics.TemplateSpec(read.text(data, "family", "").strip(), read.text(data, "name", ""), perspectives,
                                read.get(data, "aggregation", "", str, False, "mean"),
                                read.text(data, "note", "", required=False))
    try:
        rubrics.check_template(spec)
    except UserError as exc:
        raise UserError(f"{file}: {exc}") from None
    return spec


def read_template(path: Path) -> rubrics.TemplateSpec:
    return from_dict(parse_file(read_bytes(path), Path(path).name, FORMAT, FORMAT_VERSION, _("evaluation template")),
                     Path(path).name)


def import_template(db: sqlite_utils.Database, user: User, path: Path) -> int:
    """Save the template in ``path`` as the next version of its family; the new template id."""
    require(user, Action.TEMPLATE_EDIT)
    return rubrics.save_template(db, read_template(path), user)
