"""Micro-batching: questions that arrive together share one model call, and each gets its own vector."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

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


def test_coroutines_share_calls_get_their_own_vectors_and_a_batch_wakes_the_loop_once() -> None:
    slow = _Slow()
    batcher = BatchingEncoder(slow)
    questions = [f"question number {i}" for i in range(40)]
    wakeups = 0

    async def ask_all() -> list[np.ndarray]:
        nonlocal wakeups
        loop = asyncio.get_running_loop()
        threadsafe = loop.call_soon_threadsafe

        def counted(*args: Any, **kwargs: Any) -> Any:
            nonlocal wakeups
            wakeups += 1
            return threadsafe(*args, **kwargs)

        loop.call_soon_threadsafe = counted  # type: ignore[method-assign]
        return list(await asyncio.gather(*(batcher.submit_async(q) for q in questions)))

    try:
        vectors = asyncio.run(ask_all())
    finally:
        batcher.close()
    expected = HashEncoder(32).encode(questions, "query")
    for got, want in zip(vectors, expected, strict=True):
        assert np.array_equal(got, want)
    assert batcher.batched_texts == 40 and batcher.batches == len(slow.calls) < 40
    assert wakeups == batcher.batches


def test_a_failing_call_reaches_every_coroutine_and_a_cancelled_one_is_skipped() -> None:
    failing = BatchingEncoder(_Slow(fail=True))
    blocked = threading.Event()
    gate = _Slow(seconds=0.0)
    held = BatchingEncoder(gate)
    original = gate.encode

    def wait_then_encode(texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        blocked.wait(10)
        return original(texts, kind)

    gate.encode = wait_then_encode  # type: ignore[method-assign]

    async def scenario() -> tuple[list[BaseException | np.ndarray], np.ndarray]:
        errors = await asyncio.gather(*(failing.submit_async(f"q{i}") for i in range(6)), return_exceptions=True)
        first, second = held.submit_async("gone"), held.submit_async("kept")
        await asyncio.sleep(0.05)
        first.cancel()  # its client went away while the batch was in the model
        blocked.set()
        return errors, await asyncio.wait_for(second, 10)

    try:
        errors, kept = asyncio.run(scenario())
    finally:
        failing.close()
        held.close()
    assert all(isinstance(e, EncoderError) and "the model failed" in str(e) for e in errors)
    assert np.array_equal(kept, HashEncoder(32).encode(["kept"], "query")[0])
