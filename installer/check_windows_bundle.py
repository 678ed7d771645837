"""Refuse a Windows bundle (or an installed copy) that carries something it must never ship.

    python installer/check_windows_bundle.py FOLDER [WINE_PREFIX ...]

The bundle must hold what the programs need at run time (both programs, Qt's platform and style
plugins, Qt's Japanese strings, the fonts, the licence texts): PyInstaller leaves Qt's plugins out
without a word when it cannot import QtCore in the build Python. And it must not hold:
- no test-only stub DLL (installer/wine-test-stubs: icuuc.dll, mscms.dll) under any letter case;
- no Wine DLL: Wine's own PE files say "Wine builtin DLL" / "Wine placeholder DLL" in their header;
- no file identical to one of the Wine prefix's Windows folder (what PyInstaller could have picked up
  from C:\\windows\\system32 while building under Wine).

Prints the folder's size and file count; exit status 1 with the offending files otherwise.
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from pathlib import Path

STUB_NAMES = {"icuuc.dll", "mscms.dll"} | {
    p.with_suffix(".dll").name.lower() for p in (Path(__file__).parent / "wine-test-stubs").glob("*.c")}
WINE_MARKERS = (b"Wine builtin DLL", b"Wine placeholder DLL")
REQUIRED = ["dx-jinzai.exe", "dx-jinzai-cli.exe", "_internal/PySide6/plugins/platforms/qwindows.dll",
            "_internal/PySide6/plugins/platforms/qoffscreen.dll", "_internal/PySide6/plugins/styles",
            "_internal/PySide6/plugins/imageformats/qjpeg.dll", "_internal/PySide6/translations/qtbase_ja.qm",
            "_internal/resources/fonts/ipaexg.ttf", "_internal/resources/fonts/ipamjm.ttf",
            "_internal/resources/locale/ja/LC_MESSAGES/dx_jinzai.mo", "_internal/licenses/LICENSES.txt",
            "_internal/licenses/SUMMARY.txt"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def problems(folder: Path, prefixes: list[Path]) -> list[str]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    found = [f"test-only stub: {p}" for p in files if p.name.lower() in STUB_NAMES]
    for path in files:
        if path.suffix.lower() in {".dll", ".pyd", ".exe"}:
            with path.open("rb") as handle:
                head = handle.read(0x200)
            if any(marker in head for marker in WINE_MARKERS):
                found.append(f"Wine's own DLL: {path}")
    by_size: dict[int, list[Path]] = defaultdict(list)
    for prefix in prefixes:
        for path in (prefix / "drive_c" / "windows").rglob("*"):
            if path.is_file() and not path.is_symlink():
                by_size[path.stat().st_size].append(path)
    for path in files:
        twins = by_size.get(path.stat().st_size, [])
        if twins:
            digest = _digest(path)
            found += [f"copied from the Wine prefix: {path} = {twin}" for twin in twins if _digest(twin) == digest]
    return found


def main(argv: list[str]) -> int:
    folder, prefixes = Path(argv[0]), [Path(p) for p in argv[1:]]
    found = [f"missing: {name}" for name in REQUIRED if not (folder / name).exists()]
    found += problems(folder, prefixes)
    if found:
        print("\n".join(found))
        return 1
    files = [p for p in folder.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"{folder.name}: {size / 1e6:.1f} MB in {len(files)} files; no stub DLL, nothing from the Wine prefix")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
