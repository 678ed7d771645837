"""Skill catalogues a town can start from: the national デジタルスキル標準 (DX推進スキル標準 and DXリテラシー標準),
a simple map like the one Tokyo runs its digital talent on, and a blank one.

What is the standard's and what is ours, said honestly (also in each catalogue's note, which the screen shows):

* DX推進スキル標準 (DSS-P, METI/IPA, 2022-12, ver.1.x): the 5 人材類型, their 15 roles, the 49 items of the
  共通スキルリスト and the 4-step 重要度 (a-d) are confirmed by the public reports found while writing this
  (press coverage of the release). The role names, the 12 sub-categories and the 49 item names below are those
  of the 共通スキルリスト as published, written from the standard; they could not be checked against the IPA
  PDF itself from this offline workspace, so a town should compare them with the current IPA edition. The
  role × item importance matrix (a-d per role) is NOT shipped: it could not be found in a checkable form.
  The standard rates what a role needs, not what a person has, so the level scale (0-4) is ours, worded after
  the 重要度 definitions.
* DXリテラシー標準 (DSS-L, 2022-03, revised 2023-08 for 生成AI): the four parts マインド・スタンス / Why / What /
  How and their 23 items; the level scale (0-3) is ours.
* The Tokyo-style map: areas like those Tokyo's own skill map uses (デザイン, データ利活用, セキュリティ, ネットワーク,
  PM, 業務改革 …), with descriptors per level written for this register (not Tokyo's text).
"""

from __future__ import annotations

import sqlite_utils

from app.errors import UserError
from app.i18n import _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.skills.catalogues import CatalogueSpec, CategorySpec, ItemSpec, LevelSpec, RoleSpec, latest_id, save_catalogue

DSSP_NOTE = (
    "経済産業省・IPA「デジタルスキル標準」のDX推進スキル標準（DSS-P）の構造：5つの人材類型と15のロール、"
    "共通スキルリストの5カテゴリー・12サブカテゴリー・49スキル項目。人材類型・ロール・項目数は公表資料（報道発表）で確認。"
    "ロール名・サブカテゴリー名・スキル項目名は共通スキルリストの記載に基づくが、この環境ではIPAの原本（PDF）と照合できなかったため、"
    "使用前に最新版と照合すること。ロールごとの各スキル項目の重要度（a〜d）は確認できる形で入手できなかったため収録していない。"
    "標準はロールに必要な水準を示すもので個人のレベルを定めていないため、レベル（0〜4）は重要度の定義に倣った本台帳の尺度。")
DSSL_NOTE = (
    "経済産業省・IPA「DXリテラシー標準」（DSS-L、2023年8月改訂で生成AIを追加）の4つの大項目（マインド・スタンス、Why、What、How）と"
    "23の項目。全職員向け。レベル（0〜3）は本台帳の尺度。項目名はこの環境でIPAの原本と照合できていないため、使用前に最新版と照合すること。")
TOKYO_NOTE = ("東京都のデジタル人材のスキルマップのような、自治体職員向けの簡素な分野別スキルマップ。"
              "分野とレベルの目安は本台帳が作成したもの（東京都の文書の転記ではない）。")

# (人材類型, [(role code, role name, summary), ...]) - the 15 roles of DSS-P.
DSSP_ROLES: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("ビジネスアーキテクト", [
        ("BA-NEW", "ビジネスアーキテクト（新規事業開発）", "新しい事業の目的を定め、関係者をまとめて実現まで導く。"),
        ("BA-EXIST", "ビジネスアーキテクト（既存事業の高度化）", "既存の事業・サービスをデジタルで高度化する取組を導く。"),
        ("BA-INTERNAL", "ビジネスアーキテクト（社内業務の高度化・効率化）", "組織内の業務をデジタルで高度化・効率化する取組を導く。"),
    ]),
    ("デザイナー", [
        ("DE-SERVICE", "サービスデザイナー", "利用者の体験全体から、サービスのあり方を設計する。"),
        ("DE-UXUI", "UX/UIデザイナー", "画面や操作など、利用者との接点を設計する。"),
        ("DE-GRAPHIC", "グラフィックデザイナー", "ブランドや伝える内容を、視覚表現として設計する。"),
    ]),
    ("データサイエンティスト", [
        ("DS-STRATEGIST", "データビジネスストラテジスト", "データ活用の戦略を描き、事業・業務への実装を導く。"),
        ("DS-PRO", "データサイエンスプロフェッショナル", "統計・機械学習などでデータを分析し、価値を引き出す。"),
        ("DS-ENGINEER", "データエンジニア", "データを集め、整え、使える基盤を設計・運用する。"),
    ]),
    ("ソフトウェアエンジニア", [
        ("SE-FRONT", "フロントエンドエンジニア", "利用者が直接触れる部分のシステムを開発する。"),
        ("SE-BACK", "バックエンドエンジニア", "サーバー側の機能やデータ処理を開発する。"),
        ("SE-CLOUD", "クラウドエンジニア/SRE", "クラウド基盤を設計・構築し、安定した運用を支える。"),
        ("SE-PHYSICAL", "フィジカルコンピューティングエンジニア", "センサーや機器など、物理空間とつながる仕組みを開発する。"),
    ]),
    ("サイバーセキュリティ", [
        ("CS-MANAGER", "サイバーセキュリティマネージャー", "セキュリティ対策の方針と体制を定め、リスクを管理する。"),
        ("CS-ENGINEER", "サイバーセキュリティエンジニア", "セキュリティ対策を設計・実装し、監視と対応を担う。"),
    ]),
]

# (category code, カテゴリー：サブカテゴリー, [item names]) - the 共通スキルリスト, 49 items.
DSSP_ITEMS: list[tuple[str, str, list[str]]] = [
    ("BT-STRATEGY", "ビジネス変革：戦略・マネジメント・システム", [
        "ビジネス戦略策定・実行", "プロダクトマネジメント", "変革マネジメント", "システムズエンジニアリング",
        "エンタープライズアーキテクチャ", "プロジェクトマネジメント"]),
    ("BT-MODEL", "ビジネス変革：ビジネスモデル・プロセス", [
        "ビジネス調査", "ビジネスモデル設計", "ビジネスアナリシス", "検証（ビジネス視点）", "マーケティング", "ブランディング"]),
    ("BT-DESIGN", "ビジネス変革：デザイン", [
        "顧客・ユーザー理解", "価値発見・定義", "設計", "検証（顧客・ユーザー視点）", "その他デザイン技術"]),
    ("DA-STRATEGY", "データ活用：データ・AIの戦略的活用", [
        "データ理解・活用", "データ・AI活用戦略", "データ・AI活用業務の設計・事業実装・評価"]),
    ("DA-SCIENCE", "データ活用：AI・データサイエンス", ["数理統計・多変量解析・データ可視化", "機械学習・深層学習"]),
    ("DA-ENGINEERING", "データ活用：データエンジニアリング", ["データ活用基盤設計", "データ活用基盤実装・運用"]),
    ("TE-SOFTWARE", "テクノロジー：ソフトウェア開発", [
        "コンピュータサイエンス", "チーム開発", "ソフトウェア設計手法", "ソフトウェア開発プロセス", "Webアプリケーション基本技術",
        "フロントエンドシステム開発", "バックエンドシステム開発", "クラウドインフラ活用", "SREプロセス", "サービス活用"]),
    ("TE-DIGITAL", "テクノロジー：デジタルテクノロジー", ["フィジカルコンピューティング", "その他先端技術", "テクノロジートレンド"]),
    ("SE-MANAGEMENT", "セキュリティ：セキュリティマネジメント", [
        "セキュリティ体制構築・運営", "セキュリティマネジメント", "インシデント対応と事業継続", "プライバシー保護"]),
    ("SE-TECHNOLOGY", "セキュリティ：セキュリティ技術", ["セキュア設計・開発・構築", "セキュリティ運用・保守・監視"]),
    ("PS-HUMAN", "パーソナルスキル：ヒューマンスキル", ["リーダーシップ", "コラボレーション"]),
    ("PS-CONCEPTUAL", "パーソナルスキル：コンセプチュアルスキル", ["ゴール設定", "創造的な問題解決", "批判的思考", "適応力"]),
]

DSSP_LEVELS = [
    LevelSpec(0, "未経験", "この項目の知識・経験はまだない。"),
    LevelSpec(1, "位置づけを理解", "項目の位置づけや他の項目との関連性を説明できる（重要度 d の水準）。"),
    LevelSpec(2, "説明できる", "項目の内容を説明できるレベルで理解している（重要度 c の水準）。"),
    LevelSpec(3, "実践できる", "一定の実践力と専門性があり、業務で実践している（重要度 b の水準）。"),
    LevelSpec(4, "専門家", "高い実践力と専門性があり、他の職員を導ける（重要度 a の水準）。"),
]

DSSL_ITEMS: list[tuple[str, str, list[str]]] = [
    ("MIND", "マインド・スタンス", ["変化への適応", "コラボレーション", "顧客・ユーザーへの共感", "常識にとらわれない発想",
                             "反復的なアプローチ", "柔軟な意思決定", "事実に基づく判断"]),
    ("WHY", "Why（DXの背景）", ["社会の変化", "顧客価値の変化", "競争環境の変化"]),
    ("WHAT-DATA", "What（DXで活用されるデータ・技術）：データ", ["社会におけるデータ", "データを読む・説明する", "データを扱う",
                                                  "データによって判断する"]),
    ("WHAT-TECH", "What（DXで活用されるデータ・技術）：デジタル技術", ["AI（生成AIを含む）", "クラウド", "ハードウェア・ソフトウェア",
                                                     "ネットワーク"]),
    ("HOW", "How（データ・技術の利活用）", ["データ・デジタル技術の活用事例", "ツール利用", "セキュリティ", "モラル", "コンプライアンス"]),
]

DSSL_LEVELS = [
    LevelSpec(0, "未学習", "まだ学んでいない。"),
    LevelSpec(1, "知っている", "基本的な考え方や用語を知っている。"),
    LevelSpec(2, "説明できる", "自分の言葉で同僚に説明できる。"),
    LevelSpec(3, "活かしている", "自分の業務で意識して活かしている。"),
]

SIMPLE_LEVELS = [
    LevelSpec(0, "なし", "経験がない。"),
    LevelSpec(1, "知識あり", "研修などで基礎を学び、用語や考え方が分かる。"),
    LevelSpec(2, "支援があれば実践", "詳しい職員や事業者の支援があれば、業務で実践できる。"),
    LevelSpec(3, "自立して実践", "一人で業務に適用し、結果に責任を持てる。"),
    LevelSpec(4, "指導・牽引", "庁内で他の職員を指導し、取組を牽引できる。"),
]

# (code, name, description, {level: descriptor}) of the simple map.
TOKYO_ITEMS: list[tuple[str, str, str, dict[int, str]]] = [
    ("design", "デザイン", "利用者の立場からサービスや手続を設計する。", {
        1: "サービスデザインの考え方を知っている。", 2: "利用者の声を集め、画面や様式の改善案を出せる。",
        3: "利用者調査から手続の流れを設計し直せる。", 4: "庁内のサービスデザインを指導できる。"}),
    ("data", "データ利活用", "データを集め、分析し、判断や施策に使う。", {
        1: "表計算で集計ができる。", 2: "統計データを読み、グラフで説明できる。",
        3: "BIツールや分析で施策の効果を示せる。", 4: "データ活用の方針を立て、庁内に広げられる。"}),
    ("security", "セキュリティ", "情報資産を守り、事故に備える。", {
        1: "情報セキュリティポリシーを理解している。", 2: "所属のリスクを洗い出し、対策を実施できる。",
        3: "インシデントに対応し、再発防止策を立てられる。", 4: "全庁の対策と体制を設計できる。"}),
    ("network", "ネットワーク", "庁内ネットワークと三層分離、クラウド接続を扱う。", {
        1: "三層の対策（マイナンバー・LGWAN・インターネット）を説明できる。", 2: "機器や設定の変更を手順どおりに行える。",
        3: "ネットワークの設計変更を検討できる。", 4: "ネットワーク全体の更新を計画できる。"}),
    ("pm", "PM（プロジェクトマネジメント）", "システム導入や改善の計画・進行を管理する。", {
        1: "計画・体制・進捗管理の基本を知っている。", 2: "小さな改善プロジェクトの進行を担える。",
        3: "事業者を含む導入プロジェクトを管理できる。", 4: "複数のプロジェクトを統括できる。"}),
    ("bpr", "業務改革（BPR）", "業務の流れを見直し、デジタルで変える。", {
        1: "業務フローを読める。", 2: "自分の業務の課題を整理し、改善案を出せる。",
        3: "課をまたぐ業務を見直し、実行できる。", 4: "全庁の業務改革を牽引できる。"}),
    ("cloud", "クラウド・システム", "クラウドサービスや基幹システムを選び、使いこなす。", {
        1: "クラウドの利点と注意点を知っている。", 2: "SaaS を設定して業務に使える。",
        3: "調達仕様を書き、導入を判断できる。", 4: "システム全体の構成と標準化を計画できる。"}),
    ("ai", "AI・生成AI活用", "AI を業務に安全に使う。", {
        1: "生成AIの仕組みと利用ルールを知っている。", 2: "文書作成などで生成AIを業務に使える。",
        3: "AI を使った業務改善を企画・検証できる。", 4: "AI 活用の指針を作り、庁内に広げられる。"}),
    ("lowcode", "ローコード・RPA", "ノーコード・ローコードツールや RPA で業務を自動化する。", {
        1: "ツールで何ができるかを知っている。", 2: "簡単なフォームや自動化を作れる。",
        3: "他課の業務のアプリを作り、運用できる。", 4: "開発の標準とガバナンスを整えられる。"}),
]


def _grouped(groups: list[tuple[str, str, list[str]]]) -> tuple[list[CategorySpec], list[ItemSpec]]:
    categories, items = [], []
    for code, name, names in groups:
        categories.append(CategorySpec(code, name))
        items.extend(ItemSpec(f"{code}-{n:02d}", code, item) for n, item in enumerate(names, start=1))
    return categories, items


def dssp() -> CatalogueSpec:
    categories, items = _grouped(DSSP_ITEMS)
    roles = [RoleSpec(code, type_name, name, summary) for type_name, entries in DSSP_ROLES
             for code, name, summary in entries]
    return CatalogueSpec("dss-p", "デジタルスキル標準 DX推進スキル標準（DSS-P）", list(DSSP_LEVELS), categories, items,
                         roles, DSSP_NOTE)


def dssl() -> CatalogueSpec:
    categories, items = _grouped(DSSL_ITEMS)
    return CatalogueSpec("dss-l", "デジタルスキル標準 DXリテラシー標準（DSS-L・全職員）", list(DSSL_LEVELS), categories, items,
                         [], DSSL_NOTE)


def tokyo() -> CatalogueSpec:
    items = [ItemSpec(code, "main", name, description, dict(descriptors))
             for code, name, description, descriptors in TOKYO_ITEMS]
    return CatalogueSpec("skill-map", "分野別スキルマップ（東京都方式の簡易版）", list(SIMPLE_LEVELS),
                         [CategorySpec("main", "DX分野")], items, [], TOKYO_NOTE)


def blank() -> CatalogueSpec:
    return CatalogueSpec("custom-skills", "新しいスキルカタログ", list(SIMPLE_LEVELS), [CategorySpec("main", "分野")],
                         [ItemSpec("item1", "main", "スキル1")])


PRESETS = {"dss-p": dssp, "dss-l": dssl, "tokyo": tokyo, "blank": blank}


def install_preset(db: sqlite_utils.Database, key: str, user: User) -> int:
    """Save a preset as the first version of its family, or return the latest version when the family exists."""
    require(user, Action.SKILL_CATALOGUE_EDIT)
    if key not in PRESETS:
        raise UserError(_("Unknown skill catalogue preset: {key} (choose from {keys}).").format(
            key=key, keys=", ".join(PRESETS)))
    spec = PRESETS[key]()
    existing = latest_id(db, spec.family)
    return existing if existing is not None else save_catalogue(db, spec, user)
