# A newcomer needs two commands: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCALES := bot/locales
POT := $(LOCALES)/messages.pot

.PHONY: run test lint format catalogs translations-check bench reliability clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot.launch

AXE := tests/browser/node_modules/axe-core/axe.min.js

test: $(STAMP) lint $(AXE)
	$(BIN)/python -m pytest -q

# axe-core for the browser tests' accessibility checks; without npm they say they were skipped.
$(AXE): tests/browser/package-lock.json
	-command -v npm >/dev/null && npm ci --silent --no-audit --no-fund --prefix tests/browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy questions scoring bot

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-extract every UI and bank string and merge it into each language's catalog.
# Then translate the new entries (empty msgstr) and run `make test`: a test fails on any gap.
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-by-file \
		--project readiness-bot --copyright-holder "Readiness Bot" -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d $(LOCALES) --no-fuzzy-matching --ignore-obsolete

bench: $(STAMP)
	$(BIN)/python -m bench

# The long reliability forms against the real bot process (about 25 minutes on 2 cores);
# `$(BIN)/python -m tests.reliability --quick` is the two-minute version.
reliability: $(STAMP)
	$(BIN)/python -m tests.reliability --out docs/reliability-latest.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
