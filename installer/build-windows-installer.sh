#!/bin/sh
# The Windows installer built on Linux: the one-folder bundle under Wine (build-windows-bundle.sh),
# then NSIS → dist/dx-jinzai-setup-<version>.exe. `make windows-installer` runs this.
#   SKIP_BUNDLE=1  reuse build/windows/dist/dx-jinzai as it is (only the NSIS step)
#   VERSION=x.y.z  label the installer with another version (the upgrade test; the programs inside
#                  keep the version they were built with)
#   OUTFILE=path   write the installer there instead of dist/
#   COMPRESSION=zlib  quick, larger installer (tests); the default is solid LZMA
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
HOST_PY="${HOST_PY:-$ROOT/.venv/bin/python}"
BUNDLE="$ROOT/build/windows/dist/dx-jinzai"
command -v makensis >/dev/null || { echo "makensis is missing (apt-get install nsis)"; exit 1; }

[ "${SKIP_BUNDLE:-}" = 1 ] || HOST_PY="$HOST_PY" installer/build-windows-bundle.sh
[ -f "$BUNDLE/_internal/licenses/LICENSES.txt" ] || { echo "no bundle in $BUNDLE"; exit 1; }

VERSION="${VERSION:-$("$HOST_PY" installer/version.py)}"
VERSION4=$("$HOST_PY" -c "import sys; sys.path.insert(0, 'installer'); from version import numeric_version; \
print('.'.join(map(str, numeric_version('$VERSION'))))")
OUTFILE="${OUTFILE:-$ROOT/dist/dx-jinzai-setup-$VERSION.exe}"
mkdir -p "$(dirname "$OUTFILE")"
START=$(date +%s)
makensis -INPUTCHARSET UTF8 -V2 -DVERSION="$VERSION" -DVERSION4="$VERSION4" -DBUNDLE="$BUNDLE" \
    -DOUTFILE="$OUTFILE" ${COMPRESSION:+-DCOMPRESSION="$COMPRESSION"} installer/dx-jinzai.nsi
echo "[windows-installer] makensis $(( $(date +%s) - START ))s: $OUTFILE ($(du -m "$OUTFILE" | cut -f1) MB," \
     "bundle $(du -sm "$BUNDLE" | cut -f1) MB)"
