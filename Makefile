# Two commands for a newcomer: `make demo` and `make test` (see README.md; the guides are in docs/).
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_DB ?= demo.sqlite3
DEMO_URL := sqlite:///$(abspath $(DEMO_DB))
# Two test processes per core (4 on CI's 2): the clerk app's Pilot tests wait about 40 ms after every
# key for the app to go idle, and others wait on a modem, a server or a browser; a fourth process
# fills those waits (docs/measured.md, "The test suite").
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) * 2 )))

.PHONY: install demo demo-sms demo-visit demo-reset test lint format bench bench-flood clean

bench: install
	$(PY) -m bench.tui_scale

# The portal behind nginx under a login flood (needs Debian's nginx; see docs/measured.md, "Login flood").
bench-flood: install
	$(PY) -m bench.login_flood

# Re-installs whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@# Not --no-compile: it halves the install's time, but then the first import of python-gsmmodem-new
	@# compiles it and prints its SyntaxWarning ("is not" with a literal), which broke the one-line
	@# error messages of the sms_modem commands on a fresh clone (25 tests).
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

# The portal's message catalogues, compiled from the committed .po files.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard public_status/translations/*/LC_MESSAGES/messages.po))
%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -i $< -o $@

install: $(VENV)/.installed $(MO_FILES)

$(DEMO_DB): | $(VENV)/.installed
	OKIENKO_DB=$(DEMO_URL) $(PY) -m storage demo --history

# The demo prints nowhere unless OKIENKO_PRINT_COMMAND names a real print command.
demo: install $(DEMO_DB)
	@OKIENKO_DB=$(DEMO_URL) $(PY) -m storage migrate >/dev/null
	@echo "Baza demonstracyjna: $(DEMO_DB) – logowanie: demo / okienko-demo-2026 (widać je też na ekranie logowania)"
	OKIENKO_DB=$(DEMO_URL) OKIENKO_PRINT_COMMAND="$${OKIENKO_PRINT_COMMAND:-true {file}}" $(PY) -m counter_tui

# Stage change → outbox → simulated modem, on the demo store (see docs/delivery.md, "Demo without hardware").
demo-sms: install $(DEMO_DB)
	@OKIENKO_DB=$(DEMO_URL) $(PY) -m storage migrate >/dev/null
	@rm -rf /tmp/okienko-modem && mkdir -p /tmp/okienko-modem
	@$(PY) -m sms_modem simulator --dir /tmp/okienko-modem > /tmp/okienko-modem/simulator.log 2>&1 & echo $$! > /tmp/okienko-modem/pid
	@sleep 1
	@case=$$(OKIENKO_DB=$(DEMO_URL) $(PY) -m storage register --clerk demo --type temp_work --name "Demo SMS" \
		--phone "+48 600 700 800" --lang pl --json | $(PY) -c 'import json,sys; print(json.load(sys.stdin)["case_number"])'); \
	OKIENKO_DB=$(DEMO_URL) $(PY) -m storage set-stage $$case formal_check --clerk demo
	OKIENKO_DB=$(DEMO_URL) $(PY) -m sms_modem run --port /tmp/okienko-modem/ttyGSM0 --quiet-hours off --per-minute 0 --once
	@kill $$(cat /tmp/okienko-modem/pid)
	@echo "--- simulator log:"; grep "SMS to" /tmp/okienko-modem/simulator.log
	OKIENKO_DB=$(DEMO_URL) $(PY) -m sms_modem status

# Booking a visit with the code through the simulated modem (see docs/delivery.md, "Demo without hardware").
# The portal on http://127.0.0.1:8080/visit; each text the modem sends is printed here. Ctrl+C stops all three.
demo-visit: install $(DEMO_DB)
	@OKIENKO_DB=$(DEMO_URL) $(PY) -m storage migrate >/dev/null
	@rm -rf /tmp/okienko-modem && mkdir -p /tmp/okienko-modem
	@echo "Portal: http://127.0.0.1:8080/visit – texts the simulated modem sends appear below. Ctrl+C stops."
	@trap 'kill 0' INT TERM; \
	$(PY) -m sms_modem simulator --dir /tmp/okienko-modem 2>&1 | grep --line-buffered "SMS to" & \
	sleep 1; \
	OKIENKO_DB=$(DEMO_URL) $(PY) -m sms_modem run --port /tmp/okienko-modem/ttyGSM0 --quiet-hours off --per-minute 0 \
		> /tmp/okienko-modem/loop.log 2>&1 & \
	OKIENKO_DB=$(DEMO_URL) $(PY) -m public_status serve --demo --port 8080 --threads 4 > /tmp/okienko-modem/portal.log 2>&1

demo-reset:
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# The fleet pass: the portal tests of sessions, throttles, visit holds and revocation (and the pages
# that differ for a logged-in applicant) once more, on PostgreSQL against two portal processes behind
# one nginx (tests/portal/fleet.py; docs/portal.md, "Several processes and machines"). One fleet for
# the whole pass, in one test process.
FLEET_TESTS := tests/portal/test_fleet.py tests/portal/test_sessions.py tests/portal/test_login_security.py \
	tests/portal/test_info.py tests/portal/test_visits.py tests/portal/test_visit_code_prg.py tests/portal/test_visit_cancel_spacing.py \
	tests/portal/test_visit_wrong_number.py tests/portal/test_visit_phone_privacy.py tests/portal/test_messages.py \
	tests/portal/test_pages.py tests/portal/test_store_rules.py

# worksteal: a test process that runs out of tests takes some of another's queue, so the run does not end
# waiting on one process's last long tests.
# The fleet pass runs beside the main one (it mostly waits on its servers); its report follows the main one's.
# The tests start the programs hundreds of times (the admin command line, the portal, the modem loop, the
# clerk app in tmux), and every test process collects the suite. Where PYTHONDONTWRITEBYTECODE is set, as
# on this workplace's machines, none of them kept its compiled modules, so each start compiled the project
# anew (about 90 ms of CPU) and each test process rewrote every test module (collection 3.2 → 7.6 s).
# The suite's own run keeps them; the programs are compiled once up front, not by four processes at once.
test: export PYTHONDONTWRITEBYTECODE =
test: lint
	@rm -f test-artifacts/timings.txt; mkdir -p test-artifacts
	@$(PY) -m compileall -q -j 0 storage public_status sms_modem counter_tui bench > /dev/null
	@OKIENKO_TEST_PORTAL_FLEET=1 $(VENV)/bin/pytest -p no:cacheprovider $(FLEET_TESTS) > test-artifacts/fleet-pass.log 2>&1 & \
	fleet=$$!; \
	echo '$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist worksteal -p no:cacheprovider -m "not fleet"'; \
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist worksteal -p no:cacheprovider -m "not fleet"; main=$$?; \
	wait $$fleet; fleet=$$?; \
	echo "--- the fleet pass: OKIENKO_TEST_PORTAL_FLEET=1 pytest $(FLEET_TESTS)"; cat test-artifacts/fleet-pass.log; \
	test $$main -eq 0 && test $$fleet -eq 0
	@if [ -f test-artifacts/timings.txt ]; then echo "--- measured:"; cat test-artifacts/timings.txt; fi

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: demo-reset
	rm -rf $(VENV) test-artifacts .pytest_cache .ruff_cache
