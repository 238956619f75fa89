"""Many desks registering at once: 4 processes × 200 filings → 800 distinct, valid numbers."""

from pathlib import Path

import pytest

import storage
from storage import case_numbers
from tests.desk_processes import run_together
from tests.helpers import CLERK

PROCESSES = 4
PER_PROCESS = 200


def _register_many(count: int) -> tuple[list[str], list[str]]:
    import os

    os.environ["OKIENKO_BCRYPT_COST"] = "4"
    import storage as st

    numbers, errors = [], []
    for i in range(count):
        try:
            filing = st.register_filing(
                clerk=CLERK, case_type="temp_study", applicant_name=f"Applicant {os.getpid()} {i}", language="en"
            )
            numbers.append(filing.number)
        except Exception as exc:  # reported to the parent, which fails the test
            errors.append(repr(exc))
    return numbers, errors


def test_concurrent_registrations_get_distinct_valid_numbers(store, record_property):
    """Separate processes, each with its own connection, as separate desks would be."""
    results, elapsed = run_together(_register_many, store.url, [(PER_PROCESS,)] * PROCESSES, timeout=600)
    numbers = [n for got, _ in results for n in got]
    errors = [e for _, errs in results for e in errs]
    assert errors == []
    assert len(numbers) == PROCESSES * PER_PROCESS
    assert len(set(numbers)) == len(numbers)
    assert all(case_numbers.is_valid(n) for n in numbers)
    assert storage.store_stats()["cases"] == PROCESSES * PER_PROCESS
    record_property("seconds", round(elapsed, 2))
    # Reported, not asserted: `make test` prints this file after the run.
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with (artifacts / "timings.txt").open("a", encoding="utf-8") as fh:
        fh.write(f"{store.backend}: {PROCESSES} processes × {PER_PROCESS} registrations in {elapsed:.2f} s\n")


pytestmark = pytest.mark.slow
