"""The app version for build tools, read from app/__init__.py without importing the app.

    python installer/version.py            -> 0.1.0        (display version)
    python installer/version.py --numeric  -> 0.1.0.0      (Windows FILEVERSION / VIProductVersion)

The PyInstaller spec builds the Windows version resource from it and the installer script
passes both forms to makensis, so a release changes the version in one place only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

INIT = Path(__file__).resolve().parent.parent / "app" / "__init__.py"


def app_version(init: Path = INIT) -> str:
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', init.read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        raise SystemExit(f"no __version__ in {init}")
    return match.group(1)


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """Four 16-bit numbers as Windows wants them; pre-release tags (rc1, .dev3) are dropped."""
    numbers = [int(part) for part in re.findall(r"\d+", version.split("+")[0])[:4]]
    release = re.match(r"\d+(?:\.\d+)*", version)
    if release:  # only the release part counts: 1.2rc3 is 1.2.0.0, not 1.2.3.0
        numbers = [int(part) for part in release.group(0).split(".")[:4]]
    numbers += [0] * (4 - len(numbers))
    if any(n > 0xFFFF for n in numbers):
        raise SystemExit(f"version {version} does not fit a Windows version resource")
    return tuple(numbers)  # type: ignore[return-value]


if __name__ == "__main__":
    text = app_version()
    print(".".join(map(str, numeric_version(text))) if "--numeric" in sys.argv[1:] else text)
