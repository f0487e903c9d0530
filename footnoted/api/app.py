"""The HTTP service: search, ask, documents, health and metrics, and the web page at ``/``.

The index loads in a background thread when the app starts (``/readyz`` turns 200 when it is
ready). A question waits for its vector without holding a thread (concurrent questions share
encoder calls through the micro-batcher); its search then runs on the event loop when the index
is small enough for that to take about a millisecond, else in the threadpool. Every other handler
that touches the index is a plain ``def`` function, run in the threadpool.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
import numpy as np
import orjson
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from footnoted import errors, render
from footnoted.api import schemas
from footnoted.api.errors import NotReady, error_response, install_handlers
from footnoted.api.metrics import Metrics, make_metrics
from footnoted.api.middleware import JsonCORS, RequestContext
from footnoted.api.security import check
from footnoted.api.uploads import ingest, read_upload
from footnoted.index import Encoder, Index
from footnoted.index.batching import BatchingEncoder
from footnoted.index.encoder import Kind
from footnoted.index.load import make_encoder, open_index
from footnoted.index.openvino import RoutedEncoder
from footnoted.ingest.many import Reader
from footnoted.ingest.read import DOCUMENT_ID
from footnoted.ingest.tokens import Tokenizer
from footnoted.settings import Settings

log = logging.getLogger("footnoted.api")

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": schemas.ErrorOut} for code in (400, 401, 403, 404, 413, 415, 422, 503)
}


class _TimedEncoder:
    """Records the time of every encoder call in the metrics."""

    def __init__(self, inner: Encoder, metrics: Metrics) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self._metrics = metrics

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.encode(texts, kind)
        finally:
            if kind == "query":
                self._metrics.encode.observe(time.perf_counter() - started)


class _State:
    """What the app holds: settings, metrics and (once loaded) the index."""

    def __init__(self, settings: Settings, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.index: Index | None = None
        self.load_error: str | None = None
        self.batcher: BatchingEncoder | None = None
        self.reader = Reader(helper=settings.readers != 1)
        """Reads uploaded PDFs in a helper process, so that requests do not wait on the reading."""

    def load(self, encoder: tuple[Encoder, Tokenizer] | None) -> None:
        try:
            enc, tokenizer = encoder or make_encoder(self.settings)
            timed: Encoder = _TimedEncoder(enc, self.metrics)
            if self.settings.micro_batch:
                self.batcher = BatchingEncoder(
                    timed, window=self.settings.batch_window_ms / 1000, max_batch=self.settings.max_batch
                )
                timed = self.batcher
            self.index = open_index(self.settings, encoder=(timed, tokenizer), create=True)
            log.info('{"event": "ready", "index": "%s", "documents": %d}', self.index.path, len(self.index.documents))
            if isinstance(enc, RoutedEncoder):
                enc.batch_encoder()  # once ready, so the first batch of questions does not wait for it
            # What start-up loaded (modules, the model, the index) lives as long as the process:
            # out of the garbage collector's sight, its full passes under load scan what requests
            # leave behind instead of all of it (a tenth of a second each, several a minute).
            gc.collect()
            gc.freeze()
        except errors.FootnotedError as exc:
            self.load_error = str(exc)
            log.error(json.dumps({"event": "load_failed", "error": type(exc).__name__, "message": str(exc)}))

    def watch(self, stop: threading.Event, every: float) -> None:
        """Every ``every`` seconds, pick up a generation another process committed (``footnoted
        ingest`` into the index this server serves). A generation that does not load is logged
        once and the server keeps answering from the one it has."""
        failed = ""
        while not stop.wait(every):
            index = self.index
            if index is None:
                continue
            try:
                if index.refresh():
                    snap = index.snapshot
                    log.info(
                        json.dumps(
                            {
                                "event": "generation_loaded",
                                "generation": snap.generation,
                                "documents": len(snap.documents),
                            }
                        )
                    )
                failed = ""
            except Exception as exc:  # the watcher must outlive anything a damaged index can throw
                message = f"{type(exc).__name__}: {exc}"
                if message != failed:
                    log.error(json.dumps({"event": "refresh_failed", "message": message}))
                failed = message


async def get_index(request: Request) -> Index:
    """The app's index; 503 while it is still loading."""
    state: _State = request.app.state.footnoted
    if state.index is None:
        if state.load_error:
            raise errors.IndexNotFound(f"the index could not be loaded: {state.load_error}")
        raise NotReady("the index is still loading; try again shortly (see /readyz)")
    return state.index


IndexDep = Annotated[Index, Depends(get_index)]


def create_app(
    settings: Settings | None = None,
    *,
    index: Index | None = None,
    encoder: tuple[Encoder, Tokenizer] | None = None,
) -> FastAPI:
    """The application. Pass ``index`` to serve one already open (tests), else it loads from settings."""
    settings = settings or Settings()
    state = _State(settings, make_metrics())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loader = None
        if index is not None:
            state.index = index
        else:
            loader = threading.Thread(target=state.load, args=(encoder,), name="footnoted-index-loader", daemon=True)
            loader.start()
        stop = threading.Event()
        watcher = None
        if settings.refresh_seconds > 0:
            watcher = threading.Thread(
                target=state.watch, args=(stop, settings.refresh_seconds), name="footnoted-index-watcher", daemon=True
            )
            watcher.start()
        yield
        stop.set()
        if watcher is not None:
            watcher.join(timeout=60)
        if loader is not None:
            loader.join(timeout=60)
        if state.batcher is not None:
            state.batcher.close()
        state.reader.close()

    app = FastAPI(
        title="footnoted",
        version=_version(),
        summary="Answers from footnoted documents, with exact citations and the footnotes each passage cites.",
        lifespan=lifespan,
        responses=_ERRORS,
        docs_url=None,  # FastAPI's own pages load their scripts from a CDN: /docs is served from here instead
        redoc_url=None,
    )
    app.state.footnoted = state
    if settings.cors_origins:
        app.add_middleware(
            JsonCORS,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "POST", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID"],
        )
    # Multipart framing adds a little to the file's own size.
    app.add_middleware(
        RequestContext,
        max_body=settings.max_upload_bytes + 64 * 1024,
        stated_limit=settings.max_upload_bytes,
        metrics=state.metrics,
        routes=app.routes,
    )
    install_handlers(app)
    _state_limits(app, settings)
    _routes(app, state)
    return app


# A question's search, once its vector is known, runs on the event loop while the index is small,
# saving the hops to a worker thread and back (at concurrency 32, 15 to 18% more questions a
# second on the briefing). At 20,000 vectors a search and its JSON take about 2 ms, an answer
# about 3 ms, most of it Python that holds the interpreter lock on any thread. A larger index, or
# an answer that must encode its sentences, goes to the threadpool, so that the other requests
# are not held up behind it.
_LOOP_VECTORS = 20_000


def _on_loop(index: Index, *, asking: bool) -> bool:
    return len(index.snapshot.vectors) <= _LOOP_VECTORS and (index.answers_from_stored_vectors or not asking)


def _version() -> str:
    from importlib.metadata import version

    return version("footnoted")


WRITERS = 2
"""Uploads and deletions in worker threads at once, the rest waiting on the event loop: the index
takes one write at a time, and writes queued in threads would take every thread the reads and the
document pages need (one upload reads while another is written)."""


def _routes(app: FastAPI, state: _State) -> None:
    settings = state.settings
    writes = anyio.CapacityLimiter(WRITERS)

    def authorize(level: Literal["read", "admin"]) -> Any:
        async def dependency(request: Request) -> None:
            check(
                request,
                level,
                read_key=settings.read_key,
                admin_key=settings.admin_key,
                allow_remote=settings.allow_remote,
            )

        # FastAPI reads a JSON body before it runs the dependencies: the handler of a body it
        # cannot parse runs this first (errors.install_handlers), so a request without its key
        # learns that (401) before it learns its body is malformed (422).
        dependency.checks_key = True  # type: ignore[attr-defined]
        return Depends(dependency)

    read = [authorize("read")]
    admin = [authorize("admin")]

    def limits(question: str, k: int, given: bool) -> int:
        """The passages to return: ``k`` as asked, or the default (5, or ``FOOTNOTED_MAX_K`` where
        that is lower) for a request that names none; raises InvalidQuery past the limits."""
        if not given:
            k = settings.default_k
        if len(question) > settings.max_question_chars:
            raise errors.InvalidQuery(
                f"the question is {len(question)} characters long; the limit is {settings.max_question_chars}"
            )
        if k > settings.max_k:
            raise errors.InvalidQuery(f"k must be between 1 and {settings.max_k}, not {k}")
        errors.check_not_blank(question)
        return k

    async def vector(index: Index, question: str, mode: str | None) -> np.ndarray | None:
        """The question's vector, encoded without holding a thread: a batched question waits on its batch."""
        if (mode or index.config.mode) == "lexical":
            return None
        cached = index.cached_query(question)
        if cached is not None:
            return cached
        if state.batcher is None:
            return await run_in_threadpool(index.encode_query, question)
        found: np.ndarray = await state.batcher.submit_async(question)
        index.remember_query(question, found)
        return found

    @app.post("/v1/search", response_model=schemas.SearchResponse, dependencies=read, tags=["questions"])
    async def search(body: schemas.SearchRequest, index: IndexDep) -> Response:
        """The passages that best answer a question, each with its exact citation and footnotes."""
        k = limits(body.query, body.k, "k" in body.model_fields_set)
        mode = body.mode or settings.mode
        query = await vector(index, body.query, mode)

        def answer() -> Response:
            hits = index.search(body.query, k, mode=mode, document_ids=body.documents, query=query, fusion=body.fusion)
            return _json(render.search(body.query, hits))

        return answer() if _on_loop(index, asking=False) else await run_in_threadpool(answer)

    @app.post("/v1/ask", response_model=schemas.AskResponse, dependencies=read, tags=["questions"])
    async def ask(body: schemas.AskRequest, index: IndexDep) -> Response:
        """The best evidence sentence(s) for a question, with the passages it was drawn from."""
        k = limits(body.question, body.k, "k" in body.model_fields_set)
        mode = body.mode or settings.mode
        query = await vector(index, body.question, mode)

        def answer() -> Response:
            found = index.ask(body.question, k, mode=mode, document_ids=body.documents, query=query, fusion=body.fusion)
            return _json(render.ask(found))

        return answer() if _on_loop(index, asking=True) else await run_in_threadpool(answer)

    @app.get("/v1/documents", response_model=schemas.DocumentList, dependencies=read, tags=["documents"])
    def list_documents(index: IndexDep) -> dict[str, Any]:
        """Every document in the index."""
        snap = index.snapshot  # one generation: the documents and their chunk counts agree
        counts = snap.chunk_counts()
        return {"documents": [render.document_summary(d, counts.get(d.id, 0)) for d in snap.documents.values()]}

    @app.get("/v1/documents/{doc_id}", response_model=schemas.DocumentOut, dependencies=read, tags=["documents"])
    def get_document(doc_id: Annotated[str, _path_id()], index: IndexDep) -> dict[str, Any]:
        """A document's metadata, with its footnote and chunk counts."""
        snap = index.snapshot  # one generation: the document and its chunk count agree
        return render.document_summary(snap.document(doc_id), snap.chunk_counts().get(doc_id, 0))

    @app.get(
        "/v1/documents/{doc_id}/source",
        response_model=schemas.SourceOut,
        response_model_exclude_none=True,  # "same_as" and "refers_to" only on the notes that have them
        dependencies=read,
        tags=["documents"],
    )
    def get_source(doc_id: Annotated[str, _path_id()], index: IndexDep) -> dict[str, Any]:
        """A document's whole source text and footnotes, so any citation can be checked."""
        doc = index.document(doc_id)
        return {
            "id": doc.id,
            "title": doc.title,
            "text": doc.source,
            "footnotes": [render.cited_footnote(n) for n in doc.footnotes],
        }

    @app.post(
        "/v1/documents",
        status_code=201,
        response_model=schemas.IngestOut,
        dependencies=admin,
        tags=["documents"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": schemas.DocumentIn.model_json_schema()},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {
                                    "type": "string",
                                    "format": "binary",
                                    "description": "A .txt, .md, .rst, .tex, .html, .pdf, .docx, .odt, .epub or .rtf file; its name's extension says which.",
                                },
                                "id": {"type": "string", "pattern": DOCUMENT_ID},
                                "title": {"type": "string"},
                            },
                        }
                    },
                },
            }
        },
    )
    async def add_document(request: Request, index: IndexDep) -> dict[str, Any]:
        """Add a document (a file upload, or JSON ``{title, text}``); a changed one replaces its old version."""
        data, name, fmt, doc_id, title = await read_upload(request, settings)
        work = functools.partial(
            ingest, index, data, name, fmt, doc_id, title, state.reader.parse, settings.max_upload_bytes
        )
        return await anyio.to_thread.run_sync(work, limiter=writes)

    @app.delete("/v1/documents/{doc_id}", response_model=schemas.Deleted, dependencies=admin, tags=["documents"])
    async def delete_document(doc_id: Annotated[str, _path_id()], index: IndexDep) -> dict[str, str]:
        """Remove a document and its passages."""
        await anyio.to_thread.run_sync(index.remove, doc_id, limiter=writes)
        return {"deleted": doc_id}

    # Probes answer on the event loop, never waiting for a worker thread: with every thread taken
    # (40 of them, by default) a liveness probe that waited would have the server restarted.
    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses={503: {"model": schemas.ErrorOut}})
    async def readyz(request: Request) -> Any:
        """The index is loaded and questions can be answered."""
        if state.index is None:
            if state.load_error:
                return error_response(
                    request, 503, "index_unavailable", f"the index could not be loaded: {state.load_error}"
                )
            return error_response(request, 503, "not_ready", "the index is still loading")
        return {
            "status": "ready",
            "documents": len(state.index.documents),
            "generation": state.index.snapshot.generation,
        }

    @app.get("/metrics", tags=["operations"], response_class=Response)
    async def metrics() -> Response:
        """Prometheus metrics: requests and latencies by route, index size, encode time."""
        if state.index is not None:
            snap = state.index.snapshot
            state.metrics.documents.set(len(snap.documents))
            state.metrics.chunks.set(len(snap.chunks))
            state.metrics.vectors.set(len(snap.row_ids))
        return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    static = resources.files("footnoted.api") / "static"
    page = (static / "index.html").read_text(encoding="utf-8") if (static / "index.html").is_file() else ""

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> HTMLResponse:
        return HTMLResponse(page, headers=_PAGE_HEADERS)

    app.mount("/static", StaticFiles(directory=str(Path(str(static)))), name="static")
    _api_pages(app)


def _api_pages(app: FastAPI) -> None:
    """The API's reference page, Swagger UI at ``/docs``, with its script and styles served from this
    server (the ``fastapi-offline`` package ships them): it needs no network. ReDoc is not served:
    it loads its logo from its makers' site whatever it is told."""
    import fastapi_offline
    from fastapi.openapi.docs import get_swagger_ui_html

    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/docs/assets", StaticFiles(directory=str(assets)), name="api-docs")

    @app.get("/docs", include_in_schema=False)
    def swagger(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title="footnoted API",
            swagger_js_url=f"{root}/docs/assets/swagger-ui-bundle.js",
            swagger_css_url=f"{root}/docs/assets/swagger-ui.css",
            swagger_favicon_url=f"{root}/docs/assets/favicon.png",
        )


_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _json(data: dict[str, Any]) -> Response:
    """Already in the contract's shape (``render``): serialised directly, without re-validating
    every passage through the response model (the model still documents it in the OpenAPI).
    orjson writes a search's 8 KB of JSON in about 2 microseconds where ``json.dumps`` takes 100."""
    return Response(orjson.dumps(data), media_type="application/json")


def _path_id() -> Any:
    from fastapi import Path as PathParam

    return PathParam(pattern=DOCUMENT_ID, description="A document id.")


def _state_limits(app: FastAPI, settings: Settings) -> None:
    """The OpenAPI schema states the limits this server enforces (they are settings, not constants)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()  # FastAPI caches the dict it returns in app.openapi_schema
            for name, field in (("SearchRequest", "query"), ("AskRequest", "question")):
                props = schema["components"]["schemas"][name]["properties"]
                props["k"]["maximum"] = settings.max_k
                props["k"]["default"] = settings.default_k
                props[field]["maxLength"] = settings.max_question_chars
                # Not blank, by Python's idea of white space (JSON Schema's \s lacks U+001C-U+001F and U+0085).
                props[field]["pattern"] = "[^\\s\\u001c-\\u001f\\u0085]"
            return schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
