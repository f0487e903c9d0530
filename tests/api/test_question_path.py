"""How the server answers a question: its vector awaited without a thread, its search on the event
loop for a small index and in the threadpool for a large one, with or without micro-batching."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from footnoted.api import app as app_module
from footnoted.api.app import create_app
from footnoted.corpus import load_briefing
from footnoted.index import HashEncoder, Index, IndexConfig
from footnoted.index.batching import BatchingEncoder
from footnoted.ingest import WordTokenizer
from footnoted.settings import Settings
from tests.server import start_server

QUESTION = "How many antipersonnel mines does the United States stockpile?"


def _index(config: IndexConfig | None = None, path: Path | None = None) -> Index:
    index = (
        Index.open(path, HashEncoder(), WordTokenizer(), config)
        if path
        else Index.memory(HashEncoder(), WordTokenizer(), config)
    )
    index.add([load_briefing()])
    return index


@contextmanager
def _client(home: Path, *, micro_batch: bool, index: Path | None = None) -> Iterator[TestClient]:
    """The app as ``serve`` runs it (the index loaded from settings, the encoder wrapped), once ready."""
    settings = Settings(home=home, index=index, encoder="hash", micro_batch=micro_batch, batch_window_ms=0)
    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the index did not load"
            time.sleep(0.05)
        yield client


def _served(client: TestClient) -> Index:
    index = client.app.state.footnoted.index  # type: ignore[attr-defined]
    assert isinstance(index, Index)
    return index


def _encoder_calls(client: TestClient) -> float:
    for family in text_string_to_metric_families(client.get("/metrics").text):
        if family.name == "footnoted_encode_seconds":
            return next(s.value for s in family.samples if s.name.endswith("_count"))
    raise AssertionError("no encoder histogram in /metrics")


class _Threads:
    """Records the thread each search and ask of an index runs on."""

    def __init__(self, index: Index) -> None:
        self.seen: list[str] = []
        for name in ("search", "ask"):
            method = getattr(index, name)

            def recorded(*args: Any, _method: Any = method, **kwargs: Any) -> Any:
                self.seen.append(threading.current_thread().name)
                return _method(*args, **kwargs)

            setattr(index, name, recorded)


@pytest.fixture(params=[True, False], ids=["micro-batching", "no-micro-batching"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path, micro_batch=request.param) as c:
        assert isinstance(_served(c).encoder, BatchingEncoder) is request.param
        yield c


def test_both_modes_answer_alike_and_encode_each_new_question_once(client: TestClient) -> None:
    expected = _index().search(QUESTION, 3)
    before = _encoder_calls(client)
    body = client.post("/v1/search", json={"query": QUESTION, "k": 3}).json()
    assert [r["chunk_id"] for r in body["results"]] == [h.chunk.id for h in expected]
    assert _encoder_calls(client) == before + 1
    answer = client.post("/v1/ask", json={"question": QUESTION}).json()
    assert answer["answer"]["text"]
    assert _encoder_calls(client) == before + 1  # asked just now: from the LRU of question vectors
    lexical = client.post("/v1/search", json={"query": "an unseen question on exports", "mode": "lexical"})
    assert lexical.status_code == 200 and lexical.json()["results"]
    assert _encoder_calls(client) == before + 1  # BM25 alone needs no vector


def test_bad_questions_get_their_errors_and_an_empty_one_is_not_encoded(client: TestClient) -> None:
    before = _encoder_calls(client)
    assert client.post("/v1/ask", json={"question": "   "}).json()["error"]["code"] == "invalid_query"
    unseen = client.post("/v1/search", json={"query": "\u200b\ufeff"})
    assert (unseen.status_code, unseen.json()["error"]["message"]) == (
        422,
        "the question is empty: it holds only characters that are not seen (U+200B, U+FEFF)",
    )
    assert _encoder_calls(client) == before
    missing = client.post("/v1/search", json={"query": QUESTION, "documents": ["no-such-document"]})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_small_index_is_searched_on_the_event_loop_and_a_large_one_in_the_threadpool(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with _client(tmp_path, micro_batch=True) as client:
        index = _served(client)
        threads = _Threads(index)
        assert client.post("/v1/search", json={"query": QUESTION}).status_code == 200
        assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 200
        monkeypatch.setattr(app_module, "_LOOP_VECTORS", len(index.snapshot.vectors) - 1)
        assert client.post("/v1/search", json={"query": QUESTION}).status_code == 200
        assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 200
    loop, pool = threads.seen[:2], threads.seen[2:]
    assert len(set(loop)) == 1 and not loop[0].startswith("AnyIO worker"), threads.seen
    assert len(pool) == 2 and all(name.startswith("AnyIO worker") for name in pool), threads.seen


def test_an_answer_that_must_encode_its_sentences_goes_to_the_threadpool(tmp_path: Path) -> None:
    _index(IndexConfig(sentence_vectors=False), tmp_path / "index").close()
    with _client(tmp_path / "home", micro_batch=True, index=tmp_path / "index") as client:
        index = _served(client)
        assert not index.answers_from_stored_vectors
        threads = _Threads(index)
        assert client.post("/v1/search", json={"query": QUESTION}).status_code == 200
        assert client.post("/v1/ask", json={"question": QUESTION}).json()["answer"]["text"]
    search_thread, ask_thread = threads.seen
    assert not search_thread.startswith("AnyIO worker")
    assert ask_thread.startswith("AnyIO worker")


@pytest.mark.parametrize("micro_batch", ["1", "0"], ids=["micro-batching", "no-micro-batching"])
def test_concurrent_questions_over_http_each_get_their_own_passages(tmp_path: Path, micro_batch: str) -> None:
    """32 different questions at once through a real uvicorn server: batched or not, each response
    holds the passages an in-process search finds for that very question."""
    reference = _index()
    questions = [f"{QUESTION.removesuffix('?')} in {year}?" for year in range(1990, 2006)]
    questions += [f"Which treaty bans {thing}?" for thing in ("exports", "stockpiles", "production", "use")] * 4
    server = start_server(tmp_path, tmp_path / "models", encoder="hash", micro_batch=micro_batch)
    try:

        def one(question: str) -> tuple[list[str], str]:
            with httpx.Client(base_url=server.url, timeout=60) as http:
                found = http.post("/v1/search", json={"query": question, "k": 3}).json()
                answer = http.post("/v1/ask", json={"question": question, "k": 3}).json()
            return [r["chunk_id"] for r in found["results"]], answer["answer"]["text"]

        with ThreadPoolExecutor(32) as pool:
            got = list(pool.map(one, questions))
    finally:
        server.stop()
    for question, (ids, answer) in zip(questions, got, strict=True):
        assert ids == [h.chunk.id for h in reference.search(question, 3)], question
        assert answer == reference.ask(question, 3).text, question


def test_what_start_up_loaded_is_out_of_the_collectors_sight(tmp_path: Path) -> None:
    import gc

    gc.unfreeze()
    try:
        with _client(tmp_path, micro_batch=True) as client:
            # The server is ready once its index is in place; the freeze follows a full pass after.
            deadline = time.monotonic() + 30
            while (frozen := gc.get_freeze_count()) == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            index = _served(client)
            assert frozen > 10_000, "start-up's objects were left to every full pass"
            assert index.search(QUESTION, 1)
    finally:
        gc.unfreeze()


def test_a_request_naming_no_k_gets_the_default_or_the_limit_where_lower(tmp_path: Path) -> None:
    # FOOTNOTED_MAX_K=3: a request with no k gets 3 passages (it was refused, "not 5"), one asking
    # for 4 is refused, and the schema's default says so.
    settings = Settings(home=tmp_path, encoder="hash", micro_batch=False, max_k=3)
    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the index did not load"
            time.sleep(0.05)
        assert len(client.post("/v1/search", json={"query": QUESTION}).json()["results"]) == 3
        assert len(client.post("/v1/ask", json={"question": QUESTION}).json()["passages"]) == 3
        assert client.post("/v1/search", json={"query": QUESTION, "k": 4}).status_code == 422
        k = client.get("/openapi.json").json()["components"]["schemas"]["SearchRequest"]["properties"]["k"]
        assert (k["default"], k["maximum"]) == (3, 3)
