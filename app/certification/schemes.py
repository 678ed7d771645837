"""Certification schemes: ordered levels and the requirements of each, versioned like rubrics.

Requirement kinds and their parameters (stored as JSON):

- ``sessions``: {"min": 4} workshops or project sessions attended.
- ``projects``: {"min": 1, "roles": ["proposer", "leader"]} projects taken part in with one of the roles.
- ``realisation``: {"min": "trial", "roles": ["proposer", "leader"]} a project of theirs has reached a
  degree of realisation (構想 < 試行 < 本格実施 < 全庁展開).
- ``score``: {"perspective": "policy", "min": 3.0, "min_raters": 3} the combined rating in a perspective
  of one of their projects, counted only when enough raters answered.
- ``previous_level``: {"level": "advisor", "months": 6} holds that level, for at least so many months;
  {"level": "level3", "years": 1} the same counted in whole years (shown in years in the reasons).
- ``training_hours``: {"min": 6, "period": "months", "months": 12, "kinds": ["training"]} hours of
  training attended in the period (``kinds`` optional: the event kinds that count; all when absent).
- ``training_events``: {"min": 1, "titles": ["デジタルマネジメント研修"], "kinds": [], "period": "all"}
  training events attended in the period whose title contains one of ``titles`` (when given) and whose
  kind is one of ``kinds`` (when given); at least one of the two.
- ``qualification``: {"name": "..."} | {"names": [...]} | {"category": "高度情報処理技術者試験"} a
  qualification held ON the decision date (obtained by then and not expired: ``expires_on`` is the last
  valid day), by its name, any of several names, or the catalogue category.
- ``role``: {"manager": true} the position of the primary assignment on the decision date is a manager's
  (positions.is_manager); {"position": "課長補佐"} that position or a more senior one (positions.rank).

Periods (training): "all" (any time up to the decision date), "months" (the ``months`` months up to
the decision date: an event counts from the day after the same date ``months`` months before) or
"fiscal_year" (the fiscal year of the decision date, from 1 April). An event counts on the day it ends.
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
from app.training.events import KINDS as KINDS_OF_EVENT

KINDS = {
    "sessions": N_("Workshops attended"),
    "projects": N_("Projects taken part in"),
    "realisation": N_("Degree of realisation of a project"),
    "score": N_("Evaluation score"),
    "previous_level": N_("Previous level held"),
    "training_hours": N_("Hours of training"),
    "training_events": N_("Training events attended"),
    "qualification": N_("Qualification held on the decision date"),
    "role": N_("Role from the position"),
}
# The kinds of training event (training_events.kind) and their names, as the 研修 screen names them.
EVENT_KINDS = KINDS_OF_EVENT
PERIODS = {"all": N_("Any time"), "months": N_("Months before the decision date"),
           "fiscal_year": N_("The fiscal year of the decision date")}
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

# Hokkaido's plan (seed 001): レベル1〜4 and, for managers, デジタルマネジメント人材. Training is organised per
# level as a skill map; level 1 starts with the video course for デジタル推進リーダー. Levels 3 and 4 build
# on project work, level 4 on a 高度情報処理技術者試験 held on the day.
_BASIC_IT = ["ITパスポート", "情報セキュリティマネジメント", "基本情報技術者", "応用情報技術者"]

HOKKAIDO_PRESET = SchemeSpec(
    family="hokkaido-cert",
    name="北海道方式 デジタル人材(レベル1〜4・デジタルマネジメント人材)",
    number_pattern="{年度和暦}デジタル人材認定第{連番:04}号",
    note="レベル1 デジタル推進リーダー(全ての所属で1名)からレベル4 エキスパート人材まで段階的に認定し、"
         "管理職向けにデジタルマネジメント人材を別に認定する。研修はレベルごとのスキルマップで受講する。",
    levels=[
        LevelSpec("level1", "レベル1 デジタル推進リーダー",
                  description="各所属で1名。デジタル活用・導入に向けた意識醸成を進める発信役・連絡役。",
                  requirements=[
                      _req("training_events", min=1, titles=["デジタル推進リーダー研修"], kinds=[], period="all"),
                      _req("training_hours", min=6, period="months", months=12),
                  ]),
        LevelSpec("level2", "レベル2 デジタル活用人材",
                  description="自らデジタル技術の情報を集め、企業と意思疎通しながら業務を進める職員。",
                  requirements=[
                      _req("previous_level", level="level1", months=0),
                      _req("qualification", names=_BASIC_IT),
                      _req("projects", min=1, roles=_TAKES_PART),
                  ]),
        LevelSpec("level3", "レベル3 デジタルデザイン人材",
                  description="デジタル関連プロジェクトの企画・立案を担う職員。",
                  requirements=[
                      _req("previous_level", level="level2", months=0),
                      _req("projects", min=1, roles=_LEADS),
                      _req("score", perspective="ict", min=3.5, min_raters=2),
                      _req("training_hours", min=12, period="fiscal_year"),
                  ]),
        LevelSpec("level4", "レベル4 エキスパート人材",
                  description="全庁の司令塔として庁内のICT・デジタル技術の導入・活用を支援する職員。",
                  requirements=[
                      _req("previous_level", level="level3", years=1),
                      _req("qualification", category="高度情報処理技術者試験"),
                      _req("training_hours", min=12, period="fiscal_year"),
                  ]),
        LevelSpec("management", "デジタルマネジメント人材", ladder=False,
                  description="専門性の高いデジタル人材を管理・監督する管理職。",
                  requirements=[
                      _req("previous_level", level="level2", months=0),
                      _req("role", manager=True),
                      _req("training_events", min=1, titles=["デジタルマネジメント研修"], kinds=[], period="months",
                           months=36),
                  ]),
    ],
)

# Levels of earlier versions of a preset, as first shipped: a register whose latest version of the family is
# still one of these (untouched by the town) gets the current preset as its next version on install.
SUPERSEDED_PRESETS: dict[str, list[list[tuple[str, list[tuple[str, dict]]]]]] = {
    "hokkaido": [[
        ("level1", [("sessions", {"min": 2})]),
        ("level2", [("previous_level", {"level": "level1", "months": 0}),
                    ("projects", {"min": 1, "roles": _TAKES_PART})]),
        ("level3", [("previous_level", {"level": "level2", "months": 0}), ("projects", {"min": 1, "roles": _LEADS}),
                    ("score", {"perspective": "ict", "min": 3.5, "min_raters": 2})]),
        ("level4", [("previous_level", {"level": "level3", "months": 12}),
                    ("qualification", {"name": "高度情報処理技術者試験"})]),
        ("management", [("previous_level", {"level": "level2", "months": 0}),
                        ("qualification", {"name": "デジタルマネジメント研修"})]),
    ]],
}

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

    if req.kind in ("sessions", "projects", "training_events"):
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
        if "years" in p and "months" in p:
            raise UserError(_("{where}: give the time held in months or in years, not both.").format(where=where))
        positive_int("years" if "years" in p else "months", 0)
    _CHECKS.get(req.kind, lambda _where, _p: None)(where, p)


def _text_list(value: object) -> list[str] | None:
    """The non-empty texts of a list, or None when it is not a list of texts."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return [v.strip() for v in value if v.strip()]


def _check_period(where: str, p: dict) -> None:
    period = p.get("period", "all")
    if not isinstance(period, str) or period not in PERIODS:
        raise UserError(_("{where}: choose the period (any time, months or the fiscal year).").format(where=where))
    months = p.get("months")
    if period == "months" and (isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 600):
        raise UserError(_("{where}: months must be a whole number from 1 to 600.").format(where=where))
    kinds = _text_list(p.get("kinds", []))
    if kinds is None or not all(k in EVENT_KINDS for k in kinds):
        raise UserError(_("{where}: the kinds of training must be among {known}.").format(
            where=where, known=", ".join(EVENT_KINDS)))


def _check_training_hours(where: str, p: dict) -> None:
    if isinstance(p.get("min"), bool) or not isinstance(p.get("min"), (int, float)) or not p["min"] > 0:
        raise UserError(_("{where}: enter the hours needed (more than 0).").format(where=where))
    _check_period(where, p)


def _check_training_events(where: str, p: dict) -> None:
    titles = _text_list(p.get("titles", []))
    if titles is None:
        raise UserError(_("{where}: the event names must be a list of texts.").format(where=where))
    _check_period(where, p)
    if not titles and not p.get("kinds"):
        raise UserError(_("{where}: name the training events or choose the kinds that count.").format(where=where))


def _check_qualification(where: str, p: dict) -> None:
    given = [key for key in ("name", "names", "category") if key in p]
    if len(given) != 1:
        raise UserError(_("{where}: give one of a qualification name, a list of names or a category.").format(
            where=where))
    value = p[given[0]]
    ok = _text_list(value) if given[0] == "names" else ([value.strip()] if isinstance(value, str) else None)
    if not ok or not all(ok):
        raise UserError(_("{where}: enter the name of the qualification.").format(where=where) if given[0] != "category"
                        else _("{where}: enter the category of the qualifications.").format(where=where))


def _check_role(where: str, p: dict) -> None:
    if "manager" in p:
        ok = "position" not in p and p["manager"] is True
    else:
        ok = isinstance(p.get("position"), str) and bool(p["position"].strip())
    if not ok:
        raise UserError(_("{where}: choose a manager's position or the least senior position that counts.").format(
            where=where))


_CHECKS = {"training_hours": _check_training_hours, "training_events": _check_training_events,
           "qualification": _check_qualification, "role": _check_role}


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


def qualification_choices(db: sqlite_utils.Database) -> tuple[list[str], list[str]]:
    """The catalogue's qualification names and categories in use, for choosing in a requirement."""
    rows = db.execute("SELECT name, category FROM qualifications WHERE retired = 0 ORDER BY sort_order, name").fetchall()
    categories = list(dict.fromkeys(category for _name, category in rows if category))
    return [name for name, _category in rows], categories


def install_preset(db: sqlite_utils.Database, key: str, user: User) -> int:
    """Save a preset as the first version of its family (or return the latest version when it exists).

    When the latest version is still an earlier form of the preset, as first shipped and never revised by
    the town (Hokkaido's, whose level 4 and management track could not be met), the current preset is
    saved as its next version, so that certifications already made keep the version they were made under.
    """
    require(user, Action.SCHEME_EDIT)
    spec = PRESETS[key]
    row = db.execute("SELECT id FROM cert_schemes WHERE family = ? ORDER BY version DESC LIMIT 1", [spec.family]).fetchone()
    if row is None:
        return save_scheme(db, spec, user)
    if _shape(load_scheme(db, row[0])) in SUPERSEDED_PRESETS.get(key, []):
        return save_scheme(db, spec, user)
    return row[0]


def _shape(spec: SchemeSpec) -> list[tuple[str, list[tuple[str, dict]]]]:
    return [(level.code, [(r.kind, r.params) for r in level.requirements]) for level in spec.levels]


def hours_text(hours: float) -> str:
    """6 → "6", 5.5 → "5.5", 1.25 → "1.25": hours as people write them."""
    return f"{hours:.2f}".rstrip("0").rstrip(".")


def kinds_text(kinds: list[str]) -> str:
    return "・".join(_(EVENT_KINDS[k]) for k in kinds if k in EVENT_KINDS)


def period_text(p: dict) -> str:
    """The period of a training requirement as a suffix: 「（過去12か月）」, 「（判定日の年度）」 or nothing."""
    period = p.get("period", "all")
    if period == "months":
        return _(" (the {n} months before)").format(n=p.get("months"))
    if period == "fiscal_year":
        return _(" (the fiscal year)")
    return ""


def training_subject(p: dict) -> str:
    """What a training_events requirement counts: 「デジタルマネジメント研修」, 「e-learning」 or both."""
    titles = "・".join(f"「{t}」" for t in p.get("titles", []))
    kinds = kinds_text(p.get("kinds", []))
    if titles and kinds:
        return _("{titles} ({kinds})").format(titles=titles, kinds=kinds)
    return titles or kinds


def qualification_subject(p: dict) -> str:
    """What a qualification requirement asks for: a name, 「A・B のいずれか」 or a category."""
    if "names" in p:
        return _("one of {names}").format(names="・".join(p["names"]))
    if "category" in p:
        return _("{category} (any)").format(category=p["category"])
    return str(p.get("name", ""))


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
        if p.get("years"):
            return _("Holds {level} for at least {years} years").format(level=name, years=p["years"])
        if p.get("months"):
            return _("Holds {level} for at least {months} months").format(level=name, months=p["months"])
        return _("Holds {level}").format(level=name)
    return _describe_new_kind(req.kind, p)


def _describe_new_kind(kind: str, p: dict) -> str:
    """The sentences of the kinds that use training, qualifications and positions (issue 15)."""
    if kind == "training_hours":
        kinds = kinds_text(p.get("kinds", []))
        return _("At least {hours} hours of training{period}").format(
            hours=hours_text(float(p["min"])), period=period_text(p)) + (f"（{kinds}）" if kinds else "")
    if kind == "training_events":
        return _("Attended {what} at least {n} times{period}").format(
            what=training_subject(p), n=p["min"], period=period_text(p))
    if kind == "role":
        if p.get("manager"):
            return _("Holds a manager's position on the decision date")
        return _("Position {position} or more senior on the decision date").format(position=p.get("position", ""))
    if "name" in p:
        return _("Has the qualification {name}").format(name=p.get("name", ""))
    return _("Holds {what} on the decision date").format(what=qualification_subject(p))
