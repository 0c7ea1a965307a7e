"""Command line: ``python -m codegen generate | check-generated | manifest``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import spec as spec_mod
from .ir.build import build
from .ir.naming import NamingError
from .render import render
from .write import write

GENERATED = spec_mod.ROOT / "generated"


def _load(args: argparse.Namespace) -> spec_mod.LoadedSpec:
    lock = spec_mod.Lock.read(args.lock) if args.lock else spec_mod.Lock.read()
    return spec_mod.load(lock, args.spec, download=not args.offline)


def cmd_generate(args: argparse.Namespace, check: bool = False) -> int:
    started = time.perf_counter()
    loaded = _load(args)
    api = build(loaded)
    files = render(api)
    report = write(files, args.out, check=check)
    elapsed = time.perf_counter() - started
    if check:
        if report.changed:
            print(f"generated code differs from what {loaded.source} produces:")
            for rel in report.written:
                print(f"  changed: {rel}")
            for rel in report.deleted:
                print(f"  extra:   {rel}")
            print("Run `make generate` and commit the result (never edit generated/ by hand).")
            return 1
        print(f"generated/ matches the spec ({len(files)} files, {elapsed:.2f}s)")
        return 0
    print(
        f"generated {len(api.operations)} operations, "
        f"{sum(len(m.models) for m in api.model_modules)} models in {len(files)} files "
        f"from {loaded.source} (API {loaded.lock.api_version}) in {elapsed:.2f}s: "
        f"{len(report.written)} written, {len(report.deleted)} deleted, {report.unchanged} unchanged"
    )
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    api = build(_load(args))
    for op in api.operations:
        params = ", ".join(p.py_name for p in (*op.path_params, *op.params))
        print(f"{op.call_path}\t{op.http_method.upper()} {op.path}\t{op.operation_id}\t{params}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen")
    sub = parser.add_subparsers(dest="command", required=True)

    def spec_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--spec", type=Path, help="spec file to use (verified against the lock)")
        p.add_argument("--lock", type=Path, help="lock file (default: spec/stripe.lock)")
        p.add_argument("--offline", action="store_true", help="never download the spec")

    for name, helptext in (
        ("generate", "regenerate generated/ from the locked spec"),
        ("check-generated", "fail if generated/ differs from a fresh generation"),
    ):
        p = sub.add_parser(name, help=helptext)
        spec_args(p)
        p.add_argument("--out", type=Path, default=GENERATED, help="output folder (default: generated/)")
    p = sub.add_parser("manifest", help="print every operation with its call path")
    spec_args(p)

    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            return cmd_generate(args)
        if args.command == "check-generated":
            return cmd_generate(args, check=True)
        return cmd_manifest(args)
    except (spec_mod.SpecError, NamingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
