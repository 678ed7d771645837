"""The Windows installer: its inputs (pinned wheels, version, licence texts) and its behaviour under Wine.

- Always: the wheel lock covers pyproject's dependencies; the version resource numbers; the licence
  notices hold every bundled component's text.
- With wine, makensis and mingw-w64 on the host (about 40 s): the real NSIS script packs a
  stand-in bundle, which is installed silently in a fresh Wine prefix, refused while running,
  and uninstalled without touching the user data folder.
- With DX_JINZAI_WINDOWS_TEST=1 (`make windows-test`): the real installer, built once per source
  state and cached in build/windows, is installed, run (CLI, GUI offscreen, both with their
  self-check: a module or resource missing from the build fails here, named), upgraded over an
  older one and uninstalled (installer/windows_smoke.py). A cold build takes several minutes,
  which is why `make test` leaves it to that target.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
OUT = ROOT / "build" / "windows"
sys.path.insert(0, str(INSTALLER))

import licenses  # noqa: E402
import lock_windows_wheels  # noqa: E402
import version  # noqa: E402

WINE_TOOLS = ("wine", "wineserver", "makensis", "x86_64-w64-mingw32-gcc")
needs_wine = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in WINE_TOOLS),
    reason="needs wine, makensis and x86_64-w64-mingw32-gcc (apt-get install wine wine64 nsis gcc-mingw-w64-x86-64)")


def test_windows_wheel_lock_covers_every_runtime_dependency():
    assert lock_windows_wheels.missing_from_lock() == []
    pins = lock_windows_wheels.locked()
    assert pins["pyside6-essentials"] == "6.11.3"  # Qt 6.12 needs Windows' own icuuc.dll
    for line in lock_windows_wheels.LOCK.read_text(encoding="utf-8").splitlines():
        assert line.startswith("#") or " --hash=sha256:" in line, line


def test_version_resource_numbers():
    assert version.app_version() == __import__("app").__version__
    assert version.numeric_version("0.1.0") == (0, 1, 0, 0)
    assert version.numeric_version("1.2rc3") == (1, 2, 0, 0)
    assert version.numeric_version("2.0.1.dev4") == (2, 0, 1, 0)


def test_licence_notices_hold_every_bundled_component(tmp_path):
    combined = licenses.write_notices(tmp_path / "licenses", {"PySide6", "shiboken6", "reportlab", "babel",
                                                               "sqlite_utils", "openpyxl", "argon2"}, "9.9.9")
    text = combined.read_text(encoding="utf-8-sig")
    assert combined.read_bytes().startswith(b"\xef\xbb\xbf")  # Notepad and NSIS read it as UTF-8
    assert "DX人材認定台帳 (dx-jinzai) 9.9.9" in text and "MIT License" in text
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "GNU GENERAL PUBLIC LICENSE" in text  # Qt
    assert "IPA Font License" in text
    for component in ("PySide6_Essentials", "shiboken6", "reportlab", "babel", "sqlite-utils", "openpyxl",
                      "argon2-cffi"):
        assert f"  - {component} " in text, component
    summary = (tmp_path / "licenses" / "SUMMARY.txt").read_text(encoding="utf-8-sig")
    assert "MIT License" in summary and "LICENSES.txt" in summary and "  - reportlab " in summary
    assert "GNU LESSER" not in summary  # the installer's licence page stays short
    folders = {p.name for p in (tmp_path / "licenses").iterdir() if p.is_dir()}
    assert {"dx-jinzai", "fonts", "pyside6-essentials", "reportlab"} <= folders
    assert all(any(folder.iterdir()) for folder in (tmp_path / "licenses").iterdir() if folder.is_dir())


def _stand_in_bundle(folder: Path) -> Path:
    program = folder / "program.exe"
    subprocess.run(["x86_64-w64-mingw32-gcc", "-O2", "-o", str(program),
                    str(INSTALLER / "wine-test-stubs" / "stand_in_program.c")], check=True)
    bundle = folder / "dx-jinzai"
    (bundle / "_internal" / "licenses").mkdir(parents=True)
    shutil.copy(program, bundle / "dx-jinzai.exe")
    shutil.copy(program, bundle / "dx-jinzai-cli.exe")
    for name in ("LICENSES.txt", "SUMMARY.txt"):
        (bundle / "_internal" / "licenses" / name).write_text("stand-in licence\n", encoding="utf-8-sig")
    (bundle / "_internal" / "data.bin").write_bytes(os.urandom(4096))
    return bundle


@pytest.mark.slow
@pytest.mark.timeout(600)
@needs_wine
def test_installer_installs_refuses_while_running_and_uninstalls_keeping_user_data(tmp_path):
    bundle = _stand_in_bundle(tmp_path)
    setup = tmp_path / "dx-jinzai-setup-0.0.0.exe"
    result = subprocess.run(["makensis", "-INPUTCHARSET", "UTF8", "-V2", "-DVERSION=0.0.0", "-DVERSION4=0.0.0.0",
                             f"-DBUNDLE={bundle}", f"-DOUTFILE={setup}", "-DCOMPRESSION=zlib",
                             str(INSTALLER / "dx-jinzai.nsi")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and setup.exists(), result.stdout + result.stderr
    result = subprocess.run([sys.executable, str(INSTALLER / "windows_smoke.py"), str(setup), "--bundle", str(bundle),
                             "--installer-only", "--work", str(OUT / "smoke-stand-in")],
                            capture_output=True, text=True, timeout=540)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "refused while the program was running" in result.stdout
    assert "the register among them" in result.stdout


def source_hash() -> str:
    digest = hashlib.sha256()
    for item in ("app", "ui", "installer", "resources", "pyproject.toml"):
        paths = [ROOT / item] if (ROOT / item).is_file() else sorted((ROOT / item).rglob("*"))
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".mo":
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def windows_installer() -> Path:
    """dist/dx-jinzai-setup-<version>.exe, built at most once per source state."""
    setup = ROOT / "dist" / f"dx-jinzai-setup-{version.app_version()}.exe"
    stamp = OUT / "installer.source-hash"
    wanted = source_hash()
    env = {**os.environ, "HOST_PY": sys.executable}
    if not (setup.exists() and stamp.exists() and stamp.read_text() == wanted):
        result = subprocess.run([str(INSTALLER / "build-windows-installer.sh")], env=env, capture_output=True,
                                text=True, timeout=1800)
        assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
        print("".join(line + "\n" for line in result.stdout.splitlines() if line.startswith("[windows-")))
        stamp.write_text(wanted)
    return setup


@pytest.mark.slow
@pytest.mark.timeout(2400)
@needs_wine
@pytest.mark.skipif(os.environ.get("DX_JINZAI_WINDOWS_TEST") != "1",
                    reason="the real Windows installer takes minutes to build: `make windows-test` runs it")
def test_windows_installer_under_wine(windows_installer):
    result = subprocess.run([sys.executable, str(INSTALLER / "windows_smoke.py"), str(windows_installer), "--gui"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Windows smoke test passed" in result.stdout
    assert "installed dx-jinzai-cli.exe passed its self-check" in result.stdout
    assert "installed dx-jinzai.exe passed its self-check" in result.stdout
    print(result.stdout)


@pytest.mark.slow
@pytest.mark.timeout(1200)
@needs_wine
@pytest.mark.skipif(os.environ.get("DX_JINZAI_WINDOWS_TEST") != "1",
                    reason="the real Windows installer takes minutes to build: `make windows-test` runs it")
def test_windows_installer_upgrades_keeping_and_migrating_the_register(windows_installer, tmp_path):
    older = tmp_path / "dx-jinzai-setup-0.0.1.exe"
    env = {**os.environ, "HOST_PY": sys.executable, "SKIP_BUNDLE": "1", "COMPRESSION": "zlib", "VERSION": "0.0.1",
           "OUTFILE": str(older)}
    result = subprocess.run([str(INSTALLER / "build-windows-installer.sh")], env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0 and older.exists(), result.stdout + result.stderr
    result = subprocess.run([sys.executable, str(INSTALLER / "windows_smoke.py"), str(windows_installer),
                             "--upgrade-from", str(older), "--work", str(OUT / "smoke-upgrade")],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "upgrade over the older installer" in result.stdout
    print(result.stdout)
