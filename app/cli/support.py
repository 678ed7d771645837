"""What the CLI modules share: the store opened for one command, JSON output, dates as typed.

Every command opens the register, works and closes it again whatever happens; ``opened`` is that
open/try/finally/close written once. What an officer types for a person, unit or position is turned
into ids by the core (app/staff/lookup.py), which refuses with a message naming what was not found.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from app import seal
from app.db import OpenResult, open_database
from app.errors import UserError
from app.i18n import _
from app.wareki import parse_date

EXIT_OK, EXIT_REFUSED = 0, 1


def open_register(args: argparse.Namespace, create: bool = False) -> OpenResult:
    """The register named by --db, with what the officer must know about it said on stderr."""
    result = open_database(args.db, create=create)
    if result.network_warning:  # a warning, not a refusal
        print(_("Warning: {problem}").format(problem=result.network_warning), file=sys.stderr)
    if result.takeover is not None:  # a register from another PC: say what this PC can and cannot verify
        print(seal.describe_takeover(result.takeover), file=sys.stderr)
    return result


@contextmanager
def opened(args: argparse.Namespace, create: bool = False) -> Iterator[sqlite_utils.Database]:
    """The register named by --db for the length of one command, closed even when the command fails."""
    result = open_register(args, create)
    try:
        yield result.db
    finally:
        result.db.close()


def json_refusal(path: Path, exc: UserError) -> int:
    """--json: a file refused as a whole is still a JSON answer on stdout, and the message goes to stderr."""
    print(json.dumps({"file": str(path), "ok": False, "errors": [{"file": path.name, "message": str(exc)}]},
                     ensure_ascii=False, indent=2))
    print(_("Error: {message}").format(message=exc), file=sys.stderr)
    return EXIT_REFUSED


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print JSON for scripts"))


def day(text: str | None) -> date:
    """A date as typed (2025-04-01, R7.4.1, 令和7年4月1日); today when none is given."""
    return parse_date(text) if text else date.today()
