"""A LangChain retriever: cited passages as ``Document``s (extra ``footnoted[langchain]``).

Example:
    retriever = FootnotedRetriever(index=open_index(Settings()), k=3)       # in process
    retriever = FootnotedRetriever(index=Client("http://127.0.0.1:8000"))  # or a server
    for doc in retriever.invoke("How many mines does the US stockpile?"):
        print(doc.metadata["section"], doc.metadata["start"], doc.metadata["footnotes"])
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import ConfigDict, Field, field_validator

from footnoted.index.search import Mode
from footnoted.integrations.passages import Searcher, passage_metadata
from footnoted.types import Hit

__all__ = ["FootnotedRetriever", "to_document"]


def to_document(hit: Hit) -> Document:
    """A hit as a LangChain ``Document``: the exact passage text, its citation and footnotes as metadata."""
    return Document(page_content=hit.chunk.text, metadata=passage_metadata(hit), id=hit.chunk.id)


class FootnotedRetriever(BaseRetriever):
    """Retrieves cited passages from a footnoted index, in process or over HTTP.

    Each ``Document``'s ``page_content`` is exactly ``source[start:end]`` of its document, and its
    metadata holds ``document_id``, ``title``, ``section``, ``start``, ``end``, ``score``, ``rank``,
    ``chunk_id`` and ``footnotes`` (a list of ``{label, text, start, end, markers}``).
    ``invoke(query, k=..., mode=..., document_ids=...)`` overrides the defaults for one call.

    Args:
        index: An ``Index``, or a ``footnoted.client.Client`` for a server.
        k: How many passages to return.
        mode: ``dense``, ``lexical`` or ``hybrid`` (None: the index's default).
        document_ids: Only search these documents.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Searcher
    k: int = Field(default=5, ge=1)
    mode: Mode | None = None
    document_ids: list[str] | None = None

    @field_validator("document_ids", mode="before")
    @classmethod
    def _one_id(cls, value: object) -> object:
        """One id given as a string is that id, not its characters (as for each call)."""
        return [value] if isinstance(value, str) else value

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        mode: Mode | None = None,
        document_ids: Sequence[str] | None = None,
    ) -> list[Document]:
        return self._search(query, k, mode, document_ids)

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        k: int | None = None,
        mode: Mode | None = None,
        document_ids: Sequence[str] | None = None,
    ) -> list[Document]:
        # Encoding and HTTP calls block: run them off the event loop.
        docs: list[Document] = await run_in_executor(None, self._search, query, k, mode, document_ids)
        return docs

    def _search(
        self, query: str, k: int | None, mode: Mode | None, document_ids: Sequence[str] | None
    ) -> list[Document]:
        hits = self.index.search(
            query,
            k if k is not None else self.k,
            mode=self.mode if mode is None else mode,
            document_ids=document_ids if document_ids is not None else self.document_ids,
        )
        return [to_document(h) for h in hits]
