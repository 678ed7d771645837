"""The pinned Windows wheels (requirements-windows.txt): every package by exact version and sha256.

    python installer/lock_windows_wheels.py            # resolve again and rewrite the lock file
    python installer/lock_windows_wheels.py --check    # does the lock cover pyproject's dependencies?

Both the Wine build (build-windows-bundle.sh) and the native one (build-windows.ps1) install
exactly these files with ``--require-hashes --no-deps``, so an installer built twice, or on a
municipality's own build PC, contains the same code. Resolving runs ``pip download`` for
Windows/CPython 3.13 with the dependency markers evaluated for Windows here (pip evaluates them
for the host and would silently drop pefile, pywin32-ctypes and colorama).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "installer" / "requirements-windows.txt"
WHEELS = ROOT / "build" / "windows" / "wheels"  # the wheels found are kept for the build
PYTHON_VERSION = "3.13"
WINDOWS = {"python_version": PYTHON_VERSION, "python_full_version": f"{PYTHON_VERSION}.2", "sys_platform": "win32",
           "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64",
           "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}
# The Qt version tested here (Qt 6.12's Qt6Core needs Windows' own icuuc.dll, which Wine lacks),
# and what the build itself needs.
OVERRIDES = {"pyside6-essentials": "PySide6-Essentials==6.11.3"}
BUILD_TOOLS = ["pyinstaller>=6.10", "pefile", "pywin32-ctypes", "colorama"]
# Come with the build Python; the lock would only upgrade pip under Wine for nothing.
UNLOCKED = {"pip"}


def runtime_requirements() -> list[Requirement]:
    """pyproject's dependencies that apply on Windows with CPython 3.13."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = []
    for text in project["dependencies"]:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate(WINDOWS):
            wanted.append(requirement)
    return wanted


def resolve() -> str:
    specs = []
    for requirement in runtime_requirements():
        requirement.marker = None
        specs.append(OVERRIDES.get(canonicalize_name(requirement.name), str(requirement)))
    env = {**os.environ, "PIP_CACHE_DIR": str(ROOT / "build" / "windows" / "cache" / "pip")}  # not the home folder
    WHEELS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--platform",
                        "win_amd64", "--python-version", PYTHON_VERSION, "--implementation", "cp", "-d", folder,
                        *specs, *BUILD_TOOLS], check=True, env=env)
        lines = []
        for wheel in sorted(Path(folder).glob("*.whl"), key=lambda p: p.name.lower()):
            name, version, _, _ = parse_wheel_filename(wheel.name)
            if name in UNLOCKED:
                continue
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            shutil.copy2(wheel, WHEELS / wheel.name)
            lines.append(f"{name}=={version} --hash=sha256:{digest}")
    return ("# Windows wheels (CPython 3.13, win_amd64) of the bundle and its build, pinned by version and hash.\n"
            "# Written by installer/lock_windows_wheels.py; installed with --require-hashes --no-deps.\n"
            + "\n".join(lines) + "\n")


def locked() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def missing_from_lock() -> list[str]:
    """Runtime dependencies (and build tools) the lock lacks or pins outside their range."""
    pins = locked()
    problems = []
    for requirement in [*runtime_requirements(), *map(Requirement, BUILD_TOOLS)]:
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement.name} is not in {LOCK.name}")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{requirement.name}=={pins[name]} does not satisfy {requirement}")
    return problems


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        problems = missing_from_lock()
        print("\n".join(problems) or f"{LOCK.name} covers the dependencies")
        sys.exit(1 if problems else 0)
    LOCK.write_text(resolve(), encoding="utf-8")
    print(f"wrote {LOCK.relative_to(ROOT)}")
