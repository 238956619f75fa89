"""`python -m public_status serve` / `okienko-portal serve`: the portal behind waitress."""

from __future__ import annotations

import argparse
import logging
import sys

from public_status.settings import SettingsError, load_settings, server_options
from storage import portal as store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m public_status", description="Okienko – applicants' status portal")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the portal with waitress")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--threads", type=int, default=8, help="worker threads (each may hold one DB connection)")
    serve.add_argument("--db", help="database URL (default: OKIENKO_DB)")
    serve.add_argument(
        "--demo", action="store_true", help="local demo: random secret key, cookies over plain http allowed"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with store.exit_codes("error", usage_errors=(SettingsError,)) as failed:
        store.check_settings(db_url=args.db)
        settings = load_settings(demo=args.demo)
        store.open_current(args.db)
    if failed.code:
        return failed.code
    from waitress import serve as waitress_serve

    from public_status.app import create_app

    app = create_app(settings)
    proxy = (
        f"; trusting {settings.proxy_hops} proxy hop(s) from {settings.trusted_proxy}" if settings.proxy_hops else ""
    )
    mode = "demo" if args.demo else "production"
    print(f"portal on http://{args.host}:{args.port}/ ({mode} settings{proxy})", flush=True)
    waitress_serve(app, host=args.host, port=args.port, threads=args.threads, **server_options(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
