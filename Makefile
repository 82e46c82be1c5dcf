# `make run` serves GraphiQL with the demo accounts (PORT=8001 for another port);
# `make test` runs the checks and tests; `make bench` the benchmark (needs wrk).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test bench install install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

run: install
	$(BIN)/wallet-closure serve --demo-data --port $(PORT)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto --maxprocesses=4

bench: install-test
	$(BIN)/python bench/wrk.py
	WALLET_BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/wrk.py
