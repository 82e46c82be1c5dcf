# `make run` serves GraphiQL with the demo accounts (PORT=8001 for another port);
# `make test` runs the checks and tests; `make bench` the benchmark (needs wrk);
# `make lock` re-resolves requirements/*.lock after a change of pyproject.toml's dependencies
# (or to take upgrades on purpose); everything else installs exactly what the locks say.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
TESTS ?=# a subset, e.g. TESTS="tests/money/test_money_races.py"
# One test process more than the cores: a share of the suite waits on processes it started
# (serve, node, Chromium) or on timers, and would leave a core idle. Work-stealing, so that a
# long test near the end does not hold the run up.
PYTEST := python -m pytest -n $(shell expr $$(nproc) + 1) --dist worksteal
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test pytest bench install install-test apps lock

# uv installs the locks (pinned by hash itself, in requirements/tools.lock): the test lock
# in seconds where pip takes a minute. Compiled at install, as pip does: where
# PYTHONDONTWRITEBYTECODE is set, every process would compile every import again.
UV := $(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements/tools.lock

install: $(BIN)/python
	$(UV) --require-hashes -r requirements/run.lock
	$(UV) --no-deps -e .

# Installed once per change of the lock (CI's runs on other databases reuse it).
install-test: $(VENV)/.test-installed
$(VENV)/.test-installed: requirements/test.lock pyproject.toml | $(BIN)/python
	$(UV) --require-hashes -r requirements/test.lock
	$(UV) --no-deps -e .
	touch $@

# The tools app teams build with (tests/endpoint/test_app_builds.py), from their npm lock.
APPS := tests/apps/node_modules/.package-lock.json
$(APPS): tests/apps/package.json tests/apps/package-lock.json
	npm ci --prefix tests/apps --no-audit --no-fund --silent

apps: $(APPS)

lock: $(BIN)/python
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links -o requirements/run.lock pyproject.toml
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra test -o requirements/test.lock pyproject.toml
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links -o requirements/tools.lock requirements/tools.in

run: install
	$(BIN)/wallet-closure serve --demo-data --port $(PORT)

test: install-test $(APPS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/$(PYTEST) $(TESTS)

# The tests alone (what `make test` runs after its checks): CI's runs on other databases.
pytest: install-test $(APPS)
	$(BIN)/$(PYTEST) $(TESTS)

bench: install-test
	$(BIN)/python bench/wrk.py
	WALLET_BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/wrk.py
