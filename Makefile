# Two commands for a newcomer: `make demo` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_DB ?= demo.sqlite3
DEMO_URL := sqlite:///$(abspath $(DEMO_DB))
PYTEST_WORKERS ?= 2

.PHONY: install demo demo-reset test lint format bench clean

# Re-installs whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

$(DEMO_DB): | $(VENV)/.installed
	OKIENKO_DB=$(DEMO_URL) $(PY) -m storage demo

demo: install $(DEMO_DB)
	@if [ -f counter_tui/__main__.py ]; then \
		OKIENKO_DB=$(DEMO_URL) $(PY) -m counter_tui; \
	else \
		OKIENKO_DB=$(DEMO_URL) $(PY) -m storage stats; \
		echo "Demo store: $(DEMO_DB) (login: demo / okienko-demo-2026)"; \
	fi

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
