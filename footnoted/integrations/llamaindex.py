"""A LlamaIndex retriever: cited passages as ``NodeWithScore`` (extra ``footnoted[llamaindex]``).

Example:
    retriever = FootnotedRetriever(open_index(Settings()), k=3)       # in process
    retriever = FootnotedRetriever(Client("http://127.0.0.1:8000"))   # or a server
    for result in retriever.retrieve("How many mines does the US stockpile?"):
        print(result.score, result.node.ref_doc_id, result.node.metadata["footnotes"])
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from llama_index.core.callbacks import CallbackManager
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeRelationship, NodeWithScore, QueryBundle, RelatedNodeInfo, TextNode

from footnoted.index.search import Mode
from footnoted.integrations.passages import Searcher, passage_metadata
from footnoted.types import Hit

__all__ = ["FootnotedRetriever", "to_node"]

# What an LLM or an embedding model should not read as part of the passage: bookkeeping.
_HIDDEN = ["document_id", "start", "end", "score", "rank", "chunk_id"]


def to_node(hit: Hit) -> NodeWithScore:
    """A hit as a scored ``TextNode``: exact text and span, citation and footnotes as metadata.

    The node's id is the chunk id, its source relationship (``ref_doc_id``) the document id, and
    ``start_char_idx``/``end_char_idx`` the span in that document's source.
    """
    c = hit.citation
    node = TextNode(
        id_=hit.chunk.id,
        text=hit.chunk.text,
        start_char_idx=c.start,
        end_char_idx=c.end,
        metadata=passage_metadata(hit),
        excluded_llm_metadata_keys=list(_HIDDEN),
        excluded_embed_metadata_keys=list(_HIDDEN),
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=c.document_id, metadata={"title": c.title})},
    )
    return NodeWithScore(node=node, score=hit.score)


class FootnotedRetriever(BaseRetriever):
    """Retrieves cited passages from a footnoted index, in process or over HTTP.

    Args:
        index: An ``Index``, or a ``footnoted.client.Client`` for a server.
        k: How many passages to return.
        mode: ``dense``, ``lexical`` or ``hybrid`` (None: the index's default).
        document_ids: Only search these documents.
    """

    def __init__(
        self,
        index: Searcher,
        *,
        k: int = 5,
        mode: Mode | None = None,
        document_ids: Sequence[str] | None = None,
        callback_manager: CallbackManager | None = None,
        verbose: bool = False,
    ) -> None:
        super().__init__(callback_manager=callback_manager, verbose=verbose)
        self.index = index
        self.k = k
        self.mode = mode
        # One id given as a string is that id, not its characters.
        ids = [document_ids] if isinstance(document_ids, str) else document_ids
        self.document_ids = list(ids) if ids is not None else None

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self.index.search(query_bundle.query_str, self.k, mode=self.mode, document_ids=self.document_ids)
        return [to_node(h) for h in hits]

    async def _aretrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        # Encoding and HTTP calls block: run them off the event loop.
        return await asyncio.to_thread(self._retrieve, query_bundle)
