"""Smoke-test a built bundle with no access to the source tree.

    python installer/smoke_test.py BUNDLE_DIR

Runs the CLI (--version, its self-check, init, demo, check --json, eligibility, a certificate PDF
checked with pdffonts/pdftotext when poppler is on the host) and starts the GUI offscreen for its
self-check and to save a screenshot of its first dialog, each in an empty folder with a private
data folder. Checks files and outputs, not only exit codes. Exit status 0 when everything passed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


CLI_CHECKS = ["fonts", "translations", "migrations", "modules", "reportlab", "openpyxl"]
GUI_CHECKS = [*CLI_CHECKS, "qt_fonts", "qt_translations", "ui_modules", "pdfium"]


def judge_self_check(program: str, text: str, wanted: list[str]) -> list[str]:
    """The lines of a program's self-check JSON report (`self-check --json`, `--self-check --report`).

    Raises AssertionError with the failing lines when a check failed, or when the report is not
    there or lacks a check: a missing module or resource fails the build with the line naming it.
    """
    try:
        report, _end = json.JSONDecoder().raw_decode(text[text.index("{"):])
    except ValueError:
        raise AssertionError(f"{program} printed no self-check report:\n{text[-3000:]}") from None
    lines = [f"{'OK' if c['ok'] else 'NG'} {c['key']}: {c['detail']} ({c['ms']:.0f} ms)" for c in report["checks"]]
    keys = [c["key"] for c in report["checks"]]
    if keys != wanted:
        raise AssertionError(f"the self-check of {program} ran the checks {keys}, not {wanted}")
    if not report["ok"]:
        raise AssertionError(f"the self-check of {program} failed:\n  "
                             + "\n  ".join(line for line in lines if not line.startswith("OK")))
    return lines


def main(bundle: Path) -> int:
    cli, gui = bundle / "dx-jinzai-cli", bundle / "dx-jinzai"
    if os.name == "nt":
        cli, gui = cli.with_suffix(".exe"), gui.with_suffix(".exe")
    with tempfile.TemporaryDirectory(prefix="dx-smoke-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}  # nothing from the source tree
        env.update(DX_JINZAI_DATA_DIR=str(work / "data"), QT_QPA_PLATFORM="offscreen", DX_JINZAI_LANG="ja")

        def run(*args: str | Path, check: bool = True) -> str:
            result = subprocess.run([str(a) for a in args], cwd=work, env=env, capture_output=True, text=True,
                                    encoding="utf-8", timeout=120)
            if check and result.returncode != 0:
                raise SystemExit(f"FAILED {args}: {result.returncode}\n{result.stdout}\n{result.stderr}")
            return result.stdout if check else result.stdout + result.stderr

        version = run(cli, "--version")
        assert version.startswith("dx-jinzai "), version
        print("\n".join(judge_self_check("dx-jinzai-cli", run(cli, "self-check", "--json", check=False), CLI_CHECKS)))
        db = work / "smoke.sqlite"
        assert "作成しました" in run(cli, "--db", db, "init")
        assert "300" in run(cli, "--db", db, "demo")
        report = json.loads(run(cli, "--db", db, "check", "--json"))
        assert report["ok"] and report["counts"]["staff"] == 300, report
        eligible = json.loads(run(cli, "--db", db, "eligibility", "--json"))
        assert any(p["status"] == "eligible" for p in eligible), eligible[:3]
        pdf = work / "certificates.pdf"
        run(cli, "--db", db, "certificates", "--out", pdf, "--new")
        assert pdf.read_bytes().startswith(b"%PDF"), "no certificate PDF"
        if shutil.which("pdftotext") and shutil.which("pdffonts"):
            text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
            assert "𠮷田" in text.replace(" ", ""), "the certificate lost 𠮷"
            fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
            assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
        gui_report = work / "gui-self-check.json"
        run(gui, "--self-check", "--report", gui_report, check=False)
        gui_lines = judge_self_check("dx-jinzai", gui_report.read_text(encoding="utf-8") if gui_report.exists()
                                     else "", GUI_CHECKS)
        print("\n".join(gui_lines[len(CLI_CHECKS):]))
        shot = work / "first-window.png"
        run(gui, "--db", db, "--smoke-screenshot", shot)
        assert shot.exists() and shot.stat().st_size > 10_000, "the GUI saved no screenshot"
        gui_log = (work / "data" / "logs" / "dx-jinzai.log").read_text(encoding="utf-8")
        assert "Qt's own strings from" in gui_log and "qtbase_ja.qm" in gui_log, gui_log  # file dialogs, calendar
        keep = os.environ.get("DX_JINZAI_SMOKE_SCREENSHOT")
        if keep:
            Path(keep).write_bytes(shot.read_bytes())
    print(f"smoke test passed: {version.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
