# Two entry points (see README): `make conformance` and `make test`. Everything else is setup they share.
# Python 3.12 or later (hisui's wheel needs it): a python3.12 on PATH, else pyenv's 3.12 when installed but not active.
PYTHON ?= $(firstword $(shell command -v python3.12 >/dev/null 2>&1 && python3.12 -c "" 2>/dev/null && echo python3.12) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) python3.12)
VENV := .venv
BIN := $(VENV)/bin
ALLURE_VERSION := 3.18.0
ALLURE := .tools/allure/node_modules/.bin/allure

.PHONY: conformance test setup allure chromium lint clean

conformance: setup allure
	$(BIN)/sora-conformance run $(ARGS)

test: setup allure chromium lint
	$(BIN)/pytest tests $(ARGS)

# Static checks of both packages, the suites and the project's tests (configured in pyproject.toml).
lint: setup
	$(BIN)/ruff check sora_conformance sora_emulator suites tests bench
	$(BIN)/mypy sora_conformance sora_emulator

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (set PYTHON=...)"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

allure: $(ALLURE)

$(ALLURE):
	@command -v npm >/dev/null 2>&1 || { echo "make: npm not found; the Allure HTML report needs node 20+"; exit 2; }
	npm install --prefix .tools/allure --no-audit --no-fund --loglevel=error allure@$(ALLURE_VERSION)

# Headless Chromium (Debian) for the self-test that opens the generated report.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "make: chromium missing; install Debian's chromium package (the browser self-test is skipped without it)"; fi; }

clean:
	rm -rf reports .pytest_cache
