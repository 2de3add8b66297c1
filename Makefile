# Facilitator course: every target sets up what it needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
PORT ?= 8000
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
RELEASES ?=

.DEFAULT_GOAL := help
.PHONY: help venv demo test lint format bench build system-deps wheel matrix clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): setup.py constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -c constraints.txt -e '.[test,bench]'
	@touch $(STAMP)

venv: $(STAMP) ## Create or update .venv with the project and its test tools

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

system-deps: ## Install ffmpeg and headless Chromium from Debian when missing and running as root
	@bash scripts/system-deps.sh

build: $(STAMP) ## Stand-in media and the course build that the preview shows
	$(VENV)/bin/facilitator-course media stand-ins --out build/media/stand-ins --if-missing
	$(VENV)/bin/facilitator-course build --out build

demo: $(STAMP) system-deps build ## Set everything up and serve the live preview at http://127.0.0.1:8000
	$(VENV)/bin/facilitator-course preview --port $(PORT)

test: system-deps $(STAMP) $(NODE_STAMP) lint ## Set everything up and run the whole suite (unit, workbench, real browser)
	$(PY) -m pytest

lint: $(STAMP) ## Lint and check import order (ruff)
	$(VENV)/bin/ruff check xblocks course media_manifest scripts tests setup.py
	$(VENV)/bin/ruff format --check xblocks course media_manifest scripts tests setup.py

format: $(STAMP) ## Fix import order and formatting
	$(VENV)/bin/ruff check --fix xblocks course media_manifest scripts tests setup.py
	$(VENV)/bin/ruff format xblocks course media_manifest scripts tests setup.py

bench: $(STAMP) system-deps ## Measure the speed and memory targets; writes bench/RESULTS.md
	$(PY) -m scripts.bench

wheel: $(STAMP) ## Build the wheel into dist/
	rm -f dist/facilitator_course-*.whl
	$(PY) -m pip wheel --no-deps -q -w dist .

matrix: wheel ## Install the wheel into Teak, Ulmo, Verawood and newest pins and run the non-browser suite (RELEASES="teak ulmo" for some)
	$(PY) -m scripts.release_matrix $(RELEASES)

clean: ## Remove the virtualenv, builds and preview state
	rm -rf $(VENV) .matrix node_modules build dist var *.egg-info
