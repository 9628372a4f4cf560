# Momentum — the README's commands. Every target installs what it needs when it is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := 3.13
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed-stamp
TOOLS := .tools
SAM := $(TOOLS)/sam/bin/sam
CHECKOV := $(TOOLS)/checkov/bin/checkov
PORT ?= 3000
PYTEST_ARGS ?=

# Python 3.13: on PATH as python3.13, or through pyenv (.python-version says 3.13).
PYTHON313 := $(shell command -v python3.13 2>/dev/null || pyenv which python3.13 2>/dev/null || (test -x "$$HOME/.pyenv/shims/python3.13" && echo "$$HOME/.pyenv/shims/python3.13"))

export SAM_CLI_TELEMETRY := 0
export MOMENTUM_SAM := $(abspath $(SAM))
export MOMENTUM_CHECKOV := $(abspath $(CHECKOV))

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# A new function folder is a new top-level package: reinstall so the editable finder maps it.
$(STAMP): pyproject.toml shared/requirements.txt requirements-dev.txt $(wildcard functions/*/__init__.py)
	@test -n "$(PYTHON313)" || { echo "Python $(PYTHON_VERSION) is needed (pyenv install $(PYTHON_VERSION))"; exit 1; }
	@test -x $(PY) || $(PYTHON313) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet uv
	$(UV) pip install --quiet --python $(PY) -r shared/requirements.txt -r requirements-dev.txt -e .
	@touch $@

$(SAM):
	@test -x $(UV) || $(MAKE) $(STAMP)
	$(UV) venv --quiet --python $(PYTHON313) $(TOOLS)/sam
	$(UV) pip install --quiet --python $(TOOLS)/sam/bin/python aws-sam-cli==1.170.0

$(CHECKOV):
	@test -x $(UV) || $(MAKE) $(STAMP)
	$(UV) venv --quiet --python $(PYTHON313) $(TOOLS)/checkov
	$(UV) pip install --quiet --python $(TOOLS)/checkov/bin/python checkov==3.3.30

.PHONY: install
install: $(STAMP) $(SAM) $(CHECKOV) ## create the virtual environment and the tools

.PHONY: run
run: $(STAMP) web-build ## build the web app when needed, start the local runner with demo data (PORT=3000)
	$(PY) -m local serve --port $(PORT)

.PHONY: lint
lint: $(STAMP) ## ruff (lint + format check) and mypy --strict on the layer
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# A run starts some twenty Python processes (pytest workers, local runners, cfn-lint, SAM,
# checkov). Where PYTHONDONTWRITEBYTECODE is set (some shells and containers set it), each
# compiles moto, botocore and cfn-lint from source again: ~8 s of CPU per pytest worker,
# ~3 s per runner. The first now writes the bytecode (__pycache__ is git-ignored).
test: export PYTHONDONTWRITEBYTECODE :=
.PHONY: test
test: install lint web-test ## everything: lint, types, unit, integration, e2e, infra, web (components + browser); coverage of the domain
	$(PY) -m pytest -n auto --dist loadgroup --cov --cov-report=term $(PYTEST_ARGS)
	$(PY) -m coverage report --include='shared/momentum/domain/*' --fail-under=95
	$(MAKE) web-e2e

.PHONY: unit
unit: $(STAMP) ## the fast unit tests only
	$(PY) -m pytest tests/unit -q

.PHONY: fuzz
fuzz: $(STAMP) ## schemathesis with many more examples (200 per operation)
	MOMENTUM_FUZZ_EXAMPLES=200 $(PY) -m pytest tests/e2e/test_fuzz.py -q

.PHONY: bench
bench: $(STAMP) $(SAM) ## benchmarks; figures go to BENCHMARKS.md
	$(PY) bench/run_all.py --write BENCHMARKS.md

# Lambda's /var/task and /opt are read-only: Python cannot cache the bytecode it compiles
# there, so each cold start would compile every module it imports. The build ships the .pyc
# files instead (Python 3.13, as the Runtime), unchecked-hash: used as they are, the source
# never looked at. bench/bench_imports.py measures the handlers compiled the same way.
# (BUILD_DIR is where sam build writes by default.)
BUILD_DIR := .aws-sam/build
COMPILE_BYTECODE := -m compileall -q -j 0 --invalidation-mode unchecked-hash

.PHONY: build
build: $(STAMP) $(SAM) ## sam build (no Docker needed), then compile the functions' and layer's bytecode
	PATH="$(abspath $(VENV))/bin:$$PATH" $(SAM) build --parallel --cached
	$(PY) $(COMPILE_BYTECODE) $(BUILD_DIR)

# The web app's build is a prerequisite: `web-build` is defined with the web targets below.
DEPLOY_ENV ?= dev
.PHONY: deploy
deploy: $(STAMP) build web-build ## build, deploy the stack (DEPLOY_ENV=dev|prod; AWS credentials), publish the web app
	$(PY) -m deploy stack --config-env $(DEPLOY_ENV) --sam $(abspath $(SAM))
	$(PY) -m deploy web --config-env $(DEPLOY_ENV)

# After the first deployment: the organization and its owner (Cognito emails a temporary
# password). Idempotent; refuses a second owner unless ANOTHER_OWNER=1.
ORG_ID ?=
TIMEZONE ?= UTC
.PHONY: first-owner
first-owner: $(STAMP) ## the deployed stack's first organization and owner (EMAIL= NAME= ORG_NAME= [TIMEZONE= ORG_ID= ANOTHER_OWNER=1])
	@test -n "$(EMAIL)" -a -n "$(NAME)" -a -n "$(ORG_NAME)" || { echo 'usage: make first-owner EMAIL=owner@example.org NAME="Ada Owner" ORG_NAME="Harbour Physio" [TIMEZONE=Europe/London] [DEPLOY_ENV=prod]'; exit 2; }
	$(PY) -m deploy first-owner --config-env $(DEPLOY_ENV) --email "$(EMAIL)" --name "$(NAME)" \
	  --org-name "$(ORG_NAME)" --org-id "$(ORG_ID)" --timezone "$(TIMEZONE)" $(if $(ANOTHER_OWNER),--another-owner)

# Signs in as that owner (password from MOMENTUM_SMOKE_PASSWORD or a prompt; MFA=1 asks for
# a TOTP code) and runs a client, a package, an appointment and the nightly through the stack.
.PHONY: smoke
smoke: $(STAMP) ## check a deployed stack end to end as an owner (EMAIL= [MFA=1] [DEPLOY_ENV=prod])
	@test -n "$(EMAIL)" || { echo 'usage: make smoke EMAIL=owner@example.org [MFA=1] [DEPLOY_ENV=prod]'; exit 2; }
	$(PY) -m deploy smoke --config-env $(DEPLOY_ENV) --email "$(EMAIL)" $(if $(MFA),--mfa)

.PHONY: clean
clean: ## remove the environments and caches
	rm -rf $(VENV) $(TOOLS) .aws-sam .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage

# ---- The web app (web/): npm ci from the committed lock file; Chromium from Debian for e2e ----
WEB := web
WEB_STAMP := $(WEB)/node_modules/.install-stamp
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f -not -name schema.d.ts 2>/dev/null) $(WEB)/index.html $(WEB)/openapi.json $(WEB)/vite.config.ts $(WEB)/tsconfig.json $(WEB)/tsconfig.app.json
CHROMIUM ?= /usr/bin/chromium

$(WEB_STAMP): $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	@touch $@

.PHONY: web-install
web-install: $(WEB_STAMP) ## npm ci in web/ (skipped while node_modules matches the lock file)

$(WEB)/dist/index.html: $(WEB_STAMP) $(WEB_SOURCES)
	cd $(WEB) && npm run build

.PHONY: web-build
web-build: $(WEB)/dist/index.html ## build the web app into web/dist (only when its sources changed)

.PHONY: web-test
web-test: $(WEB_STAMP) ## the web app's component tests (Vitest), lint (ESLint + Prettier) and types
	cd $(WEB) && npm run -s generate && npx vitest run && npm run -s lint && npx tsc -b

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

.PHONY: web-e2e
web-e2e: $(STAMP) $(CHROMIUM) web-build ## browser stories (Playwright + Debian's Chromium) against the local runner
	cd $(WEB) && npm run -s size
	rm -rf $(WEB)/test-results/screenshots
	cd $(WEB) && CHROMIUM_PATH=$(CHROMIUM) npx playwright test
	@echo "Screenshots: $(WEB)/test-results/screenshots/"

.PHONY: web-openapi
web-openapi: $(STAMP) ## refresh web/openapi.json (the web client's snapshot) from the API
	$(PY) -m local openapi --output $(WEB)/openapi.json

# Lighthouse (npm, pinned) lives beside the other tools, not in web/'s lock file: only the
# web benchmark needs it, and it would double what `npm ci` installs for every test run.
LIGHTHOUSE := $(TOOLS)/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix $(TOOLS)/lighthouse --no-audit --no-fund --loglevel=error lighthouse@12.8.2

.PHONY: bench-web
bench-web: $(STAMP) $(CHROMIUM) $(LIGHTHOUSE) web-build ## the web app's budgets: initial JS and Lighthouse of the On track page with 2,000 rows (BENCHMARKS.md)
	CHROME_PATH=$(CHROMIUM) $(PY) bench/bench_web.py --write BENCHMARKS.md
