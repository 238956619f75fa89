"""`python -m counter_tui` / `okienko-desk`: the clerk app on OKIENKO_DB."""

from __future__ import annotations

import argparse
import sys

from counter_tui.settings import SettingsError, load_settings
from storage import desk as store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m counter_tui", description="Okienko – aplikacja okienka")
    parser.add_argument("--db", help="adres bazy (domyślnie OKIENKO_DB)")
    args = parser.parse_args(argv)
    with store.exit_codes("błąd", usage_errors=(SettingsError, store.SettingsError)) as failed:
        # Every store setting (bcrypt cost, retention, the URL) before anything else: a broken one stops here.
        store.check_settings(("OKIENKO_PORTAL_URL",), db_url=args.db)
        settings = load_settings()
        store.open_current(args.db)
    if failed.code:
        return failed.code
    from counter_tui.app import OkienkoApp
    from counter_tui.crash_log import record_crash

    app = OkienkoApp(settings)
    try:
        app.run()
    except Exception as exc:  # failed outside Textual's own handling (starting, the terminal): same rule
        print(record_crash(exc), file=sys.stderr)
        return 1
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
