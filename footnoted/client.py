"""A typed client for the footnoted HTTP service, returning the same core types as ``Index``.

``Client(url).search(question, k)`` gives the ``Hit`` objects that ``Index.search`` gives in
process, so code written against one runs against the other. Every span can be checked
against ``Client.source(document_id).text`` without trusting the service.

Errors: a refused request raises ``HTTPError`` (status, code, message, request id); where the
core has a matching error the exception is an instance of it too, so ``except DocumentNotFound``
or ``except InvalidQuery`` works as it does in process. A service that cannot be reached raises
``ConnectionFailed``.
"""

from __future__ import annotations

import operator
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, Self
from urllib.parse import quote

import httpx

from footnoted import errors
from footnoted.types import Answer, Chunk, Citation, Footnote, Hit, Span, TextFormat

if TYPE_CHECKING:
    from footnoted.index.search import Mode

__all__ = [
    "AddResult",
    "AsyncClient",
    "Client",
    "ClientError",
    "ConnectionFailed",
    "DocumentSource",
    "DocumentSummary",
    "HTTPError",
]

DEFAULT_TIMEOUT = 60.0
"""Seconds; the first question after a server starts may wait for its index to load."""


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """What the service holds about one document (``GET /v1/documents/{id}``)."""

    id: str
    title: str
    format: str
    characters: int
    sections: int
    footnotes: int
    chunks: int
    metadata: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentSource:
    """A document's whole source text and footnotes: every span the service returns indexes into ``text``."""

    id: str
    title: str
    text: str
    footnotes: tuple[Footnote, ...]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What adding a document did: ``added``, ``replaced`` (new content, same id) or ``unchanged``."""

    document: DocumentSummary
    status: Literal["added", "replaced", "unchanged"]
    chunks: int
    encoded: int
    reused: int


class ClientError(errors.FootnotedError):
    """The service could not be asked, or refused: base of the client's own errors."""


class ConnectionFailed(ClientError):
    """The service could not be reached (refused, timed out, name not resolved)."""


class HTTPError(ClientError):
    """The service answered with an error: ``status`` (HTTP), ``code`` (e.g. ``not_found``), ``message``."""

    def __init__(self, status: int, code: str, message: str, request_id: str | None = None) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        ref = f", request {request_id}" if request_id else ""
        super().__init__(f"{message} (HTTP {status} {code}{ref})")


# An error the service reports for a core error is raised as both: HTTPError and the core class.
class _NotFound(HTTPError, errors.DocumentNotFound): ...


class _InvalidQuery(HTTPError, errors.InvalidQuery): ...


class _BadDocument(HTTPError, errors.IngestError): ...


class _UnsupportedFormat(HTTPError, errors.UnsupportedFormat): ...


class _TooLarge(HTTPError, errors.DocumentTooLarge): ...


class _Busy(HTTPError, errors.IndexLocked): ...


class _ModelUnavailable(HTTPError, errors.EncoderError): ...


_BY_CODE: dict[str, type[HTTPError]] = {
    "not_found": _NotFound,
    "invalid_query": _InvalidQuery,
    "invalid_request": _InvalidQuery,
    "bad_document": _BadDocument,
    "unsupported_media_type": _UnsupportedFormat,
    "too_large": _TooLarge,
    "busy": _Busy,
    "model_unavailable": _ModelUnavailable,
}


class Client:
    """A synchronous client for a footnoted server (``footnoted serve``).

    Args:
        base_url: The server's address, e.g. ``http://127.0.0.1:8000``.
        api_key: Sent as ``Authorization: Bearer``: the read key for questions, the admin key for changes.
        timeout: Seconds to wait for each response.
        transport: An httpx transport to use instead of the network (tests, ASGI apps).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url, headers=_headers(api_key), timeout=timeout, transport=transport
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def search(
        self, question: str, k: int = 5, *, mode: Mode | None = None, document_ids: Sequence[str] | None = None
    ) -> list[Hit]:
        """The ``k`` passages that best answer ``question``, best first, as ``Index.search`` gives them.

        Raises:
            InvalidQuery: an empty or over-long question, or ``k`` out of bounds.
            DocumentNotFound: ``document_ids`` names a document the server does not hold.
            HTTPError: any other refusal; ConnectionFailed: no answer at all.
        """
        body = _question_body("query", question, k, mode, document_ids)
        return _hits(self._call("POST", "/v1/search", json=body)["results"])

    def ask(
        self, question: str, k: int = 5, *, mode: Mode | None = None, document_ids: Sequence[str] | None = None
    ) -> Answer:
        """The best evidence sentence(s) for ``question`` with its passages (``Answer.score`` is not sent: 0)."""
        return _answer(self._call("POST", "/v1/ask", json=_question_body("question", question, k, mode, document_ids)))

    def add_document(
        self, path: str | os.PathLike[str], *, id: str | None = None, title: str | None = None
    ) -> AddResult:
        """Upload a file (.txt, .md, .rst, .tex, .html, .pdf, .docx, .odt, .epub, .rtf); a changed document replaces the one with its id.

        Raises:
            IngestError: the server could not read it (UnsupportedFormat, DocumentTooLarge are kinds of it).
        """
        path = Path(path)
        form = {k: v for k, v in (("id", id), ("title", title)) if v is not None}
        with _opened(path) as f:
            return _added(self._call("POST", "/v1/documents", files={"file": (path.name, f)}, data=form))

    def add_text(
        self,
        text: str,
        *,
        title: str | None = None,
        id: str | None = None,
        format: TextFormat = "text",
    ) -> AddResult:
        """Add a document given as a string (its id is derived from the title when not given)."""
        return _added(self._call("POST", "/v1/documents", json=_text_body(text, title, id, format)))

    def documents(self) -> list[DocumentSummary]:
        """Every document the server holds."""
        return [_summary(d) for d in self._call("GET", "/v1/documents")["documents"]]

    def document(self, document_id: str) -> DocumentSummary:
        """One document's summary. Raises DocumentNotFound."""
        return _summary(self._call("GET", f"/v1/documents/{_quote(document_id)}"))

    def source(self, document_id: str) -> DocumentSource:
        """A document's source text and footnotes, to check any citation against. Raises DocumentNotFound."""
        return _source(self._call("GET", f"/v1/documents/{_quote(document_id)}/source"))

    def remove(self, document_id: str) -> None:
        """Remove a document and its passages. Raises DocumentNotFound."""
        self._call("DELETE", f"/v1/documents/{_quote(document_id)}")

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise _unreachable(self.base_url, exc) from exc
        return _json(response)


class AsyncClient:
    """The asynchronous twin of ``Client`` (same arguments, same methods, awaited)."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=self.base_url, headers=_headers(api_key), timeout=timeout, transport=transport
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def search(
        self, question: str, k: int = 5, *, mode: Mode | None = None, document_ids: Sequence[str] | None = None
    ) -> list[Hit]:
        """See ``Client.search``."""
        body = _question_body("query", question, k, mode, document_ids)
        return _hits((await self._call("POST", "/v1/search", json=body))["results"])

    async def ask(
        self, question: str, k: int = 5, *, mode: Mode | None = None, document_ids: Sequence[str] | None = None
    ) -> Answer:
        """See ``Client.ask``."""
        body = _question_body("question", question, k, mode, document_ids)
        return _answer(await self._call("POST", "/v1/ask", json=body))

    async def add_document(
        self, path: str | os.PathLike[str], *, id: str | None = None, title: str | None = None
    ) -> AddResult:
        """See ``Client.add_document``."""
        path = Path(path)
        form = {k: v for k, v in (("id", id), ("title", title)) if v is not None}
        with _opened(path) as f:
            files = {"file": (path.name, f.read())}
        return _added(await self._call("POST", "/v1/documents", files=files, data=form))

    async def add_text(
        self,
        text: str,
        *,
        title: str | None = None,
        id: str | None = None,
        format: TextFormat = "text",
    ) -> AddResult:
        """See ``Client.add_text``."""
        return _added(await self._call("POST", "/v1/documents", json=_text_body(text, title, id, format)))

    async def documents(self) -> list[DocumentSummary]:
        """See ``Client.documents``."""
        return [_summary(d) for d in (await self._call("GET", "/v1/documents"))["documents"]]

    async def document(self, document_id: str) -> DocumentSummary:
        """See ``Client.document``."""
        return _summary(await self._call("GET", f"/v1/documents/{_quote(document_id)}"))

    async def source(self, document_id: str) -> DocumentSource:
        """See ``Client.source``."""
        return _source(await self._call("GET", f"/v1/documents/{_quote(document_id)}/source"))

    async def remove(self, document_id: str) -> None:
        """See ``Client.remove``."""
        await self._call("DELETE", f"/v1/documents/{_quote(document_id)}")

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise _unreachable(self.base_url, exc) from exc
        return _json(response)


# -- requests -------------------------------------------------------------------------------------


def _headers(api_key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


_DOCUMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
"""``footnoted.ingest.read.DOCUMENT_ID`` (a test keeps the two equal), without importing the readers."""


def _quote(document_id: str) -> str:
    # No document has an id outside the rule, and one such as "." or "" would change the path.
    if not isinstance(document_id, str) or not _DOCUMENT_ID.fullmatch(document_id):
        raise errors.DocumentNotFound(
            f"no document {document_id!r}: ids are letters, digits, '.', '_' and '-', starting with a letter or digit"
        )
    return quote(document_id, safe="")


def _question_body(
    name: str, question: str, k: int, mode: str | None, document_ids: Sequence[str] | None
) -> dict[str, Any]:
    errors.check_question(question)
    try:
        if isinstance(k, bool):
            raise TypeError
        k = operator.index(k)  # an int of numpy's too, as Index.search takes; never a float or a string
    except TypeError:
        raise errors.InvalidQuery(f"k must be a whole number from 1, not {k!r}") from None
    body: dict[str, Any] = {name: question, "k": k}
    if mode is not None:
        body["mode"] = mode
    if document_ids is not None:
        # One id given as a string is that id, not its characters.
        body["documents"] = [document_ids] if isinstance(document_ids, str) else list(document_ids)
    return body


def _opened(path: Path) -> BinaryIO:
    """``path`` open for reading, or the ``IngestError`` ``footnoted.load`` gives for it."""
    try:
        return path.open("rb")
    except OSError as exc:
        raise errors.IngestError(f"{path}: cannot read the file ({exc.strerror or exc})") from None


def _text_body(text: str, title: str | None, doc_id: str | None, fmt: str) -> dict[str, Any]:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise errors.IngestError(f"the text holds half of a character (a lone surrogate) at {exc.start}") from None
    body: dict[str, Any] = {"text": text, "format": fmt}
    if title is not None:
        body["title"] = title
    if doc_id is not None:
        body["id"] = doc_id
    return body


# -- responses ------------------------------------------------------------------------------------


def _unreachable(base_url: str, exc: httpx.TransportError) -> ConnectionFailed:
    what = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
    return ConnectionFailed(
        f"the request to {base_url} {what} ({type(exc).__name__}: {exc}); is `footnoted serve` running there?"
    )


def _json(response: httpx.Response) -> Any:
    if response.is_success:
        return response.json()
    request_id = response.headers.get("x-request-id")
    try:
        error = response.json()["error"]
        code, message = str(error["code"]), str(error["message"])
        request_id = error.get("request_id") or request_id
    except (ValueError, KeyError, TypeError):
        code, message = "http_error", response.text[:500] or response.reason_phrase
    raise _BY_CODE.get(code, HTTPError)(response.status_code, code, message, request_id)


def _footnote(d: Mapping[str, Any]) -> Footnote:
    return Footnote(
        label=d["label"],
        text=d["text"],
        start=d["start"],
        end=d["end"],
        # Sent with the notes of passages, answers and sources; absent from older servers.
        markers=tuple(Span(m["start"], m["end"]) for m in d.get("markers") or ()),
        same_as=d.get("same_as"),
        refers_to=tuple(d.get("refers_to") or ()),
    )


def _citation(d: Mapping[str, Any]) -> Citation:
    return Citation(d["document_id"], d["title"], d["section"], d["start"], d["end"])


def _hit(d: Mapping[str, Any]) -> Hit:
    citation = _citation(d["citation"])
    chunk = Chunk(
        id=d["chunk_id"],
        document_id=citation.document_id,
        section=citation.section,
        start=citation.start,
        end=citation.end,
        text=d["text"],
        footnotes=tuple(_footnote(n) for n in d["footnotes"]),
    )
    return Hit(rank=d["rank"], score=d["score"], chunk=chunk, citation=citation)


def _hits(results: list[Mapping[str, Any]]) -> list[Hit]:
    return [_hit(r) for r in results]


def _answer(d: Mapping[str, Any]) -> Answer:
    body = d["answer"]
    return Answer(
        question=d["question"],
        text=body["text"] if body else "",
        citation=_citation(body["citation"]) if body else None,
        footnotes=tuple(_footnote(n) for n in body["footnotes"]) if body else (),
        passages=tuple(_hits(d["passages"])),
    )


def _summary(d: Mapping[str, Any]) -> DocumentSummary:
    return DocumentSummary(
        id=d["id"],
        title=d["title"],
        format=d["format"],
        characters=d["characters"],
        sections=d["sections"],
        footnotes=d["footnotes"],
        chunks=d["chunks"],
        metadata=dict(d["metadata"]),
        warnings=tuple(d["warnings"]),
    )


def _source(d: Mapping[str, Any]) -> DocumentSource:
    return DocumentSource(d["id"], d["title"], d["text"], tuple(_footnote(n) for n in d["footnotes"]))


def _added(d: Mapping[str, Any]) -> AddResult:
    return AddResult(_summary(d["document"]), d["status"], d["chunks"], d["encoded"], d["reused"])
