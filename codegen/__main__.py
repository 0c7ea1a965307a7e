"""Command line: ``python -m codegen generate | check-generated | manifest | check-drift | update-spec``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import drift
from . import spec as spec_mod
from .ir.build import build
from .ir.naming import NamingError
from .ir.problems import GenerationError
from .render import render
from .surface import SurfaceError
from .update import update
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
    for note in api.notes:
        print(f"note: {note}")
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


def _spec_hint(exc: spec_mod.SpecError) -> str:
    text = str(exc)
    if isinstance(exc, GenerationError) or "not the pinned spec" in text:
        return ""
    if "Stripe" in text or "OpenAPI" in text or "YAML" in text or "paths" in text:
        return "hint: point --spec at Stripe's openapi/spec3.yaml (github.com/stripe/openapi)."
    return ""


def cmd_check_drift(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if args.spec is not None and not args.spec.is_file():
        raise spec_mod.SpecError(f"--spec {args.spec}: no such file")
    report = drift.check(_load(args), args.package_dir)
    print(drift.render(report, args.format))
    failing = report.failing(args.fail_on)
    if args.format in ("text", "github"):
        verdict = "fails" if failing else "passes"
        print(
            f"drift check {verdict} (--fail-on {args.fail_on}) in {time.perf_counter() - started:.2f}s",
            file=sys.stderr,
        )
    return 1 if failing else 0


def cmd_update_spec(args: argparse.Namespace) -> int:
    lock_path = args.lock or spec_mod.DEFAULT_LOCK
    old = spec_mod.Lock.read(lock_path) if lock_path.is_file() else None
    loaded = update(args.version, args.commit, lock_path, args.spec, not args.offline, args.path)
    lock = loaded.lock
    before = f"{old.api_version} ({old.commit[:12]})" if old else "nothing"
    print(
        f"{lock_path}: {before} -> {lock.api_version} ({lock.commit[:12]}, "
        f"canonical sha256 {lock.canonical_sha256[:12]})"
    )
    print(f"spec from {loaded.source}\n")
    print(drift.render(drift.check(loaded, args.package_dir), args.format))
    if args.lock is None:
        generate, changelog = "`make generate`", "`python -m codegen check-drift --format changelog`"
    else:  # a lock beside the pin: the commands must name it
        spec = f" --spec {args.spec}" if args.spec else ""
        generate = f"`python -m codegen generate --lock {args.lock}{spec} --out DIR`"
        changelog = f"`python -m codegen check-drift --lock {args.lock}{spec} --format changelog`"
    print(f"\nNext: {generate} resolves the drift above; review the diff, then add the entry from")
    print(f"{changelog} (run before regenerating) to CHANGELOG.md.")
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

    def report_args(p: argparse.ArgumentParser, fmt: str) -> None:
        p.add_argument("--format", choices=drift.FORMATS, default=fmt, help=f"report format (default: {fmt})")
        p.add_argument(
            "--package-dir",
            type=Path,
            default=GENERATED,
            help="folder holding the lattice_stripe package to inspect (default: generated/)",
        )

    p = sub.add_parser("check-drift", help="compare the generated package's surface with the spec's")
    spec_args(p)
    report_args(p, "text")
    p.add_argument(
        "--fail-on",
        choices=("any", "breaking"),
        default="any",
        help="exit 1 on any drift (default) or only on breaking drift",
    )
    p = sub.add_parser("update-spec", help="pin a new spec version in the lock and show the drift")
    p.add_argument("--version", required=True, help="Stripe API version, e.g. 2023-08-16")
    p.add_argument("--commit", required=True, help="stripe/openapi commit (40 hex digits)")
    p.add_argument("--spec", type=Path, help="local spec file of that commit (default: download it)")
    p.add_argument(
        "--path",
        help="the spec's file in stripe/openapi (default: the lock's; e.g. latest/openapi.spec3.json)",
    )
    p.add_argument("--lock", type=Path, help="lock file to write (default: spec/stripe.lock)")
    p.add_argument("--offline", action="store_true", help="never download; use --spec or ../shared/openapi")
    report_args(p, "text")

    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            return cmd_generate(args)
        if args.command == "check-generated":
            return cmd_generate(args, check=True)
        if args.command == "check-drift":
            return cmd_check_drift(args)
        if args.command == "update-spec":
            return cmd_update_spec(args)
        return cmd_manifest(args)
    except (spec_mod.SpecError, NamingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        hint = _spec_hint(exc) if isinstance(exc, spec_mod.SpecError) else ""
        if hint:
            print(hint, file=sys.stderr)
        return 2
    except SurfaceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print(
            "hint: run `make generate` (or `make check-generated` to see what changed by hand).",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
