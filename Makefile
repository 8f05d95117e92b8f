# Two commands do all set-up on a fresh machine (README): `make report` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/sesspec-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# sesspec (editable) with the extras its commands need (serve, report), without the development
# tools: what `make install` and `make report` use (`make test` adds the tools).
$(BIN)/sesspec-extras: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[serve,report]'
	touch $@

# `sesspec` on PATH: a link in BINDIR (~/.local/bin) to the venv's command, which runs this
# clone's code (README, "Install"). `make uninstall` takes the link away.
BINDIR ?= $(HOME)/.local/bin
install: $(BIN)/sesspec-extras
	mkdir -p '$(BINDIR)'
	ln -sf '$(abspath $(BIN))/sesspec' '$(BINDIR)/sesspec'
	@case ":$$PATH:" in *':$(BINDIR):'*) ;; \
	*) echo '$(BINDIR) is not on PATH: export PATH="$(BINDIR):$$PATH" (in ~/.profile to keep it)';; \
	esac

uninstall:
	rm -f '$(BINDIR)/sesspec'

# The wheel, into dist/ (README, "Install": pip install it anywhere, with or without extras).
wheel: $(BIN)/sesspec-extras
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .
	@ls dist/sesspec-*.whl

# The Node clients, from the lockfile, into the per-user cache (never the source tree), where
# npm exists; nothing to do when installed (the live tests skip without them).
node-clients: $(BIN)/sesspec-installed
	@if command -v npm >/dev/null 2>&1; then \
		$(BIN)/python -m sesspec.drivers.node \
		|| echo "npm ci failed: the Node client tests will skip"; \
	else echo "npm not found: the Node client tests will skip"; fi

.PHONY: test lint report report-plan report-commit install uninstall wheel bench node-clients \
	vectors wheel-check fuzz mutate mutate-ci audit sweep

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

# The property tests (every @given test) with random seeds and SESSPEC_FUZZ_SCALE (5) times CI's
# examples, a round after another for FUZZ_MINUTES (one round at least); each round prints its
# seed, a failure its falsifying example and how to replay it (scripts/fuzz.py).
FUZZ_MINUTES ?= 0
fuzz: $(BIN)/sesspec-installed node-clients
	@$(PYTHON) scripts/fetch_suites.py --quiet || [ $$? -eq 1 ]
	$(BIN)/python scripts/fuzz.py --minutes $(FUZZ_MINUTES)

# The built wheel, installed (not editable) in a fresh venv and run: plain, then with the extras
# (scripts/wheel_check.py; .ci/run runs it after the tests).
wheel-check: $(BIN)/sesspec-installed node-clients
	$(BIN)/python scripts/wheel_check.py

# The conformance report (README): says what it installs (by registry, with sizes), installs
# the clients, runs them and writes reports/local/, which git ignores. CLIENTS=boto3,aws4 and
# LANGUAGES=python,javascript limit it (each limits; the install too); UPDATE=1, or
# `make report-commit`, rewrites the committed report in reports/ instead. `make report-plan`
# says what it would install, and stops.
comma := ,
REPORT_ARGS = $(foreach c,$(subst $(comma), ,$(CLIENTS)),--client $(c)) \
	$(foreach l,$(subst $(comma), ,$(LANGUAGES)),--language $(l)) $(if $(UPDATE),--out reports)
report: $(BIN)/sesspec-extras
	$(BIN)/sesspec report --install $(REPORT_ARGS)

report-plan: $(BIN)/sesspec-extras
	$(BIN)/sesspec report --plan $(REPORT_ARGS)

report-commit:
	$(MAKE) report UPDATE=1

# The report's second opinion (scripts/audit_report.py: asked against arrived with the standard
# library alone; exit 1 when the report leaves a difference unnamed): on the committed report,
# then on a small fresh one of the Python and Node clients on the scenarios that change values
# (a temporary folder; a client not installed here is listed as not available).
AUDIT_CLIENTS := boto3 node-ses nodemailer-ses
AUDIT_SCENARIOS := send-email-line-ends send-email-spaces send-email-unicode-forms \
	send-email-to-cc-bcc send-raw-email-8bit
audit: $(BIN)/sesspec-installed node-clients
	$(BIN)/python scripts/audit_report.py reports/latest
	@out=$$(mktemp -d) && trap 'rm -rf "$$out"' EXIT && \
	$(BIN)/sesspec report --out "$$out" --parallel 2 \
		$(foreach c,$(AUDIT_CLIENTS),--client $(c)) \
		$(foreach s,$(AUDIT_SCENARIOS),--scenario $(s)) && \
	$(BIN)/python scripts/audit_report.py "$$out/latest"

bench: $(BIN)/sesspec-installed
	$(BIN)/python benchmarks/bench.py

# Mutation testing with mutmut (the `mutation` extra; scripts/mutation.py): `make mutate` runs
# every module of its MODULES and rewrites mutation/results.json (long: BENCHMARKS.md gives the
# time), `make mutate MODULE=sesspec/encoding.py` one module. `make mutate-ci` is what .ci/run
# runs: the functions a change touches since its merge base with main, or a fixed sample, and
# it fails on a survivor mutation/equivalents.toml does not list.
$(BIN)/mutmut: $(BIN)/sesspec-installed
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	touch $@

mutate: $(BIN)/mutmut
	$(BIN)/python scripts/mutation.py run $(if $(MODULE),$(MODULE),--all)

mutate-ci: $(BIN)/mutmut
	$(BIN)/python scripts/mutation.py ci

# The committed histories in reports/sweeps/ (README: "Since which release does my client sign
# SES correctly?"): each client's releases installed one by one, with their dependencies as of
# their date, into the per-user cache (uv, npm), or the Go, Java and Rust SDKs' built one by one
# (go, mvn, cargo), and run (sesspec sweep). A repeat runs only what is new; an interrupted one
# resumes.
SWEEP_CLIENTS ?= botocore boto django-ses @aws-sdk/client-ses aws-sdk nodemailer \
	aws-sdk-go-v2/service/ses aws-sdk-go software.amazon.awssdk:ses aws-sdk-ses
sweep: $(BIN)/sesspec-installed
	$(BIN)/sesspec sweep --timeout 30 $(SWEEP_CLIENTS)
