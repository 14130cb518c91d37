"""``copyguard brands``, ``copyguard brand validate FILE`` and ``copyguard brand schema``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from copyguard.errors import CopyguardError
from copyguard.guides import (
    GuideValidationError,
    load_guide_data,
    schema_json,
    validate_guide,
)
from copyguard.plugins import build_plugin_manager
from copyguard.registry import BrandRegistry, default_brand_dirs

EXIT_OK, EXIT_INVALID = 0, 2


def _registry(args: argparse.Namespace) -> BrandRegistry:
    dirs = args.brand_dir or default_brand_dirs()
    return BrandRegistry(build_plugin_manager(), [Path(d) for d in dirs])


def cmd_brands(args: argparse.Namespace) -> int:
    """List every brand guide with its version, the pack that ships it, and where it is."""
    status = EXIT_OK
    print("BRAND\tVERSION\tINDUSTRY\tPACK\tSOURCE")
    for item in _registry(args).listing():
        if item.error is not None:
            status = EXIT_INVALID
            print(f"{item.brand}\tINVALID\t-\t{item.pack or '-'}\t{item.origin}: {item.error}")
            continue
        print(f"{item.brand}\t{item.version}\t{item.industry or '-'}\t{item.pack or '-'}\t"
              f"{item.origin}")
    return status


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate one guide file; every problem is printed as ``file:line: field: message``."""
    path = Path(args.file)
    try:
        data = load_guide_data(path)
        # a standalone guide needs no plugins; a child needs its parent from dirs and packs
        guide = _registry(args).validate_file(path) if data.get("extends") else validate_guide(
            data, path)
    except GuideValidationError as exc:
        print("\n".join(exc.lines()), file=sys.stderr)
        return EXIT_INVALID
    except CopyguardError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    rules = sum(1 for _ in guide.rules())
    print(f"{path}: ok: {guide.id} {guide.version} ({rules} rules, "
          f"{len(guide.overlays.locales)} locale and {len(guide.overlays.channels)} channel "
          "overlays)")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_json())
    return EXIT_OK


def add_brand_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                      common: argparse.ArgumentParser) -> None:
    sub.add_parser("brands", parents=[common],
                   help="list brand guides (brand dirs and installed packs) with versions"
                   ).set_defaults(func=cmd_brands)
    brand = sub.add_parser("brand", help="work with brand-guide files")
    actions = brand.add_subparsers(dest="brand_command", required=True)
    validate = actions.add_parser("validate", parents=[common], help="validate a guide file")
    validate.add_argument("file", help="a brand-guide YAML file")
    validate.set_defaults(func=cmd_validate)
    actions.add_parser("schema", help="print the JSON Schema of the brand-guide format"
                       ).set_defaults(func=cmd_schema)
