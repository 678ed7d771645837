"""The Japanese catalogue is complete and current; a missing catalogue falls back to English."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from app import i18n
from app.paths import resources_dir

ROOT = Path(__file__).resolve().parent.parent
PO = resources_dir() / "locale" / "ja" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def _extract(tmp_path: Path) -> set[str]:
    pot = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "N_", "--no-location", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    return {m.id for m in read_po(pot.open("rb")) if m.id}


def test_every_source_string_is_translated_and_none_fuzzy(tmp_path):
    catalog = read_po(PO.open("rb"), locale="ja")
    translated = {m.id: m for m in catalog if m.id}
    missing = sorted(_extract(tmp_path) - translated.keys())
    assert not missing, f"run `make po` and translate: {missing}"
    untranslated = [m.id for m in translated.values() if not m.string]
    fuzzy = [m.id for m in translated.values() if m.fuzzy]
    assert not untranslated and not fuzzy


def test_placeholders_survive_translation():
    for message in read_po(PO.open("rb"), locale="ja"):
        if message.id:
            assert set(re.findall(r"{\w+}", message.id)) == set(re.findall(r"{\w+}", message.string)), message.id


def test_japanese_is_the_default_and_english_is_available():
    assert i18n.install(None) == "ja"
    assert i18n._("Staff") == "職員"
    assert i18n.install("en") == "en"
    assert i18n._("Staff") == "Staff"


def test_missing_catalogue_falls_back_to_english(tmp_path, monkeypatch):
    monkeypatch.setenv("DX_JINZAI_RESOURCES", str(tmp_path))
    assert i18n.install("ja") == "en"
    assert i18n._("Staff") == "Staff"


def test_po_is_read_directly_when_no_compiled_catalogue(tmp_path, monkeypatch):
    folder = tmp_path / "locale" / "ja" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / PO.name).write_bytes(PO.read_bytes())
    monkeypatch.setenv("DX_JINZAI_RESOURCES", str(tmp_path))
    assert i18n.install("ja") == "ja"
    assert i18n._("Settings") == "設定"
