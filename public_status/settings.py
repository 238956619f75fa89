"""Portal settings from the environment."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import secrets
from collections.abc import Mapping
from typing import Any


class SettingsError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class PortalSettings:
    secret_key: str
    secure_cookies: bool = True
    proxy_hops: int = 0
    trusted_proxy: str = "127.0.0.1"
    idle_minutes: int = 15
    absolute_minutes: int = 120


# The portal's requests are small: a session cookie, a language cookie, a login form. nginx
# refuses larger header blocks itself (large_client_header_buffers 4 8k); waitress's own limit
# (431) is the backstop for anything that reaches it directly.
MAX_REQUEST_HEADER_BYTES = 16 * 1024
MAX_REQUEST_BODY_BYTES = 16 * 1024
MAX_CONNECTIONS = 1000


def server_options(settings: PortalSettings) -> dict[str, Any]:
    """waitress's keyword arguments for these settings.

    Behind a proxy, waitress itself must be told to trust it: by default it deletes every
    X-Forwarded-* header (`clear_untrusted_proxy_headers`), so the app saw only the proxy's
    address and one address's failed logins throttled every applicant. Only the configured
    proxy's headers count, only For and Proto, and only as many hops as configured; the same
    headers from anyone else, and every other proxy header, are removed without a word."""
    options: dict[str, Any] = {
        "ident": "okienko",
        "max_request_header_size": MAX_REQUEST_HEADER_BYTES,
        "max_request_body_size": MAX_REQUEST_BODY_BYTES,
        # waitress accepts only 100 connections by default and then stops accepting; browsers keep
        # theirs open, so when a day's visit slots open the 101st applicant waited for someone else
        # to finish booking (bench/booking_rush.py: calendar p50 5 s). An open idle connection costs
        # a socket and a little memory, not a thread.
        "connection_limit": MAX_CONNECTIONS,
        "backlog": MAX_CONNECTIONS,
        # poll(), not waitress's default select(): select cannot watch a descriptor numbered 1024
        # or above, which a thousand open connections reach, and it costs more per loop with many.
        "asyncore_use_poll": True,
    }
    if settings.proxy_hops:
        options.update(
            trusted_proxy=settings.trusted_proxy,
            trusted_proxy_count=settings.proxy_hops,
            trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"},
            clear_untrusted_proxy_headers=True,
            # Any client may send Forwarded or X-Forwarded-Host through nginx: a warning for each
            # would let anyone flood the log. They are removed all the same.
            log_untrusted_proxy_headers=False,
        )
    return options


def load_settings(env: Mapping[str, str] | None = None, demo: bool = False) -> PortalSettings:
    """`OKIENKO_SECRET_KEY` is required unless this is a local demo (then a random key is made).

    `OKIENKO_INSECURE_COOKIES=1` drops the Secure cookie flag for plain-http testing on a
    developer's machine; never set it behind the real TLS front. `OKIENKO_PROXY_HOPS=1`
    trusts one reverse proxy's X-Forwarded-For/-Proto (nginx in front), when the request
    comes from `OKIENKO_TRUSTED_PROXY` (the proxy's address as the portal sees it; default
    127.0.0.1)."""
    env = os.environ if env is None else env
    key = env.get("OKIENKO_SECRET_KEY", "")
    if not key:
        if not demo:
            raise SettingsError(
                "OKIENKO_SECRET_KEY is not set: the portal signs its session cookies with it. Set a long random "
                "value (python -c 'import secrets; print(secrets.token_urlsafe(48))'), or pass --demo for a local demo."
            )
        key = secrets.token_urlsafe(48)
    if len(key) < 32 and not demo:
        raise SettingsError("OKIENKO_SECRET_KEY must be at least 32 characters long")
    flag = env.get("OKIENKO_INSECURE_COOKIES", "").strip().lower()
    if flag not in ("", "0", "1", "true", "false", "yes", "no"):
        # A typo must not pass for "off" nor for "on": say which values count.
        raise SettingsError(f"OKIENKO_INSECURE_COOKIES must be 1 or 0 (true/false, yes/no), not {flag!r}")
    insecure = flag in ("1", "true", "yes") or demo
    try:
        hops = int(env.get("OKIENKO_PROXY_HOPS", "0") or 0)
    except ValueError:
        hops = -1
    if not 0 <= hops <= 5:
        raise SettingsError("OKIENKO_PROXY_HOPS must be a whole number of proxies in front (0-5)")
    proxy = env.get("OKIENKO_TRUSTED_PROXY", "").strip() or "127.0.0.1"
    try:
        ipaddress.ip_address(proxy)  # one address, never "*": anyone could then claim any client address
    except ValueError:
        raise SettingsError(f"OKIENKO_TRUSTED_PROXY must be the proxy's IP address, not {proxy!r}") from None
    return PortalSettings(secret_key=key, secure_cookies=not insecure, proxy_hops=hops, trusted_proxy=proxy)
