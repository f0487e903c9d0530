"""The LlamaIndex retriever: nodes with exact spans, citations and footnotes, in process and over HTTP."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("llama_index.core")

from llama_index.core.postprocessor import SimilarityPostprocessor
from llama_index.core.schema import MetadataMode, NodeRelationship, NodeWithScore, TextNode

from footnoted.client import Client
from footnoted.errors import DocumentNotFound
from footnoted.index import Index
from footnoted.integrations.llamaindex import FootnotedRetriever
from tests.integrations.conftest import QUESTION

BRIEFING = "back-in-business-2005"
METADATA = {"document_id", "title", "section", "start", "end", "score", "rank", "chunk_id", "footnotes"}


def _check(result: NodeWithScore, source: str) -> None:
    node = result.node
    assert isinstance(node, TextNode)
    meta = node.metadata
    assert set(meta) == METADATA
    assert node.node_id == meta["chunk_id"]
    assert node.ref_doc_id == meta["document_id"]
    assert node.relationships[NodeRelationship.SOURCE].metadata == {"title": meta["title"]}  # type: ignore[union-attr]
    assert (node.start_char_idx, node.end_char_idx) == (meta["start"], meta["end"])
    assert source[meta["start"] : meta["end"]] == node.text
    assert result.score == meta["score"]
    for note in meta["footnotes"]:
        assert source[note["start"] : note["end"]] == note["text"]
        assert note["markers"] and all(source[m["start"] : m["end"]] == note["label"] for m in note["markers"])


def test_nodes_carry_the_span_citation_and_footnotes(briefing_hash_index: Index) -> None:
    results = FootnotedRetriever(briefing_hash_index, k=3).retrieve(QUESTION)
    source = briefing_hash_index.document(BRIEFING).source
    assert [r.node.metadata["rank"] for r in results] == [1, 2, 3]
    assert [r.node.node_id for r in results] == [h.chunk.id for h in briefing_hash_index.search(QUESTION, 3)]
    for result in results:
        _check(result, source)


def test_what_an_llm_reads_has_the_footnotes_but_not_the_bookkeeping(briefing_hash_index: Index) -> None:
    results = FootnotedRetriever(briefing_hash_index, k=1).retrieve(QUESTION)
    node = results[0].node
    assert isinstance(node, TextNode)
    llm = node.get_content(metadata_mode=MetadataMode.LLM)
    assert node.get_content(metadata_mode=MetadataMode.NONE) == node.text
    assert "title: Back in Business?" in llm
    assert "footnotes:" in llm
    assert "chunk_id" not in llm
    assert node.text in llm


def test_options_async_and_postprocessors(briefing_hash_index: Index) -> None:
    retriever = FootnotedRetriever(briefing_hash_index, k=4, mode="lexical", document_ids=[BRIEFING])
    results = retriever.retrieve(QUESTION)
    assert [r.node.node_id for r in results] == [
        h.chunk.id for h in briefing_hash_index.search(QUESTION, 4, mode="lexical")
    ]
    assert [r.node.node_id for r in asyncio.run(retriever.aretrieve(QUESTION))] == [r.node.node_id for r in results]
    cutoff = results[1].get_score()
    kept = SimilarityPostprocessor(similarity_cutoff=cutoff).postprocess_nodes(results)
    assert [r.node.node_id for r in kept] == [r.node.node_id for r in results if r.get_score() >= cutoff]


def test_errors_surface_as_footnoted_errors(briefing_hash_index: Index) -> None:
    with pytest.raises(DocumentNotFound):
        FootnotedRetriever(briefing_hash_index, document_ids=["nope"]).retrieve(QUESTION)


@pytest.mark.model
def test_over_http_the_nodes_match_in_process(client: Client, real_briefing_index: Index) -> None:
    remote = FootnotedRetriever(client, k=3).retrieve(QUESTION)
    local = FootnotedRetriever(real_briefing_index, k=3).retrieve(QUESTION)
    assert [r.node.node_id for r in remote] == [r.node.node_id for r in local]
    assert [r.node.metadata["footnotes"] for r in remote] == [r.node.metadata["footnotes"] for r in local]
    source = client.source(BRIEFING).text
    for result in remote:
        _check(result, source)
    assert "3" in [n["label"] for n in remote[0].node.metadata["footnotes"]]
    assert len(asyncio.run(FootnotedRetriever(client, k=2).aretrieve(QUESTION))) == 2
