# Two commands for a newcomer: `make run` and `make test`. Needs only Python 3.11.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# Processes for the parallel part of the suite (pytest-xdist); "auto" is one per CPU.
TEST_WORKERS ?= auto

# Installs come from the locks in requirements/ (exact versions with their hashes), compiled
# from the ranges in pyproject.toml by `make lock`. The project itself is not installed:
# manage.py, celery and pytest run from the checkout.
INSTALL := $(BIN)/pip install --quiet --require-hashes
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links

.PHONY: run test lint lock browser clean

$(BIN)/python:
	$(shell command -v $(PYTHON) || echo python3) -m venv $(VENV)

# A changed lock reinstalls.
$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(INSTALL) -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(BIN)/python
	$(INSTALL) -r requirements/dev.txt
	touch $@

# Sets up, migrates, loads the demo and starts web + Celery worker + beat on http://127.0.0.1:8000
run: $(VENV)/.installed-base
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile.dev

# Re-compiles both locks after a change to the ranges in pyproject.toml (or, with
# LOCK_ARGS=--upgrade, to take the newest releases the ranges allow). dev.txt is constrained
# by base.txt, so the two agree on every package they share.
lock: $(VENV)/.installed-dev
	$(LOCK) $(LOCK_ARGS) --output-file requirements/base.txt pyproject.toml
	$(LOCK) $(LOCK_ARGS) --extra dev --constraint requirements/base.txt \
		--output-file requirements/dev.txt pyproject.toml

# Debian's Chromium and CJK fonts for the browser tests (installed when we are root).
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto sans cjk" || \
	{ if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "Browser tests need Debian's chromium and fonts-noto-cjk: sudo apt-get install chromium fonts-noto-cjk"; fi; }

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# Sets up the dev extras, then ruff and the whole pytest suite (browser tests included) in two
# runs: first what may share the machine, in parallel; then the tests marked `serial` (browser,
# live server, real Celery worker) in one process. Either run failing, or collecting nothing,
# fails the target.
test: $(VENV)/.installed-dev browser lint
	$(BIN)/pytest -m "not serial" -n $(TEST_WORKERS) $(PYTEST_ARGS)
	$(BIN)/pytest -m serial $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var
