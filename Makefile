# The two commands of the quick start are `make lab` and `make test`; both set everything up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
# jlpm (from jupyter-builder) and the venv's tools come first.
export PATH := $(BIN):$(PATH)
IP ?= 127.0.0.1
PORT ?= 8888
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=
# Test processes in parallel (pytest-xdist), whole files to each so module fixtures start once:
# most tests wait on servers, kernels and browsers, so 3 keep CI's 2 cores busy. Files go out
# in collection order (`--no-loadscope-reorder`; xdist's default sorts them by test count), so
# the browser files are handed out together and each worker starts Chromium once or twice
# instead of once per run of browser files between other packages' files.
TEST_WORKERS ?= 3
TEST_DIST := --dist loadfile --no-loadscope-reorder
# One OpenMP/BLAS thread per process: the test processes, and the kernels, endpoints and jobs
# they start, already outnumber the cores; library thread pools there only wait on each other.
TEST_THREADS := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: lab test lint format build install chromium postgresql clean api-types api-check

lab: install build  ## Set up and open JupyterLab on the example notebooks.
	$(BIN)/jupyter lab --notebook-dir=example_notebooks --ServerApp.ip=$(IP) --port=$(PORT) $(ROOT_FLAG)

test: install build chromium postgresql lint  ## Set up, lint, and run the whole test suite.
	jlpm test
	$(TEST_THREADS) $(BIN)/python -m pytest -n $(TEST_WORKERS) $(TEST_DIST) --durations=30 $(PYTEST_ARGS)

lint: install  ## ruff, mypy (package and tests), import-linter, eslint, prettier, API types.
	$(BIN)/ruff check jupyter_mlops tests bench
	$(BIN)/ruff format --check jupyter_mlops tests bench
	$(BIN)/mypy
	$(BIN)/mypy --config-file tests/mypy.ini
	$(BIN)/lint-imports
	jlpm lint
	$(MAKE) --no-print-directory api-check

format: install  ## Apply ruff, eslint and prettier fixes.
	$(BIN)/ruff check --fix jupyter_mlops tests bench
	$(BIN)/ruff format jupyter_mlops tests bench
	jlpm lint:fix

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the Python or JS dependency lists change. The editable install builds the
# frontend (hatch-jupyter-builder); `develop` then links it so `make build` updates it in place.
$(VENV)/.installed: $(BIN)/python pyproject.toml package.json yarn.lock
	$(BIN)/python -m pip install --quiet -e ".[test,lint,dev]"
	$(BIN)/jupyter-builder develop --overwrite .
	touch $@

install: $(VENV)/.installed

build: install api-types  ## Rebuild the frontend (incremental).
	jlpm build

# The frontend's types of the REST API are generated from the OpenAPI document (built from the
# handlers' contracts without starting a server) and checked in; `make lint` fails when they are
# stale. The generated file is not hand-edited, linted or formatted.
API_TYPES := labextension/src/api/schema.d.ts
API_CACHE := node_modules/.cache/mlops-openapi

api-types: install  ## Regenerate labextension/src/api/schema.d.ts from the OpenAPI document.
	@mkdir -p $(API_CACHE)
	$(BIN)/jupyter-mlops openapi --write $(API_CACHE)/openapi.json
	jlpm openapi-typescript $(API_CACHE)/openapi.json -o $(API_TYPES) --silent

api-check: install  ## Fail when the checked-in API types differ from a fresh generation.
	@mkdir -p $(API_CACHE)
	$(BIN)/jupyter-mlops openapi --write $(API_CACHE)/openapi.json
	jlpm openapi-typescript $(API_CACHE)/openapi.json -o $(API_CACHE)/schema.d.ts --silent
	@diff -u $(API_TYPES) $(API_CACHE)/schema.d.ts \
	  || { echo "$(API_TYPES) is stale: run 'make api-types' and commit it"; exit 1; }

chromium:  ## Debian's Chromium for the browser tests, installed when missing and possible.
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing and cannot be installed here: browser tests will say so and skip"; \
	  fi; \
	fi

postgresql:  ## Debian's PostgreSQL for the store tests (they start a throwaway server), when missing.
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else \
	    echo "postgresql is missing and cannot be installed here: PostgreSQL tests will say so and skip"; \
	  fi; \
	fi

clean:
	jlpm clean:all || true
	rm -rf $(VENV) node_modules
