"""Licence texts of everything the bundle ships, gathered at build time from the build environment.

The PyInstaller spec calls ``write_notices`` with the top-level modules it bundled; each one is
mapped to its installed distribution and that distribution's own licence files are copied, so the
texts always match the versions really shipped (the Windows build gathers them from the Windows
Python under Wine). Texts a wheel does not carry (Qt's LGPL/GPL, the CPython licence) come from
this folder and from the Python installation. The result is a folder with one sub-folder per
component, ``LICENSES.txt`` with all of it in one file (the About box and a Start-menu shortcut
point to it), and ``SUMMARY.txt``, the notice and list the installer shows on its licence page.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import shutil
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
_LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)

APP_NOTICE = """\
DX人材認定台帳 (dx-jinzai) {version}

本ソフトウェアは MIT License で提供されます。同梱する各コンポーネントのライセンスは以下のとおりです。
フォント（IPAexゴシック・IPAex明朝・IPAmj明朝）は IPA フォントライセンス v1.0 に従い、改変せずに同梱しています。
Qt / PySide6 は LGPL-3.0 に従い、動的リンクのライブラリ（Qt6*.dll など）として同梱しており、利用者が差し替えることができます。

This software is distributed under the MIT License. The components it ships and their licences:
"""

SUMMARY_WHERE = """\
各ライセンスの全文は、インストール先の _internal\\licenses\\LICENSES.txt（スタートメニュー
「DX人材認定台帳 ライセンス」、またはヘルプ → DX人材認定台帳について）にあります。
The full texts are in _internal\\licenses\\LICENSES.txt in the installation folder."""

MIT_TEXT = """\
MIT License

Copyright (c) the DX人材認定台帳 authors

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""

# Licence expressions of wheels whose metadata only names a commercial alternative as a file.
_EXTRA_TEXTS = {
    "pyside6-essentials": ["LGPL-3.0.txt", "GPL-3.0.txt"],
    "shiboken6": ["LGPL-3.0.txt", "GPL-3.0.txt"],
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def bundled_distributions(top_level_modules: Iterable[str]) -> list[metadata.Distribution]:
    """The installed distributions providing these top-level modules (stdlib modules map to none)."""
    owners = metadata.packages_distributions()
    names = {_normal(dist) for module in top_level_modules for dist in owners.get(module, [])}
    found = {}
    for dist in metadata.distributions():
        name = _normal(dist.metadata["Name"] or "")
        if name in names and name not in found:
            found[name] = dist
    return [found[name] for name in sorted(found)]


def _licence_expression(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression") or ""
    if not expression:
        licence = (meta.get("License") or "").strip()
        expression = licence if licence and "\n" not in licence and len(licence) < 80 else ""
    if not expression:
        classifiers = [c.rsplit("::", 1)[-1].strip() for c in meta.get_all("Classifier") or []
                       if c.startswith("License ::")]
        expression = ", ".join(classifiers)
    return expression or "see the licence files"


def _licence_files(dist: metadata.Distribution) -> list[Path]:
    files = []
    for entry in dist.files or []:
        parts = Path(str(entry)).parts
        if not parts or not parts[0].endswith(".dist-info") or "sboms" in parts:
            continue
        if _LICENCE_FILE.search(parts[-1]) or "licenses" in parts[1:-1]:
            path = Path(dist.locate_file(entry))
            if path.is_file():
                files.append(path)
    return files


def _python_licence() -> Path | None:
    for candidate in (Path(sys.base_prefix) / "LICENSE.txt", Path(sysconfig.get_path("stdlib")) / "LICENSE.txt"):
        if candidate.is_file():
            return candidate
    return None


def write_notices(out: Path, top_level_modules: Iterable[str], version: str) -> Path:
    """Write ``out``/<component>/… and ``out``/LICENSES.txt; returns the combined file."""
    shutil.rmtree(out, ignore_errors=True)  # nothing left over from a previous build
    out.mkdir(parents=True)
    # (folder, component, licence, [(file name, text)])
    sections: list[tuple[str, str, str, list[tuple[str, str]]]] = []
    own = ROOT / "LICENSE"
    sections.append(("dx-jinzai", "DX人材認定台帳", "MIT",
                     [("LICENSE.txt", own.read_text(encoding="utf-8") if own.is_file() else MIT_TEXT)]))
    python = _python_licence()
    sections.append(("Python", f"Python {sys.version_info.major}.{sys.version_info.minor}",
                     "PSF-2.0 (with the licences of the libraries it bundles: OpenSSL, libffi, SQLite, bzip2, "
                     "xz, zlib, expat, mpdecimal)",
                     [("LICENSE.txt", python.read_text(encoding="utf-8", errors="replace"))] if python else []))
    fonts = ROOT / "resources" / "fonts" / "IPA_Font_License_Agreement_v1.0.txt"
    sections.append(("fonts", "IPAexゴシック, IPAex明朝, IPAmj明朝", "IPA Font License v1.0",
                     [(fonts.name, fonts.read_text(encoding="utf-8", errors="replace"))]))
    modules = set(top_level_modules)
    for dist in bundled_distributions(modules | {"PyInstaller"}):  # the bootloader is inside both programs
        name = dist.metadata["Name"]
        if _normal(name) == "dx-jinzai":  # the app itself, installed in development mode: already first
            continue
        texts = [(path.name, path.read_text(encoding="utf-8", errors="replace")) for path in _licence_files(dist)]
        texts += [(extra, (HERE / "licenses" / extra).read_text(encoding="utf-8"))
                  for extra in _EXTRA_TEXTS.get(_normal(name), [])]
        sections.append((_normal(name), f"{name} {dist.version}", _licence_expression(dist), texts))

    summary = "\n".join(f"  - {component}: {expression}" for _, component, expression, _ in sections)
    body = [APP_NOTICE.format(version=version), summary, "",
            "以下が各ライセンスの全文です（各コンポーネントのファイルはこのフォルダの下にもあります）。",
            "The full texts follow (each component's own files are also in the sub-folders of this folder)."]
    for folder_name, component, expression, texts in sections:
        folder = out / folder_name
        folder.mkdir(exist_ok=True)
        for file_name, text in texts:
            (folder / file_name).write_text(text, encoding="utf-8")
            body += ["", "=" * 78, f"{component} — {expression} — {file_name}", "=" * 78, "", text.rstrip()]
    combined = out / "LICENSES.txt"
    # UTF-8 with a byte-order mark: Notepad and the installer's licence page both read it as UTF-8.
    combined.write_text("\n".join(body).replace("\r\n", "\n") + "\n", encoding="utf-8-sig")
    # The installer's licence page: the notice, the list and where the full texts are, not 10,000 lines.
    own_text = sections[0][3][0][1]
    (out / "SUMMARY.txt").write_text("\n".join([APP_NOTICE.format(version=version), summary, "", SUMMARY_WHERE,
                                                "", own_text.rstrip(), ""]), encoding="utf-8-sig")
    return combined
