"""Password checks bounded per machine, below the pages' priority (issue 21): with several portal
processes the slots are lock files all of them share, and bcrypt runs on threads the operating
system serves after the ones answering pages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from storage.cases import public
from storage.cases.public import BusyMemory, CheckSlots, LoginBusy

HOLDER = textwrap.dedent(
    """
    import sys, contextlib
    from storage.cases.public import CheckSlots
    slots = CheckSlots(int(sys.argv[2]), reserved=1, directory=sys.argv[1])
    with contextlib.ExitStack() as held:
        for clean in [False] * int(sys.argv[2]) + [True]:
            held.enter_context(slots.slot(clean))
        print("holding", flush=True)
        sys.stdin.read()
    """
)


def test_a_slot_held_by_another_process_is_taken_for_this_one_until_that_process_dies(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path), "2"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "holding"
        mine = CheckSlots(2, reserved=1, directory=tmp_path)
        for clean in (False, True):  # neither an ordinary nor the kept slot is free on this machine
            with pytest.raises(LoginBusy), mine.slot(clean):
                pass
        holder.send_signal(signal.SIGKILL)  # a worker killed mid-check gives its slots back
        holder.wait(timeout=30)
        with mine.slot(False) as reserved:
            assert reserved is False and mine.in_use == 1
    finally:
        if holder.poll() is None:
            holder.kill()


def test_two_threads_of_one_process_never_share_a_slot(tmp_path):
    slots = CheckSlots(1, reserved=0, directory=tmp_path)
    with slots.slot(True):
        refused = []

        def other() -> None:
            try:
                with slots.slot(True):
                    pass
            except LoginBusy:
                refused.append(True)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert refused == [True]


def test_passwords_are_checked_on_threads_below_the_pages_priority():
    page_priority = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    checking = public._CHECKERS.submit(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())).result()
    assert checking == min(19, page_priority + public.CHECK_NICENESS)


def test_private_slots_leave_no_folder_behind():
    """Slots without a shared folder (a test's own) keep their lock files in a folder that goes with them."""
    import gc

    slots = CheckSlots(1)
    with slots.slot(clean=True):
        folder = slots.directory
        assert (folder / "check-0").exists()
    del slots
    gc.collect()
    assert not folder.exists()


NOTER = textwrap.dedent(
    """
    import sys
    from storage.cases.public import BusyMemory
    BusyMemory(directory=sys.argv[1]).note(sys.argv[2])
    """
)


def test_an_address_answered_busy_by_one_process_is_looping_for_every_process_of_the_machine(tmp_path):
    """Started twice behind nginx, the portal's busy memory was per process: an address one process
    answered "busy" was clean to the other and could take its reserved slot."""
    address = "203.0.113.77"
    mine = BusyMemory(directory=tmp_path)
    assert not mine.looping(address)
    subprocess.run([sys.executable, "-c", NOTER, str(tmp_path), address], check=True, timeout=60)
    assert mine.looping(address) and not mine.looping("203.0.113.78")
    # Kept without writing the address down.
    kept = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert kept and all(address not in p.name and address.encode() not in p.read_bytes() for p in kept)


def test_the_portal_shares_its_busy_memory_where_it_shares_its_slots():
    assert public.BUSY.directory.parent == public.CHECK_SLOTS.directory
