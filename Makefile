# quicksilver: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup demo test test-sqlite lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Set up, then run the demo on SQLite.
demo: $(STAMP)
	$(PY) examples/demo.py

## Set up, then run the whole suite on SQLite and a throwaway PostgreSQL,
## call-count guards (tests/perf) included.
test: $(STAMP)
	QUICKSILVER_PERF=1 scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_ARGS)

## The suite on SQLite only (no PostgreSQL).
test-sqlite: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench examples tools
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	scripts/with-postgres.sh $(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
