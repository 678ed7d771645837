# Sourced by the Wine build and smoke scripts: a Wine that writes nothing to the home folder.
#   . installer/wine-env.sh; wine_prefix PREFIX_DIR
# Needs OUT (the build/windows folder). Caches and configuration go under OUT; menu entries and
# file associations are never created on the host.

export WINEDEBUG="${WINEDEBUG:--all}" XDG_CACHE_HOME="$OUT/cache" XDG_CONFIG_HOME="$OUT/config" \
       XDG_DATA_HOME="$OUT/data" WINEDLLOVERRIDES="winemenubuilder.exe=d;mscoree=d;mshtml=d"

# Create the prefix if needed. A new prefix links Desktop, Documents, ... to the home folder; those
# links are replaced by real folders inside the prefix, so a desktop shortcut stays in the prefix.
wine_prefix() {
    export WINEPREFIX="$1"
    if [ ! -d "$WINEPREFIX/drive_c/users" ]; then
        timeout 300 wineboot -i >/dev/null 2>&1 || true
        wineserver -w
    fi
    for link in "$WINEPREFIX"/drive_c/users/*/*; do
        if [ -L "$link" ]; then
            rm -f "$link" && mkdir -p "$link"
        fi
    done
    [ -d "$WINEPREFIX/drive_c/windows/system32" ] || { echo "could not create the Wine prefix $WINEPREFIX"; exit 1; }
}
