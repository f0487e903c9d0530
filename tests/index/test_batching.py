"""Micro-batching: questions that arrive together share one model call, and each gets its own vector."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from footnoted.errors import EncoderError
from footnoted.index import HashEncoder
from footnoted.index.batching import BatchingEncoder
from footnoted.index.encoder import Kind


class _Slow:
    """A hash encoder whose calls take a while, so that questions pile up behind a running one."""

    def __init__(self, seconds: float = 0.02, fail: bool = False) -> None:
        self.inner = HashEncoder(32)
        self.model_id, self.dimension, self.max_tokens = "slow", 32, 64
        self.seconds = seconds
        self.fail = fail
        self.calls: list[tuple[int, str]] = []
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        with self._lock:
            self.calls.append((len(texts), kind))
        time.sleep(self.seconds)
        if self.fail:
            raise EncoderError("the model failed")
        return self.inner.encode(texts, kind)


def test_questions_arriving_together_share_calls_and_each_gets_its_own_vector() -> None:
    slow = _Slow()
    batcher = BatchingEncoder(slow)
    questions = [f"question number {i}" for i in range(48)]
    try:
        with ThreadPoolExecutor(16) as pool:
            vectors = list(pool.map(lambda q: batcher.encode([q], "query"), questions))
    finally:
        batcher.close()
    expected = HashEncoder(32).encode(questions, "query")
    for got, want in zip(vectors, expected, strict=True):
        assert got.shape == (1, 32)
        assert np.array_equal(got[0], want)
    assert batcher.batched_texts == 48
    assert batcher.batches == len(slow.calls) < 48  # some calls carried several questions
    assert max(n for n, _ in slow.calls) > 1


def test_a_lone_question_waits_for_nobody() -> None:
    slow = _Slow(seconds=0.0)
    batcher = BatchingEncoder(slow)
    try:
        started = time.perf_counter()
        batcher.encode(["just one"], "query")
        assert time.perf_counter() - started < 1.0
    finally:
        batcher.close()
    assert slow.calls == [(1, "query")]


def test_passages_and_several_texts_go_straight_to_the_model() -> None:
    slow = _Slow(seconds=0.0)
    batcher = BatchingEncoder(slow)
    try:
        batcher.encode(["a passage"], "passage")
        batcher.encode(["two", "questions"], "query")
    finally:
        batcher.close()
    assert slow.calls == [(1, "passage"), (2, "query")]
    assert batcher.batches == 0


def test_a_failing_model_call_reaches_every_waiting_caller_and_none_hangs() -> None:
    batcher = BatchingEncoder(_Slow(fail=True))
    try:
        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(batcher.encode, [f"q{i}"], "query") for i in range(8)]
            for future in futures:
                with pytest.raises(EncoderError, match="the model failed"):
                    future.result(timeout=10)
        # The worker survives the failure and keeps serving.
        batcher.inner = _Slow(seconds=0.0)
        assert batcher.encode(["after"], "query").shape == (1, 32)
    finally:
        batcher.close()


def test_close_stops_the_worker() -> None:
    batcher = BatchingEncoder(_Slow(seconds=0.0))
    batcher.encode(["q"], "query")
    batcher.close()
    assert not any(t.name == "footnoted-query-batcher" and t.is_alive() for t in threading.enumerate())
