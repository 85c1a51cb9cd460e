# signalen — `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.signalen-installed
DEMO_N ?= 20000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install demo demo-data pipeline dashboard test test-fast bench clean

help: ## list the targets with a one-line description
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv if missing and install the project with its test tools

demo-data: install ## generate the synthetic demo corpus into data/raw (DEMO_N signals)
	$(BIN)/signalen demo-data --n $(DEMO_N) --seed 42 --out data/raw

pipeline: install ## run the papermill pipeline (ingest, mask, topics, validate, aggregates) on data/raw
	$(BIN)/signalen pipeline

dashboard: install ## serve the Voila dashboard on http://127.0.0.1:8866
	$(BIN)/signalen serve

demo: install ## install, build the demo data, run the pipeline and serve the dashboard
	$(BIN)/signalen demo --n $(DEMO_N)

test: install ## install and run every test (PostgreSQL and browser tests skip with a message when absent, fail under CI=true)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install ## the tests without notebooks, browser and large corpora
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

bench: install ## run every benchmark script in benchmarks/ and print their figures
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean: ## remove generated data and reports (keeps .venv)
	rm -rf data/raw data/processed data/*.duckdb data/*.duckdb.wal reports/runs reports/screenshots
