# rapnb: `make report` renders everything, `make test` runs the whole suite.
# Both create .venv and install the locked packages (requirements/lock.txt) into it when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements/lock.txt
LAB_LOCK := requirements/lab.txt
LOCKED := $(VENV)/.locked
STAMP := $(VENV)/.installed
LAB_STAMP := $(VENV)/.lab
OUT ?= outputs

# `make lock` resolves with uv (pinned here), kept in its own venv so .venv holds only the lock.
UV_VERSION := 0.13.8
LOCK_TOOLS := .venv-lock
UV := $(LOCK_TOOLS)/bin/uv
# make lock UPGRADE=altair (one package, and what it needs) | UPGRADE=all (everything)
UPGRADE ?=
UPGRADE_FLAGS := $(if $(filter all,$(UPGRADE)),--upgrade,$(foreach p,$(UPGRADE),--upgrade-package $(p)))
COMPILE = $(UV) pip compile pyproject.toml requirements/installer.in --extra test \
	--universal --python-version 3.11 --generate-hashes --custom-compile-command 'make lock' \
	--quiet

NBVAL := --nbval --nbval-sanitize-with notebooks/nbval_sanitize.cfg -p no:cacheprovider

.PHONY: install bytecode report test test-fast chromium page-checkers lint validate refresh-notebooks \
	bench catalogs datapackage lab lock clean

install: $(STAMP)

# A new lock means a new venv: nothing stays installed that the lock no longer lists (not even
# the setuptools that Python 3.11's venv brings).
$(LOCKED): $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(None if sys.version_info >= (3, 11) else \
		"rapnb needs Python 3.11: run make with PYTHON=/path/to/python3.11")'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	! $(BIN)/python -m pip show --quiet setuptools 2>/dev/null || \
		$(BIN)/python -m pip uninstall --quiet --yes setuptools
	touch $@

# The project itself, editable, built by the locked hatchling (no unlocked build environment).
$(STAMP): $(LOCKED) pyproject.toml
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

# rapnb's bytecode, compiled before a render as pip compiles what it installs (only modules
# changed since): where PYTHONDONTWRITEBYTECODE is set, each process of a render (the render
# process, its workers, the zygote) would otherwise compile rapnb's modules anew.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q rapnb

report: bytecode
	$(BIN)/rapnb render --out $(OUT)

# Everything: lint, the unit and integration tests, and strict nbval of the committed notebooks.
# Chromium first: a machine that cannot get it stops here, before the venv is built.
test: chromium page-checkers lint
	$(BIN)/python -m pytest $(NBVAL) tests notebooks

# The unit tests only (no kernels, renders, browsers or wheels): under 30 s.
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests/unit

# Re-run a rendered batch (the notebooks papermill wrote into $(OUT)) and compare its outputs.
validate: $(STAMP)
	@ls -d $(OUT)/*/sheets >/dev/null 2>&1 || { echo "no rendered batch in $(OUT)/ (run make report first)"; exit 2; }
	$(BIN)/python -m pytest $(NBVAL) $(wildcard $(OUT)/*/regional_overview $(OUT)/*/sheets)

# Re-execute the committed notebooks top to bottom so their stored outputs are current.
refresh-notebooks: $(STAMP)
	$(BIN)/python -m rapnb.build.refresh

# The browser test needs Chromium: installed with apt-get when missing (as root), else one line
# saying what to run, and exit status 2.
chromium:
	@sh scripts/ensure_chromium.sh

# The page checkers need npm (axe-core, vnu-jar) and Java (vnu.jar): installed with apt-get when
# missing (as root), else one line saying what to run, and exit status 2.
page-checkers:
	@sh scripts/ensure_page_checkers.sh

# ruff (package, tests, scripts, notebooks), mypy on the package, and the import contracts of
# pyproject.toml (layers point one way; no cycles between modules).
lint: $(STAMP)
	$(BIN)/ruff check rapnb tests scripts benchmarks notebooks
	$(BIN)/mypy
	$(BIN)/lint-imports

# Render benchmark: floor, full render at --jobs 1 and 2, import time, kernel peak memory.
bench: bytecode
	$(BIN)/python benchmarks/bench_render.py

# The gettext catalogs: rapnb/locale/rapnb.pot from the code and notebooks, merged into each
# language's .po (translate the new messages there, then `make test` checks none is missing).
catalogs: $(STAMP)
	$(BIN)/python scripts/i18n.py extract
	$(BIN)/python scripts/i18n.py update

datapackage: $(STAMP)
	$(BIN)/python scripts/build_datapackage.py

# JupyterLab for analysts, in the same venv (not needed by report or test): requirements/lab.txt
# is the lock plus JupyterLab, every shared package at the lock's version.
$(LAB_STAMP): $(STAMP) $(LAB_LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LAB_LOCK)
	$(BIN)/python -m pip check
	touch $@

lab: $(LAB_STAMP)
	$(BIN)/jupyter lab notebooks

# Re-resolve the lock on purpose. Versions already locked are kept unless UPGRADE names them
# (UPGRADE=all: the newest that pyproject.toml allows); then `make test`, and if outputs
# changed, `make refresh-notebooks` and commit the notebooks with the lock. A file whose content
# does not change keeps its time, so the venv is not rebuilt for nothing.
lock:
	test -x $(UV) || { $(PYTHON) -m venv $(LOCK_TOOLS) && \
		$(LOCK_TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION); }
	cp $(LOCK) $(LOCK).new && $(COMPILE) $(UPGRADE_FLAGS) -o $(LOCK).new
	cmp -s $(LOCK).new $(LOCK) && rm $(LOCK).new || mv $(LOCK).new $(LOCK)
	cp $(LAB_LOCK) $(LAB_LOCK).new && $(COMPILE) --extra lab -c $(LOCK) $(UPGRADE_FLAGS) \
		-o $(LAB_LOCK).new
	cmp -s $(LAB_LOCK).new $(LAB_LOCK) && rm $(LAB_LOCK).new || mv $(LAB_LOCK).new $(LAB_LOCK)

clean:
	rm -rf $(VENV) $(LOCK_TOOLS) build dist *.egg-info
