# tierdesk — the two commands of DESIGN §7: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))'; \
	then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2

.PHONY: help run test lint typecheck test-sqlite test-postgres install install-dev demo worker clean

help:
	@echo "make run   - install, migrate, load demo data once, serve on http://127.0.0.1:$(PORT)/ with a worker"
	@echo "make test  - install dev dependencies, lint, type-check, test on SQLite (and PostgreSQL"
	@echo "             when TIERDESK_TEST_DATABASE_URL is set)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python >= 3.11 is required" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(BIN)/tierdesk migrate --noinput -v0
	@if [ ! -f var/.demo-loaded ]; then $(BIN)/tierdesk demo && mkdir -p var && touch var/.demo-loaded; fi
	@echo ""
	@echo "  tierdesk is starting on http://127.0.0.1:$(PORT)/"
	@echo "    agent workspace  http://127.0.0.1:$(PORT)/agent/    (l1, l2, l3, l4, supervisor)"
	@echo "    customer portal  http://127.0.0.1:$(PORT)/portal/   (anna@demo.example, boris@demo.example)"
	@echo "    admin            http://127.0.0.1:$(PORT)/admin/    (admin)"
	@echo "    every demo password: demo"
	@echo "  outgoing mail goes to $${EMAIL_URL:-var/mail/ (files; set EMAIL_URL=smtp://host:port to send)}"
	@echo ""
	EMAIL_URL="$${EMAIL_URL:-file://$(CURDIR)/var/mail}" PORT=$(PORT) $(BIN)/tierdesk serve --with-worker

demo: $(VENV)/.installed
	$(BIN)/tierdesk demo

worker: $(VENV)/.installed
	$(BIN)/tierdesk worker

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check tierdesk tests
	$(BIN)/ruff format --check tierdesk tests

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy tierdesk

test-sqlite: $(VENV)/.installed-dev
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-dev
	@if [ -n "$$TIERDESK_TEST_DATABASE_URL" ]; then \
		DATABASE_URL="$$TIERDESK_TEST_DATABASE_URL" $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); \
	else echo "TIERDESK_TEST_DATABASE_URL is not set: the PostgreSQL pass is skipped"; fi

test: lint typecheck test-sqlite test-postgres

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
