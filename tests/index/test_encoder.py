"""Encoders: the deterministic test encoder, and the real bundled model, offline, in both runtimes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from footnoted.index import Encoder, HashEncoder
from footnoted.index.encoder import SentenceTransformerEncoder, default_model_path, read_spec
from footnoted.ingest import Tokenizer


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
def test_onnx_vectors_match_sentence_transformers(real_encoder: tuple[Encoder, Tokenizer]) -> None:
    onnx, _ = real_encoder
    reference = SentenceTransformerEncoder(read_spec(default_model_path()))
    texts = [
        "hello",
        "How many antipersonnel mines does the United States stockpile?",
        "The United States still stockpiles 10.4 million antipersonnel mines, the world’s third largest arsenal "
        "after China and Russia.3 " * 8,
        "“The 2004 Nairobi Declaration,” … 37 million stockpiled mines.",
    ]
    for kind in ("query", "passage"):
        a = onnx.encode(texts, kind)
        b = reference.encode(texts, kind)
        cosine = (a * b).sum(axis=1)
        assert cosine.min() > 0.9999, cosine
    assert onnx.model_id == reference.model_id


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
    for backend in ("torch", "onnx"):
        encoder, _ = make_encoder(Settings(home=Path(sys.argv[1]), encoder=backend))
        assert encoder.encode(["Where were mines used in 1991?"], "query").shape == (1, 384)
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
