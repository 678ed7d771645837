"""Frozen entry point of the console program (PyInstaller)."""

import sys

from app.cli.main import main

sys.exit(main())
