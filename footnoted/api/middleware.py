"""Request ids, the body size limit, structured access logs and request metrics (pure ASGI)."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Sequence
from typing import Any

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from footnoted.api.metrics import Metrics

log = logging.getLogger("footnoted.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def error_body(status: int, code: str, message: str, request_id: str | None) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "request_id": request_id}}).encode()


class JsonCORS(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the API's JSON error shape (Starlette
    says it in plain text)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the lifespan's start-up and shutdown pass through too
            await super().__call__(scope, receive, send)
            return
        headers = Headers(scope=scope)
        preflight = scope["method"] == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers
        if not preflight:
            await super().__call__(scope, receive, send)
            return
        response = self.preflight_response(request_headers=headers)
        if response.status_code == 400:
            refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")  # "origin, headers"
            message = (
                f"CORS preflight refused: {refused} not allowed (the server's FOOTNOTED_CORS_ORIGINS lists origins)"
            )
            kept = {k: v for k, v in response.headers.items() if k not in ("content-type", "content-length")}
            request_id = scope.get("state", {}).get("request_id")
            response = Response(
                error_body(400, "cors_refused", message, request_id),
                status_code=400,
                headers=kept,
                media_type="application/json",
            )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


class RequestContext:
    """Tags each request with an id (echoed as ``X-Request-ID``), enforces the body limit, logs it."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        stated_limit: int,
        metrics: Metrics,
        routes: Sequence[BaseRoute] = (),
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.stated_limit = stated_limit
        self.metrics = metrics
        self.routes = routes  # the app's, to name the route of a request the app did not (fully) see

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The request as it came, to match against the routes: a mount rewrites the scope's paths.
        sent_to = {
            "type": "http",
            "path": scope["path"],
            "root_path": scope.get("root_path", ""),
            "method": scope["method"],
            "client": scope.get("client"),
        }
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        given = headers.get("x-request-id", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        sent_start = False
        # HEAD is answered wherever GET is (RFC 9110): the app sees a GET, and the client gets its
        # status and headers (its Content-Length too) without the body.
        head = scope["method"] == "HEAD"
        inner = {**scope, "method": "GET"} if head else scope

        too_large = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, sent_start
            if too_large and not sent_start:
                return  # what the app says of a body it could not read in full: the 413 below says it
            if message["type"] == "http.response.start":
                status = message["status"]
                sent_start = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await self._reject(send_with_id, request_id)
            self._record(sent_to, status, started, request_id)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_large = True
                    raise _TooLarge
            return message

        try:
            try:
                await self.app(inner, limited_receive, send_with_id)
            except Exception:
                if not too_large:
                    raise
                # Reading the body failed: whatever the app made of that, the answer is the 413 below.
            # A body sent without a Content-Length (chunked) past the limit: the app may have caught
            # the error reading it (FastAPI answers 400 "error parsing the body") or let it through.
            if too_large and not sent_start:
                too_large = False
                await self._reject(send_with_id, request_id)
        finally:
            # An unexpected error escapes to the app's outermost handler, which answers 500 outside this
            # middleware: the request is still logged and counted (status stays 500 when nothing was sent).
            self._record(sent_to, status, started, request_id, inner.get("route"))

    def _route_of(self, scope: Scope) -> str:
        """The path of the route a request was sent to, as the router matches it ("/static" for a
        file under it, "/v1/documents" for an upload refused as too large before the app read it),
        or "unmatched" for none (a 404); a method the route does not take (a 405) counts under the
        route. The routes FastAPI itself serves and mounts do not put
        themselves in the scope as its own routes do."""
        partial = None  # the path matches, the method does not (a 405)
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return getattr(route, "path", None) or "unmatched"
            if match is Match.PARTIAL and partial is None:
                partial = getattr(route, "path", None)
        return partial or "unmatched"

    async def _reject(self, send: Any, request_id: str) -> None:
        body = error_body(
            413, "too_large", f"the request body is larger than the limit of {self.stated_limit} bytes", request_id
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _record(self, scope: Scope, status: int, started: float, request_id: str, matched: Any = None) -> None:
        elapsed = time.perf_counter() - started
        route = getattr(matched, "path", None) or self._route_of(scope)
        self.metrics.requests.labels(route, scope["method"], str(status)).inc()
        self.metrics.latency.labels(route).observe(elapsed)
        log.info(
            json.dumps(
                {
                    "event": "request",
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                    "client": (scope.get("client") or ("", 0))[0],
                }
            )
        )
