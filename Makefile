# Willaq: `make run` serves the app with demo data; `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run dev test lint types pytest setup worker messages bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $$(command -v $(PYTHON) || command -v python3) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## setup: install, migrate the SQLite database under var/, load territory, categories and demo data
setup: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_willaq --demo

# Serve http://127.0.0.1:8000 with the Celery worker (filesystem broker) and its embedded beat
# (the response clock; schedule file under var/); $(1) is DEBUG.
define serve
	export WILLAQ_DEMO=1 DEBUG=$(1); \
	$(BIN)/celery --quiet -A config worker --pool=solo --loglevel=WARNING \
	  -B --schedule=var/celerybeat-schedule & \
	  worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:8000
endef

## run: set up, then serve as an office runs it: DEBUG off (the app's own error pages)
run: setup
	$(call serve,off)

## dev: the same with DEBUG on, for developers (Django's debug pages with tracebacks)
dev: setup
	$(call serve,on)

## test: lint, types, migrations check and the whole suite with coverage
test: $(STAMP) lint types pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

types: $(STAMP)
	$(BIN)/mypy .

pytest: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/p3_import.py
	$(BIN)/python bench/map.py
	$(BIN)/python bench/charts.py
	$(BIN)/python bench/p2_monthly.py
	$(BIN)/python bench/p4_export.py
	$(BIN)/python bench/p5_intake.py

## (bench/p5_intake.py: P5, the pre-alert intake under gunicorn against /health/, in its own
## PostgreSQL database; it exits non-zero below its 0.5x target.)

## messages: refresh the English catalogue (locale/en) from the Spanish source and compile it
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore="*/tests/*" --ignore=static
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var $(VENV)
