"""The same exported model through OpenVINO, for batches; onnxruntime keeps the single question.

The two runtimes are fastest at different call shapes (``bench/encoders.py``). onnxruntime has
the least fixed cost per call, so a lone question is encoded fastest there. OpenVINO compiles
the graph for the CPU it runs on: with native bf16 (AMX or AVX-512 BF16) its matrix products run
in bf16 with fp32 accumulation, and a batch of passages or of questions that arrived together
goes through two to four times as fast. Both run the one exported graph, and their vectors agree
with sentence-transformers' to a cosine above 0.9999 (tested), so they share a model id and one
index takes vectors from either.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from footnoted.errors import EncoderError
from footnoted.index.encoder import Encoder, Kind, ModelSpec
from footnoted.index.onnx import PROBES, ExportedEncoder

log = logging.getLogger(__name__)

MIN_BATCH = 3
"""Calls with this many texts or more go to the batch runtime; fewer stay on onnxruntime.

Where the two cross on this machine: onnxruntime encodes one or two questions a call faster,
OpenVINO three and more (``bench/encoders.py``)."""


AGREEMENT = 0.9999
"""The lowest cosine the batch runtime's vectors may have to onnxruntime's on the probe texts."""


class OpenVinoEncoder(ExportedEncoder):
    """The exported model compiled by OpenVINO for this CPU, in bf16 where the CPU has it natively."""

    def __init__(
        self,
        spec: ModelSpec,
        model_file: Path,
        *,
        threads: int = 0,
        batch_size: int = 32,
        cache_dir: Path | None = None,
    ) -> None:
        super().__init__(spec, batch_size=batch_size)
        try:
            import openvino as ov
        except ImportError:
            raise EncoderError("the OpenVINO runtime is not installed: pip install openvino") from None
        self.cache_dir = cache_dir
        try:
            core = ov.Core()
            capabilities = core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
            self.precision = "bf16" if "BF16" in capabilities else "f32"
            config = {
                "PERFORMANCE_HINT": "LATENCY",
                "INFERENCE_NUM_THREADS": threads or min(4, os.cpu_count() or 1),
                "INFERENCE_PRECISION_HINT": self.precision,
                # Its threads share the cores with the server's Python threads; pinned, one that
                # shares a core holds up the other at every layer. Unpinned: 4 to 6% more
                # batched questions a second at concurrency 32, the same speed alone.
                "ENABLE_CPU_PINNING": False,
            }
            self._compiled = _compile(core, model_file, config, cache_dir)
        except Exception as exc:
            raise EncoderError(f"OpenVINO cannot compile {model_file}: {exc}") from exc
        self._input_names = {i.get_any_name() for i in self._compiled.inputs}
        # An infer request runs one call at a time; callers on other threads take another.
        self._idle: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def _run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        try:
            request = self._idle.get_nowait()
        except queue.Empty:
            request = self._compiled.create_infer_request()
        try:
            return np.array(request.infer(feed)[0], dtype=np.float32)
        finally:
            self._idle.put(request)


def _compile(core: Any, model_file: Path, config: dict[str, Any], cache_dir: Path | None) -> Any:
    """Compile with the graph cached in ``cache_dir`` (reused by the next process), or without a cache
    when that directory cannot be used."""
    if cache_dir is not None:
        try:
            return core.compile_model(str(model_file), "CPU", {**config, "CACHE_DIR": str(cache_dir)})
        except Exception as exc:
            log.warning(
                "OpenVINO cannot cache its compiled graph in %s (%s); compiling without a cache", cache_dir, exc
            )
    return core.compile_model(str(model_file), "CPU", config)


class RoutedEncoder:
    """Few texts to one encoder, many to another, loaded on first need.

    A model call of fewer than ``min_batch`` texts (a question) goes to ``single``; a larger one
    (passages being ingested, questions batched together) to the encoder ``load_batch`` makes,
    built the first time one comes, so a process that only answers questions never loads it.

    Once built, it must agree with ``single`` on a few probe texts (cosine at least
    ``AGREEMENT``), so a damaged compiled-graph cache or a miscompiled graph can never put
    vectors of another model into an index. If it cannot be built or does not agree, the reason
    is logged once and ``single`` takes every call.
    """

    def __init__(self, single: Encoder, load_batch: Callable[[], Encoder], *, min_batch: int = MIN_BATCH) -> None:
        self.single = single
        self.model_id = single.model_id
        self.dimension = single.dimension
        self.max_tokens = single.max_tokens
        self.min_batch = min_batch
        self._load_batch = load_batch
        self._batch: Encoder | None = None  # until the first large call; ``single`` if loading failed
        self._lock = threading.Lock()

    def batch_encoder(self) -> Encoder:
        """The encoder for large calls (``single`` when the batch runtime could not be loaded)."""
        if self._batch is None:
            with self._lock:
                if self._batch is None:
                    try:
                        self._batch = self._checked(self._load_batch())
                    except EncoderError as exc:
                        self._batch = self.single
                        log.warning("batch runtime unavailable, encoding every call with onnxruntime: %s", exc)
        return self._batch

    def _checked(self, batch: Encoder) -> Encoder:
        expected = np.vstack([self.single.encode([text], "passage") for text in PROBES])
        got = batch.encode(PROBES, "passage")
        agreement = float((expected * got).sum(axis=1).min()) if got.shape == expected.shape else -1.0
        if agreement < AGREEMENT:
            where = getattr(batch, "cache_dir", None)
            hint = f"; delete {where} to compile it again" if where else ""
            raise EncoderError(f"its vectors disagree with onnxruntime's (cosine {agreement:.4f}){hint}")
        return batch

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        if len(texts) < self.min_batch:
            return self.single.encode(texts, kind)
        return self.batch_encoder().encode(texts, kind)
