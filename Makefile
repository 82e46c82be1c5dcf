# `make run` serves GraphiQL with the demo accounts; `make test` runs the checks and tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

run: install
	$(BIN)/wallet-closure serve --demo-data

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest
