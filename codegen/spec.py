"""Find, verify and load the Stripe OpenAPI spec named by a lock file.

Lookup order: an explicit path, ``$LATTICE_STRIPE_SPEC``, the ``../shared/openapi``
mirror beside the checkout, the download cache, then a download of the pinned upstream
commit. Whatever the source, its content must match the lock's canonical hash: the sha256
of the document as sorted, compact JSON (:func:`canonical_sha256`), so upstream's
pretty-printed JSON, a compact copy and the same document in YAML verify alike. Parsed
specs are cached as JSON keyed by the file's own sha256, with the canonical hash beside
them, because parsing 4 MB of YAML (or hashing 7 MB of JSON) takes a noticeable time.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LOCK = ROOT / "spec" / "stripe.lock"
CACHE_DIR = ROOT / ".cache" / "spec"
MIRROR_DIR = ROOT.parent / "shared" / "openapi"
ENV_VAR = "LATTICE_STRIPE_SPEC"


class SpecError(Exception):
    """The spec could not be found, verified or understood."""


@attrs.frozen
class Lock:
    api_version: str
    repository: str
    commit: str
    path: str
    canonical_sha256: str  # of the content (canonical_sha256()), not of one file's bytes
    url: str

    @classmethod
    def read(cls, path: Path = DEFAULT_LOCK) -> Lock:
        try:
            data = json.loads(path.read_text())
            return cls(**{f.name: data[f.name] for f in attrs.fields(cls)})
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SpecError(f"cannot read spec lock {path}: {exc}") from exc

    def write(self, path: Path = DEFAULT_LOCK) -> None:
        path.write_text(json.dumps(attrs.asdict(self), indent=2) + "\n")

    @staticmethod
    def upstream_url(repository: str, commit: str, path: str = "openapi/spec3.yaml") -> str:
        return f"https://raw.githubusercontent.com/{repository}/{commit}/{path}"

    @property
    def date(self) -> str:
        """The version's date: ``2026-05-27`` for ``2026-05-27.dahlia``, as mirror files are named."""
        return self.api_version.split(".")[0]


@attrs.frozen
class LoadedSpec:
    lock: Lock
    source: str
    document: dict[str, Any]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_sha256(document: object) -> str:
    """The hash of a spec's content, whatever its file's format, indentation or key order."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return sha256_of(text.encode())


def candidates(lock: Lock, explicit: Path | None) -> list[tuple[str, Path]]:
    """Local places to look, in order, each with a label for error messages."""
    found: list[tuple[str, Path]] = []
    if explicit is not None:
        found.append(("--spec", explicit))
    if os.environ.get(ENV_VAR):
        found.append((f"${ENV_VAR}", Path(os.environ[ENV_VAR])))
    for suffix in ("json", "yaml"):
        found.append(("shared mirror", MIRROR_DIR / f"spec3.{lock.date}.{suffix}"))
    found.append(("download cache", download_cache(lock)))
    return found


def download_cache(lock: Lock) -> Path:
    return CACHE_DIR / f"{lock.canonical_sha256}{Path(lock.path).suffix or '.json'}"


def fetch(
    lock: Lock, explicit: Path | None = None, download: bool = True, cache: bool = True
) -> tuple[str, dict[str, Any]]:
    """Return (source description, parsed document) of the locked spec, verified by content."""
    tried: list[str] = []
    for label, path in candidates(lock, explicit):
        if not path.is_file():
            if label in ("--spec", f"${ENV_VAR}"):  # a file named explicitly must be that file
                raise SpecError(f"{label} {path}: no such file")
            tried.append(f"{label}: {path} (not found)")
            continue
        document, digest = parse(path.read_bytes(), cache)
        if digest == lock.canonical_sha256:
            return f"{label}: {path}", document
        if label in ("--spec", f"${ENV_VAR}"):  # a file the user named must be the pinned one
            raise SpecError(
                f"{label} {path} was given, but it is not the pinned spec: its canonical sha256 is "
                f"{digest}, the lock pins API {lock.api_version} "
                f"(canonical sha256 {lock.canonical_sha256}).\n"
                "To generate from it, pin it in a lock first:\n"
                "  python -m codegen update-spec --version VERSION --commit STRIPE_OPENAPI_SHA "
                f"--spec {path} --lock OTHER.lock\n"
                f"then: python -m codegen generate --lock OTHER.lock --spec {path} --out DIR"
            )
        tried.append(f"{label}: {path} (canonical sha256 {digest}, expected {lock.canonical_sha256})")
    if download and not lock.url.startswith("https://"):
        tried.append(f"download {lock.url} (refused: not an https URL)")
    elif download:
        try:
            with urllib.request.urlopen(lock.url, timeout=60) as response:  # noqa: S310 - https only
                data = response.read()
        except OSError as exc:
            tried.append(f"download {lock.url} ({exc})")
        else:
            document, digest = parse(data, cache)
            if digest == lock.canonical_sha256:
                CACHE_DIR.mkdir(parents=True, exist_ok=True)
                download_cache(lock).write_bytes(data)
                return f"download: {lock.url}", document
            tried.append(f"download {lock.url} (canonical sha256 {digest}, expected {lock.canonical_sha256})")
    raise SpecError(
        f"no verified spec for API version {lock.api_version} (canonical sha256 {lock.canonical_sha256}).\n"
        + "Tried:\n  "
        + "\n  ".join(tried)
        + f"\nPass --spec PATH, set ${ENV_VAR}, or allow the download of {lock.url}."
    )


def parse(data: bytes, cache: bool = True) -> tuple[dict[str, Any], str]:
    """Parse YAML or JSON spec bytes into (document, canonical sha256), through a JSON cache
    keyed by the bytes' sha256 (the canonical hash is kept beside it)."""
    key = sha256_of(data)
    cached, canonical = CACHE_DIR / f"{key}.json", CACHE_DIR / f"{key}.canonical"
    if cache and cached.is_file() and canonical.is_file():
        document: dict[str, Any] = json.loads(cached.read_bytes())
        return document, canonical.read_text().strip()
    document = decode(data)
    validate(document)
    digest = canonical_sha256(document)
    if cache:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        for path, text in ((cached, json.dumps(document)), (canonical, digest + "\n")):
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # processes may parse at once
            tmp.write_text(text)
            tmp.replace(path)
    return document, digest


def decode(data: bytes) -> Any:
    """JSON or YAML bytes as a Python value (JSON directly: much faster than as YAML)."""
    if data.lstrip()[:1] == b"{":
        try:
            return json.loads(data)
        except ValueError as exc:
            raise SpecError(f"the spec is not valid JSON: {exc}") from exc
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(data, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise SpecError(f"the spec is not valid YAML or JSON: {exc}") from exc


def validate(document: object) -> None:
    """Refuse anything that is not a Stripe OpenAPI 3 document."""
    if not isinstance(document, dict):
        raise SpecError("the spec is not a mapping: not an OpenAPI document")
    if not str(document.get("openapi", "")).startswith("3."):
        raise SpecError("the spec has no 'openapi: 3.x' field: not an OpenAPI 3 document")
    paths = document.get("paths")
    schemas = document.get("components", {}).get("schemas")
    if not isinstance(paths, dict) or not isinstance(schemas, dict):
        raise SpecError("the spec has no paths or component schemas")
    if not any(str(p).startswith("/v1/") for p in paths):
        raise SpecError("the spec has no /v1/ paths: not a Stripe API spec")
    if not str(document.get("info", {}).get("version", "")):
        raise SpecError("the spec has no info.version (the Stripe API version)")


def load(
    lock: Lock | None = None,
    explicit: Path | None = None,
    download: bool = True,
    cache: bool = True,
) -> LoadedSpec:
    lock = lock or Lock.read()
    source, document = fetch(lock, explicit, download, cache)
    version = str(document["info"]["version"])
    if version != lock.api_version:
        raise SpecError(f"{source} is API version {version}, the lock says {lock.api_version}")
    return LoadedSpec(lock=lock, source=source, document=document)


def resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    """Resolve a local ``#/a/b`` reference."""
    if not ref.startswith("#/"):
        raise SpecError(f"only local $ref values are supported, got {ref!r}")
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise SpecError(f"unresolvable $ref {ref!r}")
        node = node[part]
    if not isinstance(node, dict):
        raise SpecError(f"$ref {ref!r} does not name a schema")
    return node
