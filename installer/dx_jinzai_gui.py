"""Frozen entry point of the windowed program (PyInstaller)."""

import sys

from ui.main import main

sys.exit(main())
