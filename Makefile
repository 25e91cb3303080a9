# datagraph: `make demo` runs the demo, `make test` runs the tests. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
CORE := $(VENV)/.installed-core
FULL := $(VENV)/.installed-full
SERVICES := bash tests/services/services.sh

.PHONY: demo test services services-stop services-status lint format bench clean

# The demo needs the core only; the tests need the ML extra too (torch from PyPI with its CUDA
# libraries, ~3 GB on a first install), so the demo does not wait for it.
$(CORE): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing datagraph into $(VENV)..."
	$(PIP) -e .
	@touch $(CORE)

$(FULL): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing datagraph with its ML and test extras into $(VENV) (torch 2.13.0 first)..."
	$(PIP) torch==2.13.0
	$(PIP) -e '.[ml,dev]'
	@touch $(CORE) $(FULL)

demo: $(CORE)
	$(VENV)/bin/datagraph demo

# PostgreSQL, MariaDB and Neo4j on 127.0.0.1, for the tests (see tests/services/services.sh).
services:
	@$(SERVICES) start

services-stop:
	@$(SERVICES) stop

services-status:
	@$(SERVICES) status

test: $(FULL) services
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -q --fail-on-skip

lint: $(FULL)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(FULL)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(FULL)
	$(PY) -m bench.lineage

clean:
	rm -rf $(VENV) .datagraph .pytest_cache .ruff_cache *.egg-info
