"""Errors as HTTP responses: one stable JSON shape, ``{"error": {"code", "message", "request_id"}}``."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match, Mount

from footnoted import errors
from footnoted.api import schemas
from footnoted.api.security import Forbidden, Unauthorized

log = logging.getLogger("footnoted.api")

STATUS: list[tuple[type[Exception], int, str]] = [
    (Unauthorized, 401, "unauthorized"),
    (Forbidden, 403, "forbidden"),
    (errors.UnsupportedFormat, 415, "unsupported_media_type"),
    (errors.DocumentTooLarge, 413, "too_large"),
    (errors.IngestError, 400, "bad_document"),
    (errors.DocumentNotFound, 404, "not_found"),
    (errors.InvalidQuery, 422, "invalid_query"),
    (errors.IndexLocked, 409, "busy"),
    (errors.IndexNotFound, 503, "index_unavailable"),
    (errors.IndexMismatch, 503, "index_unavailable"),
    (errors.IndexCorrupt, 503, "index_unavailable"),
    (errors.EncoderError, 503, "model_unavailable"),
    (errors.FootnotedError, 400, "bad_request"),
]


class NotReady(errors.FootnotedError):
    """The index is still loading (503)."""


def error_response(
    request: Request, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> JSONResponse:
    body = schemas.ErrorOut(
        error=schemas.ErrorBody(
            code=code, message=message, request_id=request.scope.get("state", {}).get("request_id"), details=details
        )
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status)


_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false"}


def _whole_body(request: Request, error: Any) -> tuple[int, str, str] | None:
    """(status, code, message) when the body as a whole is wrong, said as such: not JSON, sent as
    another type, empty, or JSON that is not an object. None for an error in one of its fields."""
    kind, loc = error.get("type"), tuple(error.get("loc", ()))
    if kind == "json_invalid":
        at = f" at character {loc[1]}" if len(loc) > 1 else ""
        reason = (error.get("ctx") or {}).get("error") or "it does not parse"
        return 422, "invalid_request", f"the body is not valid JSON: {reason}{at}"
    if loc != ("body",):
        return None
    sent = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "missing":
        return 422, "invalid_request", "the body is empty: send a JSON object (Content-Type: application/json)"
    if kind not in ("model_attributes_type", "dict_type"):
        return None
    if sent != "application/json" and not sent.endswith("+json"):
        came = f"as {sent!r}" if sent else "with no Content-Type"
        return (
            415,
            "unsupported_media_type",
            f"send the body as JSON with Content-Type: application/json (it came {came})",
        )
    value = error.get("input")
    shown = "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)
    return 422, "invalid_request", f"the body must be a JSON object ({{...}}), not {shown}"


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.FootnotedError)
    async def footnoted_error(request: Request, exc: errors.FootnotedError) -> JSONResponse:
        if isinstance(exc, NotReady):
            return error_response(request, 503, "not_ready", str(exc))
        status, code = next((s, c) for t, s, c in STATUS if isinstance(exc, t))
        response = error_response(request, status, code, str(exc))
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="footnoted"'  # RFC 9110: a 401 names its scheme
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # The key first: a route's key check (see app.authorize) has not run when FastAPI could
        # not parse the body.
        for dependency in getattr(request.scope.get("route"), "dependencies", ()):
            if getattr(dependency.dependency, "checks_key", False):
                try:
                    await dependency.dependency(request)
                except (Unauthorized, Forbidden) as refused:
                    return await footnoted_error(request, refused)
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        body = _whole_body(request, exc.errors()[0]) if exc.errors() else None
        if body is not None:
            status, code, message = body
            return error_response(request, status, code, message, details)
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p != "body")
        return error_response(
            request, 422, "invalid_request", f"{where}: {first['msg']}" if where else str(first["msg"]), details
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type"}
        response = error_response(request, exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        if exc.status_code == 405:
            # RFC 9110: a 405 lists the methods the resource supports. Starlette's own header names only
            # the first route that matched the path; one path can have several (GET and POST /v1/documents).
            methods: set[str] = set()
            # Matched from the app's root: inside a mount the scope's path is the mount's own.
            probe = {**request.scope, "path": request.url.path, "root_path": ""}
            for route in request.app.router.routes:
                if route.matches(probe)[0] is not Match.NONE:
                    # A mount (the page's static files) serves GET and HEAD.
                    methods |= getattr(route, "methods", None) or ({"GET"} if isinstance(route, Mount) else set())
            if "GET" in methods:
                methods.add("HEAD")  # answered wherever GET is (RequestContext)
            response.headers["Allow"] = ", ".join(sorted(methods))
        return response

    @app.exception_handler(OSError)
    async def unwritable(request: Request, exc: OSError) -> JSONResponse:
        # A file of the index that cannot be written (a read-only disk, no permission, a full disk)
        # or read: the server's storage, not a bug, and questions are still answered.
        where = f"{exc.filename}: " if exc.filename else ""
        message = f"{where}{exc.strerror or exc}; the index cannot be changed here (check the disk and its permissions)"
        log.warning(json.dumps({"event": "storage_error", "message": message}))
        return error_response(request, 503, "storage_unavailable", message)

    @app.exception_handler(ClientDisconnect)
    async def gone(request: Request, exc: ClientDisconnect) -> JSONResponse:
        # The client closed the connection before its request arrived whole: nothing reaches it,
        # but the request is logged and counted as the client's error, not as the server's.
        return error_response(request, 400, "client_disconnected", "the client closed the connection mid-request")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        response = error_response(request, 500, "internal", "an internal error occurred; it has been logged")
        request_id = request.scope.get("state", {}).get("request_id")
        if request_id:  # this handler answers outside RequestContext, which adds the header to the others
            response.headers["X-Request-ID"] = request_id
        return response
