# Entry points. Every target that needs the virtualenv creates it first, so each one
# works as the first command on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BENCH_STAMP := $(VENV)/.bench-stamp
DOCS_STAMP := $(VENV)/.docs-stamp
TYPING_TREE := .cache/typing
# The editable install is a tree of links in build/ (setuptools' strict mode), not an import
# hook, so mypy and other type checkers see the package. A file added or deleted under the
# three source folders needs new links: `links` refreshes them when the file list changed.
EDITABLE := --config-settings editable_mode=strict
LINKED := $(VENV)/.linked-files
SOURCES := find generated/lattice_stripe codegen/runtime overrides -name '*.py' -o -name py.typed | LC_ALL=C sort

.PHONY: setup links generate check-generated check-drift check-specs update-spec test test-drift test-install lint typecheck bench golden docs notebook clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(EDITABLE) -e '.[dev]'
	# pyright's first run fetches its npm package: done here, so no test reaches the network
	$(BIN)/python -m pyright --version > /dev/null
	$(SOURCES) > $(LINKED)
	touch $(STAMP)

setup: $(STAMP)

links: $(STAMP)
	@$(SOURCES) > $(LINKED).new
	@if cmp -s $(LINKED).new $(LINKED); then rm $(LINKED).new; else \
		$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation $(EDITABLE) -e . \
		&& mv $(LINKED).new $(LINKED); fi

# The bench extra (the official stripe package, for comparison) on top of the dev install.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet $(EDITABLE) -e '.[dev,bench]'
	touch $(BENCH_STAMP)

# The docs extra (mkdocs-material) on top of the dev install.
$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet $(EDITABLE) -e '.[dev,docs]'
	touch $(DOCS_STAMP)

generate: $(STAMP)
	$(BIN)/python -m codegen generate
	@$(MAKE) --no-print-directory links

check-generated: $(STAMP)
	$(BIN)/python -m codegen check-generated

# Fails when the generated surface differs from the pinned spec. DRIFT_ARGS="--format github --fail-on breaking"
check-drift: $(STAMP)
	$(BIN)/python -m codegen check-drift $(DRIFT_ARGS)

# Every real spec in ../shared/openapi/ end to end (generate, import, mypy, fixtures, drift
# between neighbours, stripe-mock when present); see tests/specs/.
check-specs: $(STAMP)
	LATTICE_STRIPE_CHECK_SPECS=1 $(BIN)/python -m pytest tests/specs -rs

# Pin a new spec: make update-spec VERSION=2026-05-27.dahlia COMMIT=<stripe/openapi sha> [SPEC=local file] [SPEC_PATH=latest/openapi.spec3.json]
update-spec: $(STAMP)
	$(BIN)/python -m codegen update-spec --version "$(VERSION)" --commit "$(COMMIT)" $(if $(SPEC),--spec "$(SPEC)") $(if $(SPEC_PATH),--path "$(SPEC_PATH)")

# Two workers (pytest-xdist; CI's machine has two cores), each handed a test file, or a group
# of files that share a costly session fixture, at a time: see tests/conftest.py.
# TEST_WORKERS=0 runs serially.
# Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set: the tests start many
# interpreters that import the package, and pytest's workers rewrite the same test modules.
TEST_WORKERS ?= 2
test: links
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The real-spec drift runs (tests marked `drift`, deselected by `make test`); CI runs them.
test-drift: links
	$(BIN)/python -m pytest -m drift

# Slower: tests that build the package and install it into a fresh virtualenv (CI runs it).
test-install: links
	$(BIN)/python -m pytest -m install

lint: links
	$(BIN)/ruff check codegen overrides tests generated bench examples
	$(BIN)/ruff format --check codegen overrides tests bench examples
	$(MAKE) typecheck

typecheck: $(STAMP)
	$(BIN)/python -c "from pathlib import Path; from codegen.assemble import assemble; assemble(Path('generated/lattice_stripe'), Path('$(TYPING_TREE)'))"
	MYPYPATH=$(TYPING_TREE) $(BIN)/mypy --strict -p lattice_stripe
	MYPYPATH=$(TYPING_TREE) $(BIN)/mypy --strict codegen --exclude codegen/runtime

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run

# The documentation site in strict mode (a broken link, anchor or nav entry fails), with the
# API reference rendered from the pinned spec (codegen/mkdocs_hook.py); output in .cache/site.
docs: $(DOCS_STAMP) links
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# Re-run examples/explorer.ipynb against the fake and write it back with its outputs, which are
# committed (tests/testing/test_notebook.py fails when they differ from a fresh run).
notebook: links
	$(BIN)/python -m tests.testing.notebook

golden: $(STAMP)
	$(BIN)/python -m tests.golden.refresh

clean:
	rm -rf $(VENV) .cache build *.egg-info
