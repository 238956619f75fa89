"""Portal settings from the environment."""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping


class SettingsError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class PortalSettings:
    secret_key: str
    secure_cookies: bool = True
    proxy_hops: int = 0
    idle_minutes: int = 15
    absolute_minutes: int = 120


def load_settings(env: Mapping[str, str] | None = None, demo: bool = False) -> PortalSettings:
    """`OKIENKO_SECRET_KEY` is required unless this is a local demo (then a random key is made).

    `OKIENKO_INSECURE_COOKIES=1` drops the Secure cookie flag for plain-http testing on a
    developer's machine; never set it behind the real TLS front. `OKIENKO_PROXY_HOPS=1`
    trusts one reverse proxy's X-Forwarded-For/-Proto (nginx in front)."""
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
    insecure = env.get("OKIENKO_INSECURE_COOKIES", "").lower() in ("1", "true", "yes") or demo
    try:
        hops = int(env.get("OKIENKO_PROXY_HOPS", "0") or 0)
    except ValueError:
        raise SettingsError("OKIENKO_PROXY_HOPS must be a whole number") from None
    return PortalSettings(secret_key=key, secure_cookies=not insecure, proxy_hops=hops)
