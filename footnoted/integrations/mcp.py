"""An MCP server over stdio: ``search``, ``ask`` and ``list_documents`` (extra ``footnoted[mcp]``).

Each tool returns structured content in the shapes of the HTTP API (its schema is the tool's
``outputSchema``) and the same passages as text, with their citations and footnotes. Start it
as ``footnoted mcp [--index DIR]`` or ``python -m footnoted.integrations.mcp [--index DIR]``;
with no index given it serves the bundled briefing, building its index on first use.

The index opens in the background as the session starts, so the handshake never waits for
the model to load; the first tool call waits for it.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, ValidationError

from footnoted import render
from footnoted.errors import FootnotedError
from footnoted.index import Index
from footnoted.integrations import mcp_output as out
from footnoted.settings import DEFAULT_K, QUESTION_HELP, Mode, Settings, setting_error

__all__ = ["create_server", "main", "run"]

T = TypeVar("T")

_INSTRUCTIONS = (
    "Answers questions from footnoted documents (reports, briefings) with cited passages. Each passage "
    "is exact source text with its document, section and character span, and the footnotes it cites. "
    "Quote passages and footnotes as given and cite them by title, section and characters."
)
_READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

log = logging.getLogger("footnoted.mcp")

ModeArg = Annotated[
    Literal["dense", "lexical", "hybrid"] | None,
    Field(description="dense (meaning), lexical (words, BM25) or hybrid (both; the default)."),
]
DocumentIds = Annotated[
    list[str] | None, Field(description="Only search these document ids (see list_documents); all when absent.")
]


class _Loader:
    """Opens the index once, from whichever thread asks first; later callers wait for it."""

    def __init__(self, open_index: Callable[[], Index]) -> None:
        self._open = open_index
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._error: str | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._load, name="footnoted-mcp-loader", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Let a load in progress finish: a process that exits while the model's runtime is being
        set up in another thread is aborted by it (a client that leaves at once)."""
        if self._thread is not None:
            self._thread.join(timeout=300)

    def _load(self) -> None:
        with suppress(ToolError):  # kept in self._error: every tool call reports it
            self.get()

    def get(self) -> Index:
        with self._lock:
            if self._index is None and self._error is None:
                try:
                    self._index = self._open()
                except FootnotedError as exc:
                    self._error = f"the index could not be opened: {exc}"
            if self._index is None:
                raise ToolError(self._error or "the index could not be opened")
            index = self._index
        # What another process committed since the last call (an ingest, a removal): a session
        # lasts as long as the client, and would otherwise cite documents removed since it began.
        # One small file is read when nothing changed; a newer generation that does not load is
        # reported and the one held is served.
        try:
            index.refresh()
        except (FootnotedError, OSError) as exc:
            log.warning("footnoted mcp: serving the index as it was: %s", exc)
        return index


def create_server(
    open_index: Callable[[], Index],
    default_mode: Mode | None = None,
    *,
    max_k: int = 50,
    max_question_chars: int = 2000,
) -> MCPServer[None]:
    """The MCP server, serving the index that ``open_index`` opens (called once, in the background).

    Args:
        open_index: Returns the index to serve; a ``FootnotedError`` it raises is reported by every tool call.
        default_mode: The mode of a question that names none (``FOOTNOTED_MODE``); None: the index's own.
        max_k: The most passages a call may ask for (``FOOTNOTED_MAX_K``), in the tools' input schema.
        max_question_chars: The longest question (``FOOTNOTED_MAX_QUESTION_CHARS``), likewise.
    """
    loader = _Loader(open_index)
    # The bounds are the settings', so the tools' annotations are made here, as objects: the string
    # annotations of this module's functions are read in its globals, where these names are not.
    question_type = Annotated[str, Field(min_length=1, max_length=max_question_chars, description=QUESTION_HELP)]
    # Strict: a whole number, as the HTTP API takes it ("3" and true are refused, not read as 3 and 1).
    k_type = Annotated[int, Field(ge=1, le=max_k, strict=True, description="How many passages to return.")]

    default_k = min(DEFAULT_K, max_k)  # where FOOTNOTED_MAX_K is lower, a call that names no k still works

    def bounded(fn: Callable[..., T]) -> Callable[..., T]:
        fn.__annotations__.update(question=question_type, k=k_type)
        return fn

    @asynccontextmanager
    async def lifespan(_: MCPServer[None]) -> AsyncIterator[None]:
        loader.start()
        try:
            yield
        finally:
            loader.wait()

    server: MCPServer[None] = MCPServer(
        "footnoted", instructions=_INSTRUCTIONS, version=_version(), lifespan=lifespan, log_level="WARNING"
    )

    @server.tool(annotations=_READ_ONLY)
    @bounded
    def search(
        question: str, k: int = default_k, mode: ModeArg = None, documents: DocumentIds = None
    ) -> Annotated[CallToolResult, out.SearchOutput]:
        """The passages that best answer a question, best first: exact source text, its citation
        (document, section, character span) and the footnotes it cites."""
        hits = _call(lambda: loader.get().search(question, k, mode=mode or default_mode, document_ids=documents))
        return _result(out.search_text(hits), render.search(question, hits))

    @server.tool(annotations=_READ_ONLY)
    @bounded
    def ask(
        question: str, k: int = default_k, mode: ModeArg = None, documents: DocumentIds = None
    ) -> Annotated[CallToolResult, out.AskOutput]:
        """The best evidence sentence(s) for a question, quoted exactly with citation and footnotes,
        and the passages it was drawn from. Extractive: no text is generated."""
        answer = _call(lambda: loader.get().ask(question, k, mode=mode or default_mode, document_ids=documents))
        return _result(out.ask_text(answer), render.ask(answer))

    @server.tool(annotations=_READ_ONLY)
    def list_documents() -> Annotated[CallToolResult, out.DocumentsOutput]:
        """Every document in the index: id (for the documents filter), title, and counts."""
        summaries = _call(lambda: _summaries(loader.get()))
        return _result(out.documents_text(summaries), {"documents": summaries})

    return server


def run(settings: Settings, index: Path | None = None) -> None:
    """Serve over stdio until the client closes the connection.

    Args:
        settings: Where the data lives and which encoder to use (``FOOTNOTED_*``).
        index: The index directory; None: the settings' index, else the bundled briefing's.
    """
    from footnoted.index.load import open_index

    create_server(
        lambda: open_index(settings, index),
        settings.mode,
        max_k=settings.max_k,
        max_question_chars=settings.max_question_chars,
    ).run("stdio")


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m footnoted.integrations.mcp [--index DIR]``."""
    parser = argparse.ArgumentParser(prog="footnoted mcp", description="Serve footnoted to MCP clients over stdio.")
    parser.add_argument("--index", type=Path, default=None, help="index directory (default: the bundled briefing's)")
    args = parser.parse_args(argv)
    # The model ships in a package: nothing may try a hub download.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        settings = Settings()
    except ValidationError as exc:  # a FOOTNOTED_* setting that does not parse: one line, as `footnoted mcp` says it
        parser.exit(2, f"footnoted mcp: {setting_error(exc)}\n")
    run(settings, args.index)


def _call(fn: Callable[[], T]) -> T:
    """Run a tool's work, turning footnoted's errors into a message the model reads."""
    try:
        return fn()
    except FootnotedError as exc:
        raise ToolError(str(exc)) from exc


def _result(text: str, structured: dict[str, Any]) -> CallToolResult:
    return CallToolResult(content=[TextContent(text=text)], structured_content=structured)


def _summaries(index: Index) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for c in index.snapshot.chunks:
        counts[c.document_id] = counts.get(c.document_id, 0) + 1
    return [render.document_summary(d, counts.get(d.id, 0)) for d in index.documents.values()]


def _version() -> str:
    from importlib.metadata import version

    return version("footnoted")


if __name__ == "__main__":
    main()
