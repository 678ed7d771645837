# DX人材認定台帳 — developer commands. `make run` and `make test` set up everything they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCALE := resources/locale
DOMAIN := dx_jinzai

# Qt's shared libraries (offscreen and X11), the Python venv module, and poppler for PDF checks.
APT_PACKAGES := python3-venv libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 \
	libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
	libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1 \
	poppler-utils
# The Windows build on Linux: Wine runs the Windows Python and PyInstaller, NSIS packs the
# installer, mingw-w64 compiles the test-only stub DLL the GUI smoke test needs under Wine.
WINDOWS_APT_PACKAGES := wine wine64 nsis gcc-mingw-w64-x86-64 poppler-utils

.PHONY: run test reliability bench system-deps install translations po clean dist dist-smoke windows-deps windows-bundle \
	windows-installer windows-test

run: install translations
	$(BIN)/dx-jinzai $(if $(findstring --db,$(ARGS)),$(ARGS),--demo $(ARGS))

test: install translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

# The fault tests in their long mode (many fuzz cases, many kills); each prints its figures.
reliability: install translations
	DX_RELIABILITY=long QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m reliability -s -q --timeout=3600 $(PYTEST_ARGS)

bench: install translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench $(BENCH_ARGS)

install: system-deps $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The frozen Linux bundle (one folder, two programs) and its smoke test without the source tree.
dist: install translations
	$(BIN)/python -m PyInstaller --noconfirm --clean --log-level WARN --distpath build/dist \
		--workpath build/pyinstaller installer/dx-jinzai.spec
	@du -sh build/dist/dx-jinzai

dist-smoke: dist
	$(BIN)/python installer/smoke_test.py build/dist/dx-jinzai

# The Windows one-folder bundle built under Wine (build/windows/dist/dx-jinzai).
windows-bundle: install translations windows-deps
	HOST_PY=$(BIN)/python installer/build-windows-bundle.sh

# The bundle, then NSIS: dist/dx-jinzai-setup-<version>.exe (per-user, no administrator rights).
windows-installer: install translations windows-deps
	HOST_PY=$(BIN)/python installer/build-windows-installer.sh

# The real installer (built once per source state, cached in build/windows) installed, run (CLI and
# GUI offscreen), upgraded over an older one and uninstalled in fresh Wine prefixes. `make test`
# runs only the quick installer check with a stand-in bundle; this is the full one (several minutes).
windows-test: install translations windows-deps
	DX_JINZAI_WINDOWS_TEST=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -v -s tests/test_windows_installer.py

windows-deps:
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="$(WINDOWS_APT_PACKAGES)"

# Installs missing Debian/Ubuntu packages when run as root; elsewhere it only reports them.
system-deps:
	@command -v dpkg-query >/dev/null 2>&1 || exit 0; \
	missing=$$(for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing system packages: $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $$missing >/dev/null; \
	else \
		echo "Please install these system packages first: $$missing"; \
	fi

# Compiled catalogues are build output (never committed), rebuilt from the .po sources.
translations: $(STAMP)
	$(BIN)/pybabel compile -d $(LOCALE) -D $(DOMAIN) 2>&1 | grep -v '^compiling' || true

# After changing user-visible strings: extract them and merge into the catalogues, then translate.
po: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k NC_:1c,2 --no-location --sort-output --omit-header -o $(LOCALE)/$(DOMAIN).pot .
	$(BIN)/pybabel update -i $(LOCALE)/$(DOMAIN).pot -d $(LOCALE) -D $(DOMAIN) --no-wrap --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) build dist .pytest_cache
	find $(LOCALE) -name '*.mo' -delete
