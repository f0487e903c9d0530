"""What the retrievers share: the one method they need, and the metadata a passage carries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from footnoted import render
from footnoted.types import Hit

if TYPE_CHECKING:
    from footnoted.index.search import Mode


@runtime_checkable
class Searcher(Protocol):
    """Anything with ``Index.search``'s signature: an ``Index``, or a ``Client`` for a server."""

    def search(
        self, question: str, k: int = 5, *, mode: Mode | None = None, document_ids: Sequence[str] | None = None
    ) -> list[Hit]: ...


def passage_metadata(hit: Hit) -> dict[str, Any]:
    """A hit's citation, score, rank, chunk id and footnotes, as flat JSON-ready metadata.

    ``start``/``end`` index the source of ``document_id``, and the passage text is exactly
    ``source[start:end]``; each footnote dict (label, text, start, end, and ``markers``, the spans
    of the marks citing it) indexes the same source, as the HTTP API's footnotes do.
    """
    c = hit.citation
    return {
        "document_id": c.document_id,
        "title": c.title,
        "section": c.section,
        "start": c.start,
        "end": c.end,
        "score": hit.score,
        "rank": hit.rank,
        "chunk_id": hit.chunk.id,
        "footnotes": [render.cited_footnote(n) for n in hit.chunk.footnotes],
    }
