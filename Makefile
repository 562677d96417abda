# claimlab: `make run` sets everything up and starts the app; `make test` runs the checks.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch==2.13.0
export CLAIMLAB_HOME ?= $(CURDIR)/.claimlab

.PHONY: setup run test lint format bench clean

$(BIN)/claimlab: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e ".[dev,ray,align]"
	touch $@

setup: $(BIN)/claimlab

run: setup
	$(BIN)/claimlab serve

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/pytest

bench: setup
	$(BIN)/pytest bench --benchmark-only -p no:cacheprovider

clean:
	rm -rf $(VENV) .claimlab .pytest_cache
