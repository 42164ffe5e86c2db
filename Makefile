# rapnb: `make report` renders everything, `make test` runs the whole suite.
# Both create .venv and install the project into it when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= outputs

NBVAL := --nbval --nbval-sanitize-with notebooks/nbval_sanitize.cfg -p no:cacheprovider

.PHONY: install report test test-fast lint validate refresh-notebooks bench datapackage lab clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/rapnb render --out $(OUT)

# Everything: lint, the unit and integration tests, and strict nbval of the committed notebooks.
test: lint
	$(BIN)/python -m pytest $(NBVAL) tests notebooks

# The unit tests only (no kernels, renders, browsers or wheels): under 30 s.
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests/unit

# Re-run a rendered batch (the notebooks papermill wrote into $(OUT)) and compare its outputs.
validate: $(STAMP)
	@test -d $(OUT)/sheets || { echo "no rendered batch in $(OUT)/ (run make report first)"; exit 2; }
	$(BIN)/python -m pytest $(NBVAL) $(OUT)/regional_overview $(OUT)/sheets

# Re-execute the committed notebooks top to bottom so their stored outputs are current.
refresh-notebooks: $(STAMP)
	$(BIN)/python -m rapnb.build.refresh

# ruff (package, tests, scripts, notebooks), mypy on the package, and the import contracts of
# pyproject.toml (layers point one way; no cycles between modules).
lint: $(STAMP)
	$(BIN)/ruff check rapnb tests scripts benchmarks notebooks
	$(BIN)/mypy
	$(BIN)/lint-imports

# Render benchmark: floor, full render at --jobs 1 and 2, import time, kernel peak memory.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_render.py

datapackage: $(STAMP)
	$(BIN)/python scripts/build_datapackage.py

# JupyterLab for analysts, in the same venv (not needed by report or test).
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf $(VENV) build dist *.egg-info
