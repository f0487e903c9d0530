"""API keys: a read key for search and ask, an admin key for document changes.

With no key configured for an action, it is open to clients on this machine only (unless
``allow_remote`` says otherwise): a fresh install is usable at once and exposes nothing.
Keys are compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
from ipaddress import ip_address
from typing import Literal

from fastapi import Request
from pydantic import SecretStr

from footnoted.errors import FootnotedError


class Unauthorized(FootnotedError):
    """No key, or a wrong one (401)."""


class Forbidden(FootnotedError):
    """A key that does not grant this action, or a remote client where only local ones may act (403)."""


def _presented(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-api-key")


def _matches(given: str | None, key: SecretStr | None) -> bool:
    if given is None or key is None:
        return False
    return hmac.compare_digest(given.encode(), key.get_secret_value().encode())


def _local(request: Request) -> bool:
    host = request.client.host if request.client else ""
    if host in ("testclient", "localhost"):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def check(
    request: Request,
    level: Literal["read", "admin"],
    *,
    read_key: SecretStr | None,
    admin_key: SecretStr | None,
    allow_remote: bool,
) -> None:
    """Raise unless the request may perform a ``level`` action."""
    given = _presented(request)
    if _matches(given, admin_key):
        return
    if level == "read" and _matches(given, read_key):
        return
    required = admin_key if level == "admin" else read_key
    if required is None:
        if allow_remote or _local(request):
            return
        raise Forbidden(f"no {level} key is configured, so this server accepts {level} requests from this machine only")
    if given is None:
        raise Unauthorized(f"this action needs the {level} API key (Authorization: Bearer KEY or X-API-Key)")
    raise Forbidden(f"the key given does not grant {level} access")
