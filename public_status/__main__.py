"""`python -m public_status serve` / `okienko-portal serve`: the portal behind waitress."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Callable

from public_status.settings import SettingsError, load_settings, server_options
from public_status.workers import default_workers, listening_socket, serve_forked
from storage import portal as store


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    """Waitress took port 99999 as 99999 % 65536 and served zero threads without a word."""
    message = "a whole number from {low} to {high}, not {given!r}"
    return store.whole_number(low, high, not_a_number=message, out_of_range=message)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m public_status", description="Okienko – applicants' status portal")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the portal with waitress")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_whole_number(1, 65535), default=8080)
    serve.add_argument("--threads", type=_whole_number(1, 256), default=8,
                       help="threads per process (each may hold one DB connection)")  # fmt: skip
    serve.add_argument("--workers", type=_whole_number(1, 64), default=None,
                       help="processes on the one port (default: one per core on PostgreSQL; 1 on SQLite)")  # fmt: skip
    serve.add_argument("--db", help="database URL (default: OKIENKO_DB)")
    serve.add_argument(
        "--demo", action="store_true", help="local demo: random secret key, cookies over plain http allowed"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with store.exit_codes("error", usage_errors=(SettingsError,)) as failed:
        store.check_settings(["OKIENKO_CHECK_SLOTS_DIR"], db_url=args.db)
        settings = load_settings(demo=args.demo)
        store.open_current(args.db)
        postgres = store.is_postgres()
        room = store.connection_room()
    if failed.code:
        return failed.code
    workers = args.workers or default_workers(postgres)
    if workers > 1 and not postgres:
        print(f"error: --workers {workers}: a SQLite store serves one portal process; use PostgreSQL for more",
              file=sys.stderr)  # fmt: skip
        return 2
    if room is not None and store.connections_needed(workers, args.threads) > room.free:
        print(f"error: --workers {workers} × --threads {args.threads}: up to "
              f"{store.connections_needed(workers, args.threads)} database connections, but the PostgreSQL server "
              f"lets this user open {room.free} more now (max_connections {room.max_connections}, {room.in_use} in "
              "use); start fewer, or put PgBouncer in between (docs/portal.md)", file=sys.stderr)  # fmt: skip
        return 2
    from public_status.app import create_app
    from public_status.waitress_server import portal_server
    from public_status.warm_up import warm_up

    app = create_app(settings)
    warm_up(app)
    try:
        if workers == 1:
            server = portal_server(
                app, host=args.host, port=args.port, threads=args.threads, **server_options(settings)
            )
        else:
            listener = listening_socket(args.host, args.port, server_options(settings)["backlog"])
    except (ValueError, OSError) as exc:  # an address that is no address, a port taken or not ours
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    proxy = (
        f"; trusting {settings.proxy_hops} proxy hop(s) from {settings.trusted_proxy}" if settings.proxy_hops else ""
    )
    mode = "demo" if args.demo else "production"
    shape = f"{workers} processes × {args.threads} threads" if workers > 1 else f"{args.threads} threads"
    print(f"portal on http://{args.host}:{args.port}/ ({mode} settings{proxy}; {shape})", flush=True)
    if workers == 1:
        server.print_listen("Serving on http://{}:{}")
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C in a terminal: stop without a traceback
            server.run()
        return 0
    # No connection may cross the fork: each worker opens its own pool on first use.
    store.close_database()

    def run_worker(listener) -> None:
        store.open_current(args.db)
        portal_server(app, sockets=[listener], threads=args.threads, **server_options(settings)).run()

    return serve_forked(listener, workers, run_worker)


if __name__ == "__main__":
    sys.exit(main())
