# Allô Mairie: `make run` sets everything up and starts the server; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails, letters and SMS follow the address served (`make run PORT=8101`).
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test setup browser messages lint bench load clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed messages

messages: $(VENV)/.installed
	@$(PY) manage.py compilemessages --ignore=.venv -v 0

run: setup
	$(PY) manage.py migrate --noinput -v 0
	SITE_URL=$(SITE_URL) $(PY) manage.py demo_data --if-empty
	@mkdir -p var
	@# The background worker sends e-mails, SMS and letters (printed to var/outbox.log in the
	@# demo, so they do not bury the address below); it stops with the server.
	@SITE_URL=$(SITE_URL) $(PY) manage.py db_worker --interval 2 --no-reload -v 0 >var/outbox.log 2>&1 & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	echo ""; \
	echo "  Allô Mairie is running at http://$(HOST):$(PORT)/  (Ctrl+C to stop)"; \
	echo "  For citizens: report a problem at http://$(HOST):$(PORT)/signaler/ and follow it at http://$(HOST):$(PORT)/suivre/"; \
	echo "  Demo logins above (password for all: allo-mairie-2026); e-mails and SMS of the demo: var/outbox.log"; \
	echo "  Second factor of admin, superviseur, comite, finances: the current code is printed by"; \
	echo "  $(PY) manage.py demo_totp  (or add the demo secret above to an authenticator app)"; \
	echo ""; \
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium (never `playwright install`).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils gettext; }

test: setup browser
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

bench: setup
	$(PY) bench/run_all.py $(BENCH_ARGS)

# The load test (docs/operations.md): locust in its own environment, a scratch PostgreSQL database.
bench/load/.venv/bin/locust: bench/load/requirements.txt
	$(PYTHON) -m venv bench/load/.venv
	bench/load/.venv/bin/pip install --quiet -r bench/load/requirements.txt
	touch $@

load: setup bench/load/.venv/bin/locust
	$(PY) bench/load/run.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) bench/load/.venv db.sqlite3* media staticfiles
