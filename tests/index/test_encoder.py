"""Encoders: the deterministic test encoder, and the real bundled model, offline, in every runtime."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from footnoted.errors import EncoderError
from footnoted.index import Encoder, HashEncoder, make_encoder
from footnoted.index.encoder import Kind, SentenceTransformerEncoder, default_model_path, read_spec
from footnoted.index.onnx import OnnxEncoder, onnx_path
from footnoted.index.openvino import MIN_BATCH, OpenVinoEncoder, RoutedEncoder
from footnoted.ingest import Tokenizer
from footnoted.settings import Settings

_TEXTS = [
    "hello",
    "How many antipersonnel mines does the United States stockpile?",
    "The United States still stockpiles 10.4 million antipersonnel mines, the world’s third largest arsenal "
    "after China and Russia.3 " * 8,
    "“The 2004 Nairobi Declaration,” … 37 million stockpiled mines.",
]


def test_hash_encoder_is_deterministic_and_normalised() -> None:
    encoder = HashEncoder(64)
    a = encoder.encode(["landmine stockpiles", "treaty"])
    b = HashEncoder(64).encode(["landmine stockpiles", "treaty"])
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    near, far = (encoder.encode(["landmine stockpiles in 2004"]) @ a.T)[0]
    assert near > far


def test_the_bundled_model_spec() -> None:
    spec = read_spec(default_model_path())
    assert spec.name == "all-minilm-l6-v2"
    assert spec.dimension == 384
    assert spec.max_seq_length == 256
    assert spec.max_tokens == 254
    assert spec.pooling == "mean"
    assert spec.normalize
    assert spec.query_prefix == spec.passage_prefix == ""


@pytest.mark.model
def test_both_runtimes_match_sentence_transformers(real_encoder: tuple[Encoder, Tokenizer]) -> None:
    routed, _ = real_encoder
    assert isinstance(routed, RoutedEncoder)
    batch = routed.batch_encoder()
    assert isinstance(routed.single, OnnxEncoder)
    assert isinstance(batch, OpenVinoEncoder)  # loaded, not fallen back to onnxruntime
    reference = SentenceTransformerEncoder(read_spec(default_model_path()))
    for kind in ("query", "passage"):
        b = reference.encode(_TEXTS, kind)
        one_by_one = np.vstack([routed.encode([t], kind) for t in _TEXTS])  # onnxruntime
        together = routed.encode(_TEXTS, kind)  # OpenVINO
        for a in (one_by_one, together, batch.encode(_TEXTS[:1], kind=kind), routed.single.encode(_TEXTS, kind)):
            cosine = (a * b[: len(a)]).sum(axis=1)
            assert cosine.min() > 0.9999, cosine
    assert routed.model_id == batch.model_id == reference.model_id


@pytest.mark.model
def test_openvino_serves_callers_on_many_threads_at_once(real_encoder: tuple[Encoder, Tokenizer]) -> None:
    routed, _ = real_encoder
    assert isinstance(routed, RoutedEncoder)
    batch = routed.batch_encoder()
    groups = [[f"{t} ({i})" for t in _TEXTS] for i in range(16)]
    alone = [batch.encode(g) for g in groups]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(batch.encode, groups))
    for a, b in zip(alone, together, strict=True):
        assert np.allclose(a, b, atol=1e-6)
    # Its threads are left unpinned: they share the cores with the server's Python threads.
    assert batch._compiled.get_property("ENABLE_CPU_PINNING") is False  # type: ignore[attr-defined]


@pytest.mark.model
def test_openvino_compiles_without_a_cache_where_it_cannot_keep_one(
    real_encoder: tuple[Encoder, Tokenizer], real_home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spec = read_spec(default_model_path())
    model = onnx_path(spec, Settings(home=real_home).models_dir)  # exported by the real_encoder fixture
    blocked = tmp_path / "a-file"
    blocked.write_text("")  # no directory can be made below a file, whoever runs this
    with caplog.at_level(logging.WARNING):
        encoder = OpenVinoEncoder(spec, model, cache_dir=blocked / "cache")
    assert encoder.encode(_TEXTS).shape == (len(_TEXTS), 384)
    assert "compiling without a cache" in caplog.text


@pytest.mark.model
def test_the_batch_runtime_can_be_turned_off(real_home: Path) -> None:
    encoder, _ = make_encoder(Settings(home=real_home, encoder="onnx", batch_runtime="onnxruntime"))
    assert isinstance(encoder, OnnxEncoder)
    int8, _ = make_encoder(Settings(home=real_home, encoder="onnx-int8"))
    assert isinstance(int8, OnnxEncoder)  # the quantised model runs on onnxruntime only


class _Counting:
    def __init__(self, name: str) -> None:
        self.inner = HashEncoder(16)
        self.model_id, self.dimension, self.max_tokens = name, 16, 64
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        self.calls.append(len(texts))
        return self.inner.encode(texts, kind)


def test_few_texts_go_to_the_single_runtime_and_many_to_the_batch_one_loaded_once() -> None:
    single, batch, loads = _Counting("m"), _Counting("m"), []
    routed = RoutedEncoder(single, lambda: loads.append(1) or batch)
    for n in range(1, MIN_BATCH):
        routed.encode(["a question"] * n, "query")
    assert loads == []  # a process that only answers questions never loads the batch runtime
    routed.encode(["a passage"] * MIN_BATCH)
    routed.encode(["a passage"] * 40)
    probes = len(single.calls) - (MIN_BATCH - 1)  # one text at a time, checking the batch runtime
    assert single.calls == [*range(1, MIN_BATCH), *[1] * probes]
    assert batch.calls == [probes, MIN_BATCH, 40]
    assert loads == [1]
    assert np.array_equal(routed.encode(["x"] * 5), HashEncoder(16).encode(["x"] * 5))


class _Skewed(_Counting):
    """Vectors of another model: the same encoder with its dimensions shuffled."""

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        return super().encode(texts, kind)[:, ::-1].copy()


def test_a_batch_runtime_whose_vectors_disagree_is_never_used(caplog: pytest.LogCaptureFixture) -> None:
    single, skewed = _Counting("m"), _Skewed("m")
    skewed.cache_dir = Path("/models/openvino-cache")  # type: ignore[attr-defined]
    routed = RoutedEncoder(single, lambda: skewed)
    with caplog.at_level(logging.WARNING):
        vectors = routed.encode(["p", "q", "r", "s"])
    assert np.array_equal(vectors, HashEncoder(16).encode(["p", "q", "r", "s"]))
    assert skewed.calls == [3]  # the probe, and nothing after it
    assert routed.batch_encoder() is single
    message = " ".join(r.getMessage() for r in caplog.records)
    assert "disagree" in message and "/models/openvino-cache" in message


def test_a_batch_runtime_that_cannot_load_leaves_every_call_to_the_single_one(caplog: pytest.LogCaptureFixture) -> None:
    single, tries = _Counting("m"), []

    def broken() -> Encoder:
        tries.append(1)
        raise EncoderError("the OpenVINO runtime is not installed: pip install openvino")

    routed = RoutedEncoder(single, broken)
    with caplog.at_level(logging.WARNING):
        routed.encode(["p"] * 10)
        routed.encode(["p"] * 10)
    assert single.calls == [10, 10]
    assert tries == [1]  # tried once, not on every call
    assert [r.getMessage() for r in caplog.records if "batch runtime unavailable" in r.getMessage()] != []


_OFFLINE_CHILD = textwrap.dedent(
    """
    import socket, sys
    attempts = []
    def refuse(*args, **kwargs):
        attempts.append(args[:2])
        raise OSError("network access attempted")
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    from pathlib import Path
    from footnoted.index import make_encoder
    from footnoted.settings import Settings
    for backend in ("torch", "onnx", "onnx-int8"):
        encoder, _ = make_encoder(Settings(home=Path(sys.argv[1]), encoder=backend))
        assert encoder.encode(["Where were mines used in 1991?"], "query").shape == (1, 384)
        assert encoder.encode(["a passage", "another", "a third"], "passage").shape == (3, 384)
    print("attempts", len(attempts))
    """
)


@pytest.mark.model
def test_the_model_loads_and_runs_with_the_network_refused(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    result = subprocess.run(
        [sys.executable, "-c", _OFFLINE_CHILD, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "attempts 0"
    # Loading, exporting and quantising print nothing of their own: no progress bar, no advice.
    assert "Loading weights" not in result.stderr, result.stderr[-2000:]
    assert "pre-processing" not in result.stderr, result.stderr[-2000:]
