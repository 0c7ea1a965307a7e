"""Refresh the golden record: ``make golden`` (review the diff before committing)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.codegen.helpers import generate, lock_for

HERE = Path(__file__).parent
SPEC = HERE / "spec.yaml"
EXPECTED = HERE / "expected"
VERSION = "2099-01-01"


def main() -> None:
    shutil.rmtree(EXPECTED, ignore_errors=True)
    generate(SPEC, lock_for(SPEC, VERSION), EXPECTED)
    print(f"golden record refreshed in {EXPECTED}")


if __name__ == "__main__":
    main()
