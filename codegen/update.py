"""Move the spec pin: fetch a published spec, verify it, and record it in the lock."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from . import spec as spec_mod
from .spec import LoadedSpec, Lock, SpecError

DEFAULT_REPOSITORY = "stripe/openapi"
DEFAULT_PATH = "openapi/spec3.yaml"


def fetch(version: str, url: str, explicit: Path | None, download: bool) -> tuple[str, bytes]:
    """The spec bytes: a local file, else the upstream commit, else the ../shared/openapi mirror."""
    if explicit is not None:
        if not explicit.is_file():
            raise SpecError(f"--spec {explicit}: no such file")
        return f"--spec: {explicit}", explicit.read_bytes()
    problems = []
    if download:
        try:
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a fixed https URL
                return f"download: {url}", bytes(response.read())
        except OSError as exc:
            problems.append(f"download {url} failed ({exc})")
    date = version.split(".")[0]
    for mirror in (spec_mod.MIRROR_DIR / f"spec3.{date}.{suffix}" for suffix in ("json", "yaml")):
        if mirror.is_file():
            return (
                f"shared mirror: {mirror} (not verified against the commit: no download)",
                mirror.read_bytes(),
            )
        problems.append(f"no mirror file {mirror}")
    raise SpecError(
        "cannot fetch the spec: "
        + "; ".join(problems)
        + ". Pass --spec FILE with the spec file of that commit."
    )


def update(
    version: str,
    commit: str,
    lock_path: Path,
    explicit: Path | None,
    download: bool,
    path: str | None = None,
) -> LoadedSpec:
    """Fetch, verify (a Stripe OpenAPI 3 spec of ``version``), cache, and write the lock.

    ``path`` is the file in the upstream repository (default: the previous lock's, else
    ``openapi/spec3.yaml``; Stripe's unified v1+v2 spec is ``latest/openapi.spec3.json``).
    """
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise SpecError(f"--commit {commit!r} is not a full 40-character git commit sha of stripe/openapi")
    previous = Lock.read(lock_path) if lock_path.is_file() else None
    repository = previous.repository if previous else DEFAULT_REPOSITORY
    path = path or (previous.path if previous else DEFAULT_PATH)
    url = Lock.upstream_url(repository, commit, path)
    source, data = fetch(version, url, explicit, download)
    try:
        document, canonical = spec_mod.parse(data)  # refuses anything that is not a Stripe spec
    except SpecError as exc:
        raise SpecError(f"{source}: {exc}. Use Stripe's {path} from github.com/{repository}.") from exc
    found = str(document["info"]["version"])
    if found != version:
        raise SpecError(f"{source} is API version {found}, not {version}: check --version and the file")
    lock = Lock(version, repository, commit, path, canonical, url)
    cached = spec_mod.download_cache(lock)  # so `make generate` finds it offline
    if not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(data)
    lock.write(lock_path)
    return LoadedSpec(lock=lock, source=source, document=document)
