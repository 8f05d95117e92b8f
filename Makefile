# Two commands do all set-up on a fresh machine (README): `make report` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/sesspec-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: test lint report bench
lint: $(BIN)/sesspec-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

report: $(BIN)/sesspec-installed
	$(BIN)/sesspec report --install

bench: $(BIN)/sesspec-installed
	$(BIN)/python -m sesspec.bench
