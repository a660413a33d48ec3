# Two commands on a fresh machine: `make demo` and `make test` (each builds .venv first).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/archiver demo

test: $(STAMP)
	sh scripts/system-packages.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/changes.py
	$(BIN)/python bench/robustness.py

clean:
	rm -rf $(VENV) data/demo.db data/demo.db-wal data/demo.db-shm
