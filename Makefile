# `make demo` and `make test` are all a fresh machine needs (python3 + make).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/corridors info
	$(BIN)/corridors route Changchun Busan --by generalized
	$(BIN)/corridors report --out $(OUT)
	@echo "Report: $(OUT)/report.html (maps in $(OUT)/maps, tables in $(OUT)/tables, layers in $(OUT)/corridors.gpkg)"

test: $(STAMP)
	$(BIN)/python -m pytest -q
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_routing
	$(BIN)/python -m benchmarks.bench_resilience
	$(BIN)/python -m benchmarks.bench_reach
	$(BIN)/python -m benchmarks.bench_osm
	$(BIN)/python -m benchmarks.bench_assignment
	$(BIN)/python -m benchmarks.bench_engine

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
