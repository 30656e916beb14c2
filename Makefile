# A newcomer needs two commands: `make run` and `make test`. Both set up .venv first.
# `make run` installs only what the bot needs; `make test` adds the development tools.
# Both install the exact versions in requirements/, so a fresh machine gets what CI tested.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
UV_VERSION := 0.13.9
LOCK_FLAGS :=
LOCALES := bot/locales
POT := $(LOCALES)/messages.pot

# Python keeps the bytecode of what it imports, so each later process starts sooner (the tests
# start a hundred or so). An environment that turns that off (PYTHONDONTWRITEBYTECODE, set on
# some CI images) makes every process compile matplotlib, numpy and PTB again from source.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test lint format lock catalogs translations-check bench reliability clean

# pip, not uv, installs: it is on every machine already, and the set-up stays one tool short.
# The project goes in last with --no-deps, so nothing beyond the lock file is ever resolved.
# --no-compile: byte-compiling all of numpy and matplotlib was a third of a cold `make run`;
# Python compiles the few modules the bot imports on first use instead.
$(RUN_STAMP): requirements/run.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-compile --require-hashes -r requirements/run.txt
	$(BIN)/python -m pip install --quiet --no-compile --no-deps -e .
	touch $(RUN_STAMP)

# dev.txt repeats run.txt's pins, so after `make run` this only adds the development tools.
$(DEV_STAMP): requirements/dev.txt $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet --no-compile --require-hashes -r requirements/dev.txt
	touch $(DEV_STAMP)

# After a change to the dependencies in pyproject.toml: re-pin, then commit requirements/.
# Pins already in the files are kept; `make lock LOCK_FLAGS=--upgrade` moves all to the latest.
# --universal pins for every platform and Python the project supports, not only this one's;
# dev.txt is constrained by run.txt so both files agree on every package they share.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile --quiet pyproject.toml --universal --python-version 3.11 --generate-hashes \
		$(LOCK_FLAGS) -o requirements/run.txt
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev -c requirements/run.txt --universal \
		--python-version 3.11 --generate-hashes $(LOCK_FLAGS) -o requirements/dev.txt

run: $(RUN_STAMP)
	$(BIN)/python -m bot.launch

AXE := tests/browser/node_modules/axe-core/axe.min.js

test: $(DEV_STAMP) lint $(AXE)
	$(BIN)/python -m pytest -q

# axe-core for the browser tests' accessibility checks; without npm they say they were skipped.
$(AXE): tests/browser/package-lock.json
	-command -v npm >/dev/null && npm ci --silent --no-audit --no-fund --prefix tests/browser

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy questions scoring bot

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-extract every UI and bank string and merge it into each language's catalog.
# Then translate the new entries (empty msgstr) and run `make test`: a test fails on any gap.
catalogs: $(RUN_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-by-file \
		--project readiness-bot --copyright-holder "Readiness Bot" -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d $(LOCALES) --no-fuzzy-matching --ignore-obsolete

bench: $(RUN_STAMP)
	$(BIN)/python -m bench

# The long reliability forms against the real bot process (about 25 minutes on 2 cores);
# `$(BIN)/python -m tests.reliability --quick` is the two-minute version.
reliability: $(RUN_STAMP)
	$(BIN)/python -m tests.reliability --out docs/reliability-latest.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
