# Luoshi — the two commands are `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1:8000

.PHONY: run test install install-test browser-deps importer-deps lint bench probe load migrate demo clean

$(PY):
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" || { echo "需要 Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(PY)
	$(PIP) install --quiet -e .

install-test: $(PY)
	$(PIP) install --quiet -e ".[test]"

## make run: embedded mode — SQLite, Celery eager, demo data, scheduled jobs in-process, http://127.0.0.1:8000
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py serve $(HOST)

## make test: the whole suite (PostgreSQL when DATABASE_URL is set, SQLite otherwise)
test: install-test browser-deps importer-deps
	$(PY) -m pytest -p no:cacheprovider -n 2 --dist loadfile

# Browser tests need Debian's chromium, CJK fonts and axe-core from npm.
browser-deps:
	@bash scripts/browser-deps.sh

# Importer tests need LibreOffice headless (old .doc/.wps/.xls/.et/.rtf files); `make run` does not.
importer-deps:
	@bash scripts/importer-deps.sh

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

bench: install-test importer-deps
	$(PY) -m pytest -p no:cacheprovider -m bench tests/bench -s -q

## make probe: schemathesis against the API schema, 50 examples per operation, with a read-write and a
## read-only token (about 3½ minutes on 2 cores; prints the counts as JSON lines)
probe: install-test
	$(PY) -m pytest -p no:cacheprovider -m probe tests/api/test_schema_probe.py -s -q -p no:logging

## make load: a deadline day on this machine (PostgreSQL of DATABASE_URL, Redis on 127.0.0.1);
## LOAD_UNITS (300) member units for LOAD_SECONDS (600)
load: install-test
	$(PY) -m tests.load.run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media node_modules
