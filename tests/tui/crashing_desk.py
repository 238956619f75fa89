"""The clerk app's real entry point with one fault put in for a test: the worklist raises as it
opens, holding a visitor's name and phone in a local variable (as the markup crash of issue 17
held other visitors' rows). Run as `python -m tests.tui.crashing_desk` by the tmux crash test."""

from __future__ import annotations

import sys

from counter_tui.__main__ import main
from counter_tui.screens.worklist import WorklistScreen

VISITOR = "Sekretna Odwiedzająca +48 600 100 200"


def _broken_mount(self: WorklistScreen) -> None:
    visitor_row = VISITOR  # noqa: F841 – a local the traceback's locals would show
    raise RuntimeError("fault put in by tests/tui/crashing_desk.py")


if __name__ == "__main__":  # only in the process the test starts: importing this changes nothing
    WorklistScreen.on_mount = _broken_mount
    sys.exit(main())
