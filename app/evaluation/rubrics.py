"""Evaluation rubrics: perspectives, criteria and the written anchor for every score.

A template is never changed in place once saved. Editing saves the next
version of the same family, so that an evaluation always keeps the rubric
it was rated on; projects point at one version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from app import audit
from app.register.accounts import User
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, _
from app.register.permissions import Action, require

# Who may rate: the evaluator kinds of the Moka scheme (msgids, translate where shown).
EVALUATOR_KINDS = {
    "executive": N_("Executive"),
    "member": N_("Fellow member"),
    "staff": N_("General staff"),
    "digital": N_("Digital department"),
    "external": N_("External rater"),
}
AGGREGATIONS = {"mean": N_("Mean"), "median": N_("Median")}


@dataclass
class CriterionSpec:
    name: str
    descriptors: dict[int, str]
    rater_kinds: tuple[str, ...]
    description: str = ""
    scale_min: int = 1
    scale_max: int = 5
    id: int | None = None

    @property
    def scores(self) -> range:
        return range(self.scale_min, self.scale_max + 1)


@dataclass
class PerspectiveSpec:
    code: str
    name: str
    criteria: list[CriterionSpec]
    rater_kinds: tuple[str, ...]
    min_raters: int = 1
    id: int | None = None

    def criteria_for(self, kind: str) -> list[CriterionSpec]:
        """The criteria an evaluator of ``kind`` answers."""
        return [c for c in self.criteria if kind in c.rater_kinds]


@dataclass
class TemplateSpec:
    family: str
    name: str
    perspectives: list[PerspectiveSpec]
    aggregation: str = "mean"
    note: str = ""
    id: int | None = None
    version: int | None = None

    def perspective(self, perspective_id: int) -> PerspectiveSpec:
        return next(p for p in self.perspectives if p.id == perspective_id)

    def criterion(self, criterion_id: int) -> tuple[PerspectiveSpec, CriterionSpec]:
        for p in self.perspectives:
            for c in p.criteria:
                if c.id == criterion_id:
                    return p, c
        raise KeyError(criterion_id)


def _anchors(*texts: str) -> dict[int, str]:
    return dict(enumerate(texts, start=1))


# The rubric Moka city describes: executives judge the policy view, fellow members and
# staff judge leadership, the digital department and the vendor judge ICT.
MOKA_PRESET = TemplateSpec(
    family="moka",
    name="真岡市方式 BPRプロジェクト評価",
    aggregation="mean",
    note="幹部職員が政策、メンバー・職員がリーダーシップ、デジタル部門と支援事業者がICTの観点で評価する。",
    perspectives=[
        PerspectiveSpec("policy", "政策", rater_kinds=("executive",), min_raters=2, criteria=[
            CriterionSpec("政策との整合", rater_kinds=("executive",),
                          description="総合計画やDX推進計画など市の方針に沿った改善になっているか。", descriptors=_anchors(
                "市の方針との関係が示されていない。",
                "方針との関係に触れているが、改善内容と結び付いていない。",
                "方針のどの項目に資するかが示され、改善内容と対応している。",
                "方針への貢献が具体的な指標で示され、他課にも説明できる。",
                "方針の実現を先導する内容で、全庁の施策に反映できる水準にある。")),
            CriterionSpec("住民・職員への効果", rater_kinds=("executive",),
                          description="住民サービスの向上や職員の負担軽減がどれだけ見込めるか。", descriptors=_anchors(
                "効果が示されていない。",
                "効果は述べているが、根拠や規模が分からない。",
                "効果の対象と規模が示され、根拠がある。",
                "効果が時間・件数などで測られ、試行で確かめられている。",
                "大きな効果が実績で示され、継続して測る仕組みがある。")),
            CriterionSpec("実現可能性と持続性", rater_kinds=("executive",),
                          description="費用・体制・規程を踏まえ、続けられる形になっているか。", descriptors=_anchors(
                "実施の見通しが立っていない。",
                "課題は挙げているが、解決の道筋がない。",
                "費用・体制・規程の課題と対応策が整理されている。",
                "関係課と調整済みで、予算や規程の手当てが見えている。",
                "担当が替わっても続く運用が定着している。")),
        ]),
        PerspectiveSpec("leadership", "リーダーシップ", rater_kinds=("member", "staff"), min_raters=3, criteria=[
            CriterionSpec("主体性・当事者意識", rater_kinds=("member", "staff"),
                          description="自分の業務として課題に向き合い、自ら動いたか。", descriptors=_anchors(
                "指示がなければ動かなかった。",
                "指示された作業はこなしたが、自分から提案することは少なかった。",
                "自分の担当について課題を見つけ、改善を提案し実行した。",
                "担当を越えて課題を引き受け、周りの作業を前に進めた。",
                "チーム全体の方向を示し、困難な場面でも率先して動いた。")),
            CriterionSpec("周囲の巻き込み・協働", rater_kinds=("member", "staff"),
                          description="メンバーや関係課、現場の職員と協力して進めたか。", descriptors=_anchors(
                "周囲との連携がほとんどなかった。",
                "メンバーとは協力したが、関係課や現場への働きかけは少なかった。",
                "関係課や現場の意見を聞き、改善案に反映した。",
                "立場の違う人の協力を引き出し、合意形成を進めた。",
                "組織の枠を越えた協力体制をつくり、他の取組にも広げた。")),
            CriterionSpec("役割の遂行", rater_kinds=("member",),
                          description="チームの中で自分の役割を果たしたか(メンバーのみ評価)。", descriptors=_anchors(
                "役割を果たせず、チームの負担になった。",
                "役割の一部を果たしたが、期限や質に課題があった。",
                "任された役割を期限どおりに果たした。",
                "役割を確実に果たし、他のメンバーも支えた。",
                "チームの成果に欠かせない役割を担い、期待を上回った。")),
        ]),
        PerspectiveSpec("ict", "ICT", rater_kinds=("digital", "external"), min_raters=2, criteria=[
            CriterionSpec("デジタル技術の理解と活用", rater_kinds=("digital", "external"),
                          description="ローコードツール等の技術を理解し、業務に合わせて使えたか。", descriptors=_anchors(
                "ツールの基本操作ができなかった。",
                "支援を受けて基本操作ができた。",
                "ツールの機能を理解し、自分で業務に当てはめた。",
                "複数の機能を組み合わせ、他の職員に使い方を教えられる。",
                "技術の限界を踏まえて最適な手段を選び、全庁展開を設計できる。")),
            CriterionSpec("業務プロセスの分析・再設計", rater_kinds=("digital", "external"),
                          description="現行業務を見える化し、デジタル化を前提に組み直せたか。", descriptors=_anchors(
                "現行業務の流れを説明できなかった。",
                "現行業務の流れを書き出したが、課題の特定が不十分だった。",
                "業務フローを整理し、無駄や紙の工程を特定して改善案にした。",
                "業務そのものを見直し、手順の廃止・統合まで踏み込んだ。",
                "他業務にも使える再設計の型を示した。")),
            CriterionSpec("情報セキュリティ・データの扱い", rater_kinds=("digital",),
                          description="個人情報やネットワーク分離など、自治体のルールを守って設計したか(デジタル部門のみ評価)。",
                          descriptors=_anchors(
                "ルールへの配慮がなく、見直しが必要だった。",
                "指摘を受けてルールに沿うよう修正した。",
                "ルールを理解し、設計の段階から配慮していた。",
                "リスクを自ら洗い出し、対策を文書にまとめた。",
                "他の取組の手本となる安全な設計と運用を示した。")),
        ]),
    ],
)


def check_template(spec: TemplateSpec) -> None:
    """Refuse a template an evaluator could not answer or that would aggregate nonsense."""
    if not spec.name.strip():
        raise UserError(_("Enter a name for the evaluation template."))
    if spec.aggregation not in AGGREGATIONS:
        raise UserError(_("Unknown aggregation: {value}").format(value=spec.aggregation))
    if not spec.perspectives:
        raise UserError(_("A template needs at least one perspective."))
    codes = [p.code.strip() for p in spec.perspectives]
    if len(set(codes)) != len(codes) or not all(codes):
        raise UserError(_("Each perspective needs its own code."))
    for p in spec.perspectives:
        if not p.name.strip():
            raise UserError(_("Enter a name for every perspective."))
        if not p.criteria:
            raise UserError(_("The perspective {name} has no criteria.").format(name=p.name))
        if p.min_raters < 1:
            raise UserError(_("The minimum number of raters must be at least 1."))
        for c in p.criteria:
            where = f"{p.name} / {c.name or '?'}"
            if not c.name.strip():
                raise UserError(_("Enter a name for every criterion ({where}).").format(where=where))
            if not c.rater_kinds or not set(c.rater_kinds) <= set(EVALUATOR_KINDS):
                raise UserError(_("Choose who may rate {where}.").format(where=where))
            if not (c.scale_max > c.scale_min and c.scale_max - c.scale_min <= 10):
                raise UserError(_("The scale of {where} must run upwards over at most 11 points.").format(where=where))
            missing = [s for s in c.scores if not c.descriptors.get(s, "").strip()]
            if missing:
                raise UserError(_("Describe what each score means for {where}: score {score} has no text.").format(
                    where=where, score=missing[0]))


def save_template(db: sqlite_utils.Database, spec: TemplateSpec, user: User) -> int:
    """Store ``spec`` as the next version of its family and return the new template id."""
    require(user, Action.TEMPLATE_EDIT)
    check_template(spec)
    with transaction(db):
        version = db.execute("SELECT coalesce(max(version), 0) + 1 FROM evaluation_templates WHERE family = ?",
                             [spec.family]).fetchone()[0]
        template_id = db["evaluation_templates"].insert({
            "family": spec.family, "version": version, "name": spec.name.strip(), "aggregation": spec.aggregation,
            "note": spec.note, "created_by": user.login}).last_pk
        for p_order, p in enumerate(spec.perspectives):
            perspective_id = db["template_perspectives"].insert({
                "template_id": template_id, "code": p.code.strip(), "name": p.name.strip(), "sort_order": p_order,
                "min_raters": p.min_raters, "rater_kinds": json.dumps(list(p.rater_kinds))}).last_pk
            for c_order, c in enumerate(p.criteria):
                criterion_id = db["template_criteria"].insert({
                    "perspective_id": perspective_id, "name": c.name.strip(), "description": c.description.strip(),
                    "sort_order": c_order, "scale_min": c.scale_min, "scale_max": c.scale_max,
                    "rater_kinds": json.dumps(list(c.rater_kinds))}).last_pk
                db["criterion_descriptors"].insert_all(
                    {"criterion_id": criterion_id, "score": s, "text": c.descriptors[s].strip()} for s in c.scores)
        audit.record(db, user.login, "template.create" if version == 1 else "template.version", "evaluation_templates",
                     template_id, None, {"family": spec.family, "version": version, "name": spec.name})
    return template_id


def load_template(db: sqlite_utils.Database, template_id: int) -> TemplateSpec:
    row = next(db.query("SELECT * FROM evaluation_templates WHERE id = ?", [template_id]), None)
    if row is None:
        raise UserError(_("No evaluation template with id {id}.").format(id=template_id))
    descriptors: dict[int, dict[int, str]] = {}
    for d in db.query("""SELECT d.* FROM criterion_descriptors d JOIN template_criteria c ON c.id = d.criterion_id
                         JOIN template_perspectives p ON p.id = c.perspective_id WHERE p.template_id = ?""",
                      [template_id]):
        descriptors.setdefault(d["criterion_id"], {})[d["score"]] = d["text"]
    criteria: dict[int, list[CriterionSpec]] = {}
    for c in db.query("""SELECT c.* FROM template_criteria c JOIN template_perspectives p ON p.id = c.perspective_id
                         WHERE p.template_id = ? ORDER BY c.sort_order, c.id""", [template_id]):
        criteria.setdefault(c["perspective_id"], []).append(CriterionSpec(
            c["name"], descriptors.get(c["id"], {}), tuple(json.loads(c["rater_kinds"])), c["description"],
            c["scale_min"], c["scale_max"], c["id"]))
    perspectives = [
        PerspectiveSpec(p["code"], p["name"], criteria.get(p["id"], []), tuple(json.loads(p["rater_kinds"])),
                        p["min_raters"], p["id"])
        for p in db.query("SELECT * FROM template_perspectives WHERE template_id = ? ORDER BY sort_order, id",
                          [template_id])
    ]
    return TemplateSpec(row["family"], row["name"], perspectives, row["aggregation"], row["note"], row["id"],
                        row["version"])


def list_templates(db: sqlite_utils.Database) -> list[dict]:
    """Every template version, newest first within a family, with how many projects use it."""
    return list(db.query("""
        SELECT t.id, t.family, t.version, t.name, t.aggregation, t.created_at,
               (SELECT count(*) FROM projects WHERE template_id = t.id) AS projects,
               t.version = (SELECT max(version) FROM evaluation_templates WHERE family = t.family) AS latest
        FROM evaluation_templates t ORDER BY t.family, t.version DESC"""))


def latest_template_id(db: sqlite_utils.Database, family: str) -> int | None:
    row = db.execute("SELECT id FROM evaluation_templates WHERE family = ? ORDER BY version DESC LIMIT 1",
                     [family]).fetchone()
    return row[0] if row else None


def ensure_preset(db: sqlite_utils.Database, user: User) -> int:
    """The Moka rubric, installed once: the id of its latest version."""
    require(user, Action.TEMPLATE_EDIT)
    existing = latest_template_id(db, MOKA_PRESET.family)
    return existing if existing is not None else save_template(db, MOKA_PRESET, user)


def aggregation_label(key: str) -> str:
    return _(AGGREGATIONS[key])


def kinds_label(kinds: tuple[str, ...] | list[str]) -> str:
    return "・".join(_(EVALUATOR_KINDS[k]) for k in kinds if k in EVALUATOR_KINDS)
