# Two entry points (see README): `make conformance` and `make test`. Everything else is setup they share.
# Python 3.12 or later (hisui's wheel needs it): a python3.12 on PATH, else pyenv's 3.12 when installed but not active.
PYTHON ?= $(firstword $(shell command -v python3.12 >/dev/null 2>&1 && python3.12 -c "" 2>/dev/null && echo python3.12) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) python3.12)
VENV := .venv
BIN := $(VENV)/bin
ALLURE_VERSION := 3.18.0
ALLURE := .tools/allure/node_modules/.bin/allure
# Shiguredo's browser SDK for the browser recording test; pinned: on node 20 a plain install picks 2025.2.0
# (2026.1.0 declares node >= 22.18, which only matters for its build: the test runs its bundle in Chromium)
SORA_JS_SDK_VERSION := 2026.1.0
SORA_JS_SDK := .tools/sora-js-sdk/node_modules/sora-js-sdk/dist/sora.js

.PHONY: conformance test setup allure chromium openh264 sora-js-sdk lint clean

conformance: setup allure openh264
	$(BIN)/sora-conformance run $(ARGS)

test: setup allure chromium openh264 sora-js-sdk lint
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

# Debian's OpenH264, which hisui loads to decode H.264 (MP4 recordings); without it FILES-COMPOSE is unsupported
# on them. hisui itself comes with the Python dependencies (its wheel needs Python 3.12).
openh264:
	@ls /usr/lib/*/libopenh264.so.* >/dev/null 2>&1 || ls /usr/lib64/libopenh264.so.* >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenh264-7 >/dev/null; \
	  else echo "make: libopenh264 missing; install Debian's libopenh264-7 (hisui decodes H.264 MP4 recordings with it)"; fi; }

sora-js-sdk: $(SORA_JS_SDK)

$(SORA_JS_SDK):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix .tools/sora-js-sdk --no-audit --no-fund --loglevel=error sora-js-sdk@$(SORA_JS_SDK_VERSION); \
	else echo "make: npm not found; the browser recording test is skipped without sora-js-sdk"; fi

clean:
	rm -rf reports .pytest_cache
