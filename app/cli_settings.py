"""CLI commands for the register's settings: `settings list|get|set` (declared settings only)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app import setting_values
from app.cli_support import store
from app.i18n import _

EXIT_OK = 0


def _text(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)


def cmd_settings_list(args: argparse.Namespace) -> int:
    with store(args) as db:
        rows = setting_values.listing(db)
    if args.json:
        print(json.dumps({row["key"]: row["value"] for row in rows}, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        print(f"{row['key']}\t{row['label']}\t{_text(row['value'])}")
    return EXIT_OK


def cmd_settings_get(args: argparse.Namespace) -> int:
    with store(args) as db:
        value = setting_values.shown(args.key, setting_values.get(db, args.key))
    print(json.dumps(value, ensure_ascii=False) if args.json else _text(value))
    return EXIT_OK


def cmd_settings_set(args: argparse.Namespace) -> int:
    with store(args) as db:
        changed = setting_values.set_text(db, args.user, args.key, args.value)
        value = setting_values.shown(args.key, setting_values.get(db, args.key))
    label = setting_values.label(args.key)
    print((_("{setting} is now {value}.") if changed else _("{setting} was already {value}.")).format(
        setting=label, value=_text(value) or "—"))
    return EXIT_OK


def register(sub) -> None:
    group = sub.add_parser("settings", help=_("read or change the register's settings (town, issuer, certificates)"))
    actions = group.add_subparsers(dest="settings_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", help=_("every setting with its value"))
    p.set_defaults(handler=cmd_settings_list)
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = actions.add_parser("get", help=_("the value of one setting"))
    p.set_defaults(handler=cmd_settings_get)
    p.add_argument("key", metavar="KEY")
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    p = actions.add_parser("set", help=_("change one setting (checked as on the screen)"))
    p.set_defaults(handler=cmd_settings_set)
    p.add_argument("key", metavar="KEY")
    p.add_argument("value", metavar="VALUE", help=_("the new value (a PNG file for certificate_seal_png; \"\" clears)"))
