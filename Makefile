# Entry points. Every target that needs the virtualenv creates it first, so each one
# works as the first command on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BENCH_STAMP := $(VENV)/.bench-stamp
TYPING_TREE := .cache/typing

.PHONY: setup generate check-generated check-drift check-specs update-spec test lint typecheck bench golden clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The bench extra (the official stripe package, for comparison) on top of the dev install.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

generate: $(STAMP)
	$(BIN)/python -m codegen generate

check-generated: $(STAMP)
	$(BIN)/python -m codegen check-generated

# Fails when the generated surface differs from the pinned spec. DRIFT_ARGS="--format github --fail-on breaking"
check-drift: $(STAMP)
	$(BIN)/python -m codegen check-drift $(DRIFT_ARGS)

# Every real spec in ../shared/openapi/ end to end (generate, import, mypy, fixtures, drift
# between neighbours, stripe-mock when present); see tests/specs/.
check-specs: $(STAMP)
	LATTICE_STRIPE_CHECK_SPECS=1 $(BIN)/python -m pytest tests/specs -rs

# Pin a new spec: make update-spec VERSION=2023-10-16 COMMIT=<stripe/openapi sha> [SPEC=path/to/spec3.yaml]
update-spec: $(STAMP)
	$(BIN)/python -m codegen update-spec --version "$(VERSION)" --commit "$(COMMIT)" $(if $(SPEC),--spec "$(SPEC)")

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check codegen overrides tests generated bench examples
	$(BIN)/ruff format --check codegen overrides tests bench examples
	$(MAKE) typecheck

typecheck: $(STAMP)
	$(BIN)/python -c "from pathlib import Path; from codegen.assemble import assemble; assemble(Path('generated/lattice_stripe'), Path('$(TYPING_TREE)'))"
	MYPYPATH=$(TYPING_TREE) $(BIN)/mypy --strict -p lattice_stripe
	MYPYPATH=$(TYPING_TREE) $(BIN)/mypy --strict codegen --exclude codegen/runtime

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run

golden: $(STAMP)
	$(BIN)/python -m tests.golden.refresh

clean:
	rm -rf $(VENV) .cache build *.egg-info
