"""Typed settings, read once at an entry point (``FOOTNOTED_*`` environment variables)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable, with the defaults a fresh install uses."""

    model_config = SettingsConfigDict(env_prefix="FOOTNOTED_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path(user_data_dir("footnoted")))
    """Per-user data: the bundled briefing's index and the exported ONNX model."""
    index: Path | None = None
    """The index directory; defaults to ``<home>/index``, built from the bundled briefing on first use."""
    model_cache: Path | None = None
    """Where the ONNX export of the model is kept; defaults to ``<home>/models``."""
    model_path: Path | None = None
    """A local sentence-transformers model directory; defaults to the packaged all-MiniLM-L6-v2."""
    encoder: Literal["onnx", "onnx-int8", "torch", "hash"] = "onnx"
    """``onnx`` (the model exported once to onnxruntime; fast to start), ``onnx-int8`` (a quantised copy),
    ``torch`` (sentence-transformers) or ``hash`` (a deterministic test encoder, not a language model)."""
    batch_runtime: Literal["openvino", "onnxruntime"] = "openvino"
    """For ``onnx``: the runtime for model calls of three texts or more (passages, batched questions);
    a lone question always goes to onnxruntime."""
    threads: int = 0
    """Threads for the encoder (0: all cores, at most 4)."""
    readers: int = Field(default=0, ge=0)
    """Processes that read documents: ``ingest``'s files and a server's uploaded PDFs (0: one per
    core; 1: this process alone, no helper)."""
    chunk_tokens: int = 200
    chunk_overlap: int = 32
    vector_store: Literal["flat", "flat16", "hnsw"] = "flat"
    """For new indexes: ``flat`` (exact search), ``flat16`` (exact search over vectors kept in 16-bit
    floats: half the memory) or ``hnsw`` (a graph, approximate, for very large corpora)."""
    mode: Literal["dense", "lexical", "hybrid"] = "hybrid"
    verify: bool = True
    """Check every index file's checksum when loading."""

    host: str = "127.0.0.1"
    port: int = 8000
    read_key: SecretStr | None = None
    """API key for search and ask (``Authorization: Bearer`` or ``X-API-Key``); unset: open."""
    admin_key: SecretStr | None = None
    """API key for document changes; unset: open, but only to clients on this machine."""
    allow_remote: bool = False
    """Accept requests from other machines for actions that have no key configured."""
    cors_origins: list[str] = Field(default_factory=list)
    max_upload_bytes: int = 10 * 1024 * 1024
    max_question_chars: int = 2000
    max_k: int = 50
    micro_batch: bool = True
    """Encode questions that arrive together in one model call."""
    batch_window_ms: float = 0.0
    """How long a question waits for others to share its model call (0: it takes whoever is waiting)."""
    max_batch: int = 32
    keep_alive_seconds: int = Field(default=75, ge=1)
    """How long ``serve`` keeps an idle connection open; longer than clients keep theirs."""
    refresh_seconds: float = Field(default=1.0, ge=0)
    """How often a server checks for a generation another process committed (0: never)."""

    def index_path(self) -> Path:
        return self.index if self.index is not None else self.home / "index"

    @property
    def models_dir(self) -> Path:
        return self.model_cache if self.model_cache is not None else self.home / "models"
