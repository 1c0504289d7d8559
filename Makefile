# The two commands a newcomer needs: `make run` and `make test`.
VENV    := .venv
PY      := $(VENV)/bin/python
RAW     ?= samples
HOST    ?= 127.0.0.1
PORT    ?= 8000
# The PostgreSQL that `make test` also runs the suite on when it is reachable.
PG_URL  ?= postgres://postgres@127.0.0.1:5432/newsroom
# Each run ends with its time and its five slowest tests.
TIMES   := --durations=5
# The Chromium that the browser tests (tests/browser, marker "browser") drive.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: run test test-quick test-sqlite test-postgres lint format bench install clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ensure_admin
	-$(PY) manage.py import_articles $(RAW)
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install lint
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite
	@# tests/postgres_ready.py creates the database when the server lacks it,
	@# and prints why when it cannot use the server.
	@if $(PY) tests/postgres_ready.py '$(PG_URL)'; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "REQUIRE_POSTGRES is set: failing."; exit 1; \
	else \
		echo "NOTE: ran the suite on SQLite only (PostgreSQL at $(PG_URL) not usable, see above)."; \
	fi

# With Chromium, the browser tests run here (once is enough: not on PostgreSQL).
# Without it they are skipped with a note, or fail the run if REQUIRE_BROWSER is set.
test-sqlite: install
	@echo "== test suite on SQLite =="
	@if [ -x "$(CHROMIUM)" ]; then \
		echo "env -u DATABASE_URL $(VENV)/bin/pytest $(TIMES)"; \
		env -u DATABASE_URL $(VENV)/bin/pytest $(TIMES); \
	elif [ -n "$$REQUIRE_BROWSER" ]; then \
		echo "Chromium not found at $(CHROMIUM) (set CHROMIUM=...), and REQUIRE_BROWSER is set"; exit 1; \
	else \
		echo "env -u DATABASE_URL $(VENV)/bin/pytest -m 'not browser' $(TIMES)"; \
		env -u DATABASE_URL $(VENV)/bin/pytest -m "not browser" $(TIMES) && \
		echo "NOTE: Chromium not found: skipped the browser tests."; \
	fi

test-postgres: install
	@echo "== test suite on PostgreSQL ($(PG_URL)) =="
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -m "not browser" $(TIMES)

# The suite without the browser and the slow batteries: seconds, not minutes.
test-quick: install
	env -u DATABASE_URL $(VENV)/bin/pytest -m "not browser and not slow" $(TIMES)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) bench/parse_bench.py
	$(PY) bench/import_bench.py --files 1000 --db sqlite
	$(PY) bench/import_bench.py --files 1000 --db postgres

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
