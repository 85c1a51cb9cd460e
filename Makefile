# signalen — `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.signalen-installed
DEMO_N ?= 20000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install chromium demo demo-data pipeline dashboard lab test test-fast bench clean

help: ## list the targets with a one-line description
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv if missing and install the project with its test tools

chromium: ## install Debian's chromium (browser tests, report PDFs) where this user may; else say how
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then echo "installing chromium (apt-get)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then echo "installing chromium (sudo apt-get)"; sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests skip and reports get no PDF until then)"; fi

demo-data: install ## generate the synthetic demo corpus into data/raw (DEMO_N signals)
	$(BIN)/signalen demo-data --n $(DEMO_N) --seed 42 --out data/raw

pipeline: install ## run the papermill pipeline (ingest, mask, topics, validate, aggregates) on data/raw
	$(BIN)/signalen pipeline

dashboard: install ## serve the Voila dashboard on http://127.0.0.1:8866
	$(BIN)/signalen serve

demo: install chromium ## install, build the demo data, run the pipeline and serve the dashboard
	$(BIN)/signalen demo --n $(DEMO_N)

lab: install ## open JupyterLab on notebooks/ with the project's settings (the data scientist's door)
	SIGNALEN_HOME=$(CURDIR) $(BIN)/jupyter lab --notebook-dir=notebooks --no-browser --ip=127.0.0.1 $$([ "$$(id -u)" = 0 ] && echo --allow-root)

test: install chromium ## install and run every test (PostgreSQL and browser tests skip with a message when absent, fail under CI=true)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install ## the tests without notebooks, browser and large corpora
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

bench: install ## run every benchmark script in benchmarks/ and print their figures
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean: ## remove generated data and reports (keeps .venv)
	rm -rf data/raw data/processed data/*.duckdb data/*.duckdb.wal reports/runs reports/screenshots
