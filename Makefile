# Factdesk: every target works on a fresh clone; `demo` and `test` create .venv when missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=

.PHONY: setup demo test e2e lint bench bench-full clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres]'
	touch $@

setup: $(VENV)/.installed

demo: $(VENV)/.installed
	$(PY) -m bot demo $(ARGS)

test: $(VENV)/.installed
	$(PY) -m pytest -q

e2e: $(VENV)/.installed
	$(PY) -m pytest -q tests/e2e

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy bot cogs

bench: $(VENV)/.installed
	$(PY) -m bench --sizes 1000,10000

bench-full: $(VENV)/.installed
	$(PY) -m bench --sizes 1000,10000,100000,1000000

clean:
	rm -rf $(VENV) bench/out .pytest_cache .mypy_cache .ruff_cache
