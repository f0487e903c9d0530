"""Micro-batching: questions that arrive together are encoded in one model call.

One worker thread takes the questions waiting and encodes them in one call; while it runs, new
ones queue up and make the next batch. So batches form by themselves under load and a lone
question waits for nobody. ``window`` adds a deliberate wait for company (0 by default).

What it buys depends on the runtime. With the default encoder a batch of three questions or more
goes to OpenVINO, which encodes 32 at a time about three times as fast as onnxruntime encodes them
one by one; a sentence-transformers (torch) call has a large fixed cost, which batching spreads
(bench/encoders.py, bench/http_load.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np

from footnoted.index.encoder import Encoder, Kind


@dataclass(frozen=True, slots=True)
class _Request:
    text: str
    future: Future[np.ndarray] | asyncio.Future[np.ndarray]
    loop: asyncio.AbstractEventLoop | None = None
    """The event loop of an ``asyncio`` future (settled there, never from the worker thread)."""


class BatchingEncoder:
    """Wraps an encoder; single-text query calls from many threads are batched together."""

    def __init__(self, encoder: Encoder, *, window: float = 0.0, max_batch: int = 32) -> None:
        self.inner = encoder
        self.model_id = encoder.model_id
        self.dimension = encoder.dimension
        self.max_tokens = encoder.max_tokens
        self.window = window
        self.max_batch = max_batch
        self.batches = 0
        self.batched_texts = 0
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="footnoted-query-batcher", daemon=True)
        self._worker.start()

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        if kind != "query" or len(texts) != 1:
            return self.inner.encode(texts, kind)
        future: Future[np.ndarray] = Future()
        self._queue.put(_Request(texts[0], future))
        return future.result()[None, :]

    def submit_async(self, question: str) -> asyncio.Future[np.ndarray]:
        """Queue one question from a coroutine; the future, on the running loop, holds its vector.

        The worker settles all of a batch's futures on one loop with one call, so a batch wakes
        the loop once rather than once per question."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[np.ndarray] = loop.create_future()
        self._queue.put(_Request(question, waiter, loop))
        return waiter

    def close(self) -> None:
        self._queue.put(None)
        self._worker.join(timeout=5)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            deadline = time.monotonic() + self.window
            while len(batch) < self.max_batch:
                remaining = deadline - time.monotonic()
                try:
                    item = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            try:
                vectors = self.inner.encode([r.text for r in batch], "query")
            except BaseException as exc:  # every waiting caller gets the error, none hangs
                _settle(batch, [exc] * len(batch))
                continue
            self.batches += 1
            self.batched_texts += len(batch)
            _settle(batch, list(vectors))


def _settle(batch: list[_Request], outcomes: list[np.ndarray | BaseException]) -> None:
    """Give each request its vector or error: thread futures at once, ``asyncio`` ones on their loop."""
    on_loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[np.ndarray], np.ndarray | BaseException]]] = {}
    for request, outcome in zip(batch, outcomes, strict=True):
        if request.loop is None:
            future = request.future
            assert isinstance(future, Future)
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
        else:
            on_loops.setdefault(request.loop, []).append((request.future, outcome))  # type: ignore[arg-type]
    for loop, waiters in on_loops.items():
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting any more
            loop.call_soon_threadsafe(_resolve, waiters)


def _resolve(waiters: list[tuple[asyncio.Future[np.ndarray], np.ndarray | BaseException]]) -> None:
    for waiter, outcome in waiters:
        if waiter.done():  # cancelled: its client went away
            continue
        if isinstance(outcome, BaseException):
            waiter.set_exception(outcome)
        else:
            waiter.set_result(outcome)
