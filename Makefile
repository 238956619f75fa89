# Two commands for a newcomer: `make demo` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_DB ?= demo.sqlite3
DEMO_URL := sqlite:///$(abspath $(DEMO_DB))
PYTEST_WORKERS ?= 2

.PHONY: install demo demo-reset test lint format bench clean

bench: install
	$(PY) -m bench.tui_scale

# Re-installs whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

# The portal's message catalogues, compiled from the committed .po files.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard public_status/translations/*/LC_MESSAGES/messages.po))
%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -i $< -o $@

install: $(VENV)/.installed $(MO_FILES)

$(DEMO_DB): | $(VENV)/.installed
	OKIENKO_DB=$(DEMO_URL) $(PY) -m storage demo

# The demo prints nowhere unless OKIENKO_PRINT_COMMAND names a real print command.
demo: install $(DEMO_DB)
	@OKIENKO_DB=$(DEMO_URL) $(PY) -m storage migrate >/dev/null
	@echo "Demo store: $(DEMO_DB) – log in as demo / okienko-demo-2026"
	OKIENKO_DB=$(DEMO_URL) OKIENKO_PRINT_COMMAND="$${OKIENKO_PRINT_COMMAND:-true {file}}" $(PY) -m counter_tui

demo-reset:
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: lint
	@rm -f test-artifacts/timings.txt
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider
	@if [ -f test-artifacts/timings.txt ]; then echo "--- measured:"; cat test-artifacts/timings.txt; fi

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: demo-reset
	rm -rf $(VENV) test-artifacts .pytest_cache .ruff_cache
