"""Certification schemes: ordered levels and the requirements of each, versioned like rubrics.

Requirement kinds and their parameters (stored as JSON):

- ``sessions``: {"min": 4} workshops or project sessions attended.
- ``projects``: {"min": 1, "roles": ["proposer", "leader"]} projects taken part in with one of the roles.
- ``realisation``: {"min": "trial", "roles": ["proposer", "leader"]} a project of theirs has reached a
  degree of realisation (構想 < 試行 < 本格実施 < 全庁展開).
- ``score``: {"perspective": "policy", "min": 3.0, "min_raters": 3} the combined rating in a perspective
  of one of their projects, counted only when enough raters answered.
- ``previous_level``: {"level": "advisor", "months": 6} holds that level, for at least so many months.
- ``qualification``: {"name": "..."} a recorded qualification or training (records come from a later
  feature; until then the requirement reads as not met).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from app import audit
from app.register.accounts import User
from app.db import transaction
from app.certification.numbers import certificate_number
from app.errors import UserError
from app.i18n import N_, _, label
from app.register.permissions import Action, require
from app.evaluation.projects import REALISATION, ROLES

KINDS = {
    "sessions": N_("Workshops attended"),
    "projects": N_("Projects taken part in"),
    "realisation": N_("Degree of realisation of a project"),
    "score": N_("Evaluation score"),
    "previous_level": N_("Previous level held"),
    "qualification": N_("Qualification or training"),
}
DEFAULT_PATTERN = "{年度和暦}DX認定第{連番:04}号"


@dataclass
class RequirementSpec:
    kind: str
    params: dict

    def __post_init__(self) -> None:
        self.params = dict(self.params)


@dataclass
class LevelSpec:
    code: str
    name: str
    requirements: list[RequirementSpec]
    ladder: bool = True
    description: str = ""
    id: int | None = None


@dataclass
class SchemeSpec:
    family: str
    name: str
    levels: list[LevelSpec]
    number_pattern: str = DEFAULT_PATTERN
    note: str = ""
    id: int | None = None
    version: int | None = None

    def level(self, code: str) -> LevelSpec:
        return next(level for level in self.levels if level.code == code)


def _req(kind: str, **params) -> RequirementSpec:
    return RequirementSpec(kind, params)


_LEADS = ["proposer", "leader"]
_TAKES_PART = ["proposer", "leader", "member"]

MOKA_PRESET = SchemeSpec(
    family="moka-cert",
    name="真岡市 DX人材認定(アドバイザー・エキスパート・スペシャリスト)",
    note="ワークショップを修了し、業務改善プロジェクトで3つの観点(政策・リーダーシップ・ICT)の評価が一定の水準に達した職員を、"
         "アドバイザー→エキスパート→スペシャリストの順に段階的に認定する。",
    levels=[
        LevelSpec("advisor", "DXアドバイザー", description="ワークショップを修了し、プロジェクトに参加して各観点で評価された職員。",
                  requirements=[
                      _req("sessions", min=4),
                      _req("projects", min=1, roles=_TAKES_PART),
                      _req("score", perspective="policy", min=3.0, min_raters=2),
                      _req("score", perspective="leadership", min=3.0, min_raters=3),
                      _req("score", perspective="ict", min=3.0, min_raters=2),
                  ]),
        LevelSpec("expert", "DXエキスパート", description="アドバイザーとして自ら提案したプロジェクトを試行以上まで実現したリーダー。",
                  requirements=[
                      _req("previous_level", level="advisor", months=0),
                      _req("realisation", min="trial", roles=_LEADS),
                      _req("score", perspective="policy", min=3.5, min_raters=2),
                      _req("score", perspective="leadership", min=3.5, min_raters=3),
                      _req("score", perspective="ict", min=3.5, min_raters=2),
                  ]),
        LevelSpec("specialist", "DXスペシャリスト", description="エキスパートとして本格実施以上の改善を導き、組織のDXを管理できる職員。",
                  requirements=[
                      _req("previous_level", level="expert", months=12),
                      _req("realisation", min="full", roles=_LEADS),
                      _req("score", perspective="policy", min=4.0, min_raters=2),
                      _req("score", perspective="leadership", min=4.0, min_raters=3),
                      _req("score", perspective="ict", min=4.0, min_raters=2),
                  ]),
    ],
)

HOKKAIDO_PRESET = SchemeSpec(
    family="hokkaido-cert",
    name="北海道方式 デジタル人材(レベル1〜4・デジタルマネジメント人材)",
    number_pattern="{年度和暦}デジタル人材認定第{連番:04}号",
    note="レベル1 デジタル推進リーダー(全ての所属で1名)からレベル4 エキスパート人材まで段階的に認定し、"
         "管理職向けにデジタルマネジメント人材を別に認定する。",
    levels=[
        LevelSpec("level1", "レベル1 デジタル推進リーダー", requirements=[_req("sessions", min=2)]),
        LevelSpec("level2", "レベル2 デジタル活用人材", requirements=[
            _req("previous_level", level="level1", months=0),
            _req("projects", min=1, roles=_TAKES_PART),
        ]),
        LevelSpec("level3", "レベル3 デジタルデザイン人材", requirements=[
            _req("previous_level", level="level2", months=0),
            _req("projects", min=1, roles=_LEADS),
            _req("score", perspective="ict", min=3.5, min_raters=2),
        ]),
        LevelSpec("level4", "レベル4 エキスパート人材", requirements=[
            _req("previous_level", level="level3", months=12),
            _req("qualification", name="高度情報処理技術者試験"),
        ]),
        LevelSpec("management", "デジタルマネジメント人材", ladder=False, requirements=[
            _req("previous_level", level="level2", months=0),
            _req("qualification", name="デジタルマネジメント研修"),
        ]),
    ],
)

BLANK_PRESET = SchemeSpec(family="custom-cert", name="新しい認定制度", levels=[
    LevelSpec("level1", "レベル1", requirements=[_req("projects", min=1, roles=_TAKES_PART)])])

PRESETS = {"moka": MOKA_PRESET, "hokkaido": HOKKAIDO_PRESET, "blank": BLANK_PRESET}


def check_requirement(level: LevelSpec, req: RequirementSpec, earlier: set[str]) -> None:
    where = f"{level.name}: {_(KINDS.get(req.kind, req.kind))}"
    p = req.params
    if req.kind not in KINDS:
        raise UserError(_("Unknown requirement kind: {value}").format(value=req.kind))

    def positive_int(key: str, minimum: int = 1) -> None:
        if isinstance(p.get(key), bool) or not isinstance(p.get(key), int) or p[key] < minimum:
            raise UserError(_("{where}: {key} must be a whole number of at least {n}.").format(where=where, key=key, n=minimum))

    if req.kind in ("sessions", "projects"):
        positive_int("min")
    if req.kind in ("projects", "realisation"):
        roles = p.get("roles") or []
        if not isinstance(roles, list) or not roles or not all(isinstance(r, str) and r in ROLES for r in roles):
            raise UserError(_("{where}: choose the roles that count.").format(where=where))
    if req.kind == "realisation" and not (isinstance(p.get("min"), str) and p["min"] in REALISATION):
        raise UserError(_("{where}: choose the degree of realisation.").format(where=where))
    if req.kind == "score":
        if not isinstance(p.get("perspective"), str) or not p["perspective"].strip():
            raise UserError(_("{where}: choose the perspective.").format(where=where))
        if isinstance(p.get("min"), bool) or not isinstance(p.get("min"), (int, float)) or p["min"] < 0:
            raise UserError(_("{where}: enter the minimum score.").format(where=where))
        positive_int("min_raters")
    if req.kind == "previous_level":
        if not isinstance(p.get("level"), str) or p["level"] not in earlier:
            raise UserError(_("{where}: the previous level must be one listed before this level.").format(where=where))
        positive_int("months", 0)
    if req.kind == "qualification" and not (isinstance(p.get("name"), str) and p["name"].strip()):
        raise UserError(_("{where}: enter the name of the qualification.").format(where=where))


def check_pattern(pattern: str) -> str:
    """The number pattern must contain the sequence so that numbers cannot repeat; returns an example."""
    if "{連番" not in pattern:
        raise UserError(_("The certificate number pattern must contain {連番}."))
    try:
        return certificate_number(pattern, 2025, 1)
    except (KeyError, ValueError, IndexError) as exc:
        raise UserError(_("The certificate number pattern cannot be used: {error}").format(error=exc)) from exc


def check_scheme(spec: SchemeSpec) -> None:
    if not spec.name.strip():
        raise UserError(_("Enter a name for the certification scheme."))
    if not spec.levels:
        raise UserError(_("A scheme needs at least one level."))
    codes = [level.code.strip() for level in spec.levels]
    if not all(codes) or len(set(codes)) != len(codes):
        raise UserError(_("Each level needs its own code."))
    check_pattern(spec.number_pattern)
    earlier: set[str] = set()
    for level in spec.levels:
        if not level.name.strip():
            raise UserError(_("Enter a name for every level."))
        if not level.requirements:
            raise UserError(_("The level {name} has no requirements.").format(name=level.name))
        for req in level.requirements:
            check_requirement(level, req, earlier)
        earlier.add(level.code)


def save_scheme(db: sqlite_utils.Database, spec: SchemeSpec, user: User) -> int:
    """Store ``spec`` as the next version of its family; the id of the new version."""
    require(user, Action.SCHEME_EDIT)
    check_scheme(spec)
    with transaction(db):
        version = db.execute("SELECT coalesce(max(version), 0) + 1 FROM cert_schemes WHERE family = ?",
                             [spec.family]).fetchone()[0]
        scheme_id = db["cert_schemes"].insert({"family": spec.family, "version": version, "name": spec.name.strip(),
                                               "number_pattern": spec.number_pattern, "note": spec.note,
                                               "created_by": user.login}).last_pk
        for order, level in enumerate(spec.levels):
            level_id = db["scheme_levels"].insert({"scheme_id": scheme_id, "code": level.code.strip(),
                                                   "name": level.name.strip(), "sort_order": order,
                                                   "ladder": int(level.ladder), "description": level.description}).last_pk
            db["level_requirements"].insert_all(
                {"level_id": level_id, "kind": r.kind, "params": json.dumps(r.params, ensure_ascii=False), "sort_order": i}
                for i, r in enumerate(level.requirements))
        audit.record(db, user.login, "scheme.create" if version == 1 else "scheme.version", "cert_schemes", scheme_id,
                     None, {"family": spec.family, "version": version, "name": spec.name})
    return scheme_id


def load_scheme(db: sqlite_utils.Database, scheme_id: int) -> SchemeSpec:
    row = next(db.query("SELECT * FROM cert_schemes WHERE id = ?", [scheme_id]), None)
    if row is None:
        raise UserError(_("No certification scheme with id {id}.").format(id=scheme_id))
    requirements: dict[int, list[RequirementSpec]] = {}
    for r in db.query("""SELECT r.* FROM level_requirements r JOIN scheme_levels l ON l.id = r.level_id
                         WHERE l.scheme_id = ? ORDER BY r.sort_order, r.id""", [scheme_id]):
        requirements.setdefault(r["level_id"], []).append(RequirementSpec(r["kind"], json.loads(r["params"])))
    levels = [LevelSpec(l["code"], l["name"], requirements.get(l["id"], []), bool(l["ladder"]), l["description"], l["id"])
              for l in db.query("SELECT * FROM scheme_levels WHERE scheme_id = ? ORDER BY sort_order, id", [scheme_id])]
    return SchemeSpec(row["family"], row["name"], levels, row["number_pattern"], row["note"], row["id"], row["version"])


def list_schemes(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("""
        SELECT s.id, s.family, s.version, s.name, s.number_pattern, s.created_at,
               (SELECT count(*) FROM certifications c WHERE c.scheme_id = s.id) AS certifications,
               s.version = (SELECT max(version) FROM cert_schemes WHERE family = s.family) AS latest
        FROM cert_schemes s ORDER BY s.family, s.version DESC"""))


def active_scheme_id(db: sqlite_utils.Database) -> int | None:
    """The scheme in use: the latest version of the family chosen in settings, else of the first family saved."""
    from app.register import settings

    family = settings.get(db, "certification_scheme")
    row = db.execute("""SELECT id FROM cert_schemes WHERE family = coalesce(?, (SELECT family FROM cert_schemes ORDER BY id
                        LIMIT 1)) ORDER BY version DESC LIMIT 1""", [family]).fetchone()
    return row[0] if row else None


def install_preset(db: sqlite_utils.Database, key: str, user: User) -> int:
    """Save a preset as the first version of its family (or return the latest version when it exists)."""
    require(user, Action.SCHEME_EDIT)
    spec = PRESETS[key]
    row = db.execute("SELECT id FROM cert_schemes WHERE family = ? ORDER BY version DESC LIMIT 1", [spec.family]).fetchone()
    return row[0] if row else save_scheme(db, spec, user)


def describe_requirement(req: RequirementSpec, level_names: dict[str, str], perspective_names: dict[str, str]) -> str:
    """The requirement in a sentence, for the scheme screen and the register."""
    p = req.params
    roles = "・".join(_(ROLES[r]) for r in p.get("roles", []) if r in ROLES)
    if req.kind == "sessions":
        return _("Attended at least {n} workshops").format(n=p["min"])
    if req.kind == "projects":
        return _("Took part in at least {n} projects as {roles}").format(n=p["min"], roles=roles)
    if req.kind == "realisation":
        return _("A project led as {roles} reached {level} or beyond").format(roles=roles, level=label(REALISATION, p["min"]))
    if req.kind == "score":
        return _("{perspective}: combined rating at least {min:.1f} from at least {raters} raters").format(
            perspective=perspective_names.get(p["perspective"], p["perspective"]), min=float(p["min"]),
            raters=p["min_raters"])
    if req.kind == "previous_level":
        name = level_names.get(p["level"], p["level"])
        if p.get("months"):
            return _("Holds {level} for at least {months} months").format(level=name, months=p["months"])
        return _("Holds {level}").format(level=name)
    return _("Has the qualification {name}").format(name=p.get("name", ""))
