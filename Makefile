# footnoted: `make run` sets up and serves the bundled briefing; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test check lint format typecheck setup clean

setup: $(STAMP)

# The venv is rebuilt when missing or when pyproject.toml changes. CPU torch is installed first,
# pinned, so that nothing later pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev,langchain,llamaindex,mcp]'
	@touch $(STAMP)

# Builds the bundled briefing's index when missing (in the per-user data directory, or
# FOOTNOTED_HOME), then serves the API and the web page on http://$(HOST):$(PORT)/.
run: $(STAMP)
	$(BIN)/footnoted info
	$(BIN)/footnoted serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check footnoted tests bench
	$(BIN)/ruff format --check footnoted tests bench

format: $(STAMP)
	$(BIN)/ruff format footnoted tests bench
	$(BIN)/ruff check --fix footnoted tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
