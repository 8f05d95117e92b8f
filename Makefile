# Two commands do all set-up on a fresh machine (README): `make report` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
JS := sesspec/drivers/js

$(BIN)/sesspec-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The Node clients, from the lockfile, where npm exists (the live tests skip without them).
$(JS)/node_modules/.installed: $(JS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		(cd $(JS) && npm ci --no-audit --no-fund --loglevel=error) && touch $@ \
		|| echo "npm ci failed: the Node client tests will skip"; \
	else echo "npm not found: the Node client tests will skip"; fi

.PHONY: test lint report bench node-clients
node-clients: $(JS)/node_modules/.installed

lint: $(BIN)/sesspec-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint node-clients
	$(BIN)/python -m pytest

report: $(BIN)/sesspec-installed
	$(BIN)/sesspec report --install

bench: $(BIN)/sesspec-installed
	$(BIN)/python -m sesspec.bench
