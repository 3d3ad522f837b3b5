# Summit Coverage: `make run` serves a ready site on SQLite, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SEED := articles/seed/apec-ceo-summit-2025-report.txt

.PHONY: run serve test setup install browser-deps lint format bench clean

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@

install: $(VENV)/.installed

setup: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_report $(SEED) --status published
	$(PY) manage.py create_demo_users
	$(PY) manage.py sync_reconcile

run: setup
	@echo "Serving Summit Coverage at http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "Task queue worker (huey, storage var/tasks.sqlite3) runs alongside; it stops with the server."
	$(PY) manage.py run_huey & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

# Production-shaped: gunicorn, DEBUG off, PostgreSQL and Redis from DATABASE_URL and CACHE_URL.
# SECRET_KEY comes from the environment; without one, a key is generated once into var/.
serve: install
	@test -n "$(DATABASE_URL)" || { echo "make serve needs DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/summit" >&2; exit 2; }
	@test -n "$(CACHE_URL)" || { echo "make serve needs CACHE_URL, e.g. redis://127.0.0.1:6379/1" >&2; exit 2; }
	mkdir -p var
	@test -s var/secret_key || $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key
	SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret_key)} DEBUG=false $(PY) manage.py migrate --noinput
	SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret_key)} DEBUG=false $(PY) manage.py collectstatic --noinput -v 0
	@echo "Serving with gunicorn at http://$(HOST):$(PORT)/ (send X-Forwarded-Proto: https, as the load balancer does)"
	SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret_key)} DEBUG=false HOST=$(HOST) PORT=$(PORT) \
		ALLOWED_HOSTS=$${ALLOWED_HOSTS:-$(HOST),localhost} $(VENV)/bin/gunicorn -c gunicorn.conf.py coverage_site.wsgi

# Browser tests drive Debian's Chromium; install it when missing (needs root, as in CI).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
		else \
			echo "Browser tests need Chromium: sudo apt-get install -y chromium chromium-driver" >&2; exit 1; \
		fi; \
	fi

test: install browser-deps node-deps
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache

# HTML validation (vnu-jar, run with Java 17) and accessibility (axe-core) checks come from npm,
# pinned in package-lock.json. --ignore-scripts stops vnu-jar's post-install JDK download.
.PHONY: node-deps
node-deps:
	@if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ] || [ ! -f node_modules/axe-core/axe.min.js ]; then \
		command -v npm >/dev/null || { echo "HTML and accessibility checks need Node.js and npm: apt-get install -y nodejs npm" >&2; exit 1; }; \
		npm ci --ignore-scripts --no-audit --no-fund; \
	fi
	@command -v java >/dev/null || { echo "The Nu Html Checker needs Java 17: apt-get install -y openjdk-17-jre-headless" >&2; exit 1; }

# Benchmarks print figures, never assert them (timings are not tests); not part of `make test`.
# The seed import alone, then load on PostgreSQL, Redis (db 6) and gunicorn; wrk comes from Debian
# (installed when missing, as root). BENCH_ARGS passes options, e.g. BENCH_ARGS="--sizes tenth".
bench: install
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
		else \
			echo "make bench needs wrk: sudo apt-get install -y wrk" >&2; exit 1; \
		fi; \
	}
	mkdir -p var
	$(PY) bench/seed_import.py
	$(PY) -m bench.run $(BENCH_ARGS)

# Mixed reads and editor writes against gunicorn on PostgreSQL for about two minutes; exits 1 on
# any 5xx, connection error or lost write. Not part of `make test`. LOAD_ARGS passes options.
.PHONY: load
load: install
	mkdir -p var
	$(PY) -m bench.load_mixed $(LOAD_ARGS)
