"""The LangChain retriever: LangChain's standard retriever tests, in process and over HTTP, and its metadata."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("langchain_core")
pytest.importorskip("langchain_tests")

from langchain_core.documents import Document
from langchain_tests.integration_tests import RetrieversIntegrationTests

from footnoted.client import Client
from footnoted.index import Index
from footnoted.integrations.langchain import FootnotedRetriever
from tests.integrations.conftest import QUESTION
from tests.server import Server

BRIEFING = "back-in-business-2005"
METADATA = {"document_id", "title", "section", "start", "end", "score", "rank", "chunk_id", "footnotes"}


# The async standard test runs under anyio's pytest plugin (the mark leaves the plain tests alone).
@pytest.mark.anyio
class TestInProcessStandard(RetrieversIntegrationTests):
    """LangChain's standard suite on an in-process index (the deterministic test encoder)."""

    @pytest.fixture(autouse=True)
    def _index(self, briefing_hash_index: Index) -> None:
        self.index = briefing_hash_index

    @property
    def retriever_constructor(self) -> type[FootnotedRetriever]:
        return FootnotedRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"index": self.index}

    @property
    def retriever_query_example(self) -> str:
        return QUESTION


@pytest.mark.anyio
@pytest.mark.model
class TestServerStandard(RetrieversIntegrationTests):
    """LangChain's standard suite against a real server with the real model, through the client."""

    @pytest.fixture(autouse=True)
    def _client(self, client: Client) -> None:
        self.client = client

    @property
    def retriever_constructor(self) -> type[FootnotedRetriever]:
        return FootnotedRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"index": self.client}

    @property
    def retriever_query_example(self) -> str:
        return QUESTION


def _check(doc: Document, source: str) -> None:
    meta = doc.metadata
    assert set(meta) == METADATA
    assert doc.id == meta["chunk_id"]
    assert source[meta["start"] : meta["end"]] == doc.page_content
    for note in meta["footnotes"]:
        assert set(note) == {"label", "text", "start", "end", "markers"}
        assert source[note["start"] : note["end"]] == note["text"]
        # Each marker is the note's label in the text (the briefing's markers are bare digits).
        assert note["markers"] and all(source[m["start"] : m["end"]] == note["label"] for m in note["markers"])


def test_documents_carry_the_citation_and_footnotes(briefing_hash_index: Index) -> None:
    docs = FootnotedRetriever(index=briefing_hash_index, k=3).invoke(QUESTION)
    source = briefing_hash_index.document(BRIEFING).source
    assert [d.metadata["rank"] for d in docs] == [1, 2, 3]
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)
    for doc in docs:
        _check(doc, source)
        assert doc.metadata["document_id"] == BRIEFING
        assert doc.metadata["title"].startswith("Back in Business?")


def test_call_options_override_the_defaults(briefing_hash_index: Index) -> None:
    retriever = FootnotedRetriever(index=briefing_hash_index, k=4, mode="dense")
    lexical = retriever.invoke(QUESTION, k=2, mode="lexical", document_ids=[BRIEFING])
    assert [d.id for d in lexical] == [h.chunk.id for h in briefing_hash_index.search(QUESTION, 2, mode="lexical")]
    assert len(retriever.invoke(QUESTION)) == 4
    assert len(asyncio.run(retriever.ainvoke(QUESTION, k=2))) == 2
    # One id given as a string is that id, as a default too.
    assert FootnotedRetriever(index=briefing_hash_index, document_ids=BRIEFING).document_ids == [BRIEFING]  # type: ignore[arg-type]


def test_a_retriever_composes_in_a_chain(briefing_hash_index: Index) -> None:
    from langchain_core.runnables import RunnableLambda

    def cite(docs: list[Document]) -> list[str]:
        return [f"{d.metadata['document_id']}:{d.metadata['start']}-{d.metadata['end']}" for d in docs]

    chain = FootnotedRetriever(index=briefing_hash_index, k=2) | RunnableLambda(cite)
    assert len(chain.invoke(QUESTION)) == 2
    assert len(chain.batch([QUESTION, "landmine exports"])) == 2


def test_errors_surface_as_footnoted_errors(briefing_hash_index: Index) -> None:
    from footnoted.errors import DocumentNotFound

    with pytest.raises(DocumentNotFound):
        FootnotedRetriever(index=briefing_hash_index, document_ids=["nope"]).invoke(QUESTION)


def test_only_a_searcher_is_accepted() -> None:
    with pytest.raises(ValueError, match="index"):
        FootnotedRetriever(index="http://127.0.0.1:8000")  # type: ignore[arg-type]


@pytest.mark.model
def test_over_http_the_documents_match_in_process(client: Client, server: Server, real_briefing_index: Index) -> None:
    remote = FootnotedRetriever(index=client, k=3).invoke(QUESTION)
    local = FootnotedRetriever(index=real_briefing_index, k=3).invoke(QUESTION)
    assert [d.page_content for d in remote] == [d.page_content for d in local]
    assert [d.metadata["footnotes"] for d in remote] == [d.metadata["footnotes"] for d in local]
    source = client.source(BRIEFING).text
    for doc in remote:
        _check(doc, source)
    assert "3" in [n["label"] for n in remote[0].metadata["footnotes"]]
