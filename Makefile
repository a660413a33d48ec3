# Two commands on a fresh machine: `make demo` and `make test` (each builds .venv first).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo distributed-demo test bench bench-crawl bench-queries clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/archiver demo

# The demo with a real Redis (installed by scripts/system-packages.sh when missing), three
# crawl workers and one archive writer; its archive equals `make demo`'s.
distributed-demo: $(STAMP)
	sh scripts/system-packages.sh
	$(BIN)/python -m archiver.distributed.demo --workers 3

test: $(STAMP)
	sh scripts/system-packages.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/changes.py
	$(BIN)/python bench/robustness.py
	$(BIN)/python bench/storage.py
	$(BIN)/python bench/discovery.py
	$(BIN)/python bench/templates.py

# `scrapy crawl news` against a bare spider on 1,000 real pages served locally, then 5,000 for
# peak memory (about 15 minutes on a busy 2-core machine).
bench-crawl: $(STAMP)
	$(BIN)/python bench/crawl.py --large 5000

# The archive at 1,000,000 versions (builds it first: about half an hour on 2 cores).
bench-queries: $(STAMP)
	$(BIN)/python bench/queries.py

clean:
	rm -rf $(VENV) data/demo.db data/demo.db-wal data/demo.db-shm data/demo-distributed.db*
