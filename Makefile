# rapnb: `make report` renders everything, `make test` runs the whole suite.
# Both create .venv and install the project into it when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= outputs

.PHONY: install report test lint validate refresh-notebooks bench datapackage clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/rapnb render --out $(OUT)

test: $(STAMP)
	$(BIN)/ruff check rapnb tests scripts benchmarks
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check rapnb tests scripts benchmarks

datapackage: $(STAMP)
	$(BIN)/python scripts/build_datapackage.py

clean:
	rm -rf $(VENV) build dist *.egg-info
