"""CLI commands for a scheme as a file: `schemes export|import` (what a neighbouring town loads).

Revising a scheme without the screen is export, edit the JSON, import: the import is checked field by
field and saved as the next version of its family, as the scheme editor saves a revision.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.certification import scheme_files
from app.certification import schemes
from app.overview import setting_values
from app.cli.support import EXIT_OK, opened
from app.errors import UserError
from app.i18n import _


def cmd_schemes_export(args: argparse.Namespace) -> int:
    with opened(args) as db:
        scheme_id = args.scheme or schemes.active_scheme_id(db)
        if scheme_id is None:
            raise UserError(_("The register has no certification scheme yet: run `schemes install moka` "
                              "(or hokkaido, blank)."))
        scheme_files.export_scheme(db, args.user, scheme_id, args.out)
    print(_("Wrote the scheme {id} to {path}.").format(id=scheme_id, path=args.out))
    return EXIT_OK


def cmd_schemes_import(args: argparse.Namespace) -> int:
    with opened(args) as db:
        scheme_id = scheme_files.import_scheme(db, args.user, args.file)
        spec = schemes.load_scheme(db, scheme_id)
        if args.use:
            setting_values.set_text(db, args.user, "certification_scheme", spec.family)
    print(_("Loaded the scheme {name} as version {version} (id {id}).").format(
        name=spec.name, version=spec.version, id=scheme_id))
    if args.use:
        print(_("It is now the scheme in use."))
    return EXIT_OK


def register(actions) -> None:
    """Add export and import to the `schemes` group of app.cli.certification."""
    p = actions.add_parser("export", help=_("write a scheme to a JSON file another register can load"))
    p.set_defaults(handler=cmd_schemes_export)
    p.add_argument("out", type=Path, metavar="FILE.json")
    p.add_argument("--scheme", type=int, metavar="ID", help=_("scheme id (default: the one in use)"))
    p = actions.add_parser("import", help=_("load a scheme from a JSON file (checked; saved as a new version)"))
    p.set_defaults(handler=cmd_schemes_import)
    p.add_argument("file", type=Path, metavar="FILE.json")
    p.add_argument("--use", action="store_true", help=_("make it the scheme in use"))
