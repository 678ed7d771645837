"""The CLI commands behind the screens' actions, one area at a time, run in-process (the
console script itself is exercised by test_cli_cycle and test_cli).

Each area: the action works, a refused input exits 1 with a Japanese message naming what is wrong,
and a refusal changes nothing. Dates are given explicitly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.evaluation import ratings
from app.evaluation import projects
from tests.conftest import ADMIN_USER
from tests.test_cli_cycle import Cli, InProcessCli, write_staff_csv
from tests.test_evaluation_sheets import make_project

PASSWORD = "correct horse 1"


@pytest.fixture
def town(tmp_path: Path) -> Cli:
    """A fresh register with the eight people of the cycle test and one project (id 1) of four members."""
    cli = InProcessCli(tmp_path / "town.sqlite", tmp_path / "data")
    cli.ok("init")
    cli.ok("import-staff", str(write_staff_csv(tmp_path / "staff.csv")), "--effective-date", "2025-04-01")
    cli.ok("projects", "add", "窓口予約のオンライン化", "--year", "2025", "--section", "総務課")
    cli.ok("projects", "members", "add", "1", "2001", "2002", "2003", "2004", "--date", "2025-05-01")
    return cli


def refused(cli: Cli, *args: str, stdin: str | None = None) -> str:
    """Exit 1 and the Japanese message (stderr)."""
    result = cli.run(*args, stdin=stdin)
    assert result.returncode == 1, f"{args} → {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stderr


def test_staff_add_edit_history(town: Cli):
    town.ok("staff", "add", "3001", "--family-name", "中村", "--given-name", "彩", "--family-reading", "なかむら",
            "--given-reading", "あや", "--section", "総務部 総務課", "--position", "主事", "--hire-date", "2025-04-01",
            "--date", "2025-04-01")
    assert "既に登録" in refused(town, "staff", "add", "3001", "--family-name", "中村", "--given-name", "彩",
                                 "--family-reading", "なかむら", "--given-reading", "あや", "--section", "総務課")
    assert "課長補佐長" in refused(town, "staff", "edit", "3001", "--position", "課長補佐長")
    assert "存在しない課" in refused(town, "staff", "edit", "3001", "--section", "存在しない課")
    town.ok("staff", "edit", "3001", "--section", "デジタル推進課", "--given-reading", "あやか", "--date", "2026-04-01")
    history = town.json("staff", "history", "3001")
    assert [(h["from"], h["to"], h["section"]) for h in history] == [
        ("2025-04-01", "2026-03-31", "総務課"), ("2026-04-01", None, "デジタル推進課")]
    assert [p["reading"] for p in town.json("staff", "list", "--query", "3001", "--date", "2026-04-01")] == ["なかむら\u3000あやか"]


def test_organisation_reforms(town: Cli):
    town.ok("org", "create", "企画課", "--parent", "企画部", "--date", "2026-04-01")
    town.ok("org", "rename", "総務部 総務課", "総務人事課", "--date", "2026-04-01")
    town.ok("org", "merge", "企画課", "--into", "デジタル推進課", "--date", "2026-05-01")
    town.ok("org", "split", "デジタル推進課", "--into", "DX推進課", "情報システム課", "--place", "1004=情報システム課",
            "--date", "2026-06-01")
    before = town.json("org", "list", "--date", "2026-06-01")
    assert "職員" in refused(town, "org", "abolish", "総務人事課", "--date", "2026-07-01")
    assert "人事課" in refused(town, "org", "split", "DX推進課", "--into", "A課", "B課", "--place", "1003=人事課")
    assert town.json("org", "list", "--date", "2026-06-01") == before  # the refusals changed nothing

    def units(tree: list[dict]) -> dict[str, int]:
        return {n["name"]: n["staff"] for root in tree for n in [root, *_descendants(root)]}

    assert units(before) == {"総務部": 1, "総務人事課": 5, "企画部": 0, "DX推進課": 1, "情報システム課": 1}
    assert "総務課" in units(town.json("org", "list", "--date", "2026-03-31"))
    town.ok("org", "create", "空き課", "--parent", "企画部", "--date", "2026-06-01")
    town.ok("org", "abolish", "空き課", "--date", "2026-07-01")
    assert "空き課" not in units(town.json("org", "list", "--date", "2026-07-01"))


def _descendants(node: dict) -> list[dict]:
    return [d for child in node["children"] for d in [child, *_descendants(child)]]


def test_project_details_members_sessions_and_outside_raters(town: Cli):
    assert "決定した日付" in refused(town, "projects", "realise", "1", "trial")
    assert "開始" in refused(town, "projects", "edit", "1", "--starts", "2025-06-01", "--ends", "2025-05-01")
    town.ok("projects", "edit", "1", "--theme", "窓口DX", "--starts", "2025-05-01", "--ends", "2026-03-31")
    town.ok("projects", "status", "1", "active")
    town.ok("projects", "realise", "1", "full", "--date", "R8.2.20", "--by", "部長会議")
    town.ok("projects", "outcomes", "1", "--hours-saved", "120.5", "--systems-built", "1", "--summary", "予約の電子化")
    shown = town.json("projects", "show", "1")
    assert (shown["theme"], shown["status"], shown["realisation"], shown["realisation_decided_on"],
            shown["hours_saved_per_year"], shown["systems_built"], shown["owner_unit"]) == (
        "窓口DX", "active", "full", "2026-02-20", 120.5, 1, "総務部 総務課")

    assert "9999" in refused(town, "projects", "members", "add", "1", "1001", "9999")
    assert len(town.json("projects", "members", "list", "1")) == 4  # all or nothing: 1001 was not added
    before = {m["staff_no"]: m["role"] for m in town.json("projects", "members", "list", "1")}
    said = town.ok("projects", "members", "add", "1", "1001", "2001", "--role", "owner")
    assert "1 人追加" in said
    assert "既に" in said  # 2001 was already on the project: skipped, named, role kept
    roles = {m["staff_no"]: m["role"] for m in town.json("projects", "members", "list", "1")}
    assert roles["2001"] == before["2001"] and roles["1001"] == "owner"
    town.ok("projects", "members", "role", "1", "2001", "leader")
    town.ok("projects", "members", "remove", "1", "2004")
    roles = {m["staff_no"]: m["role"] for m in town.json("projects", "members", "list", "1")}
    assert roles == {"1001": "owner", "2001": "leader", "2002": "member", "2003": "member"}

    town.ok("projects", "sessions", "add", "1", "--date", "2025-06-05", "--title", "第1回", "--all-members")
    assert "メンバー" in refused(town, "projects", "sessions", "attendance", "1", "--attended", "1003")
    town.ok("projects", "sessions", "attendance", "1", "--attended", "2001", "2002")
    town.ok("projects", "sessions", "add", "1", "--date", "2025-07-03", "--title", "第2回")
    sessions = town.json("projects", "sessions", "list", "1")
    assert [(s["title"], s["attendees"]) for s in sessions] == [("第1回", ["2001", "2002"]), ("第2回", [])]
    town.ok("projects", "sessions", "remove", str(sessions[1]["id"]))
    assert len(town.json("projects", "sessions", "list", "1")) == 1

    assert "氏名" in refused(town, "projects", "externals", "add", "1", "--name", "  ")
    assert town.json("projects", "externals", "list") == []  # the refused rater was not registered either
    town.ok("projects", "externals", "add", "1", "--name", "佐野 健一", "--organisation", "とちぎデジタル支援")
    town.ok("projects", "add", "庁内LAN更新", "--year", "2025")
    town.ok("projects", "externals", "add", "2", "--rater", "1")
    assert [r["name"] for r in town.json("projects", "externals", "list", "2")] == ["佐野 健一"]
    town.ok("projects", "externals", "remove", "2", "1")
    assert town.json("projects", "externals", "list", "2") == []
    assert len(town.json("projects", "externals", "list")) == 1


def test_assignments_and_reopening(demo_db, db_path: Path, tmp_path: Path):
    project_id = make_project(demo_db)
    first = ratings.project_assignments(demo_db, ADMIN_USER, project_id)[0]
    form = ratings.open_form(demo_db, ADMIN_USER, first["id"])
    ratings.save_answers(demo_db, ADMIN_USER, first["id"],
                             {c.id: ratings.Answer(3) for c in form.criteria}, submit=True)
    cli = InProcessCli(db_path, tmp_path / "data")
    listed = cli.json("assignments", "list", "--project", str(project_id))
    assert len(listed) == len(ratings.project_assignments(demo_db, ADMIN_USER, project_id))
    assert "差し戻" in refused(cli, "assignments", "remove", str(first["id"]))
    assert "理由" in refused(cli, "ratings", "reopen", str(first["id"]), "--reason", " ")
    cli.ok("ratings", "reopen", str(first["id"]), "--reason", "記入漏れの訂正")
    assert {a["id"]: a["status"] for a in cli.json("assignments", "list", "--project", str(project_id))}[
        first["id"]] == "draft"
    cli.ok("assignments", "remove", str(first["id"]))

    member = first["target_no"]
    vendor = projects.external_raters(demo_db, project_id)[0]["id"]
    assert "ict" in refused(cli, "assignments", "add", "--project", str(project_id), "--member", member,
                            "--perspective", "無い観点", "--external", str(vendor))
    cli.ok("assignments", "add", "--project", str(project_id), "--member", member, "--perspective", first["perspective"],
           "--evaluator", cli.json("staff", "list")[0]["staff_no"], "--kind", first["evaluator_kind"])
    assert "既に" in refused(cli, "assignments", "add", "--project", str(project_id), "--member", member,
                             "--perspective", first["perspective"], "--evaluator", cli.json("staff", "list")[0]["staff_no"],
                             "--kind", first["evaluator_kind"])
    suggested = cli.json("assignments", "suggest", "--project", str(project_id), "--date", "2025-10-01")
    assert suggested["applied"] == 0 and isinstance(suggested["proposals"], list)


def test_schemes_and_templates_travel_as_files(town: Cli, tmp_path: Path):
    town.ok("schemes", "install", "moka")
    scheme_file, template_file = tmp_path / "moka.json", tmp_path / "rubric.json"
    town.ok("schemes", "export", str(scheme_file))
    assert "既に存在" in refused(town, "schemes", "export", str(scheme_file))
    data = json.loads(scheme_file.read_text(encoding="utf-8"))
    data.update(family="nasu-cert", name="那須町 DX人材認定")
    data["levels"][0]["requirements"][0]["params"]["min"] = 6
    scheme_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    neighbour = InProcessCli(tmp_path / "neighbour.sqlite", tmp_path / "data")
    neighbour.ok("init")
    neighbour.ok("schemes", "install", "moka")
    neighbour.ok("schemes", "import", str(scheme_file), "--use")
    listed = neighbour.json("schemes", "list")
    assert [(s["family"], s["in_use"]) for s in listed] == [("moka-cert", False), ("nasu-cert", True)]
    assert neighbour.ok("settings", "get", "certification_scheme").strip() == "nasu-cert"
    neighbour.ok("schemes", "export", str(tmp_path / "back.json"))
    assert json.loads((tmp_path / "back.json").read_text(encoding="utf-8")) == data

    data["levels"][1]["requirements"][1]["params"]["min"] = "試行"
    scheme_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    message = refused(neighbour, "schemes", "import", str(scheme_file))
    assert "moka.json" in message and "levels[1].requirements[1].params" in message
    assert neighbour.json("schemes", "list") == listed  # nothing was written

    town.ok("templates", "export", "1", str(template_file))
    rubric = json.loads(template_file.read_text(encoding="utf-8"))
    rubric.update(family="nasu-rubric", name="那須町 評価基準", aggregation="median")
    template_file.write_text(json.dumps(rubric, ensure_ascii=False), encoding="utf-8")
    town.ok("templates", "import", str(template_file))
    assert sorted((t["family"], t["aggregation"]) for t in town.json("templates", "list")) == [
        ("moka", "mean"), ("nasu-rubric", "median")]
    del rubric["perspectives"][2]["criteria"][0]["descriptors"]["3"]
    template_file.write_text(json.dumps(rubric, ensure_ascii=False), encoding="utf-8")
    message = refused(town, "templates", "import", str(template_file))
    assert "rubric.json" in message and "3" in message
    assert len(town.json("templates", "list")) == 2


def test_records_accounts_and_permissions(town: Cli):
    town.ok("user", "add", "admin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    town.ok("user", "add", "etsuran", "--role", "viewer", "--password-stdin", stdin=PASSWORD + "\n")
    as_viewer = {"stdin": PASSWORD + "\n"}
    assert "権限" in refused(town, "--as", "etsuran", "org", "create", "新しい部", "--date", "2026-04-01", **as_viewer)
    assert "権限" in refused(town, "--as", "etsuran", "projects", "members", "remove", "1", "2001", **as_viewer)
    assert len(json.loads(town.ok("--as", "etsuran", "projects", "members", "list", "1", "--json", **as_viewer))) == 4
    assert len(town.json("projects", "members", "list", "1")) == 4
    assert "最後の管理者" in refused(town, "user", "disable", "admin")
    town.ok("user", "disable", "etsuran")
    assert [u["active"] for u in town.json("user", "list") if u["login"] == "etsuran"] == [0]
    town.ok("user", "enable", "etsuran")
    assert any(entry["action"] == "user.enable" for entry in town.json("audit", "--limit", "5"))
    assert town.json("certificate-log") == []
    assert town.json("register", "path", "2001") == []
