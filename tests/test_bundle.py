"""The frozen one-folder bundle builds and runs without the source tree (built once per source state)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "build" / "dist" / "dx-jinzai"
STAMP = BUNDLE.parent / "dx-jinzai.source-hash"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def source_hash() -> str:
    digest = hashlib.sha256()
    for folder in ("app", "ui", "installer", "resources/locale"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def bundle() -> Path:
    wanted = source_hash()
    if not (BUNDLE.exists() and STAMP.exists() and STAMP.read_text() == wanted):
        subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "ERROR",
                        "--distpath", str(BUNDLE.parent), "--workpath", str(ROOT / "build" / "pyinstaller"),
                        str(ROOT / "installer" / "dx-jinzai.spec")], check=True, cwd=ROOT, capture_output=True)
        STAMP.write_text(wanted)
    return BUNDLE


def test_bundle_runs_cli_and_gui_without_the_source_tree(bundle, tmp_path):
    shot = tmp_path / "first-window.png"
    env = {**os.environ, "DX_JINZAI_SMOKE_SCREENSHOT": str(shot)}
    result = subprocess.run([sys.executable, str(ROOT / "installer" / "smoke_test.py"), str(bundle)],
                            capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test passed" in result.stdout
    assert shot.stat().st_size > 10_000


def test_bundle_carries_fonts_with_their_licence_and_only_ja_en_locale_data(bundle):
    internal = bundle / "_internal"
    fonts = internal / "resources" / "fonts"
    assert {"ipaexg.ttf", "ipaexm.ttf", "ipamjm.ttf", "IPA_Font_License_Agreement_v1.0.txt"} <= {
        p.name for p in fonts.iterdir()}
    assert (internal / "resources" / "locale" / "ja" / "LC_MESSAGES" / "dx_jinzai.mo").exists()
    locale_data = {p.name for p in (internal / "babel" / "locale-data").iterdir()}
    assert "ja.dat" in locale_data and "fr.dat" not in locale_data
    qt_catalogues = {p.name for p in internal.rglob("*.qm")}  # Qt's own strings, Japanese only (issue 12 item 21)
    assert "qtbase_ja.qm" in qt_catalogues and "qtbase_de.qm" not in qt_catalogues
    # certificate line breaks (BudouX) read the Japanese model at run time; the other languages stay out
    assert {p.name for p in (internal / "budoux" / "models").iterdir()} == {"ja.json"}
