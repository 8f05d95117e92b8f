# Two commands do all set-up on a fresh machine (README): `make report` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/sesspec-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The Node clients, from the lockfile, into the per-user cache (never the source tree), where
# npm exists; nothing to do when installed (the live tests skip without them).
node-clients: $(BIN)/sesspec-installed
	@if command -v npm >/dev/null 2>&1; then \
		$(BIN)/python -m sesspec.drivers.node \
		|| echo "npm ci failed: the Node client tests will skip"; \
	else echo "npm not found: the Node client tests will skip"; fi

.PHONY: test lint report bench node-clients vectors wheel-check sweep

# The public vector suites (never committed): each from $$SESSPEC_VECTORS, ../shared/vectors or
# the cache if there, else fetched into ~/.cache/sesspec/suites from PyPI's botocore sdist or the
# upstream repository, every file checked against vectors/public-suites.json. Standard library
# only. Exit status 1 when a suite cannot be had; `make test` goes on (its tests skip with
# directions, or fail in CI) and stops only on a broken manifest (status 2).
vectors:
	$(PYTHON) scripts/fetch_suites.py

lint: $(BIN)/sesspec-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint node-clients
	@$(PYTHON) scripts/fetch_suites.py --quiet || [ $$? -eq 1 ]
	$(BIN)/python -m pytest

# The built wheel, installed (not editable) in a fresh venv and run: plain, then with the extras
# (scripts/wheel_check.py; .ci/run runs it after the tests).
wheel-check: $(BIN)/sesspec-installed node-clients
	$(BIN)/python scripts/wheel_check.py

report: $(BIN)/sesspec-installed
	$(BIN)/sesspec report --install

bench: $(BIN)/sesspec-installed
	$(BIN)/python -m sesspec.bench

# The committed histories in reports/sweeps/ (README: "Since which release does my client sign
# SES correctly?"): each client's releases installed one by one, with their dependencies as of
# their date, into the per-user cache (uv, npm; PyPI and npm in reach) and run (sesspec sweep).
# A repeat runs only what is new; an interrupted one resumes.
SWEEP_CLIENTS ?= botocore boto django-ses @aws-sdk/client-ses aws-sdk nodemailer
sweep: $(BIN)/sesspec-installed
	$(BIN)/sesspec sweep --timeout 30 $(SWEEP_CLIENTS)
